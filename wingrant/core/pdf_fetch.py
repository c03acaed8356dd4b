"""What WeasyPrint may load while rendering any of wingrant's PDFs: only the app's own static files.

Print templates link them as ``wingrant-static:<path>`` (``static_url``);
``StaticOnlyFetcher`` serves exactly the files under the static folder.
``file://``, ``http(s)://``, ``data:`` and any path leaving the folder are
refused, so text typed by users can never make the renderer read the disk or
the network; a document asking for them renders without.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "wingrant-static"


class UnsafeURL(ValueError):
    """WeasyPrint asked for something outside the application's static folder."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``wingrant-static:<path>`` from the static folder and refuses everything else."""

    def __init__(self, static_folder: str | Path):
        super().__init__(allowed_protocols=(SCHEME,))
        self.root = Path(static_folder).resolve()

    def fetch(self, url, headers=None):
        scheme, _sep, rest = url.partition(":")
        if scheme.lower() != SCHEME or not rest:
            raise UnsafeURL(f"refused: {url[:100]}")
        relative = unquote(rest.split("?", 1)[0].split("#", 1)[0]).lstrip("/")
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise UnsafeURL(f"refused: {url[:100]}")
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media_type})


def static_url(filename: str) -> str:
    """What a PDF template writes to link a static file."""
    return f"{SCHEME}:{filename}"

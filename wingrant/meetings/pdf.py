"""The invitation as PDF, rendered by WeasyPrint from ``templates/pdf/invitation.html``.

WeasyPrint may load nothing but the application's own static files: the
template links them as ``wingrant-static:<path>`` and ``StaticOnlyFetcher``
serves exactly the files under the static folder. ``file://``, ``http(s)://``,
``data:`` and any path leaving the folder are refused; a document asking for
them renders without.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

SCHEME = "wingrant-static"


class UnsafeURL(ValueError):
    """WeasyPrint asked for something outside the application's static folder."""


class StaticOnlyFetcher(URLFetcher):
    """Serves ``wingrant-static:<path>`` from the static folder; refuses everything else."""

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
    return f"{SCHEME}:{filename}"


def invitation_pdf(**context) -> bytes:
    """The printable invitation; German, whatever language the user's screen is in."""
    with force_locale("de"):
        html = render_template("pdf/invitation.html", pdf_static=static_url, **context)
    return HTML(string=html, url_fetcher=StaticOnlyFetcher(current_app.static_folder)).write_pdf()

"""Sending a published minutes version's stored PDF, for every page and endpoint that offers it.

The internal minutes pages, the public portal and the JSON API all hand out the same immutable
bytes with the same headers (ETag and ``Repr-Digest`` from the published checksum), so the
response is built once here, below all three view layers.
"""

from __future__ import annotations

import base64
import io

from flask import send_file

from .models import MinutesVersion


def stored_pdf_response(version: MinutesVersion, filename: str):
    """The stored bytes exactly as published — never rendered again."""
    safe = "".join(c if (c.isascii() and (c.isalnum() or c in "-_.")) else "-" for c in filename)
    response = send_file(io.BytesIO(version.pdf), mimetype="application/pdf", download_name=safe,
                         as_attachment=True, etag=version.sha256, last_modified=version.created_at,
                         max_age=3600)
    # RFC 9530: lets a client check the download against the published checksum.
    response.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(version.sha256)).decode()}:"
    return response

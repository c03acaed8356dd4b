"""Absolute URLs from the configured public address, never from the request's ``Host`` header.

Links that leave the page (mails, OParl ids, iCal, QR codes, feeds) must name the installation's
real address even when a request arrives with a forged ``Host``, and the mail worker builds them
with no request at all. ``PUBLIC_URL`` (``WINGRANT_PUBLIC_URL``) is that address, with an optional
path prefix when the app is mounted below the root.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, request


def public_base() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """``url_for(endpoint, **values)`` as an absolute URL under ``PUBLIC_URL`` (``.name``: in the
    current request's blueprint, as with ``url_for``)."""
    if endpoint.startswith(".") and has_request_context() and request.blueprint:
        endpoint = request.blueprint + endpoint
    parts = urlsplit(public_base())
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def public_host() -> str:
    """The host name of ``PUBLIC_URL`` (for Message-IDs and iCal UIDs)."""
    return urlsplit(public_base()).hostname or "wingrant.invalid"

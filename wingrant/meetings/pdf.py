"""The invitation as PDF, rendered by WeasyPrint from ``templates/pdf/invitation.html``.

WeasyPrint may load nothing but the application's own static files
(``core.pdf_fetch``). The invitation of an invited meeting is public, so anyone
may ask for it: a rendering takes a second of CPU, so the PDF of an unchanged
document (same HTML) is kept in a small per-process cache.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML

from ..core.pdf_fetch import StaticOnlyFetcher, static_url

#: Rendered invitations kept per process (each some 30 kB).
CACHE_SIZE = 32
_cache: OrderedDict[str, bytes] = OrderedDict()
_lock = threading.Lock()


def invitation_pdf(**context) -> bytes:
    """The printable invitation; German, whatever language the user's screen is in."""
    with force_locale("de"):
        html = render_template("pdf/invitation.html", pdf_static=static_url, **context)
    key = hashlib.sha256(html.encode()).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    document = HTML(string=html, url_fetcher=StaticOnlyFetcher(current_app.static_folder)).write_pdf()
    with _lock:
        _cache[key] = document
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return document

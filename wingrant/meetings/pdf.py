"""The invitation as PDF, rendered by WeasyPrint from ``templates/pdf/invitation.html``.

WeasyPrint may load nothing but the application's own static files
(``core.pdf_fetch``).
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML

from ..core.pdf_fetch import StaticOnlyFetcher, static_url


def invitation_pdf(**context) -> bytes:
    """The printable invitation; German, whatever language the user's screen is in."""
    with force_locale("de"):
        html = render_template("pdf/invitation.html", pdf_static=static_url, **context)
    return HTML(string=html, url_fetcher=StaticOnlyFetcher(current_app.static_folder)).write_pdf()

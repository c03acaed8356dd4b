"""The minutes as PDF/A-3a, rendered by WeasyPrint from ``templates/pdf/minutes.html``.

WeasyPrint may fetch nothing but the application's own static files
(``core.pdf_fetch``): a document that tries to load anything else simply
renders without it.

The PDF is PDF/A-3a (archival, tagged for accessibility) with the decision
data attached as ``beschluesse.json`` (AFRelationship ``Data``).
"""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import HTML, Attachment

from ..core.pdf_fetch import StaticOnlyFetcher, static_url
from .chart import minutes_chart
from .export import FILENAME, decision_json
from .record import MinutesRecord

#: The archival variant; WeasyPrint turns on tagging (pdf_tags) for the "a" conformance level.
PDF_VARIANT = "pdf/a-3a"
#: The output intent, declared by ``@color-profile --srgb`` in pdf.css and fetched like any
#: static file. (WeasyPrint's built-in "srgb" intent leaves its ICC file open.)
OUTPUT_INTENT = "--srgb"


def render_html(record: MinutesRecord, *, version: int | None = None, reason: str = "") -> str:
    """The HTML WeasyPrint renders; German whatever language the user's screen is in."""
    with force_locale("de"):
        return render_template("pdf/minutes.html", r=record, chart=minutes_chart(record.budgets),
                               version=version, reason=reason, issued=date.today(), pdf_static=static_url)


def render_pdf(record: MinutesRecord, *, version: int | None = None, reason: str = "") -> bytes:
    return write_pdf(render_html(record, version=version, reason=reason),
                     attachment=(FILENAME, decision_json(record, version=version),
                                 "Beschlüsse und Budgets dieser Sitzung (Beträge in Cent)"))


def render_template_pdf(template: str, *, attachment: tuple[str, bytes, str] | None = None, **context) -> bytes:
    """Any print template (German, static files only) as PDF/A-3a."""
    with force_locale("de"):
        html = render_template(template, issued=date.today(), pdf_static=static_url, **context)
    return write_pdf(html, attachment=attachment)


def write_pdf(html: str, *, attachment: tuple[str, bytes, str] | None = None) -> bytes:
    """HTML → PDF/A-3a; ``attachment`` = (file name, bytes, description), embedded as data."""
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    attachments = []
    if attachment is not None:
        name, data, description = attachment
        attachments.append(Attachment(string=data, name=name, url_fetcher=fetcher, description=description,
                                      relationship="Data"))
    document = HTML(string=html, url_fetcher=fetcher)
    return document.write_pdf(pdf_variant=PDF_VARIANT, output_intent=OUTPUT_INTENT, attachments=attachments,
                              finisher=_associated_files_once)


def _associated_files_once(_document, pdf) -> None:
    """WeasyPrint (70) puts every attachment twice into the catalogue's /AF, once from the
    EmbeddedFiles name tree and once from the file specification, so a viewer's list of attached
    files names ``beschluesse.json`` twice. Each file specification once, in order."""
    if "AF" in pdf.catalog:
        associated = pdf.catalog["AF"]
        pdf.catalog["AF"] = type(associated)(dict.fromkeys(associated))

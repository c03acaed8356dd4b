"""The minutes PDF of one meeting with 25 applications, beside WeasyPrint alone on the same HTML.

wingrant's time is the whole of ``minutes.pdf.render_pdf(minutes_record(...))``: the queries,
the template, the chart, the embedded ``beschluesse.json`` and WeasyPrint. WeasyPrint's own
time is ``HTML(string=…).write_pdf(…)`` on the very HTML wingrant produced, with the same
options (PDF/A-3a, output intent, the same attachment) — what no amount of tuning in
wingrant can go below. Both run ``repeat`` times, interleaved; the ratio compares the fastest
run of each (the least disturbed by other load), the medians are reported beside.
"""

from __future__ import annotations

import statistics
import time

from flask import current_app
from weasyprint import HTML, Attachment

from wingrant.core.pdf_fetch import StaticOnlyFetcher
from wingrant.extensions import db
from wingrant.minutes import pdf as minutes_pdf
from wingrant.minutes.export import FILENAME, decision_json
from wingrant.minutes.record_loader import minutes_record


def _weasyprint_alone(html: str, attachment: bytes) -> bytes:
    fetcher = StaticOnlyFetcher(current_app.static_folder)
    attachments = [Attachment(string=attachment, name=FILENAME, url_fetcher=fetcher,
                              description="Beschlüsse und Budgets dieser Sitzung (Beträge in Cent)",
                              relationship="Data")]
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        pdf_variant=minutes_pdf.PDF_VARIANT, output_intent=minutes_pdf.OUTPUT_INTENT, attachments=attachments)


def measure(app, meeting_id: int, *, repeat: int = 5) -> dict:
    with app.app_context():
        def whole() -> bytes:
            record = minutes_record(meeting_id, public=True)
            return minutes_pdf.render_pdf(record, version=1)

        record = minutes_record(meeting_id, public=True)
        html = minutes_pdf.render_html(record, version=1)
        attachment = decision_json(record, version=1)
        items = sum(1 for entry in record.agenda if entry.application is not None)
        whole()  # warm-up: fonts, templates, caches
        _weasyprint_alone(html, attachment)
        ours, theirs = [], []
        for _ in range(repeat):  # interleaved, so that load on the machine hits both alike
            started = time.perf_counter()
            pdf = whole()
            ours.append(time.perf_counter() - started)
            started = time.perf_counter()
            _weasyprint_alone(html, attachment)
            theirs.append(time.perf_counter() - started)
        db.session.remove()
    # The ratio of the best runs: what each needs when the machine lets it (medians reported beside).
    wingrant_s, weasy_s = min(ours), min(theirs)
    return {"meeting_id": meeting_id, "applications": items, "pdf_bytes": len(pdf), "repeat": repeat,
            "wingrant_ms": round(wingrant_s * 1000, 1), "weasyprint_ms": round(weasy_s * 1000, 1),
            "wingrant_median_ms": round(statistics.median(ours) * 1000, 1),
            "weasyprint_median_ms": round(statistics.median(theirs) * 1000, 1),
            "ratio": round(wingrant_s / weasy_s, 3)}

"""The decisions of a minutes record as machine-readable JSON (embedded in the PDF).

Amounts are integer cents, exactly as the ledger holds them; nothing is
rounded or converted. The JSON carries no personal names at all, in either
audience: decisions, amounts and budgets are what open data needs.
"""

from __future__ import annotations

import json

from .record import MinutesRecord

FORMAT = "wingrant.minutes/1"
FILENAME = "beschluesse.json"


def decision_data(record: MinutesRecord, *, version: int | None = None) -> dict:
    h = record.header
    return {
        "format": FORMAT,
        "audience": "public" if record.public else "internal",
        "version": version,
        "currency": "EUR",
        "amount_unit": "cent",
        "neighbourhood": {"name": h.neighbourhood, "slug": h.slug, "forum": h.forum},
        "meeting": {
            "date": h.date.isoformat(),
            "starts_at": h.starts_at.strftime("%H:%M") if h.starts_at else None,
            "ends_at": h.ends_at.strftime("%H:%M") if h.ends_at else None,
            "place": h.place,
            "participants": record.attendance.total,
        },
        "decisions": [
            {
                "agenda_number": entry.number,
                "application_reference": app.reference,
                "title": app.title,
                "organisation": app.organisation,
                "year": app.year,
                "outcome": app.outcome.value if app.outcome else None,
                "conditions": app.conditions,
                "reason": app.reason,
                "standing_objections": len(app.standing_objections),
                "amounts": [
                    {
                        "programme": a.code,
                        "requested_cents": a.requested,
                        "approved_cents": a.approved,
                        "committed_cents": a.committed,
                    }
                    for a in app.amounts
                ],
            }
            for entry in record.agenda
            if (app := entry.application) is not None
        ],
        "budgets": [
            {
                "programme": b.code,
                "year": b.year,
                "allocated_cents": b.allocated,
                "committed_before_cents": b.committed_before,
                "committed_at_meeting_cents": b.committed_here,
                "released_cents": b.released,
                "available_cents": b.available,
                **({"lines": [{"line": line.line_code, "name": line.line_name, "allocated_cents": line.allocated,
                               "committed_before_cents": line.committed_before,
                               "committed_at_meeting_cents": line.committed_here,
                               "released_cents": line.released, "available_cents": line.available}
                              for line in b.lines]} if b.lines else {}),
            }
            for b in record.budgets
        ],
    }


def decision_json(record: MinutesRecord, *, version: int | None = None) -> bytes:
    return json.dumps(decision_data(record, version=version), ensure_ascii=False, indent=2).encode("utf-8")

"""German wording of the concern statuses (lazy, via Babel)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import ConcernStatus

STATUSES = {
    ConcernStatus.RECORDED: _l("aufgenommen"),
    ConcernStatus.FORWARDED: _l("weitergeleitet"),
    ConcernStatus.ANSWERED: _l("Antwort erhalten"),
    ConcernStatus.DONE: _l("erledigt"),
}


def status_text(status: ConcernStatus, office: str = "") -> str:
    """"weitergeleitet an Ortsamt Huchting" where the office is known, else the bare status."""
    if status == ConcernStatus.FORWARDED and office:
        return str(_l("weitergeleitet an %(office)s", office=office))
    return str(STATUSES[status])

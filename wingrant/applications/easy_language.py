"""An application's summary in Leichte Sprache: written by the QM or the Träger, published once checked.

Leichte Sprache is checked by people it is written for (a Prüfgruppe); the tool records who checked
it and when, and publishes only a checked text. Editing the text takes the check back, so nothing
unchecked reaches the portal or the minutes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from .models import Application, EasySummary
from .services import require

MAX_TEXT = 1500
#: The text where it is checked, else NULL: for reading it beside an application in a query of one's own
#: (outer-joined on ``EasySummary.application_id``).
CHECKED_TEXT = sa.case((EasySummary.reviewed_by != "", EasySummary.text), else_=None)


def of(app: Application) -> EasySummary | None:
    return db.session.scalar(sa.select(EasySummary).where(EasySummary.application_id == app.id))


def published(application_ids: Iterable[int]) -> dict[int, str]:
    """The checked summaries of these applications (one query); unchecked ones are left out."""
    ids = list(application_ids)
    if not ids:
        return {}
    rows = db.session.execute(sa.select(EasySummary.application_id, CHECKED_TEXT).where(
        EasySummary.application_id.in_(ids)))
    return {app_id: text for app_id, text in rows if text}


def save(app: Application, text: str, *, reviewed_by: str, user, today: date | None = None) -> EasySummary:
    """Store the text; with ``reviewed_by`` it counts as checked (and is published), without it as a draft.

    A check belongs to one text: a changed text sent with the same reviewer as before is a draft again
    (the form showed the old check); naming the check anew on the unchanged text publishes it.
    """
    require(user, app.neighbourhood_id)
    text, reviewed_by = (text or "").strip(), (reviewed_by or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_("Der Text ist zu lang (höchstens %(n)s Zeichen).", n=MAX_TEXT), field="text")
    if len(reviewed_by) > 200:
        raise DomainError(_("Höchstens 200 Zeichen."), field="reviewed_by")
    if reviewed_by and not text:
        raise DomainError(_("Ohne Text gibt es nichts zu prüfen."), field="text")
    with unit_of_work():
        app = lock_row(Application, app.id)
        summary = of(app)
        before = {"text": summary.text, "reviewed_by": summary.reviewed_by} if summary else None
        if summary is None:
            summary = EasySummary(application_id=app.id)
            db.session.add(summary)
        if before and text != summary.text and reviewed_by == summary.reviewed_by:
            reviewed_by = ""  # the old check was for the old text
        summary.text = text
        summary.reviewed_by = reviewed_by
        summary.reviewed_on = (today or date.today()) if reviewed_by else None
        summary.updated_by_id, summary.updated_at = getattr(user, "id", None), utcnow()
        audit.record("easy_summary.save", user=user, obj=app, neighbourhood_id=app.neighbourhood_id,
                     before=before, after={"text": text, "reviewed_by": reviewed_by})
    return summary

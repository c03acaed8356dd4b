"""The Verwendungsnachweis the Träger sends through the private link: a draft for the QM.

The applicant's draft (Sachbericht, figures, files) changes nothing by itself: no
report, no life-cycle step, no booking. The QM takes it over (``take_over``: the
figures go through ``services.submit_report`` like her own entry, the files become
the application's attachments) or returns it with a reason (``return_draft``).
One draft at a time waits for her; a returned draft can be followed by a new one.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from ..applications import attachments
from ..applications.models import Application, Attachment
from ..applications.rules import Problem
from ..applications.services import require
from ..applications.timeline import TimelineEvent, add_source
from ..audit import services as audit
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from . import notices, services
from .models import DraftState, UseOfFundsDraft, UseOfFundsDraftFile
from .queries import grant_rows
from .rules import REPORTABLE_STATES, report_problems

#: Files one draft may carry (each under the attachment size limit).
MAX_FILES = 10
MAX_NARRATIVE = 20_000


def drafts_of(app: Application) -> list[UseOfFundsDraft]:
    """The application's drafts, newest first (with their files: two queries)."""
    return list(db.session.execute(
        sa.select(UseOfFundsDraft).where(UseOfFundsDraft.application_id == app.id)
        .options(selectinload(UseOfFundsDraft.files))
        .order_by(UseOfFundsDraft.submitted_at.desc(), UseOfFundsDraft.id.desc())).scalars())


def pending_draft(app: Application) -> UseOfFundsDraft | None:
    return db.session.execute(
        sa.select(UseOfFundsDraft).where(UseOfFundsDraft.application_id == app.id,
                                         UseOfFundsDraft.state == DraftState.SUBMITTED)).scalar_one_or_none()


@add_source
def timeline_events(app: Application) -> list[TimelineEvent]:
    """A draft sent by the Träger in the application's story, so the QM sees it there: one query."""
    return [TimelineEvent(d.submitted_at, "report_draft", "", text=d.state.value)
            for d in db.session.execute(
                sa.select(UseOfFundsDraft).where(UseOfFundsDraft.application_id == app.id)).scalars()]


def may_send_draft(app: Application) -> bool:
    """Whether the private link offers the form: a granted, running project without a draft waiting."""
    return app.state in REPORTABLE_STATES and bool(grant_rows(app)) and pending_draft(app) is None


def draft_problems(narrative: str, actual_cost_cents: int | None, spent: dict[int, int | None],
                   granted: dict[int, int], file_count: int) -> list[Problem]:
    """The staff form's money rules, plus a Sachbericht and a bounded number of files."""
    problems = []
    if not (narrative or "").strip():
        problems.append(Problem(_("Bitte beschreiben Sie im Sachbericht, was im Projekt geschehen ist."),
                                "narrative"))
    elif len(narrative) > MAX_NARRATIVE:
        problems.append(Problem(_("Der Sachbericht ist zu lang (höchstens %(n)s Zeichen).", n=MAX_NARRATIVE),
                                "narrative"))
    problems += report_problems(actual_cost_cents, spent, granted)
    if file_count > MAX_FILES:
        problems.append(Problem(_("Bitte höchstens %(n)s Dateien auf einmal hochladen.", n=MAX_FILES), "files"))
    return problems


def submit_draft(app: Application, *, narrative: str, actual_cost_cents: int | None,
                 spent: dict[int, int | None], uploads: Iterable[tuple[object, str]] = ()) -> UseOfFundsDraft:
    """The Träger sends a Verwendungsnachweis (no account: the private link was checked by the caller).

    ``uploads`` are (stream, file name) pairs. Files are checked and stored first; if anything
    is refused, nothing is kept — neither the draft nor any of its files.
    """
    uploads = list(uploads)
    rows = grant_rows(app)
    if app.state not in REPORTABLE_STATES or not rows:
        raise DomainError(_("Ein Verwendungsnachweis kann erst nach der Bewilligung eingereicht werden."))
    problems = draft_problems(narrative, actual_cost_cents, spent, {r.grant.id: r.grant.amount_cents for r in rows},
                              len(uploads))
    if problems:
        raise services.InvalidAfterGrant(problems)
    stored: list[attachments.StoredFile] = []
    try:
        for stream, filename in uploads:
            stored.append(attachments.store_file(stream, filename))
        with unit_of_work():
            app = lock_row(Application, app.id)
            if app.state not in REPORTABLE_STATES:
                raise DomainError(_("Ein Verwendungsnachweis kann erst nach der Bewilligung eingereicht werden."))
            if pending_draft(app) is not None:
                raise DomainError(_("Ihr Verwendungsnachweis liegt dem Quartiersmanagement bereits vor. Bitte "
                                    "warten Sie, bis es ihn übernommen oder zurückgegeben hat."))
            draft = UseOfFundsDraft(application_id=app.id, state=DraftState.SUBMITTED, narrative=narrative.strip(),
                                    actual_cost_cents=actual_cost_cents,
                                    spent={str(r.grant.id): spent[r.grant.id] for r in rows})
            draft.files = [UseOfFundsDraftFile(original_name=f.original_name, storage_name=f.storage_name,
                                               media_type=f.media_type, size_bytes=f.size_bytes, sha256=f.sha256)
                           for f in stored]
            db.session.add(draft)
            db.session.flush()
            notices.draft_sent(app)
            audit.record("use_of_funds.draft_submit", user=None, obj=draft, neighbourhood_id=app.neighbourhood_id,
                         after={"application_id": app.id, "actual_cost_cents": actual_cost_cents,
                                "spent_cents": draft.spent, "files": [f.sha256 for f in stored]})
    except BaseException:
        for f in stored:
            attachments.discard(f.storage_name)
        raise
    return draft


def _locked_draft(app: Application, draft_id: int) -> tuple[Application, UseOfFundsDraft]:
    app = lock_row(Application, app.id)
    draft = db.session.get(UseOfFundsDraft, draft_id)
    if draft is None or draft.application_id != app.id:
        raise DomainError(_("Diesen Entwurf gibt es zu diesem Antrag nicht."))
    if draft.state != DraftState.SUBMITTED:
        raise DomainError(_("Dieser Entwurf ist bereits bearbeitet."))
    return app, draft


def take_over(app: Application, draft_id: int, *, user) -> UseOfFundsDraft:
    """The QM accepts the draft: it becomes the Verwendungsnachweis (the same rules as her own entry)."""
    require(user, app.neighbourhood_id)
    with unit_of_work():
        app, draft = _locked_draft(app, draft_id)
        rows = grant_rows(app)
        services.submit_report(app, submitted_on=draft.submitted_at.date(),
                               actual_cost_cents=draft.actual_cost_cents,
                               spent={r.grant.id: draft.spent_for(r.grant.id) for r in rows},
                               notes=draft.narrative, user=user)
        for f in draft.files:
            attachment = Attachment(application_id=app.id, original_name=f.original_name,
                                    storage_name=f.storage_name, media_type=f.media_type, size_bytes=f.size_bytes,
                                    sha256=f.sha256, uploaded_by_id=None)
            db.session.add(attachment)
            db.session.flush()
            f.attachment_id = attachment.id
        draft.state = DraftState.ACCEPTED
        draft.decided_at = utcnow()
        draft.decided_by_id = getattr(user, "id", None)
        audit.record("use_of_funds.draft_accept", user=user, obj=draft, neighbourhood_id=app.neighbourhood_id,
                     after={"application_id": app.id, "files": len(draft.files)})
    return draft


def return_draft(app: Application, draft_id: int, *, user, reason: str) -> UseOfFundsDraft:
    """The QM sends the draft back; the Träger sees why on the private page and may send a new one."""
    require(user, app.neighbourhood_id)
    if not (reason or "").strip():
        raise DomainError(_("Bitte angeben, was der Träger am Verwendungsnachweis ändern soll."), field="reason")
    with unit_of_work():
        app, draft = _locked_draft(app, draft_id)
        draft.state = DraftState.RETURNED
        draft.return_reason = reason.strip()
        draft.decided_at = utcnow()
        draft.decided_by_id = getattr(user, "id", None)
        notices.draft_returned(app, draft.return_reason)
        audit.record("use_of_funds.draft_return", user=user, obj=draft, neighbourhood_id=app.neighbourhood_id,
                     after={"application_id": app.id, "reason": draft.return_reason})
    return draft

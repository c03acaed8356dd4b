"""Mail after the grant: each payout, and the reminders of the Verwendungsnachweis (due soon, overdue).

The payout mail is written in the payout's unit of work. The reminders are written by the worker's
scheduled job (``remind_reports_due``), each once (its ``dedup_key``), for every granted or running
project whose report is not in: due as ``applications.rules.report_due_on`` says (the rule the
start page's "overdue" count uses), reminded ``REPORT_REMINDER_DAYS`` before and on the first day after.
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from ..applications import rules
from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..applications.notices import current_private_link, to_applicant, to_managers
from ..core.urls import external_url
from ..database import unit_of_work
from ..extensions import db
from ..mail.models import OutboxMail
from .models import DraftState, UseOfFundsDraft, UseOfFundsReport

#: States in which a project owes its report.
OWING = (S.GRANTED, S.RUNNING)


def paid(app: Application, payout, grant) -> None:
    to_applicant("applicant.payout", "applicant_payout", app, payout=payout, grant=grant)


def draft_sent(app: Application) -> None:
    """The Träger sent a Verwendungsnachweis through the private link: the QM takes it over or returns it."""
    to_managers("manager.report_draft", "manager_report_draft", app,
                page=external_url("funding.after_grant_page", slug=app.neighbourhood.slug, application_id=app.id))


def draft_returned(app: Application, reason: str) -> None:
    if app.contact_email:  # the link is derived only for a mail that goes out
        to_applicant("applicant.report_returned", "applicant_report_returned", app, reason_text=reason,
                     link=current_private_link(app))


def remind_reports_due(today: date | None = None) -> int:
    """Write the reminders that are due today and not yet written; returns how many."""
    today = today or date.today()
    warn = timedelta(days=current_app.config["REPORT_REMINDER_DAYS"])
    # Projects due at most ``warn`` from now ended before this day (or, without an end, in its year).
    latest_end = rules.shift_months(today + warn, -rules.REPORT_DUE_MONTHS)
    written = 0
    with unit_of_work():
        apps = db.session.execute(
            sa.select(Application)
            .where(Application.state.in_(OWING), Application.contact_email != "",
                   sa.or_(Application.end_date <= latest_end,
                          Application.end_date.is_(None) & (Application.year <= latest_end.year)),
                   ~sa.exists().where(UseOfFundsReport.application_id == Application.id),
                   # A draft from the Träger waits for the QM: nothing to remind the Träger of.
                   ~sa.exists().where(UseOfFundsDraft.application_id == Application.id,
                                      UseOfFundsDraft.state == DraftState.SUBMITTED))
            .order_by(Application.id)).scalars().all()
        for app in apps:
            due = rules.report_due_on(app.end_date, app.year)
            if today < due - warn:
                continue
            stage = "overdue" if today > due else "soon"
            key = f"report_due:{app.id}:{stage}"
            if db.session.execute(sa.select(OutboxMail.id).where(OutboxMail.dedup_key == key)).first():
                continue
            mail = to_applicant("applicant.report_due", "applicant_report_due", app, due=due,
                                overdue=stage == "overdue", link=current_private_link(app))
            mail.dedup_key = key
            written += 1
    return written

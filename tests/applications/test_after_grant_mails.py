"""Mail after the grant: each payout, and the Verwendungsnachweis reminders (due soon, overdue), each once."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from wingrant.applications import rules
from wingrant.funding import notices
from wingrant.funding.models import UseOfFundsReport
from wingrant.mail.models import OutboxMail

from .conftest import YEAR
from .test_after_grant import make_granted, pay  # noqa: F401

END = date(YEAR, 11, 30)


def _mails(db, kind):
    db.session.rollback()
    return db.session.execute(sa.select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)
                              ).scalars().all()


def test_each_payout_is_mailed_to_the_traeger(db, make_granted, manager):
    app = make_granted()
    app.contact_email = "kasse@traeger.example"
    db.session.commit()
    pay(db, app, 400_00, manager)
    [mail] = _mails(db, "applicant.payout")
    assert mail.recipient == "kasse@traeger.example"
    assert mail.subject == f"Auszahlung für {app.reference}: 400,00\u00a0€"
    assert "Bescheid ZB-" in mail.body_text and "01.06.2026" in mail.body_text


def _granted_ending(db, make_granted, end=END):
    app = make_granted()
    app.contact_email, app.end_date = "traeger@example.org", end
    db.session.commit()
    return app


def test_report_reminder_comes_two_weeks_before_it_is_due_and_once_only(app, db, make_granted):
    application = _granted_ending(db, make_granted)
    due = rules.report_due_on(END, YEAR)
    assert notices.remind_reports_due(today=due - timedelta(days=15)) == 0
    assert notices.remind_reports_due(today=due - timedelta(days=14)) == 1
    assert notices.remind_reports_due(today=due - timedelta(days=3)) == 0  # written once
    [mail] = _mails(db, "applicant.report_due")
    assert mail.subject == f"Erinnerung: Verwendungsnachweis für {application.reference} bis {due:%d.%m.%Y}"
    assert "/antrag/" in mail.body_text  # a fresh private link to hand it in


def test_overdue_report_is_reminded_once_more(app, db, make_granted):
    application = _granted_ending(db, make_granted)
    due = rules.report_due_on(END, YEAR)
    notices.remind_reports_due(today=due - timedelta(days=14))
    assert notices.remind_reports_due(today=due + timedelta(days=1)) == 1
    assert notices.remind_reports_due(today=due + timedelta(days=30)) == 0
    overdue = _mails(db, "applicant.report_due")[-1]
    assert overdue.subject == f"Verwendungsnachweis überfällig: {application.reference}"


def test_no_reminder_once_the_report_is_in(app, db, make_granted):
    application = _granted_ending(db, make_granted)
    db.session.add(UseOfFundsReport(application_id=application.id, submitted_on=END, actual_cost_cents=1,
                                    spent_cents=1))
    db.session.commit()
    assert notices.remind_reports_due(today=END + timedelta(days=400)) == 0

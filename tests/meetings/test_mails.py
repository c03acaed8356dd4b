"""Mail around the Dissens-Verfahren and the grant: the administration hears of a referred case, the QM of
its decision, the Träger of the Bewilligung."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from wingrant.mail.models import OutboxMail
from wingrant.meetings import administration, decisions
from wingrant.meetings.consensus import Outcome

from .test_decisions import _on_agenda, _referred


def _mails(db, kind):
    db.session.rollback()
    return db.session.execute(sa.select(OutboxMail).where(OutboxMail.kind == kind).order_by(OutboxMail.id)
                              ).scalars().all()


def test_referred_case_is_mailed_to_the_administration_and_its_decision_to_the_qm(db, forum, make_application,
                                                                                  make_user):
    admin = make_user("gf@example.org", is_admin=True)
    application, decision = _referred(db, forum, make_application, {forum.win: 3_000_00})
    [referral] = _mails(db, "admin.referral")
    assert referral.recipient == "gf@example.org"
    assert referral.subject == f"Dissens-Verfahren: {application.reference} {application.title}"
    assert f"/quartiere/huchting/antraege/{application.id}" in referral.body_text

    administration.record_admin_decision(decision.id, decisions.OutcomeData(Outcome.REJECTED, reason="Kein Bedarf"),
                                         user=admin)
    [decided] = _mails(db, "manager.referral_decided")
    assert decided.recipient == "qm@example.org"
    assert decided.subject.endswith("– abgelehnt")


def test_grant_is_mailed_to_the_traeger_with_its_notice_numbers(db, forum, make_application, make_user):
    admin = make_user(is_admin=True)
    application = make_application(neighbourhood=forum.neighbourhood, requested={forum.win: 4_000_00})
    db.session.get(type(application), application.id).contact_email = "traeger@example.org"
    db.session.commit()
    item = _on_agenda(db, forum, application)
    decision = decisions.record_outcome(forum.meeting, item.id, decisions.OutcomeData(Outcome.APPROVED),
                                        user=forum.manager)
    administration.record_grant(decision.id, [administration.GrantLine(forum.win.id, "ZB-2026-001",
                                                                       date(2026, 12, 1), 4_000_00)], user=admin)
    [grant] = _mails(db, "applicant.grant")
    assert grant.recipient == "traeger@example.org"
    assert "Bescheid ZB-2026-001 vom 01.12.2026: 4.000,00\u00a0€" in grant.body_text

"""The Postausgang (administrators only) and each account's choice of notices; the worker command."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.auth.models import Role
from wingrant.database import unit_of_work
from wingrant.mail.models import MailStatus, NotificationOptOut, OutboxMail


def _post(client, url, data):
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def test_postausgang_lists_mails_with_their_status_for_administrators(client, auth, db, make_user, write_mail):
    make_user("gf@example.org", is_admin=True)
    mail_id = write_mail(to="traeger@example.org")
    auth.login("gf@example.org")
    page = client.get("/verwaltung/postausgang/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "traeger@example.org" in html and "Ihr Link zum Antrag HUC-2026-001" in html and "wartet" in html
    shown = client.get(f"/verwaltung/postausgang/{mail_id}").get_data(as_text=True)
    assert "http://localhost/antrag/geheim" in shown
    eml = client.get(f"/verwaltung/postausgang/{mail_id}.eml")
    assert eml.mimetype == "message/rfc822" and b"Subject: Ihr Link zum Antrag HUC-2026-001" in eml.data


def test_postausgang_is_closed_to_quartiersmanagement_and_the_public(client, auth, db, make_user, make_neighbourhood,
                                                                      write_mail):
    mail_id = write_mail()
    assert client.get("/verwaltung/postausgang/").status_code == 302  # to the login
    make_user("qm@example.org", roles={make_neighbourhood("Huchting"): Role.MANAGER})
    auth.login("qm@example.org")
    for url in ("/verwaltung/postausgang/", f"/verwaltung/postausgang/{mail_id}",
                f"/verwaltung/postausgang/{mail_id}.eml"):
        assert client.get(url).status_code == 403
    assert _post(client, f"/verwaltung/postausgang/{mail_id}/erneut", {}).status_code == 403


def test_only_a_failed_mail_can_be_sent_again(client, auth, db, make_user, write_mail):
    make_user("gf@example.org", is_admin=True)
    mail_id = write_mail()
    auth.login("gf@example.org")
    _post(client, f"/verwaltung/postausgang/{mail_id}/erneut", {})
    assert "Nur eine fehlgeschlagene Mail" in client.get(f"/verwaltung/postausgang/{mail_id}").get_data(as_text=True)
    with unit_of_work():
        db.session.execute(sa.update(OutboxMail).values(status=MailStatus.FAILED, attempts=10))
    _post(client, f"/verwaltung/postausgang/{mail_id}/erneut", {})
    db.session.rollback()
    mail = db.session.get(OutboxMail, mail_id)
    assert (mail.status, mail.attempts) == (MailStatus.PENDING, 0)


def test_account_chooses_its_notices_and_mail_language(client, auth, db, make_user, make_neighbourhood):
    user = make_user("qm@example.org", roles={make_neighbourhood("Huchting"): Role.MANAGER})
    auth.login("qm@example.org")
    page = client.get("/konto/benachrichtigungen").get_data(as_text=True)
    assert "Neuer Antrag eingereicht" in page
    assert "Dissens-Verfahren wartet" not in page  # the administration's notices are not offered to a QM
    response = _post(client, "/konto/benachrichtigungen", {"kinds": ["manager.answer"], "language": "en"})
    assert response.status_code == 302
    db.session.rollback()
    off = set(db.session.execute(sa.select(NotificationOptOut.kind).filter_by(user_id=user.id)).scalars())
    assert "manager.submission" in off and "manager.answer" not in off and "admin.referral" not in off
    assert db.session.get(type(user), user.id).language == "en"


def test_choice_form_refuses_an_unknown_language_and_saves_nothing(client, auth, db, make_user, make_neighbourhood):
    user = make_user("qm@example.org", roles={make_neighbourhood("Huchting"): Role.MANAGER})
    auth.login("qm@example.org")
    response = _post(client, "/konto/benachrichtigungen", {"kinds": [], "language": "xx"})
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationOptOut)) == 0
    assert db.session.get(type(user), user.id).language == "de"


def test_worker_once_delivers_the_outbox_as_eml_files(app, db, write_mail, tmp_path):
    write_mail()
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 gesendet" in result.output
    assert len(list((tmp_path / "mail").glob("*.eml"))) == 1


def test_qm_is_told_once_when_the_objection_period_has_ended(db, make_user, make_neighbourhood):
    from wingrant.meetings.models import Meeting, MeetingState
    from wingrant.minutes.reminders import remind_objection_periods_ended

    huchting = make_neighbourhood("Huchting", objection_period_days=14)
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    held_on = date.today() - timedelta(days=20)
    db.session.add(Meeting(neighbourhood_id=huchting.id, date=held_on, state=MeetingState.HELD, place="Bürgerhaus"))
    db.session.commit()
    assert remind_objection_periods_ended(today=held_on + timedelta(days=13)) == 0
    assert remind_objection_periods_ended(today=held_on + timedelta(days=14)) == 1
    assert remind_objection_periods_ended(today=held_on + timedelta(days=15)) == 0
    [mail] = db.session.execute(sa.select(OutboxMail).filter_by(kind="manager.objection_period")).scalars().all()
    assert mail.recipient == "qm@example.org" and "Einspruchsfrist abgelaufen" in mail.subject


def test_a_mail_whose_letter_is_not_rendered_yet_shows_without_error(client, auth, db, make_user):
    """The decision letter's PDF is rendered at the first delivery: before that the mail still shows."""
    from tests.mail.conftest import LINK_CONTEXT
    from wingrant.mail import outbox

    make_user("gf@example.org", is_admin=True)
    with unit_of_work():
        mail = outbox.enqueue("applicant.link", to="t@example.org", template="applicant_link",
                              context=LINK_CONTEXT | {"reference": "HUC-2026-001"},
                              attachments=[outbox.Attachment("Beschluss.pdf", "application/pdf",
                                                             source="decision_letter:1")])
    auth.login("gf@example.org")
    page = client.get(f"/verwaltung/postausgang/{mail.id}")
    assert page.status_code == 200 and "wird beim Versand erzeugt" in page.get_data(as_text=True)
    assert client.get(f"/verwaltung/postausgang/{mail.id}.eml").status_code == 200

"""Circulating the draft minutes: to the attendees who gave an address and to the forum's list; the
objection period runs from the circulation; objections to the minutes are recorded and block an
approval by the QM; a changed decision is circulated again."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from tests.mail.conftest import smtp_server  # noqa: F401 - the fixture, shared
from wingrant.audit.models import AuditEvent
from wingrant.database import utcnow
from wingrant.mail import worker
from wingrant.mail.models import OutboxMail
from wingrant.meetings.models import Attendance, Decision
from wingrant.minutes import circulation, services
from wingrant.minutes.models import Minutes, MinutesCirculation, MinutesState
from wingrant.minutes.services import MinutesError, MinutesText
from wingrant.subscriptions import services as subscriptions
from wingrant.subscriptions import tokens

from . import factories

DRAFT_PDF = b"%PDF-1.7 Entwurf"


@pytest.fixture(autouse=True)
def quick_draft_pdf(request, monkeypatch):
    """The draft's PDF is WeasyPrint's work (proved in test_pdf.py and below with ``real_pdf``)."""
    if not request.node.get_closest_marker("real_pdf"):
        monkeypatch.setattr(circulation, "draft_pdf", lambda meeting_id: DRAFT_PDF)


@pytest.fixture
def addresses(db, held):
    """Two of the three named people gave an address (one of them in capitals)."""
    people = db.session.execute(sa.select(Attendance).where(Attendance.meeting_id == held.meeting.id)
                                .order_by(Attendance.id)).scalars().all()
    people[0].email = "erika@example.org"
    people[2].email = "Paula@Example.org"
    db.session.commit()
    return ["erika@example.org", "paula@example.org"]


@pytest.fixture
def subscriber(db, funded):
    subscriptions.subscribe(funded, "abo@example.org", language="de", consent="Einwilligung", ip="10.0.0.1")
    from wingrant.subscriptions.models import Subscriber

    sub = db.session.execute(sa.select(Subscriber)).scalar_one()
    subscriptions.confirm(tokens.make("confirm", sub.id, sub.token_salt))
    return sub


def _circulated_on(db, meeting_id, day: date) -> None:
    """Move the (only) circulation to ``day``, as if it had been sent then."""
    db.session.execute(sa.update(MinutesCirculation).values(
        circulated_at=utcnow().replace(year=day.year, month=day.month, day=day.day)))
    db.session.commit()


def _approve_by_period(held, staff, today):
    return services.approve(held.meeting.id, user=staff["manager"], no_objections=True, today=today)


def test_draft_goes_to_attendees_with_an_address_and_to_the_list(db, held, staff, addresses, subscriber,
                                                                 smtp_server):
    sent = circulation.circulate(held.meeting.id, user=staff["minutes"])
    assert (sent.attendee_count, sent.subscriber_count) == (2, 1)
    worker.deliver_due()

    by_rcpt = {rcpt[0]: msg for _, rcpt, msg in smtp_server.handler.received if "Protokollentwurf" in msg["Subject"]}
    assert set(by_rcpt) == {"erika@example.org", "paula@example.org", "abo@example.org"}
    when = held.meeting.date.strftime("%d.%m.%Y")
    for msg in by_rcpt.values():
        assert msg["Subject"] == f"Protokollentwurf: Stadtteilgruppe Huchting, Sitzung am {when}"
        [pdf] = list(msg.iter_attachments())
        assert pdf.get_content_type() == "application/pdf" and pdf.get_content() == DRAFT_PDF
        last_day = date.today() + timedelta(days=13)
        assert f"bis zum {last_day.day}. " in msg.get_body(("plain",)).get_content()
    # Attendees are not on the list: no list headers, no unsubscribe link; the subscriber has both.
    assert by_rcpt["erika@example.org"]["List-Unsubscribe"] is None
    assert "Anwesenheitsliste" in by_rcpt["erika@example.org"].get_body(("plain",)).get_content()
    assert by_rcpt["abo@example.org"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Abmelden mit einem Klick" in by_rcpt["abo@example.org"].get_body(("plain",)).get_content()
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="minutes.circulate")).scalar_one()
    assert event.user_id == staff["minutes"].id and event.after["attendees"] == 2


def test_an_attendee_on_the_list_gets_the_draft_once(db, held, staff, addresses, funded):
    subscriptions.subscribe(funded, "erika@example.org", language="de", consent="Einwilligung", ip="10.0.0.2")
    from wingrant.subscriptions.models import Subscriber

    sub = db.session.execute(sa.select(Subscriber)).scalar_one()
    subscriptions.confirm(tokens.make("confirm", sub.id, sub.token_salt))
    circulation.circulate(held.meeting.id, user=staff["manager"])
    recipients = db.session.execute(sa.select(OutboxMail.recipient).where(
        OutboxMail.kind.like("%minutes_draft"))).scalars().all()
    assert sorted(recipients) == ["erika@example.org", "paula@example.org"]


def test_circulation_without_any_recipient_is_refused(db, held, staff):
    with pytest.raises(MinutesError, match="Niemand bekäme den Entwurf"):
        circulation.circulate(held.meeting.id, user=staff["manager"])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MinutesCirculation)) == 0


def test_objection_period_runs_from_circulation_not_from_the_last_edit(db, held, staff, addresses):
    circulation.circulate(held.meeting.id, user=staff["manager"])
    sent = date.today() - timedelta(days=14)
    _circulated_on(db, held.meeting.id, sent)
    # A typo fixed today: the period still ends 14 days after the circulation, i.e. today.
    services.update_texts(held.meeting.id, MinutesText(introduction="Tippfehler korrigiert"), user=staff["manager"])
    with pytest.raises(MinutesError, match="Einspruchsfrist"):
        _approve_by_period(held, staff, today=date.today() - timedelta(days=1))
    _approve_by_period(held, staff, today=date.today())
    assert db.session.execute(sa.select(Minutes.state)).scalar_one() == MinutesState.APPROVED


def test_objection_period_starts_only_when_the_draft_is_circulated(db, held, staff, addresses):
    circulation.circulate(held.meeting.id, user=staff["manager"])  # today, 30 days after the meeting
    with pytest.raises(MinutesError, match="Einspruchsfrist"):
        _approve_by_period(held, staff, today=date.today() + timedelta(days=13))
    _approve_by_period(held, staff, today=date.today() + timedelta(days=14))


def test_changed_decision_must_be_circulated_again_and_the_period_restarts_then(db, held, staff, addresses):
    circulation.circulate(held.meeting.id, user=staff["manager"])
    _circulated_on(db, held.meeting.id, date.today() - timedelta(days=20))
    decision = db.session.get(Decision, held.decisions[1].id)
    decision.conditions = "Aufführung im Bürgerhaus und in der Schule."
    db.session.commit()

    with pytest.raises(MinutesError, match="erneut versenden"):
        _approve_by_period(held, staff, today=date.today())

    circulation.circulate(held.meeting.id, user=staff["manager"])
    with pytest.raises(MinutesError, match="Einspruchsfrist"):
        _approve_by_period(held, staff, today=date.today() + timedelta(days=13))
    _approve_by_period(held, staff, today=date.today() + timedelta(days=14))
    subjects = db.session.execute(sa.select(OutboxMail.subject).where(OutboxMail.recipient == "erika@example.org")
                                  .order_by(OutboxMail.id)).scalars().all()
    assert subjects[1].startswith("Geänderter Protokollentwurf")


def test_objection_to_the_minutes_blocks_approval_by_the_qm(db, held, staff, addresses):
    circulation.circulate(held.meeting.id, user=staff["manager"])
    circulation.record_objection(held.meeting.id, "Bewohnerin aus der Amersfoorter Straße",
                                 "Mein Beitrag unter TOP 5 fehlt.", None, user=staff["minutes"])
    with pytest.raises(MinutesError, match="1 Einwand"):
        _approve_by_period(held, staff, today=date.today() + timedelta(days=60))


def test_objections_are_listed_when_the_forum_approves_in_a_later_meeting(db, held, funded, staff, addresses):
    later = factories.meeting(funded, {}, [], when=date.today() - timedelta(days=1))
    circulation.circulate(held.meeting.id, user=staff["manager"])
    objection = circulation.record_objection(held.meeting.id, "Jugendtheater e. V.", "Betrag unter TOP 4.2 falsch.",
                                             date.today(), user=staff["manager"])
    services.approve(held.meeting.id, user=staff["manager"], in_meeting_id=later.meeting.id)
    event = db.session.execute(sa.select(AuditEvent).filter_by(action="minutes.approve")).scalar_one()
    assert event.after["objections"] == [objection.id]


def test_objection_needs_who_and_what_and_a_plausible_date(db, held, staff):
    with pytest.raises(MinutesError) as error:
        circulation.record_objection(held.meeting.id, " ", "Text", None, user=staff["manager"])
    assert error.value.field == "author"
    with pytest.raises(MinutesError) as error:
        circulation.record_objection(held.meeting.id, "Jemand", "", None, user=staff["manager"])
    assert error.value.field == "text"
    with pytest.raises(MinutesError) as error:
        circulation.record_objection(held.meeting.id, "Jemand", "Text", date.today() + timedelta(days=1),
                                     user=staff["manager"])
    assert error.value.field == "received_on"


def test_approved_minutes_are_not_circulated(db, held, staff, addresses):
    _approve_by_period(held, staff, today=date.today() + timedelta(days=60))
    with pytest.raises(MinutesError, match="genehmigt"):
        circulation.circulate(held.meeting.id, user=staff["manager"])


def _url(built, suffix=""):
    return f"/quartiere/huchting/protokolle/{built.meeting.id}{suffix}"


def test_minutes_page_circulates_and_then_offers_to_send_again_after_a_decision_changed(client, auth, db, held,
                                                                                       staff, addresses):
    auth.login("protokoll@example.org")
    page = client.get(_url(held)).get_data(as_text=True)
    assert "Der Entwurf wurde noch nicht über wingrant versandt" in page
    assert "2 Personen aus der Anwesenheitsliste mit E-Mail-Adresse" in page
    response = client.post(_url(held, "/versenden"), data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    page = client.get(_url(held)).get_data(as_text=True)
    assert "Zuletzt versandt am" in page and "Erneut versenden" in page
    assert "Ein Beschluss wurde nach dem Versand geändert" not in page

    db.session.rollback()  # a fresh snapshot: the request wrote since this session last read
    decision = db.session.get(Decision, held.decisions[0].id)
    decision.conditions = "Neue Auflage"
    db.session.commit()
    page = client.get(_url(held)).get_data(as_text=True)
    assert "Ein Beschluss wurde nach dem Versand geändert" in page


def test_minutes_page_records_and_shows_objections(client, auth, db, held, staff):
    auth.login("qm@example.org")
    token = csrf_token_from(client.get(_url(held)).get_data(as_text=True))
    response = client.post(_url(held, "/einwaende"), data={"csrf_token": token, "author": "Herr Nachbar",
                                                           "text": "TOP 3 ist falsch wiedergegeben."})
    assert response.status_code == 302
    page = client.get(_url(held)).get_data(as_text=True)
    assert "Herr Nachbar" in page and "TOP 3 ist falsch wiedergegeben." in page
    assert "Gegen den Entwurf liegt 1 Einwand vor:" in page  # listed at the approval form

    response = client.post(_url(held, "/einwaende"), data={"csrf_token": token, "author": "", "text": ""})
    assert response.status_code == 422


def test_readers_may_not_circulate_or_record_objections(client, auth, db, held, staff, addresses):
    auth.login("lesend@example.org")
    page = client.get(_url(held)).get_data(as_text=True)
    assert "Entwurf versenden</button>" not in page
    token = csrf_token_from(page)
    assert client.post(_url(held, "/versenden"), data={"csrf_token": token}).status_code == 403
    assert client.post(_url(held, "/einwaende"), data={"csrf_token": token, "author": "x", "text": "y"}
                       ).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MinutesCirculation)) == 0


@pytest.mark.real_pdf
def test_circulated_draft_is_the_public_version_marked_as_draft(db, held, staff, addresses):
    from .conftest import pdf_text

    circulation.circulate(held.meeting.id, user=staff["manager"])
    mail = db.session.execute(sa.select(OutboxMail).where(OutboxMail.recipient == "erika@example.org")).scalar_one()
    text = pdf_text(mail.attachments[0].data)
    assert "Entwurf" in text
    assert factories.SECRET_RESIDENT not in text and factories.CONTACT_EMAIL not in text

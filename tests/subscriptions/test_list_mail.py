"""What the forum's list gets: the invitation (agenda, .ics) and the published minutes (links, checksum),
each with the list headers of RFC 2369/2919/8058 and a visible unsubscribe link."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.minutes import factories
from wingrant.auth.models import Role
from wingrant.mail import worker
from wingrant.mail.models import OutboxMail
from wingrant.meetings import services as meetings
from wingrant.meetings.models import Meeting, MeetingState
from wingrant.minutes import services as minutes
from wingrant.minutes.models import MinutesVersion
from wingrant.subscriptions.mailing import unsubscribe_url


@pytest.fixture
def programmes(make_programme):
    return {"WIN": make_programme("WIN", name="WiN", position=1),
            "SOZ": make_programme("SOZ", name="Soziale Stadt", position=2)}


@pytest.fixture
def manager(make_user, huchting):
    return make_user("qm@example.org", roles={huchting: Role.MANAGER})


@pytest.fixture
def planned(db, huchting, programmes):
    """A planned meeting in two weeks with two applications on the agenda."""
    specs = [factories.AppSpec("Hochbeete für den Nachbarschaftsgarten", "Nachbarschaftsgarten e. V.",
                               {"WIN": 4_800_00}, outcome=None),
             factories.AppSpec("Theaterprojekt mit Jugendlichen", "Jugendtheater e. V.",
                               {"WIN": 7_500_00, "SOZ": 2_000_00}, outcome=None)]
    return factories.meeting(huchting, programmes, specs, when=date.today() + timedelta(days=14),
                             state=MeetingState.PLANNED, people=False)


def _invite(db, planned, manager):
    meetings.change_state(db.session.get(Meeting, planned.meeting.id), MeetingState.INVITED, user=manager)


def test_invitation_reaches_confirmed_subscribers_with_agenda_and_calendar_file(db, planned, manager, huchting,
                                                                             make_subscriber, smtp_server):
    subscriber = make_subscriber(huchting, "nachbarin@example.org")
    worker.deliver_due()  # the confirmation mail
    smtp_server.handler.received.clear()

    _invite(db, planned, manager)
    assert worker.deliver_due().sent == 1

    [(_, rcpt, msg)] = smtp_server.handler.received
    assert rcpt == ["nachbarin@example.org"]
    when = planned.meeting.date.strftime("%d.%m.%Y")
    assert msg["Subject"] == f"Einladung: Stadtteilgruppe Huchting am {when}"
    text = msg.get_body(("plain",)).get_content().replace("\xa0", " ")  # amounts keep "€" on their line
    assert "Bürgerhaus, Saal 1, Amersfoorter Str. 8, 28259 Bremen" in text
    assert "18:00–20:15 Uhr" in text
    assert "Hochbeete für den Nachbarschaftsgarten" in text
    assert "Träger: Jugendtheater e. V. · beantragt: 9.500,00 € (WiN 7.500,00 €, Soziale Stadt 2.000,00 €)" in text
    link = unsubscribe_url(subscriber)
    assert f"Abmelden mit einem Klick: {link}" in text
    assert link in msg.get_body(("html",)).get_content()
    # RFC 2369 / 8058 / 2919
    assert msg["List-Unsubscribe"].startswith(f"<{link}>, <mailto:qm-huchting@example.org?")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert msg["List-Id"] == "Stadtteilgruppe Huchting <huchting.verteiler.localhost>"
    [ics] = list(msg.iter_attachments())
    assert ics.get_content_type() == "text/calendar"
    assert ics.get_filename() == f"sitzung-{planned.meeting.date.isoformat()}.ics"
    calendar = ics.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert f"UID:wingrant-meeting-{planned.meeting.id}@localhost" in calendar
    assert "SUMMARY:Sitzung Stadtteilgruppe Huchting" in calendar
    # The event leads to the meeting's public page with its agenda.
    assert f"URL:http://localhost/portal/huchting/sitzungen/{planned.meeting.id}" in calendar
    assert "STATUS:CONFIRMED" in calendar


def test_unconfirmed_subscriber_gets_no_invitation(db, planned, manager, huchting, make_subscriber):
    make_subscriber(huchting, "unbestaetigt@example.org", confirmed=False)
    make_subscriber(huchting, "bestaetigt@example.org")
    _invite(db, planned, manager)
    invitations = db.session.execute(
        sa.select(OutboxMail.recipient).where(OutboxMail.kind == "subscriber.invitation")).scalars().all()
    assert invitations == ["bestaetigt@example.org"]


def test_unsubscribed_and_other_forums_subscribers_get_no_invitation(db, planned, manager, huchting,
                                                                   make_subscriber, make_neighbourhood, app):
    gone = make_subscriber(huchting, "weg@example.org")
    app.test_client().post(unsubscribe_url(gone).removeprefix("http://localhost"))
    db.session.rollback()  # the request wrote in its own session: start from a fresh snapshot
    make_subscriber(make_neighbourhood("Tenever", code="TEN"), "tenever@example.org")
    _invite(db, planned, manager)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)
                             .where(OutboxMail.kind == "subscriber.invitation")) == 0


def test_invitation_follows_the_subscribers_language(db, planned, manager, huchting, make_subscriber):
    make_subscriber(huchting, "reader@example.org", language="en")
    _invite(db, planned, manager)
    mail = db.session.execute(sa.select(OutboxMail).where(OutboxMail.kind == "subscriber.invitation")).scalar_one()
    assert mail.language == "en" and mail.subject.startswith("Invitation: Stadtteilgruppe Huchting")


def test_a_refused_state_change_writes_no_invitation(db, planned, manager, huchting, make_subscriber):
    make_subscriber(huchting)
    from wingrant.errors import DomainError

    with pytest.raises(DomainError):  # planned → held skips the invitation
        meetings.change_state(db.session.get(Meeting, planned.meeting.id), MeetingState.HELD, user=manager)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)
                             .where(OutboxMail.kind == "subscriber.invitation")) == 0


def test_published_minutes_are_announced_with_links_and_checksum(db, huchting, programmes, manager, make_budget,
                                                                 make_subscriber, smtp_server, monkeypatch):
    from wingrant.minutes import pdf

    year = (date.today() - timedelta(days=30)).year
    make_budget(150_000_00, neighbourhood=huchting, programme=programmes["WIN"], year=year)
    make_budget(50_000_00, neighbourhood=huchting, programme=programmes["SOZ"], year=year)
    monkeypatch.setattr(minutes, "render_pdf", lambda record, **kw: b"%PDF-1.7\n" + pdf.render_html(
        record, **kw).encode())
    built = factories.meeting(huchting, programmes, factories.standard_specs())
    make_subscriber(huchting, "nachbarin@example.org")
    minutes.approve(built.meeting.id, user=manager, no_objections=True, today=date.today() + timedelta(days=60))
    worker.deliver_due()
    smtp_server.handler.received.clear()

    minutes.publish(built.meeting.id, user=manager)
    assert worker.deliver_due().sent == 1

    [(_, rcpt, msg)] = smtp_server.handler.received
    sha = db.session.execute(sa.select(MinutesVersion.sha256)).scalar_one()
    assert rcpt == ["nachbarin@example.org"]
    assert msg["Subject"] == (f"Protokoll veröffentlicht: Stadtteilgruppe Huchting, Sitzung am "
                              f"{built.meeting.date.strftime('%d.%m.%Y')}")
    text = msg.get_body(("plain",)).get_content().replace("\xa0", " ")  # amounts keep "€" on their line
    assert f"http://localhost/portal/huchting/protokolle/{built.meeting.id}\r\n" in text
    assert f"http://localhost/portal/huchting/protokolle/{built.meeting.id}/v1.pdf" in text
    assert sha in text
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_list_headers_leave_the_server_unencoded_and_the_calendar_names_its_charset(db, planned, manager, huchting,
                                                                                   make_subscriber, app):
    from wingrant.mail import message

    subscriber = make_subscriber(huchting)
    _invite(db, planned, manager)
    mail = db.session.execute(sa.select(OutboxMail).where(OutboxMail.kind == "subscriber.invitation")).scalar_one()
    raw = bytes(message.build(mail, app.config["MAIL_FROM"]))
    # Mail programs look for "<https://…>" here; an RFC 2047 encoded word would hide the link.
    assert f"List-Unsubscribe: <{unsubscribe_url(subscriber)}>, <mailto:".encode() in raw
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\n" in raw
    assert b'Content-Type: text/calendar; charset="utf-8"; method="PUBLISH"' in raw

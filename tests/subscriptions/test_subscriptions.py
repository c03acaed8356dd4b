"""The forum's mailing list: double opt-in with recorded consent, rate limits, one-click unsubscribe."""

from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import SAME_ORIGIN, csrf_token_from
from wingrant.mail import worker
from wingrant.mail.models import OutboxMail
from wingrant.subscriptions.models import Subscriber

from .conftest import link_in


def _subscribe(client, slug="huchting", email="nachbarin@example.org", **extra):
    page = client.get(f"/portal/{slug}")
    assert page.status_code == 200
    assert 'name="csrf_token"' not in page.get_data(as_text=True)  # a shared page: checked by its origin
    data = {"email": email, "language": "de", "consent": "y", **extra}
    return client.post(f"/portal/{slug}/verteiler", data=data, headers=SAME_ORIGIN)


def _subscriber(db, email="nachbarin@example.org") -> Subscriber:
    db.session.rollback()
    return db.session.execute(sa.select(Subscriber).filter_by(email=email)).scalar_one()


def test_portal_page_offers_the_list_with_its_consent_text(client, huchting):
    html = client.get("/portal/huchting").get_data(as_text=True)
    assert "Verteiler abonnieren" in html
    assert "von Stadtteilgruppe Huchting per E-Mail erhalten" in html
    assert 'action="/portal/huchting/verteiler"' in html


def test_subscribing_sends_a_confirmation_mail_and_records_the_consent(client, db, huchting, smtp_server):
    response = _subscribe(client, email="Nachbarin@Example.org")
    assert response.status_code == 200
    assert "Bitte bestätigen Sie Ihre Anmeldung" in response.get_data(as_text=True)
    subscriber = _subscriber(db)
    assert subscriber.confirmed_at is None and subscriber.subscribed_at is not None
    assert subscriber.consent_text.startswith("Ich möchte Einladungen, Protokollentwürfe")

    assert worker.deliver_due().sent == 1
    [(_, rcpt, msg)] = smtp_server.handler.received
    assert rcpt == ["nachbarin@example.org"]
    assert msg["Subject"] == "Bitte bestätigen: Verteiler Stadtteilgruppe Huchting"
    text = msg.get_body(("plain",)).get_content()
    link_in(text, "/verteiler/bestaetigen/")
    assert "Quartiersmanagement Huchting · qm-huchting@example.org" in text
    assert msg["List-Unsubscribe"] is None  # not on the list yet


def test_confirmation_needs_the_button_not_just_the_link(client, db, huchting, smtp_server):
    _subscribe(client)
    worker.deliver_due()
    link = link_in(smtp_server.messages[0].get_body(("plain",)).get_content(), "/verteiler/bestaetigen/")
    path = link.removeprefix("http://localhost")

    page = client.get(path)  # what a mail scanner does
    assert page.status_code == 200 and "Anmeldung bestätigen" in page.get_data(as_text=True)
    assert _subscriber(db).confirmed_at is None

    response = client.post(path, data={"csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert response.status_code == 200 and "Anmeldung bestätigt" in response.get_data(as_text=True)
    assert _subscriber(db).confirmed_at is not None


def test_link_tokens_are_stored_only_as_hashes(client, db, huchting, smtp_server):
    _subscribe(client)
    worker.deliver_due()
    token = link_in(smtp_server.messages[0].get_body(("plain",)).get_content(), "/verteiler/bestaetigen/")
    token = token.rsplit("/", 1)[1]
    row = db.session.execute(sa.text("SELECT * FROM subscriber")).mappings().one()
    assert all(token not in str(value) for value in row.values())


def test_confirmation_link_expires_after_seven_days(client, db, huchting, smtp_server):
    from datetime import timedelta

    _subscribe(client)
    worker.deliver_due()
    path = link_in(smtp_server.messages[0].get_body(("plain",)).get_content(),
                   "/verteiler/bestaetigen/").removeprefix("http://localhost")
    subscriber = _subscriber(db)
    subscriber.subscribed_at -= timedelta(days=8)
    db.session.commit()
    assert client.get(path).status_code == 404


def test_subscribing_needs_consent_and_a_valid_address(client, db, huchting):
    response = _subscribe(client, email="keine-adresse", consent="")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ohne Ihre Einwilligung können wir Ihnen nichts senden." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_subscribing_is_rate_limited_per_address(client, db, huchting, app):
    app.config["SUBSCRIBE_MAX_PER_ADDRESS"] = 2
    for _ in range(2):
        assert _subscribe(client).status_code == 200
    response = _subscribe(client)
    assert response.status_code == 429
    assert "sehr viele Anmeldungen" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 2


def test_subscribing_is_rate_limited_per_client(client, db, huchting, app):
    app.config["SUBSCRIBE_MAX_PER_HOUR"] = 2
    for n in range(2):
        assert _subscribe(client, email=f"n{n}@example.org").status_code == 200
    assert _subscribe(client, email="n9@example.org").status_code == 429


def test_subscribing_again_does_not_reveal_that_an_address_is_on_the_list(client, db, huchting, make_subscriber):
    make_subscriber(huchting, "nachbarin@example.org")
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))
    response = _subscribe(client)
    assert response.status_code == 200 and "Bitte bestätigen Sie Ihre Anmeldung" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == mails  # nothing new sent
    assert _subscriber(db).active


def test_subscribing_on_another_forums_page_is_another_list(client, db, huchting, make_neighbourhood, make_subscriber):
    make_neighbourhood("Tenever", code="TEN")
    make_subscriber(huchting, "nachbarin@example.org")
    assert _subscribe(client, slug="tenever").status_code == 200
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscriber)) == 2


def test_subscribe_and_confirm_posts_still_need_a_csrf_token(client, db, huchting, make_subscriber):
    assert client.post("/portal/huchting/verteiler", data={"email": "x@example.org", "language": "de",
                                                           "consent": "y"}).status_code == 400
    subscriber = make_subscriber(huchting, confirmed=False)
    from wingrant.subscriptions import tokens

    token = tokens.make("confirm", subscriber.id, subscriber.token_salt)
    assert client.post(f"/verteiler/bestaetigen/{token}").status_code == 400
    db.session.rollback()
    assert db.session.get(Subscriber, subscriber.id).confirmed_at is None


def test_unsubscribe_works_in_one_click_without_login(app, db, huchting, make_subscriber):
    from wingrant.subscriptions.mailing import unsubscribe_url

    subscriber = make_subscriber(huchting)
    path = unsubscribe_url(subscriber).removeprefix("http://localhost")
    mail_provider = app.test_client(use_cookies=False)  # no session, no CSRF token: RFC 8058

    response = mail_provider.post(path, data={"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    db.session.rollback()
    assert db.session.get(Subscriber, subscriber.id).unsubscribed_at is not None
    assert mail_provider.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200  # again: harmless


def test_unsubscribe_page_asks_before_it_unsubscribes(client, db, huchting, make_subscriber):
    from wingrant.subscriptions.mailing import unsubscribe_url

    subscriber = make_subscriber(huchting)
    page = client.get(unsubscribe_url(subscriber).removeprefix("http://localhost"))
    assert page.status_code == 200
    assert '<button type="submit" class="button primary">Abmelden</button>' in page.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Subscriber, subscriber.id).active


def test_unknown_unsubscribe_token_changes_nothing(client, db, huchting, make_subscriber):
    subscriber = make_subscriber(huchting)
    assert client.post("/verteiler/abmelden/erfunden").status_code == 404
    db.session.rollback()
    assert db.session.get(Subscriber, subscriber.id).active


def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(client, db, huchting, make_subscriber):
    from wingrant.subscriptions import services
    from wingrant.subscriptions.mailing import unsubscribe_url

    subscriber = make_subscriber(huchting, "nachbarin@example.org")
    old_link = unsubscribe_url(subscriber)
    services.unsubscribe(old_link.rsplit("/", 1)[1])
    assert _subscribe(client).status_code == 200
    subscriber = _subscriber(db)
    assert subscriber.confirmed_at is None and subscriber.unsubscribed_at is None
    assert services.by_unsubscribe_token(old_link.rsplit("/", 1)[1]) is None  # old links stop working

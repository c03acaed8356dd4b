"""“Link verloren?”: a new private link goes to the application's contact address, the page never tells
whether anything matched, and each client address may ask only a few times an hour."""

from __future__ import annotations

import re

from tests.conftest import csrf_token_from
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from wingrant.applications.models import ApplicationState as S
from wingrant.applications.tokens import hash_token
from wingrant.mail import worker
from wingrant.mail.models import OutboxMail

from .conftest import count

PAGE = "/link-verloren"


def _ask(client, reference, email):
    token = csrf_token_from(client.get(PAGE).get_data(as_text=True))
    return client.post(PAGE, data={"csrf_token": token, "reference": reference, "email": email})


def _application(db, make_application, *, token="alter-link"):
    app = make_application("Lesepaten", state=S.SUBMITTED, contact_email="Ayse@Lesefreunde.example")
    app.access_token_hash = hash_token(token)
    db.session.commit()
    return app


def test_a_link_from_before_derived_links_is_replaced_when_mailed_again(client, db, make_application,
                                                                               smtp_server):
    app = _application(db, make_application)
    assert client.get("/antrag/alter-link").status_code == 200
    response = _ask(client, app.reference.lower(), "ayse@lesefreunde.example")
    assert response.status_code == 200

    report = worker.deliver_due()
    assert report.sent == 1
    [message] = smtp_server.messages
    assert message["To"] == "Ayse@Lesefreunde.example"
    assert message["Subject"] == f"Ihr Link zum Antrag {app.reference}"
    text = message.get_body(("plain",)).get_content()
    new_token = re.search(r"http://localhost/antrag/([A-Za-z0-9_-]+)", text).group(1)
    assert "Link verloren?" in text  # why the mail was sent
    assert f'href="http://localhost/antrag/{new_token}"' in message.get_body(("html",)).get_content()
    assert client.get(f"/antrag/{new_token}").status_code == 200
    assert client.get("/antrag/alter-link").status_code == 404


def test_page_answers_the_same_whatever_matched(client, db, make_application):
    app = _application(db, make_application)
    pages = [_ask(client, reference, email) for reference, email in (
        (app.reference, "ayse@lesefreunde.example"),  # matches
        (app.reference, "jemand@anders.example"),  # wrong address
        ("HUC-1999-999", "ayse@lesefreunde.example"),  # no such application
    )]
    assert {p.status_code for p in pages} == {200}
    bodies = [re.sub(r'name="csrf_token"[^>]*', "", p.get_data(as_text=True)) for p in pages]
    assert bodies[0] == bodies[1] == bodies[2]
    assert "Wenn die Antragsnummer und die E-Mail-Adresse zu einem Antrag passen" in bodies[0]
    assert count(db, OutboxMail, kind="applicant.link") == 1  # only the match was mailed


def test_wrong_address_keeps_the_old_link(client, db, make_application):
    app = _application(db, make_application)
    _ask(client, app.reference, "jemand@anders.example")
    assert client.get("/antrag/alter-link").status_code == 200


def test_lost_link_requests_are_rate_limited_per_client_address(app, client, db, make_application):
    app.config["LOST_LINK_MAX_PER_HOUR"] = 2
    application = _application(db, make_application)
    assert _ask(client, "X-1", "a@example.org").status_code == 200
    assert _ask(client, "X-2", "a@example.org").status_code == 200
    refused = _ask(client, application.reference, "ayse@lesefreunde.example")
    assert refused.status_code == 429
    assert "sehr viele Anfragen" in refused.get_data(as_text=True)
    assert count(db, OutboxMail, kind="applicant.link") == 0
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    assert _ask(other, application.reference, "ayse@lesefreunde.example").status_code == 200


def test_lost_link_form_needs_both_fields(client, db):
    response = _ask(client, "", "keine-adresse")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Bitte die Antragsnummer angeben." in html


def test_public_form_and_portal_link_to_the_lost_link_page(client, db, huchting, win):
    assert 'href="/link-verloren"' in client.get("/antrag-stellen/huchting").get_data(as_text=True)
    assert 'href="/link-verloren"' in client.get("/portal/huchting").get_data(as_text=True)


def test_lost_link_page_is_not_cached_or_indexed(client, db):
    response = client.get(PAGE)
    assert response.headers["Cache-Control"] == "no-store"
    assert "noindex" in response.headers["X-Robots-Tag"]


def test_lost_link_mails_the_link_the_applicant_had_so_a_bookmark_keeps_working(client, db, make_application,
                                                                                smtp_server):
    from wingrant.applications import tokens

    app = _application(db, make_application)
    bookmark = tokens.issue(app)
    db.session.commit()
    _ask(client, app.reference, "ayse@lesefreunde.example")
    worker.deliver_due()
    [message] = smtp_server.messages
    assert f"http://localhost/antrag/{bookmark}" in message.get_body(("plain",)).get_content()
    assert client.get(f"/antrag/{bookmark}").status_code == 200

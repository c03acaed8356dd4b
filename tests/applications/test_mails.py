"""Mail about an application's steps, read as the SMTP server received it: the receipt with the
private link, the Rückfrage with a fresh link, the QM told of a submission and of an answer."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import SAME_ORIGIN, csrf_token_from
from tests.mail.conftest import smtp_server  # noqa: F401  (a real SMTP server)
from wingrant.applications.models import Application
from wingrant.applications.models import ApplicationState as S
from wingrant.database import unit_of_work
from wingrant.mail import services as mail_services
from wingrant.mail import worker
from wingrant.mail.models import OutboxMail

from .conftest import post_step, reload
from .test_public_form import _start, _the_application, _token_from, start_data  # noqa: F401


def _delivered(server) -> dict[str, list]:
    worker.deliver_due()
    by_recipient: dict[str, list] = {}
    for msg in server.messages:
        by_recipient.setdefault(msg["To"], []).append(msg)
    return by_recipient


def _text(msg) -> str:
    return msg.get_body(("plain",)).get_content()


def _submit_through_link(client, forms, start_data):
    token = _token_from(_start(forms, start_data))
    page = client.get(f"/antrag/{token}").get_data(as_text=True)
    client.post(f"/antrag/{token}/einreichen", data={"einreichen-csrf_token": csrf_token_from(page)})
    return token


def test_submission_through_the_link_sends_a_receipt_with_the_link_and_tells_the_qm(
        client, forms, start_data, db, manager, smtp_server, huchting):
    huchting.office_email = "qm@huchting.example"
    db.session.commit()
    token = _submit_through_link(client, forms, start_data)

    mails = _delivered(smtp_server)
    [receipt] = mails["ayse@lesefreunde.example"]
    assert receipt["Subject"] == "Eingangsbestätigung: Ihr Antrag HUC-2026-001"
    text = _text(receipt)
    assert f"http://localhost/antrag/{token}" in text
    assert "Lesepaten im Quartier" in text and "Lesefreunde Huchting e. V." in text
    assert "Warum Sie diese Mail erhalten: Sie sind als Kontakt des Antrags HUC-2026-001" in text
    assert "Quartiersmanagement Huchting · qm@huchting.example" in text
    assert f'href="http://localhost/antrag/{token}"' in receipt.get_body(("html",)).get_content()

    [notice] = mails["qm.huchting@example.org"]
    assert notice["Subject"] == "Neuer Antrag HUC-2026-001: Lesepaten im Quartier"
    app = _the_application(db)
    assert f"http://localhost/quartiere/huchting/antraege/{app.id}" in _text(notice)
    assert "Beantragt: 500,00" in _text(notice)


def test_links_in_mail_name_the_configured_address_not_the_requests_host(
        app, client, forms, start_data, db, smtp_server):
    app.config["PUBLIC_URL"] = "https://win.bremen.example/foerderung"
    client.environ_base["HTTP_HOST"] = "evil.example"
    token = _submit_through_link(client, forms, start_data)
    text = _text(_delivered(smtp_server)["ayse@lesefreunde.example"][0])
    assert f"https://win.bremen.example/foerderung/antrag/{token}" in text
    assert "evil.example" not in text


def test_receipt_is_in_the_language_the_form_was_filled_in(client, forms, start_data, db, smtp_server):
    client.post("/sprache", data={"lang": "en"}, headers=SAME_ORIGIN)
    _submit_through_link(client, forms, start_data)
    [receipt] = _delivered(smtp_server)["ayse@lesefreunde.example"]
    assert receipt["Subject"] == "Receipt: your application HUC-2026-001"
    assert receipt["Content-Language"] == "en"


def test_rueckfrage_mails_the_question_with_the_link_the_applicant_already_has(
        client, forms, start_data, db, smtp_server, as_manager):
    old = _submit_through_link(client, forms, start_data)
    application = _the_application(db)
    post_step(as_manager, application, "pruefen")
    post_step(as_manager, application, "rueckfrage", "Wo genau findet das Lesen statt?")

    mails = _delivered(smtp_server)["ayse@lesefreunde.example"]
    query = mails[-1]
    assert query["Subject"] == "Rückfrage zu Ihrem Antrag HUC-2026-001"
    text = _text(query)
    assert "Wo genau findet das Lesen statt?" in text
    assert re.search(r"http://localhost/antrag/([A-Za-z0-9_-]+)", text).group(1) == old
    assert client.get(f"/antrag/{old}").status_code == 200


def test_applicants_answer_is_mailed_to_the_qm_but_not_to_the_qm_who_switched_it_off(
        client, forms, start_data, db, smtp_server, manager, make_user, huchting):
    from wingrant.auth.models import Role

    quiet = make_user("qm2.huchting@example.org", roles={huchting: Role.MANAGER})
    mail_services.set_choices(quiet, wanted=set(), language="de")
    token = _submit_through_link(client, forms, start_data)
    application = _the_application(db)
    application.state = S.QUERY
    db.session.commit()
    page = client.get(f"/antrag/{token}").get_data(as_text=True)
    token_field = re.search(r'name="antwort-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    client.post(f"/antrag/{token}/antwort", data={"antwort-csrf_token": token_field,
                                                  "antwort-reason": "Im Park an der Delfter Straße."})
    mails = _delivered(smtp_server)
    answer = mails["qm.huchting@example.org"][-1]
    assert answer["Subject"] == "Antwort zu HUC-2026-001: Lesepaten im Quartier"
    assert "Im Park an der Delfter Straße." in _text(answer)
    assert "qm2.huchting@example.org" not in mails


def test_a_step_that_fails_writes_no_mail(client, forms, start_data, db, as_manager):
    _submit_through_link(client, forms, start_data)
    application = _the_application(db)
    before = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))
    response = post_step(as_manager, application, "rueckfrage", "")  # a question needs its text
    assert response.status_code in (302, 422)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == before
    assert reload(db, application).state == S.SUBMITTED


def test_staff_entered_application_without_address_writes_no_receipt(db, make_application, manager):
    from wingrant.applications import services

    application = make_application(contact_email="")
    services.perform_step(application, "einreichen", user=manager)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


@pytest.mark.parametrize("language", ["de", "en"])
def test_every_mail_kind_for_accounts_has_a_label_in_both_languages(app, language):
    from flask_babel import force_locale

    from wingrant.mail.kinds import account_kinds

    with app.test_request_context(), force_locale(language):
        labels = [str(k.label) for k in account_kinds()]
    assert all(labels) and len(set(labels)) == len(labels)


def test_unit_of_work_keeps_the_mail_with_its_event(db, make_application, manager):
    """A mail written in a unit of work that fails afterwards is gone with it."""
    from wingrant.applications import notices

    application = make_application(contact_email="x@example.org")
    with pytest.raises(RuntimeError), unit_of_work():
        notices.query(db.session.get(Application, application.id), "Frage?")
        raise RuntimeError
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == 0


def test_private_link_cannot_be_derived_without_the_secret_key(app, db, make_application):
    """The database holds the nonce and the token's hash; the token needs the secret key as well."""
    from wingrant.applications import tokens

    application = make_application()
    token = tokens.issue(application)
    assert tokens.current(application) == token
    app.config["SECRET_KEY"] = "another-installation"
    other = tokens.current(application)  # cannot be derived: a new link, the old one ends
    assert other != token and application.access_token_hash == tokens.hash_token(other)

"""Applicants without an account: the public form, the private link, honeypot and rate limit."""

import hashlib
import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.applications.models import Application, ApplicationComment
from wingrant.applications.models import ApplicationState as S
from wingrant.audit.models import AuditEvent
from wingrant.core.models import ThrottleEvent
from wingrant.organisations.models import Organisation

from .conftest import YEAR, application_form_data, count, detail_url, error_near, reload

START = "/antrag-stellen/huchting"
APPLICANT = {"org_name": "Lesefreunde Huchting e. V.", "legal_form": "e. V.", "postcode": "28259",
             "city": "Bremen", "contact_person": "Ayşe Kaya", "email": "ayse@lesefreunde.example",
             "phone": "0421 555"}


@pytest.fixture
def start_data(huchting, win, make_budget):
    """A complete, balanced first application as the public form sends it (WiN has a budget in Huchting)."""
    make_budget(150_000_00, neighbourhood=huchting, programme=win, year=YEAR)
    data = application_form_data(_Dummy(), requests={win: "500"})
    del data["organisation_id"]
    return {**APPLICANT, **data}


class _Dummy:
    id = 0


def _start(forms, data):
    return forms.post(START, data)


def _the_application(db) -> Application:
    db.session.rollback()  # the request committed in its own session
    return db.session.execute(sa.select(Application)).scalar_one()


def _token_from(response) -> str:
    return re.search(r"/antrag/([A-Za-z0-9_-]+)", response.headers["Location"]).group(1)


def test_applicant_starts_an_application_without_an_account(client, forms, start_data, db):
    response = _start(forms, start_data)
    assert response.status_code == 302
    token = _token_from(response)
    app = _the_application(db)
    assert (app.state, app.reference, app.created_by_id) == (S.DRAFT, "HUC-2026-001", None)
    assert app.organisation.name == "Lesefreunde Huchting e. V."
    assert app.contact_email == "ayse@lesefreunde.example"
    assert app.access_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(db.session.execute(sa.select(AuditEvent.after)).scalars().all())
    page = client.get(f"/antrag/{token}?neu=1")
    assert page.status_code == 200
    assert f"/antrag/{token}" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_public_form_shows_errors_at_the_fields_and_saves_nothing(forms, start_data, db):
    response = _start(forms, {**start_data, "email": "", "costs-0-amount": "12.5"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "E-Mail-Adresse angeben" in error_near(page, "email")
    assert "Komma als Dezimaltrennzeichen" in error_near(page, "costs-0-amount")
    assert count(db, Application) == 0 and count(db, Organisation) == 0


def test_filled_honeypot_saves_nothing_and_counts_against_the_address(forms, start_data, db):
    response = _start(forms, {**start_data, "website": "http://spam.example"})
    assert response.status_code == 422
    assert count(db, Application) == 0
    assert count(db, ThrottleEvent, scope="public_form.ip") == 1


def test_new_applications_are_limited_per_address(forms, start_data, db, app):
    app.config["PUBLIC_FORM_MAX_PER_HOUR"] = 2
    assert _start(forms, start_data).status_code == 302
    assert _start(forms, start_data).status_code == 302
    refused = _start(forms, start_data)
    assert refused.status_code == 429
    assert "sehr viele Anträge" in refused.get_data(as_text=True)
    assert count(db, Application) == 2


def test_private_link_lets_the_applicant_edit_and_submit_the_draft(client, forms, start_data, db):
    token = _token_from(_start(forms, {**start_data, "funding-0-amount": "100"}))  # 400 € missing
    url = f"/antrag/{token}"
    page = client.get(url).get_data(as_text=True)
    assert "Es fehlen 400,00\u00a0€" in page
    assert f"/antrag/{token}/einreichen" not in page  # no button while incomplete

    edit = {k: v for k, v in start_data.items() if k not in APPLICANT}
    edit["title"] = "Lesefreunde: Vorlesen im Park"
    assert forms.post(url, edit).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Vorlesen im Park" in page
    token_field = csrf_token_from(page)
    response = client.post(f"{url}/einreichen", data={"einreichen-csrf_token": token_field})
    assert response.status_code == 302
    app = _the_application(db)
    assert app.state == S.SUBMITTED and app.submitted_at is not None
    page = client.get(url).get_data(as_text=True)
    assert "Eingereicht" in page and 'name="title"' not in page  # read-only now


def test_incomplete_draft_cannot_be_submitted_through_the_link(client, forms, start_data, db):
    token = _token_from(_start(forms, {**start_data, "end_date": "2027-02-01"}))
    page = client.get(f"/antrag/{token}").get_data(as_text=True)
    client.post(f"/antrag/{token}/einreichen", data={"einreichen-csrf_token": csrf_token_from(page)})
    assert _the_application(db).state == S.DRAFT
    assert "Förderjahr 2026" in client.get(f"/antrag/{token}").get_data(as_text=True)


def test_applicant_answers_a_rueckfrage_through_the_link(client, forms, start_data, db):
    token = _token_from(_start(forms, start_data))
    app = _the_application(db)
    app.state = S.QUERY
    db.session.add(ApplicationComment(application_id=app.id, user_id=None, author_name="QM", body="Wo genau?"))
    db.session.commit()
    page = client.get(f"/antrag/{token}").get_data(as_text=True)
    assert "Wo genau?" in page
    token_field = re.search(r'name="antwort-csrf_token"[^>]*value="([^"]+)"', page).group(1)
    empty = client.post(f"/antrag/{token}/antwort", data={"antwort-csrf_token": token_field, "antwort-reason": ""})
    assert empty.status_code == 422
    client.post(f"/antrag/{token}/antwort", data={"antwort-csrf_token": token_field,
                                                  "antwort-reason": "Im Park an der Delfter Straße."})
    app = reload(db, app)
    assert app.state == S.IN_REVIEW
    answer = db.session.execute(sa.select(ApplicationComment).order_by(ApplicationComment.id.desc())).scalars().first()
    assert answer.user_id is None and answer.author_name == "Ayşe Kaya (Lesefreunde Huchting e. V.)"


def test_wrong_or_overlong_token_is_not_found(client, forms, start_data):
    token = _token_from(_start(forms, start_data))
    assert client.get(f"/antrag/{token[:-1]}x").status_code == 404
    assert client.get("/antrag/" + "a" * 500).status_code == 404


def test_link_gives_access_to_its_own_application_only(client, forms, start_data, db):
    first = _token_from(_start(forms, start_data))
    _start(forms, {**start_data, "title": "Zweiter Antrag"})
    page = client.get(f"/antrag/{first}").get_data(as_text=True)
    assert "Zweiter Antrag" not in page
    assert "/quartiere/" not in page  # no way into the internal pages


def test_public_form_for_unknown_neighbourhood_is_not_found(client):
    assert client.get("/antrag-stellen/atlantis").status_code == 404


def test_manager_issues_a_new_link_and_the_old_one_stops_working(as_manager, client, forms, start_data, db):
    old = _token_from(_start(forms, start_data))
    app = _the_application(db)
    page = as_manager.get(detail_url(app)).get_data(as_text=True)
    response = as_manager.post(f"{detail_url(app)}/link", data={"link-csrf_token": csrf_token_from(page)})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    new = re.search(r"/antrag/([A-Za-z0-9_-]{40,})", response.get_data(as_text=True)).group(1)
    assert new != old
    assert as_manager.get(f"/antrag/{old}").status_code == 404
    assert as_manager.get(f"/antrag/{new}").status_code == 200


def test_reader_cannot_issue_a_link(client, auth, db, reader, make_application):
    from .conftest import any_token, login

    app = make_application()
    login(db, auth, reader)
    assert client.post(f"{detail_url(app)}/link", data={"csrf_token": any_token(client)}).status_code == 403

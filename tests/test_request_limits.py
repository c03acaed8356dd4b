"""Request size limits: an oversized request gets 413 with a German page and stores nothing.

Every request body is held to ``MAX_CONTENT_LENGTH`` (2 MiB); only the views that take
file uploads (``@accepts_uploads``) accept up to ``UPLOAD_MAX_CONTENT_LENGTH``. Multipart
bodies are further bounded by ``MAX_FORM_MEMORY_SIZE`` per text field and ``MAX_FORM_PARTS``.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token_from
from wingrant.applications.attachments import DEFAULT_MAX_BYTES as ATTACHMENT_MAX_BYTES
from wingrant.applications.models import Application, ApplicationState, Attachment
from wingrant.audit.models import AuditEvent
from wingrant.auth.models import Role
from wingrant.config import DefaultConfig
from wingrant.imports import files as import_files
from wingrant.organisations.models import Organisation

MIB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _count(db, model) -> int:
    db.session.rollback()
    return db.session.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _assert_german_413(response):
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Anfrage zu groß" in page and "Die gesendeten Daten sind zu groß." in page
    assert '<html lang="de"' in page


@pytest.fixture
def manager_client(db, auth, client, make_neighbourhood, make_user):
    huchting = make_neighbourhood("Huchting", slug="huchting", code="HUC")
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    auth.login("qm@example.org")
    db.session.rollback()
    return client


def test_limits_are_configured_and_leave_room_for_the_largest_upload():
    assert DefaultConfig.MAX_CONTENT_LENGTH == 2 * MIB
    assert DefaultConfig.UPLOAD_MAX_CONTENT_LENGTH > ATTACHMENT_MAX_BYTES > DefaultConfig.MAX_CONTENT_LENGTH
    assert DefaultConfig.UPLOAD_MAX_CONTENT_LENGTH > import_files.MAX_BYTES
    assert DefaultConfig.MAX_FORM_MEMORY_SIZE <= 500_000
    assert DefaultConfig.MAX_FORM_PARTS <= 1_000


def test_oversized_login_post_is_refused_before_anything_happens(client, make_user, db):
    make_user("qm@example.org")
    token = csrf_token_from(client.get("/anmelden").get_data(as_text=True))
    events = _count(db, AuditEvent)
    response = client.post("/anmelden", data={"csrf_token": token, "email": "qm@example.org",
                                              "password": "x" * (2 * MIB + 1)})
    _assert_german_413(response)
    assert _count(db, AuditEvent) == events  # not even a failed login was recorded
    assert "Abmelden" not in client.get("/").get_data(as_text=True)


def test_oversized_public_application_form_stores_nothing(client, make_neighbourhood, db):
    make_neighbourhood("Huchting", slug="huchting", code="HUC")
    token = csrf_token_from(client.get("/antrag-stellen/huchting").get_data(as_text=True))
    response = client.post("/antrag-stellen/huchting", data={"csrf_token": token, "title": "Sommerfest",
                                                             "description": "ä" * (1 * MIB + 1)})
    _assert_german_413(response)
    assert _count(db, Application) == 0 and _count(db, Organisation) == 0


def test_oversized_internal_form_stores_nothing(manager_client, db):
    token = csrf_token_from(manager_client.get("/traeger/neu").get_data(as_text=True))
    response = manager_client.post("/traeger/neu", data={"csrf_token": token, "name": "Verein " + "x" * 3 * MIB})
    _assert_german_413(response)
    assert _count(db, Organisation) == 0


def test_too_many_multipart_fields_are_refused(manager_client):
    token = csrf_token_from(manager_client.get("/traeger/neu").get_data(as_text=True))
    data = {"csrf_token": token, **{f"f{i}": "x" for i in range(DefaultConfig.MAX_FORM_PARTS + 1)}}
    _assert_german_413(manager_client.post("/traeger/neu", data=data, content_type="multipart/form-data"))


def test_oversized_multipart_text_field_is_refused(manager_client):
    token = csrf_token_from(manager_client.get("/traeger/neu").get_data(as_text=True))
    data = {"csrf_token": token, "name": "x" * (DefaultConfig.MAX_FORM_MEMORY_SIZE + 1)}
    _assert_german_413(manager_client.post("/traeger/neu", data=data, content_type="multipart/form-data"))


def _upload(client, application_id: int, content: bytes):
    url = f"/quartiere/huchting/antraege/{application_id}"
    token = csrf_token_from(client.get(url).get_data(as_text=True))
    response = client.post(f"{url}/anhaenge", content_type="multipart/form-data",
                           data={"csrf_token": token, "file": (io.BytesIO(content), "kostenplan.pdf")})
    response.close()
    response.request.environ["wsgi.input"].close()  # the test client spooled the large body to a file
    return response


@pytest.fixture
def application_id(manager_client, db):
    from wingrant.neighbourhoods.models import Neighbourhood

    huchting = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    org = Organisation(name="Bürgerhaus e. V.")
    db.session.add(org)
    db.session.flush()
    application = Application(reference="HUC-2026-001", neighbourhood_id=huchting.id, organisation_id=org.id,
                              year=2026, title="Sommerfest", state=ApplicationState.DRAFT)
    db.session.add(application)
    db.session.commit()
    return application.id


def test_upload_views_accept_files_larger_than_the_form_limit(manager_client, application_id, db):
    response = _upload(manager_client, application_id, PDF + b"0" * (3 * MIB))
    assert response.status_code == 302
    assert _count(db, Attachment) == 1


def test_upload_over_the_upload_limit_gets_413_and_keeps_no_file(app, manager_client, application_id, db):
    from pathlib import Path

    app.config["UPLOAD_MAX_CONTENT_LENGTH"] = 4 * MIB
    _assert_german_413(_upload(manager_client, application_id, PDF + b"0" * (4 * MIB)))
    assert _count(db, Attachment) == 0
    folder = Path(app.config["UPLOAD_FOLDER"]) / "attachments"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_413_page_names_the_body_limit_and_leads_back_to_the_form(client, make_neighbourhood):
    make_neighbourhood("Huchting", slug="huchting", code="HUC")
    form = "http://localhost/antrag-stellen/huchting"
    token = csrf_token_from(client.get("/antrag-stellen/huchting").get_data(as_text=True))
    response = client.post("/antrag-stellen/huchting", headers={"Referer": form},
                           data={"csrf_token": token, "title": "Sommerfest", "description": "ä" * (1 * MIB + 1)})
    _assert_german_413(response)
    page = response.get_data(as_text=True)
    assert "höchstens 2,0 MB auf einmal. Bitte kürzen Sie Ihre Eingaben." in page
    assert '<a href="/antrag-stellen/huchting">Zurück zur vorigen Seite</a>' in page


def test_413_page_names_the_field_limits_and_never_links_to_another_site(manager_client):
    token = csrf_token_from(manager_client.get("/traeger/neu").get_data(as_text=True))
    data = {"csrf_token": token, "name": "x" * (DefaultConfig.MAX_FORM_MEMORY_SIZE + 1)}
    response = manager_client.post("/traeger/neu", data=data, content_type="multipart/form-data",
                                   headers={"Referer": "https://evil.example/traeger/neu"})
    _assert_german_413(response)
    page = response.get_data(as_text=True)
    assert "Ein Eingabefeld darf höchstens 488,3 kB enthalten, ein Formular höchstens 1000 Felder." in page
    assert "evil.example" not in page and "Zurück zur vorigen Seite" not in page


def test_413_page_of_an_upload_names_the_upload_limit(app, manager_client, application_id):
    app.config["UPLOAD_MAX_CONTENT_LENGTH"] = 4 * MIB
    page = _upload(manager_client, application_id, PDF + b"0" * (4 * MIB)).get_data(as_text=True)
    assert "höchstens 4,0 MB auf einmal. Bitte verkleinern Sie die Dateien" in page

"""An application's attachments through the API: the page's rules (type by content, size limit,
quota, nothing kept on refusal), and an applicant's files never reach another neighbourhood."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.api.conftest import bearer
from tests.applications.conftest import (  # noqa: F401  (fixtures)
    groepelingen,
    huchting,
    make_application,
    make_organisation,
    win,
)
from wingrant.applications.models import Attachment

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def world(db, huchting, groepelingen, make_application, make_user, make_token):
    from wingrant.auth.models import Role

    application = make_application()
    other = make_application(neighbourhood=groepelingen)
    tokens = {
        "manager": bearer(make_token(make_user(roles={huchting: Role.MANAGER}))),
        "reader": bearer(make_token(make_user(roles={huchting: Role.READER}))),
        "other_manager": bearer(make_token(make_user(roles={groepelingen: Role.MANAGER}))),
        "admin": bearer(make_token(make_user(is_admin=True))),
    }
    url = f"/api/v1/neighbourhoods/huchting/applications/{application.id}/attachments"
    return tokens, url, application, other


def upload(client, url, headers, content: bytes, filename: str):
    response = client.post(url, headers=headers, content_type="multipart/form-data",
                           data={"file": (io.BytesIO(content), filename)})
    response.close()
    response.request.environ["wsgi.input"].close()  # the test client spools a large body to a file
    return response


def stored_files(app) -> list[Path]:
    return sorted((Path(app.config["UPLOAD_FOLDER"]) / "attachments").glob("*"))


def test_upload_stores_the_file_by_its_content_and_downloads_the_same_bytes(client, world):
    tokens, url, application, _other = world
    response = upload(client, url, tokens["manager"], PDF, "../Kostenplan Straße.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["name"] == "Kostenplan Straße.pdf" and body["media_type"] == "application/pdf"
    assert body["size_bytes"] == len(PDF) and len(body["sha256"]) == 64 and body["application_id"] == application.id

    listed = client.get(url, headers=tokens["reader"]).get_json()
    assert listed["total"] == 1 and listed["items"][0] == body
    download = client.get(body["download_url"], headers=tokens["reader"])
    data = download.get_data()
    download.close()
    assert download.status_code == 200 and data == PDF
    assert download.mimetype == "application/pdf" and download.headers["X-Content-Type-Options"] == "nosniff"
    assert "Kostenplan" in download.headers["Content-Disposition"]


def test_a_file_whose_content_is_no_allowed_type_is_refused_and_not_kept(app, client, db, world):
    tokens, url, _application, _other = world
    response = upload(client, url, tokens["manager"], b"MZ\x90\x00 executable", "antrag.pdf")
    assert response.status_code == 422
    assert "Dateityp ist nicht erlaubt" in response.get_json()["errors"]["file"][0]
    assert db.session.execute(sa.select(sa.func.count(Attachment.id))).scalar() == 0
    assert stored_files(app) == []


def test_an_upload_without_a_file_names_the_field(client, world):
    tokens, url, _application, _other = world
    response = client.post(url, headers=tokens["manager"], json={})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": ["Bitte eine Datei auswählen."]}


def test_a_file_over_the_size_limit_is_refused_with_the_pages_message(app, client, world):
    tokens, url, _application, _other = world
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    response = upload(client, url, tokens["manager"], PDF + b"\x00" * 2048, "gross.pdf")
    assert response.status_code == 422
    assert "zu groß" in response.get_json()["errors"]["file"][0]
    assert stored_files(app) == []


def test_a_body_over_the_upload_limit_is_answered_413_in_json(app, client, world):
    tokens, url, _application, _other = world
    app.config["UPLOAD_MAX_CONTENT_LENGTH"] = 4096
    response = upload(client, url, tokens["manager"], PDF + b"\x00" * 8192, "riesig.pdf")
    assert response.status_code == 413 and response.is_json
    assert stored_files(app) == []


def test_uploads_beyond_the_applications_quota_are_refused(app, client, world):
    tokens, url, _application, _other = world
    app.config["ATTACHMENT_QUOTA_PER_APPLICATION_MB"] = 1
    half = PDF + b"\x00" * (600 * 1024)
    assert upload(client, url, tokens["manager"], half, "a.pdf").status_code == 201
    response = upload(client, url, tokens["manager"], half, "b.pdf")
    assert response.status_code == 422 and "höchstens 1 MB" in response.get_json()["errors"]["file"][0]
    assert len(stored_files(app)) == 1


def test_a_reader_may_list_and_download_but_not_upload(client, world):
    tokens, url, _application, _other = world
    assert upload(client, url, tokens["reader"], PDF, "a.pdf").status_code == 403
    assert client.get(url, headers=tokens["reader"]).status_code == 200


def test_another_neighbourhoods_token_can_neither_read_nor_add_attachments(client, world):
    tokens, url, application, _other = world
    body = upload(client, url, tokens["manager"], PDF, "privat.pdf").get_json()
    other = tokens["other_manager"]
    assert client.get(url, headers=other).status_code == 403
    assert client.get(body["download_url"], headers=other).status_code == 403
    assert upload(client, url, other, PNG, "fremd.png").status_code == 403
    # Through its own neighbourhood's URL the application and its files do not exist.
    foreign = f"/api/v1/neighbourhoods/groepelingen/applications/{application.id}/attachments"
    assert client.get(foreign, headers=other).status_code == 404
    assert client.get(f"{foreign}/{body['id']}", headers=other).status_code == 404
    assert upload(client, foreign, other, PNG, "fremd.png").status_code == 404
    assert client.get(url, headers=tokens["manager"]).get_json()["total"] == 1


def test_an_attachment_is_found_only_under_its_own_application(client, world, make_application):
    tokens, url, _application, _other = world
    body = upload(client, url, tokens["manager"], PDF, "a.pdf").get_json()
    sibling = make_application()
    wrong = f"/api/v1/neighbourhoods/huchting/applications/{sibling.id}/attachments/{body['id']}"
    assert client.get(wrong, headers=tokens["admin"]).status_code == 404


def test_listing_attachments_costs_the_same_queries_for_one_or_many(client, world, count_queries):
    tokens, url, _application, _other = world
    upload(client, url, tokens["manager"], PDF, "1.pdf")
    client.get(url, headers=tokens["reader"])  # the token's first use of the day writes its last use
    with count_queries() as one:
        assert client.get(url, headers=tokens["reader"]).get_json()["total"] == 1
    for n in range(2, 6):
        upload(client, url, tokens["manager"], PDF, f"{n}.pdf")
    with count_queries() as many:
        assert client.get(url, headers=tokens["reader"]).get_json()["total"] == 5
    assert many.count == one.count

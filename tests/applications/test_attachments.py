"""Attachments: type by content, generated storage names, safe downloads."""

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from wingrant.applications.attachments import content_disposition, sniff
from wingrant.applications.models import Attachment

from .conftest import count, detail_url

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})


def _upload(client, app, content: bytes, filename: str, slug="huchting"):
    from tests.conftest import csrf_token_from

    page = client.get(detail_url(app, slug))
    token = csrf_token_from(page.get_data(as_text=True))
    return client.post(f"{detail_url(app, slug)}/anhaenge", content_type="multipart/form-data",
                       data={"csrf_token": token, "file": (io.BytesIO(content), filename)})


@pytest.mark.parametrize(("content", "media_type"), [
    (PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg"),
    (DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (ODT, "application/vnd.oasis.opendocument.text"),
])
def test_file_type_is_recognised_by_its_content(tmp_path, content, media_type):
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert sniff(path) == media_type


@pytest.mark.parametrize("content", [
    b"MZ\x90\x00 an executable", b"<html><script>alert(1)</script>", _zip({"evil.sh": b"rm -rf /"}),
    b"PK\x03\x04 not really a zip", b"",
])
def test_other_content_is_not_an_accepted_type(tmp_path, content):
    path = tmp_path / "upload"
    path.write_bytes(content)
    assert sniff(path) is None


def test_pdf_upload_is_stored_under_a_generated_name_and_downloaded_safely(as_manager, make_application, db, app):
    application = make_application()
    response = _upload(as_manager, application, PDF, "../../Kostenplan Straße 2026.pdf")
    assert response.status_code == 302
    db.session.rollback()
    attachment = db.session.execute(sa.select(Attachment)).scalar_one()
    assert attachment.original_name == "Kostenplan Straße 2026.pdf"
    assert attachment.media_type == "application/pdf" and attachment.size_bytes == len(PDF)
    stored = Path(app.config["UPLOAD_FOLDER"]) / "attachments" / attachment.storage_name
    assert stored.read_bytes() == PDF
    assert "Kostenplan" not in attachment.storage_name

    download = as_manager.get(f"{detail_url(application)}/anhaenge/{attachment.id}")
    body = download.get_data()
    download.close()
    assert download.status_code == 200
    assert body == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == (
        "attachment; filename=\"Kostenplan Strasse 2026.pdf\"; "
        "filename*=UTF-8''Kostenplan%20Stra%C3%9Fe%202026.pdf")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_file_type_is_decided_by_content_not_by_name_or_browser(as_manager, make_application, db):
    application = make_application()
    response = _upload(as_manager, application, b"MZ\x90\x00 executable", "antrag.pdf")
    assert response.status_code == 422
    assert "Dieser Dateityp ist nicht erlaubt" in response.get_data(as_text=True)
    assert count(db, Attachment) == 0


def test_name_gets_the_extension_of_the_real_content(as_manager, make_application, db):
    _upload(as_manager, make_application(), PNG, "foto.pdf")
    db.session.rollback()
    assert db.session.execute(sa.select(Attachment.original_name)).scalar_one() == "foto.png"


def test_too_large_upload_is_refused_and_leaves_no_file(as_manager, make_application, db, app):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    response = _upload(as_manager, make_application(), PDF + b"x" * 2048, "gross.pdf")
    assert response.status_code == 422
    assert "zu groß" in response.get_data(as_text=True)
    assert count(db, Attachment) == 0
    folder = Path(app.config["UPLOAD_FOLDER"]) / "attachments"
    assert not folder.exists() or list(folder.iterdir()) == []


def test_upload_without_file_is_refused_at_the_field(as_manager, make_application):
    from tests.conftest import csrf_token_from

    application = make_application()
    token = csrf_token_from(as_manager.get(detail_url(application)).get_data(as_text=True))
    response = as_manager.post(f"{detail_url(application)}/anhaenge", data={"csrf_token": token})
    assert response.status_code == 422
    assert 'id="file-error"' in response.get_data(as_text=True)


def test_attachment_of_another_application_is_not_found(as_manager, make_application, db):
    first, second = make_application(), make_application()
    _upload(as_manager, first, PDF, "a.pdf")
    db.session.rollback()
    attachment = db.session.execute(sa.select(Attachment)).scalar_one()
    assert as_manager.get(f"{detail_url(second)}/anhaenge/{attachment.id}").status_code == 404


def test_upload_appears_in_the_list_and_the_timeline(as_manager, make_application):
    application = make_application()
    _upload(as_manager, application, DOCX, "Konzept.docx")
    page = as_manager.get(detail_url(application)).get_data(as_text=True)
    assert ">Konzept.docx</a>" in page
    assert "Anhang hochgeladen: Konzept.docx" in page


def test_content_disposition_cannot_be_broken_by_quotes_or_newlines():
    header = content_disposition('a"b\r\nSet-Cookie: x.pdf')
    assert "\r" not in header and "\n" not in header
    assert header.startswith('attachment; filename="a_b__Set-Cookie_ x.pdf"; filename*=UTF-8\'\'')


def _pdf_of(kib: int) -> bytes:
    return PDF + b"x" * (kib * 1024 - len(PDF))


def _upload_large(client, app, content: bytes, filename: str) -> tuple[int, str]:
    response = _upload(client, app, content, filename)
    page = response.get_data(as_text=True)
    response.close()
    response.request.environ["wsgi.input"].close()  # the test client spooled the large body to a file
    return response.status_code, page


def test_attachments_of_one_application_are_refused_beyond_its_quota(as_manager, make_application, db, app):
    app.config["ATTACHMENT_QUOTA_PER_APPLICATION_MB"] = 1
    application = make_application()
    assert _upload_large(as_manager, application, _pdf_of(600), "eins.pdf")[0] == 302
    status, page = _upload_large(as_manager, application, _pdf_of(600), "zwei.pdf")
    assert status == 422
    assert ("Die Anhänge eines Antrags dürfen zusammen höchstens 1 MB groß sein; belegt sind schon 0,6 MB."
            in page)
    assert count(db, Attachment) == 1
    assert len(list((Path(app.config["UPLOAD_FOLDER"]) / "attachments").iterdir())) == 1  # no stray file
    assert _upload_large(as_manager, make_application(), _pdf_of(600), "drei.pdf")[0] == 302  # another one


def test_attachments_of_a_neighbourhood_are_refused_beyond_its_quota(as_manager, make_application, db, app):
    app.config["ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB"] = 2
    for name in ("eins.pdf", "zwei.pdf"):
        assert _upload_large(as_manager, make_application(), _pdf_of(900), name)[0] == 302
    status, page = _upload_large(as_manager, make_application(), _pdf_of(900), "drei.pdf")
    assert status == 422
    assert "Die Anhänge aller Anträge dieses Quartiers dürfen zusammen höchstens 2 MB groß sein" in page
    assert count(db, Attachment) == 2


def test_default_quotas_are_50_mb_per_application_and_2_gb_per_neighbourhood(app):
    from wingrant.applications.attachments import _size

    assert (app.config["ATTACHMENT_QUOTA_PER_APPLICATION_MB"], app.config["ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB"]) \
        == (50, 2048)
    assert (_size(50), _size(2048)) == ("50 MB", "2 GB")

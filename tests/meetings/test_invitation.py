"""The invitation: a printable page and a PDF; WeasyPrint loads only the app's own static files."""

import shutil
import subprocess

import pytest
from weasyprint import HTML

from wingrant.core.pdf_fetch import StaticOnlyFetcher, UnsafeURL
from wingrant.meetings import services


@pytest.fixture
def invited(db, auth, forum, make_application, make_organisation):
    application = make_application(neighbourhood=forum.neighbourhood, title="Hochbeete für alle",
                                   organisation=make_organisation("Nachbarschaftsgarten e. V."),
                                   requested={forum.win: 4_800_00}, summary="Zwölf Hochbeete im Park.")
    services.add_applications(forum.meeting, [application.id], user=forum.manager)
    auth.login(forum.manager.email)
    return forum, application


def test_invitation_page_lists_agenda_summaries_amounts_and_budget(client, invited):
    forum, application = invited
    page = client.get(forum.base + "/einladung").get_data(as_text=True)
    for text in ("Einladung zur Sitzung: WiN-Forum Huchting", "TOP 4.1", "Hochbeete für alle",
                 "Nachbarschaftsgarten e. V.", "Zwölf Hochbeete im Park.", "4.800,00\u00a0€", "10.000,00\u00a0€",
                 "5.200,00\u00a0€", "Bürgerhaus, Saal 1", "18:00–20:00"):
        assert text in page, text


def test_invitation_pdf_carries_the_agenda_and_the_amounts(client, invited):
    forum, _application = invited
    response = client.get(forum.base + "/einladung.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.data.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=response.data, capture_output=True, check=True,
                              ).stdout.decode()
        for expected in ("Einladung zur Sitzung", "Hochbeete für alle", "4.800,00 €", "5.200,00 €"):
            assert expected in text.replace("\u00a0", " "), expected


def test_invitation_pdf_is_not_for_other_neighbourhoods(client, auth, forum, make_neighbourhood, make_user):
    from wingrant.auth.models import Role

    other = make_neighbourhood("Grohn", slug="grohn")
    make_user("grohn@example.org", roles={other: Role.MANAGER})
    auth.login("grohn@example.org")
    assert client.get(forum.base + "/einladung.pdf").status_code == 403
    assert client.get(f"/quartiere/grohn/sitzungen/{forum.meeting.id}/einladung.pdf").status_code == 404


@pytest.mark.parametrize("url", [
    "http://example.org/evil.css", "https://example.org/x.png", "file:///etc/passwd",
    "data:text/css,body{}", "wingrant-static:../../../etc/passwd", "wingrant-static:/../secret",
    "wingrant-static:css/does-not-exist.css", "WINGRANT-STATIC:", "ftp://example.org/a",
])
def test_pdf_fetcher_refuses_anything_but_the_apps_static_files(app, url):
    fetcher = StaticOnlyFetcher(app.static_folder)
    with pytest.raises(UnsafeURL):
        fetcher.fetch(url)


def test_pdf_fetcher_serves_the_apps_own_stylesheet(app):
    response = StaticOnlyFetcher(app.static_folder).fetch("wingrant-static:css/invitation-pdf.css")
    assert b"@page" in response.read()
    assert response.headers["Content-Type"] == "text/css"


def test_document_asking_for_outside_resources_renders_without_them(app, monkeypatch):
    asked = []
    real_fetch = StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        asked.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", spy)
    html = ('<link rel="stylesheet" href="https://example.org/x.css">'
            '<img src="file:///etc/hostname" alt=""><p>Hallo</p>')
    pdf = HTML(string=html, url_fetcher=StaticOnlyFetcher(app.static_folder)).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert asked  # WeasyPrint asked, and the fetcher said no

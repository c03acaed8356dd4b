"""Nobody reads or changes another neighbourhood's applications; anonymous users log in first."""

import io

import pytest
import sqlalchemy as sa

from wingrant.applications.models import ApplicationState as S
from wingrant.applications.models import Attachment
from wingrant.audit.models import AuditEvent

from .conftest import any_token, application_form_data, detail_url, login, post_step, reload
from .test_attachments import PDF, _upload


@pytest.fixture
def huchting_app(make_application):
    return make_application("Hochbeete", state=S.IN_REVIEW)


@pytest.fixture
def huchting_attachment(client, auth, db, manager, huchting_app):
    login(db, auth, manager)
    _upload(client, huchting_app, PDF, "kostenplan.pdf")
    auth.logout()
    db.session.rollback()
    return db.session.execute(sa.select(Attachment)).scalar_one()


def _read_urls(app, attachment=None, slug="huchting"):
    urls = [f"/quartiere/{slug}/antraege", detail_url(app, slug), f"{detail_url(app, slug)}/bearbeiten",
            f"/quartiere/{slug}/antraege/neu"]
    if attachment:
        urls.append(f"{detail_url(app, slug)}/anhaenge/{attachment.id}")
    return urls


def test_manager_of_other_neighbourhood_cannot_read_list_detail_or_attachment(
        client, auth, db, other_manager, huchting_app, huchting_attachment):
    login(db, auth, other_manager)
    for url in _read_urls(huchting_app, huchting_attachment):
        assert client.get(url).status_code == 403, url
    db.session.rollback()
    denied = db.session.execute(sa.select(AuditEvent).filter_by(action="auth.access_denied")).scalars().all()
    assert denied


def test_manager_of_other_neighbourhood_cannot_read_draft(client, auth, db, other_manager, make_application):
    draft = make_application("Geheimer Entwurf")
    login(db, auth, other_manager)
    response = client.get(detail_url(draft))
    assert response.status_code == 403
    assert "Geheimer Entwurf" not in response.get_data(as_text=True)


def test_application_reached_through_own_neighbourhoods_url_does_not_exist(
        client, auth, db, other_manager, huchting_app, huchting_attachment):
    login(db, auth, other_manager)
    for url in _read_urls(huchting_app, huchting_attachment, slug="groepelingen")[1:3] + [
            f"{detail_url(huchting_app, 'groepelingen')}/anhaenge/{huchting_attachment.id}"]:
        assert client.get(url).status_code == 404, url


def test_manager_of_other_neighbourhood_cannot_edit_or_move_an_application(
        client, auth, db, other_manager, huchting_app, win):
    login(db, auth, other_manager)
    token = any_token(client)
    data = {"csrf_token": token, **application_form_data(huchting_app.organisation, title="Gekapert",
                                                         requests={win: "500"})}
    assert client.post(f"{detail_url(huchting_app)}/bearbeiten", data=data).status_code == 403
    assert client.post(f"{detail_url(huchting_app, 'groepelingen')}/bearbeiten", data=data).status_code == 404
    assert post_step(client, huchting_app, "rueckfrage", "?").status_code == 403
    assert post_step(client, huchting_app, "zurueckziehen", "weg", slug="groepelingen").status_code == 404
    upload = client.post(f"{detail_url(huchting_app)}/anhaenge", content_type="multipart/form-data",
                         data={"csrf_token": token, "file": (io.BytesIO(PDF), "x.pdf")})
    assert upload.status_code == 403
    app = reload(db, huchting_app)
    assert (app.title, app.state) == ("Hochbeete", S.IN_REVIEW)


def test_minutes_role_may_read_but_not_change_applications(client, auth, db, make_user, huchting, huchting_app,
                                                           huchting_attachment):
    from wingrant.auth.models import Role

    login(db, auth, make_user("protokoll@example.org", roles={huchting: Role.MINUTES}))
    assert client.get(detail_url(huchting_app)).status_code == 200
    download = client.get(f"{detail_url(huchting_app)}/anhaenge/{huchting_attachment.id}")
    download.close()
    assert download.status_code == 200
    assert client.get(f"{detail_url(huchting_app)}/bearbeiten").status_code == 403
    assert client.get("/quartiere/huchting/antraege/neu").status_code == 403
    assert post_step(client, huchting_app, "beschlussreif").status_code == 403


def test_administrator_may_act_in_every_neighbourhood(client, auth, db, make_user, huchting_app):
    login(db, auth, make_user("gf@example.org", is_admin=True))
    assert client.get(detail_url(huchting_app)).status_code == 200
    post_step(client, huchting_app, "beschlussreif")
    assert reload(db, huchting_app).state == S.READY


def test_anonymous_user_is_sent_to_login(client, huchting_app, huchting_attachment):
    for url in ["/antraege", *_read_urls(huchting_app, huchting_attachment)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/anmelden"), url
    token = any_token(client)
    for url in (f"{detail_url(huchting_app)}/schritt/zurueckziehen", f"{detail_url(huchting_app)}/anhaenge",
                f"{detail_url(huchting_app)}/bearbeiten"):
        response = client.post(url, data={"csrf_token": token})
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/anmelden"), url


def test_unknown_neighbourhood_or_application_is_not_found(as_manager, huchting_app):
    assert as_manager.get("/quartiere/atlantis/antraege").status_code == 404
    assert as_manager.get("/quartiere/huchting/antraege/99999").status_code == 404


def test_overview_lists_only_the_users_neighbourhoods(client, auth, db, make_user, huchting, groepelingen):
    from wingrant.auth.models import Role

    login(db, auth, make_user("zwei@example.org", roles={huchting: Role.READER, groepelingen: Role.MANAGER}))
    page = client.get("/antraege").get_data(as_text=True)
    assert "/quartiere/huchting/antraege" in page and "/quartiere/groepelingen/antraege" in page


def test_overview_goes_straight_to_the_only_neighbourhood(as_manager):
    response = as_manager.get("/antraege")
    assert response.headers["Location"] == "/quartiere/huchting/antraege"

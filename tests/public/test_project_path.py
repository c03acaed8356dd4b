"""A funded project accounted for in public: its path after the decision, a report text and photos."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from PIL import Image

from tests.conftest import csrf_token_from
from wingrant.errors import DomainError
from wingrant.funding import services as funding
from wingrant.funding import showcase
from wingrant.meetings import administration
from wingrant.public.project_path import paid_percent

PORTAL = "/portal/huchting"


def _jpeg_with_gps(size=(3000, 2000)) -> bytes:
    """A camera-like JPEG: EXIF with the camera model and a GPS position."""
    image = Image.new("RGB", size, (30, 120, 60))
    exif = Image.Exif()
    exif[0x0110] = "Kamera X100"  # Model
    exif[0x8825] = {1: "N", 2: (53.0, 4.0, 30.0), 3: "E", 4: (8.0, 45.0, 10.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


@pytest.fixture
def admin(make_user):
    return make_user("gf@example.org", is_admin=True)


def _steps(html: str) -> list[tuple[str, str]]:
    """(label, the state class) of each step in the page's project path."""
    path = html.split('class="project-path"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<li class="(done|open)"[^>]*>\s*<span class="step-label">([^<]+)<', path)


def test_paid_share_rounds_down_so_nearly_all_is_not_all():
    assert paid_percent(0, 1000_00) == 0
    assert paid_percent(500_00, 1000_00) == 50
    assert paid_percent(999_99, 1000_00) == 99
    assert paid_percent(1000_00, 1000_00) == 100
    assert paid_percent(5, 0) == 0


def test_project_path_starts_at_the_forums_decision(client, published):
    html = _page(client, f"{PORTAL}/projekte/{published.applications[0].id}")
    assert _steps(html) == [("done", "Vom Forum beschlossen"), ("open", "Bewilligt"), ("open", "Ausgezahlt"),
                            ("open", "Verwendungsnachweis eingereicht"), ("open", "Abgeschlossen")]
    assert 'aria-current="step"' in html.split("Vom Forum beschlossen")[0].rsplit("<li", 1)[1]


def test_project_path_follows_grant_payout_proof_of_use_and_closing(db, client, published, manager, admin,
                                                                    programmes):
    app, decision = published.applications[0], published.decisions[0]
    granted = sum(a.amount_cents for a in decision.amounts)
    administration.record_grant(decision.id, [administration.GrantLine(
        programmes["WIN"].id, "ZB-2026-1", date(2026, 5, 4), granted)], user=admin)
    grant_id = funding.grant_rows(app)[0].grant.id
    funding.record_payout(app, grant_id, granted * 3 // 4, date(2026, 6, 15), user=manager)

    html = _page(client, f"{PORTAL}/projekte/{app.id}")
    assert [s for s, _label in _steps(html)] == ["done", "done", "done", "open", "open"]
    assert "am 04.05.2026" in html and "am 15.06.2026" in html
    assert "75 % der Bewilligung" in html

    funding.submit_report(app, submitted_on=date(2026, 11, 2), actual_cost_cents=granted,
                          spent={grant_id: granted}, notes="", user=manager)
    funding.accept_report(app, user=manager)
    html = _page(client, f"{PORTAL}/projekte/{app.id}")
    assert [s for s, _label in _steps(html)] == ["done"] * 5
    assert 'aria-current="step"' in html.split("Abgeschlossen")[0].rsplit("<li", 1)[1]


def test_photo_is_stored_without_metadata_and_resized():
    jpeg, width, height = showcase.reencode(_jpeg_with_gps())
    assert width == showcase.MAX_EDGE and abs(height - showcase.MAX_EDGE * 2 / 3) < 1
    with Image.open(io.BytesIO(jpeg)) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
        assert "exif" not in stored.info and "icc_profile" not in stored.info
    assert b"Kamera X100" not in jpeg


@pytest.mark.parametrize("data", [b"%PDF-1.7 not an image", b"GIF89a" + b"\0" * 40, b"\xff\xd8\xff broken"])
def test_photo_refuses_what_is_not_a_readable_image(data):
    with pytest.raises(DomainError, match="kein Foto"):
        showcase.reencode(data)


def test_photo_needs_consent_and_a_description(published, manager):
    app = published.applications[0]
    with pytest.raises(DomainError, match="zugestimmt"):
        showcase.add_photo(app, io.BytesIO(_jpeg_with_gps((40, 30))), alt_text="Hochbeet", caption="",
                           consent=False, user=manager)
    with pytest.raises(DomainError, match="beschreiben"):
        showcase.add_photo(app, io.BytesIO(_jpeg_with_gps((40, 30))), alt_text=" ", caption="", consent=True,
                           user=manager)
    assert showcase.photos_of(app) == []


def test_report_and_photos_appear_on_the_public_project_page(client, published, manager):
    app = published.applications[0]
    showcase.save_report(app, "Zwölf Kinder haben das Hochbeet bepflanzt.\nErnte im September.", user=manager)
    photo = showcase.add_photo(app, io.BytesIO(_jpeg_with_gps((800, 600))), alt_text="Kinder am Hochbeet",
                               caption="Pflanzaktion im Mai", consent=True, user=manager)
    html = _page(client, f"{PORTAL}/projekte/{app.id}")
    assert "Zwölf Kinder haben das Hochbeet bepflanzt." in html
    assert 'alt="Kinder am Hochbeet"' in html and "Pflanzaktion im Mai" in html
    response = client.get(f"{PORTAL}/projekte/{app.id}/fotos/{photo.storage_name}")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_photos_of_a_project_that_is_not_public_are_not_served(client, published, manager):
    deferred = published.applications[2]
    with pytest.raises(DomainError, match="beschlossen"):
        showcase.add_photo(deferred, io.BytesIO(_jpeg_with_gps((40, 30))), alt_text="x", caption="",
                           consent=True, user=manager)
    app = published.applications[0]
    photo = showcase.add_photo(app, io.BytesIO(_jpeg_with_gps((40, 30))), alt_text="Bild", caption="",
                               consent=True, user=manager)
    _page(client, f"{PORTAL}/projekte/{deferred.id}/fotos/{photo.storage_name}", 404)  # not its project
    _page(client, f"/portal/anderswo/projekte/{app.id}/fotos/{photo.storage_name}", 404)


def test_photos_of_unpublished_minutes_are_not_public(client, huchting, make_meeting, manager):
    from .conftest import publish

    built = make_meeting(huchting)
    publish(built, manager, approve_only=True)
    app = built.applications[0]
    photo = showcase.add_photo(app, io.BytesIO(_jpeg_with_gps((40, 30))), alt_text="Bild", caption="",
                               consent=True, user=manager)
    _page(client, f"{PORTAL}/projekte/{app.id}", 404)
    _page(client, f"{PORTAL}/projekte/{app.id}/fotos/{photo.storage_name}", 404)


def test_qm_of_another_neighbourhood_cannot_add_report_or_photos(published, make_user, make_neighbourhood):
    from wingrant.auth.models import Role

    other = make_user("qm-gr@example.org", roles={make_neighbourhood("Gröpelingen", code="GRO"): Role.MANAGER})
    app = published.applications[0]
    with pytest.raises(DomainError):
        showcase.save_report(app, "fremd", user=other)
    with pytest.raises(DomainError):
        showcase.add_photo(app, io.BytesIO(_jpeg_with_gps((40, 30))), alt_text="x", caption="", consent=True,
                           user=other)


def test_qm_adds_a_photo_through_the_page_and_bad_input_is_named(db, client, auth, published, manager):
    app = published.applications[0]
    auth.login(manager.email)
    page = f"/quartiere/huchting/antraege/{app.id}/abwicklung"
    html = _page(client, page)
    token = csrf_token_from(html)
    response = client.post(page + "/fotos", data={"photo-csrf_token": token, "photo-alt_text": "Hochbeet",
                                                  "photo-consent": "y",
                                                  "photo-photo": (io.BytesIO(b"not an image"), "x.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Das ist kein Foto, das wir lesen können" in response.get_data(as_text=True)
    response = client.post(page + "/fotos", data={"photo-csrf_token": token, "photo-alt_text": "Hochbeet",
                                                  "photo-photo": (io.BytesIO(_jpeg_with_gps((60, 40))), "a.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "zugestimmt" in response.get_data(as_text=True)
    response = client.post(page + "/fotos", data={"photo-csrf_token": token, "photo-alt_text": "Hochbeet",
                                                  "photo-consent": "y",
                                                  "photo-photo": (io.BytesIO(_jpeg_with_gps((60, 40))), "a.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert "Das Foto ist hinzugefügt" in _page(client, page)
    db.session.rollback()  # the test's own session sees the request's commit
    assert [p.alt_text for p in showcase.photos_of(app)] == ["Hochbeet"]
    response = client.post(page + "/bericht", data={"project-csrf_token": token, "project-text": "x" * 2001})
    assert response.status_code == 422 and "Höchstens 2000 Zeichen." in response.get_data(as_text=True)

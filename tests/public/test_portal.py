"""The public portal: reachable without login, and showing only what is published."""

import hashlib
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.minutes import factories
from tests.minutes.conftest import pdf_text
from tests.minutes.factories import AppSpec
from wingrant.applications.models import Application, ApplicationState, application_field
from wingrant.meetings.models import MeetingState, Outcome
from wingrant.minutes import services
from wingrant.minutes.models import MinutesVersion
from wingrant.neighbourhoods.models import FieldOfAction

from .conftest import publish

PORTAL = "/portal/huchting"


def _page(client, url, status=200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def test_portal_is_reachable_without_login(client, published):
    html = _page(client, PORTAL)
    assert "Stadtteilgruppe Huchting" in html
    assert "Hochbeete für den Nachbarschaftsgarten" in html
    assert "Anmelden" in html  # nobody is logged in


def test_portal_index_lists_active_neighbourhoods(client, huchting, make_neighbourhood):
    make_neighbourhood("Altquartier", active=False)
    html = _page(client, "/portal/")
    assert f'href="{PORTAL}"' in html and "Altquartier" not in html


def test_unknown_or_inactive_neighbourhood_is_not_found(client, make_neighbourhood):
    make_neighbourhood("Altquartier", active=False)
    _page(client, "/portal/gibt-es-nicht", 404)
    _page(client, "/portal/altquartier", 404)


def test_draft_minutes_not_reachable_without_login(client, db, huchting, make_meeting, manager):
    draft = make_meeting(huchting)
    approved = make_meeting(huchting, [AppSpec("Genehmigt, nicht veröffentlicht", "Träger G", {"WIN": 100_00})],
                            when=date.today() - timedelta(days=40))
    publish(approved, manager, approve_only=True)
    services.update_texts(draft.meeting.id, services.MinutesText(introduction="Geheimer Entwurfstext"), user=manager)
    html = _page(client, PORTAL)
    for hidden in ("Hochbeete", "Genehmigt, nicht veröffentlicht", "Geheimer Entwurfstext"):
        assert hidden not in html
    assert "noch kein Protokoll veröffentlicht" in html
    for meeting in (draft.meeting, approved.meeting):
        _page(client, f"{PORTAL}/protokolle/{meeting.id}", 404)
        _page(client, f"{PORTAL}/protokolle/{meeting.id}/v1.pdf", 404)
        internal = client.get(f"/quartiere/huchting/protokolle/{meeting.id}")
        assert internal.status_code == 302 and "/anmelden" in internal.headers["Location"]
        assert client.get(f"/quartiere/huchting/protokolle/{meeting.id}/protokoll.pdf").status_code == 302
    for app in draft.applications + approved.applications:
        _page(client, f"{PORTAL}/projekte/{app.id}", 404)
    assert "Hochbeete" not in _page(client, f"{PORTAL}/beschluesse")


def test_draft_application_is_not_reachable(client, db, published, huchting, programmes):
    draft = factories.application(huchting, programmes, AppSpec("Geheimer Entwurf", "Träger E", {"WIN": 1_00},
                                                                state=ApplicationState.DRAFT), 2026)
    _page(client, f"{PORTAL}/projekte/{draft.id}", 404)
    assert "Geheimer Entwurf" not in _page(client, PORTAL)
    assert "Geheimer Entwurf" not in _page(client, f"{PORTAL}/beschluesse")


@pytest.mark.real_pdf
def test_public_minutes_hide_names_without_consent(client, published):
    pages = [_page(client, url) for url in (PORTAL, f"{PORTAL}/beschluesse", f"{PORTAL}/protokolle/"
                                            f"{published.meeting.id}")]
    pages += [_page(client, f"{PORTAL}/projekte/{a.id}") for a in published.applications[:2]]
    pdf = client.get(f"{PORTAL}/protokolle/{published.meeting.id}/v1.pdf").data
    pages.append(pdf_text(pdf))
    for text in pages:
        for secret in (factories.SECRET_RESIDENT, factories.SECRET_APOLOGY, factories.SECRET_OBJECTOR,
                       factories.SECRET_RECUSED, factories.CONTACT_EMAIL, factories.CONTACT_PHONE,
                       factories.CONTACT_PERSON):
            assert secret not in text
    assert factories.CONSENTING_RESIDENT in pages[-1]  # consent given: named in the published PDF


def test_project_page_shows_only_public_fields(client, published):
    theatre = published.applications[1]
    html = _page(client, f"{PORTAL}/projekte/{theatre.id}")
    for shown in ("Theaterprojekt mit Jugendlichen", "Jugendtheater e. V.", "Kurzbeschreibung Theaterprojekt",
                  "beschlossen mit Änderungen", "Aufführung im Bürgerhaus.", "6.000,00\u00a0€", "1.999,99\u00a0€",
                  "7.500,00\u00a0€"):
        assert shown in html, shown
    for hidden in ("Interne Beschreibung", factories.CONTACT_EMAIL, "Geheimweg", theatre.reference):
        assert hidden not in html


def test_only_funded_projects_have_a_page(client, published):
    deferred = published.applications[2]
    _page(client, f"{PORTAL}/projekte/{deferred.id}", 404)
    assert "Offene Fahrradwerkstatt" in _page(client, f"{PORTAL}/beschluesse")  # listed, as decided


def test_project_of_another_neighbourhood_is_not_found_here(client, published, make_neighbourhood):
    make_neighbourhood("Tenever")
    _page(client, f"/portal/tenever/projekte/{published.applications[0].id}", 404)
    _page(client, f"/portal/tenever/protokolle/{published.meeting.id}/v1.pdf", 404)


def test_decisions_filter_by_year_programme_and_field_of_action(client, db, huchting, make_meeting, manager,
                                                                programmes):
    year = (date.today() - timedelta(days=30)).year
    built = make_meeting(huchting, [
        AppSpec("Spielplatz", "Wohnungsbau", {"SOZ": 3_000_00}),
        AppSpec("Sprachcafé", "Kita", {"WIN": 1_500_00}),
    ])
    field = FieldOfAction(programme_id=programmes["WIN"].id, name="Bildung")
    db.session.add(field)
    db.session.flush()
    db.session.execute(sa.insert(application_field).values(application_id=built.applications[1].id,
                                                           field_of_action_id=field.id))
    db.session.commit()
    publish(built, manager)
    url = f"{PORTAL}/beschluesse"
    both = _page(client, url)
    assert "Spielplatz" in both and "Sprachcafé" in both
    soz = _page(client, f"{url}?programm={programmes['SOZ'].id}")
    assert "Spielplatz" in soz and "Sprachcafé" not in soz
    bildung = _page(client, f"{url}?handlungsfeld={field.id}")
    assert "Sprachcafé" in bildung and "Spielplatz" not in bildung
    assert "Keine Beschlüsse" in _page(client, f"{url}?jahr={year - 1}")
    assert "Spielplatz" in _page(client, f"{url}?jahr={year}")
    assert "Spielplatz" in _page(client, f"{url}?jahr=abc&programm=&handlungsfeld=x")  # nonsense: ignored


def test_portal_pdf_download_is_the_stored_bytes_with_safe_headers(client, db, published):
    version = db.session.execute(sa.select(MinutesVersion)).scalar_one()
    response = client.get(f"{PORTAL}/protokolle/{published.meeting.id}/v1.pdf")
    assert response.status_code == 200
    assert response.data == version.pdf
    assert hashlib.sha256(response.data).hexdigest() == version.sha256
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename=protokoll-huchting-{published.meeting.date.isoformat()}-v1.pdf'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["ETag"].strip('"') == version.sha256


@pytest.mark.real_pdf
def test_published_pdf_is_never_rerendered(client, db, published, manager, monkeypatch):
    stored = db.session.execute(sa.select(MinutesVersion)).scalar_one().pdf
    # The record changes after publication ...
    app = db.session.get(Application, published.applications[0].id)
    app.title = "Umbenannt nach der Veröffentlichung"
    db.session.commit()

    def refuse(*_a, **_k):
        raise AssertionError("a published PDF was rendered again")

    monkeypatch.setattr("wingrant.minutes.services.render_pdf", refuse)
    monkeypatch.setattr("wingrant.minutes.views.render_pdf", refuse)
    monkeypatch.setattr("wingrant.minutes.pdf.HTML", refuse)
    # ... but every download is the stored file, byte for byte.
    for _ in range(2):
        assert client.get(f"{PORTAL}/protokolle/{published.meeting.id}/v1.pdf").data == stored
    assert "Umbenannt" not in pdf_text(stored)


def test_every_version_stays_visible_with_its_checksum(client, db, published, manager):
    services.correct(published.meeting.id, None, "Berichtigung eines Tippfehlers", user=manager)
    db.session.rollback()
    versions = db.session.execute(sa.select(MinutesVersion).order_by(MinutesVersion.number)).scalars().all()
    html = _page(client, f"{PORTAL}/protokolle/{published.meeting.id}")
    for v in versions:
        assert v.sha256 in html
        assert client.get(f"{PORTAL}/protokolle/{published.meeting.id}/v{v.number}.pdf").data == v.pdf
    assert "Berichtigung eines Tippfehlers" in html and "Version 2" in html
    assert versions[1].sha256 in _page(client, PORTAL)  # the front page links the current version
    _page(client, f"{PORTAL}/protokolle/{published.meeting.id}/v3.pdf", 404)


def test_portal_shows_budget_status_with_an_svg_chart_without_inline_styles(client, published):
    year = (date.today() - timedelta(days=30)).year
    html = _page(client, f"{PORTAL}?jahr={year}")
    assert f"Budgets {year}" in html
    assert "150.000,00\u00a0€" in html and "139.200,00\u00a0€" in html  # 150 000 − 4 800 − 6 000
    assert "<svg" in html and 'role="img"' in html and "<title" in html
    assert " style=" not in html and "<style" not in html
    assert html.count("<script") == html.count('<script src="/static/')  # no inline code


def test_upcoming_meetings_are_announced(client, huchting, make_meeting):
    make_meeting(huchting, [], when=date.today() + timedelta(days=12), state=MeetingState.INVITED)
    make_meeting(huchting, [], when=date.today() - timedelta(days=12))
    html = _page(client, PORTAL)
    assert "Bürgerhaus, Saal 1" in html
    assert html.count("Amersfoorter Str. 8, 28259 Bremen") == 1  # only the future one


def test_portal_query_count_does_not_grow_with_decisions(client, huchting, make_meeting, manager, count_queries):
    first = make_meeting(huchting, [AppSpec("A", "Träger A", {"WIN": 100_00})], when=date.today() - timedelta(days=50))
    publish(first, manager)
    with count_queries() as few:
        _page(client, PORTAL)
    more = make_meeting(huchting, [AppSpec(f"P{n}", f"Träger {n}", {"WIN": 100_00}, outcome=Outcome.REJECTED)
                                   for n in range(6)])
    publish(more, manager)
    with count_queries() as many:
        _page(client, PORTAL)
    assert many.count == few.count


def test_start_page_links_each_neighbourhood_to_its_portal(client, huchting):
    assert f'href="{PORTAL}"' in _page(client, "/")


@pytest.mark.parametrize("path", [PORTAL, f"{PORTAL}/beschluesse"])
def test_portal_pages_have_landmarks_and_labels(client, published, path):
    html = _page(client, path)
    for marker in ("<main", "<nav", "<caption", 'scope="col"'):
        assert marker in html
    if "beschluesse" in path:
        assert '<label for="jahr">' in html and '<label for="programm">' in html


def test_decisions_list_shows_the_latest_year_by_default_and_every_year_on_request(
        client, huchting, make_meeting, manager, make_budget, programmes):
    this_year = (date.today() - timedelta(days=30)).year
    make_budget(150_000_00, neighbourhood=huchting, programme=programmes["WIN"], year=this_year - 1)
    make_budget(50_000_00, neighbourhood=huchting, programme=programmes["SOZ"], year=this_year - 1)
    earlier = make_meeting(huchting, [AppSpec("Laternenumzug", "Kita", {"WIN": 800_00})],
                           when=date(this_year - 1, 11, 5))
    publish(earlier, manager)
    latest = make_meeting(huchting, [AppSpec("Nähwerkstatt", "Kita", {"WIN": 900_00})])
    publish(latest, manager)
    url = f"{PORTAL}/beschluesse"

    default = _page(client, url)
    assert "Nähwerkstatt" in default and "Laternenumzug" not in default
    assert f"1 Beschluss für {this_year}" in default
    assert f'<option value="{this_year}" selected>' in default
    everything = _page(client, f"{url}?jahr=alle")
    assert "Nähwerkstatt" in everything and "Laternenumzug" in everything
    assert '<option value="alle" selected>' in everything
    earlier_year = _page(client, f"{url}?jahr={this_year - 1}")
    assert "Laternenumzug" in earlier_year and "Nähwerkstatt" not in earlier_year
    # Years offered: only those with published decisions, newest first.
    assert re.findall(r'<option value="(\d{4})"', default) == [str(this_year), str(this_year - 1)]


def test_decisions_list_pages_keep_the_chosen_year(client, huchting, make_meeting, manager, monkeypatch):
    monkeypatch.setattr("wingrant.public.views.PER_PAGE", 1)
    built = make_meeting(huchting, [AppSpec("Spielplatz", "Wohnungsbau", {"SOZ": 3_000_00}),
                                    AppSpec("Sprachcafé", "Kita", {"WIN": 1_500_00})])
    publish(built, manager)
    year = built.meeting.date.year
    assert f"jahr={year}&amp;seite=2" in _page(client, f"{PORTAL}/beschluesse")
    assert "jahr=alle&amp;seite=2" in _page(client, f"{PORTAL}/beschluesse?jahr=alle")

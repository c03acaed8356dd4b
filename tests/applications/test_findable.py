"""Findable: the public form is linked where people look, offers only money that is there, and names the
forum with its right article."""

import re

import pytest
import sqlalchemy as sa

from wingrant.applications.models import Application
from wingrant.auth.models import Role
from wingrant.neighbourhoods.models import ForumArticle, Neighbourhood, guess_forum_article

from .conftest import YEAR, application_form_data, count, error_near

START = "/antrag-stellen/huchting"
APPLICANT = {"org_name": "Lesefreunde Huchting e. V.", "contact_person": "Ayşe Kaya",
             "email": "ayse@lesefreunde.example", "city": "Bremen"}


class _NoOrganisation:
    id = 0


def _data(**kwargs) -> dict:
    data = application_form_data(_NoOrganisation(), **kwargs)
    del data["organisation_id"]
    return {**APPLICANT, **data}


def _request_fields(page: str) -> set[str]:
    return set(re.findall(r'name="(request_\d+)"', page))


@pytest.fixture
def los(make_programme):
    return make_programme("LOS", name="LOS", position=2)


def test_public_form_offers_only_programmes_with_open_budget(client, db, huchting, groepelingen, win, soz, los,
                                                             make_budget):
    make_budget(150_000_00, neighbourhood=huchting, programme=win, year=YEAR)
    make_budget(0, neighbourhood=huchting, programme=soz, year=YEAR)  # a budget without money
    closed = make_budget(20_000_00, neighbourhood=huchting, programme=los, year=YEAR)
    closed.closed = True  # a closed year takes no new commitments: nothing to apply for
    db.session.commit()
    make_budget(90_000_00, neighbourhood=groepelingen, programme=soz, year=YEAR)  # another neighbourhood's money
    page = client.get(START).get_data(as_text=True)
    assert _request_fields(page) == {f"request_{win.id}"}
    assert f"Budget offen für: {YEAR}." in page


def test_public_form_offers_only_years_with_open_budget(client, huchting, win, soz, make_budget):
    make_budget(150_000_00, neighbourhood=huchting, programme=win, year=YEAR)
    make_budget(100_000_00, neighbourhood=huchting, programme=soz, year=YEAR + 1)
    page = client.get(START).get_data(as_text=True)
    years = page[page.index('name="year"'):page.index("</select>", page.index('name="year"'))]
    assert f'value="{YEAR}"' in years and f'value="{YEAR + 1}"' in years
    assert f'value="{YEAR - 1}"' not in years and f'value="{YEAR + 2}"' not in years
    assert _request_fields(page) == {f"request_{win.id}", f"request_{soz.id}"}


def test_public_form_refuses_a_programme_without_budget_in_the_chosen_year(forms, huchting, win, soz,
                                                                           make_budget, db):
    make_budget(150_000_00, neighbourhood=huchting, programme=win, year=YEAR)
    make_budget(100_000_00, neighbourhood=huchting, programme=soz, year=YEAR + 1)
    data = _data(year=YEAR, costs=(("investment", "Hochbeete", "1.000,00"),), funding=(),
                 requests={soz: "1.000,00"})
    response = forms.post(START, data)
    assert response.status_code == 422
    message = error_near(response.get_data(as_text=True), f"request_{soz.id}")
    assert f"Aus „Soziale Stadt“ kann für {YEAR} nichts beantragt werden" in message
    assert "kein Budget offen" in message
    assert count(db, Application) == 0


def test_public_form_refuses_a_posted_programme_it_does_not_offer(forms, huchting, win, soz, make_budget, db):
    make_budget(150_000_00, neighbourhood=huchting, programme=win, year=YEAR)
    response = forms.post(START, _data(requests={win: "250", soz: "250"}, funding=(("own_funds", "Kasse", "500"),)))
    assert response.status_code == 422
    assert "Aus einem der gewählten Förderprogramme kann hier nichts beantragt werden" in \
        response.get_data(as_text=True)
    assert count(db, Application) == 0


def test_public_form_without_any_open_budget_says_so(client, huchting, win):
    page = client.get(START).get_data(as_text=True)
    assert _request_fields(page) == set()
    assert "zurzeit kein Förderbudget offen" in page


def test_neighbourhood_portal_links_to_its_application_form(client, huchting):
    page = client.get("/portal/huchting").get_data(as_text=True)
    assert 'href="/antrag-stellen/huchting">Antrag stellen</a>' in page


def test_application_list_links_to_the_public_form(client, auth, huchting, make_user):
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    auth.login("qm@example.org")
    page = client.get("/quartiere/huchting/antraege").get_data(as_text=True)
    assert 'href="/antrag-stellen/huchting">Antrag stellen' in page


@pytest.mark.parametrize(("forum_name", "article"), [
    ("Stadtteilgruppe Huchting", "die"), ("WiN-Forum Gröpelingen", "das"),
    ("Quartiersforum Lüssum-Bockhorn", "das"), ("Quartiersbeirat Grohn", "der"), ("Quartierskonferenz", "die"),
])
def test_forum_article_is_guessed_from_the_head_noun(forum_name, article):
    assert guess_forum_article(forum_name) == article


def test_forum_name_takes_its_article(client, make_neighbourhood):
    make_neighbourhood("Huchting", forum_name="Stadtteilgruppe Huchting")
    make_neighbourhood("Gröpelingen", slug="groepelingen", forum_name="WiN-Forum Gröpelingen")
    make_neighbourhood("Grohn", forum_name="Runder Tisch Grohn", forum_article=ForumArticle.DER)
    assert "entscheidet die Stadtteilgruppe Huchting in öffentlicher" in client.get(START).get_data(as_text=True)
    assert "entscheidet das WiN-Forum Gröpelingen in öffentlicher" in \
        client.get("/antrag-stellen/groepelingen").get_data(as_text=True)
    portal = client.get("/portal/grohn").get_data(as_text=True)
    assert "entscheidet der Runder Tisch Grohn in öffentlicher" in portal  # the stored article wins over a guess
    for page in (client.get(START), client.get("/portal/groepelingen")):
        assert "das Stadtteilgruppe" not in page.get_data(as_text=True)


def test_minutes_list_names_the_forum_with_its_article(client, auth, make_neighbourhood, make_user):
    huchting = make_neighbourhood("Huchting", forum_name="Stadtteilgruppe Huchting")
    make_user("qm@example.org", roles={huchting: Role.MANAGER})
    auth.login("qm@example.org")
    page = client.get("/quartiere/huchting/protokolle").get_data(as_text=True)
    assert "Sitzungen, in denen die Stadtteilgruppe Huchting getagt hat" in page


def test_forum_dative_article_follows_the_gender(db, make_neighbourhood):
    nb = make_neighbourhood("Huchting", forum_name="WiN-Forum Huchting")
    stored = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    assert (stored.forum_article, stored.forum_dative_article) == ("das", "dem")
    nb.forum_article = ForumArticle.DIE
    assert nb.forum_dative_article == "der"

"""Factories and logged-in clients for the applications tests."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.browser.conftest import demo_site  # noqa: F401  (the demo site for test_browser_journey)
from tests.conftest import csrf_token_from

YEAR = 2026


@pytest.fixture
def make_organisation(db):
    from wingrant.organisations.models import Organisation

    counter = iter(range(1, 10_000))

    def make(name: str | None = None, **values) -> Organisation:
        db.session.rollback()  # a fresh snapshot: requests may have written since
        org = Organisation(name=name or f"Träger {next(counter)} e. V.", **values)
        db.session.add(org)
        db.session.commit()
        return org

    return make


@pytest.fixture
def huchting(make_neighbourhood):
    return make_neighbourhood("Huchting", code="HUC")


@pytest.fixture
def groepelingen(make_neighbourhood):
    return make_neighbourhood("Gröpelingen", slug="groepelingen", code="GRO")


@pytest.fixture
def win(db, make_programme):
    """WiN: at most 50 % of a project's total cost, with two fields of action."""
    from wingrant.neighbourhoods.models import FieldOfAction

    programme = make_programme("WIN", name="WiN", max_share_percent=50, position=0)
    if not programme.fields_of_action:
        db.session.add_all([FieldOfAction(programme_id=programme.id, name="Nachbarschaft", position=0),
                            FieldOfAction(programme_id=programme.id, name="Bildung", position=1)])
        db.session.commit()
    return programme


@pytest.fixture
def soz(db, make_programme):
    """Soziale Stadt: up to 100 %, investive costs only."""
    from wingrant.neighbourhoods.models import FieldOfAction

    programme = make_programme("SOZ", name="Soziale Stadt", max_share_percent=100, investive_only=True, position=1)
    if not programme.fields_of_action:
        db.session.add(FieldOfAction(programme_id=programme.id, name="Wohnumfeld", position=0))
        db.session.commit()
    return programme


@pytest.fixture
def make_application(db, huchting, make_organisation, win):
    """An application written straight into the database (not through the form).

    Default: a balanced draft in Huchting — 1.000 € material cost, 500 € own
    funds, 500 € requested from WiN, period inside the year.
    """
    from wingrant.applications.models import (
        Application,
        ApplicationState,
        ApplicationTransition,
        CostCategory,
        CostItem,
        FinancingItem,
        FundingSource,
    )

    counter = iter(range(1, 10_000))

    def make(title: str | None = None, *, neighbourhood=None, organisation=None, state=ApplicationState.DRAFT,
             costs=((CostCategory.MATERIAL, "Material", 1_000_00),), own=500_00, requests=None, year=YEAR,
             fields=(), **values) -> Application:
        n = next(counter)
        neighbourhood = neighbourhood or huchting
        org_id = (organisation or make_organisation()).id
        db.session.rollback()  # a fresh snapshot: requests may have written since
        app = Application(
            reference=f"{neighbourhood.code}-{year}-{n:03d}", neighbourhood_id=neighbourhood.id,
            organisation_id=org_id, year=year, title=title or f"Projekt {n}",
            state=state, start_date=values.pop("start_date", date(year, 3, 1)),
            end_date=values.pop("end_date", date(year, 10, 31)), **values)
        for i, (category, text, cents) in enumerate(costs):
            app.cost_items.append(CostItem(position=i, category=category, description=text, amount_cents=cents))
        if own:
            app.financing_items.append(FinancingItem(position=0, source=FundingSource.OWN_FUNDS, amount_cents=own))
        for programme, cents in (requests if requests is not None else {win: 500_00}).items():
            app.financing_items.append(FinancingItem(position=len(app.financing_items), source=FundingSource.PROGRAMME,
                                                     programme_id=programme.id, amount_cents=cents))
        app.fields_of_action = list(fields)
        db.session.add(app)
        db.session.flush()
        db.session.add(ApplicationTransition(application_id=app.id, from_state=None, to_state=state))
        db.session.commit()
        return app

    return make


@pytest.fixture
def manager(make_user, huchting):
    from wingrant.auth.models import Role

    return make_user("qm.huchting@example.org", name="Maren Hollmann", roles={huchting: Role.MANAGER})


@pytest.fixture
def other_manager(make_user, groepelingen):
    from wingrant.auth.models import Role

    return make_user("qm.groepelingen@example.org", name="Derya Şahin", roles={groepelingen: Role.MANAGER})


@pytest.fixture
def reader(make_user, huchting):
    from wingrant.auth.models import Role

    return make_user("lesend.huchting@example.org", name="Ortsamt Huchting", roles={huchting: Role.READER})


def login(db, auth, user):
    auth.login(user.email)
    db.session.rollback()  # the login wrote; later writes of the test need a fresh snapshot


@pytest.fixture
def as_manager(db, auth, manager, client):
    login(db, auth, manager)
    return client


class FormPoster:
    """Fetch a page, take its CSRF token, post a form — as a browser would."""

    def __init__(self, client):
        self.client = client

    def post(self, page_url: str, data: dict, *, action: str | None = None, **kwargs):
        page = self.client.get(page_url)
        assert page.status_code == 200, page.status_code
        token = csrf_token_from(page.get_data(as_text=True))
        return self.client.post(action or page_url, data={"csrf_token": token, **data}, **kwargs)


@pytest.fixture
def forms(client):
    return FormPoster(client)


def reload(db, obj):
    """The row as the database has it now (requests commit in their own sessions)."""
    db.session.rollback()
    return db.session.get(type(obj), obj.id)


def count(db, model, **filters) -> int:
    db.session.rollback()
    return db.session.execute(sa.select(sa.func.count()).select_from(model).filter_by(**filters)).scalar_one()


def error_near(html: str, field_id: str) -> str:
    """The error text tied to a field (aria-describedby target), or ""."""
    match = re.search(rf'id="{re.escape(field_id)}-error">([^<]*)<', html)
    return match.group(1) if match else ""


def application_form_data(organisation, *, title="Lesepaten im Quartier", costs=(("fees", "Honorar Lesepat:innen",
                          "1.000,00"),), funding=(("own_funds", "Vereinskasse", "500"),), requests=None,
                          start="2026-03-01", end="2026-10-31", year=YEAR, **extra) -> dict:
    """What a browser sends for the application form (without the CSRF token)."""
    data = {"organisation_id": str(organisation.id), "title": title, "year": str(year), "start_date": start,
            "end_date": end, "save": "1"}
    for i, (kind, text, amount) in enumerate(costs):
        data.update({f"costs-{i}-kind": kind, f"costs-{i}-description": text, f"costs-{i}-amount": amount})
    for i, (kind, text, amount) in enumerate(funding):
        data.update({f"funding-{i}-kind": kind, f"funding-{i}-description": text, f"funding-{i}-amount": amount})
    for programme, amount in (requests or {}).items():
        data[f"request_{programme.id}"] = amount
    data.update(extra)
    return data


def detail_url(app, slug="huchting") -> str:
    return f"/quartiere/{slug}/antraege/{app.id}"


def post_step(client, app, step: str, text: str = "", slug: str = "huchting"):
    """Press a life-cycle button on the detail page (its form is prefixed with the step's name)."""
    page = client.get(detail_url(app, slug))
    token = csrf_token_from(page.get_data(as_text=True)) if page.status_code == 200 else any_token(client)
    return client.post(f"{detail_url(app, slug)}/schritt/{step}",
                       data={f"{step}-csrf_token": token, f"{step}-reason": text})


def any_token(client) -> str:
    """A valid CSRF token of this client's session, from a page everyone may see."""
    for url in ("/", "/anmelden"):
        html = client.get(url).get_data(as_text=True)
        if 'name="csrf_token"' in html:
            return csrf_token_from(html)
    raise AssertionError("no page with a CSRF token")

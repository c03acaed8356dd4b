"""The permission matrix: every route of the app, walked with every role and with a
user of another neighbourhood, against the demo data.

Rules proven (for every route, so a new route is covered the day it is added):
- no route answers 500, whoever asks;
- anonymous users reach nothing internal (redirect to the login, or 403/404);
- a manager of another neighbourhood can neither read nor change anything of
  Huchting (403/404), GET or POST;
- a reader (Lesend) can read Huchting but cannot change anything or open a form;
- only administrators reach /verwaltung, except that a programme owner reads its programmes'
  budgets and its case list there;
- a programme owner (Innovationstopf) reaches nothing inside a neighbourhood whose case asks money
  of another programme, changes nothing in the ledger, and reads no other programme's budget;
- administrators are never refused a page;
- a city administrator (Bremerhaven) can neither read nor change anything of Huchting (Bremen),
  nor a Bremen budget or account, nor the cities; in Bremerhaven's neighbourhoods nothing is refused.
POSTs carry a valid CSRF token, so a refusal is the permission check, not CSRF.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import AuthActions, IsolatedClient, csrf_token_from
from wingrant.applications.models import Application
from wingrant.auth.models import User
from wingrant.ledger.models import Budget, LedgerEntry
from wingrant.meetings.models import AgendaItem, AgendaItemKind, Meeting, Objection
from wingrant.neighbourhoods.models import City, Neighbourhood
from wingrant.organisations.models import Organisation

PUBLIC_ENDPOINTS = {"home.index", "home.budgets", "core.healthz", "static", "auth.login", "core.set_language",
                    "accessibility.statement"}
#: oparl: the read-only open-data feed (published data only); subscriptions: the mailing list (token links)
PUBLIC_BLUEPRINTS = {"public", "opendata", "applicant", "oparl", "subscriptions", "cityreport"}
#: Pages that only show a form to change something (the live meeting records decisions; its list of
#: the room's pending signals is forms to record or dismiss them).
FORM_PAGE = re.compile(r"(bearbeiten|/neu$|berichtigen|verwaltung$|/live$|/live/meldungen$)")
MISSING = 999_999


def _public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


@pytest.fixture
def world(app, db, demo):
    passwords = demo
    huchting = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    application = db.session.execute(
        sa.select(Application).filter_by(neighbourhood_id=huchting.id).order_by(Application.id)).scalars().first()
    meeting = db.session.execute(  # the held meeting with decisions and published minutes
        sa.select(Meeting).filter_by(neighbourhood_id=huchting.id).order_by(Meeting.date)).scalars().first()
    item = db.session.execute(sa.select(AgendaItem).filter_by(
        meeting_id=meeting.id, kind=AgendaItemKind.APPLICATION).where(AgendaItem.application_id.is_not(None))
        .order_by(AgendaItem.position)).scalars().first()
    budget = db.session.execute(sa.select(Budget).filter_by(neighbourhood_id=huchting.id)).scalars().first()
    entry = db.session.execute(sa.select(LedgerEntry).filter_by(budget_id=budget.id)).scalars().first()
    values = {
        "slug": "huchting", "application_id": application.id, "meeting_id": meeting.id, "item_id": item.id,
        "budget_id": budget.id, "entry_id": entry.id, "org_id": application.organisation_id,
        "user_id": db.session.execute(sa.select(User.id).filter_by(email="qm.huchting@wingrant.example")).scalar(),
        "objection_id": db.session.execute(sa.select(Objection.id)).scalars().first(),
        "attachment_id": MISSING, "token_id": MISSING, "attendance_id": MISSING, "recusal_id": MISSING,
        "mail_id": MISSING, "decision_id": MISSING, "resolution_id": MISSING, "draft_id": MISSING, "file_id": MISSING,
        "concern_id": MISSING, "photo_id": MISSING, "name": "missing.jpg", "signal_id": MISSING,
        "programme_id": MISSING, "line_id": MISSING,
        "token": "x" * 43, "step_name": "submit", "fmt": "csv", "number": 1, "year": date.today().year,
        "filename": "css/wingrant.css", "city_slug": "bremen",
        "city_id": db.session.execute(sa.select(City.id).filter_by(slug="bremen")).scalar_one(),
    }
    assert db.session.execute(sa.select(sa.func.count(Organisation.id))).scalar() > 0
    return passwords, values


def _routes(app, values):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1"):
            continue  # token-only JSON API: tests/api/test_permission_matrix_api.py walks it
        url = rule.rule
        for name in rule.arguments:
            url = re.sub(rf"<(?:[a-z]+:)?{name}>", str(values[name]), url)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


def _client_for(app, passwords, email):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    if email:
        response = AuthActions(client).login(email, passwords[email])
        assert response.status_code == 302, f"login as {email} failed"
    return client


def _request(client, method, url, *, anonymous=False):
    if method == "GET":
        response = client.get(url)
    else:
        # a page with a form: the login page for anonymous users, the logout form for everyone else
        token = csrf_token_from(client.get("/anmelden" if anonymous else "/").get_data(as_text=True))
        response = client.post(url, data={"csrf_token": token})
    response.close()
    return response


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/anmelden" in response.headers.get("Location", "")


def test_anonymous_reaches_nothing_internal(app, world):
    passwords, values = world
    client = _client_for(app, passwords, None)
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if _public(endpoint):
            continue
        response = _request(client, method, url, anonymous=True)
        if not (_is_login_redirect(response) or response.status_code in (401, 403, 404)):
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


def test_login_waiting_for_its_second_factor_reaches_nothing_internal(app, db, world):
    """After the right password of an account with TOTP, the session is only a marker for the code
    step (two_factor.login_code): every internal route treats it as anonymous."""
    from wingrant.auth import totp

    passwords, values = world
    admin = "geschaeftsfuehrung@wingrant.example"
    db.session.execute(sa.update(User).where(User.email == admin).values(totp_secret=totp.new_secret()))
    db.session.commit()
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = AuthActions(client).login(admin, passwords[admin])
    assert response.headers["Location"] == "/anmelden/code"
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if _public(endpoint) or endpoint == "two_factor.login_code":
            continue
        response = _request(client, method, url, anonymous=True)
        if not (_is_login_redirect(response) or response.status_code in (401, 403, 404)):
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []
    assert client.get("/anmelden/code").status_code == 200  # the half login is still waiting for its code


def test_manager_of_another_neighbourhood_can_neither_read_nor_change_huchting(app, world):
    passwords, values = world
    client = _client_for(app, passwords, "qm.groepelingen@wingrant.example")
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if _public(endpoint) or "/quartiere/huchting" not in url:
            continue
        response = _request(client, method, url)
        if response.status_code not in (403, 404):
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


def test_reader_can_read_but_not_change_or_open_forms(app, world):
    passwords, values = world
    client = _client_for(app, passwords, "lesend.huchting@wingrant.example")
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if _public(endpoint) or not url.startswith("/quartiere/huchting"):
            continue
        response = _request(client, method, url)
        if method == "POST" or FORM_PAGE.search(url):
            ok = response.status_code in (403, 404)
        else:
            ok = response.status_code != 403  # may read everything (404 only for objects that do not exist)
        if not ok:
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("email", ["qm.huchting@wingrant.example", "protokoll.huchting@wingrant.example",
                                   "lesend.huchting@wingrant.example"])
def test_only_administrators_reach_the_administration(app, world, email):
    passwords, values = world
    client = _client_for(app, passwords, email)
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if url.startswith("/verwaltung"):
            response = _request(client, method, url)
            if response.status_code != 403:
                wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


#: The demo's programme owner: the Innovationstopf at the Senatskanzlei (no role in any neighbourhood).
OWNER = "innovationstopf@wingrant.example"
#: What a programme owner reads in the administration: its budgets (index) and its case list.
OWNER_PAGES = {"ledger.index", "owner_cases.index"}


def test_programme_owner_reads_its_budgets_and_cases_and_nothing_else(app, world):
    passwords, values = world
    client = _client_for(app, passwords, OWNER)
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if _public(endpoint) or not url.startswith(("/quartiere/", "/verwaltung")):
            continue
        response = _request(client, method, url)
        if method == "GET" and endpoint in OWNER_PAGES:
            ok = response.status_code == 200
        else:  # Huchting's internals, its WiN case and budget, every write, every other administration page
            ok = response.status_code in (403, 404)
        if not ok:
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


CITY_ADMIN = "stadt.bremerhaven@wingrant.example"
#: Administration that spans every city: the budget year's close, the cities themselves.
GLOBAL_ONLY = re.compile(r"^/verwaltung/(staedte|budgets/jahr/)")


def test_city_administrator_can_neither_read_nor_change_another_citys_data(app, world):
    passwords, values = world
    client = _client_for(app, passwords, CITY_ADMIN)
    wrong = []
    for endpoint, method, url in _routes(app, values):
        if _public(endpoint):
            continue
        bremen_object = ("/quartiere/huchting" in url or "/foerdergebiete/huchting" in url
                         or re.search(r"^/verwaltung/budgets/\d", url)
                         or re.search(r"^/verwaltung/benutzer/\d", url) or GLOBAL_ONLY.search(url))
        if not bremen_object:
            continue
        response = _request(client, method, url)
        if response.status_code not in (403, 404):
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


def test_city_administrator_is_refused_nothing_in_the_own_city(app, world):
    passwords, values = world
    client = _client_for(app, passwords, CITY_ADMIN)
    lehe = {**values, "slug": "lehe"}
    for name in ("application_id", "meeting_id", "item_id", "budget_id", "entry_id", "user_id", "objection_id"):
        lehe[name] = MISSING  # Lehe has none of Huchting's objects: 404 is fine, 403 is not
    wrong = []
    for endpoint, method, url in _routes(app, lehe):
        if method != "GET" or not (url.startswith("/quartiere/lehe") or url.startswith("/verwaltung")) \
                or GLOBAL_ONLY.search(url) or url.startswith("/verwaltung/programm"):  # programmes: global
            continue
        response = _request(client, method, url)
        if response.status_code == 403 or response.status_code >= 500:
            wrong.append(f"{method} {url} ({endpoint}) -> {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("email", [None, "geschaeftsfuehrung@wingrant.example", CITY_ADMIN,
                                   "qm.huchting@wingrant.example", "protokoll.huchting@wingrant.example",
                                   "lesend.huchting@wingrant.example", "qm.groepelingen@wingrant.example", OWNER])
def test_no_page_answers_500_to_anyone(app, world, email):
    passwords, values = world
    client = _client_for(app, passwords, email)
    errors = []
    for endpoint, method, url in _routes(app, values):
        if method != "GET" or endpoint == "static":
            continue
        response = client.get(url)
        response.close()
        if response.status_code >= 500:
            errors.append(f"GET {url} ({endpoint}) -> {response.status_code}")
        if email == "geschaeftsfuehrung@wingrant.example" and response.status_code == 403:
            errors.append(f"administrator refused: GET {url} ({endpoint})")
    assert errors == []

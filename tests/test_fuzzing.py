"""Fuzzing every form and every query parameter of the app (Hypothesis).

The forms are found the way a browser finds them: every page of every route (the
URL map, filled with objects of the demo data) is fetched as the administrator,
who may do everything, and every ``<form>`` in it is collected with its fields.
Each form is then posted with a valid CSRF token and hostile values — unicode,
huge and negative numbers, "1.234,5,6", NUL bytes, 10k-character strings, HTML,
SQL — field by field mixed with the form's own values, so that validation gets
past the first field. Query parameters are found in the views' code and in the
pages' GET forms and links, and fuzzed the same way.

Rules proven: no request answers 500, and a rejected form (400/409/413/422, or a
page re-rendered with field errors) has stored nothing: the row count of every
table, the ledger's total and the audit log's write events are unchanged.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.conftest import AuthActions, IsolatedClient
from wingrant.applications.models import Application
from wingrant.auth.models import User
from wingrant.extensions import db as _db
from wingrant.ledger.models import Budget, LedgerEntry
from wingrant.meetings.models import AgendaItem, AgendaItemKind, Meeting, Objection
from wingrant.neighbourhoods.models import Neighbourhood

pytestmark = pytest.mark.slow

ADMIN = "geschaeftsfuehrung@wingrant.example"
#: Forms not fuzzed: they end the session or switch the language of every later page.
SKIP_ACTIONS = {"/abmelden", "/sprache"}
#: Statuses of a refused request; a 200 page counts when it shows field errors.
REJECTED = {400, 409, 413, 422}
#: Tables whose rows a refused request may legitimately add (counting failed attempts).
NOT_COUNTED = {"throttle_event"}
#: Audit events that record a refused attempt by design (failed logins, the public form's bot trap).
SECURITY_EVENTS = ("auth.%", "application.public_trap")
EXAMPLES_PER_FORM = 6
EXAMPLES_PER_QUERY = 4

NASTY = [
    "", " ", "-1", "-0,01", "-5.000,00 €", "1.234,5,6", "1,2,3", "12.34.56", "99999999999999999999999999",
    "9" * 400, "1e308", "NaN", "-Infinity", "0x1F", "٣٤٥", "𝟙𝟚𝟛", "\x00", "a\x00b", "x" * 10_000,
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "' OR '1'='1", "1; DROP TABLE user_account; --",
    "31.02.2026", "2026-13-45", "0", "2147483648", "-9223372036854775809", "\u202eevil", "ß" * 300,
    "../../etc/passwd", "%00", "{{ 7*7 }}", "true", "None",
]

#: The classic values for query parameters (some pages behind them are PDFs and slow to render).
NASTY_QUERY = ["", "-1", "0", "9" * 400, "-9223372036854775809", "1.234,5,6", "\x00", "x" * 10_000,
               "<script>alert(1)</script>", "' OR '1'='1"]

hostile = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=60),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: str(d).replace(".", ",")),
)


# --- discovery --------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    multipart: bool
    #: name -> the value the page offers (first option of a select, value of an input)
    fields: dict[str, str] = field(default_factory=dict)
    #: submit buttons with a name (e.g. "add a row"), sent in some examples only
    buttons: dict[str, str] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._form is not None and self._select:
            # the selected option, else the first one that is not empty
            if not self._form.fields.get(self._select) or "selected" in a:
                self._form.fields[self._select] = a.get("value", "")
            return
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(action=a.get("action") or self.page_url, method=(a.get("method") or "get").lower(),
                              multipart="multipart" in (a.get("enctype") or ""))
            self.forms.append(self._form)
        form, name = self._form, a.get("name")
        if form is None or not name:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                form.fields.setdefault(name, a.get("value") or "y")
            elif kind == "submit":
                form.buttons[name] = a.get("value") or ""
            else:
                form.fields.setdefault(name, a.get("value") or "")
        elif tag == "button":
            form.buttons[name] = a.get("value") or ""
        elif tag == "select":
            self._select = name
            form.fields.setdefault(name, "")
        elif tag == "textarea":
            self._textarea = name
            form.fields.setdefault(name, "")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None



def _world_values(db) -> dict[str, list]:
    """Candidate values for every URL argument: several where pages differ by the object's state."""
    from tests.test_permission_matrix import MISSING

    huchting = db.session.execute(sa.select(Neighbourhood).filter_by(slug="huchting")).scalar_one()
    applications = db.session.execute(
        sa.select(Application).filter_by(neighbourhood_id=huchting.id).order_by(Application.id)).scalars().all()
    one_per_state = list({a.state: a.id for a in reversed(applications)}.values())
    meetings = db.session.execute(sa.select(Meeting).filter_by(neighbourhood_id=huchting.id)
                                  .order_by(Meeting.date)).scalars().all()
    items = db.session.execute(sa.select(AgendaItem.id).where(AgendaItem.meeting_id == meetings[-1].id,
                                                              AgendaItem.kind == AgendaItemKind.APPLICATION,
                                                              AgendaItem.application_id.is_not(None))
                               ).scalars().all()
    budget = db.session.execute(sa.select(Budget).filter_by(neighbourhood_id=huchting.id)).scalars().first()
    entry = db.session.execute(sa.select(LedgerEntry).filter_by(budget_id=budget.id)).scalars().first()
    return {
        "slug": ["huchting"], "application_id": one_per_state, "meeting_id": [m.id for m in meetings],
        "item_id": items, "budget_id": [budget.id], "entry_id": [entry.id],
        "org_id": [applications[0].organisation_id],
        "user_id": [db.session.execute(sa.select(User.id).filter_by(email="qm.huchting@wingrant.example")).scalar()],
        "objection_id": [db.session.execute(sa.select(Objection.id)).scalars().first() or MISSING],
        "attachment_id": [MISSING], "token_id": [MISSING], "attendance_id": [MISSING], "recusal_id": [MISSING],
        "resolution_id": [MISSING],
        "token": ["x" * 43], "step_name": ["submit"], "fmt": ["csv"], "number": [1], "year": [date.today().year],
        "filename": ["css/wingrant.css"],
    }


def _urls(rule, values) -> list[str]:
    """The rule filled with every combination of candidate values (few: most arguments have one)."""
    urls = [rule.rule]
    for name in rule.arguments:
        if name not in values:
            return []
        urls = [re.sub(rf"<(?:[a-z]+:)?{name}>", str(v), url) for url in urls for v in values[name]]
    return urls


def _template(path: str) -> str:
    """Forms that differ only by object ids are one form to fuzz."""
    return re.sub(r"\d+", "#", path)


def _is_html(response) -> bool:
    return response.status_code == 200 and response.mimetype == "text/html"


@dataclass
class Site:
    forms: list[Form]
    #: GET path -> query parameter names
    queries: dict[str, set[str]]
    csrf: str


def _discover(app, client, values) -> Site:
    forms: dict[tuple, Form] = {}
    queries: dict[str, set[str]] = {}
    paths: dict[str, str] = {}  # one concrete path per template

    def add_query(path: str, names) -> None:
        queries.setdefault(paths.setdefault(_template(path), path), set()).update(names)

    get_rules = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static" or rule.endpoint.startswith("api."):
            continue
        urls = _urls(rule, values)
        get_rules.extend((rule, url) for url in urls)
        view = app.view_functions[rule.endpoint]
        source = inspect.getsource(inspect.unwrap(view))
        names = set(re.findall(r"request\.args\.get\(\s*[\"'](\w+)", source))
        if names and urls:
            add_query(urls[0], names)
    for _rule, url in get_rules:
        response = client.get(url)
        if not _is_html(response):
            response.close()
            continue
        parser = _FormParser(url)
        parser.feed(response.get_data(as_text=True))
        for form in parser.forms:
            action = urlsplit(form.action)
            if action.netloc or action.path in SKIP_ACTIONS:
                continue
            if form.method == "get":
                add_query(action.path, form.fields)
                continue
            key = (_template(form.action), tuple(sorted({_template(k) for k in form.fields})),
                   tuple(sorted(form.buttons)))
            forms.setdefault(key, form)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.query and not parts.netloc and parts.path:
                add_query(parts.path, (k for k, _v in parse_qsl(parts.query)))
    csrf = next(v for f in forms.values() for k, v in f.fields.items() if k.endswith("csrf_token"))
    return Site(sorted(forms.values(), key=lambda f: f.action), queries, csrf)


# --- what a refused request must not change ----------------------------------------------------


def _snapshot() -> tuple:
    tables = [t for t in _db.metadata.sorted_tables if t.name not in NOT_COUNTED | {"audit_event"}]
    columns = [sa.select(sa.func.count()).select_from(t).scalar_subquery().label(t.name) for t in tables]
    ledger = LedgerEntry.__table__
    audit = _db.metadata.tables["audit_event"]
    columns.append(sa.select(sa.func.coalesce(sa.func.sum(ledger.c.amount_cents), 0)).scalar_subquery()
                   .label("ledger_total"))
    columns.append(sa.select(sa.func.count()).select_from(audit)
                   .where(*(~audit.c.action.like(pattern) for pattern in SECURITY_EVENTS))
                   .scalar_subquery().label("audit_writes"))
    _db.session.rollback()
    row = _db.session.execute(sa.select(*columns)).one()
    _db.session.rollback()
    return tuple(zip(row._fields, row, strict=True))


def _shows_field_errors(response) -> bool:
    body = response.get_data(as_text=True)
    return 'aria-invalid="true"' in body or 'class="error"' in body


def _changes(before, after) -> list[str]:
    return [f"{name}: {a} -> {b}" for (name, a), (_n, b) in zip(before, after, strict=True) if a != b]


# --- the tests ----------------------------------------------------------------------------------


@pytest.fixture
def site(app, db, demo):
    password = demo[ADMIN]
    values = _world_values(db)
    # the live meeting shows the outcome form for the item being discussed
    from wingrant.meetings import services as meeting_services

    meeting = db.session.get(Meeting, values["meeting_id"][-1])
    meeting_services.set_current_item(meeting, values["item_id"][0], user=None)
    db.session.rollback()
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert AuthActions(client).login(ADMIN, password).status_code == 302
    return client, _discover(app, client, values)


FUZZ_SETTINGS = dict(deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                     suppress_health_check=list(HealthCheck))


def _post(client, form: Form, data: dict):
    kwargs = {"content_type": "multipart/form-data"} if form.multipart else {}
    response = client.post(form.action.split("#")[0], data=data, **kwargs)
    response.get_data()
    response.close()
    return response


def _assert_discovery_found_enough(found: Site) -> None:
    """Guards the fuzzing against finding nothing (it would then prove nothing)."""
    actions = {urlsplit(f.action).path for f in found.forms}
    for expected in ("/verwaltung/benutzer/neu", "/traeger/neu", "/quartiere/huchting/antraege/neu",
                     "/antrag-stellen/huchting", "/verwaltung/budgets/", "/konto/passwort", "/konto/zwei-faktor"):
        assert expected in actions, expected
    assert any(re.search(r"/top/\d+/beschluss$", a) for a in actions)
    assert len(found.forms) >= 30
    assert {"quartier", "aktion", "seite"} <= found.queries["/verwaltung/audit/"]


def test_no_form_answers_500_and_refused_input_stores_nothing(app, site):
    client, found = site
    _assert_discovery_found_enough(found)
    app.config["PUBLIC_FORM_MAX_PER_HOUR"] = 10_000  # the public form's rate limit would hide its validation
    problems: list[str] = []

    for form in found.forms:
        fuzzable = [k for k in form.fields if not k.endswith("csrf_token")]

        def send(data: dict, form=form) -> None:
            data = {**data, **{k: found.csrf for k in form.fields if k.endswith("csrf_token")}}
            before = _snapshot()
            try:
                response = _post(client, form, data)
            except Exception as error:  # TESTING propagates the exception a user would get as a 500
                problems.append(f"POST {form.action} -> {_where(error)} with {_short(data)}")
                return
            if response.status_code >= 500:
                problems.append(f"POST {form.action} -> {response.status_code} with {_short(data)}")
            elif response.status_code in REJECTED or (response.status_code == 200 and _shows_field_errors(response)):
                changed = _changes(before, _snapshot())
                if changed:
                    problems.append(f"POST {form.action} refused ({response.status_code}) but stored "
                                    f"{changed} with {_short(data)}")

        for value in NASTY:  # every field at once, each classic value
            send(dict.fromkeys(fuzzable, value))

        @settings(max_examples=EXAMPLES_PER_FORM, **FUZZ_SETTINGS)
        @given(values=st.fixed_dictionaries({k: st.one_of(st.just(form.fields[k]), hostile) for k in fuzzable}),
               buttons=st.sets(st.sampled_from(sorted(form.buttons))) if form.buttons else st.just(set()))
        def fuzz(values, buttons):  # called at once, inside this iteration
            send({**values, **{b: form.buttons[b] for b in buttons}})  # noqa: B023

        fuzz()

    assert not problems, "\n".join(problems)


def test_no_query_parameter_answers_500(site):
    client, found = site
    problems: list[str] = []
    for path, names in sorted(found.queries.items()):
        names = sorted(names)

        def get(params: dict, path=path) -> None:
            try:
                response = client.get(path, query_string=params)
            except Exception as error:
                problems.append(f"GET {path} -> {_where(error)} with {_short(params)}")
                return
            response.close()
            if response.status_code >= 500:
                problems.append(f"GET {path} -> {response.status_code} with {_short(params)}")

        for value in NASTY_QUERY:
            get(dict.fromkeys(names, value))

        @settings(max_examples=EXAMPLES_PER_QUERY, **FUZZ_SETTINGS)
        @given(params=st.dictionaries(st.sampled_from(names), hostile, min_size=1))
        def fuzz(params):
            get(params)

        fuzz()

    assert not problems, "\n".join(problems)


def _short(data: dict) -> dict:
    return {k: (v if len(v) <= 40 else f"{v[:20]}…({len(v)} chars)") for k, v in data.items()}


def _where(error: Exception) -> str:
    """The exception and the app's innermost frame it passed through."""
    import traceback

    frames = [f for f in traceback.extract_tb(error.__traceback__) if "/wingrant/" in f.filename]
    place = f" at {frames[-1].filename.split('/wingrant/')[-1]}:{frames[-1].lineno}" if frames else ""
    return f"{type(error).__name__}: {str(error)[:120]}{place}"

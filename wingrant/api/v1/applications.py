"""Organisations (Träger) and applications: list, read, create, update, life-cycle steps.

Input is validated by the UI's own forms (``ApplicationForm``, ``OrganisationForm``,
``ReasonForm``) fed with the JSON as form data (``forms_input``), then handed to the
same services; their problems come back per JSON field.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from ...applications import forms, queries, services
from ...applications.lifecycle import STATE_LABELS
from ...applications.models import Application, ApplicationState, CostCategory, FundingSource
from ...auth.permissions import Action, authorize, deny, scoped_or_404
from ...errors import DomainError, NotAllowed
from ...extensions import db
from ...money import format_plain
from ...organisations import forms as org_forms
from ...organisations import queries as org_queries
from ...organisations import services as org_services
from ...organisations.models import Organisation
from . import schema as s
from .core import ApiError, Param, iso, ok, paginated, route
from .forms_input import FormInput, Keyed, Rows, many, money, run_form

STATES = [st.value for st in ApplicationState]
COSTS = [c.value for c in CostCategory]
SOURCES = [f.value for f in FundingSource if f != FundingSource.PROGRAMME]

#: Life-cycle steps by their API name; the services know them by their German URL names.
STEP_NAMES = {"submit": "einreichen", "review": "pruefen", "query": "rueckfrage", "answer": "antwort",
              "ready": "beschlussreif", "withdraw": "zurueckziehen"}
API_STEP = {v: k for k, v in STEP_NAMES.items()}

# --- schemas ---------------------------------------------------------------------------------

ORG_FIELDS = {
    "name": s.string(200), "legal_form": s.string(80), "street": s.string(200), "postcode": s.string(10),
    "city": s.string(100), "contact_person": s.string(200), "email": s.string(254), "phone": s.string(50),
    "non_profit": s.boolean(),
}
ORGANISATION = s.component("Organisation", s.obj({"id": s.integer(1), **ORG_FIELDS, "applications": s.integer(0)},
                                                  ["id", *ORG_FIELDS]))
ORGANISATION_INPUT = s.component("OrganisationInput", s.obj(
    {**ORG_FIELDS, "confirm_new": {**s.boolean(), "description": "Trotz ähnlichem Namen anlegen (nach 409)"}},
    ["name"]))

COST_LINE = s.obj({"category": s.string(enum=COSTS), "description": s.string(300), "amount_cents": s.cents()},
                  ["category", "amount_cents"])
FUNDING_LINE = s.obj({"source": s.string(enum=SOURCES), "description": s.string(300), "amount_cents": s.cents()},
                     ["source", "amount_cents"])
REQUEST_LINE = s.obj({"programme_id": s.integer(1), "amount_cents": s.cents()}, ["programme_id", "amount_cents"])
#: For a programme with lines (Förderschienen), the request names its line in ``request_lines``.

APPLICATION_FIELDS = {
    "organisation_id": s.integer(1), "title": s.string(200), "year": s.integer(1999, 2200),
    "summary": s.string(1000), "description": s.string(20_000), "goals": s.string(10_000),
    "target_groups": s.string(5_000), "expected_participants": s.integer(0, 1_000_000, nullable=True),
    "place": s.string(200), "start_date": s.date_(nullable=True), "end_date": s.date_(nullable=True),
    "contact_email": s.string(254), "field_of_action_ids": s.array(s.integer(1), 200),
    "costs": s.array(COST_LINE, forms.MAX_ROWS), "funding": s.array(FUNDING_LINE, forms.MAX_ROWS),
    "requests": s.array(REQUEST_LINE, 50),
    "request_lines": s.array(s.obj({"programme_id": s.integer(1), "line_id": s.integer(1)},
                                   ["programme_id", "line_id"]), 50),
}
APPLICATION_INPUT = s.component("ApplicationInput", s.obj(
    {**APPLICATION_FIELDS,
     "loaded_at": {**s.string(40), "description": "updated_at des gelesenen Stands: Ein Speichern über eine "
                                                  "fremde Änderung hinweg wird mit 409 abgelehnt"}},
    ["organisation_id", "title", "year"]))

PROBLEM = s.obj({"field": s.string(nullable=True), "message": s.string()}, ["field", "message"])
APPLICATION = s.component("Application", s.obj({
    "id": s.integer(1), "reference": s.string(), "neighbourhood": s.string(), "state": s.string(enum=STATES),
    "state_label": s.string(), "version": s.integer(1), **APPLICATION_FIELDS,
    "organisation_name": s.string(), "total_cost_cents": s.cents(), "requested_cents": s.cents(),
    "submitted_at": s.datetime_(nullable=True), "created_at": s.datetime_(), "updated_at": s.datetime_(),
    "available_steps": s.array(s.string(enum=list(STEP_NAMES)), 10),
    "problems": s.array(PROBLEM, 1000),
}, ["id", "reference", "neighbourhood", "state", "state_label", "version", *APPLICATION_FIELDS,
    "organisation_name", "total_cost_cents", "requested_cents", "submitted_at", "created_at", "updated_at",
    "available_steps", "problems"]))
APPLICATION_ROW = s.component("ApplicationSummary", s.obj({
    "id": s.integer(1), "reference": s.string(), "title": s.string(), "state": s.string(enum=STATES),
    "year": s.integer(1999, 2200), "organisation_id": s.integer(1), "organisation_name": s.string(),
    "total_cost_cents": s.cents(), "requested_cents": s.cents(), "updated_at": s.datetime_(),
    "requests": s.array(s.obj({"programme_code": s.string(), "programme_name": s.string(),
                               "amount_cents": s.cents()}, ["programme_code", "programme_name", "amount_cents"])),
}, ["id", "reference", "title", "state", "year", "organisation_id", "organisation_name", "total_cost_cents",
    "requested_cents", "updated_at", "requests"]))
STEP_INPUT = s.component("StepInput", s.obj({
    "step": s.string(enum=list(STEP_NAMES)),
    "text": {**s.string(10_000), "description": "Anmerkung, Frage, Antwort oder Grund (je nach Schritt)"},
}, ["step"]))

# --- the UI forms that validate the bodies, field by field --------------------------------------

ORGANISATION_FORM = FormInput({name: name for name in (*ORG_FIELDS, "confirm_new")})
APPLICATION_FORM = FormInput({
    **{name: name for name in APPLICATION_FIELDS if name not in ("field_of_action_ids", "costs", "funding",
                                                                 "requests")},
    "field_of_action_ids": many("fields_of_action"),
    "costs": Rows("costs", {"category": "kind", "description": "description", "amount_cents": money("amount")}),
    "funding": Rows("funding", {"source": "kind", "description": "description", "amount_cents": money("amount")}),
    "requests": Keyed("programme_id", "amount_cents", "request_", format_plain),
    "request_lines": Keyed("programme_id", "line_id", "line_"),
}, problem_fields={"plan": "costs"})  # the rules' problems with the plan as a whole
STEP_FORM = FormInput({"text": "reason"})

# --- organisations ---------------------------------------------------------------------------


def organisation_json(org: Organisation, applications: int | None = None) -> dict:
    data = {"id": org.id, **{k: getattr(org, k) for k in ORG_FIELDS}}
    if applications is not None:
        data["applications"] = applications
    return data


def _require_organisations() -> None:
    if not org_queries.may_manage_organisations(current_user):
        deny(Action.MANAGE_APPLICATIONS)


@route("GET", "/organisations", summary="Träger (für alle, die Anträge bearbeiten)", tag="Träger",
       response=ORGANISATION, paginated=True, query=(Param("q", s.string(100), "Suche in Name und Ansprechperson"),))
def list_organisations(args):
    _require_organisations()
    page, per_page = args["page"] or 1, args["per_page"] or 50
    rows, window = org_queries.list_organisations((args["q"] or "").strip(), page, per_page, clamp=False)
    return paginated([organisation_json(r.organisation, r.applications) for r in rows], window.total, args)


def _organisation(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id)
    if org is None:
        raise ApiError(404)
    return org


@route("GET", "/organisations/<int:org_id>", summary="Ein Träger", tag="Träger", response=ORGANISATION)
def get_organisation(org_id):
    _require_organisations()
    return ok(organisation_json(_organisation(org_id)))


def _organisation_form(data):
    # The city the UI pre-fills, when the body leaves it out.
    return run_form(org_forms.OrganisationForm, data, defaults={"city": "Bremen"})


@route("POST", "/organisations", summary="Träger anlegen", tag="Träger", response=ORGANISATION, status=201,
       body=ORGANISATION_INPUT, errors=(403, 409), form=ORGANISATION_FORM,
       description="Gibt es schon einen Träger mit ähnlichem Namen, antwortet die API mit 409; mit "
                   "`confirm_new: true` wird er trotzdem angelegt.")
def create_organisation(data):
    _require_organisations()
    form = _organisation_form(data)
    try:
        org = org_services.create_organisation(form.data, user=current_user, confirmed_new=bool(form.confirm_new.data))
    except org_services.PossibleDuplicate as error:
        names = ", ".join(f"{name} (id {oid})" for oid, name in error.candidates)
        raise ApiError(409, str(error.message), {"name": [f"{error.message} {names}"]}) from None
    return ok(organisation_json(org, 0), 201)


@route("PUT", "/organisations/<int:org_id>", summary="Träger ändern", tag="Träger", response=ORGANISATION,
       body=ORGANISATION_INPUT, form=ORGANISATION_FORM)
def update_organisation(org_id, data):
    _require_organisations()
    org = _organisation(org_id)
    if not org_queries.may_edit_organisation(current_user, org.id):
        deny(Action.MANAGE_APPLICATIONS)
    form = _organisation_form(data)
    return ok(organisation_json(org_services.update_organisation(org.id, form.data, user=current_user)))


# --- applications ----------------------------------------------------------------------------

def _application_form(app: Application | None, data):
    """The UI's application form, validated on the JSON input."""
    programmes = queries.requestable_programmes(app)
    known = {p.id for p in programmes}
    seen: set[int] = set()
    errors: dict[str, list[str]] = {}  # a list in JSON, a field per programme in the form: checked here
    for i, line in enumerate(data.get("requests", [])):
        pid = line["programme_id"]
        if pid not in known:
            errors[f"requests[{i}].programme_id"] = [_("Aus diesem Förderprogramm kann nichts beantragt werden.")]
        elif pid in seen:
            errors[f"requests[{i}].programme_id"] = [_("Jedes Förderprogramm nur einmal angeben.")]
        seen.add(pid)
    selected = list(data.get("field_of_action_ids", []))
    if app is not None:
        selected += [f.id for f in app.fields_of_action]

    def build(**kwargs):
        return forms.application_form(
            programmes=programmes, organisations=org_queries.organisation_names(),
            field_groups=queries.field_groups(selected), years=queries.form_years(app.year if app else None),
            **kwargs)

    try:
        form = run_form(build, data)
    except ApiError as error:
        error.errors = {**errors, **error.errors}
        raise
    if errors:
        raise ApiError(422, None, errors)
    return form


def _problems_error(error: services.InvalidApplication, data) -> ApiError:
    errors: dict[str, list[str]] = {}
    for problem in error.problems:
        errors.setdefault(APPLICATION_FORM.json_name(problem.field or "plan", data), []).append(str(problem.message))
    return ApiError(422, str(error.message), errors)


def application_json(app: Application) -> dict:
    data = services.input_from_application(app)
    editable = app.state in services.EDITABLE_STATES
    requests = {"requests": [{"programme_id": pid} for pid in data.requests]}  # the JSON order, for problems
    return {
        "id": app.id, "reference": app.reference, "neighbourhood": app.neighbourhood.slug, "state": app.state.value,
        "state_label": str(STATE_LABELS[app.state]), "version": app.version,
        "organisation_id": app.organisation_id, "organisation_name": app.organisation.name, "title": app.title,
        "year": app.year, "summary": app.summary, "description": app.description, "goals": app.goals,
        "target_groups": app.target_groups, "expected_participants": app.expected_participants,
        "place": app.place, "start_date": iso(app.start_date), "end_date": iso(app.end_date),
        "contact_email": app.contact_email, "field_of_action_ids": data.field_of_action_ids,
        "costs": [{"category": c.category.value, "description": c.description, "amount_cents": c.amount_cents}
                  for c in data.costs],
        "funding": [{"source": f.source.value, "description": f.description, "amount_cents": f.amount_cents}
                    for f in data.funding],
        "requests": [{"programme_id": pid, "amount_cents": cents} for pid, cents in data.requests.items()],
        "request_lines": [{"programme_id": pid, "line_id": line_id} for pid, line_id in data.request_lines.items()],
        "total_cost_cents": data.total_cost_cents, "requested_cents": data.requested_cents,
        "submitted_at": iso(app.submitted_at), "created_at": iso(app.created_at), "updated_at": iso(app.updated_at),
        "available_steps": [API_STEP[st.name] for st in services.available_steps(app)],
        "problems": [{"field": APPLICATION_FORM.json_name(p.field, requests) if p.field else None,
                      "message": str(p.message)} for p in (services.problems_before_forum(app) if editable else [])],
    }


def row_json(r: queries.ApplicationRow) -> dict:
    return {"id": r.id, "reference": r.reference, "title": r.title, "state": r.state.value, "year": r.year,
            "organisation_id": r.organisation_id, "organisation_name": r.organisation_name,
            "total_cost_cents": r.total_cost_cents, "requested_cents": r.requested_cents,
            "updated_at": iso(r.updated_at),
            "requests": [{"programme_code": code, "programme_name": name, "amount_cents": cents}
                         for code, name, cents in r.requests]}


SORTS = [k for key in queries.SORT_KEYS for k in (key, f"-{key}")]


@route("GET", "/neighbourhoods/<slug>/applications", summary="Anträge eines Quartiers", tag="Anträge",
       response=APPLICATION_ROW, paginated=True,
       query=(Param("q", s.string(100), "Suche in Titel, Träger, Aktenzeichen"),
              Param("state", s.string(enum=STATES)), Param("year", s.integer(1999, 2200)),
              Param("programme_id", s.integer(1)), Param("organisation_id", s.integer(1)),
              Param("field_id", s.integer(1)), Param("sort", s.string(enum=SORTS), "Standard: -updated")))
def list_applications(slug, args):
    nb = authorize(slug, Action.READ)
    page, per_page = args["page"] or 1, args["per_page"] or 50
    filters = queries.Filters(
        q=(args["q"] or "").strip(), state=ApplicationState(args["state"]) if args["state"] else None,
        year=args["year"], programme_id=args["programme_id"], organisation_id=args["organisation_id"],
        field_id=args["field_id"], sort=args["sort"] or "-updated", page=page)
    result = queries.list_applications(nb.id, filters, per_page=per_page)
    rows = result.rows if result.page == page else []  # the query shows the last page for one past the end
    return paginated([row_json(r) for r in rows], result.total, args)


def _load(slug: str, application_id: int, action: Action) -> Application:
    return scoped_or_404(Application, application_id, authorize(slug, action))


@route("GET", "/neighbourhoods/<slug>/applications/<int:application_id>", summary="Ein Antrag mit Kosten- und "
       "Finanzierungsplan", tag="Anträge", response=APPLICATION)
def get_application(slug, application_id):
    return ok(application_json(_load(slug, application_id, Action.READ)))


@route("POST", "/neighbourhoods/<slug>/applications", summary="Antrag als Entwurf anlegen", tag="Anträge",
       response=APPLICATION, status=201, body=APPLICATION_INPUT, form=APPLICATION_FORM)
def create_application(slug, data):
    nb = authorize(slug, Action.MANAGE_APPLICATIONS)
    form = _application_form(None, data)
    try:
        app = services.create_application(nb, form.to_input(), user=current_user)
    except services.InvalidApplication as error:
        raise _problems_error(error, data) from None
    return ok(application_json(app), 201)


@route("PUT", "/neighbourhoods/<slug>/applications/<int:application_id>", summary="Antrag ändern (ganzer Stand)",
       tag="Anträge", response=APPLICATION, body=APPLICATION_INPUT, errors=(403, 409), form=APPLICATION_FORM)
def update_application(slug, application_id, data):
    app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if app.state not in services.EDITABLE_STATES:
        raise ApiError(409, _("Ein Antrag im Status „%(state)s“ kann nicht mehr geändert werden.",
                              state=STATE_LABELS[app.state]))
    form = _application_form(app, data)
    loaded_at = data.get("loaded_at")
    if loaded_at is not None:  # the client sends the updated_at it read; the service compares raw timestamps
        loaded_at = app.updated_at.isoformat() if loaded_at == iso(app.updated_at) else loaded_at
    try:
        services.update_application(app, form.to_input(), user=current_user, loaded_at=loaded_at)
    except services.InvalidApplication as error:
        raise _problems_error(error, data) from None
    except services.EditConflict as error:
        raise ApiError(409, str(error.message)) from None
    db.session.expire_all()
    return ok(application_json(db.session.get(Application, application_id)))


@route("POST", "/neighbourhoods/<slug>/applications/<int:application_id>/steps",
       summary="Einen Schritt im Lebenslauf des Antrags gehen", tag="Anträge", response=APPLICATION,
       body=STEP_INPUT, errors=(403, 409), form=STEP_FORM,
       description="submit = Einreichen, review = In Prüfung nehmen, query = Rückfrage stellen, answer = "
                   "Antwort erfassen, ready = Beschlussreif, withdraw = Zurückziehen (Text nötig). Die Beschlüsse "
                   "selbst fallen in der Sitzung (Tagesordnungspunkte).")
def take_step(slug, application_id, data):
    app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    step_name = STEP_NAMES[data["step"]]
    form = run_form(forms.ReasonForm, data)
    try:
        services.perform_step(app, step_name, user=current_user, text=form.reason.data or "")
    except services.InvalidApplication as error:
        raise _problems_error(error, {}) from None
    except NotAllowed:
        raise
    except DomainError as error:
        if error.field == "reason":
            raise  # 422 at "text"
        raise ApiError(409, str(error.message)) from None  # a step the application's state does not allow
    db.session.expire_all()
    return ok(application_json(db.session.get(Application, application_id)))


"""After the grant: an application's grants (Bewilligungen) and payouts (Auszahlungen).

The same load → authorize → validate (the page's ``PayoutForm``) → one service call as the
Abwicklung page (``funding/views.py``): ``funding.services.record_payout`` locks the application,
refuses more than was granted (after the proof of use: more than was spent) and a state that pays
nothing, records the payout (payouts are never changed or deleted; the API offers neither), moves a
granted project to running, writes the Träger's notice and the audit entry in one unit of work.

Permissions as on the page: READ lists, MANAGE_APPLICATIONS records (the neighbourhood's QM and the
administration).
"""

from __future__ import annotations

from flask_login import current_user

from ...applications.models import Application
from ...auth.permissions import Action, authorize, scoped_or_404
from ...errors import DomainError, NotAllowed
from ...funding import queries, rules, services
from ...funding.forms import payout_form
from ...funding.models import Grant, Payout
from . import schema as s
from .core import ApiError, Param, iso, ok, paginate_list, paginate_query, route
from .forms_input import FormInput, money, run_form

APPLICATION_PATH = "/neighbourhoods/<slug>/applications/<int:application_id>"

GRANT = s.component("Grant", s.obj({
    "id": s.integer(1), "application_id": s.integer(1), "number": s.string(60), "programme_id": s.integer(1),
    "programme_name": s.string(), "granted_on": s.date_(), "amount_cents": s.cents(),
    "paid_cents": s.cents(description="Bisher ausgezahlt"),
    "spent_cents": s.cents(nullable=True, description="Laut Verwendungsnachweis ausgegeben (null: noch keiner)"),
}, ["id", "application_id", "number", "programme_id", "programme_name", "granted_on", "amount_cents",
    "paid_cents", "spent_cents"]))
PAYOUT = s.component("Payout", s.obj({
    "id": s.integer(1), "grant_id": s.integer(1), "grant_number": s.string(60), "programme_id": s.integer(1),
    "paid_on": s.date_(), "amount_cents": s.cents(), "memo": s.string(500), "created_at": s.datetime_(),
}, ["id", "grant_id", "grant_number", "programme_id", "paid_on", "amount_cents", "memo", "created_at"]))
PAYOUT_INPUT = s.component("PayoutInput", s.obj({
    "grant_id": s.integer(1, description="Die Bewilligung (GET …/grants), gegen die ausgezahlt wird"),
    "amount_cents": s.cents(), "paid_on": s.date_(description="Tag der Auszahlung"),
    "memo": s.string(500, description="Vermerk, z. B. „Mittelabruf vom …“"),
}, ["grant_id", "amount_cents", "paid_on"]))
PAYOUT_FORM = FormInput({"grant_id": "grant_id", "amount_cents": money("amount"), "paid_on": "paid_on",
                         "memo": "memo"}, prefix="payout")


def grant_json(row: queries.GrantRow) -> dict:
    g = row.grant
    return {"id": g.id, "application_id": g.application_id, "number": g.number, "programme_id": g.programme_id,
            "programme_name": row.programme_name, "granted_on": iso(g.granted_on), "amount_cents": g.amount_cents,
            "paid_cents": row.paid_cents, "spent_cents": row.spent_cents}


def payout_json(payout: Payout, grant: Grant) -> dict:
    return {"id": payout.id, "grant_id": grant.id, "grant_number": grant.number, "programme_id": grant.programme_id,
            "paid_on": iso(payout.paid_on), "amount_cents": payout.amount_cents, "memo": payout.memo,
            "created_at": iso(payout.created_at)}


def _load(slug: str, application_id: int, action: Action) -> Application:
    return scoped_or_404(Application, application_id, authorize(slug, action))


@route("GET", APPLICATION_PATH + "/grants", summary="Bewilligungen eines Antrags mit Ausgezahltem und Ausgegebenem",
       tag="Auszahlungen", response=GRANT, paginated=True)
def list_grants(slug, application_id, args):
    app = _load(slug, application_id, Action.READ)
    return paginate_list(queries.grant_rows(app), args, grant_json)


@route("GET", APPLICATION_PATH + "/payouts", summary="Auszahlungen eines Antrags (älteste zuerst)",
       tag="Auszahlungen", response=PAYOUT, paginated=True,
       query=(Param("grant_id", s.integer(1), "Nur die Auszahlungen dieser Bewilligung"),))
def list_payouts(slug, application_id, args):
    app = _load(slug, application_id, Action.READ)
    return paginate_query(queries.payouts_query(app.id, args["grant_id"]), args, lambda row: payout_json(*row),
                          scalars=False)


@route("POST", APPLICATION_PATH + "/payouts", summary="Auszahlung erfassen", tag="Auszahlungen", response=PAYOUT,
       status=201, body=PAYOUT_INPUT, form=PAYOUT_FORM, errors=(403, 409),
       description="Höchstens, was bewilligt und noch nicht ausgezahlt ist (nach dem Verwendungsnachweis: "
                   "höchstens, was ausgegeben wurde); sonst 422 an `amount_cents`. Ein Antrag, der nicht "
                   "bewilligt oder schon abgeschlossen ist, antwortet 409. Die erste Auszahlung setzt das Projekt "
                   "auf „laufend“. Erfasste Auszahlungen werden nie geändert oder gelöscht.")
def record_payout(slug, application_id, data):
    app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    rows = queries.grant_rows(app)
    if not rows or app.state not in rules.PAYABLE_STATES:
        _record(app, data, None, None, None)  # the service refuses the state (409) before it looks at values
    form = run_form(lambda **kwargs: payout_form(rows, **kwargs), data)
    payout = _record(app, data, form.grant_id.data, form.amount.data, form.paid_on.data, memo=form.memo.data or "")
    grant = next(r.grant for r in rows if r.grant.id == payout.grant_id)
    return ok(payout_json(payout, grant), 201)


def _record(app, data, grant_id, amount_cents, paid_on, memo: str = "") -> Payout:
    try:
        return services.record_payout(app, grant_id or 0, amount_cents, paid_on, memo=memo, user=current_user)
    except services.InvalidAfterGrant as error:
        errors: dict[str, list[str]] = {}
        for problem in error.problems:
            errors.setdefault(PAYOUT_FORM.json_name(problem.field or "amount", data.loaded), []).append(
                str(problem.message))
        raise ApiError(422, None, errors) from None
    except NotAllowed:
        raise
    except DomainError as error:  # not granted, already closed, no grant: the state, not the body
        raise ApiError(409, str(error.message)) from None

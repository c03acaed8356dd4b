"""The caller, neighbourhoods, programmes, budgets with balances, and ledger entries."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ...auth.permissions import (
    Action,
    authorize,
    budget_programme_ids_for,
    can,
    deny,
    neighbourhood_ids_for,
    scoped_or_404,
)
from ...errors import DomainError
from ...extensions import db
from ...ledger import queries as ledger_queries
from ...ledger import services as ledger
from ...ledger.forms import AllocationForm, ReversalForm
from ...ledger.models import Budget, EntryKind, LedgerEntry
from ...neighbourhoods.models import ForumArticle, Neighbourhood, Programme, ProgrammeLine
from . import schema as s
from .core import ApiError, Param, iso, ok, paginate_list, paginate_query, route
from .forms_input import FormInput, money, run_form

ACTIONS = [a.value for a in Action]

ME = s.component("Me", s.obj({
    "id": s.integer(1), "name": s.string(), "email": s.string(), "is_admin": s.boolean(),
    "admin_city": s.string(60, nullable=True, description="Slug der einen verwalteten Stadtgemeinde; "
                                                          "null: alle (mit is_admin) oder keine"),
    "memberships": s.array(s.obj({"neighbourhood": s.string(), "role": s.string(enum=["manager", "minutes",
                                                                                         "reader"])},
                                 ["neighbourhood", "role"]), 1000),
}, ["id", "name", "email", "is_admin", "memberships"]))

NEIGHBOURHOOD = s.component("Neighbourhood", s.obj({
    "id": s.integer(1), "slug": s.string(60), "name": s.string(), "code": s.string(), "forum_name": s.string(),
    "forum_article": s.string(enum=[a.value for a in ForumArticle]),
    "active": s.boolean(), "social_index_percent": s.integer(0, 1000),
    "objection_period_days": s.integer(0), "allow_dissent_referral": s.boolean(),
    "vote_after_deferrals": s.integer(1, nullable=True),
    "permissions": s.array(s.string(enum=ACTIONS), 20),
}, ["id", "slug", "name", "code", "forum_name", "forum_article", "active", "social_index_percent",
    "objection_period_days", "allow_dissent_referral", "vote_after_deferrals", "permissions"]))

PROGRAMME_REF = s.component("ProgrammeRef", s.obj({"id": s.integer(1), "code": s.string(), "name": s.string()},
                                                  ["id", "code", "name"]))

PROGRAMME = s.component("Programme", s.obj({
    "id": s.integer(1), "code": s.string(), "name": s.string(), "max_share_percent": s.integer(1, 100),
    "investive_only": s.boolean(), "active": s.boolean(), "position": s.integer(-s.INT_MAX),
    "fields_of_action": s.array(s.obj({"id": s.integer(1), "name": s.string()}, ["id", "name"]), 1000),
}, ["id", "code", "name", "max_share_percent", "investive_only", "active", "position", "fields_of_action"]))

BUDGET = s.component("Budget", s.obj({
    "id": s.integer(1), "neighbourhood": s.string(), "year": s.integer(1999, 2200), "closed": s.boolean(),
    "programme": PROGRAMME_REF,
    "line": {"oneOf": [{"type": "null"}, s.obj({"id": s.integer(1), "code": s.string(), "name": s.string()},
                                               ["id", "code", "name"])]},
    "allocated_cents": s.cents(), "committed_cents": s.cents(), "released_cents": s.cents(),
    "net_committed_cents": {"type": "integer"}, "available_cents": {"type": "integer"},
}, ["id", "neighbourhood", "year", "closed", "programme", "line", "allocated_cents", "committed_cents",
    "released_cents", "net_committed_cents", "available_cents"]))

LEDGER_ENTRY = s.component("LedgerEntry", s.obj({
    "id": s.integer(1), "budget_id": s.integer(1), "kind": s.string(enum=[k.value for k in EntryKind]),
    "amount_cents": s.cents(), "reverses_id": s.integer(1, nullable=True),
    "application_id": s.integer(1, nullable=True), "decision_id": s.integer(1, nullable=True),
    "memo": s.string(), "created_by_id": s.integer(1, nullable=True), "created_at": s.datetime_(),
}, ["id", "budget_id", "kind", "amount_cents", "reverses_id", "application_id", "decision_id", "memo",
    "created_by_id", "created_at"]))


def neighbourhood_json(nb: Neighbourhood) -> dict:
    return {
        "id": nb.id, "slug": nb.slug, "name": nb.name, "code": nb.code, "forum_name": nb.forum_name,
        "forum_article": str(nb.forum_article), "active": nb.active, "social_index_percent": nb.social_index_percent,
        "objection_period_days": nb.objection_period_days, "allow_dissent_referral": nb.allow_dissent_referral,
        "vote_after_deferrals": nb.vote_after_deferrals,
        "permissions": [a.value for a in Action if a != Action.ADMINISTER and can(current_user, nb.id, a)],
    }


def programme_ref(p: Programme) -> dict:
    return {"id": p.id, "code": p.code, "name": p.name}


def budget_json(budget: Budget, balance: ledger_queries.Balance, slug: str) -> dict:
    return {
        "id": budget.id, "neighbourhood": slug, "year": budget.year, "closed": budget.closed,
        "programme": programme_ref(budget.programme),
        "line": {"id": budget.line.id, "code": budget.line.code, "name": budget.line.name} if budget.line else None,
        "allocated_cents": balance.allocated, "committed_cents": balance.committed,
        "released_cents": balance.released, "net_committed_cents": balance.net_committed,
        "available_cents": balance.available,
    }


def entry_json(e: LedgerEntry) -> dict:
    return {"id": e.id, "budget_id": e.budget_id, "kind": e.kind.value, "amount_cents": e.amount_cents,
            "reverses_id": e.reverses_id, "application_id": e.application_id, "decision_id": e.decision_id,
            "memo": e.memo, "created_by_id": e.created_by_id, "created_at": iso(e.created_at)}


@route("GET", "/me", summary="Das eigene Konto und seine Rollen", tag="Konto", response=ME, errors=())
def me():
    return ok({"id": current_user.id, "name": current_user.name, "email": current_user.email,
               "is_admin": current_user.is_admin,
               "admin_city": current_user.admin_city.slug if current_user.admin_city_id else None,
               "memberships": [{"neighbourhood": m.neighbourhood.slug, "role": m.role.value}
                               for m in current_user.memberships]})


@route("GET", "/neighbourhoods", summary="Quartiere, die das Konto sehen darf", tag="Quartiere",
       response=NEIGHBOURHOOD, paginated=True, errors=())
def list_neighbourhoods(args):
    ids = neighbourhood_ids_for(current_user, Action.READ)
    stmt = sa.select(Neighbourhood).order_by(Neighbourhood.name, Neighbourhood.id)
    if ids is not None:
        stmt = stmt.where(Neighbourhood.id.in_(ids))
    return paginate_query(stmt, args, neighbourhood_json)


@route("GET", "/neighbourhoods/<slug>", summary="Ein Quartier", tag="Quartiere", response=NEIGHBOURHOOD)
def get_neighbourhood(slug):
    return ok(neighbourhood_json(authorize(slug, Action.READ)))


@route("GET", "/programmes", summary="Förderprogramme mit ihren Handlungsfeldern", tag="Förderprogramme",
       response=PROGRAMME, paginated=True, errors=())
def list_programmes(args):
    stmt = (sa.select(Programme).options(selectinload(Programme.fields_of_action))
            .order_by(Programme.position, Programme.code))
    return paginate_query(stmt, args, lambda p: {
        **programme_ref(p), "max_share_percent": p.max_share_percent, "investive_only": p.investive_only,
        "active": p.active, "position": p.position,
        "fields_of_action": [{"id": f.id, "name": f.name} for f in p.fields_of_action]})


# --- budgets and the ledger ---------------------------------------------------------------

YEAR = Param("year", s.integer(1999, 2200), "Haushaltsjahr")


def _budget_reader(slug):
    """The neighbourhood of the URL, and ``None`` if the caller reads all its budgets, or the programmes a
    programme owner (no role there) may read them of."""
    nb = db.session.execute(sa.select(Neighbourhood).filter_by(slug=slug)).scalar_one_or_none()
    if nb is None:
        abort(404)
    if can(current_user, nb.id, Action.READ):
        return nb, None
    owned = budget_programme_ids_for(current_user)
    if not owned:
        deny(Action.READ, nb.id)
    return nb, owned


@route("GET", "/neighbourhoods/<slug>/budgets", summary="Budgets eines Quartiers mit Salden",
       tag="Budgets", response=BUDGET, paginated=True, query=(YEAR,))
def list_budgets(slug, args):
    nb, owned = _budget_reader(slug)
    stmt = (sa.select(Budget).join(Programme, Budget.programme_id == Programme.id)
            .outerjoin(ProgrammeLine, Budget.line_id == ProgrammeLine.id)
            .options(sa.orm.contains_eager(Budget.programme), sa.orm.contains_eager(Budget.line))
            .where(Budget.neighbourhood_id == nb.id)
            .order_by(Budget.year.desc(), Programme.position, Programme.code, ProgrammeLine.position))
    if owned is not None:
        stmt = stmt.where(Budget.programme_id.in_(sorted(owned)))
    if args["year"] is not None:
        stmt = stmt.where(Budget.year == args["year"])
    budgets = list(db.session.execute(stmt).scalars())
    sums = ledger_queries.balances([b.id for b in budgets]) if budgets else {}
    return paginate_list(budgets, args, lambda b: budget_json(b, sums.get(b.id, ledger_queries.Balance(b.id)), slug))


@route("GET", "/neighbourhoods/<slug>/budgets/<int:budget_id>", summary="Ein Budget mit Saldo", tag="Budgets",
       response=BUDGET)
def get_budget(slug, budget_id):
    nb, owned = _budget_reader(slug)
    budget = scoped_or_404(Budget, budget_id, nb)
    if owned is not None and budget.programme_id not in owned:
        abort(404)
    return ok(budget_json(budget, ledger_queries.balance(budget.id), slug))


@route("GET", "/neighbourhoods/<slug>/ledger-entries", summary="Buchungen der Budgets eines Quartiers",
       tag="Budgets", response=LEDGER_ENTRY, paginated=True,
       query=(Param("budget_id", s.integer(1)), Param("application_id", s.integer(1)),
              Param("kind", s.string(enum=[k.value for k in EntryKind])), YEAR))
def list_ledger_entries(slug, args):
    nb = authorize(slug, Action.READ)
    stmt = (sa.select(LedgerEntry).join(Budget, LedgerEntry.budget_id == Budget.id)
            .where(Budget.neighbourhood_id == nb.id).order_by(LedgerEntry.id.desc()))
    if args["budget_id"] is not None:
        stmt = stmt.where(LedgerEntry.budget_id == args["budget_id"])
    if args["application_id"] is not None:
        stmt = stmt.where(LedgerEntry.application_id == args["application_id"])
    if args["kind"] is not None:
        stmt = stmt.where(LedgerEntry.kind == EntryKind(args["kind"]))
    if args["year"] is not None:
        stmt = stmt.where(Budget.year == args["year"])
    return paginate_query(stmt, args, entry_json)


@route("POST", "/neighbourhoods/<slug>/ledger-entries/allocations",
       summary="Geld einem Budget zuweisen (nur WiN-Geschäftsführung)", tag="Budgets", response=LEDGER_ENTRY,
       status=201, body=s.obj({"programme_id": s.integer(1), "line_id": s.integer(1, nullable=True),
                               "year": s.integer(1999, 2200), "amount_cents": s.cents(), "memo": s.string(300)},
                              ["programme_id", "year", "amount_cents"]),
       form=FormInput({"programme_id": "programme", "line_id": "line", "year": "year",
                       "amount_cents": money("amount"), "memo": "memo"}))
def allocate(slug, data):
    nb = authorize(slug, Action.ADMINISTER)

    def build(**kwargs):
        form = AllocationForm(**kwargs)
        form.neighbourhood.choices = [SelectChoice(nb.id, nb.name)]
        programmes = db.session.execute(sa.select(Programme)).scalars()
        form.programme.choices = [SelectChoice(p.id, p.code) for p in programmes]
        return form

    form = run_form(build, data, extra={"neighbourhood": str(nb.id)})
    try:
        entry = ledger.allocate_to(nb.id, form.programme.data, form.year.data, form.amount.data, user=current_user,
                                   memo=form.memo.data or "", line_id=form.line.data)
    except DomainError as error:
        error.field = error.field or "amount"  # e.g. a closed year: the API has always named the amount
        raise
    return ok(entry_json(entry), 201)


@route("POST", "/neighbourhoods/<slug>/ledger-entries/<int:entry_id>/reversal",
       summary="Eine Buchung stornieren (nur WiN-Geschäftsführung)", tag="Budgets", response=LEDGER_ENTRY,
       status=201, body=s.obj({"reason": s.string(500)}, ["reason"]), form=FormInput({"reason": "reason"}))
def reverse(slug, entry_id, data):
    nb = authorize(slug, Action.ADMINISTER)
    entry = db.session.get(LedgerEntry, entry_id)
    if entry is None or entry.budget.neighbourhood_id != nb.id:
        raise ApiError(404)
    form = run_form(ReversalForm, data)
    return ok(entry_json(ledger.reverse(entry.id, user=current_user, reason=form.reason.data)), 201)

"""Budget administration for the WiN-Geschäftsführung: allocate, inspect, reverse."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.models import User
from ..auth.permissions import Action, budget_programme_ids_for, can, deny, is_global_admin, neighbourhood_ids_for
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at, whole_number
from ..money import format_eur
from ..neighbourhoods.models import Neighbourhood, Programme, ProgrammeLine
from . import queries, services
from .forms import AllocationForm, CloseYearForm, ReopenYearForm, ReversalForm
from .labels import ENTRY_KIND_LABELS
from .models import Budget, LedgerEntry

bp = Blueprint("ledger", __name__, url_prefix="/verwaltung/budgets")


@bp.before_request
@login_required
def _administrators_and_programme_owners():
    """Administrators manage every budget; a programme owner reads its programmes' budgets (GET only)."""
    if can(current_user, None, Action.ADMINISTER):
        return
    if request.method != "GET" or not budget_programme_ids_for(current_user):
        deny(Action.ADMINISTER)


def _is_admin() -> bool:
    return can(current_user, None, Action.ADMINISTER)


def _year_arg() -> int:
    year = request.args.get("jahr", date.today().year, type=whole_number)
    if year is None or not 2000 <= year <= 2100:
        abort(404)
    return year


@bp.route("/", methods=["GET", "POST"])
def index():
    year = _year_arg()
    form = _allocation_form(year) if _is_admin() else None
    if form is not None and form.validate_on_submit():
        try:
            entry = services.allocate_to(form.neighbourhood.data, form.programme.data, form.year.data,
                                         form.amount.data, user=current_user, memo=form.memo.data or "",
                                         line_id=form.line.data)
        except DomainError as e:
            show_error_at(form, e, "amount")
        else:
            flash(_("%(amount)s zugewiesen.", amount=format_eur(entry.amount_cents)), "success")
            return redirect(url_for(".index", jahr=form.year.data))
    return _render_index(year, form, 422 if form is not None and form.errors else 200)


def _allocation_form(year: int, **kwargs) -> AllocationForm:
    form = AllocationForm(year=year, **kwargs)
    stmt = sa.select(Neighbourhood).order_by(Neighbourhood.name)
    ids = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    if ids is not None:  # a city administrator allocates in the city only
        stmt = stmt.where(Neighbourhood.id.in_(ids))
    form.neighbourhood.choices = [(n.id, n.name) for n in db.session.execute(stmt).scalars()]
    # "WiN – Wohnen in Nachbarschaften", not "WIN – WiN – …": the code only where the name lacks it.
    form.programme.choices = [(p.id, p.name if p.name.upper().startswith(p.code.upper()) else f"{p.name} ({p.code})")
                              for p in db.session.execute(
        sa.select(Programme).order_by(Programme.position, Programme.code)).scalars()]
    form.line.choices = [SelectChoice("", _("– keine (Programm ohne Förderschienen) –"))] + [
        SelectChoice(line.id, f"{code} – {line.name}") for line, code in db.session.execute(
            sa.select(ProgrammeLine, Programme.code).join(Programme, ProgrammeLine.programme_id == Programme.id)
            .where(ProgrammeLine.active.is_(True)).order_by(Programme.position, Programme.code,
                                                            ProgrammeLine.position))]
    return form


def _render_index(year: int, form: AllocationForm | None = None, status: int = 200, **year_forms):
    admin = _is_admin()
    form = form or (_allocation_form(year, formdata=None) if admin else None)
    rows = queries.budget_overview(year, neighbourhood_ids_for(current_user, Action.ADMINISTER) if admin else None,
                                   programme_ids=budget_programme_ids_for(current_user))
    budgets = [b for r in rows for b in r.budgets]
    closed = sum(1 for b in budgets if b.closed)
    return render_template(
        "ledger/index.html", rows=rows, year=year, form=form, admin=admin, may_close_year=is_global_admin(current_user),
        open_budgets=len(budgets) - closed, closed_budgets=closed,
        year_is_over=services.year_is_over(year), totals=queries.totals([r.balance for r in rows]),
        close_form=year_forms.get("close_form") or CloseYearForm(prefix="close", formdata=None),
        reopen_form=year_forms.get("reopen_form") or ReopenYearForm(prefix="reopen", formdata=None),
    ), status


@bp.post("/jahr/<int:year>/abschliessen")
def close_year(year: int):
    """Jahresabschluss: every budget of the year stops taking allocations and decisions."""
    _global_only()
    form = CloseYearForm(prefix="close")
    if form.validate_on_submit():
        try:
            count = services.close_year(year, user=current_user)
        except DomainError as e:
            show_error_at(form, e, "confirm")
        else:
            flash(ngettext("Haushaltsjahr %(year)s abgeschlossen (%(num)d Budget).",
                           "Haushaltsjahr %(year)s abgeschlossen (%(num)d Budgets).", count, year=year), "success")
            return redirect(url_for(".index", jahr=year))
    return _render_index(year, status=422, close_form=form)


@bp.post("/jahr/<int:year>/oeffnen")
def reopen_year(year: int):
    _global_only()
    form = ReopenYearForm(prefix="reopen")
    if form.validate_on_submit():
        try:
            services.reopen_year(year, form.reason.data, user=current_user)
        except DomainError as e:
            show_error_at(form, e, "reason")
        else:
            flash(_("Haushaltsjahr %(year)s ist wieder geöffnet.", year=year), "success")
            return redirect(url_for(".index", jahr=year))
    return _render_index(year, status=422, reopen_form=form)


def _global_only() -> None:
    """The budget year closes for every city at once: the WiN-Geschäftsführung's step."""
    if not is_global_admin(current_user):
        deny(Action.ADMINISTER)


def _budget_or_404(budget_id: int) -> Budget:
    budget = db.session.get(Budget, budget_id)
    if budget is None or not can(current_user, budget.neighbourhood_id, Action.ADMINISTER):
        abort(404)  # another city's budget does not exist for a city administrator
    return budget


@bp.route("/<int:budget_id>")
def detail(budget_id: int):
    budget = db.session.get(Budget, budget_id) or abort(404)
    owned = budget_programme_ids_for(current_user)
    if owned is not None:  # a programme owner: its programmes' budgets, read-only
        if budget.programme_id not in owned:
            deny(Action.ADMINISTER, budget.neighbourhood_id)
    elif not can(current_user, budget.neighbourhood_id, Action.ADMINISTER):
        abort(404)  # another city's budget does not exist for a city administrator
    target = sa.orm.aliased(LedgerEntry)
    entries = db.session.execute(
        sa.select(LedgerEntry, User.name, target.id.label("reversed_by"))
        .outerjoin(User, LedgerEntry.created_by_id == User.id)
        .outerjoin(target, target.reverses_id == LedgerEntry.id)
        .where(LedgerEntry.budget_id == budget.id)
        .order_by(LedgerEntry.id.desc())
    ).all()
    return render_template("ledger/detail.html", budget=budget, entries=entries,
                           balance=queries.balance(budget.id), form=ReversalForm() if _is_admin() else None,
                           kind_labels=ENTRY_KIND_LABELS)


@bp.post("/<int:budget_id>/buchungen/<int:entry_id>/storno")
def reverse(budget_id: int, entry_id: int):
    _budget_or_404(budget_id)
    entry = db.session.get(LedgerEntry, entry_id)
    if entry is None or entry.budget_id != budget_id:
        abort(404)
    form = ReversalForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for(".detail", budget_id=budget_id))
    try:
        services.reverse(entry.id, user=current_user, reason=form.reason.data)
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash(_("Buchung storniert."), "success")
    return redirect(url_for(".detail", budget_id=budget_id))

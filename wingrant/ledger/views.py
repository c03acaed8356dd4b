"""Budget administration for the WiN-Geschäftsführung: allocate, inspect, reverse."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.models import User
from ..auth.permissions import Action, can, deny
from ..errors import DomainError
from ..extensions import db
from ..money import format_eur
from ..neighbourhoods.models import Neighbourhood, Programme
from . import queries, services
from .forms import AllocationForm, ReversalForm
from .labels import ENTRY_KIND_LABELS
from .models import Budget, LedgerEntry

bp = Blueprint("ledger", __name__, url_prefix="/verwaltung/budgets")


@bp.before_request
@login_required
def _administrators_only():
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)


@bp.route("/", methods=["GET", "POST"])
def index():
    year = request.args.get("jahr", date.today().year, type=int)
    if not 2000 <= year <= 2100:
        abort(404)
    form = AllocationForm(year=year)
    form.neighbourhood.choices = [(n.id, n.name) for n in db.session.execute(
        sa.select(Neighbourhood).order_by(Neighbourhood.name)).scalars()]
    form.programme.choices = [(p.id, f"{p.code} – {p.name}") for p in db.session.execute(
        sa.select(Programme).order_by(Programme.position, Programme.code)).scalars()]
    if form.validate_on_submit():
        try:
            entry = services.allocate_to(form.neighbourhood.data, form.programme.data, form.year.data,
                                         form.amount.data, user=current_user, memo=form.memo.data or "")
        except DomainError as e:
            getattr(form, e.field or "amount").errors.append(str(e))
        else:
            flash(_("%(amount)s zugewiesen.", amount=format_eur(entry.amount_cents)), "success")
            return redirect(url_for(".index", jahr=form.year.data))
    rows = queries.budget_overview(year)
    return render_template("ledger/index.html", rows=rows, year=year, form=form)


@bp.route("/<int:budget_id>")
def detail(budget_id: int):
    budget = db.session.get(Budget, budget_id) or abort(404)
    target = sa.orm.aliased(LedgerEntry)
    entries = db.session.execute(
        sa.select(LedgerEntry, User.name, target.id.label("reversed_by"))
        .outerjoin(User, LedgerEntry.created_by_id == User.id)
        .outerjoin(target, target.reverses_id == LedgerEntry.id)
        .where(LedgerEntry.budget_id == budget.id)
        .order_by(LedgerEntry.id.desc())
    ).all()
    return render_template("ledger/detail.html", budget=budget, entries=entries,
                           balance=queries.balance(budget.id), form=ReversalForm(),
                           kind_labels=ENTRY_KIND_LABELS)


@bp.post("/<int:budget_id>/buchungen/<int:entry_id>/storno")
def reverse(budget_id: int, entry_id: int):
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

"""The Träger pages: the list, a new Träger (with the duplicate warning), editing one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..auth.permissions import Action, deny
from ..core.redirects import is_local_path
from ..extensions import db
from ..fields import whole_number
from . import forms, queries, services
from .models import Organisation

bp = Blueprint("organisations", __name__)


@bp.app_context_processor
def _navigation():
    return {"may_manage_organisations": lambda: queries.may_manage_organisations(current_user)}


def _require_organisations():
    if not queries.may_manage_organisations(current_user):
        deny(Action.MANAGE_APPLICATIONS)


def _page_url(number: int) -> str:
    """This list's URL at another page, with the search kept."""
    args = {k: v for k, v in request.args.items() if v and k in ("q", "seite")}
    args["seite"] = number
    return url_for(".index", **args)


@bp.get("/traeger")
@login_required
def index():
    _require_organisations()
    q = (request.args.get("q") or "").strip()[:100]
    rows, window = queries.list_organisations(q, request.args.get("seite", type=whole_number))
    return render_template("organisations/index.html", rows=rows, total=window.total, q=q, page=window.page,
                           pages=window.pages, page_url=_page_url)


@bp.route("/traeger/neu", methods=["GET", "POST"])
@login_required
def create():
    _require_organisations()
    form = forms.OrganisationForm()
    candidates = []
    if form.validate_on_submit():
        try:
            org = services.create_organisation(form.data, user=current_user, confirmed_new=form.confirm_new.data)
        except services.PossibleDuplicate as error:
            candidates = error.candidates
        else:
            flash(_("Träger „%(name)s“ angelegt.", name=org.name), "success")
            return redirect(_use_url(org.id, org.name))
    status = 422 if request.method == "POST" else 200
    return render_template("organisations/form.html", form=form, org=None, summary=_summary(form),
                           candidates=[(name, _use_url(oid, name)) for oid, name in candidates]), status


def _use_url(org_id: int, name: str) -> str:
    """Where a Träger, new or chosen instead of a new one, is used: back in the application form
    that asked for it (preselected), or in the list."""
    target = request.args.get("next")
    if is_local_path(target):
        return f"{target}{'&' if '?' in target else '?'}traeger={org_id}"
    return url_for(".index", q=name)


@bp.route("/traeger/<int:org_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(org_id):
    _require_organisations()
    org = db.session.get(Organisation, org_id)
    if org is None:
        abort(404)
    if not queries.may_edit_organisation(current_user, org.id):
        deny(Action.MANAGE_APPLICATIONS)
    form = forms.OrganisationForm(obj=org)
    if form.validate_on_submit():
        services.update_organisation(org.id, form.data, user=current_user)
        flash(_("Träger „%(name)s“ gespeichert.", name=form.name.data), "success")
        return redirect(url_for(".index", q=form.name.data))
    status = 422 if request.method == "POST" else 200
    return render_template("organisations/form.html", form=form, org=org, candidates=[],
                           summary=_summary(form)), status


def _summary(form) -> list[tuple[str, str]]:
    return [(f.id, message) for f in form for message in f.errors]

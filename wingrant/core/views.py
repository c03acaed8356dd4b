from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.permissions import neighbourhood_ids_for
from ..extensions import db
from ..fields import whole_number
from ..ledger import queries as ledger_queries
from .i18n import available_languages

bp = Blueprint("core", __name__)


#: Neighbourhoods per page of the budget overview: the page must not grow with every city that joins.
OVERVIEW_PER_PAGE = 20
#: Longest name search that is taken as it is (neighbourhood names are at most 120 characters).
MAX_SEARCH = 120


@bp.get("/")
def index():
    """The start page: a member's own neighbourhoods' budgets, everyone else the overview of all.

    WiN is about transparency, so budgets are public. A Quartiersmanagerin comes here
    for her own neighbourhood; the overview of every neighbourhood is one link away.
    """
    year = date.today().year
    own = _own_neighbourhood_ids()
    if not own:
        return _overview(year)
    rows = ledger_queries.budget_overview(year, own)
    return render_template("core/index.html", year=year, by_neighbourhood=ledger_queries.by_neighbourhood(rows))


@bp.get("/budgets")
def budgets():
    """Every neighbourhood's budgets of the year, by name, a page at a time, with a name search."""
    return _overview(date.today().year)


def _own_neighbourhood_ids() -> list[int]:
    if not current_user.is_authenticated or current_user.is_admin:
        return []  # administrators look after every neighbourhood: they start with the overview
    return neighbourhood_ids_for(current_user) or []


def _overview(year: int):
    name = request.args.get("q", "").strip()[:MAX_SEARCH]
    page = request.args.get("seite", 1, type=whole_number) or 1
    overview = ledger_queries.overview_page(year, page=page, per_page=OVERVIEW_PER_PAGE, name=name)
    args = {"q": name} if name else {}
    return render_template(
        "core/budgets.html", year=year, overview=overview, name=name,
        page_url=lambda n: url_for("core.budgets", **args, seite=n),
    )


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # any failure to reach the database is "not healthy"
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/sprache")
def set_language():
    lang = request.form.get("lang", "")
    if lang in available_languages():
        session["lang"] = lang
    target = request.form.get("next", "")
    if not target.startswith("/") or target.startswith("//"):
        target = url_for("core.index")
    return redirect(target)


@bp.app_errorhandler(404)
def not_found(_e):
    return render_template("core/error.html", code=404, title=_("Seite nicht gefunden"),
                           message=_("Diese Seite gibt es nicht (mehr).")), 404


@bp.app_errorhandler(403)
def forbidden(_e):
    return render_template("core/error.html", code=403, title=_("Kein Zugriff"),
                           message=_("Sie haben keine Berechtigung für diese Seite.")), 403


@bp.app_errorhandler(413)
def too_large(_e):
    return render_template("core/error.html", code=413, title=_("Anfrage zu groß"),
                           message=_("Die gesendeten Daten sind zu groß.")), 413


@bp.app_errorhandler(400)
def bad_request(e):
    return render_template("core/error.html", code=400, title=_("Ungültige Anfrage"),
                           message=_("Die Anfrage war unvollständig oder abgelaufen. Bitte laden Sie die Seite neu "
                                     "und versuchen Sie es noch einmal.")), 400


@bp.app_errorhandler(405)
def method_not_allowed(_e):
    return render_template("core/error.html", code=405, title=_("Aktion nicht möglich"),
                           message=_("Diese Seite kann so nicht aufgerufen werden. Bitte nutzen Sie die Links "
                                     "und Schaltflächen der Anwendung.")), 405


@bp.app_errorhandler(500)
def internal_error(_e):
    # Flask has logged the exception already. Whatever the failed request wrote is
    # rolled back, so the page itself (which reads the current user) starts clean.
    db.session.rollback()
    return render_template("core/error.html", code=500, title=_("Ein Fehler ist aufgetreten"),
                           message=_("Ihre Eingaben wurden nicht gespeichert. Bitte versuchen Sie es noch einmal; "
                                     "wenn der Fehler bleibt, melden Sie ihn bitte der WiN-Geschäftsführung.")), 500

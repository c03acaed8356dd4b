"""The start page and the budget overview: the ``home`` blueprint.

Members see their own neighbourhoods' budgets; everyone else (and administrators, who look after
every neighbourhood) the paged, searchable overview of all budgets of the year. A feature above
the ledger, whose read queries it shows.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request, url_for
from flask_login import current_user

from ..auth.permissions import neighbourhood_ids_for, owned_programme_ids
from ..fields import whole_number
from ..ledger import queries as ledger_queries
from ..neighbourhoods import cities
from . import queries, todo

bp = Blueprint("home", __name__)


#: Neighbourhoods per page of the budget overview: the page must not grow with every city that joins.
OVERVIEW_PER_PAGE = 20
#: Longest name search that is taken as it is (neighbourhood names are at most 120 characters).
MAX_SEARCH = 120


@bp.get("/")
def index():
    """The start page: a member's own neighbourhoods' budgets, everyone else the overview of all.

    WiN is about transparency, so budgets are public. A Quartiersmanagerin comes here
    for her own neighbourhood; the overview of every neighbourhood is one link away.
    Above the budgets, whoever has work here (QM, minute-taker, administration) sees it
    counted and linked ("Zu erledigen").
    """
    today = date.today()
    scope = queries.audience(current_user)
    open_work = todo.groups(queries.open_work(scope, today)) if scope is not None else None
    own = _own_neighbourhood_ids()
    if not own:
        # A programme owner (no role in a neighbourhood) starts from its programmes' cases and budgets.
        owner = (current_user.is_authenticated and not current_user.is_admin
                 and bool(owned_programme_ids(current_user)))
        return _overview(today.year, open_work=open_work, programme_owner=owner)
    rows = ledger_queries.budget_overview(today.year, own)
    return render_template("home/index.html", year=today.year, open_work=open_work,
                           by_neighbourhood=ledger_queries.by_neighbourhood(rows))


@bp.get("/budgets")
def budgets():
    """Every neighbourhood's budgets of the year, by name, a page at a time, with a name search."""
    return _overview(date.today().year)


def _own_neighbourhood_ids() -> list[int]:
    if not current_user.is_authenticated or current_user.is_admin:
        return []  # administrators look after every neighbourhood: they start with the overview
    return neighbourhood_ids_for(current_user) or []


def _overview(year: int, open_work: list[todo.Group] | None = None, programme_owner: bool = False):
    name = request.args.get("q", "").strip()[:MAX_SEARCH]
    page = request.args.get("seite", 1, type=whole_number) or 1
    city = cities.requested_city()
    overview = ledger_queries.overview_page(year, page=page, per_page=OVERVIEW_PER_PAGE, name=name,
                                            city_id=cities.city_id(city))
    args = {"q": name} if name else {}
    if city is not None:
        args[cities.PARAM] = city.slug
    return render_template(
        "home/budgets.html", year=year, overview=overview, name=name, open_work=open_work,
        programme_owner=programme_owner,
        cities=cities.all_cities(), city=city,
        page_url=lambda n: url_for("home.budgets", **args, seite=n),
    )

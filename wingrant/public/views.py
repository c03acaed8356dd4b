"""The public portal (no login): each neighbourhood's forum, budgets, decisions and minutes.

Everything here is public by construction: decisions only from published
minutes, applications only with their public fields, minutes only as the
stored public PDF. Nothing internal is loaded, so nothing internal can leak.
"""

from __future__ import annotations

import io
from datetime import date

from flask import Blueprint, Response, abort, jsonify, redirect, render_template, request, send_file, url_for

from ..core.pagination import Window
from ..core.urls import external_url
from ..fields import whole_number
from ..ledger import queries as ledger_queries
from ..meetings import follow
from ..meetings import pdf as meeting_pdf
from ..meetings.models import MeetingState
from ..minutes import published
from ..minutes.chart import status_chart
from ..minutes.downloads import stored_pdf_response
from ..minutes.labels import init_labels
from ..minutes.pdf import render_template_pdf
from ..subscriptions.forms import subscribe_form
from . import demand, queries, reports

bp = Blueprint("public", __name__, url_prefix="/portal")

#: Decisions shown on a neighbourhood's front page; the rest are one click away.
LATEST = 10
#: Decisions per page of the list (years of decisions pile up; a page must not grow with them).
PER_PAGE = 50


@bp.record_once
def _setup(state) -> None:
    init_labels(state.app)


def _neighbourhood(slug: str):
    return queries.neighbourhood(slug) or abort(404)


def _int_arg(name: str) -> int | None:
    return request.args.get(name, type=whole_number)


@bp.get("/")
def index():
    return render_template("public/index.html", neighbourhoods=queries.neighbourhoods(), year=date.today().year)


@bp.get("/<slug>")
def neighbourhood(slug):
    nb = _neighbourhood(slug)
    today = date.today()
    years = queries.budget_years(nb.id)
    year = _int_arg("jahr")
    if year not in years:
        year = today.year if (today.year in years or not years) else years[0]
    budgets = ledger_queries.budget_overview(year, [nb.id])
    decisions = published.published_decisions(nb.id, limit=LATEST + 1)  # one more: is there a "more" link?
    return render_template(
        "public/neighbourhood.html", nb=nb, year=year, years=years, budgets=budgets,
        bound=queries.bound_money(nb.id, year), demand=demand.unmet_demand(year=year, neighbourhood_id=nb.id),
        chart=status_chart(budgets), upcoming=queries.upcoming_meetings(nb.id, today),
        decisions=decisions[:LATEST], more_decisions=len(decisions) > LATEST,
        minutes=queries.published_minutes(nb.id, year=year),  # one year at a time, like the budgets
        form=subscribe_form(nb),
    )


#: The year filter's value for "every year" (no ``jahr`` at all means the latest year).
ALL_YEARS = "alle"


@bp.get("/<slug>/beschluesse")
def decisions(slug):
    """Published decisions, a year at a time by default (the latest first), like the portal page.

    Years of decisions pile up: "alle" shows every year, 50 decisions a page.
    """
    nb = _neighbourhood(slug)
    years, programmes, fields = queries.filter_choices(nb.id)
    year_arg = request.args.get("jahr")
    if year_arg is None:
        year = years[0] if years else None
    else:
        year = _int_arg("jahr")  # "alle", "" or garbage: every year
    chosen = {"year": year, "programme": _int_arg("programm"), "field": _int_arg("handlungsfeld")}
    filters = {"year": chosen["year"], "programme_id": chosen["programme"], "field_id": chosen["field"]}
    window = Window.of(published.count_published_decisions(nb.id, **filters), _int_arg("seite"), PER_PAGE)
    rows = published.published_decisions(nb.id, **filters, limit=PER_PAGE, offset=window.offset)
    args = {k: v for k, v in request.args.items() if k in ("programm", "handlungsfeld") and v}
    args["jahr"] = year if year is not None else ALL_YEARS  # page 2 keeps the year, or "every year"
    return render_template("public/decisions.html", nb=nb, rows=rows, years=years, programmes=programmes,
                           fields=fields, chosen=chosen, total=window.total, page=window.page, pages=window.pages,
                           all_years=ALL_YEARS,
                           page_url=lambda n: url_for("public.decisions", slug=nb.slug, **args, seite=n))


@bp.get("/<slug>/projekte/<int:application_id>")
def project(slug, application_id):
    """A funded project: only one the forum approved in published minutes exists here."""
    nb = _neighbourhood(slug)
    rows = published.published_decisions(nb.id, application_id=application_id)
    if not any(r.approved for r in rows):
        abort(404)
    funded = next(r for r in rows if r.approved)
    return render_template("public/project.html", nb=nb, project=funded, history=rows)


@bp.get("/<slug>/protokolle/<int:meeting_id>")
def minutes(slug, meeting_id):
    nb = _neighbourhood(slug)
    found = queries.published_minutes(nb.id, meeting_id=meeting_id)
    if not found:
        abort(404)
    return render_template("public/minutes.html", nb=nb, m=found[0],
                           decisions=published.published_decisions(nb.id, meeting_id=meeting_id))


@bp.get("/<slug>/protokolle/<int:meeting_id>/v<int:number>.pdf")
def minutes_pdf(slug, meeting_id, number):
    nb = _neighbourhood(slug)
    version = queries.published_version(nb.id, meeting_id, number) or abort(404)
    found = queries.published_minutes(nb.id, meeting_id=meeting_id)
    return stored_pdf_response(version, f"protokoll-{nb.slug}-{found[0].meeting_date.isoformat()}-v{number}.pdf")


@bp.get("/<slug>/sitzungen/<int:meeting_id>")
def meeting(slug, meeting_id):
    """A meeting before its minutes: date and place; from the invitation on, the agenda and its money."""
    nb = _neighbourhood(slug)
    page = queries.meeting_page(nb.id, meeting_id, date.today()) or abort(404)
    return render_template("public/meeting.html", nb=nb, page=page, m=page.meeting, today=date.today())


@bp.get("/<slug>/sitzungen/<int:meeting_id>/live")
def live(slug, meeting_id):
    """Following the meeting from the room: current item, budgets, decisions as they are recorded."""
    nb = _neighbourhood(slug)
    found = follow.version(slug, meeting_id) or abort(404)
    if found.state == MeetingState.MINUTES_APPROVED:
        return redirect(url_for("public.meeting", slug=slug, meeting_id=meeting_id))
    if found.state not in follow.FOLLOWABLE_STATES:
        abort(404)
    view = follow.live_view(follow.meeting(found.meeting_id), found.tag)
    template = "public/_live_stage.html" if request.args.get("teil") == "1" else "public/live.html"
    response = Response(render_template(template, nb=nb, m=view.meeting, view=view))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<slug>/sitzungen/<int:meeting_id>/live/stand.json")
def live_state(slug, meeting_id):
    """The poll: one query; ``304`` when the client's version is current, so nothing is rendered."""
    found = follow.version(slug, meeting_id)
    if found is None or found.state not in follow.FOLLOWABLE_STATES | {MeetingState.MINUTES_APPROVED}:
        abort(404)
    if found.tag in request.if_none_match:
        response = Response(status=304)
    else:
        ended = found.state == MeetingState.MINUTES_APPROVED
        response = jsonify(version=found.tag, ended=ended,
                           url=url_for("public.meeting", slug=slug, meeting_id=meeting_id) if ended else None)
    response.set_etag(found.tag)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<slug>/sitzungen/<int:meeting_id>/einladung.pdf")
def invitation_pdf(slug, meeting_id):
    """The invitation as the QM prints it — public once the meeting is invited, never while planned."""
    nb = _neighbourhood(slug)
    page = queries.meeting_page(nb.id, meeting_id, date.today())
    if page is None or not page.agenda_public:
        abort(404)
    document = meeting_pdf.invitation_pdf(
        neighbourhood=nb, meeting=page.meeting, rows=page.rows, projection=page.projection, today=date.today(),
        public_url=external_url("public.meeting", slug=nb.slug, meeting_id=meeting_id),
        follow_qr=follow.invitation_qr(nb, page.meeting))
    name = f"einladung-{nb.slug}-{page.meeting.date.isoformat()}.pdf"
    response = send_file(io.BytesIO(document), mimetype="application/pdf", download_name=name)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<slug>/jahresbericht/<int:year>")
def year_report(slug, year):
    nb = _neighbourhood(slug)
    _check_year(nb, year)
    report = reports.year_report(nb, year)
    return render_template("public/year_report.html", nb=nb, report=report, chart=status_chart(report.budgets))


@bp.get("/<slug>/jahresbericht/<int:year>.pdf")
def year_report_pdf(slug, year):
    """Rendered on request from published data only (unlike the minutes, not an archived document)."""
    nb = _neighbourhood(slug)
    _check_year(nb, year)
    report = reports.year_report(nb, year)
    pdf = render_template_pdf("pdf/year_report.html", report=report, chart=status_chart(report.budgets),
                              attachment=(reports.FILENAME, reports.report_json(report),
                                          "Beschlüsse und Budgets des Jahres (Beträge in Cent)"))
    name = f"jahresbericht-{nb.slug}-{year}.pdf"
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=name, as_attachment=True)
    response.headers["Cache-Control"] = "no-cache"
    return response


def _check_year(nb, year: int) -> None:
    if not 1999 <= year <= 2200:
        abort(404)

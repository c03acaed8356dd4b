"""The public portal (no login): each neighbourhood's forum, budgets, decisions and minutes.

Everything here is public by construction: decisions only from published
minutes, applications only with their public fields, minutes only as the
stored public PDF. Nothing internal is loaded, so nothing internal can leak.
"""

from __future__ import annotations

import io
from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from ..applications import easy_language as easy_texts
from ..concerns import queries as concern_queries
from ..concerns.labels import STATUSES as CONCERN_STATUSES
from ..concerns.models import ConcernStatus
from ..core.pagination import Window
from ..core.urls import external_url
from ..extensions import db
from ..fields import whole_number
from ..funding import showcase
from ..ledger import queries as ledger_queries
from ..meetings import follow, signals
from ..meetings import pdf as meeting_pdf
from ..meetings.forms import SignalForm
from ..meetings.labels import SIGNAL_KINDS
from ..meetings.models import MeetingState
from ..minutes import published
from ..minutes import resolutions as published_resolutions
from ..minutes.chart import status_chart
from ..minutes.downloads import stored_pdf_response
from ..minutes.labels import init_labels
from ..minutes.pdf import render_template_pdf
from ..neighbourhoods import queries as area_queries
from ..subscriptions.forms import subscribe_form
from . import demand, project_path, queries, reports
from .stage_cache import stage_cache, version_cache

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
    """Every city with its current neighbourhoods (loaded with their city in the same query); past areas apart."""
    current, past = area_queries.split_current_and_past(queries.neighbourhoods())
    return render_template("public/index.html", neighbourhoods=current, past_areas=past, year=date.today().year,
                           by_city=queries.by_city(current), city=None)


@bp.get("/so-funktioniert-es")
def how_it_works():
    """What WiN is, how to apply, how the forum decides."""
    return render_template("public/how_it_works.html", neighbourhoods=queries.current_areas())


@bp.get("/leichte-sprache")
def easy_language():  # the endpoint is public.easy_language
    """The same in Leichte Sprache (easy-to-read German): short sentences, hard words explained."""
    return render_template("public/easy_language.html", neighbourhoods=queries.current_areas())


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
    resolutions = published_resolutions.published_resolutions(nb.id, limit=LATEST + 1)
    return render_template(
        "public/neighbourhood.html", nb=nb, year=year, years=years, budgets=budgets,
        bound=queries.bound_money(nb.id, year), demand=demand.unmet_demand(year=year, neighbourhood_id=nb.id),
        chart=status_chart(budgets), upcoming=queries.upcoming_meetings(nb.id, today),
        decisions=decisions[:LATEST], more_decisions=len(decisions) > LATEST,
        minutes=queries.published_minutes(nb.id, year=year),  # one year at a time, like the budgets
        resolutions=resolutions[:LATEST], more_resolutions=len(resolutions) > LATEST,
        form=subscribe_form(nb), area=area_queries.area_status(nb.id, today),
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


@bp.get("/<slug>/anliegen")
def concerns(slug):
    """Wünsche und Anliegen: every concern of the neighbourhood with its steps, without names."""
    nb = _neighbourhood(slug)
    raw = request.args.get("status") or ""
    status = ConcernStatus(raw) if raw in {s.value for s in ConcernStatus} else None
    found = concern_queries.public_concerns(nb.id)
    counts = {s: sum(1 for c in found if c.status == s) for s in ConcernStatus}
    return render_template("public/concerns.html", nb=nb, status=status, counts=counts, total=len(found),
                           concerns=[c for c in found if status is None or c.status == status],
                           statuses=CONCERN_STATUSES)


@bp.get("/<slug>/beschluesse/ohne-antrag")
def resolutions(slug):
    """The forum's resolutions and statements without money, from published minutes, newest first."""
    nb = _neighbourhood(slug)
    return render_template("public/resolutions.html", nb=nb,
                           resolutions=published_resolutions.published_resolutions(nb.id))


@bp.get("/<slug>/beschluesse/ohne-antrag/<int:resolution_id>")
def resolution(slug, resolution_id):
    """One resolution or statement: only once the minutes of its meeting are published."""
    nb = _neighbourhood(slug)
    found = published_resolutions.published_resolutions(nb.id, resolution_id=resolution_id) or abort(404)
    return render_template("public/resolution.html", nb=nb, r=found[0])


@bp.get("/<slug>/projekte/<int:application_id>")
def project(slug, application_id):
    """A funded project: only one the forum approved in published minutes exists here."""
    nb = _neighbourhood(slug)
    rows, funded = _funded(nb, application_id)
    return render_template("public/project.html", nb=nb, project=funded, history=rows,
                           path=project_path.path_of(application_id, funded.meeting_date),
                           easy=easy_texts.published([application_id]).get(application_id, ""))


def _funded(nb, application_id: int):
    """The published decisions on the application and the approving one; 404 unless the forum approved it
    in published minutes (the rule for the project page and everything on it)."""
    rows = published.published_decisions(nb.id, application_id=application_id)
    funded = next((r for r in rows if r.approved), None) or abort(404)
    return rows, funded


@bp.get("/<slug>/projekte/<int:application_id>/fotos/<name>")
def project_photo(slug, application_id, name):
    """A project's photo: public exactly when its project page is. The name is the random storage
    name, so a URL always means the same bytes and may be cached for long."""
    _funded(_neighbourhood(slug), application_id)
    found = project_path.photo(application_id, name) or abort(404)
    path = showcase.path_of(found)
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/jpeg", max_age=86400, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/<slug>/protokolle/<int:meeting_id>")
def minutes(slug, meeting_id):
    nb = _neighbourhood(slug)
    found = queries.published_minutes(nb.id, meeting_id=meeting_id)
    if not found:
        abort(404)
    return render_template("public/minutes.html", nb=nb, m=found[0],
                           decisions=published.published_decisions(nb.id, meeting_id=meeting_id),
                           resolutions=published_resolutions.published_resolutions(nb.id, meeting_id=meeting_id))


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
    easy = easy_texts.published(row.item.application_id for row in page.rows if row.item.application_id)
    return render_template("public/meeting.html", nb=nb, page=page, m=page.meeting, today=date.today(), easy=easy)


@bp.get("/<slug>/sitzungen/<int:meeting_id>/live")
def live(slug, meeting_id):
    """Following the meeting from the room: current item, budgets, decisions as they are recorded."""
    found = follow.version(slug, meeting_id) or abort(404)
    if found.state == MeetingState.MINUTES_APPROVED:
        return redirect(url_for("public.meeting", slug=slug, meeting_id=meeting_id))
    if found.state not in follow.FOLLOWABLE_STATES:
        abort(404)
    if request.args.get("teil") == "1":  # follow.js after a change: every phone in the room at once
        key = (found.meeting_id, found.tag, str(get_locale()))
        return _signal_response(stage_cache(current_app).get_or_render(
            key, lambda: _render_live(slug, found, "public/_live_stage.html")))
    nb = _neighbourhood(slug)
    meeting = follow.meeting(found.meeting_id)
    if request.args.get("teil") == "meldung":
        return _signal_response(_render_panel(nb, meeting))
    view = follow.live_view(meeting, found.tag)
    return _signal_response(render_template("public/live.html", nb=nb, m=view.meeting, view=view,
                                            signal_panel=_render_panel(nb, meeting)))


def _render_panel(nb, meeting, *, form=None, message=None, error=None, token=None) -> str:
    """The signal form for this device (its own signal's state included), or an empty placeholder."""
    token = token or request.cookies.get(signals.DEVICE_COOKIE)
    panel = signals.panel(meeting, token)
    if form is None and panel is not None:
        form = SignalForm(formdata=None, data={"item_id": panel.item.id,
                                               "code": session.get(_code_key(meeting), "")})
    return render_template("public/_signal_panel.html", nb=nb, m=meeting, panel=panel, form=form,
                           message=message, error=error, code=signals.format_code)


def _code_key(meeting) -> str:
    return f"signal_code_{meeting.id}"


def _signal_response(body, status: int = 200, token: str | None = None) -> Response:
    response = Response(body, status=status)
    response.headers["Cache-Control"] = "no-cache"
    return _device_cookie(response, token)


def _device_cookie(response, token: str | None):
    if token:  # a random value that means nothing; kept a day, sent to the portal only
        response.set_cookie(signals.DEVICE_COOKIE, token, max_age=24 * 3600, path="/portal/", httponly=True,
                            samesite="Lax", secure=bool(current_app.config.get("HTTPS")))
    return response


def _render_live(slug: str, found: follow.Version, template: str) -> str:
    view = follow.live_view(follow.meeting(found.meeting_id), found.tag)
    return render_template(template, nb=_neighbourhood(slug), m=view.meeting, view=view)


@bp.post("/<slug>/sitzungen/<int:meeting_id>/live/meldung")
def signal(slug, meeting_id):
    """A signal from the room: a plain form post (redirect back), or from follow.js (the panel back)."""
    nb = _neighbourhood(slug)
    found = follow.version(slug, meeting_id)
    if found is None or found.state not in follow.FOLLOWABLE_STATES:
        abort(404)
    meeting = follow.meeting(found.meeting_id)
    token = request.cookies.get(signals.DEVICE_COOKIE)
    new_token = None if signals.valid_device_token(token) else signals.new_device_token()
    token = token if new_token is None else new_token
    form = SignalForm()
    message = error = None
    status = 200
    if not form.validate_on_submit():
        error, status = _("Die Meldung ist nicht angekommen. Bitte laden Sie die Seite neu und versuchen Sie es "
                          "noch einmal."), 400
    else:
        data = signals.SignalData(kind=form.kind.data or "", item_id=form.item_id.data, code=form.code.data or "",
                                  reason=form.reason.data or "", group=form.group.data or "")
        try:
            sent, replaced = signals.submit(meeting.id, data, device_token=token, ip=request.remote_addr or "")
        except signals.SignalRefused as refused:
            error, status = refused.message, 422
            if refused.field in form:
                form[refused.field].errors = [refused.message]
        else:
            session[_code_key(meeting)] = signals.normalise_code(data.code)
            message = (_("Ihre Meldung ist geändert: %(kind)s.", kind=SIGNAL_KINDS[sent.kind]) if replaced
                       else _("Ihre Meldung ist angekommen: %(kind)s.", kind=SIGNAL_KINDS[sent.kind]))
            form = None
    db.session.expire_all()  # the panel shows the stored state, not this request's
    meeting = follow.meeting(found.meeting_id)
    if request.headers.get("X-Requested-With") == "fetch":
        return _signal_response(_render_panel(nb, meeting, form=form, message=message, error=error, token=token),
                                status, new_token)
    if error is None:
        flash(message, "success")
        return _device_cookie(redirect(url_for("public.live", slug=slug, meeting_id=meeting_id,
                                               _anchor="meldung")), new_token)
    view = follow.live_view(meeting, found.tag)
    return _signal_response(render_template(
        "public/live.html", nb=nb, m=meeting, view=view,
        signal_panel=_render_panel(nb, meeting, form=form, error=error, token=token)), status, new_token)


@bp.get("/<slug>/sitzungen/<int:meeting_id>/live/stand.json")
def live_state(slug, meeting_id):
    """The poll: one query, at most once a second per worker; ``304`` when the client's version is
    current, so nothing is rendered."""
    found = version_cache(current_app).get_or_render((slug, meeting_id), lambda: follow.version(slug, meeting_id))
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
    return response


def _check_year(nb, year: int) -> None:
    if not 1999 <= year <= 2200:
        abort(404)

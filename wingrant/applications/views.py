"""The applications pages: load → authorize → validate → one service call → redirect or render."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from ..auth.permissions import Action, authorize, can, neighbourhood_ids_for, scoped_or_404
from ..core.security import accepts_uploads
from ..core.urls import external_url
from ..errors import DomainError
from ..extensions import db
from ..fields import show_error_at
from ..neighbourhoods.models import Neighbourhood
from ..organisations.queries import organisation_names
from . import attachments, forms, private_link, queries, services, timeline, versions
from . import export as export_files
from .lifecycle import AFTER_GRANT_STATES, STATE_LABELS
from .models import Application, ApplicationState, Attachment

bp = Blueprint("applications", __name__)


@bp.app_template_filter("app_datetime")
def _datetime(value) -> str:
    """A stored UTC time shown in Bremen's time zone, e.g. "12.03.2026, 18:04"."""
    return format_datetime(value, "dd.MM.yyyy, HH:mm") if value else ""


@bp.get("/antraege")
@login_required
def overview():
    """Where the user's applications are: straight to the neighbourhood if there is only one."""
    ids = neighbourhood_ids_for(current_user, Action.READ)
    query = db.select(Neighbourhood).order_by(Neighbourhood.name)
    if ids is not None:
        query = query.where(Neighbourhood.id.in_(ids))
    neighbourhoods = db.session.execute(query).scalars().all()
    if len(neighbourhoods) == 1:
        return redirect(url_for(".index", slug=neighbourhoods[0].slug))
    return render_template("applications/overview.html", neighbourhoods=neighbourhoods)


# --- list and detail ---------------------------------------------------------------


def _filters_from(form: forms.ApplicationFilterForm) -> queries.Filters:
    try:
        state = ApplicationState(form.state.data) if form.state.data else None
    except ValueError:
        state = None
    sort = form.sort.data if (form.sort.data or "").lstrip("-") in queries.SORT_KEYS else "-updated"
    return queries.Filters(
        q=(form.q.data or "")[:100], state=state, year=forms.parse_int(form.year.data),
        programme_id=forms.parse_int(form.programme.data), organisation_id=forms.parse_int(form.organisation.data),
        field_id=forms.parse_int(form.field.data), sort=sort, page=forms.parse_int(request.args.get("seite")) or 1,
        open_work=offen if (offen := request.args.get("offen")) in queries.OPEN_WORK else None)


#: What an "open work" filter (``?offen=…``, the start page's to-do links) shows.
OPEN_WORK_LABELS = {
    "antworten": _l("Anträge mit einer Antwort auf die Rückfrage"),
    "bewilligen": _l("Beschlossene Anträge, noch nicht bewilligt"),
    "auszahlen": _l("Bewilligte Anträge, noch nichts ausgezahlt"),
    "nachweis": _l("Verwendungsnachweis überfällig"),
}


@bp.get("/quartiere/<slug>/antraege")
@login_required
def index(slug):
    neighbourhood = authorize(slug, Action.READ)
    form = forms.ApplicationFilterForm(request.args)
    choices = queries.filter_choices(neighbourhood.id)
    _fill_filter_choices(form, choices)
    filters = _filters_from(form)
    page = queries.list_applications(neighbourhood.id, filters)
    return render_template("applications/index.html", neighbourhood=neighbourhood, form=form, page=page,
                           filters=filters, state_labels=STATE_LABELS, columns=LIST_COLUMNS,
                           open_work_label=OPEN_WORK_LABELS.get(filters.open_work or ""),
                           list_url=_list_url, page_url=lambda n: _list_url(seite=n),
                           export_args={k: v for k, v in request.args.items() if v and k in FILTER_KEYS},
                           may_manage=can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS))


@bp.get("/quartiere/<slug>/antraege/export.<fmt>")
@login_required
def export(slug, fmt):
    """The list as it is filtered and sorted, every page of it."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    neighbourhood = authorize(slug, Action.READ)
    form = forms.ApplicationFilterForm(request.args)
    rows = queries.export_rows(neighbourhood.id, _filters_from(form))
    name = f"antraege-{neighbourhood.slug}-{date.today():%Y-%m-%d}.{fmt}"
    if fmt == "csv":
        body, mimetype = export_files.to_csv(rows), "text/csv; charset=utf-8"
    else:
        body = export_files.to_xlsx(rows, title=_("Anträge %(name)s", name=neighbourhood.name))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return body, 200, {"Content-Type": mimetype, "Content-Disposition": attachments.content_disposition(name),
                       "Cache-Control": "private, no-store"}


#: Query arguments of the list that the export carries over.
FILTER_KEYS = ("q", "state", "year", "programme", "organisation", "field", "offen", "sort")

#: The list's columns: (sort key or "", label, numeric).
LIST_COLUMNS = [
    ("reference", _l("Aktenzeichen"), False), ("title", _l("Titel"), False),
    ("organisation", _l("Träger"), False), ("", _l("Programme"), False), ("requested", _l("Beantragt"), True),
    ("cost", _l("Gesamtkosten"), True), ("state", _l("Status"), False), ("year", _l("Jahr"), True),
]


def _list_url(**changes) -> str:
    """The current URL with some query arguments changed (None removes one)."""
    args = {k: v for k, v in request.args.items() if v and k in (*FILTER_KEYS, "seite")}
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **request.view_args, **args)


def _fill_filter_choices(form, choices) -> None:
    every = [("", _("alle"))]
    form.state.choices = every + [(s.value, str(label)) for s, label in STATE_LABELS.items()]
    form.year.choices = every + [(str(y), str(y)) for y in choices["years"]]
    form.programme.choices = every + [(str(p.id), p.name) for p in choices["programmes"]]
    form.organisation.choices = every + [(str(o.id), o.name) for o in choices["organisations"]]
    form.field.choices = every + [(str(fid), f"{name} ({group})") for group, items in choices["fields"]
                                  for fid, name in items]
    form.sort.choices = [
        ("-updated", _("Zuletzt geändert")), ("reference", _("Aktenzeichen")), ("title", _("Titel")),
        ("organisation", _("Träger")), ("-requested", _("Beantragt (höchster zuerst)")),
        ("-cost", _("Gesamtkosten (höchste zuerst)")), ("state", _("Status")), ("-year", _("Jahr")),
    ]


def _load(slug: str, application_id: int, action: Action) -> tuple[Neighbourhood, Application]:
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Application, application_id, neighbourhood)


@bp.get("/quartiere/<slug>/antraege/<int:application_id>")
@login_required
def detail(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.READ)
    return _render_detail(neighbourhood, app)


def _render_detail(neighbourhood, app, *, step_forms=None, upload_form=None, status=200, private_link=None):
    may_manage = can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS)
    steps = services.available_steps(app) if may_manage else []
    step_forms = dict(step_forms or {})
    for step in steps:
        if step.name not in step_forms:
            step_forms[step.name] = forms.ReasonForm(prefix=step.name, formdata=None)
        if step.text_label:
            step_forms[step.name].reason.label.text = step.text_label
    latest = queries.latest_version(app)
    changes = versions.diff(latest.snapshot, versions.snapshot(app)) if latest else None
    problems = services.problems_before_forum(app) if app.state in services.EDITABLE_STATES else []
    return render_template(
        "applications/detail.html", neighbourhood=neighbourhood, app=app, steps=steps, step_forms=step_forms,
        may_manage=may_manage, editable=app.state in services.EDITABLE_STATES, problems=problems,
        changes=changes, timeline=timeline.timeline(app), attachments=queries.attachments(app),
        upload_form=upload_form or (forms.AttachmentForm(formdata=None) if may_manage else None),
        state_labels=STATE_LABELS, data=services.input_from_application(app),
        cost_labels=forms.COST_CATEGORY_LABELS, funding_labels=forms.FUNDING_SOURCE_LABELS,
        max_upload_mb=attachments.max_bytes() // (1024 * 1024), private_link=private_link,
        link_form=forms.ReasonForm(prefix="link", formdata=None) if may_manage else None,
        imported=queries.import_record(app), after_grant=app.state in AFTER_GRANT_STATES,
    ), status


# --- create and edit ---------------------------------------------------------------


def _application_form(app: Application | None = None):
    selected = [f.id for f in app.fields_of_action] if app else []
    return forms.application_form(
        programmes=queries.requestable_programmes(app), organisations=organisation_names(),
        field_groups=queries.field_groups(selected), years=queries.form_years(app.year if app else None))


def _render_form(neighbourhood, form, app=None, status=200):
    data = form.plan_preview()
    return render_template("applications/form.html", neighbourhood=neighbourhood, form=form, app=app,
                           data=data, request_rows=form.request_rows(data), max_rows=forms.MAX_ROWS), status


@bp.route("/quartiere/<slug>/antraege/neu", methods=["GET", "POST"])
@login_required
def create(slug):
    neighbourhood = authorize(slug, Action.MANAGE_APPLICATIONS)
    form = _application_form()
    if request.method == "GET":
        form.year.data = date.today().year
        form.organisation_id.data = forms.parse_int(request.args.get("traeger"))
        return _render_form(neighbourhood, form)
    if rows := form.wants_row(request.form):
        form.add_row(rows)
        return _render_form(neighbourhood, form)
    if form.validate():
        try:
            app = services.create_application(neighbourhood, form.to_input(), user=current_user)
        except services.InvalidApplication as error:
            form.attach(error.problems)
        else:
            flash(_("Antrag %(ref)s als Entwurf gespeichert.", ref=app.reference), "success")
            return redirect(url_for(".detail", slug=slug, application_id=app.id))
    return _render_form(neighbourhood, form, status=422)


@bp.route("/quartiere/<slug>/antraege/<int:application_id>/bearbeiten", methods=["GET", "POST"])
@login_required
def edit(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if app.state not in services.EDITABLE_STATES:
        flash(_("Ein Antrag im Status „%(state)s“ kann nicht mehr geändert werden.",
                state=STATE_LABELS[app.state]), "error")
        return redirect(url_for(".detail", slug=slug, application_id=app.id))
    form = _application_form(app)
    if request.method == "GET":
        form.fill_from(services.input_from_application(app))
        form.loaded_at.data = app.updated_at.isoformat()
        return _render_form(neighbourhood, form, app)
    if rows := form.wants_row(request.form):
        form.add_row(rows)
        return _render_form(neighbourhood, form, app)
    if form.validate():
        try:
            services.update_application(app, form.to_input(), user=current_user, loaded_at=form.loaded_at.data)
        except services.InvalidApplication as error:
            form.attach(error.problems)
        except services.EditConflict as error:
            form.loaded_at.data = error.current.isoformat()
            form.section_errors.setdefault("form", []).append(error.message)
        except DomainError as error:
            flash(error.message, "error")
            return redirect(url_for(".detail", slug=slug, application_id=app.id))
        else:
            flash(_("Änderungen gespeichert."), "success")
            return redirect(url_for(".detail", slug=slug, application_id=app.id))
    return _render_form(neighbourhood, form, app, status=422)


# --- life-cycle steps --------------------------------------------------------------


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/schritt/<step_name>")
@login_required
def step(slug, application_id, step_name):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if step_name not in services.STEPS:
        abort(404)
    form = forms.ReasonForm(prefix=step_name)
    if not form.validate():
        return _render_detail(neighbourhood, app, step_forms={step_name: form}, status=422)
    try:
        services.perform_step(app, step_name, user=current_user, text=form.reason.data)
    except services.InvalidApplication as error:
        flash(_("„%(step)s“ ist noch nicht möglich: %(problems)s", step=services.STEPS[step_name].label,
                problems=" ".join(p.message for p in error.problems)), "error")
    except DomainError as error:
        if error.field == "reason" and show_error_at(form, error):
            return _render_detail(neighbourhood, app, step_forms={step_name: form}, status=422)
        flash(error.message, "error")
    else:
        flash(_("Neuer Status: %(state)s.", state=STATE_LABELS[app.state]), "success")
    return redirect(url_for(".detail", slug=slug, application_id=app.id))


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/link")
@login_required
def issue_link(slug, application_id):
    """A private link for the applicant, shown once on this page (never stored in the session)."""
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    if not forms.ReasonForm(prefix="link").validate():
        abort(400)
    token = private_link.issue_link(app, user=current_user)
    link = external_url("applicant.private", token=token)
    response, status = _render_detail(neighbourhood, app, private_link=link)
    return response, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


# --- attachments -------------------------------------------------------------------


@bp.post("/quartiere/<slug>/antraege/<int:application_id>/anhaenge")
@accepts_uploads
@login_required
def upload(slug, application_id):
    neighbourhood, app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = forms.AttachmentForm()
    if form.validate():
        upload_file = form.file.data
        try:
            attachment = attachments.add_attachment(app, upload_file.stream, upload_file.filename or "",
                                                    user=current_user)
        except DomainError as error:
            form.file.errors = [error.message]
        else:
            flash(_("Anhang „%(name)s“ gespeichert.", name=attachment.original_name), "success")
            return redirect(url_for(".detail", slug=slug, application_id=app.id) + "#anhaenge")
    return _render_detail(neighbourhood, app, upload_form=form, status=422)


@bp.get("/quartiere/<slug>/antraege/<int:application_id>/anhaenge/<int:attachment_id>")
@login_required
def download(slug, application_id, attachment_id):
    neighbourhood, app = _load(slug, application_id, Action.READ)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != app.id:
        abort(404)
    return attachments.send_stored(attachment) or abort(404)


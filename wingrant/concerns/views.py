"""The QM's pages of the concerns register, and the quick form under "Wünsche und Anliegen".

The meeting pages (a lower layer) do not import this feature: they include
``concerns/_at_item.html``, which reads the template globals registered here.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..applications import queries as application_queries
from ..applications.services import InvalidApplication
from ..auth.permissions import Action, authorize, can, scoped_or_404
from ..errors import DomainError
from ..fields import show_error_at, whole_number
from ..organisations import queries as organisation_queries
from . import forms, queries, rules, services
from .labels import STATUSES, status_text
from .models import Concern, ConcernStatus

bp = Blueprint("concerns", __name__)

#: The seam for "turn a concern into a resolution" (Beschluss ohne Antrag, another feature): the
#: resolutions feature registers ``app.extensions[RESOLUTION_SEAM] = lambda concern: url`` (a form
#: prefilled from the concern, e.g. ``?anliegen=<id>``); the concern page then shows the button.
#: Storing the link back (``Concern.resolution_id``) belongs to that feature's migration.
RESOLUTION_SEAM = "wingrant.concern_to_resolution"


@bp.app_template_global()
def concerns_at_item(item_id: int) -> list[Concern]:
    return queries.concerns_at_item(item_id)


@bp.app_template_global()
def concern_quick_form() -> forms.QuickConcernForm:
    return forms.QuickConcernForm(formdata=None, prefix="anliegen")


@bp.app_template_global()
def concern_of_application(application_id: int) -> Concern | None:
    return queries.concern_of_application(application_id)


@bp.app_template_global()
def concern_office_suggestions() -> list[str]:
    return queries.office_suggestions()


@bp.app_template_global()
def concern_status_text(status: ConcernStatus, office: str = "") -> str:
    return status_text(status, office)


@bp.app_context_processor
def _labels():
    return {"CONCERN_STATUSES": STATUSES}


def _resolution_url(concern: Concern) -> str | None:
    """The draft form of a resolution (Beschluss ohne Antrag) on the next open meeting's agenda, prefilled
    from the concern; None while no meeting is planned or invited."""
    build = current_app.extensions.get(RESOLUTION_SEAM)
    if build:
        return build(concern)
    meeting = queries.next_open_meeting(concern.neighbourhood_id, date.today())
    if meeting is None:
        return None
    return url_for("resolutions.create", slug=meeting.neighbourhood.slug, meeting_id=meeting.id,
                   titel=concern.topic, text=concern.description or concern.topic)


def _summary(form) -> list[tuple[str, str]]:
    return [(f.id, message) for f in form for message in f.errors]


@bp.get("/quartiere/<slug>/anliegen")
@login_required
def index(slug):
    neighbourhood = authorize(slug, Action.READ)
    raw = request.args.get("status") or ""
    status = ConcernStatus(raw) if raw in {s.value for s in ConcernStatus} else None
    return render_template("concerns/index.html", neighbourhood=neighbourhood, status=status,
                           concerns=queries.concern_list(neighbourhood.id, status),
                           counts=queries.status_counts(neighbourhood.id),
                           may_record=can(current_user, neighbourhood.id, Action.RECORD_MEETING))


def _item_choices(neighbourhood) -> list[tuple[int, str]]:
    choices = [(0, _("beim Quartiersmanagement (nicht in einer Sitzung)"))]
    for item_id, day, title in queries.residents_items(neighbourhood.id):
        choices.append((item_id, _("in der Sitzung vom %(date)s, %(title)s", date=day.strftime("%d.%m.%Y"),
                                   title=title)))
    return choices


@bp.route("/quartiere/<slug>/anliegen/neu", methods=["GET", "POST"])
@login_required
def create(slug):
    neighbourhood = authorize(slug, Action.RECORD_MEETING)
    form = forms.ConcernForm()
    form.agenda_item_id.choices = _item_choices(neighbourhood)
    if request.method == "GET":
        form.raised_on.data = date.today()
        form.agenda_item_id.data = request.args.get("top", type=whole_number) or 0
    if form.agenda_item_id.data:  # the meeting gives the date
        form.raised_on.validators = []
        form.raised_on.flags.required = False
    if form.validate_on_submit():
        data = services.ConcernInput(form.topic.data, form.description.data or "", form.office.data or "",
                                     form.raised_on.data, form.agenda_item_id.data or None)
        try:
            concern = services.create_concern(neighbourhood, data, user=current_user)
        except DomainError as error:
            if not show_error_at(form, error, "topic"):
                flash(error.message, "error")
        else:
            flash(_("Anliegen „%(topic)s“ aufgenommen.", topic=concern.topic), "success")
            return redirect(url_for(".show", slug=slug, concern_id=concern.id))
    status = 422 if request.method == "POST" else 200
    return render_template("concerns/form.html", neighbourhood=neighbourhood, form=form, summary=_summary(form),
                           offices=queries.office_suggestions()), status


def _render_show(neighbourhood, concern, status=200, follow_up=None, to_application=None):
    follow_up = follow_up or forms.FollowUpForm(formdata=None, date=date.today())
    to_application = to_application or forms.ToApplicationForm(formdata=None, year=date.today().year)
    to_application.organisation_id.choices = [(0, _("– Träger auswählen –"))] + [
        (oid, name) for oid, name in organisation_queries.organisation_names()]
    to_application.year.choices = [(y, str(y)) for y in application_queries.form_years()]
    return render_template(
        "concerns/show.html", neighbourhood=neighbourhood, concern=concern, follow_up=follow_up,
        to_application=to_application, offices=queries.office_suggestions(), resolution_url=_resolution_url(concern),
        may_record=can(current_user, neighbourhood.id, Action.RECORD_MEETING),
        may_apply=can(current_user, neighbourhood.id, Action.MANAGE_APPLICATIONS),
    ), status


@bp.get("/quartiere/<slug>/anliegen/<int:concern_id>")
@login_required
def show(slug, concern_id):
    neighbourhood = authorize(slug, Action.READ)
    return _render_show(neighbourhood, scoped_or_404(Concern, concern_id, neighbourhood))


@bp.post("/quartiere/<slug>/anliegen/<int:concern_id>/schritte")
@login_required
def add_follow_up(slug, concern_id):
    neighbourhood = authorize(slug, Action.RECORD_MEETING)
    concern = scoped_or_404(Concern, concern_id, neighbourhood)
    form = forms.FollowUpForm()
    if form.validate_on_submit():
        step = rules.Step(form.date.data, ConcernStatus(form.status.data), form.office.data or "",
                          form.note.data or "")
        try:
            services.add_follow_up(concern.id, step, user=current_user)
        except DomainError as error:
            if not show_error_at(form, error, "note"):
                flash(error.message, "error")
        else:
            flash(_("Schritt eingetragen: %(status)s.", status=STATUSES[step.status]), "success")
            return redirect(url_for(".show", slug=slug, concern_id=concern.id, _anchor="verlauf"))
    return _render_show(neighbourhood, concern, 422, follow_up=form)


@bp.post("/quartiere/<slug>/anliegen/<int:concern_id>/antrag")
@login_required
def to_application(slug, concern_id):
    neighbourhood = authorize(slug, Action.MANAGE_APPLICATIONS)
    concern = scoped_or_404(Concern, concern_id, neighbourhood)
    if concern.application_id is not None:  # the form is gone from the page: say so where it was
        flash(_("Aus diesem Anliegen ist schon ein Antrag entstanden."), "error")
        return redirect(url_for(".show", slug=slug, concern_id=concern.id))
    form = forms.ToApplicationForm()
    if form.validate_on_submit() and form.organisation_id.data:
        try:
            application = services.turn_into_application(concern.id, form.organisation_id.data, form.year.data,
                                                         user=current_user)
        except InvalidApplication as error:
            form.organisation_id.errors = [*form.organisation_id.errors, *(p.message for p in error.problems)]
        except DomainError as error:
            if not show_error_at(form, error, "organisation_id"):
                flash(error.message, "error")
        else:
            flash(_("Antragsentwurf %(reference)s aus dem Anliegen angelegt: bitte vervollständigen.",
                    reference=application.reference), "success")
            return redirect(url_for("applications.edit", slug=slug, application_id=application.id))
    elif not form.organisation_id.errors:
        form.organisation_id.errors = [_("Bitte einen Träger auswählen.")]
    return _render_show(neighbourhood, concern, 422, to_application=form)


@bp.post("/quartiere/<slug>/sitzungen/<int:meeting_id>/top/<int:item_id>/anliegen")
@login_required
def quick_create(slug, meeting_id, item_id):
    """From the live meeting or the meeting page: back to where the form was, with the result flashed."""
    neighbourhood = authorize(slug, Action.RECORD_MEETING)
    back = (url_for("meetings.show", slug=slug, meeting_id=meeting_id, _anchor=f"top-{item_id}")
            if request.args.get("von") == "sitzung"
            else url_for("live.live", slug=slug, meeting_id=meeting_id, _anchor="anliegen"))
    item = _residents_item_or_404(neighbourhood, meeting_id, item_id)
    form = forms.QuickConcernForm(prefix="anliegen")
    if not form.validate_on_submit():
        for field_errors in form.errors.values():
            for message in field_errors:
                flash(message, "error")
        return redirect(back)
    data = services.ConcernInput(form.topic.data, form.description.data or "", form.office.data or "",
                                 agenda_item_id=item.id)
    try:
        concern = services.create_concern(neighbourhood, data, user=current_user)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Anliegen „%(topic)s“ aufgenommen.", topic=concern.topic), "success")
    return redirect(back)


def _residents_item_or_404(neighbourhood, meeting_id: int, item_id: int):
    try:
        item = services.raising_item(neighbourhood.id, item_id)
    except DomainError:
        abort(404)
    if item.meeting_id != meeting_id:
        abort(404)
    return item

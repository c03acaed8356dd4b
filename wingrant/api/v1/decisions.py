"""The forum's decisions on the agenda's applications: outcome, reopening, objections, recusals.

The same load → authorize → validate (the UI's forms) → one service call as the
meeting pages (``meetings/views.py``, ``live_views.py``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from ...auth.permissions import Action, authorize
from ...extensions import db
from ...meetings import consensus, decisions, outcome_input, queries
from ...meetings.forms import ObjectionForm, RecusalForm, ReopenForm
from ...meetings.models import AgendaItem, AttendeeGroup, Decision, Meeting, Objection, Recusal
from ...money import format_plain
from . import schema as s
from .core import ApiError, Param, iso, ok, paginate_query, route
from .forms_input import FormInput, Keyed, run_form
from .meetings import GROUPS, ITEM_PATH, OUTCOMES, load_meeting

# --- schemas ---------------------------------------------------------------------------------

REASON_CATEGORIES = [c.value for c in consensus.ReasonCategory]
REASON_CATEGORY_INPUT = [c.value for c in consensus.REASON_CATEGORY_CHOICES]
REASON_CATEGORY_HELP = ("Warum Geld vertagt, abgelehnt oder gekürzt wurde: lack_of_money (Mittel nicht ausreichend), "
                        "content (inhaltlich), formal (formal/unvollständig), other (sonstiges); Pflicht bei deferred, "
                        "rejected und bei approved_with_changes mit weniger Geld als beantragt. not_recorded: vor "
                        "Einführung erfasst; null: kein Geld zurückgehalten")

AMOUNT = s.obj({"programme_id": s.integer(1), "amount_cents": s.cents()}, ["programme_id", "amount_cents"])
OBJECTION = s.component("Objection", s.obj({
    "id": s.integer(1), "group": s.string(enum=GROUPS, nullable=True), "person_name": s.string(200),
    "reason": s.string(), "consent_to_publish": s.boolean(), "withdrawn": s.boolean(), "created_at": s.datetime_(),
}, ["id", "group", "person_name", "reason", "consent_to_publish", "withdrawn", "created_at"]))
RECUSAL = s.component("Recusal", s.obj({
    "id": s.integer(1), "person_name": s.string(200), "organisation": s.string(200), "reason": s.string(),
    "consent_to_publish": s.boolean(),
}, ["id", "person_name", "organisation", "reason", "consent_to_publish"]))
DECISION = s.component("Decision", s.obj({
    "id": {**s.integer(1, nullable=True), "description": "null, solange der Antrag nicht beraten ist"},
    "meeting_id": s.integer(1), "agenda_item_id": s.integer(1), "application_id": s.integer(1),
    "outcome": s.string(enum=OUTCOMES, nullable=True), "reason": s.string(),
    "reason_category": {**s.string(enum=REASON_CATEGORIES, nullable=True),
                        "description": REASON_CATEGORY_HELP},
    "conditions": s.string(), "decided_at": s.datetime_(nullable=True), "votes_yes": s.integer(0, nullable=True),
    "votes_no": s.integer(0, nullable=True), "votes_abstain": s.integer(0, nullable=True),
    "amounts": s.array(AMOUNT, 100), "objections": s.array(OBJECTION, 10_000), "recusals": s.array(RECUSAL, 10_000),
}, ["id", "meeting_id", "agenda_item_id", "application_id", "outcome", "reason", "reason_category", "conditions",
    "decided_at",
    "votes_yes", "votes_no", "votes_abstain", "amounts", "objections", "recusals"]))
OUTCOME_INPUT = s.component("OutcomeInput", s.obj({
    "outcome": s.string(enum=OUTCOMES),
    "amounts": {**s.array(AMOUNT, 50), "description": "Nur bei approved_with_changes: bewilligte Cent je Programm"},
    "conditions": s.string(10_000), "reason": s.string(10_000),
    "reason_category": {**s.string(enum=REASON_CATEGORY_INPUT), "description": REASON_CATEGORY_HELP},
    "votes_yes": s.integer(0, 100_000, nullable=True), "votes_no": s.integer(0, 100_000, nullable=True),
    "votes_abstain": s.integer(0, 100_000, nullable=True),
    "correction_reason": {**s.string(2000), "description": "Pflicht, wenn ein erfasster Beschluss korrigiert wird"},
}, ["outcome"]))

# --- the UI forms that validate the bodies, field by field --------------------------------------

OUTCOME_FORM = FormInput({
    **{name: name for name in ("outcome", "conditions", "reason", "reason_category", "correction_reason",
                               "votes_yes", "votes_no", "votes_abstain")},
    "amounts": Keyed("programme_id", "amount_cents", "amount_", format_plain)}, prefix="outcome")
REOPEN_FORM = FormInput({"reason": "reopen_reason"})
OBJECTION_FORM = FormInput({name: name for name in ("group", "person_name", "reason", "consent_to_publish")})
RECUSAL_FORM = FormInput({name: name for name in ("person_name", "organisation", "reason", "consent_to_publish")})

# --- serializers -----------------------------------------------------------------------------


def decision_json(d: Decision, meeting_id: int) -> dict:
    return {
        "id": d.id, "meeting_id": meeting_id, "agenda_item_id": d.agenda_item_id, "application_id": d.application_id,
        "outcome": d.outcome.value if d.outcome else None, "reason": d.reason,
        "reason_category": d.reason_category.value if d.reason_category else None, "conditions": d.conditions,
        "decided_at": iso(d.decided_at), "votes_yes": d.votes_yes, "votes_no": d.votes_no,
        "votes_abstain": d.votes_abstain,
        "amounts": [{"programme_id": a.programme_id, "amount_cents": a.amount_cents}
                    for a in sorted(d.amounts, key=lambda a: a.programme_id)],
        "objections": [_objection_json(o) for o in sorted(d.objections, key=lambda o: o.id)],
        "recusals": [{"id": r.id, "person_name": r.person_name, "organisation": r.organisation, "reason": r.reason,
                      "consent_to_publish": r.consent_to_publish} for r in sorted(d.recusals, key=lambda r: r.id)],
    }


# --- decisions -------------------------------------------------------------------------------


def _decision_of(meeting_id: int, item_id: int) -> Decision:
    """The item's decision; an item not yet deliberated has none stored and reads as undecided."""
    db.session.expire_all()
    decision = db.session.execute(
        sa.select(Decision).where(Decision.agenda_item_id == item_id)
        .options(selectinload(Decision.amounts), selectinload(Decision.objections), selectinload(Decision.recusals))
    ).scalar_one_or_none()
    if decision is None:
        item = db.session.get(AgendaItem, item_id)
        return Decision(id=None, agenda_item_id=item_id, application_id=item.application_id, outcome=None,
                        reason="", conditions="", amounts=[], objections=[], recusals=[])
    return decision


def _application_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.session.get(AgendaItem, item_id)
    if item is None or item.meeting_id != meeting.id or item.application_id is None:
        raise ApiError(404)
    return item


@route("GET", "/neighbourhoods/<slug>/decisions", summary="Beschlüsse eines Quartiers (neueste zuerst)",
       tag="Beschlüsse", response=DECISION, paginated=True,
       query=(Param("application_id", s.integer(1)), Param("outcome", s.string(enum=OUTCOMES))))
def list_decisions(slug, args):
    nb = authorize(slug, Action.READ)
    stmt = (sa.select(Decision, Meeting.id).join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
            .join(Meeting, AgendaItem.meeting_id == Meeting.id)
            .where(Meeting.neighbourhood_id == nb.id, Decision.outcome.is_not(None))
            .options(selectinload(Decision.amounts), selectinload(Decision.objections),
                     selectinload(Decision.recusals))
            .order_by(Meeting.date.desc(), Decision.id.desc()))
    if args["application_id"] is not None:
        stmt = stmt.where(Decision.application_id == args["application_id"])
    if args["outcome"] is not None:
        stmt = stmt.where(Decision.outcome == consensus.Outcome(args["outcome"]))
    return paginate_query(stmt, args, lambda row: decision_json(row[0], row[1]), scalars=False)


@route("GET", ITEM_PATH + "/decision", summary="Beratung und Beschluss zu einem Antrag", tag="Beschlüsse",
       response=DECISION)
def get_decision(slug, meeting_id, item_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.READ)
    _application_item(meeting, item_id)
    return ok(decision_json(_decision_of(meeting.id, item_id), meeting.id))


@route("PUT", ITEM_PATH + "/decision", summary="Beschluss erfassen oder korrigieren (bucht die Mittelbindung)",
       tag="Beschlüsse", response=DECISION, body=OUTCOME_INPUT, form=OUTCOME_FORM,
       description="Konsens: Ein stehender Einwand blockiert die Zustimmung. Bei approved bindet der Beschluss "
                   "die beantragten Beträge im Budget, bei approved_with_changes die unter amounts genannten.")
def record_outcome(slug, meeting_id, item_id, data):
    nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    item = _application_item(meeting, item_id)
    rows = [r for r in queries.agenda(meeting) if r.item.id == item.id]
    money = queries.money_for(rows, nb)[item.id]
    assessment = consensus.assess(queries.deliberation(rows[0].decision, item.application, meeting))
    programmes = outcome_input.programmes_of(money)
    known = {p.id for p in programmes}
    errors = {f"amounts[{i}].programme_id": [str(_not_requested())] for i, a in enumerate(data.get("amounts", []))
              if a["programme_id"] not in known}
    if errors:
        raise ApiError(422, None, errors)
    if data["outcome"] == consensus.Outcome.APPROVED.value:
        # "approved" books what was asked for; other amounts are a decision "with changes".
        requested = queries.requested_amounts(item.application)
        differing = {f"amounts[{i}].amount_cents": [str(_changed_amounts())]
                     for i, a in enumerate(data.get("amounts", []))
                     if requested.get(a["programme_id"]) != a["amount_cents"]}
        if differing:
            raise ApiError(422, str(_changed_amounts()), differing)
    form = run_form(lambda **kwargs: outcome_input.form_for(rows[0], money, assessment, **kwargs), data)
    decisions.record_outcome(meeting, item_id, outcome_input.outcome_data(form, programmes), user=current_user)
    return ok(decision_json(_decision_of(meeting_id, item_id), meeting_id))


def _changed_amounts():
    return _("Mit „approved“ wird der beantragte Betrag beschlossen. Für andere Beträge bitte "
             "„approved_with_changes“ senden.")


def _not_requested():
    return _("Aus diesem Förderprogramm wurde für diesen Antrag nichts beantragt.")


@route("POST", ITEM_PATH + "/decision/reopen", summary="Beschluss zurücknehmen (vor Genehmigung des Protokolls)",
       tag="Beschlüsse", response=DECISION, body=s.obj({"reason": s.string(2000)}, ["reason"]), form=REOPEN_FORM)
def reopen_decision(slug, meeting_id, item_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    _application_item(meeting, item_id)
    form = run_form(ReopenForm, data)
    decisions.reopen_decision(meeting, item_id, form.reopen_reason.data, user=current_user)
    return ok(decision_json(_decision_of(meeting_id, item_id), meeting_id))


@route("POST", ITEM_PATH + "/objections", summary="Einwand erfassen", tag="Beschlüsse", response=OBJECTION,
       status=201, body=s.obj({"group": s.string(enum=GROUPS, nullable=True), "person_name": s.string(200),
                               "reason": s.string(10_000), "consent_to_publish": s.boolean()}, []),
       form=OBJECTION_FORM)
def add_objection(slug, meeting_id, item_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    _application_item(meeting, item_id)
    form = run_form(ObjectionForm, data)
    objection = decisions.record_objection(meeting, item_id, decisions.ObjectionData(
        group=AttendeeGroup(form.group.data) if form.group.data else None, person_name=form.person_name.data or "",
        reason=form.reason.data or "", consent_to_publish=form.consent_to_publish.data), user=current_user)
    db.session.expire_all()
    return ok(_objection_json(db.session.get(Objection, objection.id)), 201)


def _objection_json(o: Objection) -> dict:
    return {"id": o.id, "group": o.group.value if o.group else None, "person_name": o.person_name,
            "reason": o.reason, "consent_to_publish": o.consent_to_publish, "withdrawn": o.withdrawn,
            "created_at": iso(o.created_at)}


@route("POST", ITEM_PATH + "/objections/<int:objection_id>/withdraw", summary="Einwand zurückziehen",
       tag="Beschlüsse", response=OBJECTION)
def withdraw_objection(slug, meeting_id, item_id, objection_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    _application_item(meeting, item_id)
    decisions.withdraw_objection(meeting, item_id, objection_id, user=current_user)
    db.session.expire_all()
    return ok(_objection_json(db.session.get(Objection, objection_id)))


@route("POST", ITEM_PATH + "/recusals", summary="Befangenheit erfassen", tag="Beschlüsse", response=RECUSAL,
       status=201, body=s.obj({"person_name": s.string(200), "organisation": s.string(200),
                               "reason": s.string(10_000), "consent_to_publish": s.boolean()}, ["person_name"]),
       form=RECUSAL_FORM)
def add_recusal(slug, meeting_id, item_id, data):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    _application_item(meeting, item_id)
    form = run_form(RecusalForm, data)
    recusal = decisions.record_recusal(meeting, item_id, decisions.RecusalData(
        person_name=form.person_name.data, organisation=form.organisation.data or "", reason=form.reason.data or "",
        consent_to_publish=form.consent_to_publish.data), user=current_user)
    r = db.session.get(Recusal, recusal.id)
    return ok({"id": r.id, "person_name": r.person_name, "organisation": r.organisation, "reason": r.reason,
               "consent_to_publish": r.consent_to_publish}, 201)


@route("DELETE", ITEM_PATH + "/recusals/<int:recusal_id>", summary="Befangenheit entfernen", tag="Beschlüsse",
       status=204)
def remove_recusal(slug, meeting_id, item_id, recusal_id):
    _nb, meeting = load_meeting(slug, meeting_id, Action.RECORD_MEETING)
    _application_item(meeting, item_id)
    decisions.remove_recusal(meeting, item_id, recusal_id, user=current_user)
    return "", 204

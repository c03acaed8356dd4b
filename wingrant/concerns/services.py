"""Writes of the concerns register: record a concern, append a follow-up, turn it into an application.

Each write checks the permission, runs in one unit of work and is audited. Recording and following
up concerns is meeting work (``Action.RECORD_MEETING``: the QM and the minute-taker); turning a
concern into an application draft is application work (``Action.MANAGE_APPLICATIONS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from ..applications import rules as application_rules
from ..applications import services as application_services
from ..applications.models import Application
from ..audit import services as audit
from ..auth.permissions import Action, can
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError, NotAllowed
from ..extensions import db
from ..meetings.models import AgendaItem, AgendaItemKind, Meeting
from ..neighbourhoods.models import Neighbourhood
from . import rules
from .models import Concern, ConcernFollowUp, ConcernStatus


@dataclass(frozen=True)
class ConcernInput:
    topic: str
    description: str = ""
    office: str = ""
    raised_on: date | None = None
    #: The "Wünsche und Anliegen" item it was raised under (its meeting's date is the day raised).
    agenda_item_id: int | None = None


def _require(user, neighbourhood_id: int, action: Action = Action.RECORD_MEETING) -> None:
    if not can(user, neighbourhood_id, action):
        raise NotAllowed(_("Sie dürfen die Anliegen dieses Quartiers nicht bearbeiten."))


def _steps(concern: Concern) -> list[rules.Step]:
    return [rules.Step(f.date, f.status, f.office, f.note) for f in concern.follow_ups]


def raising_item(neighbourhood_id: int, agenda_item_id: int) -> AgendaItem:
    """The agenda item a concern is raised under: of this neighbourhood, and one for residents' concerns."""
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None or item.meeting.neighbourhood_id != neighbourhood_id:
        raise DomainError(_("Diesen Tagesordnungspunkt gibt es in diesem Quartier nicht."), field="agenda_item_id")
    if item.kind != AgendaItemKind.RESIDENTS:
        raise DomainError(_("Anliegen werden unter „Wünsche und Anliegen“ aufgenommen."), field="agenda_item_id")
    return item


def create_concern(neighbourhood: Neighbourhood, data: ConcernInput, *, user, today: date | None = None) -> Concern:
    """Record a concern; its first follow-up ("aufgenommen") is written with it."""
    _require(user, neighbourhood.id)
    today = today or date.today()
    with unit_of_work():
        raised_on = data.raised_on
        if data.agenda_item_id is not None:
            item = raising_item(neighbourhood.id, data.agenda_item_id)
            raised_on = db.session.get(Meeting, item.meeting_id).date
        if raised_on is None:
            raise DomainError(_("Bitte das Datum angeben, an dem das Anliegen vorgebracht wurde."), field="raised_on")
        if raised_on > today:
            raise DomainError(_("Ein Anliegen kann nicht in der Zukunft vorgebracht werden."), field="raised_on")
        if not data.topic.strip():
            raise DomainError(_("Bitte das Thema des Anliegens angeben."), field="topic")
        concern = Concern(neighbourhood_id=neighbourhood.id, topic=data.topic.strip(),
                          description=data.description.strip(), raised_on=raised_on,
                          agenda_item_id=data.agenda_item_id, status=ConcernStatus.RECORDED,
                          office=data.office.strip(), created_by_id=getattr(user, "id", None))
        db.session.add(concern)
        db.session.flush()
        db.session.add(ConcernFollowUp(concern_id=concern.id, date=raised_on, status=ConcernStatus.RECORDED,
                                       office=concern.office, created_by_id=getattr(user, "id", None)))
        audit.record("concern.create", user=user, obj=concern, neighbourhood_id=neighbourhood.id,
                     after={"topic": concern.topic, "raised_on": raised_on.isoformat(),
                            "agenda_item_id": data.agenda_item_id})
    return concern


def add_follow_up(concern_id: int, step: rules.Step, *, user, today: date | None = None) -> ConcernFollowUp:
    """Append a dated step; the concern's status and office follow it. Refused steps change nothing."""
    with unit_of_work():
        concern = lock_row(Concern, concern_id)
        _require(user, concern.neighbourhood_id)
        step = rules.Step(step.date, step.status, step.office.strip(), step.note.strip())
        problems = rules.follow_up_problems(step, _steps(concern), raised_on=concern.raised_on,
                                            today=today or date.today())
        if problems:
            raise DomainError(problems[0].message, field=problems[0].field)
        follow_up = ConcernFollowUp(concern_id=concern.id, date=step.date, status=step.status, office=step.office,
                                    note=step.note, created_by_id=getattr(user, "id", None))
        db.session.add(follow_up)
        before = {"status": concern.status.value, "office": concern.office}
        concern.status = step.status
        concern.office = step.office or concern.office
        concern.updated_at = utcnow()
        audit.record("concern.follow_up", user=user, obj=concern, neighbourhood_id=concern.neighbourhood_id,
                     before=before, after={"status": concern.status.value, "office": concern.office,
                                           "date": step.date.isoformat()})
    return follow_up


def turn_into_application(concern_id: int, organisation_id: int, year: int, *, user,
                          today: date | None = None) -> Application:
    """A new application draft with the concern's topic and text; both point to each other from now on.

    The concern records the step ("in einen Projektantrag überführt") and stays as it is otherwise:
    the forum still decides on the application, and the concern is done when the QM says so.
    """
    with unit_of_work():
        concern = lock_row(Concern, concern_id)
        _require(user, concern.neighbourhood_id, Action.MANAGE_APPLICATIONS)
        if concern.application_id is not None:
            raise DomainError(_("Aus diesem Anliegen ist schon ein Antrag entstanden."), field="organisation_id")
        data = application_rules.ApplicationInput(
            organisation_id=organisation_id, title=concern.topic[:200], year=year,
            description=concern.description,
        )
        application = application_services.create_application(concern.neighbourhood, data, user=user)
        concern.application_id = application.id
        concern.updated_at = utcnow()
        day = max(today or date.today(), concern.follow_ups[-1].date if concern.follow_ups else concern.raised_on)
        db.session.add(ConcernFollowUp(
            concern_id=concern.id, date=day, status=concern.status, office=concern.office,
            note=_("In den Projektantrag %(reference)s überführt.", reference=application.reference),
            created_by_id=getattr(user, "id", None)))
        audit.record("concern.to_application", user=user, obj=concern, neighbourhood_id=concern.neighbourhood_id,
                     after={"application_id": application.id, "reference": application.reference})
    return application

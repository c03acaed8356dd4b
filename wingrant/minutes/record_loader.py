"""The minutes as one plain record, read from the meeting in a fixed number of queries.

``minutes_record`` reads everything the minutes show — header, attendance,
agenda with notes and decisions, the budget table — into the frozen dataclasses
of ``record``, with the same number of SQL statements however long the agenda
is. Templates (the HTML page and the PDF) render only this record, never ORM
objects, so nothing can lazy-load a name the record left out.

The money per programme is read as the published decisions read it
(``published.load_amounts``), and ``published.for_audience`` (which
``minutes_record`` applies) is the one place where data protection is applied:
the public record keeps residents' names only with recorded consent and holds
no contact data at all (the record never carries any).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from ..applications import easy_language
from ..applications.models import Application, EasySummary
from ..concerns.queries import open_concerns_on
from ..extensions import db
from ..meetings import consensus
from ..meetings.models import (
    AgendaItem,
    Attendance,
    AttendeeGroup,
    Decision,
    HeadCount,
    Meeting,
    Objection,
    Recusal,
    Resolution,
)
from ..meetings.queries import top_numbers
from ..neighbourhoods.models import Neighbourhood, Programme
from ..organisations.models import Organisation
from .budget_lines import budget_lines, committed_by_decision
from .models import Minutes, MinutesState
from .published import for_audience, is_recused, load_amounts
from .record import (
    AgendaEntry,
    ApplicationEntry,
    AttendanceSummary,
    GroupCount,
    Header,
    MinutesRecord,
    ObjectionEntry,
    Person,
    ProgrammeAmount,
    RecusalEntry,
)
from .resolutions import minuted


def _primary_programme(requested: dict[int, int], programmes: dict[int, Programme]) -> Programme | None:
    """The programme an application asks most money from (ties: display order)."""
    if not requested:
        return None
    best = min(requested, key=lambda pid: (-requested[pid], programmes[pid].position, programmes[pid].code))
    return programmes[best]


def _person(attendance: Attendance) -> Person:
    return Person(attendance.name, attendance.organisation, attendance.group, attendance.consent_to_publish)


def _load(meeting_id: int) -> MinutesRecord | None:
    """The full (internal) record of a meeting's minutes; ``None`` if there is no such meeting."""
    approving = aliased(Meeting, name="approving_meeting")
    head = db.session.execute(
        sa.select(Meeting, Neighbourhood, Minutes, approving.date)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .outerjoin(Minutes, Minutes.meeting_id == Meeting.id)
        .outerjoin(approving, Minutes.approved_in_meeting_id == approving.id)
        .where(Meeting.id == meeting_id)
    ).one_or_none()
    if head is None:
        return None
    meeting, nb, minutes, approved_in_date = head

    rows = db.session.execute(
        sa.select(AgendaItem, Application, Organisation.name, Decision, Resolution, easy_language.CHECKED_TEXT)
        .outerjoin(Application, AgendaItem.application_id == Application.id)
        .outerjoin(Organisation, Application.organisation_id == Organisation.id)
        .outerjoin(Decision, Decision.agenda_item_id == AgendaItem.id)
        .outerjoin(Resolution, Resolution.agenda_item_id == AgendaItem.id)
        .outerjoin(EasySummary, EasySummary.application_id == Application.id)
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()
    resolutions = minuted([row[4] for row in rows if row[4] is not None])
    easy = {row[1].id: row[5] for row in rows if row[1] is not None and row[5]}
    items = [row[:4] for row in rows]
    app_ids = [a.id for _i, a, _o, _d in items if a is not None]
    decision_ids = [d.id for _i, _a, _o, d in items if d is not None]

    book = load_amounts(app_ids, decision_ids)
    committed = committed_by_decision(decision_ids)

    recusals: dict[int, list[RecusalEntry]] = {}
    for r in db.session.execute(
        sa.select(Recusal).where(Recusal.decision_id.in_(decision_ids)).order_by(Recusal.id)
    ).scalars():
        recusals.setdefault(r.decision_id, []).append(
            RecusalEntry(r.person_name, r.organisation, r.reason, r.consent_to_publish))
    objections: dict[int, list[ObjectionEntry]] = {}
    for o in db.session.execute(
        sa.select(Objection).where(Objection.decision_id.in_(decision_ids)).order_by(Objection.created_at, Objection.id)
    ).scalars():
        pure_recusals = (consensus.Recusal(r.name, r.organisation) for r in recusals.get(o.decision_id, ()))
        objections.setdefault(o.decision_id, []).append(
            ObjectionEntry(o.group, o.person_name, o.reason, o.withdrawn, o.consent_to_publish,
                           recused=is_recused(o.group, o.person_name, pure_recusals)))

    agenda = []
    last_group = None
    for (item, application, org_name, decision), (number, is_header) in zip(items, top_numbers([i[0] for i in items])):
        entry = None
        group_heading = ""
        if application is not None:
            asked = book.requested.get(application.id, {})
            amounts = tuple(
                ProgrammeAmount(a.programme_id, a.code, a.name, a.requested, a.approved,
                                committed.get((decision.id, a.programme_id), 0) if decision else 0)
                for a in book.amounts(application.id, decision.id if decision else None,
                                      decision.outcome if decision else None)
            )
            primary = _primary_programme(asked, book.programmes)
            group = f"{primary.name} {application.year}" if primary else str(application.year)
            if group != last_group:
                group_heading = group
            last_group = group
            votes = None
            if decision is not None and decision.votes_yes is not None:
                votes = (decision.votes_yes, decision.votes_no or 0, decision.votes_abstain or 0)
            entry = ApplicationEntry(
                application_id=application.id, reference=application.reference, title=application.title,
                organisation=org_name or "", summary=application.summary, year=application.year, amounts=amounts,
                decision_id=decision.id if decision else None,
                outcome=decision.outcome if decision else None,
                reason=decision.reason if decision else "",
                conditions=decision.conditions if decision else "",
                votes=votes,
                objections=tuple(objections.get(decision.id, ())) if decision else (),
                recusals=tuple(recusals.get(decision.id, ())) if decision else (),
                easy_summary=easy.get(application.id, ""),
                reason_category=decision.reason_category if decision else None,
            )
        else:
            last_group = None
        agenda.append(AgendaEntry(item.id, number, item.kind, item.title, item.notes or "", is_header,
                                  group_heading, entry, resolutions.get(item.id)))

    counts = tuple(
        GroupCount(group, count)
        for group, count in db.session.execute(
            sa.select(HeadCount.group, HeadCount.count).where(HeadCount.meeting_id == meeting.id)
        )
    )
    order = list(AttendeeGroup)
    counts = tuple(sorted(counts, key=lambda c: order.index(c.group)))
    people = db.session.execute(
        sa.select(Attendance).where(Attendance.meeting_id == meeting.id).order_by(Attendance.group, Attendance.name)
    ).scalars().all()
    attendance = AttendanceSummary(
        counts=counts,
        present=tuple(_person(p) for p in people if not p.apologised),
        apologies=tuple(_person(p) for p in people if p.apologised),
    )

    years = {meeting.date.year} | {a.year for _i, a, _o, _d in items if a is not None}
    budgets = tuple(budget_lines(meeting, years))

    next_date = minutes.next_meeting_date if minutes else None
    scheduled = db.session.execute(
        sa.select(sa.func.min(Meeting.date))
        .where(Meeting.neighbourhood_id == meeting.neighbourhood_id, Meeting.date > meeting.date)
    ).scalar_one()

    return MinutesRecord(
        meeting_id=meeting.id,
        minutes_id=minutes.id if minutes else None,
        state=minutes.state if minutes else MinutesState.DRAFT,
        meeting_state=meeting.state,
        header=Header(
            neighbourhood_id=nb.id, neighbourhood=nb.name, slug=nb.slug, forum=nb.forum_name,
            office_name=nb.office_name or "", office_address=nb.office_address or "", date=meeting.date,
            starts_at=meeting.starts_at, ends_at=meeting.ends_at, place=meeting.place or "",
            address=meeting.address or "", online=meeting.online,
        ),
        attendance=attendance,
        agenda=tuple(agenda),
        budgets=budgets,
        introduction=minutes.introduction if minutes else "",
        closing_remarks=minutes.closing_remarks if minutes else "",
        next_meeting_date=next_date or scheduled,
        next_meeting_date_recorded=next_date,
        approved_at=minutes.approved_at if minutes else None,
        approved_in_meeting_date=approved_in_date,
        published_at=minutes.published_at if minutes else None,
        concerns=tuple(open_concerns_on(nb.id, meeting.date, meeting_id=meeting.id)),
    )


def minutes_record(meeting_id: int, *, public: bool) -> MinutesRecord | None:
    """Load and reduce in one call: what the views and the renderer use."""
    record = _load(meeting_id)
    return None if record is None else for_audience(record, public=public)

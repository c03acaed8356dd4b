"""Personal data: retention (anonymise what has expired) and export on request (Art. 15 DSGVO).

Personal data are the names (and addresses) of attendees, objecting and recused people, the
authors of objections to draft minutes, the contact persons of organisations, the applicants'
contact addresses and the subscribers of the forums' mailing lists. They expire
``PERSONAL_DATA_RETENTION_DAYS`` after the meeting (or the last change of the application /
organisation, or the unsubscription). An unconfirmed subscription is deleted after
``subscriptions.services.CONFIRM_DAYS``: nobody agreed to anything, there is nothing to prove.
Anonymising overwrites only those fields: decisions, amounts, objections' reasons and groups, and
the ledger stay as they are, so the public record keeps its meaning. Subscribers are deleted
(nothing else refers to them).

Names also end up in free text (a decision's reason, minutes notes, a public summary, a concern
and its follow-ups, which store no name of their own). Those texts
are never edited here: published minutes are append-only and a machine cannot tell a resident's
name from a street named after someone. Both the export and the anonymisation list the free-text
matches (table, field, id, excerpt) for a person to review and, where needed, correct by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..applications.models import Application, ApplicationComment
from ..audit import services as audit
from ..auth.models import User
from ..concerns.models import Concern, ConcernFollowUp
from ..database import unit_of_work
from ..extensions import db
from ..mail.models import MailStatus, OutboxMail
from ..meetings.models import (
    AgendaItem,
    Attendance,
    Decision,
    Meeting,
    Objection,
    Recusal,
    Resolution,
    ResolutionObjection,
    ResolutionRecusal,
)
from ..minutes.models import Minutes, MinutesObjection, MinutesVersion
from ..neighbourhoods.models import Neighbourhood
from ..organisations.models import Organisation
from ..subscriptions.models import Subscriber
from ..subscriptions.services import CONFIRM_DAYS

ANONYMISED = "[anonymisiert]"

#: Free-text columns that may name a person; most of them end up public (minutes, portal, API).
FREE_TEXT_FIELDS = (
    (Meeting, "invitation_text"), (AgendaItem, "notes"), (Decision, "reason"), (Decision, "conditions"),
    (Objection, "reason"), (Recusal, "reason"), (Minutes, "introduction"), (Minutes, "closing_remarks"),
    (MinutesVersion, "reason"), (MinutesObjection, "text"), (Application, "summary"),
    (Application, "description"), (Application, "goals"), (Application, "target_groups"),
    (ApplicationComment, "body"), (Concern, "topic"), (Concern, "description"), (ConcernFollowUp, "note"),
    (ConcernFollowUp, "office"),
)
#: Shorter names ("Al", "Jo") match too many ordinary words to be worth a reviewer's time.
MIN_NAME_LENGTH = 3
EXCERPT_CONTEXT = 40


@dataclass(frozen=True)
class FreeTextMatch:
    table: str
    field: str
    id: int
    name: str
    excerpt: str

    def as_dict(self) -> dict:
        return {"table": self.table, "field": self.field, "id": self.id, "name": self.name,
                "excerpt": self.excerpt}


def _name_pattern(names: Iterable[str]) -> re.Pattern | None:
    """Whole words only, case-insensitive: "Ali" must not flag "Qualität"."""
    wanted = sorted({n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH and n.strip() != ANONYMISED},
                    key=len, reverse=True)
    if not wanted:
        return None
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(n) for n in wanted) + r")(?!\w)", re.IGNORECASE)


def _excerpt(text: str, start: int, end: int) -> str:
    left, right = max(0, start - EXCERPT_CONTEXT), min(len(text), end + EXCERPT_CONTEXT)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def find_names_in_free_text(names: Iterable[str]) -> list[FreeTextMatch]:
    """Every place in ``FREE_TEXT_FIELDS`` where one of ``names`` occurs (one match per field and name).

    Matched in Python, not with SQL LIKE: SQLite lowercases only ASCII, and "Müller" must match
    "MÜLLER" on both databases. The texts are a neighbourhood forum's few thousand rows.
    """
    pattern = _name_pattern(names)
    if pattern is None:
        return []
    matches = []
    for model, column_name in FREE_TEXT_FIELDS:
        column = getattr(model, column_name)
        stmt = sa.select(model.id, column).where(column != "").order_by(model.id)
        for row_id, text in db.session.execute(stmt):
            seen = set()
            for m in pattern.finditer(text or ""):
                key = m.group(1).casefold()
                if key in seen:
                    continue
                seen.add(key)
                matches.append(FreeTextMatch(model.__tablename__, column_name, row_id, m.group(1),
                                             _excerpt(text, m.start(), m.end())))
    return matches


def _expired_names(cutoff: date, cutoff_dt: datetime) -> set[str]:
    """Names the system knows of records that expire at ``cutoff`` (read before they are overwritten)."""
    queries = (
        sa.select(Attendance.name).where(Attendance.meeting_id.in_(_meeting_ids_before(cutoff))),
        sa.select(Objection.person_name).where(Objection.decision_id.in_(_decision_ids_before(cutoff))),
        sa.select(Recusal.person_name).where(Recusal.decision_id.in_(_decision_ids_before(cutoff))),
        sa.select(ResolutionObjection.person_name).where(
            ResolutionObjection.resolution_id.in_(_resolution_ids_before(cutoff))),
        sa.select(ResolutionRecusal.person_name).where(
            ResolutionRecusal.resolution_id.in_(_resolution_ids_before(cutoff))),
        sa.select(Organisation.contact_person).where(
            Organisation.created_at < cutoff_dt,
            ~sa.exists().where(Application.organisation_id == Organisation.id, Application.updated_at >= cutoff_dt)),
        sa.select(MinutesObjection.author).where(MinutesObjection.minutes_id.in_(
            sa.select(Minutes.id).where(Minutes.meeting_id.in_(_meeting_ids_before(cutoff))))),
        sa.select(ApplicationComment.author_name).where(ApplicationComment.created_at < cutoff_dt),
    )
    names: set[str] = set()
    for query in queries:
        names.update(n for n in db.session.execute(query).scalars() if n and n != ANONYMISED)
    return names


@dataclass
class RetentionResult:
    cutoff: date
    attendees: int = 0
    objections: int = 0
    recusals: int = 0
    #: Objections and recusals on resolutions without money (Beschluss / Stellungnahme).
    resolution_objections: int = 0
    resolution_recusals: int = 0
    organisations: int = 0
    applications: int = 0
    comments: int = 0
    minutes_objections: int = 0
    unconfirmed_subscribers: int = 0
    unsubscribed_subscribers: int = 0
    mails: int = 0
    #: Free text naming someone whose record expired: for a person to review, never edited here.
    free_text_matches: list[FreeTextMatch] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (self.attendees + self.objections + self.recusals + self.resolution_objections
                + self.resolution_recusals + self.organisations + self.applications
                + self.comments + self.minutes_objections + self.unconfirmed_subscribers
                + self.unsubscribed_subscribers + self.mails)


def _meeting_ids_before(cutoff: date):
    return sa.select(Meeting.id).where(Meeting.date < cutoff)


def _decision_ids_before(cutoff: date):
    return (sa.select(Decision.id).join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id.in_(_meeting_ids_before(cutoff))))


def _resolution_ids_before(cutoff: date):
    return (sa.select(Resolution.id).join(AgendaItem, Resolution.agenda_item_id == AgendaItem.id)
            .where(AgendaItem.meeting_id.in_(_meeting_ids_before(cutoff))))


def anonymise_expired(*, today: date | None = None, dry_run: bool = False, actor=None) -> RetentionResult:
    days = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    cutoff = (today or date.today()) - timedelta(days=days)
    cutoff_dt = datetime.combine(cutoff, datetime.min.time())
    result = RetentionResult(cutoff=cutoff)

    statements = {
        "attendees": sa.update(Attendance)
        .where(Attendance.meeting_id.in_(_meeting_ids_before(cutoff)), Attendance.name != ANONYMISED)
        .values(name=ANONYMISED, organisation="", email="", consent_to_publish=False),
        "objections": sa.update(Objection)
        .where(Objection.decision_id.in_(_decision_ids_before(cutoff)), Objection.person_name != "",
               Objection.person_name != ANONYMISED)
        .values(person_name=ANONYMISED, consent_to_publish=False),
        "recusals": sa.update(Recusal)
        .where(Recusal.decision_id.in_(_decision_ids_before(cutoff)), Recusal.person_name != ANONYMISED)
        .values(person_name=ANONYMISED, consent_to_publish=False),
        "resolution_objections": sa.update(ResolutionObjection)
        .where(ResolutionObjection.resolution_id.in_(_resolution_ids_before(cutoff)),
               ResolutionObjection.person_name != "", ResolutionObjection.person_name != ANONYMISED)
        .values(person_name=ANONYMISED, consent_to_publish=False),
        "resolution_recusals": sa.update(ResolutionRecusal)
        .where(ResolutionRecusal.resolution_id.in_(_resolution_ids_before(cutoff)),
               ResolutionRecusal.person_name != ANONYMISED)
        .values(person_name=ANONYMISED, consent_to_publish=False),
        "organisations": sa.update(Organisation)
        .where(Organisation.created_at < cutoff_dt,
               ~sa.exists().where(Application.organisation_id == Organisation.id,
                                  Application.updated_at >= cutoff_dt),
               sa.or_(Organisation.contact_person != "", Organisation.email != "", Organisation.phone != ""))
        .values(contact_person="", email="", phone=""),
        "applications": sa.update(Application)
        .where(Application.updated_at < cutoff_dt, Application.contact_email != "")
        .values(contact_email="", updated_at=Application.updated_at),  # keep the date: nothing changed in substance
        "comments": sa.update(ApplicationComment)
        .where(ApplicationComment.created_at < cutoff_dt, ApplicationComment.author_name != "",
               ApplicationComment.author_name != ANONYMISED)
        .values(author_name=ANONYMISED),
        "minutes_objections": sa.update(MinutesObjection)
        .where(MinutesObjection.minutes_id.in_(sa.select(Minutes.id).where(
            Minutes.meeting_id.in_(_meeting_ids_before(cutoff)))), MinutesObjection.author != ANONYMISED)
        .values(author=ANONYMISED),
        "unconfirmed_subscribers": sa.delete(Subscriber)
        .where(Subscriber.confirmed_at.is_(None),
               Subscriber.subscribed_at < datetime.combine(today or date.today(), datetime.min.time())
               - timedelta(days=CONFIRM_DAYS)),
        "unsubscribed_subscribers": sa.delete(Subscriber)
        .where(Subscriber.unsubscribed_at < cutoff_dt),
        # A mail names its recipient and often more (a question, a link): gone with the rest. One
        # still waiting to be sent stays, however old, so nothing is lost unseen.
        "mails": sa.delete(OutboxMail)
        .where(OutboxMail.created_at < cutoff_dt, OutboxMail.status != MailStatus.PENDING),
    }
    with unit_of_work() as session:
        result.free_text_matches = find_names_in_free_text(_expired_names(cutoff, cutoff_dt))
        for name, statement in statements.items():
            setattr(result, name, session.execute(statement.execution_options(synchronize_session=False)).rowcount)
        audit.record("privacy.anonymise_expired", user=actor,
                     after={"cutoff": cutoff.isoformat(), "dry_run": dry_run,
                            "free_text_matches": len(result.free_text_matches),
                            **{k: getattr(result, k) for k in statements}})
        if dry_run:
            session.rollback()
    return result


def export_person(who: str) -> dict:
    """Everything stored about a person, found by name or e-mail (case-insensitive, exact)."""
    needle = who.strip().lower()
    if not needle:
        return {}

    def rows(stmt):
        return [dict(r._mapping) for r in db.session.execute(stmt)]

    meeting_cols = (Meeting.date.label("meeting_date"), Meeting.place.label("meeting_place"))
    data = {
        "query": who.strip(),
        "accounts": rows(sa.select(User.email, User.name, User.created_at, User.last_login_at)
                         .where(sa.or_(sa.func.lower(User.email) == needle, sa.func.lower(User.name) == needle))),
        "attendance": rows(sa.select(Attendance.name, Attendance.group, Attendance.organisation, Attendance.email,
                                     Attendance.apologised, Attendance.consent_to_publish, *meeting_cols)
                           .join(Meeting, Attendance.meeting_id == Meeting.id)
                           .where(sa.or_(sa.func.lower(Attendance.name) == needle,
                                         sa.func.lower(Attendance.email) == needle))),
        "minutes_objections": rows(sa.select(MinutesObjection.author, MinutesObjection.text,
                                             MinutesObjection.received_on, *meeting_cols)
                                   .join(Minutes, MinutesObjection.minutes_id == Minutes.id)
                                   .join(Meeting, Minutes.meeting_id == Meeting.id)
                                   .where(sa.func.lower(MinutesObjection.author) == needle)),
        "mails": rows(sa.select(OutboxMail.created_at, OutboxMail.kind, OutboxMail.subject, OutboxMail.status,
                                OutboxMail.sent_at, OutboxMail.body_text)
                      .where(sa.func.lower(OutboxMail.recipient) == needle).order_by(OutboxMail.id)),
        "subscriptions": rows(sa.select(Neighbourhood.name.label("neighbourhood"), Subscriber.email,
                                        Subscriber.language, Subscriber.consent_text, Subscriber.subscribed_at,
                                        Subscriber.confirmed_at, Subscriber.unsubscribed_at)
                              .join(Neighbourhood, Subscriber.neighbourhood_id == Neighbourhood.id)
                              .where(Subscriber.email == needle).order_by(Subscriber.id)),
        "objections": rows(sa.select(Objection.person_name, Objection.reason, Objection.consent_to_publish,
                                     *meeting_cols)
                           .join(Decision, Objection.decision_id == Decision.id)
                           .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
                           .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                           .where(sa.func.lower(Objection.person_name) == needle)),
        "recusals": rows(sa.select(Recusal.person_name, Recusal.organisation, Recusal.reason, *meeting_cols)
                         .join(Decision, Recusal.decision_id == Decision.id)
                         .join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
                         .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                         .where(sa.func.lower(Recusal.person_name) == needle)),
        "resolution_objections": rows(sa.select(ResolutionObjection.person_name, ResolutionObjection.reason,
                                                ResolutionObjection.consent_to_publish, Resolution.title,
                                                *meeting_cols)
                                      .join(Resolution, ResolutionObjection.resolution_id == Resolution.id)
                                      .join(AgendaItem, Resolution.agenda_item_id == AgendaItem.id)
                                      .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                                      .where(sa.func.lower(ResolutionObjection.person_name) == needle)),
        "resolution_recusals": rows(sa.select(ResolutionRecusal.person_name, ResolutionRecusal.organisation,
                                              ResolutionRecusal.reason, Resolution.title, *meeting_cols)
                                    .join(Resolution, ResolutionRecusal.resolution_id == Resolution.id)
                                    .join(AgendaItem, Resolution.agenda_item_id == AgendaItem.id)
                                    .join(Meeting, AgendaItem.meeting_id == Meeting.id)
                                    .where(sa.func.lower(ResolutionRecusal.person_name) == needle)),
        "organisation_contacts": rows(sa.select(Organisation.name, Organisation.contact_person, Organisation.email,
                                                Organisation.phone)
                                      .where(sa.or_(sa.func.lower(Organisation.contact_person) == needle,
                                                    sa.func.lower(Organisation.email) == needle))),
        "application_contacts": rows(sa.select(Application.reference, Application.title, Application.contact_email)
                                     .where(sa.func.lower(Application.contact_email) == needle)),
        "comments": rows(sa.select(ApplicationComment.author_name, ApplicationComment.body,
                                   ApplicationComment.created_at)
                         .where(sa.func.lower(ApplicationComment.author_name) == needle)),
    }
    # Free text names people by name, not by address: look for the names found under the address too.
    names = {who.strip()} | {r["name"] for r in data["accounts"] + data["attendance"] if r.get("name")}
    data["free_text_matches"] = [m.as_dict() for m in find_names_in_free_text(names)]
    return data

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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from ..applications.models import Application, ApplicationComment
from ..audit import services as audit
from ..auth.models import User
from ..database import unit_of_work
from ..extensions import db
from ..mail.models import MailStatus, OutboxMail
from ..meetings.models import AgendaItem, Attendance, Decision, Meeting, Objection, Recusal
from ..minutes.models import Minutes, MinutesObjection
from ..neighbourhoods.models import Neighbourhood
from ..organisations.models import Organisation
from ..subscriptions.models import Subscriber
from ..subscriptions.services import CONFIRM_DAYS

ANONYMISED = "[anonymisiert]"


@dataclass
class RetentionResult:
    cutoff: date
    attendees: int = 0
    objections: int = 0
    recusals: int = 0
    organisations: int = 0
    applications: int = 0
    comments: int = 0
    minutes_objections: int = 0
    unconfirmed_subscribers: int = 0
    unsubscribed_subscribers: int = 0
    mails: int = 0

    @property
    def total(self) -> int:
        return (self.attendees + self.objections + self.recusals + self.organisations + self.applications
                + self.comments + self.minutes_objections + self.unconfirmed_subscribers
                + self.unsubscribed_subscribers + self.mails)


def _meeting_ids_before(cutoff: date):
    return sa.select(Meeting.id).where(Meeting.date < cutoff)


def _decision_ids_before(cutoff: date):
    return (sa.select(Decision.id).join(AgendaItem, Decision.agenda_item_id == AgendaItem.id)
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
        for name, statement in statements.items():
            setattr(result, name, session.execute(statement.execution_options(synchronize_session=False)).rowcount)
        audit.record("privacy.anonymise_expired", user=actor,
                     after={"cutoff": cutoff.isoformat(), "dry_run": dry_run,
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
    return data

"""The account's choice of notices, and the outbox (administrators)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.permissions import Action, can, neighbourhood_ids_for
from ...mail import services
from ...mail.kinds import KINDS, account_kinds, offered_to
from ...mail.models import MailStatus, OutboxMail
from ...mail.recipients import opted_out
from . import schema as s
from .core import ApiError, Param, iso, ok, paginate_query, route

KIND_NAMES = [k.name for k in KINDS.values()]

NOTIFICATIONS = s.component("Notifications", s.obj({
    "language": s.string(enum=["de", "en"]),
    "kinds": s.array(s.obj({"kind": s.string(enum=KIND_NAMES), "label": s.string(), "enabled": s.boolean()},
                           ["kind", "label", "enabled"]), 100),
}, ["language", "kinds"]))

NOTIFICATIONS_INPUT = s.obj({"language": s.string(enum=["de", "en"]),
                             "enabled": s.array(s.string(enum=KIND_NAMES), 100)}, ["language", "enabled"])

OUTBOX_MAIL = s.component("OutboxMail", s.obj({
    "id": s.integer(1), "created_at": s.datetime_(), "kind": s.string(enum=KIND_NAMES),
    "neighbourhood_id": s.integer(1, nullable=True), "recipient": s.string(), "subject": s.string(),
    "language": s.string(), "message_id": s.string(), "status": s.string(enum=[m.value for m in MailStatus]),
    "attempts": s.integer(0), "next_attempt_at": s.datetime_(), "last_error": s.string(),
    "sent_at": s.datetime_(nullable=True),
}, ["id", "created_at", "kind", "neighbourhood_id", "recipient", "subject", "language", "message_id", "status",
    "attempts", "next_attempt_at", "last_error", "sent_at"]))


def _notifications() -> dict:
    off = opted_out(current_user.id)
    return {"language": current_user.language,
            "kinds": [{"kind": k.name, "label": str(k.label), "enabled": k.name not in off}
                      for k in offered_to(current_user)]}


@route("GET", "/me/notifications", summary="Welche Benachrichtigungen das Konto per Mail erhält", tag="Konto",
       response=NOTIFICATIONS, errors=())
def get_notifications():
    return ok(_notifications())


@route("PUT", "/me/notifications", summary="Benachrichtigungen und Sprache der Mails wählen", tag="Konto",
       response=NOTIFICATIONS, body=NOTIFICATIONS_INPUT, errors=())
def put_notifications(data):
    offered = {k.name for k in offered_to(current_user)}
    wanted = set(data["enabled"])
    if wanted - offered:
        raise ApiError(422, _("Diese Benachrichtigungen gibt es für Ihr Konto nicht."),
                       {"enabled": [", ".join(sorted(wanted - offered))]})
    # Notices of roles the account does not have stay on (they would start when it gets the role).
    others = {k.name for k in account_kinds()} - offered
    services.set_choices(current_user, wanted=wanted | others, language=data["language"])
    return ok(_notifications())


STATUS = Param("status", s.string(enum=[m.value for m in MailStatus]), "Nur Mails in diesem Stand")


@route("GET", "/outbox", summary="Der Postausgang (WiN-Geschäftsführung)", tag="Postausgang",
       response=OUTBOX_MAIL, paginated=True, query=(STATUS,))
def list_outbox(args):
    if not can(current_user, None, Action.ADMINISTER):
        raise ApiError(403)
    stmt = (sa.select(OutboxMail).options(sa.orm.defer(OutboxMail.body_text), sa.orm.defer(OutboxMail.body_html))
            .order_by(OutboxMail.id.desc()))
    scope = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    if scope is not None:  # a city administrator: the city's mail only
        stmt = stmt.where(OutboxMail.neighbourhood_id.in_(scope))
    if args.get("status"):
        stmt = stmt.where(OutboxMail.status == args["status"])
    return paginate_query(stmt, args, lambda m: {
        "id": m.id, "created_at": iso(m.created_at), "kind": m.kind, "neighbourhood_id": m.neighbourhood_id,
        "recipient": m.recipient, "subject": m.subject, "language": m.language, "message_id": m.message_id,
        "status": m.status.value, "attempts": m.attempts, "next_attempt_at": iso(m.next_attempt_at),
        "last_error": m.last_error, "sent_at": iso(m.sent_at)})



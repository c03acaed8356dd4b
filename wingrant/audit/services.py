"""Writing audit events. Called inside the caller's unit of work, so the event
commits or rolls back together with the change it describes."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request

from ..database import row_id
from ..extensions import db
from .models import AuditEvent


def record(
    action: str,
    *,
    user=None,
    obj: Any = None,
    neighbourhood_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # the new object's id belongs in the log
    event = AuditEvent(
        action=action,
        user_id=row_id(user),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "id", None),
        neighbourhood_id=neighbourhood_id,
        before=before,
        after=after,
        ip_address=(request.remote_addr or "") if has_request_context() else "",
    )
    db.session.add(event)
    return event

"""The applicant's private link, as the staff side knows it: a random token, only its hash stored.

Staff issue a new link on the application's page (``issue_link``); the
``applicant`` package opens an application by it. Only the SHA-256 is stored
(``Application.access_token_hash``), so a copy of the database opens nothing.
"""

from __future__ import annotations

from ..audit import services as audit
from ..database import lock_row, unit_of_work
from . import tokens
from .models import Application
from .services import require
from .tokens import hash_token

__all__ = ["hash_token", "issue_link"]


def issue_link(app: Application, *, user) -> str:
    """A new private link for the applicant (the QM sends it); an older link stops working."""
    require(user, app.neighbourhood_id)
    with unit_of_work():
        app = lock_row(Application, app.id)
        token = tokens.issue(app)
        audit.record("application.link_issued", user=user, obj=app, neighbourhood_id=app.neighbourhood_id)
    return token

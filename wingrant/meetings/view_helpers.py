"""What the meeting pages of both blueprints share: the meeting of the URL, and errors at their fields.

``views`` (planning: agenda, attendance) and ``live_views`` (the meeting in session, beamer,
invitation, administration) load a meeting the same way — within the neighbourhood of the URL,
after the permission check — and show a service's ``DomainError`` at the form field it names.
Neither view module imports the other; both import this.
"""

from __future__ import annotations

from ..auth.permissions import Action, authorize, scoped_or_404
from ..errors import DomainError
from ..neighbourhoods.models import Neighbourhood
from .models import Meeting


def load(slug: str, meeting_id: int, action: Action) -> tuple[Neighbourhood, Meeting]:
    """The neighbourhood of the URL (if the user may ``action`` there) and its meeting."""
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Meeting, meeting_id, neighbourhood)


def attach_error(form, error: DomainError) -> bool:
    """Show a domain error at its field; ``False`` if the form has no such field."""
    field = getattr(form, error.field, None) if error.field and form is not None else None
    if field is None or not hasattr(field, "errors"):
        return False
    field.errors = [*field.errors, error.message]
    return True

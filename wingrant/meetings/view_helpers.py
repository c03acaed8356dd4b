"""What the meeting pages of both blueprints share: the meeting of the URL.

``views`` (planning: agenda, attendance) and ``live_views`` (the meeting in session, beamer,
invitation, administration) load a meeting the same way — within the neighbourhood of the URL,
after the permission check — and show a service's ``DomainError`` at the form field it names.
Neither view module imports the other; both import this.
"""

from __future__ import annotations

from ..auth.permissions import Action, authorize, scoped_or_404
from ..neighbourhoods.models import Neighbourhood
from .models import Meeting


def load(slug: str, meeting_id: int, action: Action) -> tuple[Neighbourhood, Meeting]:
    """The neighbourhood of the URL (if the user may ``action`` there) and its meeting."""
    neighbourhood = authorize(slug, action)
    return neighbourhood, scoped_or_404(Meeting, meeting_id, neighbourhood)


def projector_link_key(meeting) -> str:
    """Where this browser's session keeps the projector link it created (the server keeps its hash only)."""
    return f"projector_link_{meeting.id}"

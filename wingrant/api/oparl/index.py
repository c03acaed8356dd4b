"""The index of an external OParl list: key, created, modified of every object in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ...minutes.models import MinutesVersion


@dataclass(frozen=True)
class Entry:
    """One object of a list: its key (stable sort order), created and modified (naive UTC).

    Keys are database ids; the paper list also holds resolutions (``"r<id>"``) and concerns
    (``"anliegen-<id>"``)."""

    key: int | str
    created: datetime
    modified: datetime


def latest_version():
    """Per minutes: when its newest version was stored (a correction modifies everything in it)."""
    return (
        sa.select(MinutesVersion.minutes_id, sa.func.max(MinutesVersion.created_at).label("at"))
        .group_by(MinutesVersion.minutes_id).subquery("latest_version")
    )


def entries(rows) -> list[Entry]:
    return [Entry(int(key), created, modified or created) for key, created, modified in rows]

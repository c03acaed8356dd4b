"""Reads of the OParl feed, part two: the stored versions of published minutes (OParl File).

Versions are immutable; their SHA-512 (which OParl asks for, while the table keeps
SHA-256) is computed once per process from the stored bytes.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from ...extensions import db
from ...meetings.models import Meeting
from ...minutes.models import Minutes, MinutesState, MinutesVersion
from ...neighbourhoods.cities import in_city
from ...neighbourhoods.models import Neighbourhood
from .index import Entry, entries


@dataclass(frozen=True)
class FileRecord:
    version_id: int
    meeting_id: int
    meeting_date: date
    slug: str
    number: int
    reason: str
    sha256: str
    sha512: str
    size: int
    created: datetime
    #: The newest version of its minutes (the others are superseded by corrections).
    current: bool


def _file_select(*columns):
    return (
        sa.select(*columns)
        .join(Minutes, MinutesVersion.minutes_id == Minutes.id)
        .join(Meeting, Minutes.meeting_id == Meeting.id)
        .join(Neighbourhood, Meeting.neighbourhood_id == Neighbourhood.id)
        .where(Minutes.state == MinutesState.PUBLISHED, Neighbourhood.active.is_(True))
    )


def file_index(city_id: int | None = None) -> list[Entry]:
    rows = db.session.execute(_file_select(MinutesVersion.id, MinutesVersion.created_at, MinutesVersion.created_at)
                              .where(in_city(city_id)).order_by(MinutesVersion.id))
    return entries(rows)


def protocol_files(*, meeting_ids: list[int] | None = None, ids: list[int] | None = None,
                   meeting_id: int | None = None, number: int | None = None) -> list[FileRecord]:
    """Published protocol versions with size and checksums: two queries (one when the SHA-512s are known)."""
    newest = (sa.select(sa.func.max(MinutesVersion.number)).where(MinutesVersion.minutes_id == Minutes.id)
              .correlate(Minutes).scalar_subquery())
    stmt = _file_select(MinutesVersion.id, Meeting.id, Meeting.date, Neighbourhood.slug, MinutesVersion.number,
                        MinutesVersion.reason, MinutesVersion.sha256, MinutesVersion.size_bytes,
                        MinutesVersion.created_at, newest).order_by(Meeting.id, MinutesVersion.number)
    if meeting_ids is not None:
        stmt = stmt.where(Meeting.id.in_(meeting_ids))
    if ids is not None:
        stmt = stmt.where(MinutesVersion.id.in_(ids))
    if meeting_id is not None:
        stmt = stmt.where(Meeting.id == meeting_id, MinutesVersion.number == number)
    rows = db.session.execute(stmt).all()
    sums = sha512_checksums([(r[0], r[6]) for r in rows])
    return [FileRecord(vid, mid, mdate, slug, n, reason or "", sha256, sums[vid], size, created, n == newest_n)
            for vid, mid, mdate, slug, n, reason, sha256, size, created, newest_n in rows]


_SHA512: dict[tuple[int, str], str] = {}
_SHA512_LOCK = threading.Lock()


def sha512_checksums(versions: list[tuple[int, str]]) -> dict[int, str]:
    """SHA-512 of stored protocol PDFs (OParl asks for it; the table keeps SHA-256).

    A published version is immutable, so each checksum is computed once per
    process, keyed by version id and stored SHA-256; only unknown PDFs are read.
    """
    with _SHA512_LOCK:
        known = {vid: _SHA512[(vid, sha)] for vid, sha in versions if (vid, sha) in _SHA512}
    missing = [vid for vid, _sha in versions if vid not in known]
    if missing:
        for vid, sha256, pdf in db.session.execute(
            sa.select(MinutesVersion.id, MinutesVersion.sha256, MinutesVersion.pdf)
            .where(MinutesVersion.id.in_(missing))
        ):
            digest = hashlib.sha512(pdf).hexdigest()
            known[vid] = digest
            with _SHA512_LOCK:
                _SHA512[(vid, sha256)] = digest
    return known

"""Attachments: the file's type is decided by its content, never by its name or the browser.

Files live under ``UPLOAD_FOLDER/attachments/`` with a random name (nothing a
user typed ever reaches the file system); the original name is kept only for
the download's Content-Disposition.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from flask import current_app, send_file
from flask_babel import format_decimal
from flask_babel import gettext as _

from ..audit import services as audit
from ..database import lock_row, unit_of_work
from ..errors import DomainError
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood
from .models import Application, Attachment
from .services import require

#: Largest attachment accepted (the request limit, MAX_CONTENT_LENGTH, is a bit larger).
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_CHUNK = 64 * 1024

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", DOCX: ".docx", XLSX: ".xlsx", ODT: ".odt"}


def sniff(path: Path) -> str | None:
    """The media type of the file at ``path`` by its magic bytes, or None if not an accepted type."""
    with open(path, "rb") as fh:
        head = fh.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    return None


def _office_type(path: Path) -> str | None:
    """DOCX, XLSX and ODT are ZIP files; their directory (not the data) tells them apart."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100 and archive.read(info).strip() == ODT.encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    return None


def clean_filename(name: str, media_type: str) -> str:
    """A display name without path or control characters; the extension is the content's type."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    stem, dot, _ext = name.rpartition(".")
    stem = (stem if dot and stem else name).strip(" .")[:200] or _("Anhang")
    return stem + EXTENSIONS[media_type]


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987)."""
    fallback = filename
    for letter, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("Ä", "Ae"), ("Ö", "Oe"), ("Ü", "Ue"),
                            ("ß", "ss")):
        fallback = fallback.replace(letter, spelled)
    fallback = unicodedata.normalize("NFKD", fallback).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in fallback).strip() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "attachments"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(attachment: Attachment) -> Path:
    return folder() / attachment.storage_name


def send_stored(attachment: Attachment):
    """The stored file as a download (the page and the API hand out the same bytes and headers), or
    None when the file is missing on disk."""
    path = path_of(attachment)
    if not path.is_file():
        return None
    response = send_file(path, mimetype=attachment.media_type, max_age=0, conditional=True)
    response.headers["Content-Disposition"] = content_disposition(attachment.original_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def max_bytes() -> int:
    return current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


MIB = 1024 * 1024


def _size(mib: int) -> str:
    """A quota for people: "50 MB", "2 GB" (binary units, as the upload limit is counted)."""
    if mib >= 1024 and mib % 1024 == 0:
        return f"{mib // 1024} GB"
    return f"{mib} MB"


def _used_mb(size: int) -> str:
    return format_decimal(size / MIB, format="#,##0.0")


def check_quota(app: Application, size: int) -> None:
    """Refuse a file that would take the application's or the neighbourhood's attachments over their
    quota (``ATTACHMENT_QUOTA_PER_APPLICATION_MB``, ``…_PER_NEIGHBOURHOOD_MB``): the upload limit
    holds per file only, and the disk is shared. Call under the neighbourhood's lock."""
    config = current_app.config
    per_application = int(config["ATTACHMENT_QUOTA_PER_APPLICATION_MB"])
    used = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(Attachment.size_bytes), 0))
                              .where(Attachment.application_id == app.id)).scalar_one()
    if used + size > per_application * MIB:
        raise DomainError(_("Die Anhänge eines Antrags dürfen zusammen höchstens %(limit)s groß sein; belegt sind "
                            "schon %(used)s MB. Bitte fassen Sie Unterlagen zusammen oder verkleinern Sie "
                            "sie (z. B. Fotos in geringerer Auflösung).",
                            limit=_size(per_application), used=_used_mb(used)), field="file")
    per_neighbourhood = int(config["ATTACHMENT_QUOTA_PER_NEIGHBOURHOOD_MB"])
    used = db.session.execute(sa.select(sa.func.coalesce(sa.func.sum(Attachment.size_bytes), 0))
                              .join(Application, Application.id == Attachment.application_id)
                              .where(Application.neighbourhood_id == app.neighbourhood_id)).scalar_one()
    if used + size > per_neighbourhood * MIB:
        raise DomainError(_("Die Anhänge aller Anträge dieses Quartiers dürfen zusammen höchstens %(limit)s groß "
                            "sein; belegt sind schon %(used)s MB. Bitte wenden Sie sich an die "
                            "Administration.", limit=_size(per_neighbourhood), used=_used_mb(used)), field="file")


@dataclass(frozen=True)
class StoredFile:
    """An upload on disk that passed the rules (size, type by content), not yet in the database."""

    original_name: str
    storage_name: str
    media_type: str
    size_bytes: int
    sha256: str


def store_file(stream, filename: str) -> StoredFile:
    """Write an upload under a random name; refuse unknown types and files over the limit (nothing kept).

    The caller records it in its unit of work and calls ``discard`` if that fails.
    """
    limit = max_bytes()
    storage_name = secrets.token_hex(20)
    target = folder() / storage_name
    partial = target.with_suffix(".part")
    digest, size = hashlib.sha256(), 0
    try:
        with open(partial, "xb") as out:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise DomainError(_("Die Datei ist zu groß (höchstens %(mb)s MB).", mb=limit // (1024 * 1024)),
                                      field="file")
                digest.update(chunk)
                out.write(chunk)
        if size == 0:
            raise DomainError(_("Die Datei ist leer."), field="file")
        media_type = sniff(partial)
        if media_type is None:
            raise DomainError(_("Dieser Dateityp ist nicht erlaubt. Erlaubt sind PDF, PNG, JPEG, DOCX, XLSX und "
                                "ODT."), field="file")
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        target.unlink(missing_ok=True)
        raise
    return StoredFile(clean_filename(filename, media_type), storage_name, media_type, size, digest.hexdigest())


def discard(storage_name: str) -> None:
    (folder() / storage_name).unlink(missing_ok=True)


def add_attachment(app: Application, stream, filename: str, *, user) -> Attachment:
    """Store an uploaded file; refuse unknown types, files over the limit and uploads over the quota
    (nothing is kept then)."""
    require(user, app.neighbourhood_id)
    stored = store_file(stream, filename)
    try:
        with unit_of_work():
            # The neighbourhood first (as numbering does): parallel uploads to its applications queue
            # here, so that two cannot both fit into the last free megabytes of the quota.
            lock_row(Neighbourhood, app.neighbourhood_id)
            app = lock_row(Application, app.id)
            check_quota(app, stored.size_bytes)
            attachment = Attachment(application_id=app.id, original_name=stored.original_name,
                                    storage_name=stored.storage_name, media_type=stored.media_type,
                                    size_bytes=stored.size_bytes, sha256=stored.sha256,
                                    uploaded_by_id=getattr(user, "id", None))
            db.session.add(attachment)
            audit.record("attachment.add", user=user, obj=attachment, neighbourhood_id=app.neighbourhood_id,
                         after={"application_id": app.id, "name": attachment.original_name,
                                "media_type": stored.media_type, "size_bytes": stored.size_bytes,
                                "sha256": attachment.sha256})
    except BaseException:
        discard(stored.storage_name)
        raise
    return attachment

"""A funded project shown to the public: a short report text and a few photos, kept by the QM.

Photos are decoded and re-encoded as JPEG here, whatever was uploaded: what reaches the disk holds
pixels only — no EXIF (camera, GPS position, time), no XMP, no ICC comment, no embedded thumbnail —
and at most ``MAX_EDGE`` pixels on its longer side. Anything Pillow cannot read as a PNG, JPEG or WebP
image is refused. Report and photos appear on the portal only where the project itself does (approved
in published minutes).
"""

from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from ..applications.models import Application
from ..applications.models import ApplicationState as S
from ..applications.services import require
from ..audit import services as audit
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from .models import ProjectPhoto, ProjectReport

#: The states in which a project has been decided and can be reported on.
SHOWCASE_STATES = frozenset({S.APPROVED, S.APPROVED_WITH_CHANGES, S.GRANTED, S.RUNNING, S.REPORT_SUBMITTED,
                             S.CLOSED})
MAX_TEXT = 2000
MAX_PHOTOS = 6
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
#: Longer side of a stored photo, in pixels: sharp on a phone and a laptop, small on the wire.
MAX_EDGE = 1600
#: Larger images are refused before they are decoded (a "decompression bomb" stays a small file).
MAX_PIXELS = 50_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
QUALITY = 85


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / "project-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(photo: ProjectPhoto) -> Path:
    return folder() / photo.storage_name


def reencode(data: bytes) -> tuple[bytes, int, int]:
    """The image in ``data`` as a metadata-free JPEG of at most ``MAX_EDGE`` px; its width and height.

    Raises ``DomainError`` (field ``photo``) for anything that is not a readable PNG, JPEG or WebP.
    """
    refused = DomainError(_("Das ist kein Foto, das wir lesen können. Erlaubt sind JPEG, PNG und WebP."),
                          field="photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise refused
                if image.width * image.height > MAX_PIXELS:
                    raise DomainError(_("Das Foto ist zu groß (höchstens %(mp)s Megapixel).",
                                        mp=MAX_PIXELS // 1_000_000), field="photo")
                image.load()
                upright = ImageOps.exif_transpose(image)  # keep the orientation the camera meant
                upright = upright.convert("RGB")
                upright.thumbnail((MAX_EDGE, MAX_EDGE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                # A fresh image carries no info dict: nothing of the original's metadata is written.
                clean = Image.new("RGB", upright.size)
                clean.paste(upright)
                clean.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)
                return out.getvalue(), clean.width, clean.height
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning, SyntaxError):
        raise refused from None


def _check_state(app: Application) -> None:
    if app.state not in SHOWCASE_STATES:
        raise DomainError(_("Einen öffentlichen Bericht gibt es erst, wenn das Forum das Projekt beschlossen hat."))


def report_of(app: Application) -> ProjectReport | None:
    return db.session.scalar(sa.select(ProjectReport).where(ProjectReport.application_id == app.id))


def photos_of(app: Application) -> list[ProjectPhoto]:
    return list(db.session.scalars(sa.select(ProjectPhoto).where(ProjectPhoto.application_id == app.id)
                                   .order_by(ProjectPhoto.id)))


def save_report(app: Application, text: str, *, user) -> ProjectReport:
    """Write (or clear, with an empty text) the project's public report."""
    require(user, app.neighbourhood_id)
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise DomainError(_("Der Bericht ist zu lang (höchstens %(n)s Zeichen).", n=MAX_TEXT), field="text")
    with unit_of_work():
        app = lock_row(Application, app.id)
        _check_state(app)
        report = report_of(app)
        before = report.text if report else ""
        if report is None:
            report = ProjectReport(application_id=app.id)
            db.session.add(report)
        report.text, report.updated_by_id, report.updated_at = text, getattr(user, "id", None), utcnow()
        audit.record("project_report.save", user=user, obj=app, neighbourhood_id=app.neighbourhood_id,
                     before={"text": before}, after={"text": text})
    return report


def add_photo(app: Application, stream, *, alt_text: str, caption: str, consent: bool, user) -> ProjectPhoto:
    """Store a photo for the project's public page: re-encoded, resized, described, with consent."""
    require(user, app.neighbourhood_id)
    alt_text, caption = (alt_text or "").strip(), (caption or "").strip()
    if not consent:
        raise DomainError(_("Bitte bestätigen Sie, dass niemand erkennbar ist oder alle Abgebildeten der "
                            "Veröffentlichung zugestimmt haben."), field="consent")
    if not alt_text:
        raise DomainError(_("Bitte beschreiben Sie, was auf dem Foto zu sehen ist (für Menschen, die es nicht "
                            "sehen können)."), field="alt_text")
    data = stream.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        raise DomainError(_("Bitte wählen Sie ein Foto aus."), field="photo")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DomainError(_("Das Foto ist zu groß (höchstens %(mb)s MB).", mb=MAX_UPLOAD_BYTES // (1024 * 1024)),
                          field="photo")
    jpeg, width, height = reencode(data)
    storage_name = secrets.token_hex(20) + ".jpg"
    target = folder() / storage_name
    target.write_bytes(jpeg)
    try:
        with unit_of_work():
            app = lock_row(Application, app.id)
            _check_state(app)
            count = db.session.scalar(sa.select(sa.func.count()).where(ProjectPhoto.application_id == app.id))
            if count >= MAX_PHOTOS:
                raise DomainError(_("Ein Projekt zeigt höchstens %(n)s Fotos. Bitte entfernen Sie erst eines.",
                                    n=MAX_PHOTOS), field="photo")
            photo = ProjectPhoto(application_id=app.id, storage_name=storage_name, width=width, height=height,
                                 size_bytes=len(jpeg), alt_text=alt_text[:300], caption=caption[:300],
                                 created_by_id=getattr(user, "id", None))
            db.session.add(photo)
            audit.record("project_photo.add", user=user, obj=app, neighbourhood_id=app.neighbourhood_id,
                         after={"alt_text": photo.alt_text, "caption": photo.caption, "bytes": len(jpeg)})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return photo


def remove_photo(app: Application, photo_id: int, *, user) -> None:
    require(user, app.neighbourhood_id)
    with unit_of_work():
        photo = db.session.scalar(sa.select(ProjectPhoto).where(ProjectPhoto.id == photo_id,
                                                                ProjectPhoto.application_id == app.id))
        if photo is None:
            raise DomainError(_("Dieses Foto gibt es nicht (mehr)."))
        storage_name = photo.storage_name
        db.session.delete(photo)
        audit.record("project_photo.remove", user=user, obj=app, neighbourhood_id=app.neighbourhood_id,
                     before={"alt_text": photo.alt_text, "caption": photo.caption})
    (folder() / storage_name).unlink(missing_ok=True)

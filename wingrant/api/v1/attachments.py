"""An application's attachments: list (metadata), download, upload.

The same load → authorize → validate (the UI's ``AttachmentForm``) → one service call as the
application page (``applications/views.py``): ``attachments.add_attachment`` decides the type by the
file's content, refuses files over the size limit and uploads over the application's or the
neighbourhood's quota, and keeps nothing of a refused file. The page offers no deletion (an
attachment is part of the record the forum decided on), so the API offers none either.

An attachment is internal data of its neighbourhood (an applicant's documents): it is reached only
through its application's URL in that neighbourhood, with the same permission as the page (READ to
list and download, MANAGE_APPLICATIONS to upload).
"""

from __future__ import annotations

from flask_login import current_user

from ...applications import attachments, forms, queries
from ...applications.models import Application, Attachment
from ...auth.permissions import Action, authorize, scoped_or_404
from ...core.security import accepts_uploads
from ...extensions import db
from . import schema as s
from .core import ApiError, iso, ok, paginate_query, route
from .forms_input import NO_CSRF, FormInput, form_errors

ATTACHMENTS_PATH = "/neighbourhoods/<slug>/applications/<int:application_id>/attachments"
MEDIA_TYPES = sorted(attachments.EXTENSIONS)

ATTACHMENT = s.component("Attachment", s.obj({
    "id": s.integer(1), "application_id": s.integer(1), "name": s.string(255),
    "media_type": s.string(enum=MEDIA_TYPES), "size_bytes": s.integer(0, 2**62),
    "sha256": s.string(64), "created_at": s.datetime_(), "download_url": s.string(),
}, ["id", "application_id", "name", "media_type", "size_bytes", "sha256", "created_at", "download_url"]))
UPLOAD = s.obj({"file": {"type": "string", "contentMediaType": "application/octet-stream",
                         "description": "Die Datei (PDF, PNG, JPEG, DOCX, XLSX oder ODT); der Typ wird am Inhalt "
                                        "erkannt, nicht am Namen"}}, ["file"])
UPLOAD_FORM = FormInput({"file": "file"})


def attachment_json(slug: str, a: Attachment) -> dict:
    return {"id": a.id, "application_id": a.application_id, "name": a.original_name, "media_type": a.media_type,
            "size_bytes": a.size_bytes, "sha256": a.sha256, "created_at": iso(a.created_at),
            "download_url": f"/api/v1/neighbourhoods/{slug}/applications/{a.application_id}/attachments/{a.id}"}


def _load(slug: str, application_id: int, action: Action) -> Application:
    return scoped_or_404(Application, application_id, authorize(slug, action))


@route("GET", ATTACHMENTS_PATH, summary="Anhänge eines Antrags (Angaben, ohne Inhalt)", tag="Anhänge",
       response=ATTACHMENT, paginated=True)
def list_attachments(slug, application_id, args):
    app = _load(slug, application_id, Action.READ)
    return paginate_query(queries.attachments_query(app.id), args, lambda a: attachment_json(slug, a))


@route("GET", ATTACHMENTS_PATH + "/<int:attachment_id>", summary="Einen Anhang herunterladen", tag="Anhänge",
       media_type=tuple(MEDIA_TYPES),
       description="Die gespeicherte Datei mit ihrem Medientyp (Content-Type) und Namen (Content-Disposition).")
def download_attachment(slug, application_id, attachment_id):
    app = _load(slug, application_id, Action.READ)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.application_id != app.id:
        raise ApiError(404)
    response = attachments.send_stored(attachment)
    if response is None:
        raise ApiError(404)
    return response


@route("POST", ATTACHMENTS_PATH, summary="Anhang hochladen (multipart/form-data, Feld „file“)", tag="Anhänge",
       response=ATTACHMENT, status=201, upload=UPLOAD, errors=(403, 413),
       description="Dieselben Regeln wie auf der Seite des Antrags: erlaubt sind PDF, PNG, JPEG, DOCX, XLSX und "
                   "ODT (am Inhalt erkannt), höchstens ATTACHMENT_MAX_BYTES je Datei (Standard 10 MB) und die "
                   "Kontingente je Antrag und je Quartier; eine abgelehnte Datei wird nicht gespeichert.")
@accepts_uploads
def upload_attachment(slug, application_id):
    app = _load(slug, application_id, Action.MANAGE_APPLICATIONS)
    form = forms.AttachmentForm(meta=NO_CSRF)  # the request's files, as the page's form reads them
    if not form.validate():
        raise ApiError(422, None, form_errors(form, UPLOAD_FORM, {}))
    upload = form.file.data
    attachment = attachments.add_attachment(app, upload.stream, upload.filename or "", user=current_user)
    return ok(attachment_json(slug, attachment), 201)

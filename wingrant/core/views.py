"""The web shell's own endpoints: health check, language switch and the HTML error pages.

Infrastructure under every feature: it knows no feature's data. The start page and the budget
overview are a feature (``home``).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.exceptions import ServiceUnavailable

from ..database import UNAVAILABLE, safe_rollback
from ..extensions import db, login_manager
from .i18n import available_languages
from .redirects import is_local_path, safe_next
from .security import token_or_same_origin
from .templating import format_filesize

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception:  # any failure to reach the database is "not healthy"
        current_app.logger.exception("health check: database unreachable")
        safe_rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")


@bp.post("/sprache")
@token_or_same_origin  # the switch sits on shared public pages, which carry no token
def set_language():
    lang = request.form.get("lang", "")
    if lang in available_languages():
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for("home.index")))


@bp.app_errorhandler(404)
def not_found(_e):
    return render_template("core/error.html", code=404, title=_("Seite nicht gefunden"),
                           message=_("Diese Seite gibt es nicht (mehr).")), 404


@bp.app_errorhandler(403)
def forbidden(_e):
    return render_template("core/error.html", code=403, title=_("Kein Zugriff"),
                           message=_("Sie haben keine Berechtigung für diese Seite.")), 403


@bp.app_errorhandler(413)
def too_large(_e):
    """Names the limit that was hit and leads back to the form (the browser's referrer, if ours)."""
    limit = request.max_content_length
    uploads = limit is not None and limit == current_app.config["UPLOAD_MAX_CONTENT_LENGTH"]
    if limit is not None and (request.content_length or 0) > limit and uploads:
        detail = _("Erlaubt sind höchstens %(limit)s auf einmal. Bitte verkleinern Sie die Dateien oder senden "
                   "Sie sie einzeln.", limit=format_filesize(limit))
    elif limit is not None and (request.content_length or 0) > limit:
        detail = _("Erlaubt sind höchstens %(limit)s auf einmal. Bitte kürzen Sie Ihre Eingaben.",
                   limit=format_filesize(limit))
    else:  # Werkzeug's multipart limits: one text field, or the number of fields
        detail = _("Ein Eingabefeld darf höchstens %(limit)s enthalten, ein Formular höchstens %(parts)s Felder.",
                   limit=format_filesize(current_app.config["MAX_FORM_MEMORY_SIZE"]),
                   parts=current_app.config["MAX_FORM_PARTS"])
    return render_template("core/error.html", code=413, title=_("Anfrage zu groß"),
                           message=_("Die gesendeten Daten sind zu groß."), detail=detail,
                           back_url=_referring_page()), 413


def _referring_page() -> str | None:
    """The page of this site the request came from (the form just sent), for a link back; else ``None``."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if is_local_path(path) else None


@bp.app_errorhandler(400)
def bad_request(e):
    return render_template("core/error.html", code=400, title=_("Ungültige Anfrage"),
                           message=_("Die Anfrage war unvollständig oder abgelaufen. Bitte laden Sie die Seite neu "
                                     "und versuchen Sie es noch einmal.")), 400


@bp.app_errorhandler(405)
def method_not_allowed(_e):
    return render_template("core/error.html", code=405, title=_("Aktion nicht möglich"),
                           message=_("Diese Seite kann so nicht aufgerufen werden. Bitte nutzen Sie die Links "
                                     "und Schaltflächen der Anwendung.")), 405


#: Seconds after which a client may try again when the database is unreachable.
RETRY_AFTER_SECONDS = 30


@bp.app_errorhandler(503)
def unavailable(_e):
    return render_template("core/error.html", code=503, title=_("Vorübergehend nicht erreichbar"),
                           message=_("Die Datenbank ist gerade nicht erreichbar; Ihre Eingaben wurden nicht "
                                     "gespeichert. Bitte versuchen Sie es in einer Minute noch einmal.")), 503


def database_unavailable(error):
    """The database refused or dropped the connection: 503, as a German page or (for the API) JSON.

    Logged, rolled back without raising; the page is rendered for an anonymous visitor, because
    showing the logged-in user would need the database that just failed.
    """
    current_app.logger.error("database unavailable: %s", error, exc_info=error)
    safe_rollback()
    g._login_user = login_manager.anonymous_user()
    try:
        response = make_response(current_app.handle_http_exception(ServiceUnavailable()))
    except UNAVAILABLE:  # pragma: no cover - a page that still reached for the database
        safe_rollback()
        response = make_response(_("Vorübergehend nicht erreichbar"), 503, {"Content-Type": "text/plain"})
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


for _unavailable in UNAVAILABLE:
    bp.app_errorhandler(_unavailable)(database_unavailable)


@bp.app_errorhandler(500)
def internal_error(e):
    original = getattr(e, "original_exception", None)
    if isinstance(original, UNAVAILABLE):  # raised where no handler saw it (after the view)
        return database_unavailable(original)
    # Flask has logged the exception already. Whatever the failed request wrote is
    # rolled back, so the page itself (which reads the current user) starts clean.
    safe_rollback()
    return render_template("core/error.html", code=500, title=_("Ein Fehler ist aufgetreten"),
                           message=_("Ihre Eingaben wurden nicht gespeichert. Bitte versuchen Sie es noch einmal; "
                                     "wenn der Fehler bleibt, melden Sie ihn bitte der WiN-Geschäftsführung.")), 500

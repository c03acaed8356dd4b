"""Forms of the project-list import: the upload, and the confirmation of the preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Projektliste (XLSX oder CSV)"),
                     validators=[FileRequired(_l("Bitte eine Datei auswählen."))],
                     render_kw={"accept": ".xlsx,.csv,text/csv,"
                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})


class ImportConfirmForm(FlaskForm):
    book_commitments = BooleanField(_l("Mittelbindung buchen"))

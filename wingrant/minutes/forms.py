"""Forms of the minutes pages. Labels and messages German through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from ..fields import PUBLIC_TEXT_HINT, whole_number
from .services import REASON_MAX, REASON_MIN, TEXT_MAX, MinutesText

NOTE_PREFIX = "note_"


class _TextFields(FlaskForm):
    introduction = TextAreaField(_l("Vorbemerkung"), validators=[Length(max=TEXT_MAX)], description=PUBLIC_TEXT_HINT)
    closing_remarks = TextAreaField(_l("Abschluss"), validators=[Length(max=TEXT_MAX)], description=PUBLIC_TEXT_HINT)
    next_meeting_date = DateField(_l("Nächste Sitzung"), validators=[Optional()])


def _with_notes(base: type[FlaskForm], agenda) -> type[FlaskForm]:
    """A form class with one notes field per agenda item (``note_<item id>``)."""

    class Form(base):
        pass

    for entry in agenda:
        title = entry.application.label if entry.application else entry.title
        label = _l("Notizen zu TOP %(number)s: %(title)s", number=entry.number, title=title)
        setattr(Form, f"{NOTE_PREFIX}{entry.item_id}", TextAreaField(label, validators=[Length(max=TEXT_MAX)],
                                                                      description=PUBLIC_TEXT_HINT))
    return Form


def minutes_text_form(record, **kwargs) -> FlaskForm:
    """The edit form, pre-filled from the record on GET."""
    form_class = _with_notes(_TextFields, record.agenda)
    return form_class(data=_initial(record), **kwargs)


def correction_form(record, **kwargs) -> FlaskForm:
    class _Correction(_TextFields):
        reason = TextAreaField(_l("Grund der Berichtigung"),
                               validators=[DataRequired(_l("Bitte den Grund der Berichtigung angeben.")),
                                           Length(min=REASON_MIN, max=REASON_MAX)])

    form_class = _with_notes(_Correction, record.agenda)
    return form_class(data=_initial(record), **kwargs)


def _initial(record) -> dict:
    data = {
        "introduction": record.introduction,
        "closing_remarks": record.closing_remarks,
        "next_meeting_date": record.next_meeting_date_recorded,
    }
    data.update({f"{NOTE_PREFIX}{e.item_id}": e.notes for e in record.agenda})
    return data


def note_fields(form) -> list:
    return [f for f in form if f.name.startswith(NOTE_PREFIX)]


def text_from(form) -> MinutesText:
    return MinutesText(
        introduction=form.introduction.data or "",
        closing_remarks=form.closing_remarks.data or "",
        next_meeting_date=form.next_meeting_date.data,
        notes={int(f.name[len(NOTE_PREFIX):]): f.data or "" for f in note_fields(form)},
    )


class ApproveForm(FlaskForm):
    how = RadioField(_l("Wie wurde das Protokoll genehmigt?"), choices=[
        SelectChoice("meeting", _l("In einer späteren Sitzung unter „Genehmigung des Protokolls“")),
        SelectChoice("period", _l("Durch das Quartiersmanagement nach Ablauf der Einspruchsfrist")),
    ], validators=[DataRequired(_l("Bitte auswählen."))])
    meeting_id = SelectField(_l("Sitzung, in der genehmigt wurde"), coerce=whole_number, validate_choice=False,
                             validators=[Optional()])
    no_objections = BooleanField(_l("Gegen den Entwurf sind innerhalb der Frist keine Einwände eingegangen."))


class PublishForm(FlaskForm):
    """Only the CSRF token: publishing needs no input."""


class CirculateForm(FlaskForm):
    """The "Entwurf versenden" button."""


class MinutesObjectionForm(FlaskForm):
    author = StringField(_l("Von wem (Name, Einrichtung oder Gruppe)"),
                         validators=[DataRequired(_l("Bitte angeben, wer den Einwand erhebt.")), Length(max=200)])
    text = TextAreaField(_l("Einwand"), validators=[DataRequired(_l("Bitte den Einwand beschreiben.")),
                                                    Length(max=5_000)], render_kw={"rows": 3})
    received_on = DateField(_l("Eingegangen am"), validators=[Optional()])

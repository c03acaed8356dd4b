"""Form fields and form helpers shared by several features."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import ValidationError

from . import money
from .errors import DomainError

#: The ``description`` of every free-text field that ends up public (minutes, portal, API): the
#: field macro shows it as the hint, tied to the field with aria-describedby. A resident's name in
#: such a text outlives the retention period, because published minutes are never rewritten.
PUBLIC_TEXT_HINT = _l("Wird veröffentlicht: bitte keine Namen von Bewohner:innen und keine Kontaktdaten "
                      "hineinschreiben.")

#: The largest whole number taken from a form or a URL: what the database's integer columns hold.
INT_MAX = 2**31 - 1


def whole_number(value) -> int:
    """``int(value)`` for form and URL input; ``ValueError`` for anything no integer column holds.

    Use it as ``request.args.get(name, type=whole_number)`` and as a select field's ``coerce``:
    a plain ``int`` lets "99999999999999999999" through to the database (SQLite raises
    OverflowError) or to WTForms' NumberRange (which fails on it).
    """
    if isinstance(value, bool):
        raise ValueError(value)
    if not isinstance(value, int):
        text = str(value).strip()
        if not text or len(text) > 12:
            raise ValueError(value)
        value = int(text)
    if abs(value) > INT_MAX:
        raise ValueError(value)
    return value


def strip(value):
    """Form filter: text without surrounding whitespace (``None`` and other values as they are)."""
    return value.strip() if isinstance(value, str) else value


def show_error_at(form, error: DomainError, default: str | None = None) -> bool:
    """Show a service's refusal at the form field it names, else at the field ``default``.

    ``False`` when the form has neither: the caller then flashes the message instead.
    """
    fields = form._fields if form is not None else {}
    field = fields.get(error.field or "") or fields.get(default or "")
    if field is None:
        return False
    field.errors = [*field.errors, str(error.message)]
    return True


class WholeNumberField(IntegerField):
    """An integer form field that refuses numbers beyond ``INT_MAX`` with a German message."""

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = None
        if not text:
            return
        try:
            self.data = whole_number(text)
        except ValueError:
            raise ValueError(_("Bitte eine ganze Zahl eingeben.")) from None


class MoneyField(StringField):
    """An amount in integer cents, typed the German way ("1.234,56 €").

    Parsing is ``wingrant.money.parse``; its German ``MoneyError`` message
    becomes the field's error, and the field shows back exactly what was typed.
    ``data`` is ``None`` for an empty field.
    """

    def __init__(self, label=None, validators=None, *, required: bool = False, allow_zero: bool = False,
                 **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kwargs)
        self.required = required
        self.allow_zero = allow_zero
        self.raw: str | None = None

    def process_formdata(self, valuelist):
        self.raw = valuelist[0] if valuelist else ""
        if not self.raw.strip():
            self.data = None
            return
        try:
            self.data = money.parse(self.raw, allow_zero=self.allow_zero)
        except money.MoneyError as error:
            self.data = None
            raise ValueError(error.message) from None

    def pre_validate(self, form):
        if self.required and self.data is None and not self.process_errors:
            raise ValidationError(money.MSG_EMPTY)

    def _value(self) -> str:
        if self.raw is not None:
            return self.raw
        return money.format_plain(self.data) if self.data is not None else ""

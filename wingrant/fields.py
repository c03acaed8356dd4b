"""Form fields shared by several features."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import ValidationError

from . import money


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

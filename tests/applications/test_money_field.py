"""The money form field: German input in, integer cents out, German messages at the field."""

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form

from wingrant.applications.forms import MoneyField


class AmountForm(Form):
    amount = MoneyField("Betrag")
    needed = MoneyField("Pflicht", required=True)


def _form(**data):
    return AmountForm(MultiDict(data))


@pytest.mark.parametrize(("typed", "cents"), [
    ("12.607", 12_607_00), ("12.607,00 €", 12_607_00), ("1 234,5", 1_234_50), ("0,99", 99), ("7 EUR", 7_00),
])
def test_german_amounts_become_integer_cents(app, typed, cents):
    with app.test_request_context():
        form = _form(amount=typed, needed="1")
        assert form.validate()
        assert form.amount.data == cents and isinstance(form.amount.data, int)


@pytest.mark.parametrize(("typed", "message"), [
    ("12,607.00", "Komma als Dezimaltrennzeichen"), ("12.5", "Komma als Dezimaltrennzeichen"),
    ("-5", "Negative Beträge"), ("0", "größer als 0"), ("zwölf", "kein gültiger Betrag"),
    ("1,234", "Höchstens zwei Nachkommastellen"),
])
def test_bad_amount_shows_the_money_modules_german_message_and_keeps_the_input(app, typed, message):
    with app.test_request_context():
        form = _form(amount=typed, needed="1")
        assert not form.validate()
        assert message in " ".join(form.amount.errors)
        assert form.amount._value() == typed
        assert form.amount.data is None


def test_empty_optional_amount_is_none_and_required_amount_is_asked_for(app):
    with app.test_request_context():
        form = _form(amount="  ", needed="")
        assert not form.validate()
        assert form.amount.data is None and form.amount.errors == []
        assert form.needed.errors == ["Bitte einen Betrag eingeben."]


def test_stored_cents_are_shown_for_editing_without_grouping(app):
    with app.test_request_context():
        form = AmountForm(data={"amount": 1_234_56})
        assert form.amount._value() == "1234,56"

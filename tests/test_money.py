"""Rules for money parsing and formatting (integer cents, German notation)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wingrant.money import (
    MAX_CENTS,
    MoneyError,
    format_eur,
    format_number,
    format_plain,
    parse,
)

# Per-test settings only; database=None keeps hypothesis from writing .hypothesis/.
_PROPERTY = settings(database=None, max_examples=300)

NBSP = "\u00a0"
NNBSP = "\u202f"
AMOUNTS = st.integers(min_value=-MAX_CENTS, max_value=MAX_CENTS)


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("12.607,00 €", 1260700),
        ("12.607", 1260700),
        ("12607", 1260700),
        ("12607,5", 1260750),
        ("1.234,56", 123456),
        ("1.234.567,89", 123456789),
        ("1 234,56", 123456),
        (f"1{NBSP}234{NBSP}567,89", 123456789),
        (f"1{NNBSP}234,56{NNBSP}€", 123456),
        ("12607 EUR", 1260700),
        ("12607EUR", 1260700),
        ("12607 eur", 1260700),
        ("12,50€", 1250),
        (f"12,50{NBSP}€", 1250),
        ("  7,05  ", 705),
        ("007", 700),
        ("0", 0),
        ("0,5", 50),
        ("999.999.999,99 €", MAX_CENTS),
    ],
)
def test_parse_accepts_german_thousands_and_decimal_comma(text: str, cents: int) -> None:
    assert parse(text) == cents


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1.2.3", "Dreiergruppen"),
        ("1.2345", "Dreiergruppen"),
        ("1234.567", "Dreiergruppen"),
        ("1.", "Dreiergruppen"),
        ("1 23", "Leerzeichen"),
        ("1  234", "Leerzeichen"),
        ("1.234 567", "entweder mit Punkten oder mit Leerzeichen"),
        ("12,607.00", "Komma als Dezimaltrennzeichen"),
        ("1,234,567", "Komma als Dezimaltrennzeichen"),
        ("12.5", "Komma als Dezimaltrennzeichen"),
        ("12.50", "Komma als Dezimaltrennzeichen"),
        (".5", "Komma als Dezimaltrennzeichen"),
        ("1,234", "Höchstens zwei Nachkommastellen."),
        ("1,", "Nach dem Komma"),
        ("1,5 0", "Nach dem Komma"),
        (",5", "Vor dem Komma"),
        ("abc", "„abc“ ist kein gültiger Betrag. Beispiel: 1.234,56"),
        ("", "Bitte einen Betrag eingeben."),
        ("   ", "Bitte einen Betrag eingeben."),
        ("€", "Bitte einen Betrag eingeben."),
        ("-", "kein gültiger Betrag"),
        ("--5", "kein gültiger Betrag"),
        ("5-", "kein gültiger Betrag"),
        ("+5", "kein gültiger Betrag"),
        ("1e5", "kein gültiger Betrag"),
        ("0x10", "kein gültiger Betrag"),
        ("١٢", "kein gültiger Betrag"),  # Arabic-Indic digits: str.isdigit() is True
        ("１２", "kein gültiger Betrag"),  # fullwidth digits
        ("²", "kein gültiger Betrag"),
        ("nan", "kein gültiger Betrag"),
        ("inf", "kein gültiger Betrag"),
        ("1_000", "kein gültiger Betrag"),
        ("€ 5", "kein gültiger Betrag"),
        ("5\t000", "kein gültiger Betrag"),
        ("1" * 1000, "zu lang"),
        ("x" * 41, "zu lang"),
    ],
)
def test_parse_refuses_ambiguous_or_bad_input(text: str, fragment: str) -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse(text)
    assert fragment in str(excinfo.value)


def test_money_error_is_a_value_error_carrying_the_message() -> None:
    with pytest.raises(ValueError, match="^Bitte einen Betrag eingeben.$"):
        parse("")


@pytest.mark.parametrize("text", ["-5", "\u22125", "-1.234,56 €", "-0,01"])
def test_negative_refused_unless_allowed(text: str) -> None:
    with pytest.raises(MoneyError, match="^Negative Beträge sind hier nicht zulässig.$"):
        parse(text)
    assert parse(text, allow_negative=True) < 0


def test_negative_with_minus_sign_variants() -> None:
    assert parse("-1.234,56 €", allow_negative=True) == -123456
    assert parse("\u221212,5", allow_negative=True) == -1250


@pytest.mark.parametrize("text", ["0", "0,00", "0,00 €", "000"])
def test_zero_refused_when_not_allowed(text: str) -> None:
    assert parse(text) == 0
    with pytest.raises(MoneyError, match="^Der Betrag muss größer als 0 sein.$"):
        parse(text, allow_zero=False)


def test_absurd_amount_refused_with_maximum_named() -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse("1.000.000.000")
    message = str(excinfo.value)
    assert message == f"Der Betrag ist zu groß (höchstens 999.999.999,99{NBSP}€)."
    with pytest.raises(MoneyError, match="zu niedrig"):
        parse("-1.000.000.000", allow_negative=True)
    with pytest.raises(MoneyError, match="höchstens 500,00"):
        parse("500,01", max_cents=50000)
    assert parse("500,00", max_cents=50000) == 50000


@pytest.mark.parametrize(
    ("cents", "eur", "plain", "number"),
    [
        (0, f"0,00{NBSP}€", "0,00", "0,00"),
        (5, f"0,05{NBSP}€", "0,05", "0,05"),
        (-5, f"-0,05{NBSP}€", "-0,05", "-0,05"),
        (123456, f"1.234,56{NBSP}€", "1234,56", "1.234,56"),
        (-123456, f"-1.234,56{NBSP}€", "-1234,56", "-1.234,56"),
        (100000, f"1.000,00{NBSP}€", "1000,00", "1.000,00"),
        (MAX_CENTS, f"999.999.999,99{NBSP}€", "999999999,99", "999.999.999,99"),
    ],
)
def test_formatters_use_german_notation(cents: int, eur: str, plain: str, number: str) -> None:
    assert format_eur(cents) == eur
    assert format_plain(cents) == plain
    assert format_number(cents) == number


@pytest.mark.parametrize("value", [1.5, "100", True])
def test_formatters_refuse_non_integer_cents(value: object) -> None:
    with pytest.raises(TypeError):
        format_eur(value)  # type: ignore[arg-type]


@_PROPERTY
@given(AMOUNTS)
def test_format_eur_round_trips(cents: int) -> None:
    assert parse(format_eur(cents), allow_negative=True) == cents


@_PROPERTY
@given(AMOUNTS)
def test_format_plain_round_trips(cents: int) -> None:
    assert parse(format_plain(cents), allow_negative=True) == cents


@_PROPERTY
@given(AMOUNTS)
def test_format_number_round_trips(cents: int) -> None:
    assert parse(format_number(cents), allow_negative=True) == cents
    if cents >= 0:
        assert parse(format_number(cents)) == cents


def _assert_int_or_money_error(text: str, allow_negative: bool, allow_zero: bool) -> None:
    try:
        cents = parse(text, allow_negative=allow_negative, allow_zero=allow_zero)
    except MoneyError as error:
        assert str(error)
        return
    assert type(cents) is int
    assert -MAX_CENTS <= cents <= MAX_CENTS
    if not allow_negative:
        assert cents >= 0
    if not allow_zero:
        assert cents != 0


@_PROPERTY
@given(st.text(), st.booleans(), st.booleans())
def test_parse_returns_bounded_int_or_raises_money_error(
    text: str, allow_negative: bool, allow_zero: bool
) -> None:
    _assert_int_or_money_error(text, allow_negative, allow_zero)


@_PROPERTY
@given(
    st.text(alphabet=f"0123456789.,- {NBSP}{NNBSP}\u2212€EURe", max_size=45),
    st.booleans(),
    st.booleans(),
)
def test_parse_on_amount_like_text_returns_bounded_int_or_raises_money_error(
    text: str, allow_negative: bool, allow_zero: bool
) -> None:
    _assert_int_or_money_error(text, allow_negative, allow_zero)

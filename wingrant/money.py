"""Money amounts as integer cents: strict parsing of German input and formatting.

Amounts are never floats. ``parse`` accepts what people in Germany actually type
("12.607,00 €", "1 234,56", "12607 EUR") and refuses anything ambiguous with a
German message that can be shown next to the form field (translated through
Flask-Babel when a request asks for another language; outside an application the
German text). The module is pure and imports nothing from the application.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MAX_CENTS = 99_999_999_999  # 999.999.999,99 €
MAX_INPUT_LENGTH = 40

_DIGITS = frozenset("0123456789")  # ASCII only: str.isdigit() would accept "١٢"
_SPACES = frozenset(" \u00a0\u202f")  # space, NBSP, narrow NBSP
_MINUS = ("-", "\u2212")
_ALLOWED = _DIGITS | _SPACES | {".", ","}

MSG_EMPTY = _l("Bitte einen Betrag eingeben.")
MSG_TOO_LONG = _l("Die Eingabe ist zu lang (höchstens %(num)s Zeichen).", num=MAX_INPUT_LENGTH)
MSG_NEGATIVE = _l("Negative Beträge sind hier nicht zulässig.")
MSG_DECIMAL_POINT = _l("Bitte das Komma als Dezimaltrennzeichen verwenden, z. B. 12,50.")
MSG_DOT_GROUPS = _l(
    "Der Punkt trennt Tausender und muss zwischen Dreiergruppen von Ziffern stehen, "
    "z. B. 1.234.567,89."
)
MSG_SPACE_GROUPS = _l(
    "Leerzeichen sind nur als Tausendertrennzeichen zwischen Dreiergruppen von Ziffern "
    "erlaubt, z. B. 1 234 567,89."
)
MSG_MIXED_GROUPS = _l("Bitte Tausender entweder mit Punkten oder mit Leerzeichen trennen, nicht beides.")
MSG_NO_INTEGER = _l("Vor dem Komma muss mindestens eine Ziffer stehen, z. B. 0,50.")
MSG_FRACTION = _l("Nach dem Komma müssen eine oder zwei Ziffern folgen, z. B. 12,50.")
MSG_TOO_MANY_DECIMALS = _l("Höchstens zwei Nachkommastellen.")
MSG_ZERO = _l("Der Betrag muss größer als 0 sein.")


def _garbage(text: str) -> str:
    return str(_("„%(text)s“ ist kein gültiger Betrag. Beispiel: 1.234,56", text=text))


def _too_big(maximum: str) -> str:
    return str(_("Der Betrag ist zu groß (höchstens %(maximum)s).", maximum=maximum))


def _too_small(minimum: str) -> str:
    return str(_("Der Betrag ist zu niedrig (mindestens %(minimum)s).", minimum=minimum))


class MoneyError(ValueError):
    """An amount could not be accepted; ``str(error)`` is a message for users (German by default)."""

    def __init__(self, message: str) -> None:
        message = str(message)  # resolve a lazy message in the language of the request now
        super().__init__(message)
        self.message = message


def _euros(int_part: str) -> int:
    """Parse the part before the comma, validating thousands separators."""
    has_dot = "." in int_part
    has_space = any(c in _SPACES for c in int_part)
    if has_dot and has_space:
        raise MoneyError(MSG_MIXED_GROUPS)
    if has_dot:
        groups, message = int_part.split("."), MSG_DOT_GROUPS
    elif has_space:
        normalised = int_part.replace("\u00a0", " ").replace("\u202f", " ")
        groups, message = normalised.split(" "), MSG_SPACE_GROUPS
    else:
        return int(int_part)
    first, rest = groups[0], groups[1:]
    if not first or (rest and len(first) > 3) or any(len(g) != 3 for g in rest):
        raise MoneyError(message)
    return int("".join(groups))


def parse(
    text: str,
    *,
    allow_negative: bool = False,
    allow_zero: bool = True,
    max_cents: int = MAX_CENTS,
) -> int:
    """Parse a German-formatted amount such as "1.234,56 €" into integer cents."""
    stripped = text.strip()
    if not stripped:
        raise MoneyError(MSG_EMPTY)
    if len(stripped) > MAX_INPUT_LENGTH:
        raise MoneyError(MSG_TOO_LONG)
    garbage = MoneyError(_garbage(stripped))

    body = stripped
    if body.endswith("€"):
        body = body[:-1].rstrip()
    elif body.upper().endswith("EUR"):
        body = body[:-3].rstrip()
    negative = body.startswith(_MINUS)
    if negative:
        body = body[1:]
    if not body:
        raise MoneyError(MSG_EMPTY) if not negative else garbage
    if any(c not in _ALLOWED for c in body) or not any(c in _DIGITS for c in body):
        raise garbage

    # English formats: "12,607.00", "1,234,567", "12.5".
    if body.count(",") > 1 or ("," in body and "." in body[body.index(",") :]):
        raise MoneyError(MSG_DECIMAL_POINT)
    int_part, comma, fraction = body.partition(",")
    if comma:
        if not fraction or any(c not in _DIGITS for c in fraction):
            raise MoneyError(MSG_FRACTION)
        if len(fraction) > 2:
            raise MoneyError(MSG_TOO_MANY_DECIMALS)
        if not int_part:
            raise MoneyError(MSG_NO_INTEGER)
    elif int_part.count(".") == 1:
        after_dot = int_part.partition(".")[2]
        if 1 <= len(after_dot) <= 2 and all(c in _DIGITS for c in after_dot):
            raise MoneyError(MSG_DECIMAL_POINT)

    cents = _euros(int_part) * 100 + int(fraction.ljust(2, "0"))

    if negative and not allow_negative:
        raise MoneyError(MSG_NEGATIVE)
    if cents > max_cents:
        if negative:
            raise MoneyError(_too_small(format_eur(-max_cents)))
        raise MoneyError(_too_big(format_eur(max_cents)))
    if cents == 0 and not allow_zero:
        raise MoneyError(MSG_ZERO)
    return -cents if negative else cents


def _split(cents: int) -> tuple[str, int, int]:
    """Return (sign, euros, remaining cents) of an integer amount."""
    if not isinstance(cents, int) or isinstance(cents, bool):
        raise TypeError(f"Amounts must be integer cents, got {type(cents).__name__}")
    euros, rest = divmod(abs(cents), 100)
    return ("-" if cents < 0 else ""), euros, rest


def format_number(cents: int) -> str:
    """Format cents with German grouping and no symbol, e.g. "1.234,56" (tables)."""
    sign, euros, rest = _split(cents)
    return f"{sign}{euros:,}".replace(",", ".") + f",{rest:02d}"


def format_eur(cents: int) -> str:
    """Format cents for display, e.g. "1.234,56\u00a0€" (non-breaking space)."""
    return f"{format_number(cents)}\u00a0€"


def format_plain(cents: int) -> str:
    """Format cents as a form input value, e.g. "1234,56" (no grouping, no symbol)."""
    sign, euros, rest = _split(cents)
    return f"{sign}{euros},{rest:02d}"

"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask_babel import format_time, get_locale, to_user_timezone

from .. import money
from .i18n import available_languages

#: Date formats without words: German ("21.11.2026") whatever the UI language, like the amounts.
NUMERIC_DATE_FORMATS = ("short", "medium")
#: Spelled-out dates follow the UI language (no German month names on an English page), in the
#: day-month-year order that German and British readers share.
WORDED_DATE_LOCALES = {"de": "de", "en": "en_GB"}


def init_templating(app) -> None:
    app.jinja_env.filters["eur"] = money.format_eur
    app.jinja_env.filters["amount"] = money.format_number
    app.jinja_env.filters["date_de"] = format_date_de
    app.jinja_env.filters["percent_of"] = _percent_of
    app.jinja_env.filters["filesize"] = format_filesize
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "de")
    app.jinja_env.globals["available_languages"] = available_languages
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def format_date_de(value: date | datetime | None, fmt: str = "medium") -> str:
    """``21.11.2026`` (short/medium) in every language; long/full in the UI language."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    if fmt in NUMERIC_DATE_FORMATS:
        locale = "de"
    else:
        language = str(get_locale() or "de").split("_")[0]
        locale = WORDED_DATE_LOCALES.get(language, language)
    return babel_format_date(value, fmt, locale=locale)


def format_clock(value: datetime | None) -> str:
    """``18:42``: a stored UTC time as the user's local time of day."""
    return format_time(value, "HH:mm") if value else ""


def format_filesize(size_bytes: int) -> str:
    """``40,4 kB`` / ``1,2 MB``: German decimals like the amounts, whatever the UI language."""
    if size_bytes < 1024 * 1024:
        return f"{format_decimal(round(size_bytes / 1024, 1), format='#,##0.0', locale='de')} kB"
    return f"{format_decimal(round(size_bytes / 1024 / 1024, 1), format='#,##0.0', locale='de')} MB"


def _percent_of(part: int, whole: int) -> int:
    """Whole-number percentage for bars; 0 for an empty budget."""
    if whole <= 0:
        return 0
    return max(0, min(100, round(part * 100 / whole)))

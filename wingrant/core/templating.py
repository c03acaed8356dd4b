"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date as babel_format_date
from flask.globals import _cv_app
from flask_babel import format_time, get_locale, get_translations, to_user_timezone

from .. import money
from .i18n import available_languages

#: Date formats without words: German ("21.11.2026") whatever the UI language, like the amounts.
NUMERIC_DATE_FORMATS = ("short", "medium")
#: Spelled-out dates follow the UI language (no German month names on an English page), in the
#: day-month-year order that German and British readers share.
WORDED_DATE_LOCALES = {"de": "de", "en": "en_GB"}
#: Parsed once, not per formatted value.
_GERMAN = Locale.parse("de")
_WORDED: dict[str, Locale] = {}


def init_templating(app) -> None:
    app.jinja_env.filters["eur"] = money.format_eur
    app.jinja_env.filters["amount"] = money.format_number
    app.jinja_env.filters["date_de"] = format_date_de
    app.jinja_env.filters["percent_of"] = _percent_of
    app.jinja_env.filters["filesize"] = format_filesize
    app.jinja_env.filters["clock"] = format_clock
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "de")
    app.jinja_env.globals["available_languages"] = available_languages
    # The templates' _() and ngettext(): the request's translations looked up once, not per string.
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _translations():
    """Flask-Babel's translations for the current locale, kept on the app context's ``g`` with the
    locale they are for: Flask-Babel resolves context, locale and its name on every call, dozens
    of times per page. A changed locale (``force_locale``, ``refresh``) is a new object: looked up anew."""
    ctx = _cv_app.get(None)
    if ctx is None:
        return get_translations()
    namespace = ctx.g.__dict__.get("_flask_babel")
    locale = getattr(namespace, "babel_locale", None)
    memo = ctx.g.__dict__.get("_wingrant_translations")
    if memo is not None and locale is not None and memo[0] is locale:
        return memo[1]
    translations = get_translations()
    ctx.g._wingrant_translations = (get_locale(), translations)
    return translations


def _worded_locale() -> Locale:
    language = str(get_locale() or "de").split("_")[0]
    if language not in _WORDED:
        _WORDED[language] = Locale.parse(WORDED_DATE_LOCALES.get(language, language))
    return _WORDED[language]


def format_date_de(value: date | datetime | None, fmt: str = "medium") -> str:
    """``21.11.2026`` (short/medium) in every language; long/full in the UI language."""
    if not value:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    locale = _GERMAN if fmt in NUMERIC_DATE_FORMATS else _worded_locale()
    return babel_format_date(value, fmt, locale=locale)


def format_clock(value: datetime | None) -> str:
    """``18:42``: a stored UTC time as the user's local time of day."""
    return format_time(value, "HH:mm") if value else ""


def format_filesize(size_bytes: int) -> str:
    """``40,4 kB`` / ``1,2 MB``: German decimals like the amounts, whatever the UI language."""
    if size_bytes < 1024 * 1024:
        return f"{_german_one_decimal(size_bytes / 1024)} kB"
    return f"{_german_one_decimal(size_bytes / 1024 / 1024)} MB"


def _german_one_decimal(value: float) -> str:
    """``1.234,5``: one decimal, German separators (what Babel's ``#,##0.0`` gives for ``de``)."""
    return f"{round(value, 1):,.1f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def _percent_of(part: int, whole: int) -> int:
    """Whole-number percentage for bars; 0 for an empty budget."""
    if whole <= 0:
        return 0
    return max(0, min(100, round(part * 100 / whole)))

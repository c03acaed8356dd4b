"""Jinja filters and globals shared by all templates."""

from __future__ import annotations

from flask_babel import format_date, get_locale

from .. import money


def init_templating(app) -> None:
    app.jinja_env.filters["eur"] = money.format_eur
    app.jinja_env.filters["amount"] = money.format_number
    app.jinja_env.filters["date_de"] = lambda d, fmt="medium": format_date(d, fmt) if d else ""
    app.jinja_env.filters["percent_of"] = _percent_of
    from .. import available_languages

    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "de")
    app.jinja_env.globals["available_languages"] = available_languages
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def _percent_of(part: int, whole: int) -> int:
    """Whole-number percentage for bars; 0 for an empty budget."""
    if whole <= 0:
        return 0
    return max(0, min(100, round(part * 100 / whole)))

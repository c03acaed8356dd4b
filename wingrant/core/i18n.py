"""Which UI languages are offered and which one a request gets.

Flask-Babel asks ``select_locale`` for every request; the templates' language switch and the
``/sprache`` endpoint ask ``available_languages``. Infrastructure: it reads only the configuration,
the session and the compiled catalogues.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g, has_request_context, request, session


def available_languages() -> list[str]:
    """German, plus every language whose catalogue has been compiled (``make`` does it).

    A page must never claim ``lang="en"`` while showing untranslated German text.
    """
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    translations = Path(current_app.root_path) / "translations"
    return [default] + [
        lang for lang in current_app.config["LANGUAGES"]
        if lang != default and (translations / lang / "LC_MESSAGES" / "messages.mo").exists()
    ]


def select_locale() -> str:
    if not has_request_context():  # CLI, background work: German, the language of the programme
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    languages = available_languages()
    chosen = session.get("lang")
    if chosen in languages:
        return chosen
    if g.get("forum_language"):  # the projector: the room's language, not the projector browser's
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    return request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]

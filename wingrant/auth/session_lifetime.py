"""How long a login lasts: an idle timeout and an absolute lifetime.

The session remembers when the user logged in (``login_at``) and when it last saw a request
(``seen_at``). A session past ``SESSION_IDLE_MINUTES`` without a request, or older than
``SESSION_MAX_HOURS``, is treated as logged out on its next request: a browser left open on a
shared computer in the neighbourhood office does not stay logged in for days.

``seen_at`` is renewed at most once a ``SEEN_RESOLUTION_SECONDS``: otherwise every request would
rewrite the session cookie. The API is not concerned: it authenticates each request by token and
never loads a session cookie (``api.v1.core.ApiSessionInterface``), so its sessions hold no user.
"""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import logout_user, user_logged_in

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"
#: Granularity of the idle clock: a finer one would write the cookie on every request.
SEEN_RESOLUTION_SECONDS = 60


def now() -> int:
    return int(time.time())


def init_session_lifetime(app) -> None:
    user_logged_in.connect(_stamp_login, app)
    app.before_request(_end_expired_session)


def _stamp_login(app, user, **_extra) -> None:
    """Every login (password, second factor, re-login after a password change) starts the clocks,
    unless the caller carried the login time of the session it replaces over."""
    moment = now()
    session.setdefault(LOGIN_AT, moment)
    session[SEEN_AT] = moment


def expired(login_at, seen_at, *, moment: int, idle_seconds: int, max_seconds: int) -> bool:
    """A session without its stamps (made before the clocks existed, or tampered with) has expired."""
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return True
    return moment - seen_at > idle_seconds or moment - login_at > max_seconds


def _end_expired_session():
    if "_user_id" not in session or request.endpoint == "static":
        return None
    config = current_app.config
    moment = now()
    if expired(session.get(LOGIN_AT), session.get(SEEN_AT), moment=moment,
               idle_seconds=int(config["SESSION_IDLE_MINUTES"]) * 60,
               max_seconds=int(config["SESSION_MAX_HOURS"]) * 3600):
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."), "info")
        # Back to the page after the new login; a form post cannot be replayed, so it starts afresh.
        target = request.full_path.rstrip("?") if request.method in ("GET", "HEAD") else None
        return redirect(url_for("auth.login", next=target), code=303)
    if moment - session[SEEN_AT] >= SEEN_RESOLUTION_SECONDS:
        session[SEEN_AT] = moment
    return None

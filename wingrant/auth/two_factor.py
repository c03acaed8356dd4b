"""The optional second factor (TOTP): enrol, check at login, disable, reset by an administrator.

Wrong codes at login count towards the same throttle as wrong passwords (per
account and per client address) and are audited; a code is accepted once only
(``User.totp_last_step``, checked and written under the user's row lock, so two
parallel requests cannot both use it).
"""

from __future__ import annotations

import time

from flask_babel import gettext as _

from ..audit import services as audit
from ..core import throttle
from ..database import lock_row, unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from . import totp
from .models import User
from .passwords import verify_password
from .services import PAIR, login_limits, pair_key, throttled_error

#: How long the code step of a login waits after the correct password.
PENDING_LOGIN_SECONDS = 5 * 60


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _take_attempt(user: User, ip: str) -> tuple[list[int], throttle.Limit | None]:
    """Count the attempt before the code is checked, atomically with the limits (``throttle.take``);
    or the limit that refuses it (audited)."""
    try:
        return throttle.take(*login_limits(user.email, ip)), None
    except throttle.LimitReached as e:
        audit.record("auth.login_throttled", user=user,
                     after={"email": user.email, "step": "totp", "limit": e.limit.scope})
        return [], e.limit


def enable(user_id: int, secret: str, code: str, *, now: float | None = None) -> User:
    """Turn the second factor on with the secret the user's app now holds, proven by a current code.

    Every other session of the user ends: they were opened without the second factor.
    """
    with unit_of_work():
        user = lock_row(User, user_id)
        if user.totp_secret:
            raise DomainError(_("Die Zwei-Faktor-Anmeldung ist bereits eingerichtet."), field="code")
        step = totp.matching_step(secret, code, unix_time=_now(now))
        if step is None:
            raise DomainError(_("Der Code stimmt nicht. Bitte den aktuellen Code aus der App eingeben."),
                              field="code")
        user.totp_secret = secret
        user.totp_last_step = step
        user.session_version += 1
        audit.record("auth.totp_enabled", user=user, obj=user)
    return user


def disable(user_id: int, *, password: str = "", code: str = "", ip: str = "", now: float | None = None) -> User:
    """Turn the second factor off; needs the password or a current code. Wrong attempts are throttled."""
    with unit_of_work():
        user = lock_row(User, user_id)
        if not user.totp_secret:
            raise DomainError(_("Die Zwei-Faktor-Anmeldung ist nicht eingerichtet."))
        attempt, refused = _take_attempt(user, ip)
        failed = False
        if refused is None:
            step = totp.matching_step(user.totp_secret, code, unix_time=_now(now), last_step=user.totp_last_step) \
                if code else None
            if step is None and not (password and verify_password(user.password_hash, password)):
                audit.record("auth.totp_disable_failed", user=user, obj=user)  # the attempt stays counted
                failed = True
            else:
                throttle.give_back(attempt)
                user.totp_secret = None
                user.totp_last_step = None
                audit.record("auth.totp_disabled", user=user, obj=user)
    # Raised after the unit of work, so that the counted attempt and the audit entry are kept.
    if refused is not None:
        raise throttled_error(refused)
    if failed:
        raise DomainError(_("Bitte Ihr Passwort oder einen aktuellen Code aus der App angeben."), field="password")
    return user


def reset(user_id: int, *, actor) -> User:
    """An administrator takes the second factor off another account (lost phone); its sessions end."""
    with unit_of_work():
        user = lock_row(User, user_id)
        if user.id == actor.id:
            raise DomainError(_("Ihre eigene Zwei-Faktor-Anmeldung schalten Sie unter „Konto“ ab."))
        if not user.totp_secret:
            raise DomainError(_("Für dieses Konto ist keine Zwei-Faktor-Anmeldung eingerichtet."))
        user.totp_secret = None
        user.totp_last_step = None
        user.session_version += 1
        audit.record("auth.totp_reset", user=actor, obj=user, before={"totp": True}, after={"totp": False})
    return user


def verify_login(user_id: int, code: str, *, ip: str = "", now: float | None = None) -> User | None:
    """The second step of a login: the user if ``code`` is valid and unused, else None (counted, audited)."""
    user = db.session.get(User, user_id)
    if user is None or not user.active or not user.totp_secret:
        return None
    with unit_of_work():
        user = lock_row(User, user_id)
        attempt, refused = _take_attempt(user, ip)
        step = None if refused is not None else \
            totp.matching_step(user.totp_secret, code, unix_time=_now(now), last_step=user.totp_last_step)
        if refused is None and step is None:
            audit.record("auth.totp_failed", user=user, obj=user)  # the attempt stays counted
        elif step is not None:
            user.totp_last_step = step
            user.last_login_at = utcnow()
            throttle.clear(PAIR, pair_key(user.email, ip))
            throttle.give_back(attempt)
            audit.record("auth.login", user=user, obj=user, after={"second_factor": "totp"})
    if refused is not None:
        raise throttled_error(refused)
    return user if step is not None else None

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from ..audit import services as audit
from ..core import throttle
from ..database import unit_of_work, utcnow
from ..errors import DomainError
from ..extensions import db
from ..neighbourhoods.models import Neighbourhood
from .models import Membership, Role, User
from .passwords import hash_password, needs_rehash, password_problem, verify_password


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.execute(sa.select(User).where(User.email == normalise_email(email))).scalar_one_or_none()


def create_user(email: str, name: str, password: str, *, is_admin: bool = False, admin_city_id: int | None = None,
                roles: dict[Neighbourhood, Role] | None = None, actor=None) -> User:
    email = normalise_email(email)
    if "@" not in email or len(email) > 254:
        raise DomainError(_("Bitte eine gültige E-Mail-Adresse angeben."), field="email")
    if not name.strip():
        raise DomainError(_("Bitte einen Namen angeben."), field="name")
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password")
    with unit_of_work():
        if find_user(email) is not None:
            raise DomainError(_("Es gibt bereits ein Konto mit dieser E-Mail-Adresse."), field="email")
        user = User(email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin,
                    admin_city_id=admin_city_id if is_admin else None)
        for neighbourhood, role in (roles or {}).items():
            user.memberships.append(Membership(neighbourhood_id=neighbourhood.id, role=role))
        db.session.add(user)
        audit.record("user.create", user=actor, obj=user,
                     after={"email": email, "is_admin": is_admin, "admin_city_id": user.admin_city_id,
                            "roles": {n.slug: r.value for n, r in (roles or {}).items()}})
    return user


class LoginThrottled(DomainError):
    pass


def login_limits(email: str, ip: str) -> list[throttle.Limit]:
    """The failure counters a login attempt (password or code) is held to (see ``config``)."""
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"])
    return [
        throttle.Limit(PAIR, pair_key(email, ip), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window),
        throttle.Limit("login.account", email, config["LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES"], window),
        *([throttle.Limit("login.ip", ip, config["LOGIN_MAX_FAILURES_PER_IP"], window,
                          slowdown=timedelta(seconds=config["LOGIN_IP_SLOWDOWN_SECONDS"]))] if ip else []),
    ]


PAIR = "login.account_ip"


def pair_key(email: str, ip: str) -> str:
    return f"{ip}|{email}"  # the address first: a long e-mail address is cut, never the address


def throttled_error(limit: throttle.Limit) -> LoginThrottled:
    if limit.slowdown is not None:
        return LoginThrottled(_("Von Ihrer Adresse kamen viele fehlgeschlagene Anmeldeversuche. Bitte warten Sie "
                                "%(seconds)s Sekunden und versuchen Sie es dann noch einmal.",
                                seconds=int(limit.slowdown.total_seconds())))
    return LoginThrottled(_("Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "
                            "%(minutes)s Minuten noch einmal.",
                            minutes=current_app.config["LOGIN_THROTTLE_MINUTES"]))


def authenticate(email: str, password: str, *, ip: str = "") -> User | None:
    """The user if e-mail and password match an active account; every outcome is audited.

    A user with a second factor (``totp_secret``) is not logged in yet: the caller
    asks for the code next.

    After too many failures (``login_limits``) login is refused without even checking
    the password. The attempt is counted as a failure *before* the password is checked,
    in one locked step with the check of the limits, so that parallel guesses cannot all
    pass the limit before the first of them is counted; a right password gives it back.
    """
    email = normalise_email(email)[:254]
    refused: throttle.Limit | None = None
    with unit_of_work():
        try:
            attempt = throttle.take(*login_limits(email, ip))
        except throttle.LimitReached as e:
            refused = e.limit
            audit.record("auth.login_throttled", after={"email": email, "limit": refused.scope})
    if refused is not None:
        raise throttled_error(refused)

    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    with unit_of_work():
        if user is None or not ok or not user.active:
            audit.record("auth.login_failed", user=user, after={"email": email})
            return None  # the attempt stays counted
        throttle.give_back(attempt)
        user = db.session.get(User, user.id)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        if user.totp_secret:
            # Half a login: the failure counter stays until the code is right too (two_factor.verify_login),
            # so the password cannot be used to reset the count of wrong codes.
            audit.record("auth.login_password_ok", user=user, obj=user)
            return user
        user.last_login_at = utcnow()
        # Only this address's count: a success here must not hand a guesser elsewhere fresh attempts.
        throttle.clear(PAIR, pair_key(email, ip))
        audit.record("auth.login", user=user, obj=user)
    return user


def end_sessions(user_id: int, *, actor=None) -> None:
    """Invalidate every session of the user (logout everywhere, password change, disabling)."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        user.session_version += 1
        audit.record("auth.sessions_ended", user=actor or user, obj=user)


def logout(user_id: int) -> None:
    """End the session on the server, not only in this browser: a copy of the session cookie (taken
    from a shared computer, say) stops working too. Like any change of session version it ends the
    user's other sessions as well; logging out means being logged out."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is not None:
            user.session_version += 1
            audit.record("auth.logout", user=user, obj=user)


def change_password(user_id: int, current_password: str, new_password: str) -> User:
    """Set a new password; every other session of the user ends."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if not verify_password(user.password_hash, current_password):
            raise DomainError(_("Das bisherige Passwort stimmt nicht."), field="current_password")
        problem = password_problem(new_password)
        if problem:
            raise DomainError(problem, field="new_password")
        user.password_hash = hash_password(new_password)
        user.session_version += 1
        audit.record("auth.password_changed", user=user, obj=user)
    return user


def set_active(user_id: int, active: bool, *, actor) -> User:
    """Disable or re-enable an account; disabling ends its sessions at once."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is None:
            raise DomainError(_("Dieses Konto gibt es nicht."))
        if user.id == actor.id and not active:
            raise DomainError(_("Sie können Ihr eigenes Konto nicht deaktivieren."))
        before = user.active
        user.active = active
        if not active:
            user.session_version += 1
        audit.record("user.enable" if active else "user.disable", user=actor, obj=user,
                     before={"active": before}, after={"active": active})
    return user


def set_role(user_id: int, neighbourhood_id: int, role: Role | None, *, actor) -> User:
    """Give the user ``role`` in the neighbourhood, or take every role there (``None``)."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        if user is None:
            raise DomainError(_("Dieses Konto gibt es nicht."))
        membership = next((m for m in user.memberships if m.neighbourhood_id == neighbourhood_id), None)
        before = membership.role.value if membership else None
        if role is None:
            if membership is not None:
                user.memberships.remove(membership)
        elif membership is None:
            user.memberships.append(Membership(neighbourhood_id=neighbourhood_id, role=role))
        else:
            membership.role = role
        audit.record("user.role", user=actor, obj=user, neighbourhood_id=neighbourhood_id,
                     before={"role": before}, after={"role": role.value if role else None})
    return user

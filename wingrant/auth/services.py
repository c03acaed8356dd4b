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


def create_user(email: str, name: str, password: str, *, is_admin: bool = False,
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
        user = User(email=email, name=name.strip(), password_hash=hash_password(password), is_admin=is_admin)
        for neighbourhood, role in (roles or {}).items():
            user.memberships.append(Membership(neighbourhood_id=neighbourhood.id, role=role))
        db.session.add(user)
        audit.record("user.create", user=actor, obj=user,
                     after={"email": email, "is_admin": is_admin,
                            "roles": {n.slug: r.value for n, r in (roles or {}).items()}})
    return user


class LoginThrottled(DomainError):
    pass


def authenticate(email: str, password: str, *, ip: str = "") -> User | None:
    """The user if e-mail and password match an active account; every outcome is audited.

    After too many failures for the account or the client address within the
    window, login is refused without even checking the password.
    """
    email = normalise_email(email)[:254]
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_THROTTLE_MINUTES"])
    if throttle.is_limited("login.account", email, limit=config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], window=window) \
            or (ip and throttle.is_limited("login.ip", ip, limit=config["LOGIN_MAX_FAILURES_PER_IP"], window=window)):
        with unit_of_work():
            audit.record("auth.login_throttled", after={"email": email})
        raise LoginThrottled(_("Zu viele fehlgeschlagene Anmeldeversuche. Bitte versuchen Sie es in "
                               "%(minutes)s Minuten noch einmal.", minutes=config["LOGIN_THROTTLE_MINUTES"]))

    user = find_user(email)
    ok = verify_password(user.password_hash if user else None, password)
    with unit_of_work():
        if user is None or not ok or not user.active:
            throttle.hit("login.account", email)
            if ip:
                throttle.hit("login.ip", ip)
            audit.record("auth.login_failed", user=user, after={"email": email})
            return None
        user = db.session.get(User, user.id)
        if needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.last_login_at = utcnow()
        throttle.clear("login.account", email)
        audit.record("auth.login", user=user, obj=user)
    return user


def end_sessions(user_id: int, *, actor=None) -> None:
    """Invalidate every session of the user (logout everywhere, password change, disabling)."""
    with unit_of_work():
        user = db.session.get(User, user_id)
        user.session_version += 1
        audit.record("auth.sessions_ended", user=actor or user, obj=user)

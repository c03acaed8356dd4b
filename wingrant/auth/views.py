from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..core.redirects import safe_next
from ..errors import DomainError
from ..extensions import db, login_manager
from ..fields import show_error_at
from . import services
from .forms import LoginForm, PasswordChangeForm
from .models import User
from .pending_login import start_pending_login
from .session_lifetime import init_session_lifetime

bp = Blueprint("auth", __name__)


def init_login(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Bitte melden Sie sich an, um diese Seite zu sehen.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    init_session_lifetime(app)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Session ids are ``"<id>:<session_version>"``; a bumped version logs the session out."""
    try:
        raw_id, raw_version = user_id.split(":", 1)
        uid, version = int(raw_id), int(raw_version)
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def _safe_next(target: str | None) -> str:
    return safe_next(target, url_for("home.index"))


def _new_session() -> None:
    """Start a fresh session; only the chosen UI language (no secret, not tied to a user) survives."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@bp.route("/anmelden", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, ip=request.remote_addr or "")
        except services.LoginThrottled as e:
            flash(str(e), "error")
            return render_template("auth/login.html", form=form), 429
        if user is None:
            flash(_("E-Mail-Adresse oder Passwort ist falsch."), "error")
        elif user.totp_secret:
            start_pending_login(user, _safe_next(request.args.get("next")))
            return redirect(url_for("two_factor.login_code"))
        else:
            _new_session()  # a new session at login: only the language is carried over
            login_user(user)
            flash(_("Willkommen, %(name)s.", name=user.name), "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/abmelden")
@login_required
def logout():
    if current_user.is_authenticated:
        services.logout(current_user.id)
    logout_user()
    _new_session()
    flash(_("Sie sind abgemeldet."), "success")
    return redirect(url_for("home.index"))


@bp.route("/konto/passwort", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            user = services.change_password(current_user.id, form.current_password.data, form.new_password.data)
        except DomainError as e:
            show_error_at(form, e, "current_password")
        else:
            _new_session()
            login_user(user)  # this browser stays logged in; every other session has ended
            flash(_("Ihr Passwort wurde geändert. Andere Sitzungen wurden abgemeldet."), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)


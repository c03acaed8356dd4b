"""Pages of the second factor: the code step of a login, enrolment and switching it off.

The ``two_factor`` blueprint, beside the auth blueprint's password login.
Until the code is right a login is only a marker in the session (see
``pending_login``), never an authenticated session.
"""

from __future__ import annotations

import segno
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from ..errors import DomainError
from ..fields import show_error_at
from . import totp, two_factor
from .forms import TotpCodeForm, TotpDisableForm
from .pending_login import PENDING, pending_user
from .services import LoginThrottled
from .session_lifetime import LOGIN_AT

bp = Blueprint("two_factor", __name__)

ENROLMENT = "totp_enrolment"


@bp.route("/anmelden/code", methods=["GET", "POST"])
def login_code():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    found = pending_user()
    if found is None:
        flash(_("Die Anmeldung ist abgelaufen. Bitte melden Sie sich erneut an."), "info")
        return redirect(url_for("auth.login"))
    user, pending = found
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            user = two_factor.verify_login(user.id, form.code.data, ip=request.remote_addr or "")
        except LoginThrottled as e:
            session.pop(PENDING, None)
            flash(str(e), "error")
            return redirect(url_for("auth.login"), code=303)
        if user is None:
            form.code.errors.append(_("Der Code stimmt nicht oder wurde schon verwendet."))
        else:
            target = pending.get("next") or url_for("home.index")
            session.clear()  # a new session: nothing of the half login carried over
            login_user(user)
            flash(_("Willkommen, %(name)s.", name=user.name), "success")
            return redirect(target)
    return render_template("auth/login_code.html", form=form), 422 if form.errors else 200


def _qr_data_uri(uri: str) -> str:
    """The QR code as an SVG data: URI (the CSP allows data: images; nothing inline to run)."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=4)


@bp.route("/konto/zwei-faktor", methods=["GET", "POST"])
@login_required
def settings():
    if current_user.totp_secret:
        return render_template("auth/two_factor.html", enrolled=True, disable_form=TotpDisableForm(formdata=None))
    secret = session.get(ENROLMENT)
    if not isinstance(secret, str) or not secret:
        secret = session[ENROLMENT] = totp.new_secret()
    form = TotpCodeForm()
    if form.validate_on_submit():
        try:
            user = two_factor.enable(current_user.id, secret, form.code.data)
        except DomainError as e:
            show_error_at(form, e, "code")
        else:
            login_at = session.get(LOGIN_AT)
            session.clear()
            if login_at is not None:  # a code is no password: the session's absolute lifetime runs on
                session[LOGIN_AT] = login_at
            login_user(user)  # this browser stays logged in; every other session has ended
            flash(_("Die Zwei-Faktor-Anmeldung ist eingerichtet. Andere Sitzungen wurden abgemeldet."), "success")
            return redirect(url_for(".settings"))
    uri = totp.provisioning_uri(secret, current_user.email)
    return render_template("auth/two_factor.html", enrolled=False, form=form, uri=uri,
                           secret=totp.grouped(secret), qr=_qr_data_uri(uri)), 422 if form.errors else 200


@bp.post("/konto/zwei-faktor/abschalten")
@login_required
def disable():
    if not current_user.totp_secret:
        return redirect(url_for(".settings"))
    form = TotpDisableForm()
    if form.validate_on_submit():
        try:
            two_factor.disable(current_user.id, password=form.password.data or "", code=form.code.data or "",
                               ip=request.remote_addr or "")
        except LoginThrottled as e:
            flash(str(e), "error")
            return redirect(url_for(".settings"), code=303)
        except DomainError as e:
            show_error_at(form, e, "password")
        else:
            flash(_("Die Zwei-Faktor-Anmeldung ist abgeschaltet."), "success")
            return redirect(url_for(".settings"))
    return render_template("auth/two_factor.html", enrolled=True, disable_form=form), 422

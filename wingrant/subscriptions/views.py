"""The mailing list's public pages (no login): subscribe, confirm, unsubscribe.

The ``subscriptions`` blueprint. The unsubscribe POST is the one view exempt from CSRF protection:
RFC 8058 one-click unsubscribe is a POST from the recipient's mail provider, without cookies or a
form token; the unguessable token in the URL is the proof.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request

from ..core.security import token_or_same_origin
from ..errors import DomainError
from ..extensions import csrf, db
from ..fields import show_error_at
from ..neighbourhoods.models import Neighbourhood
from . import services
from .forms import ConfirmForm, subscribe_form

bp = Blueprint("subscriptions", __name__)


@bp.route("/portal/<slug>/verteiler", methods=["GET", "POST"])
@token_or_same_origin  # the form sits on the shared portal page too, without a token
def subscribe(slug):
    neighbourhood = db.session.execute(
        sa.select(Neighbourhood).filter_by(slug=slug, active=True)).scalar_one_or_none() or abort(404)
    form = subscribe_form(neighbourhood, request.method == "POST")
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.subscribe(neighbourhood, form.email.data, language=form.language.data,
                                   consent=form.consent.label.text, ip=request.remote_addr or "")
            except services.Throttled as error:
                form.email.errors = [*form.email.errors, error.message]
                status = 429
            except DomainError as error:
                show_error_at(form, error)
            else:
                return render_template("subscriptions/check_mail.html", nb=neighbourhood,
                                       days=services.CONFIRM_DAYS)
    return render_template("subscriptions/subscribe.html", nb=neighbourhood, form=form), status


@bp.get("/verteiler/bestaetigen/<token>")
def confirm(token):
    subscriber = services.by_confirm_token(token)
    expired = subscriber is None or subscriber.unsubscribed_at is not None or services.confirmation_expired(subscriber)
    return render_template("subscriptions/confirm.html", subscriber=subscriber, expired=expired,
                           form=ConfirmForm()), 404 if expired else 200


@bp.post("/verteiler/bestaetigen/<token>")
def confirm_post(token):
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        subscriber = services.confirm(token)
    except DomainError as error:
        return render_template("subscriptions/confirm.html", subscriber=None, expired=True, message=error.message,
                               form=form), 404
    return render_template("subscriptions/confirmed.html", subscriber=subscriber)


@bp.get("/verteiler/abmelden/<token>")
def unsubscribe(token):
    subscriber = services.by_unsubscribe_token(token)
    return render_template("subscriptions/unsubscribe.html", subscriber=subscriber), 200 if subscriber else 404


@bp.post("/verteiler/abmelden/<token>")
@csrf.exempt
def unsubscribe_post(token):
    """RFC 8058: the provider POSTs ``List-Unsubscribe=One-Click``; the page's button POSTs the same."""
    subscriber = services.unsubscribe(token)
    if subscriber is None:
        return render_template("subscriptions/unsubscribe.html", subscriber=None), 404
    return render_template("subscriptions/unsubscribed.html", subscriber=subscriber)

"""The Postausgang (administrators) and each account's choice of notices.

The ``mail`` blueprint. The Postausgang lists every mail with its status, so an administrator sees
at once when the server refuses or an address bounces, and can send a failed mail again.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from ..auth.permissions import Action, can, deny, neighbourhood_ids_for
from ..core import pagination
from ..errors import DomainError
from ..extensions import db
from ..fields import whole_number
from . import message, services
from .forms import ChoicesForm
from .kinds import account_kinds, offered_to
from .models import MailStatus, OutboxMail
from .recipients import opted_out

bp = Blueprint("mail", __name__)

PAGE_SIZE = 50


@bp.context_processor
def _labels() -> dict:
    return {"MAIL_STATUS": {MailStatus.PENDING: _("wartet"), MailStatus.SENT: _("gesendet"),
                            MailStatus.FAILED: _("fehlgeschlagen")}}


def _require_admin() -> None:
    if not can(current_user, None, Action.ADMINISTER):
        deny(Action.ADMINISTER)


@bp.get("/verwaltung/postausgang/")
@login_required
def outbox():
    _require_admin()
    status = request.args.get("status", "")
    status = status if status in {s.value for s in MailStatus} else ""
    stmt = sa.select(OutboxMail).where(_in_scope()).order_by(OutboxMail.id.desc())
    if status:
        stmt = stmt.where(OutboxMail.status == status)
    window = pagination.Window.of(pagination.count(stmt), request.args.get("seite", type=whole_number), PAGE_SIZE)
    mails = db.session.execute(
        stmt.options(sa.orm.defer(OutboxMail.body_text), sa.orm.defer(OutboxMail.body_html))
        .limit(PAGE_SIZE).offset(window.offset)).scalars().all()
    counts = dict(db.session.execute(
        sa.select(OutboxMail.status, sa.func.count()).where(_in_scope()).group_by(OutboxMail.status)).all())
    return render_template("mail/outbox.html", mails=mails, counts=counts, status=status, page=window.page,
                           pages=window.pages, statuses=list(MailStatus),
                           page_url=lambda n: url_for(".outbox", status=status or None, seite=n))


def _in_scope():
    """A city administrator sees the mail about the city's neighbourhoods only."""
    ids = neighbourhood_ids_for(current_user, Action.ADMINISTER)
    return sa.true() if ids is None else OutboxMail.neighbourhood_id.in_(ids)


def _mail(mail_id: int) -> OutboxMail:
    _require_admin()
    mail = db.session.get(OutboxMail, mail_id)
    if mail is None or not (current_user.is_global_admin or can(current_user, mail.neighbourhood_id, Action.ADMINISTER)
                            and mail.neighbourhood_id is not None):
        abort(404)
    return mail


@bp.get("/verwaltung/postausgang/<int:mail_id>")
@login_required
def show(mail_id: int):
    return render_template("mail/show.html", mail=_mail(mail_id))


@bp.get("/verwaltung/postausgang/<int:mail_id>.eml")
@login_required
def download(mail_id: int):
    msg = message.build(_mail(mail_id), current_app.config["MAIL_FROM"])
    return Response(bytes(msg), mimetype="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="mail-{mail_id}.eml"'})


@bp.post("/verwaltung/postausgang/<int:mail_id>/erneut")
@login_required
def retry(mail_id: int):
    mail = _mail(mail_id)
    try:
        services.retry(mail.id, user=current_user)
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash(_("Die Mail wird beim nächsten Durchgang erneut gesendet."), "success")
    return redirect(url_for(".show", mail_id=mail_id))


@bp.route("/konto/benachrichtigungen", methods=["GET", "POST"])
@login_required
def choices():
    offered = offered_to(current_user)
    form = ChoicesForm()
    form.kinds.choices = [SelectChoice(k.name, str(k.label)) for k in offered]
    if request.method == "GET":
        off = opted_out(current_user.id)
        form.kinds.data = [k.name for k in offered if k.name not in off]
        form.language.data = current_user.language
    elif form.validate_on_submit():
        # Kinds the account is not offered (another role's) stay as they were: switched on.
        wanted = set(form.kinds.data) | {k.name for k in account_kinds()} - {k.name for k in offered}
        services.set_choices(current_user, wanted=wanted, language=form.language.data)
        flash(_("Ihre Benachrichtigungen sind gespeichert."), "success")
        return redirect(url_for(".choices"))
    return render_template("mail/choices.html", form=form, offered=offered), 422 if form.errors else 200


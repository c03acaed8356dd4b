"""The Erklärung zur Barrierefreiheit (accessibility statement): a site page of ``home``, own blueprint.

Bremen's public bodies must publish one for their websites (BremBGG § 12 with the
BITV 2.0 and the EU model statement, Durchführungsbeschluss (EU) 2018/1523). The
text lives in ``templates/home/accessibility.html``; what differs per installation
(contact, date of the last review) comes from the configuration.
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, current_app, render_template

bp = Blueprint("accessibility", __name__)


def reviewed_on() -> date | None:
    """The configured date of the last review, or None if it is not a valid ISO date."""
    value = current_app.config.get("ACCESSIBILITY_REVIEWED_ON")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


@bp.get("/barrierefreiheit")
def statement():
    config = current_app.config
    return render_template(
        "home/accessibility.html",
        contact_email=config.get("ACCESSIBILITY_CONTACT_EMAIL"),
        contact_name=config.get("ACCESSIBILITY_CONTACT_NAME"),
        reviewed_on=reviewed_on(),
    )

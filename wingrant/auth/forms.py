from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from ..fields import whole_number


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte die E-Mail-Adresse eingeben.")),
                                                         Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte das Passwort eingeben.")),
                                                         Length(max=256)],
                             render_kw={"autocomplete": "current-password"})


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Bisheriges Passwort"), validators=[
        DataRequired(_l("Bitte das bisherige Passwort eingeben.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Neues Passwort"), validators=[
        DataRequired(_l("Bitte ein neues Passwort eingeben.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"})
    repeat = PasswordField(_l("Neues Passwort wiederholen"), validators=[
        DataRequired(_l("Bitte das neue Passwort wiederholen.")),
        EqualTo("new_password", _l("Die beiden neuen Passwörter stimmen nicht überein."))],
        render_kw={"autocomplete": "new-password"})


def _optional_number(value) -> int:
    """A select's number, 0 when not sent (the field is shown only with several cities)."""
    return whole_number(value) if value not in (None, "") else 0


class UserCreateForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte die E-Mail-Adresse eingeben.")),
                                                         Length(max=254)])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Bitte einen Namen eingeben.")), Length(max=200)])
    password = PasswordField(_l("Erstes Passwort"), validators=[DataRequired(_l("Bitte ein Passwort vergeben.")),
                                                                Length(max=256)],
                             render_kw={"autocomplete": "new-password"})
    is_admin = BooleanField(_l("WiN-Geschäftsführung (Administrator)"))
    #: For an administrator: the one city administered (0 = every city).
    admin_city = SelectField(_l("Verwaltet die Stadtgemeinde"), coerce=_optional_number, validate_choice=False)
    neighbourhood = SelectField(_l("Quartier"), coerce=whole_number, validate_choice=False)
    role = SelectField(_l("Rolle im Quartier"), validate_choice=True)


class RoleForm(FlaskForm):
    neighbourhood = SelectField(_l("Quartier"), coerce=int)
    role = SelectField(_l("Rolle"))


class TotpCodeForm(FlaskForm):
    """A six-digit code from the authenticator app (login step two, enrolment)."""

    code = StringField(_l("Code aus der App"), validators=[DataRequired(_l("Bitte den sechsstelligen Code eingeben.")),
                                                          Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class TotpDisableForm(FlaskForm):
    password = PasswordField(_l("Passwort"), validators=[Length(max=256)],
                             render_kw={"autocomplete": "current-password"})
    code = StringField(_l("oder Code aus der App"), validators=[Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})

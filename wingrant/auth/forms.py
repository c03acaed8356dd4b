from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("E-Mail-Adresse"), validators=[DataRequired(_l("Bitte die E-Mail-Adresse eingeben.")),
                                                         Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Passwort"), validators=[DataRequired(_l("Bitte das Passwort eingeben.")),
                                                         Length(max=256)],
                             render_kw={"autocomplete": "current-password"})

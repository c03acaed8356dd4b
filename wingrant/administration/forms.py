"""The administration's forms: the neighbourhoods' populations."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import NumberRange, Optional

from ..fields import WholeNumberField


def population_form(neighbourhoods, formdata=None) -> FlaskForm:
    """One optional whole number per neighbourhood, prefilled with the stored population."""

    class PopulationForm(FlaskForm):
        pass

    for nb in neighbourhoods:
        setattr(PopulationForm, f"population_{nb.id}", WholeNumberField(
            _("Einwohner:innen %(name)s", name=nb.name),
            validators=[Optional(), NumberRange(min=1, max=1_000_000, message=_l(
                "Die Einwohnerzahl muss eine ganze Zahl zwischen 1 und 1.000.000 sein (oder leer)."))],
            render_kw={"inputmode": "numeric", "autocomplete": "off"}))
    form = PopulationForm(formdata=formdata)
    if formdata is None:
        for nb in neighbourhoods:
            form[f"population_{nb.id}"].data = nb.population
    return form

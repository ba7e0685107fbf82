"""Forms of the reception page: a visitor and what they raised, and the deputies on duty."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from volunteer_app.core.forms import MultiCheckboxField, optional_int
from volunteer_app.needs.services.receptions import Owner
from volunteer_app.needs.vocabulary import CATEGORY_LABELS


class VisitorForm(FlaskForm):
    name = StringField(_l("Visitor's name"), validators=[DataRequired(), Length(max=80)])
    phone = StringField(_l("Visitor's mobile number"), validators=[Optional(), Length(max=20)])
    raised = TextAreaField(_l("What they raised"), validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("Category"), choices=[(key.value, label) for key, label in CATEGORY_LABELS.items()])
    community_id = SelectField(_l("Community"), coerce=optional_int)
    place = StringField(_l("Where (optional)"), validators=[Optional(), Length(max=200)])
    deputy_id = SelectField(_l("Received by"), coerce=optional_int)
    owner = RadioField(
        _l("Who takes it"),
        choices=[
            (Owner.DEPUTY.value, _l("The deputy takes it")),
            (Owner.DISPATCH.value, _l("Send to dispatch")),
        ],
        default=Owner.DEPUTY.value,
    )
    submit = SubmitField(_l("Record the visitor"))


class OnDutyForm(FlaskForm):
    deputy_ids = MultiCheckboxField(_l("Deputies on duty"), coerce=int)
    submit = SubmitField(_l("Save"))

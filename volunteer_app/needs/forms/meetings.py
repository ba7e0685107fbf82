"""Forms of the meeting pages: a meeting, the public's question, an answer, the viewers and minutes, a commitment."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from volunteer_app.core.forms import MultiCheckboxField, optional_int
from volunteer_app.needs.vocabulary import CATEGORY_LABELS

DT_FORMAT = "%Y-%m-%dT%H:%M"


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(key.value, label) for key, label in labels.items()]


class MeetingForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), format=DT_FORMAT, validators=[DataRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    community_id = SelectField(_l("Community"), coerce=optional_int)
    deputy_ids = MultiCheckboxField(_l("Deputies"), coerce=int)
    officials = StringField(_l("Officials taking part"), validators=[Optional(), Length(max=500)])
    livestream_url = StringField(_l("Livestream link"), validators=[Optional(), Length(max=500)])
    questions_close_at = DateTimeLocalField(
        _l("Questions close"),
        format=DT_FORMAT,
        validators=[Optional()],
        description=_l("Leave empty to take questions until the meeting starts."),
    )
    viewer_count = IntegerField(_l("Viewers"), validators=[Optional(), NumberRange(min=0)])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Save"))


class QuestionForm(FlaskForm):
    text = TextAreaField(_l("Your question"), validators=[DataRequired(), Length(max=1000)])
    asker_name = StringField(_l("Your name (optional)"), validators=[Optional(), Length(max=80)])
    asker_phone = StringField(
        _l("Your mobile number (optional)"),
        validators=[Optional(), Length(max=20)],
        description=_l("Only for staff to call you back. Your name and number are never shown."),
    )
    submit = SubmitField(_l("Send the question"))


class AnswerForm(FlaskForm):
    answer = TextAreaField(_l("Answer"), validators=[DataRequired(), Length(max=5000)])
    submit = SubmitField(_l("Save the answer"))


class RecordForm(FlaskForm):
    viewer_count = IntegerField(_l("Viewers"), validators=[Optional(), NumberRange(min=0)])
    minutes = TextAreaField(_l("Minutes"), validators=[Optional(), Length(max=20_000)])
    submit = SubmitField(_l("Save"))


class CommitmentForm(FlaskForm):
    description = TextAreaField(_l("What was committed"), validators=[DataRequired(), Length(max=2000)])
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS))
    community_id = SelectField(_l("Community"), coerce=optional_int)
    place = StringField(_l("Where (optional)"), validators=[Optional(), Length(max=200)])
    owner = SelectField(_l("Owner"), validators=[DataRequired()])
    department = StringField(
        _l("Department"), validators=[Optional(), Length(max=120)], description=_l("When the owner is a department.")
    )
    deadline = DateField(
        _l("Deadline"), validators=[Optional()], description=_l("Leave empty for the category's working days.")
    )
    submit = SubmitField(_l("Make the commitment"))

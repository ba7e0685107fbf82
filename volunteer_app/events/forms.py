"""Forms of the events pages. They parse shapes; the rules and their messages live in the services."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from volunteer_app.core.forms import MultiCheckboxField, optional_int
from volunteer_app.core.time import as_utc
from volunteer_app.events.models import (
    AUDIENCE_LABELS,
    DAY_KIND_LABELS,
    EVENT_KIND_LABELS,
    FREQUENCY_LABELS,
)
from volunteer_app.organisations.models import POLITICAL_STATUS_LABELS
from volunteer_app.organisations.reception import weekday_name

DT_FORMAT = "%Y-%m-%dT%H:%M"


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(key.value, label) for key, label in labels.items()]


def local(value: datetime | None) -> datetime | None:
    """A form's naive local time as aware UTC (the services' convention)."""
    return as_utc(value) if value else None


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=_choices(EVENT_KIND_LABELS))
    team_id = SelectField(_l("Organising team"), coerce=optional_int)
    community_id = SelectField(_l("Host community"), coerce=optional_int)
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    signup_opens_at = DateTimeLocalField(_l("Sign-up opens"), format=DT_FORMAT, validators=[Optional()])
    signup_closes_at = DateTimeLocalField(_l("Sign-up closes"), format=DT_FORMAT, validators=[Optional()])
    audience = SelectField(_l("Who may sign up"), choices=_choices(AUDIENCE_LABELS))
    audience_team_ids = MultiCheckboxField(_l("Teams it is for"), coerce=int)
    beneficiary_capacity = IntegerField(
        _l("Places for beneficiaries (children)"), validators=[Optional(), NumberRange(min=0, max=100_000)]
    )
    promotion_confirm_hours = IntegerField(
        _l("Hours to accept a place freed from the waitlist"),
        description=_l("Empty: the next on the waitlist gets the place at once."),
        validators=[Optional(), NumberRange(min=1, max=24 * 14)],
    )
    attendance_confirm_hours = IntegerField(
        _l("Hours before each session to ask volunteers if they are still coming"),
        description=_l("Empty: volunteers are not asked."),
        validators=[Optional(), NumberRange(min=1, max=24 * 14)],
    )
    submit = SubmitField(_l("Save"))


class SessionForm(FlaskForm):
    title = StringField(_l("Session name"), validators=[Optional(), Length(max=120)])
    starts_at = DateTimeLocalField(_l("Starts"), format=DT_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=DT_FORMAT, validators=[DataRequired()])
    submit = SubmitField(_l("Save"))


class RoleForm(FlaskForm):
    name = StringField(lazy_pgettext("event", "Role"), validators=[DataRequired(), Length(max=80)])
    capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(min=0, max=100_000)])
    description = StringField(_l("What the role does"), validators=[Optional(), Length(max=500)])
    min_age = IntegerField(_l("Minimum age"), validators=[Optional(), NumberRange(min=0, max=100)])
    political_status = SelectField(
        _l("Political status required"), choices=[("", _l("— any —")), *_choices(POLITICAL_STATUS_LABELS)]
    )
    skill = StringField(_l("Skill required"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Save"))


class CancelEventForm(FlaskForm):
    cancel_reason = StringField(_l("Why is it cancelled?"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Cancel the event"))


class EnrolmentForm(FlaskForm):
    child_name = StringField(_l("Child's name"), validators=[DataRequired(), Length(max=80)])
    child_age = IntegerField(_l("Age"), validators=[DataRequired(), NumberRange(min=3, max=17)])
    school = StringField(_l("School"), validators=[Optional(), Length(max=120)])
    guardian_name = StringField(_l("Guardian's name"), validators=[DataRequired(), Length(max=80)])
    guardian_phone = StringField(_l("Guardian's mobile number"), validators=[DataRequired(), Length(max=20)])
    guardian_consent = BooleanField(_l("The guardian consents to the enrolment"))
    submit = SubmitField(_l("Enrol"))


class CorrectionForm(FlaskForm):
    hours = DecimalField(_l("Hours"), places=2, validators=[InputRequired(), NumberRange(min=0, max=1000)])  # 0: absent
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("Correct the hours"))


class NoShowCorrectionForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    submit = SubmitField(_l("They came: not a no-show"))


class OverrideForm(FlaskForm):
    day = DateField(_l("Date"), validators=[DataRequired()])
    kind = SelectField(_l("This date is"), choices=_choices(DAY_KIND_LABELS))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class RecurrenceForm(FlaskForm):
    frequency = SelectField(_l("Repeats"), choices=_choices(FREQUENCY_LABELS))
    weekdays = MultiCheckboxField(_l("On"), coerce=int)
    nth = SelectField(
        _l("Which week of the month"),
        coerce=optional_int,
        choices=[
            ("", _l("— every week —")),
            (1, _l("First")),
            (2, _l("Second")),
            (3, _l("Third")),
            (4, _l("Fourth")),
            (-1, _l("Last")),
        ],
    )
    start_time = TimeField(_l("From"), validators=[DataRequired()])
    end_time = TimeField(_l("Until"), validators=[DataRequired()])
    starts_on = DateField(_l("First date"), validators=[DataRequired()])
    until = DateField(_l("Last date"), validators=[Optional()])
    skip_holidays = BooleanField(_l("Skip public holidays"), default=True)
    add_makeup_workdays = BooleanField(
        _l("Make up on a make-up working day (调休) what a holiday removed"),
        description=_l(
            "Only a session a public holiday removed is made up, on a make-up working day of the same holiday "
            "(the one nearest to it); other make-up working days are not added, whatever their weekday."
        ),
    )
    weeks_ahead = IntegerField(_l("Weeks to plan ahead"), default=8, validators=[NumberRange(min=1, max=52)])
    role_name = StringField(lazy_pgettext("event", "Role"), validators=[DataRequired(), Length(max=80)])
    role_capacity = IntegerField(_l("Places"), validators=[DataRequired(), NumberRange(min=0, max=100_000)])
    submit = SubmitField(_l("Save and plan the sessions"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.weekdays.choices = [(d, weekday_name(d)) for d in range(7)]


class ReservationForm(FlaskForm):
    team_id = SelectField(_l("Team"), coerce=optional_int, validators=[InputRequired()])
    places = IntegerField(_l("Places to reserve"), validators=[InputRequired(), NumberRange(min=1, max=100_000)])
    fill_by = DateTimeLocalField(_l("Names by"), format=DT_FORMAT, validators=[InputRequired()])
    submit = SubmitField(_l("Reserve"))

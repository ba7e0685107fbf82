"""Forms of the registry pages. They parse shapes; the rules (and their messages) live in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from volunteer_app.core.forms import MultiCheckboxField, optional_int
from volunteer_app.organisations.models import (
    AVAILABILITY_LABELS,
    COMMUNITY_KIND_LABELS,
    DEPUTY_LEVEL_LABELS,
    GROUP_PART_LABELS,
    MEMBER_ROLE_LABELS,
    POLITICAL_STATUS_LABELS,
    TEAM_KIND_LABELS,
)


def _choices(labels: dict) -> list[tuple[str, object]]:
    return [(key.value, label) for key, label in labels.items()]


class TownForm(FlaskForm):
    name = StringField(_l("Town name"), validators=[DataRequired(), Length(max=60)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=60)])
    submit = SubmitField(_l("Save"))


class CommunityForm(FlaskForm):
    town_id = SelectField(_l("Town"), coerce=optional_int)
    name = StringField(_l("Community name"), validators=[DataRequired(), Length(max=60)])
    kind = SelectField(_l("Kind"), choices=_choices(COMMUNITY_KIND_LABELS))
    submit = SubmitField(_l("Save"))


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(), Length(max=120)])
    kind = SelectField(_l("Kind"), choices=_choices(TEAM_KIND_LABELS))
    town_id = SelectField(_l("Town"), coerce=optional_int)
    community_id = SelectField(  # registering only: the pairing the new team starts with
        _l("Paired with"),
        coerce=optional_int,
        description=_l("The village or community the team serves; community staff pair it with their own."),
    )
    founded_on = DateField(_l("Founded on"), validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


class MemberForm(FlaskForm):
    phone = StringField(
        _l("The volunteer's mobile number"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "tel", "autocomplete": "off"},
        description=_l("Ask the volunteer for the number they registered with."),
    )
    role = SelectField(_l("Role in the team"), choices=_choices(MEMBER_ROLE_LABELS), default="member")
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    submit = SubmitField(_l("Add member"))


class PairingForm(FlaskForm):
    team_id = SelectField(_l("Team"), coerce=optional_int)
    community_id = SelectField(_l("Village or community"), coerce=optional_int)
    since = DateField(_l("Paired since"), validators=[Optional()])
    purpose = TextAreaField(_l("What for"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))


class PairingEditForm(FlaskForm):
    since = DateField(_l("Paired since"), validators=[DataRequired()])
    purpose = TextAreaField(_l("What for"), validators=[Optional(), Length(max=500)])
    ended_on = DateField(_l("Ended on"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class YouthGroupForm(FlaskForm):
    community_id = SelectField(_l("Village or community"), coerce=optional_int)
    name = StringField(
        _l("Group name"),
        validators=[Optional(), Length(max=120)],
        description=_l("Leave empty for the community's name followed by 青治团."),
    )
    youth_home = StringField(_l("Youth Home"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class YouthGroupEditForm(FlaskForm):
    name = StringField(_l("Group name"), validators=[DataRequired(), Length(max=120)])
    youth_home = StringField(_l("Youth Home"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class GroupMemberForm(FlaskForm):
    part = SelectField(_l("Part"), choices=_choices(GROUP_PART_LABELS))
    name = StringField(_l("Member's name"), validators=[Optional(), Length(max=80)])
    volunteer_id = SelectField(_l("Registered volunteer (optional)"), coerce=optional_int)
    joined_on = DateField(_l("Joined on"), validators=[Optional()])
    submit = SubmitField(_l("Add member"))


class StationForm(FlaskForm):
    town_id = SelectField(_l("Town"), coerce=optional_int)
    name = StringField(_l("Station name"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    community_ids = MultiCheckboxField(_l("Communities the station covers itself"), coerce=int)
    submit = SubmitField(_l("Save"))


class PointForm(FlaskForm):
    station_id = SelectField(_l("Social-work station"), coerce=optional_int)
    name = StringField(_l("Point name"), validators=[DataRequired(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    opened_on = DateField(_l("Opened on"), validators=[Optional()])
    community_ids = MultiCheckboxField(_l("Communities covered"), coerce=int)
    submit = SubmitField(_l("Save"))


class AssignWorkerForm(FlaskForm):
    user_id = SelectField(_l("Social worker"), coerce=optional_int)
    submit = SubmitField(_l("Assign"))


class DeputyForm(FlaskForm):
    class Meta:
        csrf = False  # a sub-form; the outer form carries the token

    name = StringField(_l("Deputy's name"), validators=[Optional(), Length(max=80)])
    level = SelectField(_l("Level"), choices=_choices(DEPUTY_LEVEL_LABELS), default="district")
    title = StringField(_l("Position"), validators=[Optional(), Length(max=200)])


WEEKDAY_CHOICES = [
    (0, _l("Monday")),
    (1, _l("Tuesday")),
    (2, _l("Wednesday")),
    (3, _l("Thursday")),
    (4, _l("Friday")),
    (5, _l("Saturday")),
    (6, _l("Sunday")),
]


class LiaisonForm(FlaskForm):
    name = StringField(_l("Station name"), validators=[DataRequired(), Length(max=120)])
    community_id = SelectField(_l("Village or community"), coerce=optional_int)
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    reception_weekday = SelectField(_l("Reception day"), coerce=optional_int, choices=WEEKDAY_CHOICES, default=1)
    reception_start = TimeField(_l("From"), validators=[DataRequired()])
    reception_end = TimeField(_l("Until"), validators=[DataRequired()])
    except_public_holidays = BooleanField(_l("Except public holidays"), default=True)
    deputies = FieldList(FormField(DeputyForm), label=_l("Deputies"), min_entries=1)
    submit = SubmitField(_l("Save"))


class VolunteerFieldsForm(FlaskForm):
    """What a volunteer fills in both when registering and when editing their profile."""

    name = StringField(_l("Real name"), validators=[DataRequired(), Length(max=80)], render_kw={"autocomplete": "name"})
    phone = StringField(
        _l("Mobile phone"),
        validators=[DataRequired(), Length(max=20)],
        render_kw={"inputmode": "tel", "autocomplete": "tel"},
    )
    political_status = SelectField(_l("Political status"), choices=_choices(POLITICAL_STATUS_LABELS))
    community_id = SelectField(_l("Home community"), coerce=optional_int)
    skills = StringField(
        _l("Skills"),
        validators=[Optional(), Length(max=400)],
        description=_l("Separate them with commas, e.g. first aid, painting, photography"),
    )
    availability = MultiCheckboxField(_l("When you can help"), choices=_choices(AVAILABILITY_LABELS))
    guardian_name = StringField(_l("Guardian's name"), validators=[Optional(), Length(max=80)])
    guardian_phone = StringField(
        _l("Guardian's mobile phone"), validators=[Optional(), Length(max=20)], render_kw={"inputmode": "tel"}
    )
    guardian_consent = BooleanField(_l("My guardian agrees to my volunteering"))


class RegistrationForm(VolunteerFieldsForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(max=40)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(), Length(max=200)], render_kw={"autocomplete": "new-password"}
    )
    id_number = StringField(
        _l("Resident ID card number"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
        description=_l("Your sex and birth date are read from it."),
    )
    submit = SubmitField(_l("Register as a volunteer"))


class VolunteerEditForm(VolunteerFieldsForm):
    submit = SubmitField(_l("Save"))


class RevealForm(FlaskForm):
    field = HiddenField()
    reason = StringField(_l("Why do you need the full number?"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("Show in full"))


def split_skills(text: str | None) -> list[str]:
    parts = (text or "").replace("，", ",").replace("、", ",").split(",")
    return [part.strip() for part in parts if part.strip()]

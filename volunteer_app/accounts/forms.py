from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from volunteer_app.accounts.models import ROLE_LABELS


class LoginForm(FlaskForm):
    login = StringField(_l("Username or phone"), validators=[DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Log in"))


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=40)])
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=20)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    roles = SelectMultipleField(
        _l("Roles"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()], validators=[DataRequired()]
    )
    scope = StringField(_l("Scope (optional, e.g. service_point:3)"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Create user"))


class GrantForm(FlaskForm):
    role = SelectField(_l("Role"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()])
    scope = StringField(_l("Scope (optional, e.g. service_point:3)"), validators=[Optional(), Length(max=40)])
    submit = SubmitField(_l("Add role"))


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Change password"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(_l("The same password again"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Set my password"))


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    email = StringField(
        _l("Email address"), validators=[Optional(), Length(max=120)],
        description=_l("Reminders by email go here once you confirm the address through the link we send to it."),
    )  # fmt: skip
    locale = SelectField(_l("Language"))
    submit = SubmitField(_l("Save"))


class EmailForm(FlaskForm):
    email = StringField(_l("Email address"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Set email address"))

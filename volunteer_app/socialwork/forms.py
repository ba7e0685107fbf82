"""Forms of the social-work pages. They parse shapes; the rules and their messages live in the services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from volunteer_app.core.forms import MultiCheckboxField, optional_int
from volunteer_app.socialwork import labels
from volunteer_app.socialwork.labels import choices


def Select(*args, **kwargs) -> SelectField:
    """A select whose value the service checks (with its own message), so a missing value is not a form error."""
    return SelectField(*args, validate_choice=False, **kwargs)


def _blank(options, label=None):
    return [("", label or _l("— choose —")), *options]


class MemberFields(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    relation = Select(_l("Relation to the head"), choices=choices(labels.RELATION))
    id_number = StringField(
        _l("ID number (sex and birth date are read from it)"), validators=[Optional(), Length(max=30)]
    )
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    birth_date = DateField(_l("Birth date (if no ID number)"), validators=[Optional()])
    sex = Select(_l("Sex (if no ID number)"), choices=[("", "—"), ("M", _l("Male")), ("F", _l("Female"))])
    flags = MultiCheckboxField(_l("Target groups"), choices=choices(labels.FLAG))
    disability_type = Select(_l("Type of disability"), choices=_blank(choices(labels.DISABILITY_TYPE), "—"))
    disability_grade = IntegerField(_l("Grade of disability (1–4)"), validators=[Optional(), NumberRange(1, 4)])
    disability_certificate = StringField(_l("Disability certificate number"), validators=[Optional(), Length(max=40)])
    other_flag_note = StringField(_l("Other special group: which"), validators=[Optional(), Length(max=200)])
    health_notes = TextAreaField(_l("Health"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    insurance_notes = TextAreaField(_l("Insurance (medical, pension)"), validators=[Optional(), Length(max=2000)],
                                    render_kw={"rows": 2})  # fmt: skip

    def member_data(self) -> dict:
        data = {name: self[name].data for name in (
            "name", "relation", "id_number", "phone", "birth_date", "sex", "flags", "disability_type",
            "disability_grade", "disability_certificate", "other_flag_note", "health_notes", "insurance_notes",
        )}  # fmt: skip
        if data["id_number"]:
            data.pop("birth_date")
            data.pop("sex")
        return data


class MemberForm(MemberFields):
    submit = SubmitField(_l("Save"))


class HouseholdForm(MemberFields):
    """A new file: the household and its head (more members are added on the file's page)."""

    community_id = Select(_l("Village or community"), coerce=optional_int)
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    household_type = Select(_l("Household type"), choices=choices(labels.HOUSEHOLD_TYPE))
    income_band = Select(_l("Income"), choices=_blank(choices(labels.INCOME_BAND), "—"))
    housing = Select(_l("Housing"), choices=_blank(choices(labels.HOUSING), "—"))
    worker_id = Select(_l("Responsible social worker"), coerce=optional_int)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Open the file"))

    HOUSEHOLD_FIELDS = ("community_id", "address", "household_type", "income_band", "housing", "worker_id", "notes")


class HouseholdEditForm(FlaskForm):
    address = StringField(_l("Address"), validators=[DataRequired(), Length(max=200)])
    household_type = Select(_l("Household type"), choices=choices(labels.HOUSEHOLD_TYPE))
    income_band = Select(_l("Income"), choices=_blank(choices(labels.INCOME_BAND), "—"))
    housing = Select(_l("Housing"), choices=_blank(choices(labels.HOUSING), "—"))
    worker_id = Select(_l("Responsible social worker"), coerce=optional_int)
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))


class VisitForm(FlaskForm):
    visited_at = DateTimeLocalField(_l("Date and time"), format="%Y-%m-%dT%H:%M", validators=[DataRequired()])
    contact_type = Select(_l("Contact"), choices=choices(labels.CONTACT_TYPE))
    worker_ids = MultiCheckboxField(_l("Who visited"), coerce=int)
    met = StringField(_l("Who you met"), validators=[Optional(), Length(max=200)])
    purpose = StringField(_l("Purpose"), validators=[Optional(), Length(max=500)])
    living_changes = TextAreaField(_l("Changes in living"), validators=[Optional(), Length(max=2000)],
                                   render_kw={"rows": 2})  # fmt: skip
    health_changes = TextAreaField(_l("Changes in health"), validators=[Optional(), Length(max=2000)],
                                   render_kw={"rows": 2})  # fmt: skip
    income_changes = TextAreaField(_l("Changes in income"), validators=[Optional(), Length(max=2000)],
                                   render_kw={"rows": 2})  # fmt: skip
    needs = MultiCheckboxField(_l("Needs found"), choices=choices(labels.NEED))
    needs_text = TextAreaField(_l("Needs in your words"), validators=[Optional(), Length(max=2000)],
                               render_kw={"rows": 2})  # fmt: skip
    policies_explained = MultiCheckboxField(_l("Policies explained"), coerce=int)
    policies_applied = MultiCheckboxField(_l("Policies applied for"), coerce=int)
    policies_received = MultiCheckboxField(_l("Policies received"), coerce=int)
    measures = TextAreaField(_l("Measures taken and referrals"), validators=[Optional(), Length(max=2000)],
                             render_kw={"rows": 2})  # fmt: skip
    risk_level = Select(_l("Risk level"), choices=choices(labels.RISK_LEVEL))
    follow_up_task = StringField(_l("Next follow-up: what"), validators=[Optional(), Length(max=500)])
    follow_up_due_on = DateField(_l("Next follow-up: by when"), validators=[Optional()])
    attachments = MultipleFileField(_l("Photos or scans (JPEG, PNG, PDF; only with consent)"))
    submit = SubmitField(_l("Save the visit"))

    TEXT = ("met", "purpose", "living_changes", "health_changes", "income_changes", "needs_text", "measures")

    def visit_data(self) -> dict:
        data = {name: self[name].data for name in (*self.TEXT, "visited_at", "contact_type", "worker_ids", "needs",
                                                   "risk_level")}  # fmt: skip
        data["policies"] = {
            stage: self[f"policies_{stage}"].data
            for stage in ("explained", "applied", "received")
            if self[f"policies_{stage}"].data
        }
        return data


class VisitEditForm(VisitForm):
    note = StringField(_l("What you changed and why (the previous version is kept)"),
                       validators=[DataRequired(), Length(max=255)])  # fmt: skip
    submit = SubmitField(_l("Save the change"))


class AttachmentForm(FlaskForm):
    attachments = MultipleFileField(_l("Photos or scans (JPEG, PNG, PDF)"))
    submit = SubmitField(_l("Upload"))


class FollowUpForm(FlaskForm):
    task = StringField(_l("Task"), validators=[DataRequired(), Length(max=500)])
    due_on = DateField(_l("Due on"), validators=[DataRequired()])
    owner_id = Select(_l("Owner"), coerce=optional_int)
    submit = SubmitField(_l("Add follow-up"))


class FollowUpCloseForm(FlaskForm):
    status = HiddenField(default="done")
    outcome = StringField(_l("Outcome"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Mark done"))


class ConsentForm(FlaskForm):
    purpose = Select(_l("Consent to"), choices=choices(labels.CONSENT_PURPOSE))
    member_id = Select(_l("Given by (member)"), coerce=optional_int)
    given_by = StringField(_l("Or name (e.g. a guardian)"), validators=[Optional(), Length(max=80)])
    given_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    method = Select(_l("How"), choices=choices(labels.CONSENT_METHOD))
    witness = StringField(_l("Witness (for verbal consent)"), validators=[Optional(), Length(max=80)])
    scan = FileField(_l("Scan of the signed paper (JPEG, PNG, PDF)"))
    submit = SubmitField(_l("Record consent"))


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("Confirm"))


class RequiredReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=255)])
    submit = SubmitField(_l("Confirm"))


class ReferralForm(FlaskForm):
    target_kind = Select(_l("Refer to"), choices=choices(labels.REFERRAL_TARGET))
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    resource_id = Select(_l("Charity resource"), coerce=optional_int)
    team_id = Select(_l("Volunteer team"), coerce=optional_int)
    need = Select(_l("Need"), choices=_blank(choices(labels.NEED), "—"))
    reason = TextAreaField(_l("What for"), validators=[DataRequired(), Length(max=500)], render_kw={"rows": 2})
    submit = SubmitField(_l("Refer"))


class ReferralStatusForm(FlaskForm):
    status = Select(_l("Status"), choices=choices(labels.REFERRAL_STATUS))
    outcome = StringField(_l("Outcome"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Update"))


class ReferralEventForm(FlaskForm):
    description = TextAreaField(_l("What volunteers will read"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Turn into an event"))


class MoveForm(FlaskForm):
    to_household_id = IntegerField(_l("Move to file no."), validators=[DataRequired(), NumberRange(1, 2**31 - 1)])
    relation = Select(_l("Relation to the new head"), choices=choices(labels.RELATION))
    submit = SubmitField(_l("Move"))


class HeadForm(FlaskForm):
    member_id = Select(_l("New head of household"), coerce=optional_int)
    previous_head_relation = Select(_l("The previous head is now"), choices=choices(labels.RELATION)[1:])
    submit = SubmitField(_l("Change the head"))


class ExportForm(FlaskForm):
    format = Select(_l("Format"), choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")])
    unmasked = Select(_l("Numbers"), choices=[("", _l("Masked")), ("1", _l("In full (needs a reason)"))])
    reason = StringField(_l("Reason for full numbers"), validators=[Optional(), Length(max=255)])
    submit = SubmitField(_l("Export"))


class PolicyForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    kind = Select(_l("Kind"), choices=choices(labels.POLICY_KIND))
    department = StringField(_l("Department"), validators=[Optional(), Length(max=120)])
    target_flags = MultiCheckboxField(_l("Concerns"), choices=choices(labels.FLAG))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Add to the catalogue"))

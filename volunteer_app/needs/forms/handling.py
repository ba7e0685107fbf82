"""Forms of dispatching and handling a need: each action on the need's page is one small form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional

# Services check every value and name the field of each problem; the forms only read them.
CHOICE = {"validate_choice": False}


class AssignForm(FlaskForm):
    assignee = SelectField(_l("Assign to"), **CHOICE)
    department = StringField(_l("Department (when assigning to one)"))
    deadline = DateField(
        _l("Deadline"), validators=[Optional()], description=_l("Empty: the category's working days from today.")
    )
    reason = StringField(_l("Note for the history (optional)"))
    submit = SubmitField(lazy_pgettext("need action", "Assign"))


class MergeForm(FlaskForm):
    into = StringField(_l("Tracking number of the need it duplicates"), render_kw={"placeholder": "XQ-…"})
    reason = StringField(_l("Why (optional)"))
    submit = SubmitField(_l("Merge"))


class ReasonForm(FlaskForm):
    """Declining and reopening: a reason is required (the service says so when it is missing)."""

    reason = TextAreaField(_l("Reason"), render_kw={"rows": 2})
    submit = SubmitField(_l("Send"))


class ReplyForm(FlaskForm):
    text = TextAreaField(_l("Text"), render_kw={"rows": 3})
    submit = SubmitField(_l("Post"))


class CloseForm(FlaskForm):
    outcome = TextAreaField(
        _l("What was done"), render_kw={"rows": 3}, description=_l("The raiser reads this on the status page.")
    )
    submit = SubmitField(_l("Close the need"))


class EventForm(FlaskForm):
    title = StringField(_l("Event title"))
    description = TextAreaField(
        _l("What volunteers will do"),
        render_kw={"rows": 2},
        description=_l("Volunteers read this: leave out names, phone numbers and addresses of residents."),
    )
    submit = SubmitField(_l("Open a draft event"))


class PhoneRatingForm(FlaskForm):
    stars = SelectField(_l("Stars"), choices=[(str(n), str(n)) for n in range(5, 0, -1)], **CHOICE)
    comment = TextAreaField(_l("Comment"), render_kw={"rows": 2})
    submit = SubmitField(_l("Record the rating"))

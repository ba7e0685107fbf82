"""Forms of raising a need (the public form, staff intake, a household visit) and of rating it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, SubmitField, TextAreaField

from volunteer_app.core.forms import optional_int
from volunteer_app.needs.vocabulary import CATEGORY_LABELS, SOURCE_LABELS, Source

# Services check every value and name the field of each problem; the forms only read them.
CHOICE = {"validate_choice": False}


class NeedFields(FlaskForm):
    """What is wrong and where: the same on every door."""

    category = SelectField(
        _l("What kind of problem"),
        choices=[("", _l("Choose…")), *((c.value, label) for c, label in CATEGORY_LABELS.items())],
        **CHOICE,
    )
    description = TextAreaField(
        _l("What is wrong"),
        render_kw={"rows": 4},
        description=_l("Say what you saw and since when. Please do not write anyone's name or ID number."),
    )
    place = StringField(_l("Where"), description=_l("A street, a building, a landmark."))


class RaiseForm(NeedFields):
    community_id = SelectField(_l("Village or community"), coerce=optional_int, **CHOICE)
    photo = FileField(
        _l("A photo (optional)"), description=_l("JPEG or PNG. Only town staff and those handling the need see it.")
    )
    contact_name = StringField(_l("Your name (optional)"), render_kw={"autocomplete": "name"})
    contact_phone = StringField(
        _l("Your mobile number (optional)"), render_kw={"inputmode": "tel", "autocomplete": "tel"}
    )
    may_contact = BooleanField(_l("You may contact me about this need"))
    submit = SubmitField(_l("Send"))

    def fill_communities(self, choices: list[tuple[int, str]]) -> None:
        self.community_id.choices = [("", _l("Choose…")), *choices]


class IntakeForm(RaiseForm):
    """A need entered on someone's behalf; the contact is the person who raised it."""

    source = SelectField(
        _l("Raised by"), choices=[(s.value, SOURCE_LABELS[s]) for s in (Source.PHONE, Source.YOUTH_GROUP)], **CHOICE
    )
    source_group_id = SelectField(
        _l("Youth governance group"),
        coerce=optional_int,
        description=_l("Only for a need the group collected."),
        **CHOICE,
    )
    contact_name = StringField(_l("Name of the person who raised it (optional)"))
    contact_phone = StringField(_l("Their mobile number (optional)"), render_kw={"inputmode": "tel"})
    may_contact = BooleanField(_l("They may be contacted about this need"))
    submit = SubmitField(_l("Save the need"))


class VisitNeedForm(NeedFields):
    """A need found on a household visit: in the household's community, never naming the household."""

    description = TextAreaField(
        _l("What must be done"),
        render_kw={"rows": 4},
        description=_l("Describe the work, not the household: no name, address, ID or phone number."),
    )
    place = StringField(_l("Where"), description=_l("Only as precise as the work needs, e.g. the village group."))
    share_household = BooleanField(
        _l("Share the household with whoever handles the need"),
        description=_l(
            "Only with the household's consent to share its information in a referral. Without it, they see what "
            "must be done and in which community, and reach the household through you."
        ),
    )
    submit = SubmitField(_l("Raise the need"))


class RatingForm(FlaskForm):
    stars = RadioField(
        _l("How was it handled?"),
        choices=[
            (5, _l("5 — very good")),
            (4, _l("4 — good")),
            (3, _l("3 — acceptable")),
            (2, _l("2 — poor")),
            (1, _l("1 — very poor")),
        ],
        coerce=optional_int,
        **CHOICE,
    )
    comment = TextAreaField(_l("Anything to add (optional)"), render_kw={"rows": 3})
    submit = SubmitField(_l("Send my rating"))

"""The one way a page handles a form: validate, call the service, and on a refusal show its messages beside the
fields and render the form again (422)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import render_template
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, widgets

from volunteer_app.core.errors import Invalid

Result = TypeVar("Result")


def _field_for(form: FlaskForm, key: str):
    """The form field a service's message is about. Services name fields as the API does (`guardian.name`,
    `sessions.0.starts_at`); a form flattens them as `guardian_name` or keeps only the last part."""
    for name in (key, key.replace(".", "_"), key.rsplit(".", 1)[-1]):
        if name in form._fields:
            return form._fields[name]
    return None


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Puts a service's field errors beside the fields they concern; the rest above the form."""
    for key, messages in error.errors.items():
        field = _field_for(form, key)
        if field is None:
            target = form.form_errors
        else:
            if isinstance(field.errors, tuple):
                field.errors = list(field.errors)
            target = field.errors
        target.extend(messages)


def submitted(form: FlaskForm, action: Callable[[], Result]) -> Result | None:
    """Runs `action` (a service call) when the form was posted and is valid. Returns its result, or None when the
    form is not posted, not valid, or the service refused it (its messages are then on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        return action()
    except Invalid as error:
        show_errors(form, error)
        return None


def form_page(template: str, form: FlaskForm, **context) -> tuple[str, int]:
    """The form's page: 422 when it carries errors, so a browser test and an API client both see the refusal."""
    return render_template(template, form=form, **context), 422 if (form.errors or form.form_errors) else 200


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes instead of a multiple select: easier to tap on a phone (the `field` macro lays them out)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


def optional_int(value: object) -> int | None:
    """A select's value as an id: "" (nothing chosen) and anything not a number are None, never an error page."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

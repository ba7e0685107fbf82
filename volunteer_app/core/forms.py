"""Helpers shared by every domain's forms."""

from flask_wtf import FlaskForm

from volunteer_app.core.errors import Invalid


def show_errors(form: FlaskForm, error: Invalid) -> None:
    """Puts a service's field errors beside the fields they concern; the rest above the form."""
    for field_name, messages in error.errors.items():
        field = form._fields.get(field_name)
        target = field.errors if field is not None else form.form_errors
        if isinstance(target, tuple):
            target = field.errors = list(target)
        target.extend(messages)

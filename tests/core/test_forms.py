"""The one form helper every page uses: a service's messages land beside the field they name, however the
service spelled it, and the rest above the form."""

from __future__ import annotations

import pytest
from flask_wtf import FlaskForm
from wtforms import StringField

from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import show_errors, submitted


class GuardianForm(FlaskForm):
    name = StringField()
    guardian_name = StringField()
    starts_at = StringField()


@pytest.fixture
def form(app):
    with app.test_request_context(method="POST", data={"name": "x"}):
        yield GuardianForm(meta={"csrf": False})


def test_messages_find_their_field_however_the_service_named_it(form):
    show_errors(
        form,
        Invalid({"guardian.name": ["g"], "sessions.0.starts_at": ["s"], "name": ["n"], "members.3.phone": ["p"]}),
    )
    assert form.guardian_name.errors == ["g"]
    assert form.starts_at.errors == ["s"]
    assert form.name.errors == ["n"]
    assert form.form_errors == ["p"]


def test_a_refused_action_leaves_its_messages_on_the_form(form):
    def refuse():
        raise Invalid({"name": ["taken"]})

    assert submitted(form, refuse) is None
    assert form.name.errors == ["taken"]
    assert submitted(form, lambda: 42) == 42

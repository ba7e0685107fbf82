from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField, TimeField
from wtforms.validators import Optional

from volunteer_app.core.forms import MultiCheckboxField


class PreferencesForm(FlaskForm):
    email = BooleanField(_l("Email"))
    webhook = BooleanField(_l("Group robot (WeCom / DingTalk)"))
    opted_out = MultiCheckboxField(_l("Kinds of notice I do not want"), choices=[], validate_choice=False)
    quiet_hours = BooleanField(_l("Hold non-urgent notices during my quiet hours"))
    quiet_start = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_end = TimeField(_l("Quiet until"), validators=[Optional()])
    digest = BooleanField(_l("Send me a morning digest"))
    submit = SubmitField(_l("Save"))

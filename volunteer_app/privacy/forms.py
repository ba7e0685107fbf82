from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length


class CloseAccountForm(FlaskForm):
    understood = BooleanField(
        _l("I understand that my account and personal data cannot be brought back."), validators=[DataRequired()]
    )
    password = PasswordField(_l("Your password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Close my account"), render_kw={"class": "btn btn-danger"})

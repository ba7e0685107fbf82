"""Pages: one's own profile (name, email address, language), the email confirmation link, and an admin setting
someone's address. Registered on the accounts blueprint."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access, profile
from volunteer_app.accounts.forms import EmailForm, ProfileForm
from volunteer_app.accounts.models import Role
from volunteer_app.accounts.views import bp
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import form_page, submitted


def _language_choices() -> list[tuple[str, str]]:
    return list(current_app.config["LANGUAGES"].items())


@bp.route("/profile", methods=["GET", "POST"])
@access.signed_in
def profile_page():
    form = ProfileForm(data={"display_name": current_user.display_name, "email": current_user.email,
                             "locale": current_user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]})  # fmt: skip
    form.locale.choices = _language_choices()
    was_pending = current_user.pending_email
    if submitted(form, lambda: profile.update_profile(
        current_user, display_name=form.display_name.data, email=form.email.data or "", locale=form.locale.data,
    )) is not None:  # fmt: skip
        session["lang"] = current_user.locale  # the page follows the language just chosen
        if current_user.pending_email and current_user.pending_email != was_pending:
            flash(_("We sent a confirmation link to %(address)s. Open it to start using this address.",
                    address=current_user.pending_email), "info")  # fmt: skip
        else:
            flash(_("Your profile is saved."), "success")
        return redirect(url_for(".profile_page"))
    return form_page("accounts/profile.html", form)


@bp.route("/profile/email/resend", methods=["POST"])
@access.signed_in
def resend_email_confirmation():
    profile.resend_confirmation(current_user)
    flash(_("We sent a new confirmation link to %(address)s.", address=current_user.pending_email), "info")
    return redirect(url_for(".profile_page"))


@bp.route("/profile/email/confirm/<token>", methods=["GET", "POST"])
@access.public
def confirm_email(token: str):
    """Opening the link shows what it confirms; the button confirms it, so a mail scanner that follows links
    confirms nothing."""
    try:
        user, address = profile.read_confirmation(token)
    except Invalid as error:
        return render_template("accounts/email_confirm.html", error=error.message), 400
    if request.method == "POST":
        profile.confirm_email(token)
        flash(_("%(address)s is confirmed: your notices by email go there now.", address=address), "success")
        return redirect(url_for(".profile_page") if current_user.is_authenticated else url_for(".login"))
    return render_template("accounts/email_confirm.html", user=user, address=address, token=token)


@bp.route("/admin/users/<int:user_id>/email", methods=["POST"])
@access.roles(Role.ADMIN)
def set_user_email(user_id: int):
    form = EmailForm()
    if form.validate_on_submit():
        user = profile.set_email(current_user, user_id, form.email.data)
        flash(_("Email address of %(name)s saved.", name=user.display_name), "success")
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(message, "danger")
    return redirect(url_for(".user_detail", user_id=user_id))

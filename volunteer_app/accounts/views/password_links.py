"""Set-password links: staff issue one and show it as a QR code; its owner opens it and sets a password."""

from __future__ import annotations

import segno
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from volunteer_app.accounts import access, password_links
from volunteer_app.accounts.forms import SetPasswordForm
from volunteer_app.accounts.models import TOWN_STAFF
from volunteer_app.accounts.views import bp
from volunteer_app.core.forms import form_page, submitted


@bp.route("/users/<int:user_id>/password-link", methods=["POST"])
@access.roles(*TOWN_STAFF)
def issue_password_link(user_id: int):
    user, link = password_links.issue(current_user, user_id)
    # segno's own markup of our own link, no user text in it
    qr = Markup(segno.make(link, error="m").svg_inline(scale=5, border=2, omitsize=True))
    return render_template("accounts/password_link.html", user=user, link=link, qr=qr)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@access.public
def set_password(token: str):
    user = password_links.holder(token)
    form = SetPasswordForm()
    if submitted(form, lambda: password_links.set_password(token, form.password.data, form.confirm.data)):
        flash(_("Your password is set. Log in with your phone number or username."), "success")
        return redirect(url_for("accounts.login"))
    return form_page("accounts/set_password.html", form, user=user)

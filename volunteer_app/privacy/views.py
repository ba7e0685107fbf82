"""Pages: everything held about me (/me/data) with its downloads, and closing my account (/me/close)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from volunteer_app.accounts import access
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.spreadsheets import XLSX_MIMETYPE
from volunteer_app.privacy import closing, holdings
from volunteer_app.privacy import policy as _policy  # noqa: F401 — its rules
from volunteer_app.privacy.forms import CloseAccountForm

bp = Blueprint("privacy", __name__, template_folder="templates")

# On the page, each list shows this many rows; the downloads hold them all.
SHOWN_ROWS = 10
MIMETYPES = {"json": "application/json", "xlsx": XLSX_MIMETYPE}


@bp.route("/me/data")
@access.signed_in
def my_data():
    return render_template("privacy/data.html", holdings=holdings.my_data(current_user), shown_rows=SHOWN_ROWS)


def _download(fmt: str) -> Response:
    content = holdings.FORMATS[fmt](holdings.for_download(current_user, fmt))
    name = f"shanzhi-my-data-{current_user.id}.{fmt}"
    return Response(content, mimetype=MIMETYPES[fmt], headers={"Content-Disposition": f"attachment; filename={name}"})


@bp.route("/me/data.json")
@access.signed_in
def download_json():
    return _download("json")


@bp.route("/me/data.xlsx")
@access.signed_in
def download_xlsx():
    return _download("xlsx")


@bp.route("/me/close", methods=["GET", "POST"])
@access.signed_in
def close():
    form = CloseAccountForm()
    user = current_user._get_current_object()
    if submitted(form, lambda: closing.close_account(user, form.password.data)) is not None:
        lang = session.get("lang")
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
        flash(_("Your account is closed and your personal data erased. Thank you for your service."), "info")
        return redirect(url_for("accounts.login"))
    return form_page("privacy/close.html", form)

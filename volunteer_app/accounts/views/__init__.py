"""Login, logout, the home page and user administration."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from volunteer_app.accounts import access, known_devices, login_limits, services
from volunteer_app.accounts import records as _records  # noqa: F401 — names accounts in the audit log
from volunteer_app.accounts.forms import GrantForm, LoginForm, PasswordForm, UserForm
from volunteer_app.accounts.models import Role, User
from volunteer_app.core import navigation
from volunteer_app.core.args import page_arg, search_arg
from volunteer_app.core.errors import Unauthenticated
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db, login_manager

bp = Blueprint("accounts", __name__)
login_manager.login_view = "accounts.login"


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """A session names "user id:session version" (User.get_id); once the version moved on, the session is over."""
    user_id, _sep, version = session_id.partition(":")
    # Every signed-in request asks for the user's grants: read them with the user, in one statement.
    user = db.session.get(User, int(user_id), options=[joinedload(User.grants)]) if user_id.isdigit() else None
    if user is None or version != str(user.session_version):
        return None
    return user


def _start_session(user: User) -> None:
    session.clear()  # a fresh session, so a planted session id is worthless
    login_user(user)
    session.permanent = True
    session["last_seen"] = utcnow().timestamp()


def _safe_next(target: str | None) -> str:
    """Only follow `next` within this site, never to another host."""
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("accounts.home")


@bp.route("/")
@access.public
def home():
    if not current_user.is_authenticated:
        return render_template("accounts/welcome.html")
    return render_template("accounts/home.html", Role=Role)


@bp.route("/login", methods=["GET", "POST"])
@access.public
@login_limits.limited
def login():
    if current_user.is_authenticated:
        return redirect(url_for("accounts.home"))
    form = LoginForm()
    if form.validate_on_submit():
        known = request.cookies.get(known_devices.COOKIE)
        try:
            user = services.authenticate(form.login.data, form.password.data, known_user_ids=known_devices.read(known))
        except Unauthenticated as error:
            form.password.errors.append(error.message)
        else:
            _start_session(user)
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(
                known_devices.COOKIE,
                known_devices.remember(known, user.id),
                max_age=known_devices.MAX_AGE_SECONDS,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response
    return form_page("accounts/login.html", form)


@bp.route("/logout", methods=["POST"])
@access.signed_in
def logout():
    services.log_out(current_user)
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@access.signed_in
def change_password():
    form = PasswordForm()
    user = current_user._get_current_object()

    def change() -> User:
        services.change_password(user, form.current_password.data, form.new_password.data)
        return user

    if submitted(form, change) is not None:
        lang = session.get("lang")
        _start_session(user)  # every other session ended with the change; this browser goes on
        if lang:
            session["lang"] = lang
        flash(_("Your password is changed. Other devices and API tokens have been logged out."), "success")
        return redirect(url_for("accounts.home"))
    return form_page("accounts/password.html", form)


@bp.route("/admin/users")
@access.roles(Role.ADMIN)
def users():
    page = services.list_users(current_user, q=search_arg(), page=page_arg())
    return render_template("accounts/users.html", page=page, q=search_arg())


@bp.route("/admin/users/new", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def new_user():
    form = UserForm()

    def create() -> User:
        return services.create_user(
            current_user,
            username=form.username.data,
            password=form.password.data,
            display_name=form.display_name.data,
            phone=form.phone.data,
            roles=[services.RoleSpec.parse(role, form.scope.data) for role in form.roles.data],
        )

    if (user := submitted(form, create)) is not None:
        flash(_("User %(name)s created.", name=user.username), "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return form_page("accounts/user_form.html", form)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@access.roles(Role.ADMIN)
def user_detail(user_id: int):
    user = services.get_user(current_user, user_id)
    form = GrantForm()
    if submitted(
        form,
        lambda: services.add_grant(current_user, user.id, services.RoleSpec.parse(form.role.data, form.scope.data)),
    ):
        flash(_("Role added."), "success")
        return redirect(url_for("accounts.user_detail", user_id=user.id))
    return form_page("accounts/user_detail.html", form, user=user)


@bp.route("/admin/users/<int:user_id>/grants/<int:grant_id>/remove", methods=["POST"])
@access.roles(Role.ADMIN)
def remove_grant(user_id: int, grant_id: int):
    services.remove_grant(current_user, user_id, grant_id)
    flash(_("Role removed."), "success")
    return redirect(url_for("accounts.user_detail", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/active", methods=["POST"])
@access.roles(Role.ADMIN)
def set_active(user_id: int):
    active = request.form.get("active") == "1"
    services.set_active(current_user, user_id, active)
    flash(_("Account enabled and unlocked.") if active else _("Account disabled."), "success")
    return redirect(url_for("accounts.user_detail", user_id=user_id))


@bp.route("/admin/users/<int:user_id>/sessions/end", methods=["POST"])
@access.roles(Role.ADMIN)
def end_sessions(user_id: int):
    services.end_sessions(current_user, user_id)
    flash(_("The user is logged out on every device, and their API tokens are revoked."), "success")
    return redirect(url_for("accounts.user_detail", user_id=user_id))


navigation.add_menu_link(_l("Users"), "accounts.users", Role.ADMIN, group="admin")
navigation.add_menu_link(_l("Audit log"), "core.audit_entries", Role.ADMIN, group="admin")
navigation.add_home_card(
    _l("Administration"),
    _l("Create accounts, give roles and scopes, and see who did what in the audit log."),
    (Role.ADMIN,),
    [(_l("Users"), "accounts.users"), (_l("New user"), "accounts.new_user"), (_l("Audit log"), "core.audit_entries")],
)

# The profile pages (views/profile.py) join this blueprint.
from volunteer_app.accounts.views import password_links as _password_links  # noqa: E402, F401
from volunteer_app.accounts.views import profile as _profile  # noqa: E402, F401 — registers the profile pages

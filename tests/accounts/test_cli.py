import sqlalchemy as sa

from tests.organisations.factories import make_service_point
from volunteer_app.accounts.models import User
from volunteer_app.extensions import db


def test_flask_users_create_makes_a_scoped_user(app):
    point = make_service_point()
    result = app.test_cli_runner().invoke(
        args=["users", "create", "huangmin", "--password", "long-enough-pw", "--role", "social_worker",
              "--scope", f"service_point:{point.id}"]
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.username == "huangmin"))
    assert [(g.role, g.scope_kind, g.scope_id) for g in user.grants] == [("social_worker", "service_point", point.id)]


def test_flask_users_create_explains_bad_input_and_exits_non_zero(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x", "--password", "short", "--role", "wizard"]
    )
    assert result.exit_code == 2
    assert "username" in result.output and "password" in result.output and "roles" in result.output
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0

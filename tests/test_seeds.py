import sqlalchemy as sa

from volunteer_app.accounts.models import User
from volunteer_app.extensions import db


def _counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in {"audit_entries", "api_tokens"}
    }


def test_the_demo_seed_loads_one_user_per_role_and_a_second_run_adds_nothing(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    users = db.session.scalars(sa.select(User)).all()
    assert {role for user in users for role in user.roles} == {
        "admin", "league_staff", "team_leader", "volunteer", "social_worker", "station_supervisor"
    }
    first = _counts()
    second_run = runner.invoke(args=["seed", "demo"])
    assert second_run.exit_code == 0
    assert _counts() == first

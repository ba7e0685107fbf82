"""`flask` commands: users, demo data, the scheduler, data at rest, backups, the doctor."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from volunteer_app.accounts import services as accounts
from volunteer_app.core.errors import Invalid
from volunteer_app.core.policy import SYSTEM

users_cli = AppGroup("users", help="Manage user accounts.")
seed_cli = AppGroup("seed", help="Load demo data.")
scheduler_cli = AppGroup("scheduler", help="The one scheduler process.")
data_cli = AppGroup("data", help="Data at rest.")
backup_cli = AppGroup("backup", help="Back up the database with its keys, and restore it.")


@users_cli.command("create")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", "roles", multiple=True, required=True, help="admin, league_staff, team_leader, ...")
@click.option("--scope", default=None, help="Limit the roles to one object: KIND:ID, e.g. service_point:3")
@click.option("--name", "display_name", default=None, help="Display name (defaults to the username)")
@click.option("--phone", default=None)
def create_user(username, password, roles, scope, display_name, phone):
    """Create a user with one or more roles."""
    try:
        specs = [accounts.RoleSpec.parse(role, scope) for role in roles]
        user = accounts.create_user(
            SYSTEM,
            username=username,
            password=password,
            display_name=display_name or username,
            phone=phone,
            roles=specs,
        )
    except Invalid as error:
        for field, messages in error.errors.items():
            click.echo(f"{field}: {'; '.join(messages)}", err=True)
        raise SystemExit(2) from None
    click.echo(f"created user {user.username} (id {user.id}) with roles {', '.join(user.roles)}")


@seed_cli.command("demo")
def seed_demo():
    """Load the demo town; running it again adds nothing twice."""
    from seeds import load_demo

    report = load_demo()
    for line in report:
        click.echo(line)


@scheduler_cli.command("run")
def run_scheduler():
    """Run the scheduler in the foreground. Start exactly one per deployment."""
    from volunteer_app.reminders.scheduler import run_forever

    run_forever()


@scheduler_cli.command("run-once")
@click.argument("job_ids", nargs=-1)
def run_jobs_once(job_ids: tuple[str, ...]):
    """Run these scheduler jobs once now (all of them when none is named), e.g. after a restore or to test the mail
    settings: `flask scheduler run-once reminders.dispatch`. Safe beside the running scheduler: the jobs are
    idempotent, and one the scheduler is running at this moment is skipped."""
    from volunteer_app.core.jobs import exclusive
    from volunteer_app.core.time import SystemClock
    from volunteer_app.reminders.scheduler import registered_jobs

    jobs = {job.id: job for job in registered_jobs()}
    unknown = [job_id for job_id in job_ids if job_id not in jobs]
    if unknown:
        click.echo(f"unknown job(s): {', '.join(unknown)}; the jobs are: {', '.join(sorted(jobs))}", err=True)
        raise SystemExit(2)
    clock = SystemClock()
    for job_id in job_ids or sorted(jobs):
        with exclusive(job_id) as ours:
            click.echo(f"{job_id}: {jobs[job_id].func(clock) if ours else 'skipped, the scheduler is running it'}")


@data_cli.command("reencrypt")
def reencrypt():
    """After putting a new key in front of DATA_ENCRYPTION_KEYS: rewrite every encrypted number with it, so the
    older keys can be removed. Safe to run again."""
    from volunteer_app.core.crypto import reencrypt_all

    click.echo(f"re-encrypted {reencrypt_all()} values with the first key")


@backup_cli.command("create")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The archive to write (default: instance/backups/shanzhi-<time>.tar.gz)")  # fmt: skip
def create_backup(output: Path | None):
    """Write the database and its keys to one archive (SQLite online; PostgreSQL through pg_dump)."""
    from flask import current_app

    from volunteer_app.core import backup

    output = output or Path(current_app.instance_path) / "backups" / f"shanzhi-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    try:
        path = backup.create(output)
    except backup.BackupError as error:
        click.echo(f"backup failed: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"wrote {path} ({path.stat().st_size} bytes): the database and its keys; keep it like the keys")


@backup_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_backup(archive: Path):
    """Restore an archive into the configured database, which must be empty, and its keys into instance/."""
    from volunteer_app.core import backup

    try:
        restored = backup.restore(archive)
    except backup.BackupError as error:
        click.echo(f"restore failed: {error}", err=True)
        raise SystemExit(1) from None
    click.echo(f"restored a {restored.kind} database at revision {', '.join(restored.revision)}")
    if restored.keys_written:
        click.echo(f"keys written to the instance folder: {', '.join(restored.keys_written)}")
    for setting in restored.keys_to_set:
        click.echo(f"set {setting} to the backup's value (in keys/ of the archive) before starting the app", err=True)
    click.echo("then run `flask db upgrade` (if this version is newer) and start the web and scheduler processes")


@click.command("doctor")
@with_appcontext
@click.option("--workers", type=int, default=None,
              help="How many gunicorn workers serve the app (default: $WEB_CONCURRENCY, $WORKERS or 2)")  # fmt: skip
def doctor(workers: int | None):
    """Report unsafe production settings; exits 1 when any needs fixing."""
    import os

    from flask import current_app

    from volunteer_app.core.doctor import examine

    workers = workers or int(os.environ.get("WEB_CONCURRENCY") or os.environ.get("WORKERS") or 2)
    findings = examine(current_app._get_current_object(), workers=workers)
    for finding in findings:
        click.echo(f"{'ok ' if finding.ok else 'FIX'}  {finding.topic:<11} {finding.text}")
    problems = sum(not finding.ok for finding in findings)
    click.echo(f"{problems} thing(s) to fix" if problems else "nothing to fix")
    raise SystemExit(1 if problems else 0)


def init_app(app: Flask) -> None:
    app.cli.add_command(doctor)
    for group in (users_cli, seed_cli, scheduler_cli, data_cli, backup_cli):
        app.cli.add_command(group)

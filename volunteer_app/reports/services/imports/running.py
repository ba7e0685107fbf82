"""An import from upload to result. The upload is stored and checked (at once when small, else by the scheduler);
the user reads the problems, skips rows and commits; the commit checks the rows again and writes every valid,
non-skipped row in ONE transaction, or nothing. `processed` is written on a connection of its own, so the page's
progress bar sees it while the import's own transaction is still open."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import ModuleType
from typing import IO, Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import User
from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Invalid
from volunteer_app.core.lookup import find, get_or_404
from volunteer_app.core.pagination import Page, clamp_paging, paginate
from volunteer_app.core.policy import Actor, require
from volunteer_app.core.time import Clock, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Team
from volunteer_app.reports.models import ImportJob, ImportKind, ImportStatus
from volunteer_app.reports.services.imports import households, reading, team_members, templates, volunteers
from volunteer_app.reports.services.imports.columns import Row, in_locale
from volunteer_app.reports.services.imports.common import Checked

log = logging.getLogger("shanzhi.reports.imports")

KINDS: dict[str, ModuleType] = {
    ImportKind.VOLUNTEERS: volunteers,
    ImportKind.TEAM_MEMBERS: team_members,
    ImportKind.HOUSEHOLDS: households,
}
KIND_TITLES = {
    ImportKind.VOLUNTEERS: _l("Volunteers"),
    ImportKind.TEAM_MEMBERS: _l("Team members"),
    ImportKind.HOUSEHOLDS: _l("Households"),
}
PROGRESS_EVERY = 200  # rows between two writes of `processed`


def _kind(kind: str | None) -> ModuleType:
    if kind not in KINDS:
        raise Invalid({"kind": [_("Choose what to import: volunteers, team members or households.")]})
    return KINDS[kind]


def _team(kind: str, team_id: int | None) -> Team | None:
    if kind != ImportKind.TEAM_MEMBERS:
        return None
    team = find(Team, team_id)
    if team is None:
        raise Invalid({"team_id": [_("Choose the team whose members you import.")]})
    return team


def template_file(actor: Actor, kind: str, team_id: int | None = None) -> tuple[bytes, str]:
    """The kind's template workbook and its file name."""
    module = _kind(kind)
    module.may_import(actor, _team(kind, team_id))
    title = str(KIND_TITLES[kind])
    return templates.workbook(module.COLUMNS, title), f"{title}.xlsx"


def _without_samples(module: ModuleType, rows: list[Row]) -> list[Row]:
    """The template's sample row, left in by mistake, is no data."""
    sample = {c.key: c.sample_text() for c in module.COLUMNS if c.sample}
    return [r for r in rows if any(r[k] != v for k, v in sample.items())]


def _rows(job: ImportJob) -> list[Row]:
    module = KINDS[job.kind]
    return _without_samples(module, reading.read_rows(job.stored_name, module.COLUMNS))


def start_import(
    actor: Actor, *, kind: str, stream: IO[bytes] | None, filename: str, team_id: int | None = None
) -> ImportJob:
    """Stores the file and checks it: at once when small, by the scheduler otherwise (status previewing)."""
    module = _kind(kind)
    team = _team(kind, team_id)
    module.may_import(actor, team)
    if stream is None or not filename:
        raise Invalid({"file": [_("Choose the file to import.")]})
    stored = reading.store(stream, filename)
    try:
        rows = _without_samples(module, reading.read_rows(stored, module.COLUMNS))
    except Invalid:
        reading.remove(stored)
        raise
    if not rows:
        reading.remove(stored)
        raise Invalid({"file": [_("The file holds no rows to import.")]})
    job = ImportJob(
        kind=kind, filename=reading.clean_filename(filename), stored_name=stored, team=team,
        created_by_id=actor.id, total=len(rows), skipped=[], problems=[],
    )  # fmt: skip
    inline = len(rows) <= current_app.config.get("IMPORT_INLINE_ROWS", 300)
    job.status = (ImportStatus.CHECKING if inline else ImportStatus.PREVIEWING).value
    db.session.add(job)
    db.session.commit()
    if inline:
        _check(job.id, actor, rows)
    return db.session.get(ImportJob, job.id)


def list_imports(actor: Actor, *, page: int | None = None, per_page: int | None = None) -> Page:
    """The user's own imports, newest first."""
    query = sa.select(ImportJob).where(ImportJob.created_by_id == actor.id).order_by(ImportJob.id.desc())
    return paginate(query, page, per_page)


def get_import(actor: Actor, job_id: int) -> ImportJob:
    job = get_or_404(ImportJob, job_id, _("No such import."))
    require(actor, "import.view", job)
    return job


@dataclass(frozen=True)
class PreviewRow:
    number: int
    label: str
    problems: list[dict[str, Any]]
    skipped: bool


def preview_rows(actor: Actor, job: ImportJob, *, page: int | None = None, only_problems: bool = False) -> Page:
    """A page of the file's rows with their problems, for the preview (read again from the stored file)."""
    require(actor, "import.view", job)
    if job.stored_name is None:
        return Page(items=[], total=0, page=1, per_page=1)
    by_row: dict[int, list[dict[str, Any]]] = {}
    for problem in job.problems or []:
        by_row.setdefault(problem["row"], []).append(problem)
    rows = _rows(job)
    if only_problems:
        rows = [r for r in rows if r.number in by_row]
    page, per_page = clamp_paging(page, 50)
    shown = rows[(page - 1) * per_page : page * per_page]
    skipped = set(job.skipped or [])
    items = [PreviewRow(r.number, KINDS[job.kind].describe(r), by_row.get(r.number, []), r.number in skipped)
             for r in shown]  # fmt: skip
    return Page(items=items, total=len(rows), page=page, per_page=per_page)


def set_skipped(actor: Actor, job_id: int, *, shown: Iterable[int], skip: Iterable[int]) -> ImportJob:
    """The rows to leave out: `skip` among the rows `shown` on a page (the others keep their choice)."""
    job = _previewed(actor, job_id)
    shown_rows, skip_rows = _row_numbers(shown), _row_numbers(skip)
    job.skipped = sorted((set(job.skipped or []) - shown_rows) | (skip_rows & shown_rows))
    db.session.commit()
    return job


def _row_numbers(values: Iterable[Any]) -> set[int]:
    numbers = set()
    for value in values or ():
        try:
            numbers.add(int(value))
        except (TypeError, ValueError):
            raise Invalid({"skip": [_("Give row numbers.")]}) from None
    return numbers


def _previewed(actor: Actor, job_id: int) -> ImportJob:
    job = get_import(actor, job_id)
    if job.status != ImportStatus.PREVIEWED:
        raise Conflict(_("This import is not waiting for a commit."))
    return job


def commit_import(actor: Actor, job_id: int, *, skip: Iterable[int] | None = None) -> ImportJob:
    """Writes every valid, non-skipped row: at once when small, by the scheduler otherwise (status queued)."""
    job = _previewed(actor, job_id)
    KINDS[job.kind].may_import(actor, job.team)
    if skip is not None:
        job.skipped = sorted(_row_numbers(skip))
    job.status, job.processed = ImportStatus.QUEUED.value, 0
    db.session.commit()
    small = job.total <= current_app.config.get("IMPORT_INLINE_ROWS", 300)
    if small and _claim(job.id, ImportStatus.QUEUED, ImportStatus.RUNNING):
        _commit(job.id, actor)
    return db.session.get(ImportJob, job.id)


# ---------------------------------------------------------------------------------------------- doing the work


class _Progress:
    """Writes `processed` on its own short transaction. While the import's transaction holds SQLite's single
    write lock, another connection could only wait for it: there the bar moves when the writing is over."""

    def __init__(self, job_id: int, writing: bool) -> None:
        self.job_id = job_id
        self.skip = writing and db.engine.dialect.name == "sqlite"
        self.last = 0

    def __call__(self, done: int) -> None:
        if self.skip or done - self.last < PROGRESS_EVERY:
            return
        self.last = done
        with db.engine.begin() as connection:
            connection.execute(
                sa.update(ImportJob.__table__).where(ImportJob.__table__.c.id == self.job_id).values(processed=done)
            )


def _claim(job_id: int, before: str, after: str) -> bool:
    """Takes the job from `before` to `after` unless someone else already did (one guarded UPDATE)."""
    claimed = db.session.execute(
        sa.update(ImportJob).where(ImportJob.id == job_id, ImportJob.status == before).values(status=after)
    ).rowcount
    db.session.commit()
    return claimed == 1


def _finish(job_id: int, **values: Any) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    for key, value in values.items():
        setattr(job, key, value)
    return job


def _check(job_id: int, actor: Actor, rows: Sequence[Row] | None = None) -> None:
    job = db.session.get(ImportJob, job_id)
    module, team = KINDS[job.kind], job.team
    try:
        rows = _rows(job) if rows is None else rows
        checked: Checked = module.check(actor, rows, _Progress(job_id, writing=False), team=team)
    except Exception as error:  # any failure ends the import, with its reason
        _fail(job_id, actor, error)
        return
    _finish(job_id, status=ImportStatus.PREVIEWED.value, processed=len(rows), problems=checked.problems)
    db.session.commit()


def _commit(job_id: int, actor: Actor) -> None:
    job = db.session.get(ImportJob, job_id)
    module, team = KINDS[job.kind], job.team
    leave_out = set(job.skipped or []) | job.problem_rows
    try:
        rows = [r for r in _rows(job) if r.number not in leave_out]
        checked = module.check(actor, rows, lambda done: None, team=team)
        if checked.problems:
            message = _("Some rows changed since the preview and are no longer valid. Nothing was saved.")
            _fail(job_id, actor, Invalid(message), problems=checked.problems)
            return
        created = module.write(actor, checked.good, _Progress(job_id, writing=True), team=team)
        job = _finish(
            job_id, status=ImportStatus.DONE.value, processed=len(rows), created=created, finished_at=utcnow()
        )
        _audit(actor, job, outcome="done")
        db.session.commit()
    except Exception as error:  # all or nothing: the transaction is undone, the job says why
        _fail(job_id, actor, error)
        return
    _drop_file(job)
    db.session.commit()


def _fail(job_id: int, actor: Actor, error: Exception, problems: list[dict[str, Any]] | None = None) -> None:
    db.session.rollback()
    if isinstance(error, Invalid):
        message = error.message
    else:
        log.exception("import %s failed", job_id, exc_info=error)
        message = _("The import failed: nothing was saved. Try again, or ask an administrator.")
    job = _finish(job_id, status=ImportStatus.FAILED.value, failure=message, finished_at=utcnow())
    if problems is not None:
        job.problems = problems
    _audit(actor, job, outcome="failed")
    _drop_file(job)
    db.session.commit()


def _drop_file(job: ImportJob) -> None:
    """The uploaded file holds ID and phone numbers: it goes once the import is over."""
    reading.remove(job.stored_name)
    job.stored_name = None


def _audit(actor: Actor, job: ImportJob, *, outcome: str) -> None:
    audit.record(
        actor, "create", "import_job", job.id,
        detail={"kind": job.kind, "outcome": outcome, "rows": job.total, "created": job.created,
                "skipped": len(job.skipped or []), "with_problems": len(job.problem_rows)},
    )  # fmt: skip


def run_due(clock: Clock) -> int:
    """The scheduler's part: checks the large files waiting for a preview and writes the committed ones, each as
    its uploader (their rights, their language)."""
    _tidy(clock.now())
    done = 0
    for before, after, work in (
        (ImportStatus.PREVIEWING, ImportStatus.CHECKING, _check),
        (ImportStatus.QUEUED, ImportStatus.RUNNING, _commit),
    ):
        waiting = sa.select(ImportJob.id).where(ImportJob.status == before).order_by(ImportJob.id)
        for job_id in db.session.scalars(waiting).all():
            if not _claim(job_id, before, after):
                continue
            job = db.session.get(ImportJob, job_id)
            actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
            if actor is None or not actor.is_active:
                _drop_file(
                    _finish(job_id, status=ImportStatus.FAILED.value, failure=_("The uploader's account is gone."))
                )
                db.session.commit()
                continue
            with in_locale(_locale_of(actor)):
                work(job_id, actor)
            done += 1
    return done


def _tidy(now: datetime) -> None:
    """A run the scheduler's crash cut short (its transaction undone) waits again; a preview nobody committed
    within IMPORT_KEEP_DAYS ends, and its file goes."""
    config = current_app.config
    stale = now - timedelta(minutes=config.get("IMPORT_STALE_MINUTES", 60))
    for running_status, waiting_status in ((ImportStatus.RUNNING, ImportStatus.QUEUED),
                                           (ImportStatus.CHECKING, ImportStatus.PREVIEWING)):  # fmt: skip
        db.session.execute(
            sa.update(ImportJob)
            .where(ImportJob.status == running_status, ImportJob.updated_at < stale)
            .values(status=waiting_status, processed=0)
        )
    days = config.get("IMPORT_KEEP_DAYS", 7)
    forgotten = sa.select(ImportJob).where(
        ImportJob.status == ImportStatus.PREVIEWED, ImportJob.updated_at < now - timedelta(days=days)
    )
    for job in db.session.scalars(forgotten).all():
        job.status, job.finished_at = ImportStatus.FAILED.value, now
        job.failure = _("Not imported within %(days)d days: the file was removed.", days=days)
        _drop_file(job)
    db.session.commit()


def _locale_of(user: User) -> str:
    languages = current_app.config["LANGUAGES"]
    return user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def status_of(job: ImportJob, *, problems: bool = True) -> dict[str, Any]:
    """What the API reads; without the problems (thousands in a large file), what a progress bar polls."""
    status = {
        "id": job.id, "kind": job.kind, "status": job.status, "total": job.total, "processed": job.processed,
        "created": job.created, "skipped": list(job.skipped or []), "failure": job.failure, "over": job.is_over,
    }  # fmt: skip
    if problems:
        status["problems"] = list(job.problems or [])
    return status


def column_labels(kind: str) -> dict[str, str]:
    """Each column's header in the reader's language, to name a problem's column."""
    return {c.key: str(c.label) for c in _kind(kind).COLUMNS}

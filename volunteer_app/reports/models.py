"""An import of volunteers, team members or households from a spreadsheet: the uploaded file (kept under
instance/imports/ with a random name until the import is over), what its check found, and how far it got."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from volunteer_app.accounts.models import User
from volunteer_app.core.models import one_of
from volunteer_app.core.time import UTCDateTime, utcnow
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Team


class ImportKind(enum.StrEnum):
    VOLUNTEERS = "volunteers"
    TEAM_MEMBERS = "team_members"
    HOUSEHOLDS = "households"


class ImportStatus(enum.StrEnum):
    PREVIEWING = "previewing"  # waiting for the scheduler to check a large file
    CHECKING = "checking"  # the scheduler is checking it
    PREVIEWED = "previewed"  # checked: the user reads the problems, skips rows, commits
    QUEUED = "queued"  # committed by the user, waiting for the scheduler to write a large file
    RUNNING = "running"  # being written
    DONE = "done"
    FAILED = "failed"  # nothing was written; `failure` says why


class ImportJob(db.Model):
    __tablename__ = "import_jobs"
    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ImportKind), name="kind"),
        sa.CheckConstraint(one_of("status", ImportStatus), name="status"),
        sa.CheckConstraint("kind <> 'team_members' OR team_id IS NOT NULL", name="team_members_name_a_team"),
        sa.Index("ix_import_jobs_status", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=ImportStatus.PREVIEWING.value)
    filename: Mapped[str] = mapped_column(sa.String(255))  # as the user named it
    stored_name: Mapped[str | None] = mapped_column(sa.String(80))  # under instance/imports/; None once removed
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    total: Mapped[int] = mapped_column(default=0, server_default="0")  # data rows in the file
    processed: Mapped[int] = mapped_column(default=0, server_default="0")  # rows checked or written so far
    created: Mapped[int] = mapped_column(default=0, server_default="0")  # records written by the commit
    skipped: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # row numbers the user chose to leave out
    # [{"row": 5, "column": "id_number", "message": "..."}]: what the check found, in the uploader's language
    problems: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    failure: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    team: Mapped[Team | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def problem_rows(self) -> set[int]:
        return {p["row"] for p in self.problems or []}

    @property
    def is_over(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.kind} {self.status}>"

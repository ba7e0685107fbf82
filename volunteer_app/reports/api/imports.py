"""/api/v1/imports: upload a spreadsheet for a preview of its rows' problems, commit it (skipping rows), read how
far it got. The same services as the pages; large files are checked and written by the scheduler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask.views import MethodView
from flask_smorest.fields import Upload
from marshmallow import fields, pre_load, validate

from volunteer_app.accounts import access
from volunteer_app.api import BaseSchema, Id, InputSchema
from volunteer_app.reports.api.common import blp
from volunteer_app.reports.models import ImportKind
from volunteer_app.reports.policy import IMPORTERS
from volunteer_app.reports.services import imports


class ImportUploadSchema(InputSchema):
    """One multipart body: the form's fields and the file. flask-smorest documents one request body per operation,
    so the schema reads the "files" location and takes the two form fields in beside the file."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ImportKind]))
    team_id = Id(load_default=None, metadata={"description": "the team, for kind team_members"})
    file = Upload(required=True, metadata={"description": "the filled-in template: .xlsx, or CSV in UTF-8 or GBK"})

    @pre_load
    def _with_the_form_fields(self, data: Mapping[str, Any], **kwargs) -> dict[str, Any]:
        form = {key: request.form[key] for key in ("kind", "team_id") if key in request.form}
        return {**form, **{key: data[key] for key in data}}


class CommitSchema(InputSchema):
    skip = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=1_000_000)),
        load_default=list,
        metadata={"description": "row numbers (as the spreadsheet shows them) to leave out"},
    )


class ProblemSchema(BaseSchema):
    row = fields.Integer()
    column = fields.String(metadata={"description": "the column's key; empty for the row as a whole"})
    message = fields.String()


class ImportSchema(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    status = fields.String(
        metadata={"description": "previewing, checking, previewed (awaiting a commit), queued, running, done, failed"},
    )
    total = fields.Integer(metadata={"description": "data rows in the file"})
    processed = fields.Integer(metadata={"description": "rows checked or written so far"})
    created = fields.Integer(metadata={"description": "records written"})
    skipped = fields.List(fields.Integer())
    problems = fields.List(fields.Nested(ProblemSchema))
    failure = fields.String(allow_none=True)
    over = fields.Boolean()


@blp.route("/imports")
class Imports(MethodView):
    @access.roles(*IMPORTERS)
    @blp.arguments(ImportUploadSchema, location="files")
    @blp.response(201, ImportSchema)
    def post(self, body):
        """Upload a file (multipart: `kind`, `file`, and `team_id` for team members). Small files are checked at
        once (status previewed, with each row's problems); large ones by the scheduler (status previewing)."""
        upload = body["file"]
        job = imports.start_import(
            access.current_actor(), kind=body["kind"], stream=upload.stream, filename=upload.filename or "",
            team_id=body["team_id"],
        )  # fmt: skip
        return imports.status_of(job)


@blp.route("/imports/<int:job_id>")
class ImportById(MethodView):
    @access.roles(*IMPORTERS)
    @blp.response(200, ImportSchema)
    def get(self, job_id):
        """How far an import got: `status`, `processed` of `total`, counts and the rows' problems."""
        return imports.status_of(imports.get_import(access.current_actor(), job_id))


@blp.route("/imports/<int:job_id>/commit")
class ImportCommit(MethodView):
    @access.roles(*IMPORTERS)
    @blp.arguments(CommitSchema)
    @blp.response(200, ImportSchema)
    def post(self, body, job_id):
        """Write every valid row not in `skip`, in one transaction or not at all (409 unless status is previewed).
        Small files are written at once (status done or failed), large ones by the scheduler (status queued)."""
        return imports.status_of(imports.commit_import(access.current_actor(), job_id, skip=body["skip"]))

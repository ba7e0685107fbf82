"""Pages of imports: my imports, a new one (the template to download, the file to upload), and one import's page
(its preview with the rows' problems and skip boxes, then a progress bar that polls the status route, then the
result). Thin: the rules live in reports.services.imports."""

from __future__ import annotations

from flask import Response, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField, SelectField, SubmitField

from volunteer_app.accounts import access
from volunteer_app.core.args import choice_arg, id_arg, page_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.reports import records as _records  # noqa: F401 — names imports in the audit log
from volunteer_app.reports.models import ImportKind, ImportStatus
from volunteer_app.reports.policy import IMPORTERS
from volunteer_app.reports.services import imports
from volunteer_app.reports.views.common import bp


class UploadForm(FlaskForm):
    kind = SelectField(_l("What to import"), validate_choice=False)
    team_id = HiddenField()
    file = FileField(_l("File (.xlsx or .csv)"))
    submit = SubmitField(_l("Upload and check"))


class CommitForm(FlaskForm):
    """The skip boxes of the rows on one page of the preview, and the commit button."""

    save = SubmitField(_l("Save the skipped rows"))
    commit = SubmitField(_l("Import the valid rows"))


@bp.app_context_processor
def _import_links() -> dict:
    def import_url(kind: str, team=None) -> str | None:
        """The address of a new import of this kind, when the reader may start one (else None)."""
        if not getattr(current_user, "is_authenticated", False):
            return None
        rule = {"volunteers": "import.volunteers", "team_members": "import.team_members"}.get(kind, "import.households")
        if not can(current_user, rule, team):
            return None
        return url_for("reports.new_import", kind=kind, team_id=getattr(team, "id", None))

    return {"import_url": import_url}


@bp.route("/imports")
@access.roles(*IMPORTERS)
def import_list():
    page = imports.list_imports(current_user, page=page_arg())
    return render_template("reports/imports.html", page=page, titles=imports.KIND_TITLES)


@bp.route("/imports/new", methods=["GET", "POST"])
@access.roles(*IMPORTERS)
def new_import():
    kind = choice_arg("kind", ImportKind) or request.form.get("kind")
    team_id = id_arg("team_id") or id_arg("team_id", request.form)
    form = UploadForm(kind=kind, team_id=team_id)
    form.kind.choices = [(k.value, imports.KIND_TITLES[k]) for k in ImportKind]
    job = submitted(
        form,
        lambda: imports.start_import(
            current_user, kind=form.kind.data, stream=form.file.data and form.file.data.stream,
            filename=form.file.data.filename if form.file.data else "", team_id=team_id,
        ),
    )  # fmt: skip
    if job is not None:
        return redirect(url_for("reports.import_page", job_id=job.id))
    return form_page("reports/import_new.html", form, kind=kind, team_id=team_id, titles=imports.KIND_TITLES)


@bp.route("/imports/template.xlsx")
@access.roles(*IMPORTERS)
def import_template():
    content, filename = imports.template_file(current_user, request.args.get("kind"), id_arg("team_id"))
    response = Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


@bp.route("/imports/<int:job_id>", methods=["GET", "POST"])
@access.roles(*IMPORTERS)
def import_page(job_id: int):
    job = imports.get_import(current_user, job_id)
    form = CommitForm()
    if form.validate_on_submit():
        shown = request.form.getlist("shown")
        skip = request.form.getlist("skip")
        imports.set_skipped(current_user, job.id, shown=shown, skip=skip)
        if form.commit.data:
            imports.commit_import(current_user, job.id)
        return redirect(url_for("reports.import_page", job_id=job.id, page=request.args.get("page")))
    rows = None
    only_problems = request.args.get("rows") != "all"
    if job.status == ImportStatus.PREVIEWED:
        rows = imports.preview_rows(current_user, job, page=page_arg(), only_problems=only_problems)
    return render_template(
        "reports/import.html", job=job, rows=rows, form=form, only_problems=only_problems,
        titles=imports.KIND_TITLES, status=imports.status_of(job), columns=imports.column_labels(job.kind),
    )  # fmt: skip


@bp.route("/imports/<int:job_id>/status")
@access.roles(*IMPORTERS)
def import_status(job_id: int):
    """What the progress bar polls (with the session, like the page)."""
    return jsonify(imports.status_of(imports.get_import(current_user, job_id), problems=False))

"""Photos and scans: checked by their content (not their name), limited in size, stored under the instance
folder with a random name, never under static/, and handed out only through a scoped, audited route."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from volunteer_app.core import audit, files
from volunteer_app.core.errors import Errors, NotFound
from volunteer_app.core.ids import valid_id
from volunteer_app.core.policy import Actor
from volunteer_app.core.text import clean_text
from volunteer_app.extensions import db
from volunteer_app.socialwork.models import Attachment, Household
from volunteer_app.socialwork.services.common import (
    household_for,
)

# The types a photo or scan may be, told by its first bytes; stored with the type and extension found.
ALLOWED = (files.JPEG, files.PNG, files.PDF)
MAX_FILES = 5


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def received_uploads(files: Iterable[Any]) -> list[Upload]:
    """Files as the web layer received them (Werkzeug's FileStorage, from a page form or the API). A file input
    left empty still sends a part without a name; it is no upload."""
    return [Upload(f.filename or "file", f.read()) for f in files if f and getattr(f, "filename", "")]


def upload_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "socialwork"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_uploads(errors: Errors, field: str, uploads: list[Upload]) -> None:
    limit = current_app.config["SOCIALWORK_UPLOAD_MAX_BYTES"]
    if len(uploads) > MAX_FILES:
        errors[field] = [_("Attach at most %(n)d files at a time.", n=MAX_FILES)]
        return
    for upload in uploads:
        if not upload.data:
            errors.setdefault(field, []).append(_("%(name)s is empty.", name=upload.filename))
        elif len(upload.data) > limit:
            errors.setdefault(field, []).append(
                _("%(name)s is larger than %(mb).1f MB.", name=upload.filename, mb=limit / 1_048_576)
            )
        elif files.detect(upload.data, ALLOWED) is None:
            errors.setdefault(field, []).append(_("%(name)s is not a JPEG, PNG or PDF file.", name=upload.filename))


def store(actor: Actor, household: Household, upload: Upload, *, visit_id=None, consent_id=None) -> Attachment:
    """Writes the file and adds its row to the session (the caller commits). Checked by `check_uploads` first."""
    kind = files.detect(upload.data, ALLOWED)
    content_type, extension = (kind.content_type, kind.extension) if kind else ("application/octet-stream", "")
    stored_name = secrets.token_hex(16) + extension
    (upload_dir() / stored_name).write_bytes(upload.data)
    attachment = Attachment(
        household_id=household.id,
        visit_id=visit_id,
        consent_id=consent_id,
        filename=files.named_for(clean_text(Path(upload.filename or "file").name, 190), content_type),
        stored_name=stored_name,
        content_type=content_type,
        size=len(upload.data),
        uploaded_by_id=getattr(actor, "id", None),
    )
    db.session.add(attachment)
    return attachment


def delete_files(attachments: list[Attachment]) -> None:
    for attachment in attachments:
        (upload_dir() / attachment.stored_name).unlink(missing_ok=True)


def open_attachment(actor: Actor, household_id: int, attachment_id: int) -> tuple[Path, Attachment]:
    """The file on disk, for a user who may open the household; the read is audited."""
    household = household_for(actor, household_id)
    attachment = db.session.get(Attachment, attachment_id) if valid_id(attachment_id) else None
    if attachment is None or attachment.household_id != household.id:
        raise NotFound(_("No such attachment."))
    path = upload_dir() / attachment.stored_name
    if not path.is_file():
        raise NotFound(_("No such attachment."))
    audit.record(actor, "view", "household", household.id, detail={"attachment": attachment.id})
    db.session.commit()
    return path, attachment

"""A need's photo: JPEG or PNG only, told by its first bytes, at most NEED_PHOTO_MAX_BYTES, stored under the
instance folder with a random name and served only through the need's signed-in route: a photo may show people,
so it is never on a public page."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from volunteer_app.core import files
from volunteer_app.core.errors import Errors, NotFound
from volunteer_app.core.policy import Actor
from volunteer_app.needs.models import Need
from volunteer_app.needs.services.common import find_need

FIELD = "photo"


def photo_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "needs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def check_photo(data: bytes | None, errors: Errors) -> files.FileType | None:
    """The photo's type, or its problem added to `errors`; None also when no photo was sent."""
    if data is None:
        return None
    limit = current_app.config["NEED_PHOTO_MAX_BYTES"]
    if not data:
        errors[FIELD] = [_("The photo is empty.")]
    elif len(data) > limit:
        errors[FIELD] = [_("The photo is larger than %(mb).1f MB.", mb=limit / 1_048_576)]
    elif (kind := files.detect(data, files.IMAGES)) is None:
        errors[FIELD] = [_("The photo must be a JPEG or PNG picture.")]
    else:
        return kind
    return None


def store_photo(need: Need, data: bytes, kind: files.FileType) -> None:
    """Writes a photo `check_photo` accepted and names it on the need (the caller commits; a file left by a
    transaction that then failed is never served, as no need names it)."""
    name = secrets.token_hex(16) + kind.extension
    (photo_dir() / name).write_bytes(data)
    need.photo_name = name
    need.photo_type = kind.content_type


def open_photo(actor: Actor, need_id: object) -> tuple[Path, str]:
    """The photo's file and type, for a user who reaches the need."""
    need = find_need(actor, need_id)
    path = photo_dir() / need.photo_name if need.photo_name else None
    if path is None or not path.is_file():
        raise NotFound(_("This need has no photo."))
    return path, need.photo_type or "application/octet-stream"

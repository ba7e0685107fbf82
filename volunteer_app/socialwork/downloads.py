"""How an attachment leaves the server, for the page and the API alike: with the content type its bytes were
checked to have, never kept by a cache along the way, and never re-guessed by the browser as something else."""

from __future__ import annotations

from pathlib import Path

from flask import Response, send_file

from volunteer_app.core import files
from volunteer_app.socialwork.models import Attachment


def attachment_response(path: Path, attachment: Attachment) -> Response:
    # PDFs download rather than open inline, so a crafted PDF never runs in the site's origin; images may show.
    # Named for its checked type, also for files stored before names were (an uploader's ".exe" never comes back).
    name = files.named_for(attachment.filename, attachment.content_type)
    response = send_file(path, mimetype=attachment.content_type, download_name=name,
                         as_attachment=attachment.content_type == "application/pdf", max_age=0)  # fmt: skip
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response

"""A made spreadsheet as the answer to a request: the pages and the API send files the same way."""

from __future__ import annotations

from flask import Response, send_file

from volunteer_app.reports.services.exports import ExportFile


def download(file: ExportFile) -> Response:
    """The file as an attachment under its own (Chinese) name: send_file writes `filename*=UTF-8''...` (RFC 5987)
    beside an ASCII fallback. Never cached."""
    response = send_file(file.body, mimetype=file.mimetype, as_attachment=True, download_name=file.filename)
    response.headers["Cache-Control"] = "no-store, private"
    return response

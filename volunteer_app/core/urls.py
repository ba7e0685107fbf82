"""Absolute links that people and calendar apps keep (feed URLs, the check-in QR code, links in emails).

They are built from the configured PUBLIC_BASE_URL, never from the request: the Host header is whatever the
client sent, so a forged one would otherwise hand out links to someone else's site.
"""

from __future__ import annotations

from flask import current_app, has_request_context, url_for


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of an endpoint on the public address of this instance, in a request or outside one (the
    scheduler, the CLI)."""
    if has_request_context():
        path = url_for(endpoint, **values, _external=False)
    else:
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path

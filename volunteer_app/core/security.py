"""Security headers on every answer, set in one after-request hook.

The Content-Security-Policy allows scripts and styles from this site only: no inline <script>, no on...= handler,
no javascript: URL, no <style> block or style= attribute in a template (tests/core/test_security_headers.py checks the
templates). Behaviour lives in static/js/app.js, driven by data- attributes; looks in static/css/app.css. Bootstrap
and Swagger UI set element.style from their scripts, which a policy does not block. `img-src data:` lets Bootstrap's
CSS draw its icons.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")  # feed and confirmation links carry tokens in their path
    # A Secure session cookie says the site is served over https, also when a proxy in front terminates TLS.
    if request.is_secure or current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)

"""How often one address may look certificates up by number (CERTIFICATE_VERIFY_RATE_LIMIT), the verify page and
its API door counted together: a number has 40 random bits, and the limit keeps anyone from trying them in bulk.
Counted in the limiter's storage, shared by every worker when RATELIMIT_STORAGE_URI names a Redis."""

from __future__ import annotations

from flask import current_app

from volunteer_app.extensions import limiter

verify_limit = limiter.shared_limit(
    lambda: current_app.config["CERTIFICATE_VERIFY_RATE_LIMIT"], scope="certificate-verify"
)

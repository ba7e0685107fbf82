"""The rate limits of the public forms (raising a need, a question for a meeting): attempts per address and per
phone number (`NEED_RAISE_RATE_LIMIT` each), counted together for a form's page and its API door, so neither a
new address nor the other door gives more. Only an attempt that was taken counts (an answer below 400): a
resident correcting a mistyped form is not held back by it. Counted in the limiter's storage, shared by every
worker when RATELIMIT_STORAGE_URI names a Redis."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request

from volunteer_app.core.identity import normalise_phone
from volunteer_app.extensions import limiter


def _limit() -> str:
    return current_app.config["NEED_RAISE_RATE_LIMIT"]


def _taken(response: Response) -> bool:
    return response.status_code < 400


def phone_in_request(field: str) -> str:
    """The phone number a form or a JSON body gives in `field`, normalised; "" without one."""
    data = request.get_json(silent=True) if request.is_json else None
    phone = data.get(field) if isinstance(data, dict) else request.form.get(field)
    return normalise_phone(phone if isinstance(phone, str) else "")[:20]


def public_form(scope: str, phone_field: str, exempt_when: Callable[[], bool] | None = None) -> Callable:
    """Both limits on a public form's POST. `scope` names the form (its page and API share it), `phone_field` the
    field of the sender's phone; `exempt_when` says which callers they spare (on the API, token holders: the
    token already names them)."""

    def exempt_by_phone() -> bool:
        return not phone_in_request(phone_field) or (exempt_when is not None and exempt_when())

    def decorate(view: Callable) -> Callable:
        common = {"methods": ["POST"], "deduct_when": _taken}
        by_address = limiter.shared_limit(_limit, scope=f"{scope}-address", exempt_when=exempt_when, **common)
        by_phone = limiter.shared_limit(
            _limit,
            scope=f"{scope}-phone",
            key_func=lambda: phone_in_request(phone_field),
            exempt_when=exempt_by_phone,
            **common,
        )
        return by_address(by_phone(view))

    return decorate

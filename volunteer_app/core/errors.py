"""Domain errors. Services raise these; `core.errorhandlers` maps them to HTTP in one place."""

from __future__ import annotations


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


Errors = dict[str, list[str]]  # field name -> its messages, as forms and the API show them


class Invalid(DomainError):
    """Input broke a rule. `errors` maps each field to its messages, as forms and the API show them."""

    status = 422
    code = "invalid"

    def __init__(self, errors: Errors | str, field: str = "_schema") -> None:
        if isinstance(errors, str):
            errors = {field: [errors]}
        self.errors = errors
        super().__init__("; ".join(m for messages in errors.values() for m in messages))


def raise_if(errors: Errors) -> None:
    """Services collect every field's problems first, then refuse once, so a form shows them all together."""
    if errors:
        raise Invalid(errors)


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"

"""Who may do what to which object. Deny by default: an action nobody wrote a rule for is refused.

Each domain registers its rules with `@rule("action")` in its own `policy.py`; services call
`require(actor, "action", obj)` before they touch anything.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from flask_babel import lazy_gettext as _l

from volunteer_app.core.errors import Forbidden


@runtime_checkable
class Actor(Protocol):
    """Whoever acts through a service: a signed-in user, or SYSTEM for the CLI, seeds and scheduler jobs.

    A service asks only this of them: who they are (`id`, None for SYSTEM), whether they may act at all
    (`is_active`), which roles they hold and to which objects a role is limited (`scopes`, or `holds_unscoped`: a
    grant of the role limited to nothing).
    """

    @property
    def id(self) -> int | None: ...

    @property
    def is_active(self) -> bool: ...

    def has_role(self, *roles: str) -> bool: ...

    def scopes(self, role: str, kind: str) -> set[int]: ...

    def holds_unscoped(self, role: str) -> bool: ...


Rule = Callable[[Actor, Any], bool]
_rules: dict[str, Rule] = {}
_visitor_rules: set[str] = set()


def rule(action: str, *, visitors: bool = False) -> Callable[[Rule], Rule]:
    """`visitors=True`: the rule also answers for an anonymous visitor (Flask-Login's AnonymousUserMixin, whose
    `is_anonymous` is true); every other rule refuses visitors without being asked."""

    def register(check: Rule) -> Rule:
        if action in _rules:
            raise RuntimeError(f"policy rule {action!r} registered twice")
        _rules[action] = check
        if visitors:
            _visitor_rules.add(action)
        return check

    return register


def can(actor: Actor | None, action: str, obj: Any = None) -> bool:
    check = _rules.get(action)
    if actor is SYSTEM and check is not None:
        return True
    if check is None or actor is None:
        return False
    if getattr(actor, "is_anonymous", False):
        return action in _visitor_rules and bool(check(actor, obj))
    if not actor.is_active:
        return False
    return bool(check(actor, obj))


def require(actor: Actor | None, action: str, obj: Any = None) -> None:
    if not can(actor, action, obj):
        raise Forbidden(str(_l("You are not allowed to do this.")))


def known_actions() -> list[str]:
    return sorted(_rules)


class _System:
    """The actor for CLI commands, seeds and scheduler jobs: trusted by every rule."""

    id = None
    username = "system"
    is_active = True

    def has_role(self, *roles: str) -> bool:
        return True

    def scopes(self, role: str, kind: str) -> set[int]:
        """Trusted everywhere through `can`, SYSTEM stands for nobody in particular: it leads no team."""
        return set()

    def holds_unscoped(self, role: str) -> bool:
        return True


SYSTEM = _System()

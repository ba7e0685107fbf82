"""The menu and the home-page cards, by role. Each domain adds its own entries when its views load."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, url_for
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_app.core.policy import can
from volunteer_app.core.time import utcnow

# Not a role: stands for an anonymous visitor among the roles of a link shown before logging in.
VISITOR = "visitor"


@dataclass(frozen=True)
class Link:
    label: object
    endpoint: str
    roles: frozenset[str]
    group: str | None = None
    # A further condition on the user, for a page a role opens only to some of its holders (town-wide staff, not
    # one community's): a link the reader would follow into a 403 is not drawn.
    shown: Callable[[Any], bool] | None = None

    def visible_to(self, user) -> bool:
        if user is None or not user.is_authenticated:
            return VISITOR in self.roles
        return user.has_role(*self.roles) and (self.shown is None or self.shown(user))


@dataclass
class Card:
    title: object
    text: object
    roles: frozenset[str]
    links: list[Link] = field(default_factory=list)
    # A further condition on the user, for a card that follows from what they are part of rather than a role
    # (a member of a youth governance group, say). It runs on every home page: keep it to a query or two.
    shown: Callable[[Any], bool] | None = None


_menu: list[Link] = []
_cards: list[Card] = []

# Links of a group fold into one drop-down, so an administrator's menu still fits on one line.
MENU_GROUPS = {"admin": _l("Administration")}


def add_menu_link(
    label, endpoint: str, *roles: str, group: str | None = None, shown: Callable[[Any], bool] | None = None
) -> None:
    if group is not None and group not in MENU_GROUPS:
        raise ValueError(f"unknown menu group {group!r}")
    _menu.append(Link(label, endpoint, frozenset(roles), group, shown))


def add_home_card(
    title,
    text,
    roles: tuple[str, ...],
    links: list[tuple[object, str]] = (),
    *,
    shown: Callable[[Any], bool] | None = None,
) -> None:
    role_set = frozenset(roles)
    _cards.append(Card(title, text, role_set, [Link(label, endpoint, role_set) for label, endpoint in links], shown))


def _resolved(links: list[Link]) -> list[dict]:
    return [{"label": link.label, "url": url_for(link.endpoint)} for link in links if link.visible_to(current_user)]


def menu_links() -> list[dict]:
    """The links this user may follow, domain by domain as the app factory registered their blueprints (each
    domain's in the order it added them, not in the order some import happened to load the modules); then each
    group they see a link of, as one entry whose `children` are its links."""
    items: list[dict] = []
    groups: dict[str, dict] = {}
    registered = {name: position for position, name in enumerate(current_app.blueprints)}
    for link in sorted(_menu, key=lambda link: registered.get(link.endpoint.partition(".")[0], len(registered))):
        if not link.visible_to(current_user):
            continue
        item = {"label": link.label, "url": url_for(link.endpoint)}
        if link.group is None:
            items.append(item)
        else:
            groups.setdefault(link.group, {"label": MENU_GROUPS[link.group], "group": link.group, "children": []})
            groups[link.group]["children"].append(item)
    return items + list(groups.values())


def home_cards() -> list[dict]:
    return [
        {"title": card.title, "text": card.text, "links": _resolved(card.links)}
        for card in _cards
        if current_user.is_authenticated
        and current_user.has_role(*card.roles)
        and (card.shown is None or card.shown(current_user))
    ]


AUDIT_ACTION_LABELS = {
    "create": _l("created"),
    "update": _l("changed"),
    "delete": _l("deleted"),
    "export": _l("exported"),
    "view": _l("viewed"),
    "reveal": _l("revealed in full"),
    "login": _l("logged in"),
    "login_failed": _l("failed login"),
    "throttle": _l("logins slowed after failures"),
    "login_throttled": _l("login refused while slowed"),
    "view_contact": _l("looked at the contact"),
    "lock": _l("account locked"),
    "close": _l("closed the account"),
}


def init_app(app: Flask) -> None:
    from volunteer_app import select_locale
    from volunteer_app.accounts.models import grant_label
    from volunteer_app.accounts.services import scope_name

    app.jinja_env.globals.update(
        nav_items=menu_links,
        home_cards=home_cards,
        current_language=select_locale,
        now_utc=utcnow,
        # A link is drawn only where the reader may follow it: `{% if may("volunteer.view", profile) %}`.
        may=lambda action, obj=None: can(current_user, action, obj),
    )
    app.jinja_env.filters["grant_label"] = lambda grant: grant_label(grant.role, grant.scope_kind)
    app.jinja_env.filters["scope_name"] = lambda grant: scope_name(grant.scope_kind, grant.scope_id)
    app.jinja_env.filters["local_datetime"] = lambda value: format_datetime(value, "yyyy-MM-dd HH:mm")
    app.jinja_env.filters["audit_action_label"] = lambda action: AUDIT_ACTION_LABELS.get(action, action)

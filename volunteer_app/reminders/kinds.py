"""The kinds of notice. Each domain registers its own (events: session reminders; social work: overdue
follow-ups; needs: past their deadline) with `register(Kind(...))` when its module loads.

A kind's text comes from Jinja templates rendered in the recipient's language:
`<template>.subject.txt` (one line), `<template>.txt` (plain text: email and inbox) and, optionally,
`<template>.md` (Markdown for the group robot; the plain text is used when there is none). The templates get
`recipient`, `notification`, `when` (the scheduled time) and the notice's `context` as variables.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Kind:
    key: str
    label: object  # a lazy string, shown on the preferences and outbox pages
    essential: bool = False  # essential notices ignore opt-outs
    urgent: bool = False  # urgent notices ignore quiet hours
    template: str = ""  # base name of the message templates; defaults to reminders/messages/<key>
    # Sent by email to the address the recipient asked to use and has not confirmed yet (`User.pending_email`),
    # even with email switched off: the confirmation link itself. Every other kind goes to the confirmed `email`.
    to_pending_email: bool = False

    @property
    def template_base(self) -> str:
        return self.template or f"reminders/messages/{self.key}"


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    if kind.key in _kinds and _kinds[kind.key] != kind:
        raise RuntimeError(f"notification kind {kind.key!r} registered twice")
    _kinds[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise LookupError(f"unknown notification kind {key!r}; register it in reminders.kinds") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda kind: kind.key)


def label(key: str) -> str:
    kind = _kinds.get(key)
    return str(kind.label) if kind else key


TEST = register(Kind("test", _l("Test notice"), essential=True, urgent=True))
DIGEST = register(Kind("digest", _l("Morning digest")))

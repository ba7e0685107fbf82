"""What Shanzhi holds about the person asking (PIPL Articles 44–45), section by section: their account, volunteer
profile and guardian, teams and youth groups, sign-ups and attendance, hours and certificates issued, notices,
notification choices, the needs they raised and the audit entries about their records. One query per section,
whatever its length, lists newest first; the person's own numbers are shown in full, and every look or download is
audited."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import aliased

from volunteer_app.accounts.models import ROLE_LABELS, User
from volunteer_app.accounts.services import scope_name
from volunteer_app.core import audit
from volunteer_app.core.navigation import AUDIT_ACTION_LABELS
from volunteer_app.core.policy import require
from volunteer_app.core.spreadsheets import Sheet, xlsx_bytes
from volunteer_app.core.time import to_local, utcnow
from volunteer_app.events.hours import certificates_of, hours_text, stars_for
from volunteer_app.events.models import (
    SIGNUP_STATUS_LABELS,
    Event,
    EventRole,
    EventSession,
    HoursEntry,
    Signup,
)
from volunteer_app.extensions import db
from volunteer_app.needs.models import Need
from volunteer_app.needs.vocabulary import CATEGORY_LABELS, Source
from volunteer_app.needs.vocabulary import STATUS_LABELS as NEED_STATUS_LABELS
from volunteer_app.organisations.models import (
    AVAILABILITY_LABELS,
    GROUP_PART_LABELS,
    MEMBER_ROLE_LABELS,
    POLITICAL_STATUS_LABELS,
    SEX_LABELS,
    Community,
    VolunteerProfile,
    YouthGroup,
    YouthGroupMember,
    label_of,
)
from volunteer_app.organisations.services import own_profile
from volunteer_app.reminders import kinds
from volunteer_app.reminders.models import CHANNEL_LABELS, STATUS_LABELS, Notification, NotificationPreference

Value = str | int | float | date | datetime | None


@dataclass
class Section:
    """One kind of data: its columns as (key, title) and its rows. `single` sections hold one record (shown as a
    list of fields); `fix` says where the person corrects it, `note` what they cannot change themself and why."""

    key: str
    title: str
    columns: Sequence[tuple[str, Any]]
    rows: list[list[Value]]
    single: bool = False
    fix: tuple[str, str, dict[str, Any]] | None = None  # (endpoint, link text, the endpoint's arguments)
    note: str = ""

    @property
    def header(self) -> list[str]:
        return [str(title) for _key, title in self.columns]

    def records(self) -> list[dict[str, Value]]:
        return [{key: _json_value(v) for (key, _title), v in zip(self.columns, row, strict=True)} for row in self.rows]

    def shown_rows(self) -> list[list[str]]:
        return [[_text(v) for v in row] for row in self.rows]

    def fields(self) -> list[tuple[str, str]]:
        """A single record as (title, text) pairs."""
        return list(zip(self.header, self.shown_rows()[0], strict=True)) if self.rows else []


@dataclass
class Holdings:
    user: User
    profile: VolunteerProfile | None
    made_at: datetime
    sections: list[Section] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "made_at": to_local(self.made_at).isoformat(),
            "user_id": self.user.id,
            "sections": {section.key: section.records() for section in self.sections},
        }


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _json_value(value: Value) -> Value:
    if isinstance(value, datetime):
        return to_local(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _joined(labels: dict, values: Sequence[str] | None) -> str:
    return "、".join(label_of(labels, v) for v in values or [])


# ---------------------------------------------------------------------------------------------- sections


def _account(user: User) -> Section:
    roles = "、".join(
        f"{ROLE_LABELS.get(g.role, g.role)} ({scope_name(g.scope_kind, g.scope_id)})"
        if g.scope_kind
        else str(ROLE_LABELS.get(g.role, g.role))
        for g in user.grants
    )
    columns = [
        ("username", _l("Username")), ("display_name", _l("Name")), ("phone", _l("Mobile phone")),
        ("email", _l("Email in use")), ("pending_email", _l("Email waiting for confirmation")),
        ("language", _l("Language")), ("roles", _l("Roles")), ("last_login_at", _l("Last login")),
        ("created_at", _l("Account opened")),
    ]  # fmt: skip
    row = [
        user.username, user.display_name, user.phone, user.email, user.pending_email, user.locale, roles,
        user.last_login_at, user.created_at,
    ]  # fmt: skip
    return Section(
        "account", _("Account"), columns, [row], single=True, fix=("accounts.profile_page", _("Edit my profile"), {}),
        note=_("Your phone number is also your login; an administrator changes it."),
    )  # fmt: skip


def _profile(profile: VolunteerProfile) -> Section:
    columns = [
        ("name", _l("Name")), ("phone", _l("Mobile phone")), ("id_number", _l("ID number")), ("sex", _l("Sex")),
        ("birth_date", _l("Birth date")), ("political_status", _l("Political status")),
        ("community", _l("Home community")), ("skills", _l("Skills")), ("availability", _l("Availability")),
        ("registered_at", _l("Registered on")),
    ]  # fmt: skip
    row = [
        profile.name, profile.phone, profile.id_number, label_of(SEX_LABELS, profile.sex), profile.birth_date,
        label_of(POLITICAL_STATUS_LABELS, profile.political_status), profile.community.full_name,
        "、".join(profile.skills or []), _joined(AVAILABILITY_LABELS, profile.availability), profile.created_at,
    ]  # fmt: skip
    return Section(
        "volunteer_profile", _("Volunteer profile"), columns, [row], single=True,
        fix=("organisations.edit_volunteer", _("Edit my volunteer profile"), {"profile_id": profile.id}),
        note=_("Your ID number, and the sex and birth date read from it, cannot be changed here: they prove who "
               "you are, so ask League staff, who check your ID card, to correct them."),
    )  # fmt: skip


def _guardian(profile: VolunteerProfile) -> Section:
    columns = [("name", _l("Guardian's name")), ("phone", _l("Guardian's phone")), ("consent_at", _l("Consent given"))]
    rows = []
    if profile.guardian_name:
        rows = [[profile.guardian_name, profile.guardian_phone, profile.guardian_consent_at]]
    return Section(
        "guardian", _("Guardian"), columns, rows, single=True,
        fix=("organisations.edit_volunteer", _("Edit my volunteer profile"), {"profile_id": profile.id}),
    )  # fmt: skip


def _teams(profile: VolunteerProfile) -> Section:
    columns = [("team", _l("Team")), ("role", _l("Role")), ("joined_on", _l("Joined")), ("left_on", _l("Left"))]
    rows = [[m.team.name, label_of(MEMBER_ROLE_LABELS, m.role), m.joined_on, m.left_on] for m in profile.memberships]
    return Section(
        "team_memberships", _("Team memberships"), columns, rows,
        note=_("Your team leader or League staff record when you join or leave a team."),
    )  # fmt: skip


def _youth_groups(profile: VolunteerProfile) -> Section:
    rows = db.session.execute(
        sa.select(YouthGroup.name, Community.name, YouthGroupMember.part, YouthGroupMember.joined_on)
        .join(YouthGroupMember.group)
        .join(YouthGroup.community)
        .where(YouthGroupMember.volunteer_id == profile.id)
        .order_by(YouthGroupMember.id)
    ).all()
    columns = [("group", _l("Youth group")), ("community", _l("Community")), ("part", _l("Part")),
               ("joined_on", _l("Joined"))]  # fmt: skip
    return Section(
        "youth_groups", _("Youth governance groups"), columns,
        [[group, community, label_of(GROUP_PART_LABELS, part), joined] for group, community, part, joined in rows],
    )  # fmt: skip


def _signup_rows(profile: VolunteerProfile) -> list[sa.Row]:
    return db.session.execute(
        sa.select(
            Event.title,
            EventSession.starts_at,
            EventRole.name,
            Signup.status,
            Signup.created_at,
            Signup.cancelled_at,
            Signup.checked_in_at,
            Signup.checked_out_at,
            Signup.hours_approved_at,
        )
        .join(Signup.role)
        .join(EventRole.session)
        .join(EventSession.event)
        .where(Signup.volunteer_id == profile.id)
        .order_by(EventSession.starts_at.desc(), Signup.id.desc())
    ).all()


def _signups(rows: list[sa.Row]) -> Section:
    columns = [
        ("event", _l("Event")), ("session_starts_at", _l("Session")), ("role", lazy_pgettext("event", "Role")),
        ("status", _l("Status")), ("signed_up_at", _l("Signed up")), ("cancelled_at", _l("Cancelled")),
    ]  # fmt: skip
    return Section(
        "signups", _("Sign-ups"), columns,
        [[r.title, r.starts_at, r.name, label_of(SIGNUP_STATUS_LABELS, r.status), r.created_at, r.cancelled_at]
         for r in rows],
        fix=("events.my_signups", _("My sign-ups"), {}),
        note=_("Enrolments of children in an event are kept by its organisers with the guardian's details, not "
               "with your account."),
    )  # fmt: skip


def _attendance(rows: list[sa.Row]) -> Section:
    columns = [
        ("event", _l("Event")), ("session_starts_at", _l("Session")), ("checked_in_at", _l("Checked in")),
        ("checked_out_at", _l("Checked out")), ("hours_approved_at", _l("Hours approved")),
    ]  # fmt: skip
    return Section(
        "attendance", _("Attendance"), columns,
        [[r.title, r.starts_at, r.checked_in_at, r.checked_out_at, r.hours_approved_at]
         for r in rows if r.checked_in_at is not None],
        note=_("The event's organisers correct attendance and hours; ask them if something is wrong."),
    )  # fmt: skip


def _hours(profile: VolunteerProfile) -> tuple[Section, Section]:
    entries = db.session.scalars(
        sa.select(HoursEntry)
        .where(HoursEntry.volunteer_id == profile.id)
        .order_by(HoursEntry.service_date.desc(), HoursEntry.id.desc())
    ).all()
    columns = [
        ("service_date", _l("Date")), ("organiser", _l("Organiser")), ("service", _l("Service")),
        ("hours", _l("Hours")), ("kind", _l("Entry")), ("reason", _l("Reason")),
    ]  # fmt: skip
    ledger = Section(
        "hours_ledger", _("Service hours"), columns,
        [[e.service_date, e.organiser, e.content, hours_text(e.minutes), e.kind, e.reason] for e in entries],
        fix=("events.my_hours", _("My hours"), {}),
    )  # fmt: skip
    minutes = sum(e.minutes for e in entries)
    certificate = Section(
        "certificate", _("Service record"),
        [("total_hours", _l("Total hours")), ("stars", _l("Star level"))],
        [[hours_text(minutes), stars_for(minutes / 60)]], single=True,
        fix=("events.certificate", _("Print my service record"), {}),
    )  # fmt: skip
    return ledger, certificate


def _certificates(profile: VolunteerProfile) -> Section:
    """The numbered certificates issued to them: anyone holding one can check it at /verify/<number>."""
    columns = [
        ("number", _l("Certificate number")), ("issued_on", _l("Issued on")), ("total_hours", _l("Total hours")),
        ("stars", _l("Star level")), ("period_from", _l("Service from")), ("period_to", _l("Service until")),
    ]  # fmt: skip
    return Section(
        "certificates", _("Certificates issued"), columns,
        [[c.number, c.issued_on, hours_text(c.minutes), c.stars, c.period_from, c.period_to]
         for c in certificates_of(profile.id)],
        note=_("Each stays verifiable by its number, also after you close your account, though without your name."),
    )  # fmt: skip


def _notices(user: User) -> Section:
    rows = db.session.execute(
        sa.select(
            Notification.created_at,
            Notification.kind,
            Notification.channel,
            Notification.status,
            Notification.scheduled_at,
            Notification.sent_at,
            Notification.title,
        )
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.id.desc())
    ).all()
    columns = [
        ("created_at", _l("Planned")), ("kind", _l("Notice")), ("channel", _l("Channel")), ("status", _l("Status")),
        ("scheduled_at", _l("Due")), ("sent_at", _l("Sent")), ("title", _l("Title")),
    ]  # fmt: skip
    return Section(
        "notices", _("Notices to you"), columns,
        [[r.created_at, kinds.label(r.kind), label_of(CHANNEL_LABELS, r.channel), label_of(STATUS_LABELS, r.status),
          r.scheduled_at, r.sent_at, r.title] for r in rows],
        fix=("reminders.inbox", _("Inbox"), {}),
    )  # fmt: skip


def _preferences(user: User) -> Section:
    pref = db.session.get(NotificationPreference, user.id)
    columns = [
        ("email", _l("Email")), ("webhook", _l("Group robot (WeCom / DingTalk)")),
        ("opted_out", _l("Kinds turned off")),
        ("quiet_hours", _l("Quiet hours")), ("quiet_start", _l("Quiet from")), ("quiet_end", _l("Quiet until")),
        ("digest", _l("Morning digest")),
    ]  # fmt: skip
    rows = []
    if pref is not None:
        rows = [[
            _yes(pref.email), _yes(pref.webhook), "、".join(kinds.label(k) for k in pref.opted_out or []),
            _yes(pref.quiet_hours), _text_time(pref.quiet_start), _text_time(pref.quiet_end), _yes(pref.digest),
        ]]  # fmt: skip
    return Section(
        "notification_preferences", _("Notification settings"), columns, rows, single=True,
        fix=("reminders.preferences", _("Notification settings"), {}),
        note="" if rows else _("None saved: the defaults apply."),
    )  # fmt: skip


def _yes(flag: bool) -> str:
    return _("yes") if flag else _("no")


def _text_time(value: Any) -> str:
    return value.strftime("%H:%M") if value is not None else ""


def _needs(user: User) -> Section:
    """Needs the person raised themself while signed in (the public form); those staff entered for residents are
    the residents' data, not theirs."""
    needs = db.session.scalars(
        sa.select(Need).where(Need.raised_by_id == user.id, Need.source == Source.PUBLIC).order_by(Need.id)
    ).all()
    columns = [
        ("tracking_number", _l("Tracking number")), ("raised_at", _l("Raised on")), ("category", _l("Category")),
        ("status", _l("Status")), ("description", _l("Need described")), ("place", _l("Place")),
        ("contact_name", _l("Contact name")), ("contact_phone", _l("Contact phone")),
    ]  # fmt: skip
    return Section(
        "needs", _("Needs you raised"), columns,
        [[n.tracking_number, n.created_at, label_of(CATEGORY_LABELS, n.category),
          label_of(NEED_STATUS_LABELS, n.status), n.description, n.place, n.contact_name, n.contact_phone]
         for n in needs],
    )  # fmt: skip


def _audit(user: User, profile: VolunteerProfile | None) -> Section:
    """Entries about the person's account and volunteer profile: who looked at or changed them, and when."""
    about = [sa.and_(audit.AuditEntry.object_type == "user", audit.AuditEntry.object_id == str(user.id))]
    if profile is not None:
        about.append(
            sa.and_(audit.AuditEntry.object_type == "volunteer_profile", audit.AuditEntry.object_id == str(profile.id))
        )
    actor = aliased(User)
    rows = db.session.execute(
        sa.select(audit.AuditEntry, actor.display_name)
        .outerjoin(actor, actor.id == audit.AuditEntry.actor_id)
        .where(sa.or_(*about))
        .order_by(audit.AuditEntry.id.desc())
    ).all()
    columns = [
        ("at", _l("Time")), ("actor", _l("Who")), ("action", _l("Action")), ("record", _l("Record")),
        ("reason", _l("Reason")),
    ]  # fmt: skip
    return Section(
        "audit_entries", _("Who looked at or changed your records"), columns,
        [[e.at, name or e.actor_name, _action_label(e.action), audit.record_type_label(e.object_type), e.reason]
         for e, name in rows],
    )  # fmt: skip


def _action_label(action: str) -> str:
    return str(AUDIT_ACTION_LABELS.get(action, action))


# ---------------------------------------------------------------------------------------------- reading


def _gather(user: User) -> Holdings:
    profile = own_profile(user)
    holdings = Holdings(user, profile, utcnow())
    sections = [_account(user)]
    if profile is not None:
        signup_rows = _signup_rows(profile)
        ledger, certificate = _hours(profile)
        sections += [
            _profile(profile), _guardian(profile), _teams(profile), _youth_groups(profile), _signups(signup_rows),
            _attendance(signup_rows), ledger, certificate, _certificates(profile),
        ]  # fmt: skip
    sections += [_notices(user), _preferences(user), _needs(user), _audit(user, profile)]
    holdings.sections = sections
    return holdings


def my_data(actor: User) -> Holdings:
    """Everything held about the actor, for their own page. Their full ID and phone numbers are on it, so the look
    is audited as any reveal is (and shows in the page's own audit section)."""
    require(actor, "personal_data.view", actor)
    profile_id = db.session.scalar(sa.select(VolunteerProfile.id).where(VolunteerProfile.user_id == actor.id))
    if profile_id is not None:
        fields = ["id_number", "phone", "guardian_phone"]
        audit.record(actor, "reveal", "volunteer_profile", profile_id, detail={"fields": fields, "own_data": True})
    else:
        audit.record(actor, "view", "user", actor.id, detail={"own_data": True})
    db.session.commit()
    return _gather(actor)


FORMATS: dict[str, Callable[[Holdings], bytes]] = {
    "json": lambda h: json.dumps(h.as_json(), ensure_ascii=False, indent=2).encode("utf-8"),
    "xlsx": lambda h: xlsx_bytes(Sheet(s.title, s.header, s.shown_rows()) for s in h.sections),
}


def for_download(actor: User, fmt: str) -> Holdings:
    """All of it, for one file (`FORMATS`: JSON, or .xlsx with one sheet per section); audited as an export."""
    require(actor, "personal_data.view", actor)
    holdings = _gather(actor)
    audit.record(
        actor, "export", "user", actor.id,
        detail={"format": fmt, "own_data": True, "sections": [s.key for s in holdings.sections]},
    )  # fmt: skip
    db.session.commit()
    return holdings

"""The closed value sets of needs (categories, statuses, sources, who a need is assigned to, meeting questions)
with their words, and the allowed status changes. Stored as string values and checked by the database."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext


class Category(enum.StrEnum):
    ENVIRONMENT = "environment"
    PUBLIC_SAFETY = "public_safety"
    ELDERLY = "elderly"
    CHILDREN = "children"
    DISABILITY = "disability"
    EMPLOYMENT = "employment"
    HEALTH = "health"
    HOUSING = "housing"
    INFRASTRUCTURE = "infrastructure"
    ENTERPRISE = "enterprise"
    OTHER = "other"


class Status(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    DECLINED = "declined"
    MERGED = "merged"
    REOPENED = "reopened"


class Source(enum.StrEnum):
    PUBLIC = "public"  # the public form, by the raiser themself
    RECEPTION = "reception"  # a deputy's reception at a liaison station
    YOUTH_GROUP = "youth_group"  # collected by a youth governance group
    VISIT = "visit"  # found on a social worker's household visit
    MEETING = "meeting"  # a commitment made at a deliberation meeting
    PHONE = "phone"  # a phone call to the town


class Assignee(enum.StrEnum):
    TEAM = "team"
    YOUTH_GROUP = "youth_group"
    SERVICE_POINT = "service_point"
    DEPUTY = "deputy"
    DEPARTMENT = "department"


class QuestionStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for moderation, shown to nobody but staff
    PUBLISHED = "published"
    REJECTED = "rejected"
    ANSWERED = "answered"


class UpdateKind(enum.StrEnum):
    STATUS = "status"  # a change of status, with who and why
    REPLY = "reply"  # progress the raiser sees
    NOTE = "note"  # kept for staff and the assignee only


# Needs waiting for town staff to dispatch them.
TO_DISPATCH = (Status.NEW, Status.DECLINED, Status.REOPENED)
# Needs someone is answerable for, with a deadline running.
OPEN_WORK = (Status.ASSIGNED, Status.ACCEPTED, Status.IN_PROGRESS)
# Every status a need may move to from each status; anything else is refused.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.ASSIGNED, Status.MERGED}),
    Status.ASSIGNED: frozenset({Status.ASSIGNED, Status.ACCEPTED, Status.DECLINED, Status.MERGED}),
    Status.DECLINED: frozenset({Status.ASSIGNED, Status.MERGED}),
    Status.ACCEPTED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.REOPENED}),
    Status.REOPENED: frozenset({Status.ASSIGNED, Status.CLOSED, Status.MERGED}),
    Status.MERGED: frozenset(),
}

CATEGORY_LABELS = {
    Category.ENVIRONMENT: _l("Environment"),
    Category.PUBLIC_SAFETY: _l("Public safety"),
    Category.ELDERLY: _l("Elderly care"),
    Category.CHILDREN: _l("Children"),
    Category.DISABILITY: _l("Disability"),
    Category.EMPLOYMENT: _l("Employment"),
    Category.HEALTH: lazy_pgettext("need category", "Health"),
    Category.HOUSING: lazy_pgettext("need category", "Housing"),
    Category.INFRASTRUCTURE: _l("Infrastructure"),
    Category.ENTERPRISE: _l("Enterprises"),
    Category.OTHER: _l("Other"),
}
STATUS_LABELS = {
    Status.NEW: _l("New"),
    Status.ASSIGNED: _l("Assigned"),
    Status.ACCEPTED: _l("Accepted"),
    Status.IN_PROGRESS: _l("In progress"),
    Status.CLOSED: lazy_pgettext("need status", "Closed"),
    Status.DECLINED: lazy_pgettext("need status", "Declined"),
    Status.MERGED: _l("Merged"),
    Status.REOPENED: _l("Reopened"),
}
SOURCE_LABELS = {
    Source.PUBLIC: _l("Public form"),
    Source.RECEPTION: _l("Deputy reception"),
    Source.YOUTH_GROUP: _l("Youth governance group"),
    Source.VISIT: _l("Household visit"),
    Source.MEETING: _l("Deliberation meeting"),
    Source.PHONE: _l("Phone call"),
}
ASSIGNEE_LABELS = {
    Assignee.TEAM: _l("Volunteer team"),
    Assignee.YOUTH_GROUP: _l("Youth governance group"),
    Assignee.SERVICE_POINT: _l("Social-work service point"),
    Assignee.DEPUTY: _l("Deputy"),
    Assignee.DEPARTMENT: _l("Department"),
}
QUESTION_STATUS_LABELS = {
    QuestionStatus.PENDING: _l("Waiting for moderation"),
    QuestionStatus.PUBLISHED: _l("Published"),
    QuestionStatus.REJECTED: _l("Not published"),
    QuestionStatus.ANSWERED: _l("Answered"),
}

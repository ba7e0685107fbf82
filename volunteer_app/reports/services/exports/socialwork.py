"""Exports of social work, within the user's household scope: households (the existing masked export), and one
household's visits, follow-ups and referrals; the catalogue of policies, and the admins' archived files."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.core.args import choice_arg, id_arg, search_arg
from volunteer_app.reports.services.exports.registry import (
    Args,
    Column,
    ExportList,
    Filters,
    label,
    register,
)
from volunteer_app.socialwork import labels as sw_labels
from volunteer_app.socialwork import services as socialwork
from volunteer_app.socialwork.vocabulary import Flag, HouseholdStatus

register(ExportList(
    "households", _l("Households"), "household.export",
    lambda a: {
        "q": search_arg(a), "community_id": id_arg("community_id", a),
        "status": choice_arg("status", HouseholdStatus, a), "flag": choice_arg("flag", Flag, a),
        "worker_id": id_arg("worker_id", a),
    },
    lambda actor, f, page, per_page: socialwork.list_households(actor, page=page, per_page=per_page, **f),
    (),
    write=lambda actor, fmt, f: socialwork.export_households(actor, fmt=fmt, **f),
))  # fmt: skip


def _household(args: Args) -> Filters:
    return {"household_id": id_arg("household_id", args)}


register(ExportList(
    "visits", _l("Visits"), None, _household,
    lambda actor, f, page, per_page: socialwork.list_visits(actor, f["household_id"], page=page, per_page=per_page),
    (
        Column(_l("Visited at"), lambda v: v.visited_at, 17),
        Column(_l("Contact"), lambda v: label(sw_labels.CONTACT_TYPE)(v.contact_type), 10),
        Column(_l("Met"), lambda v: v.met, 16),
        Column(_l("Purpose"), lambda v: v.purpose, 30),
        Column(_l("Risk"), lambda v: label(sw_labels.RISK_LEVEL)(v.risk_level), 8),
        Column(_l("Measures"), lambda v: v.measures, 30),
    ),
    needs=("household_id",),
))  # fmt: skip

register(ExportList(
    "follow_ups", _l("Follow-ups"), None, _household,
    lambda actor, f, page, per_page: socialwork.list_follow_ups(actor, f["household_id"]),
    (
        Column(_l("Task"), lambda u: u.task, 30),
        Column(_l("Due on"), lambda u: u.due_on, 12),
        Column(_l("Owner"), lambda u: u.owner.display_name, 12),
        Column(_l("Status"), lambda u: label(sw_labels.FOLLOW_UP_STATUS)(u.status), 10),
        Column(_l("Outcome"), lambda u: u.outcome, 30),
    ),
    needs=("household_id",),
))  # fmt: skip

register(ExportList(
    "referrals", _l("Referrals"), None, _household,
    lambda actor, f, page, per_page: socialwork.list_referrals(actor, f["household_id"]),
    (
        Column(_l("Created"), lambda r: r.created_at, 17),
        Column(_l("Referred to"), lambda r: label(sw_labels.REFERRAL_TARGET)(r.target_kind), 12),
        Column(_l("Name"), lambda r: r.target_name, 24),
        Column(_l("Reason"), lambda r: r.reason, 30),
        Column(_l("Status"), lambda r: label(sw_labels.REFERRAL_STATUS)(r.status), 10),
        Column(_l("Outcome"), lambda r: r.outcome, 30),
    ),
    needs=("household_id",),
))  # fmt: skip

register(ExportList(
    "welfare_policies", _l("Policies and resources"), "welfare_policy.view",
    lambda a: {"q": search_arg(a)},
    lambda actor, f, page, per_page: socialwork.list_policies(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda p: p.name, 24),
        Column(_l("Kind"), lambda p: label(sw_labels.POLICY_KIND)(p.kind), 10),
        Column(_l("Department"), lambda p: p.department, 16),
        Column(_l("Description"), lambda p: p.description, 40),
        Column(_l("Target groups"), lambda p: "、".join(label(sw_labels.FLAG)(f) for f in p.target_flags or []), 24),
    ),
))  # fmt: skip

register(ExportList(
    "archived_households", _l("Archived household files"), "household.retention",
    lambda a: {},
    lambda actor, f, page, per_page: socialwork.list_archived(actor, page=page, per_page=per_page),
    (  # numbers and dates only, as on the page: never a name
        Column(_l("File number"), lambda h: h.id, 10),
        Column(_l("Community"), lambda h: h.community.name, 16),
        Column(_l("Archived"), lambda h: h.archived_at, 17),
        Column(_l("Anonymised"), lambda h: h.anonymised_at, 17),
    ),
))  # fmt: skip

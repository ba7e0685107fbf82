"""Exports of the registry's lists: volunteers, teams and their members, pairings, youth groups, communities,
liaison stations, towns, social-work stations, service points and coverage."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.core.args import choice_arg, id_arg
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import (
    COMMUNITY_KIND_LABELS,
    GROUP_STATUS_LABELS,
    MEMBER_ROLE_LABELS,
    POLITICAL_STATUS_LABELS,
    SEX_LABELS,
    TEAM_KIND_LABELS,
    CommunityKind,
    GroupStatus,
    PoliticalStatus,
    TeamKind,
)
from volunteer_app.reports.services.exports.registry import (
    Column,
    ExportList,
    label,
    name_of,
    register,
    search_only,
)

register(ExportList(
    "volunteers", _l("Volunteers"), "volunteer.export",
    lambda a: {
        "community_id": id_arg("community_id", a), "team_id": id_arg("team_id", a),
        "political_status": choice_arg("political_status", PoliticalStatus, a), **search_only(a),
    },
    lambda actor, f, page, per_page: org.list_volunteers(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda p: p.name, 12),
        Column(_l("ID number"), lambda p: p.id_number_masked, 22),
        Column(_l("Mobile phone"), lambda p: p.phone_masked, 15),
        Column(_l("Sex"), lambda p: label(SEX_LABELS)(p.sex), 6),
        Column(_l("Political status"), lambda p: label(POLITICAL_STATUS_LABELS)(p.political_status)),
        Column(_l("Community"), lambda p: p.community.name, 16),
        Column(_l("Teams"), lambda p: "、".join(t.name for t in p.current_teams), 30),
    ),
))  # fmt: skip

register(ExportList(
    "teams", _l("Volunteer teams"), None,
    lambda a: {"kind": choice_arg("kind", TeamKind, a), "community_id": id_arg("community_id", a), **search_only(a)},
    lambda actor, f, page, per_page: org.list_teams(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda t: t.name, 24),
        Column(_l("Kind"), lambda t: label(TEAM_KIND_LABELS)(t.kind)),
        Column(_l("Town"), lambda t: name_of(t.town)),
        Column(_l("Members"), lambda t: t.member_count, 8),
    ),
))  # fmt: skip

register(ExportList(
    "team_members", _l("Team members"), None,
    lambda a: {"team_id": id_arg("team_id", a), "include_former": a.get("former") == "1", **search_only(a)},
    lambda actor, f, page, per_page: org.list_members(
        actor, f["team_id"], include_former=f["include_former"], q=f["q"], page=page, per_page=per_page
    ),
    (
        Column(_l("Name"), lambda m: m.volunteer.name, 12),
        Column(_l("Role"), lambda m: label(MEMBER_ROLE_LABELS)(m.role), 8),
        Column(_l("Mobile phone"), lambda m: m.volunteer.phone_masked, 15),
        Column(_l("Community"), lambda m: m.volunteer.community.name, 16),
        Column(_l("Joined on"), lambda m: m.joined_on, 12),
        Column(_l("Left on"), lambda m: m.left_on, 12),
    ),
    needs=("team_id",),
))  # fmt: skip

register(ExportList(
    "pairings", _l("Pairings"), None,
    lambda a: {
        "community_id": id_arg("community_id", a), "team_id": id_arg("team_id", a),
        "kind": choice_arg("kind", TeamKind, a), **search_only(a),
    },
    lambda actor, f, page, per_page: org.list_pairings(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Team"), lambda p: p.team.name, 24),
        Column(_l("Kind"), lambda p: label(TEAM_KIND_LABELS)(p.team.kind)),
        Column(_l("Community"), lambda p: p.community.name, 16),
        Column(_l("Town"), lambda p: p.community.town.name),
        Column(_l("What for"), lambda p: p.purpose or "", 40),
    ),
))  # fmt: skip

register(ExportList(
    "youth_groups", _l("Youth governance groups"), None,
    lambda a: {
        "status": choice_arg("status", GroupStatus, a), "community_id": id_arg("community_id", a), **search_only(a),
    },
    lambda actor, f, page, per_page: org.list_youth_groups(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda g: g.name, 24),
        Column(_l("Status"), lambda g: label(GROUP_STATUS_LABELS)(g.status), 10),
        Column(_l("Town"), lambda g: g.community.town.name),
        Column(_l("Community"), lambda g: g.community.name, 16),
        Column(_l("Members"), lambda g: len(g.members), 8),
        Column(_l("Still needs"), lambda g: "; ".join(org.missing_messages(g)), 30),
    ),
))  # fmt: skip

register(ExportList(
    "communities", _l("Communities"), None,
    lambda a: {"town_id": id_arg("town_id", a), "kind": choice_arg("kind", CommunityKind, a), **search_only(a)},
    lambda actor, f, page, per_page: org.list_communities(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda c: c.name, 16),
        Column(_l("Town"), lambda c: c.town.name),
        Column(_l("Kind"), lambda c: label(COMMUNITY_KIND_LABELS)(c.kind), 8),
        Column(_l("Social-work point"), lambda c: c.coverer_name if c.is_covered else "", 24),
        Column(_l("Youth governance group"), lambda c: name_of(c.youth_group), 24),
    ),
))  # fmt: skip

register(ExportList(
    "liaison_stations", _l("Liaison stations"), None,
    lambda a: {"community_id": id_arg("community_id", a), **search_only(a)},
    lambda actor, f, page, per_page: org.list_liaison_stations(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda s: s.name, 24),
        Column(_l("Community"), lambda s: name_of(s.community), 16),
        Column(_l("Address"), lambda s: s.address, 30),
        Column(_l("Reception"), lambda s: org.reception_rule(s).describe(), 30),
        Column(_l("Deputies"), lambda s: "、".join(d.name for d in s.deputies), 30),
    ),
))  # fmt: skip

register(ExportList(
    "towns", _l("Towns"), None, search_only,
    lambda actor, f, page, per_page: org.list_towns(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda t: t.name, 16),
        Column(_l("District"), lambda t: t.district or "", 16),
    ),
))  # fmt: skip

register(ExportList(
    "service_stations", _l("Social-work stations"), None, search_only,
    lambda actor, f, page, per_page: org.list_stations(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda s: s.name, 24),
        Column(_l("Town"), lambda s: s.town.name),
        Column(_l("Opened on"), lambda s: s.opened_on, 12),
        Column(_l("Service points"), lambda s: len(s.points), 8),
    ),
))  # fmt: skip

register(ExportList(
    "service_points", _l("Social-work service points"), None,
    lambda a: {"station_id": id_arg("station_id", a), **search_only(a)},
    lambda actor, f, page, per_page: org.list_points(actor, page=page, per_page=per_page, **f),
    (
        Column(_l("Name"), lambda p: p.name, 24),
        Column(_l("Station"), lambda p: p.station.name, 24),
        Column(_l("Opened on"), lambda p: p.opened_on, 12),
        Column(_l("Social workers"), lambda p: p.worker_count, 8),
        Column(_l("Covers"), lambda p: "、".join(c.name for c in p.communities), 30),
    ),
))  # fmt: skip

register(ExportList(
    "coverage", _l("Social-work coverage"), None, lambda a: {},
    lambda actor, f, page, per_page: org.coverage(actor, page=page, per_page=per_page),
    (
        Column(_l("Town"), lambda c: c.town.name),
        Column(_l("Communities"), lambda c: c.total, 8),
        Column(_l("Covered"), lambda c: c.covered, 8),
        Column(_l("Coverage (%)"), lambda c: c.percent, 8),
        Column(_l("Not covered yet"), lambda c: "、".join(x.name for x in c.uncovered), 30),
    ),
))  # fmt: skip

"""Demo social-work data: the policy and resource catalogue, and invented households across the service points
with visits, follow-ups (some overdue), consents and referrals. Idempotent by natural key: a policy by its code, a
resource by its name, a household by its community and address. ID numbers are generated with valid check
characters.

Dates are relative to today, so the overview and the prompts always have something current to show.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from volunteer_app.accounts.models import User
from volunteer_app.core import time as clock
from volunteer_app.core.identity import check_character
from volunteer_app.core.policy import SYSTEM
from volunteer_app.core.time import as_utc
from volunteer_app.extensions import db
from volunteer_app.organisations.models import Community, Team, Town
from volunteer_app.socialwork import services
from volunteer_app.socialwork.models import Household, Resource, WelfarePolicy

DATA = Path(__file__).with_name("socialwork.json")
TOWN = "里水镇"
REGION = "440605"  # 南海区


def id_number(birth: str, sequence: int) -> str:
    first17 = f"{REGION}{date.fromisoformat(birth):%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def _at(today: date, days_ago: int, hour: int = 10) -> datetime:
    return as_utc(datetime.combine(today - timedelta(days=days_ago), time(hour, 0)))


def load(data: dict[str, Any] | None = None) -> list[str]:
    data = data or json.loads(DATA.read_text(encoding="utf-8"))
    report: list[str] = []
    today = clock.today()
    for spec in data["policies"]:
        if db.session.scalar(sa.select(WelfarePolicy.id).where(WelfarePolicy.code == spec["code"])) is None:
            services.create_policy(SYSTEM, **spec)
            report.append(f"policy {spec['name']}")
    codes = dict(db.session.execute(sa.select(WelfarePolicy.code, WelfarePolicy.id)).all())
    for spec in data["resources"]:
        if db.session.scalar(sa.select(Resource.id).where(Resource.name == spec["name"])) is not None:
            continue
        spec = dict(spec)
        team = spec.pop("team", None)
        team_id = db.session.scalar(sa.select(Team.id).where(Team.name == team)) if team else None
        if team and team_id is None:
            continue
        services.create_resource(SYSTEM, team_id=team_id, **spec)
        report.append(f"resource {spec['name']}")
    for spec in data["households"]:
        community = db.session.scalar(
            sa.select(Community).join(Community.town).where(Town.name == TOWN, Community.name == spec["community"])
        )
        if community is None or db.session.scalar(
            sa.select(Household.id).where(Household.community_id == community.id, Household.address == spec["address"])
        ):
            continue
        report.append(_household(spec, community, codes, today))
    return report


def _household(spec: dict[str, Any], community: Community, codes: dict[str, int], today: date) -> str:
    worker = db.session.scalar(sa.select(User).where(User.username == spec["worker"])) if spec.get("worker") else None
    members = []
    for person in spec["members"]:
        member = {k: v for k, v in person.items() if k not in ("birth", "seq")}
        member["id_number"] = id_number(person["birth"], person["seq"])
        members.append(member)
    household = services.create_household(
        SYSTEM,
        community_id=community.id,
        address=spec["address"],
        members=members,
        household_type=spec.get("type", "general"),
        worker_id=worker.id if worker else None,
        opened_on=today - timedelta(days=150),
        income_band=spec.get("income_band"),
        housing=spec.get("housing"),
    )
    ids = [m.id for m in sorted(household.members, key=lambda m: m.id)]
    for consent in spec.get("consents", []):
        services.record_consent(
            SYSTEM, household.id, purpose=consent["purpose"], method=consent["method"],
            member_id=ids[consent.get("member", 0)], witness=consent.get("witness", ""),
            given_at=_at(today, consent.get("days_ago", 0), 9),
        )  # fmt: skip
    for visit in spec.get("visits", []):
        visit = dict(visit)
        days_ago = visit.pop("days_ago")
        policies = {stage: [codes[c] for c in names] for stage, names in visit.pop("policies", {}).items()}
        services.log_visit(
            SYSTEM, household.id, visited_at=_at(today, days_ago), worker_ids=[worker.id] if worker else [],
            policies=policies, **visit,
        )  # fmt: skip
    owner = worker or db.session.scalar(sa.select(User).where(User.username == "zhanzhang"))
    for follow_up in spec.get("follow_ups", []):
        services.add_follow_up(
            SYSTEM, household.id, task=follow_up["task"], due_on=today + timedelta(days=follow_up["due_in_days"]),
            owner_id=owner.id if owner else None,
        )  # fmt: skip
    for referral in spec.get("referrals", []):
        referral = dict(referral)
        team = referral.pop("team", None)
        team_id = db.session.scalar(sa.select(Team.id).where(Team.name == team)) if team else None
        services.create_referral(SYSTEM, household.id, team_id=team_id, **referral)
    return f"household {community.name} {spec['address']}"

"""Loads the demo town. Idempotent: what is already there (by its natural key) is left alone.

Order matters: the places and organisations come first, so that users can then be scoped to them
(duizhang to 里水义工联, shequ to the 草场 community, shegong to a service point, zhanzhang to the station, daibiao
to a deputy of the liaison station); volunteer profiles, memberships, pairings and youth groups follow; then the
social-work files, the events and the needs (seeds/needs.py), which use all of these. Everything goes through the
services, so the demo data obeys the same rules as data typed into the pages.
"""

from __future__ import annotations

import json
from datetime import date, time
from importlib import import_module
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from volunteer_app.accounts import profile
from volunteer_app.accounts import services as accounts
from volunteer_app.accounts.models import User
from volunteer_app.core.crypto import blind_index
from volunteer_app.core.policy import SYSTEM
from volunteer_app.extensions import db
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import (
    Community,
    Deputy,
    LiaisonStation,
    Pairing,
    ServicePoint,
    ServiceStation,
    Team,
    TeamMembership,
    Town,
    VolunteerProfile,
    YouthGroup,
)

DATA = Path(__file__).with_name("lishui.json")


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _one(query: sa.Select) -> Any:
    return db.session.scalar(query)


class _Loader:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.report: list[str] = []

    # ------------------------------------------------------------------ lookups by natural key

    def town(self, name: str) -> Town:
        return _one(sa.select(Town).where(Town.name == name))

    def community(self, town: str, name: str) -> Community:
        return _one(sa.select(Community).join(Community.town).where(Town.name == town, Community.name == name))

    def team(self, name: str) -> Team:
        return _one(sa.select(Team).where(Team.name == name))

    def station(self, name: str) -> ServiceStation:
        return _one(sa.select(ServiceStation).where(ServiceStation.name == name))

    def point(self, station: str, name: str) -> ServicePoint:
        return _one(
            sa.select(ServicePoint)
            .join(ServicePoint.station)
            .where(ServiceStation.name == station, ServicePoint.name == name)
        )

    def deputy(self, station: str, name: str) -> Deputy:
        return _one(sa.select(Deputy).join(Deputy.station).where(LiaisonStation.name == station, Deputy.name == name))

    def volunteer(self, id_number: str) -> VolunteerProfile:
        return _one(sa.select(VolunteerProfile).where(VolunteerProfile.id_number_digest == blind_index(id_number)))

    def scope(self, spec: dict[str, Any] | None) -> str | None:
        """{"team": "里水义工联"} -> "team:3"; {"service_point": [station, point]} -> "service_point:1";
        {"deputy": [liaison station, name]} -> "deputy:2"."""
        if not spec:
            return None
        ((kind, key),) = spec.items()
        target = {
            "team": lambda: self.team(key),
            "service_station": lambda: self.station(key),
            "service_point": lambda: self.point(*key),
            "community": lambda: self.community(*key),
            "deputy": lambda: self.deputy(*key),
        }[kind]()
        return f"{kind}:{target.id}"

    # ------------------------------------------------------------------ steps

    def towns(self) -> None:
        for spec in self.data["towns"]:
            town = self.town(spec["name"])
            if town is None:
                town = org.create_town(SYSTEM, name=spec["name"], district=spec.get("district", ""))
                self.report.append(f"town {town.name}")
            for item in spec["communities"]:
                if self.community(town.name, item["name"]) is None:
                    org.create_community(SYSTEM, town_id=town.id, name=item["name"], kind=item["kind"])
                    self.report.append(f"community {town.name} {item['name']}")

    def stations(self) -> None:
        for spec in self.data["service_stations"]:
            town = self.town(spec["town"])
            station = self.station(spec["name"])
            if station is None:
                station = org.create_station(
                    SYSTEM,
                    town_id=town.id,
                    name=spec["name"],
                    address=spec.get("address", ""),
                    opened_on=_day(spec.get("opened_on")),
                )
                self.report.append(f"service station {station.name}")
            for item in spec["points"]:
                if self.point(station.name, item["name"]) is not None:
                    continue
                community_ids = [self.community(town.name, name).id for name in item["communities"]]
                org.create_point(
                    SYSTEM,
                    station_id=station.id,
                    name=item["name"],
                    opened_on=_day(item.get("opened_on")),
                    community_ids=community_ids,
                )
                self.report.append(f"service point {item['name']} covering {'、'.join(item['communities'])}")

    def teams(self) -> None:
        for spec in self.data["teams"]:
            if self.team(spec["name"]) is None:
                town = self.town(spec["town"]) if spec.get("town") else None
                org.create_team(
                    SYSTEM,
                    name=spec["name"],
                    kind=spec["kind"],
                    town_id=town.id if town else None,
                    description=spec.get("description", ""),
                    founded_on=_day(spec.get("founded_on")),
                )
                self.report.append(f"team {spec['name']}")

    def liaison_stations(self) -> None:
        for spec in self.data["liaison_stations"]:
            if _one(sa.select(LiaisonStation.id).where(LiaisonStation.name == spec["name"])):
                continue
            rule = spec["reception"]
            org.create_liaison_station(
                SYSTEM,
                name=spec["name"],
                community_id=self.community(spec["town"], spec["community"]).id,
                address=spec.get("address", ""),
                reception_weekday=rule["weekday"],
                reception_start=time.fromisoformat(rule["start"]),
                reception_end=time.fromisoformat(rule["end"]),
                except_public_holidays=rule.get("except_public_holidays", True),
                deputies=spec.get("deputies", []),
            )
            self.report.append(f"liaison station {spec['name']}")

    def users(self) -> None:
        for spec in self.data["users"]:
            role_spec = accounts.RoleSpec.parse(spec["role"], self.scope(spec.get("scope")))
            user = _one(sa.select(User).where(User.username == spec["username"]))
            if user is None:
                accounts.create_user(
                    SYSTEM,
                    username=spec["username"],
                    password=spec["password"],
                    display_name=spec["display_name"],
                    roles=[role_spec],
                    phone=spec.get("phone"),
                )
                self.report.append(f"user {spec['username']} ({spec['role']})")
            elif role_spec.scope_kind and self._rescope(user, role_spec):
                self.report.append(f"user {spec['username']} scoped to {role_spec.scope_kind}:{role_spec.scope_id}")
            self.email(spec)

    def email(self, spec: dict[str, Any]) -> None:
        """A demo login gets its address at example.org (a domain that receives no mail), in use as an admin would
        set it; also on a database seeded before demo users had one."""
        user = _one(sa.select(User).where(User.username == spec["username"]))
        if spec.get("email") and user is not None and user.email is None:
            profile.set_email(SYSTEM, user.id, spec["email"])

    @staticmethod
    def _rescope(user: User, role_spec: accounts.RoleSpec) -> bool:
        """A user loaded before scopes existed gets their scope now (their unscoped grant of that role goes)."""
        if any(
            g.role == role_spec.role and g.scope_kind == role_spec.scope_kind and g.scope_id == role_spec.scope_id
            for g in user.grants
        ):
            return False
        for grant in [g for g in user.grants if g.role == role_spec.role and g.scope_kind is None]:
            accounts.revoke_grant(SYSTEM, user, grant)
        accounts.grant_role(SYSTEM, user, role_spec)
        db.session.commit()
        return True

    def volunteers(self) -> None:
        for spec in self.data["volunteers"]:
            if self.volunteer(spec["id_number"]) is not None:
                continue
            fields = {
                "name": spec["name"],
                "phone": spec["phone"],
                "id_number": spec["id_number"],
                "political_status": spec["political_status"],
                "community_id": self.community(spec["town"], spec["community"]).id,
                "skills": spec.get("skills", []),
                "availability": spec.get("availability", []),
                "guardian": org.Guardian(**spec["guardian"]) if spec.get("guardian") else None,
            }
            user = _one(sa.select(User).where(User.username == spec["username"]))
            if user is None:
                org.register_volunteer(SYSTEM, username=spec["username"], password=spec["password"], **fields)
            else:
                org.add_volunteer_profile(SYSTEM, user, **fields)
            self.email(spec)
            self.report.append(f"volunteer {spec['name']} ({spec['username']})")

    def memberships(self) -> None:
        for spec in self.data["memberships"]:
            team, volunteer = self.team(spec["team"]), self.volunteer(spec["id_number"])
            if _one(
                sa.select(TeamMembership.id).where(
                    TeamMembership.team_id == team.id, TeamMembership.volunteer_id == volunteer.id
                )
            ):
                continue
            org.add_member(
                SYSTEM, team.id, volunteer_id=volunteer.id, role=spec["role"], joined_on=_day(spec["joined_on"])
            )
            self.report.append(f"member {volunteer.name} of {team.name} ({spec['role']})")

    def pairings(self) -> None:
        for spec in self.data["pairings"]:
            team, community = self.team(spec["team"]), self.community(spec["town"], spec["community"])
            if _one(sa.select(Pairing.id).where(Pairing.team_id == team.id, Pairing.community_id == community.id)):
                continue
            org.create_pairing(
                SYSTEM,
                team_id=team.id,
                community_id=community.id,
                since=_day(spec["since"]),
                purpose=spec.get("purpose", ""),
            )
            self.report.append(f"pairing {team.name} → {community.name}")

    def youth_groups(self) -> None:
        for spec in self.data["youth_groups"]:
            community = self.community(spec["town"], spec["community"])
            if _one(sa.select(YouthGroup.id).where(YouthGroup.community_id == community.id)):
                continue
            group = org.create_youth_group(
                SYSTEM, community_id=community.id, name=spec.get("name"), youth_home=spec.get("youth_home", "")
            )
            for member in spec["members"]:
                volunteer = self.volunteer(member["id_number"]) if member.get("id_number") else None
                org.add_group_member(
                    SYSTEM,
                    group.id,
                    part=member["part"],
                    name=member.get("name"),
                    volunteer_id=volunteer.id if volunteer else None,
                )
            if spec.get("activate"):
                org.activate_youth_group(SYSTEM, group.id)
            state = "active" if spec.get("activate") else "forming, incomplete"
            self.report.append(f"youth group {group.name} ({state})")


def load_demo() -> list[str]:
    loader = _Loader(json.loads(DATA.read_text(encoding="utf-8")))
    for step in (
        loader.towns,
        loader.stations,
        loader.teams,
        loader.liaison_stations,
        loader.users,
        loader.volunteers,
        loader.memberships,
        loader.pairings,
        loader.youth_groups,
        lambda: loader.report.extend(import_module("seeds.socialwork").load()),
        lambda: import_module("seeds.events").load_events(loader.report),
        lambda: import_module("seeds.needs").load(loader.report),
    ):
        step()
    return loader.report or ["demo data already present; nothing added"]

"""Registry objects for tests elsewhere that need one to exist (a role grant's scope must name a real object)."""

from __future__ import annotations

from volunteer_app.core.policy import SYSTEM
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import ServicePoint


def make_service_point(name: str = "新兴社会工作服务点") -> ServicePoint:
    town = org.create_town(SYSTEM, name="里水镇", district="南海区")
    station = org.create_station(SYSTEM, town_id=town.id, name="里水镇社会工作服务站")
    return org.create_point(SYSTEM, station_id=station.id, name=name)

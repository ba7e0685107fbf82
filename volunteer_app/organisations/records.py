"""How the registry's records read in the audit log and the outbox (see `core.audit.register_record_type`): by
their names, linked to their pages (which every signed-in user may open; a volunteer's profile as its rule says)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from volunteer_app.core import audit
from volunteer_app.core.policy import can
from volunteer_app.extensions import db
from volunteer_app.organisations.models import (
    Community,
    LiaisonStation,
    ServicePoint,
    ServiceStation,
    Team,
    Town,
    VolunteerProfile,
    YouthGroup,
)


def _by_name(
    model: Any, endpoint: str | None = None, arg: str = "", rule: str = "organisation.view"
) -> audit.Describer:
    def describe(reader: Any, ids: Sequence[str]) -> Mapping[str, audit.Named]:
        named = {}
        for record in db.session.scalars(sa.select(model).where(model.id.in_(audit.int_ids(ids)))):
            linked = endpoint is not None and can(reader, rule, record)
            named[str(record.id)] = audit.Named(record.name, url_for(endpoint, **{arg: record.id}) if linked else None)
        return named

    return describe


audit.register_record_type("town", "towns", label=_l("Town"), describe=_by_name(Town))
audit.register_record_type(
    "community", "communities", label=_l("Village or community"),
    describe=_by_name(Community, "organisations.community", "community_id"),
)  # fmt: skip
audit.register_record_type("team", "teams", label=_l("Team"), describe=_by_name(Team, "organisations.team", "team_id"))
audit.register_record_type(
    "youth_group", "youth_groups", label=_l("Youth governance group"),
    describe=_by_name(YouthGroup, "organisations.youth_group", "group_id"),
)  # fmt: skip
audit.register_record_type("service_station", label=_l("Social-work station"), describe=_by_name(ServiceStation))
audit.register_record_type(
    "service_point", label=_l("Service point"), describe=_by_name(ServicePoint, "organisations.point", "point_id")
)
audit.register_record_type(
    "liaison_station", label=_l("Liaison station"),
    describe=_by_name(LiaisonStation, "organisations.liaison_station", "station_id"),
)  # fmt: skip
audit.register_record_type(
    "volunteer_profile", "volunteer_profiles", label=_l("Volunteer"),
    describe=_by_name(VolunteerProfile, "organisations.volunteer", "profile_id", rule="volunteer.view"),
)  # fmt: skip
audit.register_record_type("pairing", "pairings", label=_l("Pairing"))
audit.register_record_type("youth_group_member", label=_l("Youth governance group member"))

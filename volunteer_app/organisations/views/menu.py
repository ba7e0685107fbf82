"""The registry's menu links and home-page cards."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from volunteer_app.accounts.models import Role
from volunteer_app.core import navigation
from volunteer_app.organisations.views.common import EVERYONE_WORKING, TOWN_STAFF

navigation.add_menu_link(_l("Organisations"), "organisations.index", *EVERYONE_WORKING)
navigation.add_menu_link(_l("Volunteers"), "organisations.volunteers", *TOWN_STAFF, Role.TEAM_LEADER)
navigation.add_menu_link(
    _l("Coverage"), "organisations.coverage", *TOWN_STAFF, Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR
)
navigation.add_menu_link(_l("My volunteer profile"), "organisations.my_profile", Role.VOLUNTEER)
navigation.add_home_card(
    _l("Organisations registry"),
    _l(
        "Towns and communities, volunteer teams and their pairings, youth governance groups, social-work points "
        "and liaison stations."
    ),
    TOWN_STAFF,
    [
        (_l("Communities"), "organisations.communities"),
        (_l("Teams"), "organisations.teams"),
        (_l("Pairings"), "organisations.pairings"),
        (_l("Youth groups"), "organisations.youth_groups"),
        (_l("Service points"), "organisations.points"),
        (_l("Coverage"), "organisations.coverage"),
        (_l("Liaison stations"), "organisations.liaison_stations"),
        (_l("Volunteers"), "organisations.volunteers"),
    ],
)
navigation.add_home_card(
    _l("Team and members"),
    _l("Edit your team, add members by their mobile number and pair with communities."),
    (Role.TEAM_LEADER,),
    [
        (_l("My team"), "organisations.my_team"),
        (_l("Volunteers"), "organisations.volunteers"),
        (_l("Pairings"), "organisations.pairings"),
    ],
)
navigation.add_home_card(
    _l("Service points and coverage"),
    _l("Which communities each social-work point covers, and who works there."),
    (Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR),
    [(_l("Service points"), "organisations.points"), (_l("Coverage"), "organisations.coverage")],
)
navigation.add_home_card(
    _l("My volunteer profile"),
    _l("Your details, skills and teams. Your ID and phone numbers are shown masked."),
    (Role.VOLUNTEER,),
    [(_l("My volunteer profile"), "organisations.my_profile"), (_l("My data"), "privacy.my_data")],
)

"""Who may see which figures, and import or export what. Each part adds its rules below its heading."""

from __future__ import annotations

from volunteer_app.accounts import staff_scope
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core.policy import can, rule
from volunteer_app.organisations.team_scope import leads, staffs_team
from volunteer_app.reports.models import ImportJob
from volunteer_app.socialwork import scope as socialwork_scope

# --- figures (dashboards and the stats API)
# The town's figures are for its town-wide staff, a community's for them and League staff of that community
# (accounts/staff_scope.py); a station supervisor sees the social-work part (numbers only, through the households'
# "numbers" scope); a team's figures are for the staff who manage the team (town-wide, or of a community it is
# paired with) and its leaders. One's own hours by month need no rule: the service finds the caller's own volunteer
# profile.


@rule("figures.town")
def _town_wide_staff_see_the_town(actor, obj) -> bool:
    return staff_scope.town_wide(actor)


@rule("figures.community")
def _staff_of_the_community(actor, community_id) -> bool:
    return staff_scope.reaches_community(actor, community_id)


@rule("figures.socialwork")
def _staff_or_station_supervisor(actor, community_id) -> bool:
    """`community_id` None: the town's coverage."""
    return staff_scope.reaches_community(actor, community_id) or bool(socialwork_scope.station_ids(actor))


@rule("figures.team")
def _staff_or_the_team_leader(actor, team_id) -> bool:
    return staffs_team(actor, team_id) or leads(actor, team_id)


# --- imports
# Who may bring rows in from a spreadsheet: the same people who may add them one by one. The import's own page
# and status belong to whoever uploaded the file (and admins). (Importing ImportJob here lets Alembic see it.)

IMPORTERS = (*TOWN_STAFF, Role.TEAM_LEADER, Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR)  # the import pages' marker


@rule("import.volunteers")
def _town_staff_import_volunteers(actor, obj) -> bool:
    return actor.has_role(*TOWN_STAFF)


@rule("import.team_members")
def _team_managers_import_members(actor, team) -> bool:
    return team is not None and can(actor, "team.members.manage", team)


@rule("import.households")
def _caseworkers_import_households(actor, community) -> bool:
    """None asks whether the user may import households anywhere; a community, whether there."""
    return can(actor, "household.create", community)


@rule("import.view")
def _own_import(actor, job: ImportJob) -> bool:
    return job.created_by_id == actor.id or actor.has_role(Role.ADMIN)


@rule("import.list")
def _importer(actor, obj) -> bool:
    """The list of one's own imports: for those the import pages are for (IMPORTERS, their marker)."""
    return actor.has_role(*IMPORTERS)


# --- exports
# Each list's export follows the rule of its page (reports.services.exports names it per list): an export holds
# what the page shows. The monthly workbook holds the town's figures: for the town-wide staff, like the town's
# dashboard.


@rule("report.monthly")
def _town_staff_report_the_month(actor, obj) -> bool:
    return can(actor, "figures.town")

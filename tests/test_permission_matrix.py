"""The permission matrix of issue 17: every route of the app (pages and API, read from the URL map) called by every
kind of user on the seeded demo town, each answer checked against the route's expectation below.

A route without an expectation fails the test, so a new route is added here with the rule of who may open it.
Expectations are rules over kinds of user: `only(STAFF, LEADERS)` lets those in (anything but 401/403/404/5xx,
a login demand for the anonymous visitor, 403 for the other signed-in users); `.hiding(LEADER_B)` says that those
reach the route but not the seeded object of the "A" side in the URL, and get 404, as out-of-scope objects do.
The URL values are seeded objects of team A and service point A (permission_matrix_support.build_world).

Calls that write send an empty body: a refused caller gets the access answer, an admitted one a validation
answer (or a redirect with a message); they run after every read, so what they change cannot skew a read. On the
API the input schema refuses an empty body (422) before the handler looks the object up, so for a caller the
route's marker lets in, a 422 there stands for any answer of the object's own check ("unreached").

Where the app departs from the matrix today, KNOWN_DEVIATIONS names the route and why (and, when only some kinds of
user depart, which: the others are checked as usual); each is an expected failure (strict: fixing the app makes it
pass and asks for the entry to go).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from werkzeug.routing import Rule

from tests.conftest import _truncate_all
from tests.permission_matrix_support import KINDS, Actor, answer, build_world
from volunteer_app.extensions import db, limiter

ANON, VOLUNTEER, LEADER_A, LEADER_B, LEAGUE, COMMUNITY_STAFF, WORKER_A, WORKER_B, SUPERVISOR, DEPUTY, ADMIN = KINDS
EVERYONE = frozenset(KINDS)
SIGNED_IN = EVERYONE - {ANON}
# League staff scoped to a community (COMMUNITY_STAFF, of community A) reach their community's volunteers, the teams
# paired with it and its events (accounts/staff_scope.py), not the town's administration. The A-side objects lie
# outside community A (team A is paired with other communities, its event is in 白岗, the member is from 同声), so
# there COMMUNITY_STAFF is refused (403) what it sees and told 404 for what it may not see; TOWN_STAFF is who acts
# for the whole town. Needs and reports follow (needs/scope.py, reports/policy.py): need A is in 白岗, so hidden from
# COMMUNITY_STAFF; the town's board, meetings, receptions and monthly workbook are town-wide; community A's board and
# figures are COMMUNITY_STAFF's. Social work and accounts have no community part: there COMMUNITY_STAFF answers as
# LEAGUE (STAFF).
TOWN_STAFF = frozenset({LEAGUE, ADMIN})
LEAGUE_STAFF = frozenset({LEAGUE, COMMUNITY_STAFF})
STAFF = LEAGUE_STAFF | {ADMIN}
LEADERS = frozenset({LEADER_A, LEADER_B})
WORKERS = frozenset({WORKER_A, WORKER_B})
CASEWORK = WORKERS | {SUPERVISOR}


@dataclass(frozen=True)
class Expect:
    """Who gets in; who gets in but not to the A-side object of the URL (404); the rest: 401/302 or 403."""

    ok: frozenset[str]
    hidden: frozenset[str] = frozenset()
    missing: bool = False

    def hiding(self, *groups: frozenset[str] | str) -> Expect:
        hidden = _kinds(groups)
        return Expect(self.ok - hidden, self.hidden | hidden, self.missing)

    def absent(self) -> Expect:
        return Expect(self.ok, self.hidden, missing=True)

    def answer_for(self, kind: str) -> str:
        if kind in self.ok:
            return "hidden" if self.missing else "ok"
        if kind in self.hidden:
            return "hidden"
        return "login" if kind == ANON else "denied"


def _kinds(groups) -> frozenset[str]:
    return frozenset().union(*({g} if isinstance(g, str) else g for g in groups))


def only(*groups: frozenset[str] | str) -> Expect:
    return Expect(_kinds(groups))


PUBLIC = only(EVERYONE)
SIGNED = only(SIGNED_IN)

ADMIN_ONLY = only(ADMIN)
STAFF_ONLY = only(STAFF)
TOWN_ONLY = only(TOWN_STAFF)  # the town's own administration: towns, communities, stations, holidays
ORGANISERS = only(STAFF, LEADERS)  # new events, pairings, team sign-ups, the volunteer list
ORGANISES_A = only(TOWN_STAFF, LEADER_A)  # team A, its events, sessions, roles, pairings and members
# Someone of team A (a member's profile, hours and sign-ups): who may not act on them is told there is no such one.
OF_TEAM_A = ORGANISES_A.hiding(SIGNED_IN - TOWN_STAFF - {LEADER_A})
CASEWORK_ONLY = only(CASEWORK)
HOUSEHOLD_A = CASEWORK_ONLY.hiding(WORKER_B)  # a household of point A; the supervisor's station has both points
IMPORTERS = only(STAFF, LEADERS, CASEWORK)
# Team A's members and leader read its team-only event; the demo volunteer is one of its members.
TEAM_A_EVENT = only(TOWN_STAFF, LEADER_A, VOLUNTEER)
# A need assigned to team A: town staff and team A's leader reach it; anyone else is told there is no such need.
NEED_A = OF_TEAM_A
NEED_A_STAFF_STEP = TOWN_ONLY.hiding(SIGNED_IN - TOWN_STAFF - {LEADER_A})  # assigning, reopening, a rating by phone
# One's own volunteer profile, hours and feed: a user without a profile gets 404 ("you have none").
HAS_PROFILE = frozenset({VOLUNTEER, LEADER_A})
OWN_PROFILE = only(HAS_PROFILE).hiding(SIGNED_IN - HAS_PROFILE)
PROFILE_OR_STAFF = only(HAS_PROFILE, STAFF).hiding(SIGNED_IN - HAS_PROFILE - STAFF)
PROFILE_OR_TOWN_STAFF = only(HAS_PROFILE, TOWN_STAFF).hiding(SIGNED_IN - HAS_PROFILE - TOWN_STAFF)
NOT_THEIRS = Expect(frozenset(), SIGNED_IN)  # someone else's notice

# ---------------------------------------------------------------------------------------------------- expectations
# Keyed by endpoint, or "endpoint METHOD" where the methods of one URL differ. `.absent()`: the URL (or the empty
# form) names no seeded object, so those let in are told 404.
MATRIX: dict[str, Expect] = {
    # accounts, core
    "accounts.home": PUBLIC,
    "accounts.login": PUBLIC,
    "accounts.logout": SIGNED,
    "accounts.set_password": PUBLIC.absent(),
    "accounts.confirm_email": PUBLIC,
    "accounts.change_password": SIGNED,
    "accounts.profile_page": SIGNED,
    "accounts.resend_email_confirmation": SIGNED,
    "accounts.users": ADMIN_ONLY,
    "accounts.user_detail": ADMIN_ONLY,
    "accounts.new_user": ADMIN_ONLY,
    "accounts.set_active": ADMIN_ONLY,
    "accounts.set_user_email": ADMIN_ONLY,
    "accounts.end_sessions": ADMIN_ONLY,
    "accounts.remove_grant": ADMIN_ONLY.absent(),
    "accounts.issue_password_link": STAFF_ONLY,
    "accounts_api.Tokens": PUBLIC,
    "accounts_api.Me": SIGNED,
    "accounts_api.MeEmailConfirm": SIGNED,
    "accounts_api.MeEmailResend": SIGNED,
    "accounts_api.Users": ADMIN_ONLY,
    "accounts_api.UserEmail": ADMIN_ONLY,
    "accounts_api.UserSessions": ADMIN_ONLY,
    "core.audit_entries": ADMIN_ONLY,
    "core.favicon": PUBLIC,
    "core.health": PUBLIC,
    "core.ready": PUBLIC,
    "core.set_language": PUBLIC,
    # organisations
    "organisations.index": SIGNED,
    "organisations.towns": SIGNED,
    "organisations.new_town": TOWN_ONLY,
    "organisations.edit_town": TOWN_ONLY,
    "organisations.communities": SIGNED,
    "organisations.community": SIGNED,
    "organisations.new_community": TOWN_ONLY,
    "organisations.edit_community": TOWN_ONLY,
    "organisations.coverage": SIGNED,
    "organisations.teams": SIGNED,
    "organisations.team": SIGNED,
    "organisations.new_team": STAFF_ONLY,  # community staff register teams paired with their community
    "organisations.edit_team": ORGANISES_A,
    "organisations.members": ORGANISES_A,
    "organisations.member_leaves": ORGANISES_A,
    "organisations.member_role": TOWN_ONLY,
    "organisations.my_team": only(LEADERS),
    "organisations.pairings": SIGNED,
    "organisations.new_pairing": ORGANISERS,
    "organisations.edit_pairing": ORGANISES_A,
    "organisations.youth_groups": SIGNED,
    "organisations.youth_group": SIGNED,
    "organisations.new_youth_group": TOWN_ONLY,
    "organisations.edit_youth_group": TOWN_ONLY,
    "organisations.activate_youth_group": TOWN_ONLY,
    "organisations.add_group_member": TOWN_ONLY,
    "organisations.remove_group_member": TOWN_ONLY.absent(),
    "organisations.stations": SIGNED,
    "organisations.new_station": TOWN_ONLY,
    "organisations.edit_station": TOWN_ONLY,
    "organisations.points": SIGNED,
    "organisations.point": SIGNED,
    "organisations.new_point": TOWN_ONLY,
    "organisations.edit_point": TOWN_ONLY,
    "organisations.assign_worker": only(TOWN_STAFF, SUPERVISOR),
    "organisations.unassign_worker": only(TOWN_STAFF, SUPERVISOR).absent(),  # the bystander works at no point
    "organisations.liaison_stations": SIGNED,
    "organisations.liaison_station": SIGNED,
    "organisations.new_liaison_station": TOWN_ONLY,
    "organisations.edit_liaison_station": TOWN_ONLY,
    "organisations.volunteers": ORGANISERS,
    "organisations.volunteer": OF_TEAM_A,  # a member of team A
    "organisations.edit_volunteer": TOWN_ONLY.hiding(SIGNED_IN - TOWN_STAFF - {LEADER_A}),  # staff or the person
    "organisations.reveal_volunteer": TOWN_ONLY.hiding(SIGNED_IN - TOWN_STAFF - {LEADER_A}),
    "organisations.export_volunteers": STAFF_ONLY,
    "organisations.my_profile": SIGNED,
    "organisations.register": PUBLIC,
    "organisations_api.Towns GET": SIGNED,
    "organisations_api.Towns POST": TOWN_ONLY,
    "organisations_api.TownById GET": SIGNED,
    "organisations_api.TownById PATCH": TOWN_ONLY,
    "organisations_api.Communities GET": SIGNED,
    "organisations_api.Communities POST": TOWN_ONLY,
    "organisations_api.CommunityById GET": SIGNED,
    "organisations_api.CommunityById PATCH": TOWN_ONLY,
    "organisations_api.Coverage": SIGNED,
    "organisations_api.Teams GET": SIGNED,
    "organisations_api.Teams POST": STAFF_ONLY,  # as organisations.new_team
    "organisations_api.TeamById GET": SIGNED,
    "organisations_api.TeamById PATCH": ORGANISES_A,
    "organisations_api.TeamMembers": ORGANISES_A,
    "organisations_api.TeamMemberById": ORGANISES_A,
    "organisations_api.Pairings GET": SIGNED,
    "organisations_api.Pairings POST": ORGANISERS,
    "organisations_api.PairingById GET": SIGNED,
    "organisations_api.PairingById PATCH": ORGANISES_A,
    "organisations_api.YouthGroups GET": SIGNED,
    "organisations_api.YouthGroups POST": TOWN_ONLY,
    "organisations_api.YouthGroupById GET": SIGNED,
    "organisations_api.YouthGroupById PATCH": TOWN_ONLY,
    "organisations_api.YouthGroupActivation": TOWN_ONLY,
    "organisations_api.YouthGroupMembers": TOWN_ONLY,
    "organisations_api.YouthGroupMemberById": TOWN_ONLY.absent(),
    "organisations_api.Stations GET": SIGNED,
    "organisations_api.Stations POST": TOWN_ONLY,
    "organisations_api.StationById GET": SIGNED,
    "organisations_api.StationById PATCH": TOWN_ONLY,
    "organisations_api.Points GET": SIGNED,
    "organisations_api.Points POST": TOWN_ONLY,
    "organisations_api.PointById GET": SIGNED,
    "organisations_api.PointById PATCH": TOWN_ONLY,
    "organisations_api.PointWorkers GET": SIGNED,
    "organisations_api.PointWorkers POST": only(TOWN_STAFF, SUPERVISOR),
    "organisations_api.PointWorkerById": only(TOWN_STAFF, SUPERVISOR).absent(),
    "organisations_api.LiaisonStations GET": SIGNED,
    "organisations_api.LiaisonStations POST": TOWN_ONLY,
    "organisations_api.LiaisonStationById GET": SIGNED,
    "organisations_api.LiaisonStationById PATCH": TOWN_ONLY,
    "organisations_api.Volunteers": ORGANISERS,
    "organisations_api.VolunteerById GET": OF_TEAM_A,
    "organisations_api.VolunteerById PATCH": TOWN_ONLY.hiding(SIGNED_IN - TOWN_STAFF - {LEADER_A}),
    "organisations_api.VolunteerReveal": TOWN_ONLY.hiding(SIGNED_IN - TOWN_STAFF - {LEADER_A}),
    "organisations_api.MyVolunteerProfile": OWN_PROFILE,
    "organisations_api.VolunteerRegistration": PUBLIC,
    # events
    "events.index": PUBLIC,
    "events.month": PUBLIC,
    "events.agenda": PUBLIC,
    "events.feed": PUBLIC.absent(),
    "events.event": TEAM_A_EVENT,  # the team-only event
    "events.new_event": ORGANISERS,
    "events.edit_event": ORGANISES_A,
    "events.cancel_event": ORGANISES_A,
    "events.set_status": ORGANISES_A,
    "events.recurrence": ORGANISES_A,
    "events.new_session": ORGANISES_A,
    "events.edit_session": ORGANISES_A,
    "events.delete_session": ORGANISES_A,
    "events.session_qr": ORGANISES_A,
    "events.attendance": ORGANISES_A,
    "events.new_role": ORGANISES_A,
    "events.edit_role": ORGANISES_A,
    "events.delete_role": ORGANISES_A,
    "events.roster": ORGANISES_A,
    "events.team_signup": ORGANISERS,  # a leader signs their own members up for any event
    "events.sign_up": SIGNED,
    "events.cancel_signup": OF_TEAM_A,  # another volunteer's sign-up
    "events.correct_hours": ORGANISES_A.hiding(LEADER_B, COMMUNITY_STAFF),
    "events.correct_no_show": ORGANISES_A.hiding(LEADER_B, COMMUNITY_STAFF),
    "events.offer": OF_TEAM_A,  # and the volunteer offered the place
    "events.accept_offer": OF_TEAM_A,
    "events.decline_offer": OF_TEAM_A,
    "events.attendance_question": OF_TEAM_A,  # and the volunteer asked
    "events.confirm_attendance": OF_TEAM_A,
    "events.withdraw_attendance": OF_TEAM_A,
    "events.find_cover": ORGANISES_A,
    "events.cover_requests": ORGANISES_A,
    "events.release_unanswered": ORGANISES_A,
    # a leader reserves for their own team (B's leader sees only B's); community staff reserve for no team
    "events.reservations": only(TOWN_STAFF, LEADERS),
    "events.reservation": ORGANISES_A.hiding(LEADER_B, COMMUNITY_STAFF),  # team A's reservation
    "events.release_reservation": ORGANISES_A.hiding(LEADER_B, COMMUNITY_STAFF),
    "events.enrolments_page": PROFILE_OR_TOWN_STAFF,
    "events.cancel_enrolment": ORGANISERS.absent(),
    "events.my_hours": SIGNED,
    "events.certificate": SIGNED,
    "events.verify_lookup": PUBLIC,
    "events.verify": PUBLIC,  # a certificate's number: anyone holding the paper checks it
    "events.my_signups": SIGNED,
    "events.subscriptions GET": SIGNED,
    "events.subscriptions POST": SIGNED.absent(),  # the empty form names no feed
    "events.check_in": SIGNED.absent(),
    "events.holidays": TOWN_ONLY,
    "events.delete_holiday": TOWN_ONLY.absent(),
    "events.hours_corrections": TOWN_ONLY,
    "events.approve_correction": STAFF_ONLY.absent(),
    "events.reject_correction": STAFF_ONLY.absent(),
    "events_api.Events": SIGNED,
    "events_api.EventById GET": TEAM_A_EVENT,
    "events_api.EventById PATCH": ORGANISES_A,
    "events_api.EventSessions": ORGANISES_A,
    "events_api.CoverRequests": ORGANISES_A,
    "events_api.FindCover": ORGANISES_A,
    "events_api.ReleaseUnanswered": ORGANISES_A,
    "events_api.Reservations": only(TOWN_STAFF, LEADERS),
    "events_api.ReservationById": OF_TEAM_A,  # team A's reservation
    "events_api.ConfirmAttendance": OF_TEAM_A,
    "events_api.WithdrawAttendance": OF_TEAM_A,
    "events_api.EventRecurrence": ORGANISES_A,
    "events_api.GenerateSessions": ORGANISES_A,
    "events_api.Enrolments": PROFILE_OR_TOWN_STAFF,
    "events_api.EnrolmentById": SIGNED.absent(),
    "events_api.SessionById GET": SIGNED,
    "events_api.SessionById": ORGANISES_A,
    "events_api.SessionRoles": ORGANISES_A,
    "events_api.Attendance": ORGANISES_A,
    "events_api.ApproveHours": ORGANISES_A,
    "events_api.RoleById GET": SIGNED,
    "events_api.RoleById": ORGANISES_A,
    "events_api.Signups": SIGNED,
    "events_api.BulkSignups": ORGANISERS,
    "events_api.SignupById": OF_TEAM_A,
    "events_api.HoursCorrections": ORGANISES_A,
    "events_api.NoShowCorrection": ORGANISES_A.hiding(LEADER_B, COMMUNITY_STAFF),
    "events_api.AcceptOffer": OF_TEAM_A,
    "events_api.DeclineOffer": OF_TEAM_A,
    "events_api.MyAttendanceRecord": SIGNED,
    "events_api.CertificateVerification": PUBLIC,
    "events_api.VolunteerAttendanceRecord": OF_TEAM_A,
    "events_api.Checkins": SIGNED,
    "events_api.MySignups": SIGNED,
    "events_api.MyHours": OWN_PROFILE,
    "events_api.MyHoursEntries": OWN_PROFILE,
    "events_api.MyFeed": OWN_PROFILE,
    "events_api.VolunteerHours": OF_TEAM_A,
    "events_api.TeamFeed": ORGANISES_A,
    "events_api.CommunityFeed": STAFF_ONLY,
    "events_api.HolidayOverrides": TOWN_ONLY,
    "events_api.HolidayOverrideById": TOWN_ONLY.absent(),
    "events_api.PendingCorrections": TOWN_ONLY,
    "events_api.CorrectionApproval": STAFF_ONLY.absent(),
    "events_api.CorrectionRejection": STAFF_ONLY.absent(),
    # social work
    "socialwork.home": CASEWORK_ONLY,
    "socialwork.households": CASEWORK_ONLY,
    "socialwork.new_household": CASEWORK_ONLY,
    "socialwork.export": CASEWORK_ONLY,
    "socialwork.ledgers": CASEWORK_ONLY,
    "socialwork.ledger": CASEWORK_ONLY,
    "socialwork.coverage": only(STAFF, CASEWORK),
    "socialwork.policies GET": only(STAFF, CASEWORK),
    "socialwork.policies POST": only(ADMIN, SUPERVISOR),
    "socialwork.archive": ADMIN_ONLY,
    "socialwork.anonymise": ADMIN_ONLY.absent(),  # only an archived file is anonymised
    "socialwork.attachment": HOUSEHOLD_A.absent(),
    "socialwork.change_head": HOUSEHOLD_A.absent(),  # the empty form names no member
    "socialwork_api.Households": CASEWORK_ONLY,
    "socialwork_api.MyFollowUps": CASEWORK_ONLY,
    "socialwork_api.Coverage": only(STAFF, CASEWORK),
    "socialwork_api.Policies GET": only(STAFF, CASEWORK),
    "socialwork_api.Policies POST": only(ADMIN, SUPERVISOR),
    "socialwork_api.Resources GET": only(STAFF, CASEWORK),
    "socialwork_api.Resources POST": only(ADMIN, SUPERVISOR),
    "socialwork_api.HouseholdWhoLooked": only(SUPERVISOR),
    "socialwork_api.AttachmentById": HOUSEHOLD_A.absent(),
    # needs
    "needs.needs": SIGNED,
    "needs.assignee_search": STAFF_ONLY,  # as need.dispatch: the needs list shows the filter to its staff
    "needs.need": NEED_A,
    "needs.photo": NEED_A.absent(),
    "needs.assign": NEED_A_STAFF_STEP,
    "needs.rate": NEED_A_STAFF_STEP,
    "needs.reopen": NEED_A_STAFF_STEP,
    "needs.board": TOWN_ONLY,
    "needs.community_boards": SIGNED,
    "needs.community_board": STAFF_ONLY,
    "needs.raise_for": SIGNED,  # others are sent to the public form
    "needs.raise_from_visit": HOUSEHOLD_A,
    "needs.raise_public": PUBLIC,
    "needs.raised": PUBLIC,
    "needs.track_lookup": PUBLIC,
    "needs.track": PUBLIC,
    "needs.rate_tracked": PUBLIC,
    "needs.meetings": PUBLIC,
    "needs.meeting": PUBLIC,
    "needs.ask": PUBLIC,
    "needs.new_meeting": TOWN_ONLY,
    "needs.edit_meeting": TOWN_ONLY,
    "needs.manage_meeting": TOWN_ONLY,
    "needs.new_commitment": TOWN_ONLY,
    "needs.answer_question": TOWN_ONLY,
    "needs.moderate_question": TOWN_ONLY,
    "needs.receptions": only(TOWN_STAFF, DEPUTY),
    "needs.recorded_receptions": only(TOWN_STAFF, DEPUTY),
    "needs.reception GET": only(TOWN_STAFF, DEPUTY),
    "needs.reception POST": TOWN_ONLY,  # a deputy reads the day; staff record it
    "needs.reception_on_duty": TOWN_ONLY,
    "needs_api.list_needs": SIGNED,
    "needs_api.need_by_id": NEED_A,
    "needs_api.assign_need": NEED_A_STAFF_STEP,
    "needs_api.rate_need_by_phone": NEED_A_STAFF_STEP,
    "needs_api.reopen_need": NEED_A_STAFF_STEP,
    "needs_api.raise_need": PUBLIC,
    "needs_api.track_need": PUBLIC,
    "needs_api.rate_need": PUBLIC,
    "needs_api.Meetings GET": PUBLIC,
    "needs_api.Meetings POST": TOWN_ONLY,
    "needs_api.MeetingById GET": PUBLIC,
    "needs_api.MeetingById PATCH": TOWN_ONLY,
    "needs_api.MeetingCommitments GET": PUBLIC,
    "needs_api.MeetingCommitments POST": TOWN_ONLY,
    "needs_api.MeetingQuestions": PUBLIC,
    "needs_api.AnswerQuestion": TOWN_ONLY,
    "needs_api.ModerateQuestion": TOWN_ONLY,
    "needs_api.Receptions GET": only(TOWN_STAFF, DEPUTY),
    "needs_api.Receptions POST": TOWN_ONLY,
    "needs_api.ReceptionVisitors": TOWN_ONLY,
    # reports
    "reports.dashboard": only(STAFF, SUPERVISOR),
    "reports.community": STAFF_ONLY,
    "reports.team": ORGANISES_A,
    "reports.mine": OWN_PROFILE,
    "reports.monthly_workbook": TOWN_ONLY,
    "reports.export": STAFF_ONLY,  # the volunteer list
    "reports.import_list": IMPORTERS,
    "reports.new_import": IMPORTERS,
    "reports.import_template": IMPORTERS,
    "reports.import_page": IMPORTERS.absent(),
    "reports.import_status": IMPORTERS.absent(),
    "reports_api.ListExport": STAFF_ONLY,
    "reports_api.MonthlyWorkbook": TOWN_ONLY,
    "reports_api.Imports": IMPORTERS,
    "reports_api.ImportById": IMPORTERS.absent(),
    "reports_api.ImportCommit": IMPORTERS.absent(),
    "reports_api.StatsOverview": STAFF_ONLY,  # the town's figures; a leader asks for their team's (?team_id=)
    "reports_api.StatsEvents": STAFF_ONLY,
    "reports_api.StatsNeeds": STAFF_ONLY,
    "reports_api.StatsCoverage": only(STAFF, SUPERVISOR),
    "reports_api.StatsHours": PROFILE_OR_STAFF,  # one's own hours, or the town's
    # privacy: one's own data and account
    "privacy.my_data": SIGNED,
    "privacy.download_json": SIGNED,
    "privacy.download_xlsx": SIGNED,
    "privacy.close": SIGNED,  # the empty form closes nothing
    "privacy_api.MyData": SIGNED,
    "privacy_api.CloseAccount": SIGNED,
    # reminders
    "reminders.inbox": SIGNED,
    "reminders.preferences": SIGNED,
    "reminders.mark_all_read": SIGNED,
    "reminders.send_test": SIGNED,
    "reminders.mark_read": NOT_THEIRS,
    "reminders.outbox": ADMIN_ONLY,
    "reminders.cancel": ADMIN_ONLY,
    "reminders.retry": ADMIN_ONLY,
    "reminders_api.MyNotices": SIGNED,
    "reminders_api.MarkAllRead": SIGNED,
    "reminders_api.MarkRead": NOT_THEIRS,
    "reminders_api.Outbox": ADMIN_ONLY,
    "reminders_api.Cancel": ADMIN_ONLY,
    "reminders_api.Retry": ADMIN_ONLY,
}
# Routes not named above: those of one household or one need follow its scope.
SCOPED_BY = {"household_id": HOUSEHOLD_A, "need_id": NEED_A}

# Where the app departs from the matrix today: each is checked by an expected failure below (strict, so that the
# fix shows), and its departing kinds are left out of the main check.


@dataclass(frozen=True)
class Deviation:
    """Why a route departs, and whose answers do (the others are checked as usual)."""

    why: str
    kinds: frozenset[str] = EVERYONE


NO_DEVIATION = Deviation("", frozenset())
KNOWN_DEVIATIONS: dict[str, Deviation] = {}

# ---------------------------------------------------------------------------------------------------- the calls

SKIPPED_METHODS = {"HEAD", "OPTIONS"}
EXTENSION_ENDPOINTS = ("static", "bootstrap.static", "api-docs.", "api_docs_assets.")
# Logging out ends the user's sessions and tokens: called last.
CALLED_LAST = ("accounts.logout",)
# Where a URL parameter means another object than its name usually does.
VALUES_BY_ENDPOINT = {
    "events.event": {"event_id": "team_only_event_id"},
    "events_api.EventById GET": {"event_id": "team_only_event_id"},
}


def _values(rule: Rule, method: str, ids: dict[str, object]) -> dict[str, object]:
    names = {arg: arg for arg in rule.arguments}
    if "station_id" in names and ("liaison" in rule.rule or "receptions" in rule.rule):
        names["station_id"] = "liaison_station_id"
    if "member_id" in names and "youth-groups" in rule.rule:
        names["member_id"] = "group_member_id"
    if rule.rule.startswith("/api/v1/volunteers/<int:volunteer_id>"):
        names["volunteer_id"] = "profile_id"
    names.update(VALUES_BY_ENDPOINT.get(rule.endpoint, {}))
    names.update(VALUES_BY_ENDPOINT.get(f"{rule.endpoint} {method}", {}))
    return {arg: ids[name] for arg, name in names.items()}


def _routes(app) -> list[tuple[Rule, str]]:
    calls = [
        (rule, method)
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(EXTENSION_ENDPOINTS)
        for method in sorted(rule.methods - SKIPPED_METHODS)
    ]
    return sorted(calls, key=lambda c: (c[0].endpoint in CALLED_LAST, c[1] != "GET", c[0].rule, c[1]))


def expectation(rule: Rule, method: str) -> Expect | None:
    found = MATRIX.get(f"{rule.endpoint} {method}", MATRIX.get(rule.endpoint))
    if found is None:
        found = next((SCOPED_BY[arg] for arg in rule.arguments if arg in SCOPED_BY), None)
    return found


def _call(actor: Actor, method: str, url: str):
    if url.startswith("/api/"):
        return actor.page.open(url, method=method, headers=actor.api_headers, json={})
    return actor.page.open(url, method=method, data={})


@dataclass
class Result:
    rule: Rule
    method: str
    url: str
    answers: dict[str, tuple[str, int]]

    @property
    def key(self) -> str:
        return f"{self.rule.endpoint} {self.method}"


def _classify(rule: Rule, method: str, url: str, actor: Actor, response) -> str:
    got = answer(response)
    if rule.endpoint == "core.ready" and response.status_code == 503:
        return "ok"  # not ready while no scheduler runs beside the tests: its answer, not a failure
    if rule.endpoint == "accounts.logout" and actor.kind != ANON and got == "login":
        return "ok"  # logging out sends one to the login page
    # An API call with an empty body is refused by its input schema (422) after the route's marker let the caller in
    # (a marker refuses before) but before the handler looks the object up: the object's own check is not reached.
    if got == "ok" and response.status_code == 422 and url.startswith("/api/") and method != "GET":
        return "unreached"
    return got


def _agrees(expected: str, got: str) -> bool:
    return got == expected or (got == "unreached" and expected in ("ok", "hidden", "denied"))


@pytest.fixture(scope="module")
def walked(app) -> tuple[dict[str, Result], float]:
    limiter.enabled = app.config["RATELIMIT_ENABLED"]
    with app.app_context():
        try:
            actors, ids = build_world(app)
            start = time.perf_counter()
            results = {}
            for rule, method in _routes(app):
                url = rule.build(_values(rule, method, ids), append_unknown=False)[1]
                answers = {}
                for kind in KINDS:
                    response = _call(actors[kind], method, url)
                    answers[kind] = (_classify(rule, method, url, actors[kind], response), response.status_code)
                result = Result(rule, method, url, answers)
                results[f"{rule.rule} {method}"] = result
            return results, time.perf_counter() - start
        finally:
            db.session.remove()
            _truncate_all()


def _row(result: Result) -> str:
    return " ".join(f"{kind}={'login' if got == 'login' else status}" for kind, (got, status) in result.answers.items())


def _problems(result: Result, only_kinds: frozenset[str] = EVERYONE) -> list[str]:
    expect = expectation(result.rule, result.method)
    if expect is None:
        return [f"{result.method} {result.url} ({result.rule.endpoint}): no expectation; got {_row(result)}"]
    wrong = [
        f"{kind}: expected {expect.answer_for(kind)}, got {status}"
        for kind, (got, status) in result.answers.items()
        if kind in only_kinds and not _agrees(expect.answer_for(kind), got)
    ]
    return [f"{result.method} {result.url} ({result.rule.endpoint}): " + "; ".join(wrong)] if wrong else []


def test_every_route_has_an_expectation(app):
    missing = [
        f"{method} {rule.rule} ({rule.endpoint})" for rule, method in _routes(app) if not expectation(rule, method)
    ]
    assert missing == [], "routes without an expectation in the permission matrix"


def test_every_route_answers_every_kind_of_user_as_the_matrix_says(walked):
    results, seconds = walked
    print(f"{len(results)} routes x {len(KINDS)} kinds of user in {seconds:.1f} s")
    problems = [
        problem
        for result in results.values()
        for problem in _problems(result, EVERYONE - KNOWN_DEVIATIONS.get(result.key, NO_DEVIATION).kinds)
    ]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(key, marks=pytest.mark.xfail(strict=True, reason=deviation.why))
        for key, deviation in KNOWN_DEVIATIONS.items()
    ],
)
def test_known_deviations_from_the_matrix(walked, key):
    results, _seconds = walked
    found = [result for result in results.values() if result.key == key]
    assert found, f"{key} is no longer a route: drop it from KNOWN_DEVIATIONS"
    assert [problem for result in found for problem in _problems(result, KNOWN_DEVIATIONS[key].kinds)] == []

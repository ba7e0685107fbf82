"""Pages of the organisations registry. Thin: parse a form or the query string, call one service, render."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from flask_wtf import FlaskForm

from volunteer_app.accounts import access
from volunteer_app.accounts.models import Role
from volunteer_app.core import navigation
from volunteer_app.core.errors import Invalid
from volunteer_app.core.forms import show_errors
from volunteer_app.core.identity import age_on
from volunteer_app.core.policy import can, require
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import limiter
from volunteer_app.organisations import forms, services
from volunteer_app.organisations.models import (
    AVAILABILITY_LABELS,
    COMMUNITY_KIND_LABELS,
    DEPUTY_LEVEL_LABELS,
    GROUP_PART_LABELS,
    GROUP_STATUS_LABELS,
    MEMBER_ROLE_LABELS,
    POLITICAL_STATUS_LABELS,
    SEX_LABELS,
    TEAM_KIND_LABELS,
    CommunityKind,
    GroupStatus,
    MemberRole,
    PoliticalStatus,
    TeamKind,
)

bp = Blueprint("organisations", __name__, template_folder="templates")

STAFF = (Role.ADMIN, Role.LEAGUE_STAFF)
EVERYONE_WORKING = (Role.ADMIN, Role.LEAGUE_STAFF, Role.TEAM_LEADER, Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR)


def filter_url(endpoint: str | None = None, **changes: object) -> str:
    """This page (or `endpoint`) with the same query string, some arguments changed (None drops one), page 1."""
    args = request.args.to_dict()
    args.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = value
    view_args = (request.view_args or {}) if endpoint is None else {}
    return url_for(endpoint or request.endpoint, **{**view_args, **args})


@bp.record_once
def _template_globals(state) -> None:
    """Globals, not context: the macros in organisations/_macros.html see them too."""
    state.app.jinja_env.globals.update(
        filter_url=filter_url,
        org_labels={
            "community_kind": COMMUNITY_KIND_LABELS,
            "team_kind": TEAM_KIND_LABELS,
            "member_role": MEMBER_ROLE_LABELS,
            "group_status": GROUP_STATUS_LABELS,
            "group_part": GROUP_PART_LABELS,
            "political_status": POLITICAL_STATUS_LABELS,
            "availability": AVAILABILITY_LABELS,
            "deputy_level": DEPUTY_LEVEL_LABELS,
            "sex": SEX_LABELS,
        },
    )


# ---------------------------------------------------------------------------------------------- helpers


def _page() -> int | None:
    return request.args.get("page", type=int)


def _q() -> str:
    return request.args.get("q", "")[:100]


def _arg_id(name: str) -> int | None:
    value = request.args.get(name, type=int)
    return value if value and 0 < value <= services.MAX_ID else None


def _arg_choice(name: str, allowed) -> str | None:
    value = request.args.get(name)
    return value if value in set(allowed) else None


def _show(form: FlaskForm, error: Invalid) -> None:
    """Service errors beside their fields; `guardian.name` is the form's `guardian_name`."""
    show_errors(form, Invalid({key.replace(".", "_"): messages for key, messages in error.errors.items()}))


def _form_page(form: FlaskForm, title: str, back: str, template: str = "organisations/form.html", **context):
    return render_template(template, form=form, title=title, back=back, **context), 422 if form.errors else 200


def _town_choices(optional: bool = False) -> list[tuple[object, str]]:
    choices = [(t.id, t.name) for t in services.all_towns(current_user)]
    return [("", _("— none —")), *choices] if optional else [("", _("— choose —")), *choices]


def _community_choices(optional: bool = False) -> list[tuple[object, str]]:
    blank = _("— none —") if optional else _("— choose —")
    return [("", blank), *services.community_choices(current_user)]


# ---------------------------------------------------------------------------------------------- overview


@bp.route("/organisations")
@access.signed_in
def index():
    counts = services.registry_counts(current_user)
    return render_template(
        "organisations/index.html", counts=counts, can_manage=can(current_user, "organisation.manage")
    )


# ---------------------------------------------------------------------------------------------- towns


@bp.route("/towns")
@access.signed_in
def towns():
    page = services.list_towns(current_user, q=_q(), page=_page())
    return render_template("organisations/towns.html", page=page, q=_q())


@bp.route("/towns/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_town():
    form = forms.TownForm()
    if form.validate_on_submit():
        try:
            town = services.create_town(current_user, name=form.name.data, district=form.district.data or "")
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s registered.", name=town.name), "success")
            return redirect(url_for(".towns"))
    return _form_page(form, _("New town"), url_for(".towns"))


@bp.route("/towns/<int:town_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF)
def edit_town(town_id: int):
    town = services.get_town(current_user, town_id)
    form = forms.TownForm(obj=town)
    if form.validate_on_submit():
        try:
            services.update_town(current_user, town.id, name=form.name.data, district=form.district.data or "")
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".towns"))
    return _form_page(form, _("Edit %(name)s", name=town.name), url_for(".towns"))


# ---------------------------------------------------------------------------------------------- communities


@bp.route("/communities")
@access.signed_in
def communities():
    town_id, kind = _arg_id("town_id"), _arg_choice("kind", CommunityKind)
    page = services.list_communities(current_user, town_id=town_id, kind=kind, q=_q(), page=_page())
    return render_template(
        "organisations/communities.html",
        page=page,
        q=_q(),
        town_id=town_id,
        kind=kind,
        towns=services.all_towns(current_user),
        can_manage=can(current_user, "organisation.manage"),
    )


@bp.route("/communities/<int:community_id>")
@access.signed_in
def community(community_id: int):
    item = services.get_community(current_user, community_id)
    return render_template(
        "organisations/community.html",
        community=item,
        pairings=services.community_pairings(current_user, item),
        can_manage=can(current_user, "organisation.manage"),
    )


@bp.route("/communities/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_community():
    form = forms.CommunityForm(town_id=_arg_id("town_id"))
    form.town_id.choices = _town_choices()
    if form.validate_on_submit():
        try:
            item = services.create_community(
                current_user, town_id=form.town_id.data, name=form.name.data, kind=form.kind.data
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s registered.", name=item.name), "success")
            return redirect(url_for(".community", community_id=item.id))
    return _form_page(form, _("New community"), url_for(".communities"))


@bp.route("/communities/<int:community_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF)
def edit_community(community_id: int):
    item = services.get_community(current_user, community_id)
    form = forms.CommunityForm(obj=item)
    form.town_id.choices = _town_choices()
    if form.validate_on_submit():
        try:
            services.update_community(
                current_user, item.id, town_id=form.town_id.data, name=form.name.data, kind=form.kind.data
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".community", community_id=item.id))
    return _form_page(form, _("Edit %(name)s", name=item.name), url_for(".community", community_id=item.id))


# ---------------------------------------------------------------------------------------------- teams


@bp.route("/teams")
@access.signed_in
def teams():
    kind, community_id = _arg_choice("kind", TeamKind), _arg_id("community_id")
    page = services.list_teams(current_user, kind=kind, community_id=community_id, q=_q(), page=_page())
    return render_template(
        "organisations/teams.html",
        page=page,
        q=_q(),
        kind=kind,
        community_id=community_id,
        can_create=can(current_user, "team.create"),
    )


@bp.route("/teams/mine")
@access.roles(Role.TEAM_LEADER)
def my_team():
    led = services.led_team_ids(current_user)
    if not led:
        flash(_("Your team leader role is not tied to a team yet. Ask the Youth League staff."), "warning")
        return redirect(url_for(".teams"))
    return redirect(url_for(".team", team_id=led[0]))


@bp.route("/teams/<int:team_id>")
@access.signed_in
def team(team_id: int):
    item = services.get_team(current_user, team_id)
    return render_template(
        "organisations/team.html",
        team=item,
        can_edit=can(current_user, "team.update", item),
        can_see_members=can(current_user, "team.members.view", item),
        can_pair=can(current_user, "pairing.manage", item),
    )


@bp.route("/teams/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_team():
    form = forms.TeamForm()
    form.town_id.choices = _town_choices(optional=True)
    if form.validate_on_submit():
        try:
            item = services.create_team(
                current_user,
                name=form.name.data,
                kind=form.kind.data,
                town_id=form.town_id.data,
                description=form.description.data or "",
                founded_on=form.founded_on.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s registered.", name=item.name), "success")
            return redirect(url_for(".team", team_id=item.id))
    return _form_page(form, _("New team"), url_for(".teams"))


@bp.route("/teams/<int:team_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF, Role.TEAM_LEADER)
def edit_team(team_id: int):
    item = services.get_team(current_user, team_id)
    require(current_user, "team.update", item)  # before showing the form; the service checks again on saving
    form = forms.TeamForm(obj=item)
    form.town_id.choices = _town_choices(optional=True)
    if form.validate_on_submit():
        try:
            services.update_team(
                current_user,
                item.id,
                name=form.name.data,
                kind=form.kind.data,
                town_id=form.town_id.data,
                description=form.description.data or "",
                founded_on=form.founded_on.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".team", team_id=item.id))
    return _form_page(form, _("Edit %(name)s", name=item.name), url_for(".team", team_id=item.id))


def _member_form(team) -> forms.MemberForm:
    form = forms.MemberForm()
    if not can(current_user, "team.leaders.manage", team):
        del form.role
    return form


@bp.route("/teams/<int:team_id>/members", methods=["GET", "POST"])
@access.roles(*STAFF, Role.TEAM_LEADER)
def members(team_id: int):
    item = services.get_team(current_user, team_id)
    include_former = request.args.get("former") == "1"
    form = _member_form(item) if can(current_user, "team.members.manage", item) else None
    if form is not None and form.validate_on_submit():
        try:
            services.add_member(
                current_user,
                item.id,
                phone=form.phone.data,
                role=form.role.data if "role" in form else MemberRole.MEMBER,
                joined_on=form.joined_on.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Member added."), "success")
            return redirect(url_for(".members", team_id=item.id))
    page = services.list_members(current_user, item.id, include_former=include_former, q=_q(), page=_page())
    status = 422 if form is not None and form.errors else 200
    return render_template(
        "organisations/members.html",
        team=item,
        page=page,
        q=_q(),
        form=form,
        include_former=include_former,
        can_lead=can(current_user, "team.leaders.manage", item),
        today=services.today(),
    ), status


@bp.route("/teams/<int:team_id>/members/<int:membership_id>/leave", methods=["POST"])
@access.roles(*STAFF, Role.TEAM_LEADER)
def member_leaves(team_id: int, membership_id: int):
    services.update_member(current_user, team_id, membership_id, left_on=services.today())
    flash(_("The member's leave date is recorded."), "success")
    return redirect(url_for(".members", team_id=team_id))


@bp.route("/teams/<int:team_id>/members/<int:membership_id>/role", methods=["POST"])
@access.roles(*STAFF)
def member_role(team_id: int, membership_id: int):
    role = request.form.get("role", "")
    services.update_member(current_user, team_id, membership_id, role=role)
    flash(_("Saved."), "success")
    return redirect(url_for(".members", team_id=team_id))


# ---------------------------------------------------------------------------------------------- pairings


@bp.route("/pairings")
@access.signed_in
def pairings():
    community_id, kind = _arg_id("community_id"), _arg_choice("kind", TeamKind)
    team_id = _arg_id("team_id")
    page = services.list_pairings(
        current_user, community_id=community_id, team_id=team_id, kind=kind, q=_q(), page=_page()
    )
    return render_template(
        "organisations/pairings.html",
        page=page,
        q=_q(),
        kind=kind,
        community_id=community_id,
        team_id=team_id,
        can_create=can(current_user, "pairing.create"),
    )


@bp.route("/pairings/new", methods=["GET", "POST"])
@access.roles(*STAFF, Role.TEAM_LEADER)
def new_pairing():
    form = forms.PairingForm(team_id=_arg_id("team_id"), community_id=_arg_id("community_id"))
    teams = services.team_choices(current_user)
    if not can(current_user, "organisation.manage"):
        led = set(services.led_team_ids(current_user))
        teams = [choice for choice in teams if choice[0] in led]
    form.team_id.choices = [("", _("— choose —")), *teams]
    form.community_id.choices = _community_choices()
    if form.validate_on_submit():
        try:
            pairing = services.create_pairing(
                current_user,
                team_id=form.team_id.data,
                community_id=form.community_id.data,
                since=form.since.data,
                purpose=form.purpose.data or "",
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(
                _(
                    "%(team)s is now paired with %(community)s.",
                    team=pairing.team.name,
                    community=pairing.community.name,
                ),
                "success",
            )
            return redirect(url_for(".pairings"))
    return _form_page(form, _("New pairing"), url_for(".pairings"))


@bp.route("/pairings/<int:pairing_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF, Role.TEAM_LEADER)
def edit_pairing(pairing_id: int):
    pairing = services.get_pairing(current_user, pairing_id)
    require(current_user, "pairing.manage", pairing.team)
    form = forms.PairingEditForm(obj=pairing)
    if form.validate_on_submit():
        try:
            services.update_pairing(
                current_user,
                pairing.id,
                since=form.since.data,
                purpose=form.purpose.data or "",
                ended_on=form.ended_on.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".pairings"))
    title = _("%(team)s · %(community)s", team=pairing.team.name, community=pairing.community.name)
    return _form_page(form, title, url_for(".pairings"))


# ---------------------------------------------------------------------------------------------- youth groups


@bp.route("/youth-groups")
@access.signed_in
def youth_groups():
    status = _arg_choice("status", GroupStatus)
    page = services.list_youth_groups(
        current_user, status=status, community_id=_arg_id("community_id"), q=_q(), page=_page()
    )
    return render_template(
        "organisations/youth_groups.html",
        page=page,
        q=_q(),
        status=status,
        missing=services.missing_messages,
        can_manage=can(current_user, "organisation.manage"),
    )


def _group_member_form() -> forms.GroupMemberForm:
    form = forms.GroupMemberForm()
    form.volunteer_id.choices = [("", _("— not registered —")), *services.volunteer_choices(current_user)]
    return form


def _group_page(group, form=None, status: int = 200):
    can_manage = can(current_user, "organisation.manage")
    if form is None and can_manage:
        form = _group_member_form()
    return render_template(
        "organisations/youth_group.html",
        group=group,
        missing=services.missing_messages(group),
        form=form,
        can_manage=can_manage,
    ), status


@bp.route("/youth-groups/<int:group_id>")
@access.signed_in
def youth_group(group_id: int):
    return _group_page(services.get_youth_group(current_user, group_id))


@bp.route("/youth-groups/<int:group_id>/members", methods=["POST"])
@access.roles(*STAFF)
def add_group_member(group_id: int):
    group = services.get_youth_group(current_user, group_id)
    form = _group_member_form()
    if form.validate_on_submit():
        try:
            member = services.add_group_member(
                current_user,
                group.id,
                part=form.part.data,
                name=form.name.data,
                volunteer_id=form.volunteer_id.data,
                joined_on=form.joined_on.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s added.", name=member.name), "success")
            return redirect(url_for(".youth_group", group_id=group.id))
    return _group_page(group, form, 422)


@bp.route("/youth-groups/<int:group_id>/members/<int:member_id>/remove", methods=["POST"])
@access.roles(*STAFF)
def remove_group_member(group_id: int, member_id: int):
    services.remove_group_member(current_user, group_id, member_id)
    flash(_("Member removed."), "success")
    return redirect(url_for(".youth_group", group_id=group_id))


@bp.route("/youth-groups/<int:group_id>/activate", methods=["POST"])
@access.roles(*STAFF)
def activate_youth_group(group_id: int):
    try:
        group = services.activate_youth_group(current_user, group_id)
    except Invalid as error:
        group = services.get_youth_group(current_user, group_id)
        for messages in error.errors.values():
            for message in messages:
                flash(message, "danger")
        return _group_page(group, status=422)
    flash(_("%(name)s is active.", name=group.name), "success")
    return redirect(url_for(".youth_group", group_id=group.id))


@bp.route("/youth-groups/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_youth_group():
    form = forms.YouthGroupForm(community_id=_arg_id("community_id"))
    form.community_id.choices = _community_choices()
    if form.validate_on_submit():
        try:
            group = services.create_youth_group(
                current_user,
                community_id=form.community_id.data,
                name=form.name.data,
                youth_home=form.youth_home.data or "",
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s formed. Add its members next.", name=group.name), "success")
            return redirect(url_for(".youth_group", group_id=group.id))
    return _form_page(form, _("New youth governance group"), url_for(".youth_groups"))


@bp.route("/youth-groups/<int:group_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF)
def edit_youth_group(group_id: int):
    group = services.get_youth_group(current_user, group_id)
    form = forms.YouthGroupEditForm(obj=group)
    if form.validate_on_submit():
        try:
            services.update_youth_group(
                current_user, group.id, name=form.name.data, youth_home=form.youth_home.data or ""
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".youth_group", group_id=group.id))
    return _form_page(form, _("Edit %(name)s", name=group.name), url_for(".youth_group", group_id=group.id))


# ---------------------------------------------------------------------------------------------- social work


@bp.route("/service-stations")
@access.signed_in
def stations():
    page = services.list_stations(current_user, q=_q(), page=_page())
    return render_template(
        "organisations/stations.html", page=page, q=_q(), can_manage=can(current_user, "organisation.manage")
    )


def _coverage_choices(town_id: int | None) -> list[tuple[int, str]]:
    """A town's communities as checkboxes; one covered elsewhere says by what."""
    return [
        (c.id, c.name + (f" ({c.coverer_name})" if c.is_covered else ""))
        for c in services.town_communities(current_user, town_id)
    ]


@bp.route("/service-stations/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_station():
    form = forms.StationForm()
    form.town_id.choices = _town_choices()
    form.community_ids.choices = _coverage_choices(form.town_id.data)
    if form.validate_on_submit():
        try:
            station = services.create_station(
                current_user,
                town_id=form.town_id.data,
                name=form.name.data,
                address=form.address.data or "",
                opened_on=form.opened_on.data,
                community_ids=form.community_ids.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s registered. Register its service points next.", name=station.name), "success")
            return redirect(url_for(".stations"))
    return _form_page(
        form,
        _("New social-work station"),
        url_for(".stations"),
        note=_("Choose the town and save; then edit the station to choose communities it covers itself."),
    )


@bp.route("/service-stations/<int:station_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF)
def edit_station(station_id: int):
    station = services.get_station(current_user, station_id)
    form = forms.StationForm(obj=station, community_ids=[c.id for c in station.covered_communities])
    form.town_id.choices = [(station.town_id, station.town.name)]
    form.community_ids.choices = _coverage_choices(station.town_id)
    if form.validate_on_submit():
        try:
            services.update_station(
                current_user,
                station.id,
                name=form.name.data,
                address=form.address.data or "",
                opened_on=form.opened_on.data,
                community_ids=form.community_ids.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".stations"))
    return _form_page(form, _("Edit %(name)s", name=station.name), url_for(".stations"))


@bp.route("/service-points")
@access.signed_in
def points():
    station_id = _arg_id("station_id")
    page = services.list_points(current_user, station_id=station_id, q=_q(), page=_page())
    return render_template(
        "organisations/points.html",
        page=page,
        q=_q(),
        station_id=station_id,
        can_manage=can(current_user, "organisation.manage"),
    )


def _point_page(point, form=None, status: int = 200):
    can_assign = can(current_user, "service_point.assign_worker", point)
    if form is None and can_assign:
        form = forms.AssignWorkerForm()
    if form is not None:
        form.user_id.choices = [("", _("— choose —")), *services.social_worker_choices(current_user)]
    return render_template(
        "organisations/point.html",
        point=point,
        workers=services.point_workers(current_user, point),
        form=form,
        can_assign=can_assign,
        can_manage=can(current_user, "organisation.manage"),
    ), status


@bp.route("/service-points/<int:point_id>")
@access.signed_in
def point(point_id: int):
    return _point_page(services.get_point(current_user, point_id))


@bp.route("/service-points/<int:point_id>/workers", methods=["POST"])
@access.roles(*STAFF, Role.STATION_SUPERVISOR)
def assign_worker(point_id: int):
    item = services.get_point(current_user, point_id)
    form = forms.AssignWorkerForm()
    form.user_id.choices = [("", _("— choose —")), *services.social_worker_choices(current_user)]
    if form.validate_on_submit():
        try:
            user = services.assign_social_worker(current_user, item.id, user_id=form.user_id.data)
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s is assigned to %(point)s.", name=user.display_name, point=item.name), "success")
            return redirect(url_for(".point", point_id=item.id))
    return _point_page(item, form, 422)


@bp.route("/service-points/<int:point_id>/workers/<int:user_id>/remove", methods=["POST"])
@access.roles(*STAFF, Role.STATION_SUPERVISOR)
def unassign_worker(point_id: int, user_id: int):
    services.unassign_social_worker(current_user, point_id, user_id=user_id)
    flash(_("The social worker is no longer assigned here."), "success")
    return redirect(url_for(".point", point_id=point_id))


def _station_town(form: forms.PointForm) -> int | None:
    station = services.find_station(form.station_id.data)
    return station.town_id if station else None


@bp.route("/service-points/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_point():
    form = forms.PointForm(station_id=_arg_id("station_id"))
    form.station_id.choices = [("", _("— choose —")), *services.station_choices(current_user)]
    if request.method == "GET" and form.station_id.data is None and len(form.station_id.choices) == 2:
        form.station_id.data = form.station_id.choices[1][0]  # the usual case: one town, one station
    form.community_ids.choices = _coverage_choices(_station_town(form))
    if form.validate_on_submit():
        try:
            item = services.create_point(
                current_user,
                station_id=form.station_id.data,
                name=form.name.data,
                address=form.address.data or "",
                opened_on=form.opened_on.data,
                community_ids=form.community_ids.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s registered.", name=item.name), "success")
            return redirect(url_for(".point", point_id=item.id))
    return _form_page(form, _("New service point"), url_for(".points"))


@bp.route("/service-points/<int:point_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF)
def edit_point(point_id: int):
    item = services.get_point(current_user, point_id)
    form = forms.PointForm(obj=item, community_ids=[c.id for c in item.communities])
    form.station_id.choices = [(item.station_id, item.station.name)]
    form.community_ids.choices = _coverage_choices(item.station.town_id)
    if form.validate_on_submit():
        try:
            services.update_point(
                current_user,
                item.id,
                name=form.name.data,
                address=form.address.data or "",
                opened_on=form.opened_on.data,
                community_ids=form.community_ids.data,
            )
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".point", point_id=item.id))
    return _form_page(form, _("Edit %(name)s", name=item.name), url_for(".point", point_id=item.id))


@bp.route("/coverage")
@access.signed_in
def coverage():
    page = services.coverage(current_user, page=_page())
    return render_template("organisations/coverage.html", page=page)


# ---------------------------------------------------------------------------------------------- liaison stations


@bp.route("/liaison-stations")
@access.signed_in
def liaison_stations():
    page = services.list_liaison_stations(current_user, community_id=_arg_id("community_id"), q=_q(), page=_page())
    return render_template(
        "organisations/liaison_stations.html",
        page=page,
        q=_q(),
        rule=services.reception_rule,
        next_receptions=services.next_receptions,
        can_manage=can(current_user, "organisation.manage"),
    )


@bp.route("/liaison-stations/<int:station_id>")
@access.signed_in
def liaison_station(station_id: int):
    station = services.get_liaison_station(current_user, station_id)
    rule = services.reception_rule(station)
    return render_template(
        "organisations/liaison_station.html",
        station=station,
        rule=rule,
        receptions=services.next_receptions(station, count=8),
        can_manage=can(current_user, "organisation.manage"),
    )


def _deputy_specs(form: forms.LiaisonForm) -> list[services.DeputySpec]:
    return [
        services.DeputySpec(entry.form.name.data.strip(), entry.form.level.data, entry.form.title.data or "")
        for entry in form.deputies
        if (entry.form.name.data or "").strip()
    ]


def _liaison_form(station=None) -> forms.LiaisonForm:
    form = forms.LiaisonForm(obj=station)
    form.community_id.choices = _community_choices(optional=True)
    if request.method == "GET":
        while len(form.deputies) < (len(station.deputies) if station else 0) + 2:
            form.deputies.append_entry()
    return form


def _liaison_values(form: forms.LiaisonForm) -> dict:
    return {
        "name": form.name.data,
        "community_id": form.community_id.data,
        "address": form.address.data or "",
        "reception_weekday": form.reception_weekday.data,
        "reception_start": form.reception_start.data,
        "reception_end": form.reception_end.data,
        "except_public_holidays": form.except_public_holidays.data,
        "deputies": _deputy_specs(form),
    }


@bp.route("/liaison-stations/new", methods=["GET", "POST"])
@access.roles(*STAFF)
def new_liaison_station():
    form = _liaison_form()
    if form.validate_on_submit():
        try:
            station = services.create_liaison_station(current_user, **_liaison_values(form))
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("%(name)s registered.", name=station.name), "success")
            return redirect(url_for(".liaison_station", station_id=station.id))
    return _form_page(
        form, _("New liaison station"), url_for(".liaison_stations"), template="organisations/liaison_form.html"
    )


@bp.route("/liaison-stations/<int:station_id>/edit", methods=["GET", "POST"])
@access.roles(*STAFF)
def edit_liaison_station(station_id: int):
    station = services.get_liaison_station(current_user, station_id)
    form = _liaison_form(station)
    if form.validate_on_submit():
        try:
            services.update_liaison_station(current_user, station.id, **_liaison_values(form))
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".liaison_station", station_id=station.id))
    return _form_page(
        form,
        _("Edit %(name)s", name=station.name),
        url_for(".liaison_station", station_id=station.id),
        template="organisations/liaison_form.html",
    )


# ---------------------------------------------------------------------------------------------- volunteers


def _volunteer_filters() -> dict:
    return {
        "community_id": _arg_id("community_id"),
        "team_id": _arg_id("team_id"),
        "political_status": _arg_choice("political_status", PoliticalStatus),
        "q": _q(),
    }


@bp.route("/volunteers")
@access.roles(*STAFF, Role.TEAM_LEADER)
def volunteers():
    filters = _volunteer_filters()
    page = services.list_volunteers(current_user, page=_page(), **filters)
    return render_template(
        "organisations/volunteers.html",
        page=page,
        filters=filters,
        q=filters["q"],
        can_export=can(current_user, "volunteer.export"),
        sees_all=can(current_user, "volunteer.list_all"),
    )


@bp.route("/volunteers/export.csv")
@access.roles(*STAFF)
def export_volunteers():
    filters = _volunteer_filters()
    filters.pop("team_id")
    body = services.export_volunteers_csv(current_user, **filters)
    return Response(
        "\ufeff" + body,  # a byte-order mark, so spreadsheet programs read the Chinese as UTF-8
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=volunteers.csv"},
    )


def _volunteer_page(profile, revealed: dict | None = None, status: int = 200):
    return render_template(
        "organisations/volunteer.html",
        profile=profile,
        revealed=revealed or {},
        reveal_form=forms.RevealForm(formdata=None),
        can_reveal=can(current_user, "volunteer.reveal", profile),
        can_edit=can(current_user, "volunteer.update", profile),
        is_self=profile.user_id == current_user.id,
        age=age_on(profile.birth_date, services.today()),
    ), status


@bp.route("/volunteers/<int:profile_id>")
@access.signed_in
def volunteer(profile_id: int):
    return _volunteer_page(services.get_volunteer(current_user, profile_id))


@bp.route("/volunteers/<int:profile_id>/reveal", methods=["POST"])
@access.signed_in
def reveal_volunteer(profile_id: int):
    """Shows one number in full on this response only (never stored in the session); the reveal is audited."""
    form = forms.RevealForm()
    profile = services.get_volunteer(current_user, profile_id)
    if not form.validate_on_submit():
        return _volunteer_page(profile, status=422)
    revealed = services.reveal_volunteer(current_user, profile.id, fields=[form.field.data], reason=form.reason.data)
    return _volunteer_page(profile, revealed)


@bp.route("/volunteers/me")
@access.signed_in
def my_profile():
    profile = services.own_profile(current_user)
    if profile is None:
        return render_template("organisations/no_profile.html")
    return _volunteer_page(profile)


def _fill_choices(form: forms.VolunteerFieldsForm) -> None:
    form.community_id.choices = [("", _("— choose —")), *services.community_choices()]


def _guardian_from(form: forms.VolunteerFieldsForm) -> services.Guardian:
    return services.Guardian(
        form.guardian_name.data or "", form.guardian_phone.data or "", bool(form.guardian_consent.data)
    )


@bp.route("/volunteers/register", methods=["GET", "POST"])
@access.public
@limiter.limit(lambda: current_app.config.get("REGISTER_RATE_LIMIT", "10 per minute"), methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for(".my_profile"))
    form = forms.RegistrationForm()
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            profile = services.register_volunteer(
                None,
                username=form.username.data,
                password=form.password.data,
                name=form.name.data,
                phone=form.phone.data,
                id_number=form.id_number.data,
                political_status=form.political_status.data,
                community_id=form.community_id.data,
                skills=forms.split_skills(form.skills.data),
                availability=form.availability.data,
                guardian=_guardian_from(form),
            )
        except Invalid as error:
            _show(form, error)
        else:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(profile.user)
            session.permanent = True
            session["last_seen"] = utcnow().timestamp()
            flash(_("Welcome, %(name)s! You are registered as a volunteer.", name=profile.name), "success")
            return redirect(url_for(".my_profile"))
    return render_template("organisations/register.html", form=form), 422 if form.errors else 200


@bp.route("/volunteers/<int:profile_id>/edit", methods=["GET", "POST"])
@access.signed_in
def edit_volunteer(profile_id: int):
    profile = services.get_volunteer(current_user, profile_id)
    require(current_user, "volunteer.update", profile)
    form = forms.VolunteerEditForm(  # no obj=: the form must never hold the full phone numbers
        name=profile.name,
        political_status=profile.political_status,
        community_id=profile.community_id,
        availability=profile.availability,
        skills=", ".join(profile.skills or []),
        phone=profile.phone_masked,
        guardian_name=profile.guardian_name,
        guardian_phone=profile.guardian_phone_masked,
        guardian_consent=profile.guardian_consent_at is not None,
    )
    _fill_choices(form)
    if form.validate_on_submit():
        changes = {
            "name": form.name.data,
            "political_status": form.political_status.data,
            "community_id": form.community_id.data,
            "skills": forms.split_skills(form.skills.data),
            "availability": form.availability.data,
        }
        if form.phone.data != profile.phone_masked:  # the masked number shown means "unchanged"
            changes["phone"] = form.phone.data
        if profile.guardian_name or form.guardian_name.data:
            guardian = _guardian_from(form)
            if guardian.phone == profile.guardian_phone_masked:
                guardian = services.Guardian(guardian.name, profile.guardian_phone or "", guardian.consent)
            changes["guardian"] = guardian.__dict__
        try:
            services.update_volunteer(current_user, profile.id, **changes)
        except Invalid as error:
            _show(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for(".volunteer", profile_id=profile.id))
    return render_template("organisations/volunteer_form.html", form=form, profile=profile), (
        422 if form.errors else 200
    )


# ---------------------------------------------------------------------------------------------- navigation

navigation.add_menu_link(_l("Organisations"), "organisations.index", *EVERYONE_WORKING)
navigation.add_menu_link(_l("Volunteers"), "organisations.volunteers", *STAFF, Role.TEAM_LEADER)
navigation.add_menu_link(_l("Coverage"), "organisations.coverage", *STAFF, Role.SOCIAL_WORKER, Role.STATION_SUPERVISOR)
navigation.add_menu_link(_l("My volunteer profile"), "organisations.my_profile", Role.VOLUNTEER)
navigation.add_home_card(
    _l("Organisations registry"),
    _l(
        "Towns and communities, volunteer teams and their pairings, youth governance groups, social-work points "
        "and liaison stations."
    ),
    STAFF,
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
    [(_l("My volunteer profile"), "organisations.my_profile")],
)

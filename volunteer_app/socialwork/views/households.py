"""Household files: the list, opening a file, the file page (audited), editing, closing, revealing numbers,
the "who looked" tab and the printable file."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.core.args import id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import today
from volunteer_app.socialwork import forms, labels, scope, services
from volunteer_app.socialwork.policy import CASEWORK
from volunteer_app.socialwork.views import bp
from volunteer_app.socialwork.vocabulary import Flag, HouseholdStatus


def _community_choices() -> list[tuple[object, str]]:
    """Communities where this user may open files."""
    allowed = [(c.id, f"{c.town.name} · {c.name}") for c in services.communities_for_new_files(current_user)]
    return [("", _("— choose —")), *allowed]


def _worker_choices(household=None, point_id=None) -> list[tuple[object, str]]:
    workers = services.worker_choices(current_user, household, point_id)
    return [("", _("— none —")), *[(w.id, w.display_name) for w in workers]]


@bp.route("/households")
@access.roles(*CASEWORK)
def households():
    filters = {
        "q": search_arg(),
        "community_id": id_arg("community_id"),
        "status": request.args.get("status") if request.args.get("status") in set(HouseholdStatus) else None,
        "flag": request.args.get("flag") if request.args.get("flag") in set(Flag) else None,
        "worker_id": id_arg("worker_id"),
    }
    page = services.list_households(current_user, page=page_arg(), **filters)
    export_form = forms.ExportForm(formdata=None)
    return render_template(
        "socialwork/households.html", page=page, filters=filters, q=filters["q"], export_form=export_form,
        communities=services.ledger_communities(current_user),
    )  # fmt: skip


@bp.route("/households/new", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def new_household():
    form = forms.HouseholdForm()
    form.community_id.choices = _community_choices()
    points = sorted(scope.point_ids(current_user))
    form.worker_id.choices = _worker_choices(point_id=points[0] if len(points) == 1 else None)
    if request.method == "GET":
        form.relation.data = "head"
    household = submitted(form, lambda: services.create_household(
        current_user,
        members=[{**form.member_data(), "relation": "head"}],
        **{name: form[name].data or None for name in form.HOUSEHOLD_FIELDS if name != "address"},
        address=form.address.data,
    ))  # fmt: skip
    if household is not None:
        flash(_("File opened."), "success")
        return redirect(url_for(".household", household_id=household.id))
    return form_page("socialwork/household_form.html", form, title=_("Open a household file"))


def _file_page(household_id: int, revealed: dict | None = None, tab: str | None = None, status: int = 200):
    """The file, audited, with only the open tab's list loaded: the other tabs are links. The lists take the file
    already read, so the household is found through the scope once."""
    opened = services.read_household(current_user, household_id)
    household = opened.household
    on = today()
    benefits = services.household_benefits(household)
    tab = tab or request.args.get("tab", "members")
    who_looked = can(current_user, "household.who_looked", household)
    referrals = services.list_referrals(current_user, opened) if tab == "referrals" else []
    context = {
        "household": household,
        "full": opened.full,
        "revealed": revealed or {},
        "tab": tab,
        "prompts": services.prompts(household, on=on, benefits=benefits),
        "benefits": benefits,
        "visits": services.list_visits(current_user, opened, page=page_arg(), audited=False)
        if tab == "visits"
        else None,
        "follow_ups": services.list_follow_ups(current_user, opened) if tab == "follow-ups" else [],
        "consents": services.list_consents(current_user, opened) if tab == "consent" else [],
        "referrals": referrals,
        # A draft is its organisers' until published: the worker gets a link only once they may open it.
        "openable_events": {
            r.event_id for r in referrals if r.event is not None and can(current_user, "event.view", r.event)
        },
        "history": services.household_history(current_user, household) if tab == "history" else [],
        "can_see_who_looked": who_looked,
        "looks": services.who_looked(current_user, opened, page=page_arg()) if tab == "looked" and who_looked else None,
        "today": on,
        # Forms too are built for the open tab only: a form costs more to build than most of the page's queries.
        "follow_up_form": _follow_up_form(household) if tab == "follow-ups" else None,
        "head_form": _head_form(household) if tab == "members" else None,
        "referral_status_form": forms.ReferralStatusForm(formdata=None) if tab == "referrals" else None,
        "writable": household.status == HouseholdStatus.ACTIVE,
    }
    return render_template("socialwork/household.html", **context), status


def _follow_up_form(household, formdata=None):
    form = forms.FollowUpForm(formdata=formdata, prefix="fu")
    form.owner_id.choices = _worker_choices(household)
    if formdata is None:
        form.owner_id.data = household.worker_id
    return form


def _head_form(household, formdata=None):
    form = forms.HeadForm(formdata=formdata, prefix="head")
    form.member_id.choices = [(m.id, f"{m.name} ({labels.RELATION.get(m.relation, '')})")
                              for m in household.current_members if m.relation != "head"]  # fmt: skip
    return form


@bp.route("/households/<int:household_id>")
@access.roles(*CASEWORK)
def household(household_id: int):
    return _file_page(household_id)


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def edit_household(household_id: int):
    item = services.get_household(current_user, household_id)
    form = forms.HouseholdEditForm(obj=item if request.method == "GET" else None)
    form.worker_id.choices = _worker_choices(item)
    if submitted(form, lambda: services.update_household(current_user, item.id, **_household_changes(form, item))):
        flash(_("Saved."), "success")
        return redirect(url_for(".household", household_id=item.id))
    return form_page("socialwork/form.html", form, title=_("Edit file no. %(id)d", id=item.id),
                     back=url_for(".household", household_id=item.id),
                     can_assign=scope.is_supervisor_of(current_user, item))  # fmt: skip


def _household_changes(form: forms.HouseholdEditForm, item) -> dict:
    changes = {name: form[name].data for name in ("address", "household_type", "notes")}
    changes.update({name: form[name].data or None for name in ("income_band", "housing")})
    if scope.is_supervisor_of(current_user, item):
        changes["worker_id"] = form.worker_id.data
    return changes


@bp.route("/households/<int:household_id>/close", methods=["POST"])
@access.roles(*CASEWORK)
def close_household(household_id: int):
    form = forms.RequiredReasonForm(prefix="close")
    services.close_household(current_user, household_id, reason=form.reason.data or "")
    flash(_("File closed."), "success")
    return redirect(url_for(".household", household_id=household_id))


@bp.route("/households/<int:household_id>/reopen", methods=["POST"])
@access.roles(*CASEWORK)
def reopen_household(household_id: int):
    services.reopen_household(current_user, household_id)
    flash(_("File reopened."), "success")
    return redirect(url_for(".household", household_id=household_id))


@bp.route("/households/<int:household_id>/members/<int:member_id>/reveal", methods=["POST"])
@access.roles(*CASEWORK)
def reveal(household_id: int, member_id: int):
    """Shows one member's numbers in full on this response only; the reveal is audited."""
    form = forms.ReasonForm()
    revealed = services.reveal(current_user, household_id, member_id, reason=form.reason.data or "")
    return _file_page(household_id, revealed={member_id: revealed})


@bp.route("/households/<int:household_id>/print")
@access.roles(*CASEWORK)
def print_household(household_id: int):
    """The printable file (numbers masked on paper)."""
    opened = services.read_household(current_user, household_id, purpose="print")
    household = opened.household
    return render_template(
        "socialwork/print_household.html",
        household=household,
        benefits=services.household_benefits(household),
        visits=services.list_visits(current_user, opened, per_page=100, audited=False).items,
        follow_ups=services.list_follow_ups(current_user, opened, open_only=True),
        consents=services.list_consents(current_user, opened),
        today=today(),
    )

"""Raising a need and following it: the public form (anyone, phone first), the number it gives, the public status
page with the rating, staff intake on someone's behalf, a need raised from a household visit, and the photo
(signed in only: it may show people, so it is never on a public page)."""

from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import TOWN_STAFF, Role
from volunteer_app.core import navigation
from volunteer_app.core.forms import form_page, submitted
from volunteer_app.core.policy import can
from volunteer_app.needs import limits, scope, services
from volunteer_app.needs.forms.public import IntakeForm, NeedFields, RaiseForm, RatingForm, VisitNeedForm
from volunteer_app.needs.services import tracking
from volunteer_app.needs.views.common import bp
from volunteer_app.needs.vocabulary import ASSIGNEE_LABELS, CATEGORY_LABELS, SOURCE_LABELS, STATUS_LABELS, Source
from volunteer_app.organisations import services as org
from volunteer_app.socialwork.policy import CASEWORK

OPTIONAL_FIELDS = ("community_id", "contact_name", "contact_phone", "may_contact")
RAISED = "needs_raised"  # the session key of the need just raised (its number; on someone's behalf?), for its page


def _private(page: str | Response | tuple) -> Response:
    """Never kept by a cache, though public: the page carries this session's form token or someone's need."""
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


def _need_input(form: NeedFields) -> services.NeedInput:
    """What the form says; a household visit's form has no community (the household's) and no contact."""
    given = {name: form[name].data for name in OPTIONAL_FIELDS if name in form}
    return services.NeedInput(
        category=form.category.data or "",
        description=form.description.data or "",
        place=form.place.data or "",
        community_id=given.get("community_id"),
        contact_name=given.get("contact_name"),
        contact_phone=given.get("contact_phone"),
        may_contact=bool(given.get("may_contact")),
    )


def _photo(form: RaiseForm) -> bytes | None:
    """The photo's bytes; None when the file input was left empty (it still sends a part without a name)."""
    upload = form.photo.data
    return upload.read() if upload is not None and getattr(upload, "filename", "") else None


def _show_number(need, *, on_behalf: bool = False) -> Response:
    session[RAISED] = {"number": need.tracking_number, "on_behalf": on_behalf}
    return redirect(url_for(".raised"))


@bp.errorhandler(RateLimitExceeded)
def _too_often(error: RateLimitExceeded):
    """A public form of needs sent too often from one address or phone (limits.py): say so, and what to do."""
    message = _("This form was sent too often from your network or with your phone number. Please try again later.")
    return _private((render_template("errors/error.html", status=429, message=message), 429))


# ---------------------------------------------------------------------------------------------- raising


@bp.route("/needs/raise", methods=["GET", "POST"])
@access.public
@limits.public_form("need-raise", "contact_phone")
def raise_public():
    form = RaiseForm()
    form.fill_communities(org.community_choices())
    actor = access.current_actor()
    need = submitted(form, lambda: services.raise_public(_need_input(form), _photo(form), actor=actor))
    if need is not None:
        return _show_number(need)
    return _private(form_page("needs/raise.html", form))


@bp.route("/needs/raised")
@access.public
def raised():
    shown = session.get(RAISED)
    if not isinstance(shown, dict) or not shown.get("number"):
        return redirect(url_for(".raise_public"))
    return _private(render_template("needs/raised.html", number=shown["number"], on_behalf=shown.get("on_behalf")))


@bp.route("/needs/new", methods=["GET", "POST"])
@access.signed_in
def raise_for():
    sources = [source for source in services.ON_BEHALF if can(current_user, "need.raise_for", source)]
    if not sources:  # someone who raises for nobody else raises for themself
        flash(_("Raise your need here; entering needs for others is for town staff and youth governance groups."))
        return redirect(url_for(".raise_public"))
    form = IntakeForm()
    form.fill_communities(services.intake_communities(current_user))
    form.source.choices = [(source.value, SOURCE_LABELS[source]) for source in sources]
    groups = services.youth_groups_for(current_user)
    form.source_group_id.choices = [("", _l("Choose…")), *((g.id, g.name) for g in groups)]
    if request.method == "GET" and len(groups) == 1 and not can(current_user, "need.raise_for", Source.PHONE):
        form.source.data, form.source_group_id.data = Source.YOUTH_GROUP.value, groups[0].id

    def save():
        return services.raise_for(
            current_user, _need_input(form), form.source.data, form.source_group_id.data, photo=_photo(form)
        )

    need = submitted(form, save)
    if need is not None:
        return _show_number(need, on_behalf=True)
    return form_page("needs/intake.html", form)


@bp.route("/needs/from-visit/<int:visit_id>", methods=["GET", "POST"])
@access.roles(*CASEWORK)
def raise_from_visit(visit_id: int):
    visit = services.visit_in_scope(current_user, visit_id)
    form = VisitNeedForm()

    def save():
        return services.raise_from_visit(
            current_user, visit.id, _need_input(form), share_household=bool(form.share_household.data)
        )

    need = submitted(form, save)
    if need is not None:
        flash(_("The need is raised: %(number)s.", number=need.tracking_number), "success")
        return redirect(url_for("socialwork.visit", household_id=visit.household_id, visit_id=visit.id))
    return form_page(
        "needs/intake_visit.html",
        form,
        visit=visit,
        community=visit.household.community,
        may_share=services.household_consents_to_sharing(visit.household_id),
    )


# ---------------------------------------------------------------------------------------------- following


@bp.route("/needs/track")
@access.public
def track_lookup():
    typed = request.args.get("number")
    if typed is not None:
        number = services.normalise_tracking_number(typed)
        if number:
            return redirect(url_for(".track", tracking_number=number))
    return render_template("needs/track_lookup.html", typed=typed)


def _track_page(number: str, form: RatingForm) -> Response:
    status = services.public_status(number)
    page = render_template(
        "needs/track.html",
        status=status,
        form=form,
        labels={"category": CATEGORY_LABELS, "status": STATUS_LABELS, "assignee": ASSIGNEE_LABELS},
        TOWN_STAFF=tracking.TOWN_STAFF,
        COMMUNITY_STAFF=tracking.COMMUNITY_STAFF,
    )
    return _private((page, 422 if form.errors else 200))


@bp.route("/needs/track/<tracking_number>")
@access.public
def track(tracking_number: str):
    number = services.normalise_tracking_number(tracking_number)
    if number and number != tracking_number:
        return redirect(url_for(".track", tracking_number=number))
    return _track_page(tracking_number, RatingForm())


@bp.route("/needs/track/<tracking_number>/rate", methods=["POST"])
@access.public
def rate_tracked(tracking_number: str):
    form = RatingForm()
    rating = submitted(
        form,
        lambda: services.rate_by_tracking_number(
            tracking_number, stars=form.stars.data, comment=form.comment.data or ""
        ),
    )
    if rating is None:
        return _track_page(tracking_number, form)
    flash(_("Thank you for your rating."), "success")
    return redirect(url_for(".track", tracking_number=services.normalise_tracking_number(tracking_number)))


@bp.route("/needs/<int:need_id>/photo")
@access.signed_in
def photo(need_id: int):
    path, content_type = services.open_photo(current_user, need_id)
    response = send_file(path, mimetype=content_type, max_age=0)
    response.headers["Cache-Control"] = "no-store, private"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


navigation.add_menu_link(_l("Raise a need"), "needs.raise_public", navigation.VISITOR, Role.VOLUNTEER)
navigation.add_menu_link(_l("Track my need"), "needs.track_lookup", navigation.VISITOR, Role.VOLUNTEER)
navigation.add_home_card(
    _l("Needs raised by phone"),
    _l("Enter a need someone raised by phone, and give them its tracking number."),
    TOWN_STAFF,
    [(_l("Enter a need"), "needs.raise_for"), (_l("Track a need"), "needs.track_lookup")],
)
navigation.add_home_card(
    _l("Needs your group collected"),
    _l("Enter what your youth governance group heard from residents: each need gets a tracking number to follow."),
    tuple(Role),
    [(_l("Enter a need"), "needs.raise_for")],
    shown=lambda user: not scope.any_staff(user) and bool(scope.youth_groups(user)),
)

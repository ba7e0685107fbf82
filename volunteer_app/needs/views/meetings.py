"""Pages of the deliberation meetings 议事会: public (the list, a meeting's page with its answered questions and the
progress of its commitments, the question form) and town staff's (announce and edit a meeting, moderate and answer
questions, make commitments that become needs, record the viewers and minutes)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from volunteer_app.accounts import access
from volunteer_app.accounts.models import Role
from volunteer_app.core import navigation
from volunteer_app.core.args import choice_arg, id_arg, page_arg, search_arg
from volunteer_app.core.forms import form_page, optional_int, submitted
from volunteer_app.core.policy import can
from volunteer_app.core.time import as_utc, to_local
from volunteer_app.extensions import db
from volunteer_app.needs import limits, services
from volunteer_app.needs.forms.meetings import AnswerForm, CommitmentForm, MeetingForm, QuestionForm, RecordForm
from volunteer_app.needs.views.common import bp
from volunteer_app.needs.vocabulary import (
    ASSIGNEE_LABELS,
    CATEGORY_LABELS,
    QUESTION_STATUS_LABELS,
    STATUS_LABELS,
    Assignee,
    QuestionStatus,
)
from volunteer_app.organisations import services as org
from volunteer_app.organisations.models import Deputy

# Everyone, visitors too: the meetings and their commitments are the town's public account.
navigation.add_menu_link(_l("Meetings"), "needs.meetings", navigation.VISITOR, *Role)


def _local(value):
    """A form's naive local time as aware UTC (the services' convention)."""
    return as_utc(value) if value else None


def _community_choices() -> list[tuple[object, str]]:
    return [("", _("— none —")), *org.community_choices()]


def _owner_choices() -> list[tuple[str, str]]:
    """Every assignee as "kind:id" (a department is named in its own field)."""
    options = services.all_assignees(current_user).all
    return [
        ("", _("— choose —")),
        *((f"{o.kind}:{o.id}", f"{ASSIGNEE_LABELS[Assignee(o.kind)]} · {o.name}") for o in options),
        (Assignee.DEPARTMENT.value, str(ASSIGNEE_LABELS[Assignee.DEPARTMENT])),
    ]


def _assignment(form: CommitmentForm) -> services.Assignment:
    kind, _sep, target = (form.owner.data or "").partition(":")
    return services.Assignment(kind, optional_int(target), form.department.data or "", form.deadline.data)


# ---------------------------------------------------------------------------------------------- public


@bp.route("/meetings")
@access.public
def meetings():
    when = choice_arg("when", ("upcoming", "past"))
    page = services.list_meetings(upcoming=when != "past", q=search_arg(), page=page_arg())
    if when is None and not page.total:  # nothing ahead: the past ones and their commitments
        page = services.list_meetings(upcoming=False, q=search_arg(), page=page_arg())
        when = "past"
    when = when or "upcoming"
    return render_template(
        "needs/meetings.html", page=page, q=search_arg(), when=when, can_manage=can(current_user, "meeting.manage")
    )


@bp.route("/meetings/<int:meeting_id>")
@access.public
def meeting(meeting_id: int):
    shown = services.public_meeting(current_user, meeting_id)
    return render_template(
        "needs/meeting.html",
        shown=shown,
        status_labels=STATUS_LABELS,
        category_labels=CATEGORY_LABELS,
        can_manage=can(current_user, "meeting.manage"),
    )


@bp.route("/meetings/<int:meeting_id>/ask", methods=["GET", "POST"])
@access.public
@limits.public_form("meeting-question", "asker_phone")
def ask(meeting_id: int):
    meeting = services.get_meeting(current_user, meeting_id)
    if not services.questions_open(meeting):
        return render_template("needs/meeting_ask.html", meeting=meeting, form=None, sent=False)
    form = QuestionForm()
    sent = submitted(
        form,
        lambda: services.submit_question(
            current_user, meeting.id, form.text.data, form.asker_name.data, form.asker_phone.data
        ),
    )
    if sent is not None:
        return render_template("needs/meeting_ask.html", meeting=meeting, form=None, sent=True)
    # Never kept by a cache, though public: the form carries this session's token.
    response = make_response(form_page("needs/meeting_ask.html", form, meeting=meeting, sent=False))
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------- staff


def _meeting_form(meeting=None) -> MeetingForm:
    form = MeetingForm(obj=meeting)
    form.community_id.choices = _community_choices()
    deputies = db.session.scalars(sa.select(Deputy).order_by(Deputy.name))
    form.deputy_ids.choices = [(d.id, d.name) for d in deputies]
    if meeting is not None and not form.is_submitted():
        form.starts_at.data = to_local(meeting.starts_at).replace(tzinfo=None)
        closes = meeting.questions_close_at
        form.questions_close_at.data = to_local(closes).replace(tzinfo=None) if closes else None
        form.deputy_ids.data = [d.id for d in meeting.deputies]
    return form


def _meeting_values(form: MeetingForm) -> dict:
    return {
        "title": form.title.data,
        "starts_at": _local(form.starts_at.data),
        "place": form.place.data or "",
        "community_id": form.community_id.data,
        "deputy_ids": form.deputy_ids.data or [],
        "officials": form.officials.data or "",
        "livestream_url": form.livestream_url.data or "",
        "questions_close_at": _local(form.questions_close_at.data),
        "viewer_count": form.viewer_count.data or 0,
        "minutes": form.minutes.data or "",
    }


@bp.route("/meetings/new", methods=["GET", "POST"])
@access.town_staff
def new_meeting():
    form = _meeting_form()
    meeting = submitted(form, lambda: services.create_meeting(current_user, **_meeting_values(form)))
    if meeting is not None:
        flash(_("Meeting announced."), "success")
        return redirect(url_for(".manage_meeting", meeting_id=meeting.id))
    return form_page("form.html", form, title=_("New deliberation meeting"), back=url_for(".meetings"))


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@access.town_staff
def edit_meeting(meeting_id: int):
    meeting = services.get_meeting(current_user, meeting_id)
    form = _meeting_form(meeting)
    if submitted(form, lambda: services.update_meeting(current_user, meeting.id, **_meeting_values(form))):
        flash(_("Saved."), "success")
        return redirect(url_for(".manage_meeting", meeting_id=meeting.id))
    return form_page(
        "form.html",
        form,
        title=_("Edit %(name)s", name=meeting.title),
        back=url_for(".manage_meeting", meeting_id=meeting.id),
    )


@bp.route("/meetings/<int:meeting_id>/manage", methods=["GET", "POST"])
@access.town_staff
def manage_meeting(meeting_id: int):
    meeting = services.get_meeting(current_user, meeting_id)
    record = RecordForm(obj=meeting)
    if submitted(
        record,
        lambda: services.update_meeting(
            current_user, meeting.id, viewer_count=record.viewer_count.data or 0, minutes=record.minutes.data or ""
        ),
    ):
        flash(_("Saved."), "success")
        return redirect(url_for(".manage_meeting", meeting_id=meeting.id))
    status = choice_arg("status", QuestionStatus)
    questions = services.list_questions(current_user, meeting.id, status=status, q=search_arg(), page=page_arg())
    return form_page(
        "needs/meeting_manage.html",
        record,
        meeting=meeting,
        questions=questions,
        status=status,
        q=search_arg(),
        answer_form=AnswerForm(formdata=None),
        question_labels=QUESTION_STATUS_LABELS,
        commitments=services.public_meeting(current_user, meeting.id).commitments,
        status_labels=STATUS_LABELS,
    )


@bp.route("/meetings/<int:meeting_id>/questions/<int:question_id>/moderate", methods=["POST"])
@access.town_staff
def moderate_question(meeting_id: int, question_id: int):
    publish = request.form.get("publish") == "1"
    services.moderate(current_user, question_id, publish, meeting_id=meeting_id)
    flash(_("Published.") if publish else _("Kept from the public."), "success")
    return redirect(url_for(".manage_meeting", meeting_id=meeting_id, status=request.args.get("status")))


@bp.route("/meetings/<int:meeting_id>/questions/<int:question_id>/answer", methods=["POST"])
@access.town_staff
def answer_question(meeting_id: int, question_id: int):
    services.answer(current_user, question_id, request.form.get("answer", ""), meeting_id=meeting_id)
    flash(_("Answer saved."), "success")
    return redirect(url_for(".manage_meeting", meeting_id=meeting_id, status=request.args.get("status")))


@bp.route("/meetings/<int:meeting_id>/commitments/new", methods=["GET", "POST"])
@access.town_staff
def new_commitment(meeting_id: int):
    meeting = services.get_meeting(current_user, meeting_id)
    question_id = id_arg("question_id")
    question = next((q for q in meeting.questions if q.id == question_id), None)
    form = CommitmentForm()
    form.community_id.choices = _community_choices()
    form.owner.choices = _owner_choices()
    if not form.is_submitted():
        form.community_id.data = meeting.community_id
    need = submitted(
        form,
        lambda: services.commit(
            current_user,
            meeting.id,
            description=form.description.data,
            category=form.category.data,
            assignment=_assignment(form),
            community_id=form.community_id.data,
            question_id=question.id if question else None,
            place=form.place.data or "",
        ),
    )
    if need is not None:
        flash(_("Commitment recorded: %(number)s.", number=need.tracking_number), "success")
        return redirect(url_for(".manage_meeting", meeting_id=meeting.id))
    return form_page(
        "form.html",
        form,
        title=_("A commitment of %(name)s", name=meeting.title),
        note=question.text if question else None,
        back=url_for(".manage_meeting", meeting_id=meeting.id),
    )

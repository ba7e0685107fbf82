"""议事会: deliberation meetings. Staff announce a meeting (time, place, deputies, officials, livestream); before it
the public sends questions, shown only once staff published them and never with the asker's name or phone; at the
meeting each is answered, and each commitment made becomes a need with an owner and a deadline, followed on the
meeting's public page (status, deadline, public progress replies) until all are closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from volunteer_app.core import audit
from volunteer_app.core.errors import Conflict, Errors, Invalid, NotFound, raise_if
from volunteer_app.core.identity import is_mainland_mobile, normalise_phone
from volunteer_app.core.ids import valid_id
from volunteer_app.core.lookup import find, search
from volunteer_app.core.pagination import Page, paginate
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.text import clean_text
from volunteer_app.core.time import utcnow
from volunteer_app.extensions import db
from volunteer_app.needs.models import Meeting, MeetingQuestion, Need, NeedUpdate
from volunteer_app.needs.services.common import followed
from volunteer_app.needs.services.dispatch import Assignment, assign_need
from volunteer_app.needs.services.raising import NAME_MAX, NeedInput, create_need
from volunteer_app.needs.vocabulary import QuestionStatus, Source, Status, UpdateKind
from volunteer_app.organisations.models import Community, Deputy

TITLE_MAX = 200
PLACE_MAX = 200
OFFICIALS_MAX = 500
URL_MAX = 500
MINUTES_MAX = 20_000
VIEWERS_MAX = 100_000_000
QUESTION_MIN = 5
QUESTION_MAX = 1000
ANSWER_MAX = 5000
# Questions the public sees; a pending or rejected one only staff.
SHOWN = (QuestionStatus.PUBLISHED, QuestionStatus.ANSWERED)
MEETING_FIELDS = (
    "title",
    "community_id",
    "starts_at",
    "place",
    "deputy_ids",
    "officials",
    "livestream_url",
    "viewer_count",
    "questions_close_at",
    "minutes",
)


# ---------------------------------------------------------------------------------------------- meetings


def create_meeting(actor: Actor, **fields: Any) -> Meeting:
    """A meeting from `MEETING_FIELDS`; title and start are required, questions close at the start unless told."""
    require(actor, "meeting.manage")
    meeting = Meeting(created_by_id=getattr(actor, "id", None))
    _apply(meeting, {name: fields.get(name) for name in MEETING_FIELDS if name in fields}, new=True)
    db.session.add(meeting)
    db.session.commit()
    return meeting


def update_meeting(actor: Actor, meeting_id: object, **fields: Any) -> Meeting:
    """Changes the fields given (any of `MEETING_FIELDS`)."""
    require(actor, "meeting.manage")
    meeting = get_meeting(actor, meeting_id)
    _apply(meeting, {name: value for name, value in fields.items() if name in MEETING_FIELDS}, new=False)
    db.session.commit()
    return meeting


def _apply(meeting: Meeting, data: dict[str, Any], *, new: bool) -> None:
    errors: Errors = {}
    values: dict[str, Any] = {}
    if new or "title" in data:
        values["title"] = _text(errors, "title", data.get("title"), TITLE_MAX, required=_("Give the meeting a title."))
    if "community_id" in data:
        community_id = data["community_id"]
        if community_id not in (None, "") and find(Community, community_id) is None:
            errors["community_id"] = [_("Choose a community from the list.")]
        values["community_id"] = int(community_id) if community_id not in (None, "") else None
    if new or "starts_at" in data:
        if not isinstance(data.get("starts_at"), datetime):
            errors["starts_at"] = [_("Give the date and time the meeting starts.")]
        values["starts_at"] = data.get("starts_at")
    for name, limit in (("place", PLACE_MAX), ("officials", OFFICIALS_MAX), ("minutes", MINUTES_MAX)):
        if name in data:
            values[name] = _text(errors, name, data[name], limit)
    if "livestream_url" in data:
        values["livestream_url"] = _livestream(errors, data["livestream_url"])
    if "viewer_count" in data:
        count = data["viewer_count"]
        if count is None or isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= VIEWERS_MAX:
            errors["viewer_count"] = [_("Give the number of viewers (0 or more).")]
        values["viewer_count"] = count
    if "questions_close_at" in data:
        closes = data["questions_close_at"]
        if closes is not None and not isinstance(closes, datetime):
            errors["questions_close_at"] = [_("Give the date and time questions close.")]
        values["questions_close_at"] = closes
    if "deputy_ids" in data:
        values["deputies"] = _deputies(errors, data["deputy_ids"] or [])
    raise_if(errors)
    for name, value in values.items():
        setattr(meeting, name, value)
    if meeting.questions_close_at is None:
        meeting.questions_close_at = meeting.starts_at


def _text(errors: Errors, name: str, value: object, limit: int, *, required: str | None = None) -> str:
    text = clean_text(value)
    if required and not text:
        errors[name] = [required]
    elif len(text) > limit:
        errors[name] = [_("Keep it under %(n)d characters.", n=limit)]
    return text


def _livestream(errors: Errors, value: object) -> str:
    url = clean_text(value)
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in url):
        errors["livestream_url"] = [_("Give a web address starting with http:// or https://.")]
    elif len(url) > URL_MAX:
        errors["livestream_url"] = [_("Keep it under %(n)d characters.", n=URL_MAX)]
    return url


def _deputies(errors: Errors, deputy_ids: list[object]) -> list[Deputy]:
    wanted = {int(d) for d in deputy_ids if valid_id(d)}
    found = list(db.session.scalars(sa.select(Deputy).where(Deputy.id.in_(sorted(wanted))))) if wanted else []
    if len(found) != len(wanted) or len(wanted) != len(set(map(str, deputy_ids))):
        errors["deputy_ids"] = [_("Choose deputies from the list.")]
    return found


def get_meeting(actor: Actor | None, meeting_id: object) -> Meeting:
    """Any meeting: meetings are public."""
    meeting = find(
        Meeting,
        meeting_id,
        selectinload(Meeting.deputies),
        selectinload(Meeting.community),
    )
    if meeting is None:
        raise NotFound(_("No such meeting."))
    return meeting


def list_meetings(
    *, upcoming: bool | None = None, q: str | None = None, page: int | None = None, per_page: int | None = None
) -> Page:
    """Meetings, searched by title or place: upcoming ones soonest first, past ones latest first (None: all,
    latest first)."""
    query = search(sa.select(Meeting), q, Meeting.title, Meeting.place).options(selectinload(Meeting.deputies))
    now = utcnow()
    if upcoming:
        query = query.where(Meeting.starts_at >= now).order_by(Meeting.starts_at, Meeting.id)
    elif upcoming is False:
        query = query.where(Meeting.starts_at < now).order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    else:
        query = query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    return paginate(query, page, per_page)


def questions_open(meeting: Meeting, now: datetime | None = None) -> bool:
    return (now or utcnow()) < (meeting.questions_close_at or meeting.starts_at)


# ---------------------------------------------------------------------------------------------- questions


def submit_question(
    actor: Actor | None,
    meeting_id: object,
    text: str,
    asker_name: str | None = None,
    asker_phone: str | None = None,
    *,
    now: datetime | None = None,
) -> MeetingQuestion:
    """A question from the public, until questions close; nobody but staff sees it until it is published. The
    asker's name and phone are for staff to call back and never shown."""
    require(actor, "meeting.question.submit")
    meeting = get_meeting(actor, meeting_id)
    if not questions_open(meeting, now):
        raise Conflict(_("Questions for this meeting are closed."))
    errors: Errors = {}
    question = clean_text(text)
    if len(question) < QUESTION_MIN:
        errors["text"] = [_("Ask your question in a few words (at least %(n)d characters).", n=QUESTION_MIN)]
    elif len(question) > QUESTION_MAX:
        errors["text"] = [_("Keep it under %(n)d characters.", n=QUESTION_MAX)]
    name = _text(errors, "asker_name", asker_name, NAME_MAX) or None
    phone = normalise_phone(asker_phone) or None
    if phone is not None and not is_mainland_mobile(phone):
        errors["asker_phone"] = [_("Give an 11-digit mainland mobile number.")]
    raise_if(errors)
    row = MeetingQuestion(meeting_id=meeting.id, text=question, asker_name=name, asker_phone=phone)
    db.session.add(row)
    db.session.commit()
    return row


def list_questions(
    actor: Actor | None,
    meeting_id: object,
    *,
    status: str | None = None,
    q: str | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> Page:
    """The meeting's questions in the order they came: town staff see every one (filter by `status`), others the
    published and answered ones."""
    meeting = get_meeting(actor, meeting_id)
    query = sa.select(MeetingQuestion).where(MeetingQuestion.meeting_id == meeting.id)
    if not can(actor, "meeting.manage"):
        query = query.where(MeetingQuestion.status.in_(SHOWN))
    if status is not None:
        query = query.where(MeetingQuestion.status == status)
    query = search(query, q, MeetingQuestion.text, MeetingQuestion.answer)
    return paginate(query.order_by(MeetingQuestion.id), page, per_page)


def _question(actor: Actor, meeting_id: object, question_id: object) -> MeetingQuestion:
    require(actor, "meeting.manage")
    question = find(MeetingQuestion, question_id)
    if question is None or (meeting_id is not None and str(question.meeting_id) != str(meeting_id)):
        raise NotFound(_("No such question."))
    return question


def moderate(actor: Actor, question_id: object, publish: bool, *, meeting_id: object = None) -> MeetingQuestion:
    """Publishes a question or keeps it from the public; an answered question stays as it is."""
    question = _question(actor, meeting_id, question_id)
    if question.status == QuestionStatus.ANSWERED:
        raise Conflict(_("This question has been answered already."))
    question.status = (QuestionStatus.PUBLISHED if publish else QuestionStatus.REJECTED).value
    question.moderated_by_id = getattr(actor, "id", None)
    db.session.commit()
    return question


def answer(actor: Actor, question_id: object, answer: str, *, meeting_id: object = None) -> MeetingQuestion:
    """The answer given at the meeting; it publishes the question with it. A question kept from the public is
    not answered (publish it first)."""
    question = _question(actor, meeting_id, question_id)
    if question.status == QuestionStatus.REJECTED:
        raise Conflict(_("Publish the question before answering it."))
    text = clean_text(answer)
    if not text:
        raise Invalid({"answer": [_("Write the answer.")]})
    if len(text) > ANSWER_MAX:
        raise Invalid({"answer": [_("Keep it under %(n)d characters.", n=ANSWER_MAX)]})
    question.answer = text
    question.status = QuestionStatus.ANSWERED.value
    question.answered_at = utcnow()
    question.moderated_by_id = getattr(actor, "id", None)
    db.session.commit()
    return question


# ---------------------------------------------------------------------------------------------- commitments


def commit(
    actor: Actor,
    meeting_id: object,
    *,
    description: str,
    category: str,
    assignment: Assignment,
    community_id: object = None,
    question_id: object = None,
    place: str = "",
) -> Need:
    """A commitment made at the meeting, in one transaction: a need from the meeting (and the question it answers,
    whose asker becomes its contact) in the meeting's community unless another is chosen, assigned at once with a
    deadline (the category's unless one is given)."""
    require(actor, "meeting.manage")
    meeting = get_meeting(actor, meeting_id)
    errors: Errors = {}
    question = None
    if question_id not in (None, ""):
        question = find(MeetingQuestion, question_id)
        if question is None or question.meeting_id != meeting.id:
            errors["question_id"] = [_("Choose a question of this meeting.")]
            question = None
    data = NeedInput(
        category=category,
        community_id=community_id if community_id not in (None, "") else meeting.community_id,
        description=description,
        place=place,
        contact_name=question.asker_name if question else None,
        contact_phone=question.asker_phone if question else None,
        may_contact=bool(question and question.asker_phone),
    )
    try:
        need = create_need(
            actor,
            data,
            source=Source.MEETING,
            errors=errors,
            meeting_id=meeting.id,
            question_id=question.id if question else None,
        )
        assign_need(actor, need, assignment)
        audit.record(actor, "create", "need", need.id, detail={"meeting_id": meeting.id})
        db.session.commit()
    except Exception:  # no commitment without its owner and deadline
        db.session.rollback()
        raise
    return need


@dataclass(frozen=True)
class PublicCommitment:
    """A commitment as anyone may read it: what was promised, who owns it, by when, how far it is; never the
    raiser's contact nor the tracking number (the raiser's key to rating it)."""

    id: int
    description: str
    category: str
    community: str
    status: str
    owner: str
    deadline: date | None
    closed: bool
    replies: list[NeedUpdate]
    question_id: int | None


@dataclass(frozen=True)
class PublicMeeting:
    meeting: Meeting
    questions: list[MeetingQuestion]
    commitments: list[PublicCommitment]

    @property
    def closed(self) -> int:
        return sum(c.closed for c in self.commitments)

    @property
    def open_questions(self) -> bool:
        return questions_open(self.meeting)


def commitments(meeting: Meeting) -> list[PublicCommitment]:
    needs = list(
        db.session.scalars(
            sa.select(Need)
            .where(Need.meeting_id == meeting.id)
            .options(selectinload(Need.updates), selectinload(Need.community))
            .order_by(Need.id)
        )
    )
    shown = []
    for need in needs:
        current = followed(need)  # a commitment merged into another follows that one
        shown.append(
            PublicCommitment(
                id=need.id,
                description=need.description,
                category=need.category,
                community=need.community.name,
                status=current.status,
                owner=current.assignee_name,
                deadline=current.deadline,
                closed=current.status == Status.CLOSED,
                replies=[u for u in current.updates if u.public and u.kind == UpdateKind.REPLY],
                question_id=need.question_id,
            )
        )
    return shown


def public_meeting(actor: Actor | None, meeting_id: object) -> PublicMeeting:
    """What the meeting's public page shows: the meeting, its published and answered questions with their answers,
    and every commitment with its progress."""
    require(actor, "meeting.view_public")
    meeting = get_meeting(actor, meeting_id)
    questions = list(
        db.session.scalars(
            sa.select(MeetingQuestion)
            .where(MeetingQuestion.meeting_id == meeting.id, MeetingQuestion.status.in_(SHOWN))
            .order_by(MeetingQuestion.id)
        )
    )
    return PublicMeeting(meeting, questions, commitments(meeting))

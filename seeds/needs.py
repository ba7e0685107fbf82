"""Demo needs 群众需求: needs of the demo town from every door (the public form, a phone call, a youth governance
group, a household visit, a deputy's reception, a deliberation meeting) in every state: closed and rated (one
rated low and so reopened), overdue, merged, declined, in progress (one turned into its team's event), new; a past
reception with its visitors; a past deliberation meeting with answered questions and its commitments in progress,
and an upcoming one collecting questions (pending and published).

Every step goes through the needs services, done by whoever would do it (town staff assign, the team leader
accepts, the raiser rates), so the demo obeys the same rules as the pages. The services act now; this history
happened before the demo was loaded, so each step is then moved back to its day, counted back from the day of
seeding as the events' history is (no service takes a time: the seed writes the moments only, and the deadline an
assignment on that day would have had). The notices that history would have sent at the time are withdrawn.
Idempotent: a need is known by its description, a meeting by its title, the reception by its first visitor's need.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_login import AnonymousUserMixin

from volunteer_app.accounts.models import User
from volunteer_app.core.time import as_utc, to_local, today
from volunteer_app.extensions import db
from volunteer_app.needs import services
from volunteer_app.needs.models import Meeting, MeetingQuestion, Need, NeedRating, NeedUpdate
from volunteer_app.needs.vocabulary import Assignee, Source
from volunteer_app.organisations.models import (
    Community,
    Deputy,
    LiaisonStation,
    ServicePoint,
    ServiceStation,
    Team,
    Town,
    YouthGroup,
)
from volunteer_app.reminders.services import cancel_planned
from volunteer_app.socialwork.models import Household, Visit

DATA = Path(__file__).with_name("needs.json")
TOWN = "里水镇"
WITHDRAWN = "demo history: it happened before the demo was loaded"
VISITOR = AnonymousUserMixin()  # a resident on the public question form, without an account


def _one(query: sa.Select) -> Any:
    return db.session.scalar(query)


def _user(username: str | None) -> User | None:
    return _one(sa.select(User).where(User.username == username)) if username else None


def _community(name: str, town: str = TOWN) -> Community:
    return _one(sa.select(Community).join(Community.town).where(Town.name == town, Community.name == name))


def _deputy(name: str) -> Deputy:
    return _one(sa.select(Deputy).where(Deputy.name == name))


def _need(description: str) -> Need | None:
    return _one(sa.select(Need).where(Need.description == description))


def _assignment(to: dict[str, Any]) -> services.Assignment:
    ((kind, key),) = to.items()
    if kind == "department":
        return services.Assignment(Assignee.DEPARTMENT, department=key)
    target = {
        "team": lambda: _one(sa.select(Team.id).where(Team.name == key)),
        "youth_group": lambda: _one(sa.select(YouthGroup.id).where(YouthGroup.name == key)),
        "service_point": lambda: _one(
            sa.select(ServicePoint.id)
            .join(ServicePoint.station)
            .where(ServiceStation.name == key[0], ServicePoint.name == key[1])
        ),
        "deputy": lambda: _deputy(key).id,
    }[kind]()
    return services.Assignment(Assignee(kind), target)


class _History:
    """Runs a need's steps through the services, then moves what each step wrote back to when it happened."""

    def __init__(self, staff: User) -> None:
        self.staff = staff

    def raised(self, need: Need, at: datetime) -> None:
        need.created_at = need.updated_at = at
        for update in need.updates:
            update.created_at = at
        db.session.commit()

    def run(self, need_id: int, steps: list[dict[str, Any]], day_of: Callable[[dict[str, Any]], date]) -> None:
        """Each step on its day (`day_of`), an hour after the one before, so the history keeps its order."""
        for hour, step in enumerate(steps, start=10):
            seen = db.session.scalar(sa.select(sa.func.max(NeedUpdate.id))) or 0
            at = _at(day_of(step), hour)
            self._do(db.session.get(Need, need_id), step, at)
            db.session.get(Need, need_id).updated_at = at
            # What the step wrote into any need's history (a merge writes into both needs) happened then too.
            for update in db.session.scalars(sa.select(NeedUpdate).where(NeedUpdate.id > seen)):
                update.created_at = update.need.updated_at = at
            db.session.commit()
        need = db.session.get(Need, need_id)
        cancel_planned(need, reason=WITHDRAWN)
        db.session.commit()

    def _do(self, need: Need, step: dict[str, Any], at: datetime) -> None:
        actor = _user(step.get("by")) or self.staff
        text = step.get("text", "")
        match step["do"]:
            case "assign":
                services.assign(actor, need.id, _assignment(step["to"]))
                self.assigned(need, at, step.get("deadline_days"))
            case "accept":
                services.accept(actor, need.id)
                need.accepted_at = at
            case "start":
                services.start(actor, need.id)
            case "reply":
                services.reply(actor, need.id, text)
            case "close":
                services.close(actor, need.id, text)
                need.closed_at = at
            case "rate":
                services.rate_by_tracking_number(need.tracking_number, stars=step["stars"], comment=text)
                self._rated(need, at)
            case "phone_rating":
                services.record_rating(actor, need.id, stars=step["stars"], comment=text)
                self._rated(need, at)
            case "decline":
                services.decline(actor, need.id, text)
            case "event":
                services.to_event(actor, need.id, title=text)
            case "merge":
                services.merge(actor, need.id, _need(step["into"]).id, text)
            case other:
                raise ValueError(f"unknown step {other!r}")

    @staticmethod
    def assigned(need: Need, at: datetime, deadline_days: int | None = None) -> None:
        """The moment of an assignment and the deadline it had then, in working days from that day."""
        need.assigned_at = at
        days = deadline_days or services.deadline_days(need.category)
        need.deadline = services.add_working_days(to_local(at).date(), days)

    @staticmethod
    def _rated(need: Need, at: datetime) -> None:
        rating = _one(sa.select(NeedRating).where(NeedRating.raised_need_id == need.id).order_by(NeedRating.id.desc()))
        rating.created_at = at


def _at(day: date, hour: int = 10) -> datetime:
    return as_utc(datetime.combine(day, time(hour, 0)))  # naive = local time


def _days_after(day: date) -> Callable[[dict[str, Any]], date]:
    return lambda step: day + timedelta(days=step["days_after"])


class _Loader:
    def __init__(self, data: dict[str, Any], report: list[str]) -> None:
        self.data = data
        self.report = report
        self.today = today()
        self.staff = _user(data["staff"])
        self.history = _History(self.staff)

    def ago(self, step: dict[str, Any]) -> date:
        return self.today - timedelta(days=step["days_ago"])

    # ------------------------------------------------------------------------------------------ needs

    def needs(self) -> None:
        for spec in self.data["needs"]:
            if _need(spec["description"]) is not None:
                continue
            need = self.raise_need(spec)
            self.history.raised(need, _at(self.today - timedelta(days=spec["raised_days_ago"]), 9))
            self.history.run(need.id, spec["steps"], self.ago)
            need = db.session.get(Need, need.id)
            self.report.append(f"need {need.tracking_number} ({spec['source']}, {need.community.name}): {need.status}")

    def raise_need(self, spec: dict[str, Any]) -> Need:
        name, phone = spec.get("contact") or (None, None)
        data = services.NeedInput(
            category=spec["category"],
            community_id=_community(spec["community"]).id,
            description=spec["description"],
            place=spec.get("place", ""),
            contact_name=name,
            contact_phone=phone,
            may_contact=phone is not None,
        )
        source = Source(spec["source"])
        raiser = _user(spec.get("raised_by")) or self.staff
        if source == Source.PUBLIC:
            return services.raise_public(data)
        if source == Source.VISIT:
            community, address = spec["visit"]
            visit_id = _one(
                sa.select(Visit.id)
                .join(Household, Household.id == Visit.household_id)
                .where(Household.community_id == _community(community).id, Household.address == address)
                .order_by(Visit.visited_at.desc())
            )
            return services.raise_from_visit(raiser, visit_id, data)
        group = _one(sa.select(YouthGroup.id).where(YouthGroup.name == spec["source_group"])) if spec.get(
            "source_group"
        ) else None  # fmt: skip
        return services.raise_for(raiser, data, source, source_group_id=group)

    # ------------------------------------------------------------------------------------------ reception

    def reception(self) -> None:
        spec = self.data["reception"]
        if _need(spec["visitors"][0]["raised"]) is not None:
            return
        station = _one(sa.select(LiaisonStation).where(LiaisonStation.name == spec["station"]))
        day = self.reception_day(station, spec["weeks_ago_at_least"])
        reception = services.open_reception(self.staff, station.id, day)
        reception.created_at = _at(day, 14)
        for index, visitor in enumerate(spec["visitors"]):
            deputy = _deputy(visitor["deputy"]) if visitor.get("deputy") else None
            row, need = services.record_visitor(
                self.staff,
                reception.id,
                services.VisitorInput(
                    name=visitor["name"],
                    phone=visitor.get("phone"),
                    raised=visitor["raised"],
                    category=visitor["category"],
                    owner=visitor["owner"],
                    deputy_id=deputy.id if deputy else None,
                ),
            )
            at = _at(day, 15) + timedelta(minutes=20 * index)
            row.created_at = at
            self.history.raised(need, at)
            if need.assigned_at is not None:
                self.history.assigned(need, at)
            self.history.run(need.id, visitor["steps"], _days_after(day))
        db.session.commit()
        self.report.append(f"reception {station.name} {day}: {len(spec['visitors'])} visitors")

    def reception_day(self, station: LiaisonStation, weeks: int) -> date:
        """The station's last reception by its rule at least `weeks` weeks before today (holidays skipped)."""
        latest = self.today - timedelta(weeks=weeks)
        dates, _skipped = services.reception_dates(station, latest - timedelta(weeks=6), 12)
        return max(day for day in dates if day <= latest)

    # ------------------------------------------------------------------------------------------ meetings

    def meetings(self) -> None:
        for spec in self.data["meetings"]:
            if _one(sa.select(Meeting.id).where(Meeting.title == spec["title"])) is None:
                self.meeting(spec)

    def meeting(self, spec: dict[str, Any]) -> None:
        starts_at = as_utc(
            datetime.combine(self.today + timedelta(days=spec["days_from_now"]), time.fromisoformat(spec["start"]))
        )
        meeting = services.create_meeting(
            self.staff,
            title=spec["title"],
            community_id=_community(spec["community"]).id,
            starts_at=starts_at,
            place=spec["place"],
            deputy_ids=[_deputy(name).id for name in spec["deputies"]],
            officials=spec["officials"],
            livestream_url=spec["livestream_url"],
            viewer_count=spec["viewer_count"],
            minutes=spec["minutes"],
        )
        meeting.created_at = starts_at - timedelta(days=20)
        for item in spec["questions"]:
            asked_at = starts_at - timedelta(days=item["days_before"])
            name, phone = item.get("asker") or (None, None)
            question = services.submit_question(VISITOR, meeting.id, item["text"], name, phone, now=asked_at)
            question.created_at = asked_at
            db.session.commit()
            if "answer" in item:
                services.answer(self.staff, question.id, item["answer"], meeting_id=meeting.id)
                question = db.session.get(MeetingQuestion, question.id)
                question.answered_at = starts_at + timedelta(minutes=30)
            elif "publish" in item:
                services.moderate(self.staff, question.id, item["publish"], meeting_id=meeting.id)
            db.session.commit()
            if item.get("commitment"):
                self.commitment(meeting, question, item["commitment"], starts_at + timedelta(hours=1))
        self.report.append(f"meeting {meeting.title}: {len(spec['questions'])} questions")

    def commitment(self, meeting: Meeting, question: MeetingQuestion, spec: dict[str, Any], at: datetime) -> None:
        community = spec.get("community")
        need = services.commit(
            self.staff,
            meeting.id,
            description=spec["description"],
            category=spec["category"],
            assignment=_assignment(spec["to"]),
            community_id=_community(community).id if community else None,
            question_id=question.id,
            place=spec.get("place", ""),
        )
        self.history.raised(need, at)
        self.history.assigned(need, at)
        self.history.run(need.id, spec["steps"], _days_after(to_local(at).date()))


def load(report: list[str]) -> None:
    loader = _Loader(json.loads(DATA.read_text(encoding="utf-8")), report)
    loader.needs()
    loader.reception()
    loader.meetings()

"""Importing household files: one row per member; the rows with the same household key (户编号, any text the
file uses) form one file, whose first row gives its community, address and type. Each file goes through the
social-work service's own create_household, so the scope (a worker opens files only in communities their point
covers), the one head, the ID-number rules and "one person, one active file" are checked as on the page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.core.errors import Errors
from volunteer_app.core.identity import normalise_id_number
from volunteer_app.core.policy import Actor, require
from volunteer_app.reports.services.imports.columns import (
    Column,
    Row,
    choice_labels,
    choice_lookup,
    normalised,
    pick,
    pick_many,
)
from volunteer_app.reports.services.imports.common import (
    Checked,
    Progress,
    community_lookup,
    community_names,
    trial,
    unknown_community,
)
from volunteer_app.socialwork import labels
from volunteer_app.socialwork import services as socialwork

COLUMNS = (
    Column("household", _l("Household key"), 10, required=True, sample="1",
           note=_l("Rows with the same key are members of one household")),
    Column("community", _l("Village or community"), 16, required=True, choices=community_names),
    Column("address", _l("Address"), 24, sample="新兴村一巷1号", note=_l("On the household's first row")),
    Column("household_type", _l("Household type"), 18, sample=labels.HOUSEHOLD_TYPE["general"],
           choices=choice_labels(labels.HOUSEHOLD_TYPE)),
    Column("name", _l("Name"), 12, required=True, sample="李桂英"),
    Column("relation", _l("Relation"), 14, required=True, sample=labels.RELATION["head"],
           choices=choice_labels(labels.RELATION)),
    Column("id_number", _l("ID number"), 22, sample="440605196001011232"),
    Column("phone", _l("Phone"), 14, sample="13800138000"),
    Column("flags", _l("Special groups"), 20, note=_l("Separate several with 、")),
    Column("disability_type", _l("Type of disability"), 14, choices=choice_labels(labels.DISABILITY_TYPE)),
    Column("disability_grade", _l("Grade of disability"), 10, choices=lambda: ["1", "2", "3", "4"]),
)  # fmt: skip

HOUSEHOLD_FIELDS = ("community", "address", "household_type")


def may_import(actor: Actor, team: Any = None) -> None:
    require(actor, "import.households", None)


def describe(row: Row) -> str:
    return f"{row['household']} · {row['name']}"


def _groups(rows: Sequence[Row]) -> list[list[Row]]:
    groups: dict[str, list[Row]] = {}
    for row in rows:
        groups.setdefault(normalised(row["household"]) or f"#{row.number}", []).append(row)
    return list(groups.values())


def _member(row: Row, lookups: dict[str, dict[str, str]]) -> dict[str, Any]:
    grade = row["disability_grade"]
    return {
        "name": row["name"],
        "relation": pick(lookups["relation"], row["relation"]),
        "id_number": row["id_number"],
        "phone": row["phone"],
        "flags": pick_many(lookups["flags"], row["flags"]),
        "disability_type": pick(lookups["disability"], row["disability_type"]) or None,
        "disability_grade": int(grade) if grade.isdigit() else (grade or None),
    }


def _problems(checked: Checked, group: list[Row], errors: Errors) -> None:
    """A file's errors on the rows they are about: members.N.field on member N's row, the rest on the first."""
    for name, messages in errors.items():
        row, column = group[0], {"community_id": "community"}.get(name, name)
        if name.startswith("members."):
            _members, index, field = name.split(".", 2)
            row, column = group[int(index)], field
        elif name == "members":
            column = "relation"
        for message in messages:
            checked.add(row.number, column, message)


def check(actor: Actor, rows: Sequence[Row], progress: Progress, team: Any = None) -> Checked:
    may_import(actor)
    communities = community_lookup()
    lookups = {
        "relation": choice_lookup(labels.RELATION),
        "flags": choice_lookup(labels.FLAG),
        "disability": choice_lookup(labels.DISABILITY_TYPE),
        "type": choice_lookup(labels.HOUSEHOLD_TYPE),
    }
    checked = Checked()
    first_with_id: dict[str, int] = {}
    done = 0
    for group in _groups(rows):
        head = group[0]
        before = len(checked.problems)
        for row in group:
            number = normalise_id_number(row["id_number"])
            if number and number in first_with_id:
                checked.add(row.number, "id_number", _("The same ID number as row %(row)d.", row=first_with_id[number]))
            elif number:
                first_with_id[number] = row.number
        community_id = communities.get(normalised(head["community"]))
        if community_id is None:
            checked.add(head.number, "community", unknown_community(head["community"]))
        arguments = {
            "community_id": community_id,
            "address": head["address"],
            "household_type": pick(lookups["type"], head["household_type"]) or "general",
            "members": [_member(row, lookups) for row in group],
        }
        if len(checked.problems) == before:
            _problems(checked, group, trial(lambda a=arguments: socialwork.create_household(actor, **a, commit=False)))
        if len(checked.problems) == before:
            checked.good.append((head, arguments))
        else:
            with_problems = {p["row"] for p in checked.problems[before:]}
            first = min(with_problems)
            for row in group:
                if row.number not in with_problems:
                    checked.add(row.number, "", _("Left out with its household: see row %(row)d.", row=first))
        done += len(group)
        progress(done)
    return checked


def write(actor: Actor, good: Sequence[tuple[Row, dict[str, Any]]], progress: Progress, team: Any = None) -> int:
    done = 0
    for _head, arguments in good:
        socialwork.create_household(actor, **arguments, commit=False)
        done += len(arguments["members"])
        progress(done)
    return len(good)

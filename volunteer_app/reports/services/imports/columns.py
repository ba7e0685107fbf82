"""The columns of an import file: what each holds, its header in Chinese and English, and the words a cell may use
for a choice (the label in either language, or the stored value)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import g
from flask_babel import force_locale


@contextmanager
def in_locale(locale: str) -> Iterator[None]:
    """flask_babel.force_locale, also where `g` is still empty (a scheduler job's app context), which it ignores."""
    g.setdefault("shanzhi_imports", True)
    with force_locale(locale):
        yield


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # a lazy string: the header in the reader's language
    width: int = 14
    required: bool = False
    sample: Any = ""  # text, or a lazy label (a choice): written in Chinese
    choices: Callable[[], list[str]] | None = None  # the drop-down list of the template
    text: bool = True  # kept as text in the template (ID and phone numbers must not turn into numbers)
    note: Any = None  # a comment on the header cell

    def sample_text(self) -> str:
        with in_locale("zh_CN"):
            return str(self.sample)

    def headers(self) -> tuple[str, str]:
        """(Chinese, English): the two header lines of a template."""
        with in_locale("zh_CN"):
            chinese = str(self.label)
        with in_locale("en"):
            english = str(self.label)
        return chinese, english


@dataclass(frozen=True)
class Row:
    number: int  # as the spreadsheet shows it, so people find it
    values: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, key: str) -> str:
        return self.values.get(key, "")


def normalised(text: object) -> str:
    """A header or choice as compared: blanks and the required-mark * dropped, lower case."""
    return re.sub(r"[\s*＊]+", "", str(text or "")).lower()


def header_names(column: Column) -> set[str]:
    return {normalised(column.key), *(normalised(h) for h in column.headers())}


def choice_lookup(labels: Mapping[Any, Any]) -> dict[str, str]:
    """Every way a cell may name a choice (its label in either language, or the stored value) -> the value.
    Built once per check, not once per cell."""
    lookup = {}
    for locale in ("en", "zh_CN"):
        with in_locale(locale):
            lookup.update({normalised(label): str(value) for value, label in labels.items()})
    lookup.update({normalised(value): str(value) for value in labels})
    return lookup


def pick(lookup: Mapping[str, str], cell: str) -> str:
    """The stored value the cell names; anything else comes back as written, so the service's own check refuses
    it in its own words."""
    return lookup.get(normalised(cell), cell)


def pick_many(lookup: Mapping[str, str], cell: str) -> list[str]:
    """Several choices in one cell, separated by commas, semicolons or 、."""
    return [pick(lookup, part) for part in split_list(cell)]


def split_list(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,，;；、/\n]+", cell or "") if part.strip()]


def choice_labels(labels: Mapping[Any, Any]) -> Callable[[], list[str]]:
    return lambda: [str(label) for label in labels.values()]


def yes(cell: str) -> bool:
    return normalised(cell) in {"是", "有", "同意", "yes", "y", "true", "1", "√", "✓"}

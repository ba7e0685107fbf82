"""The machinery of exports: a list's description (its rule, its page's filters, its list service, its columns),
the registry of them, and making one into a file, audited."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from volunteer_app.core import audit
from volunteer_app.core.args import search_arg
from volunteer_app.core.errors import NotFound, raise_if
from volunteer_app.core.pagination import Page
from volunteer_app.core.policy import Actor, can, require
from volunteer_app.core.spreadsheets import (
    CSV_MIMETYPE,
    FORMATS,
    XLSX_MIMETYPE,
    Sheet,
    spooled,
    write_csv,
    write_xlsx,
)
from volunteer_app.core.time import today
from volunteer_app.extensions import db

Args = Mapping[str, str]
Filters = dict[str, Any]


@dataclass(frozen=True)
class Column:
    title: Any  # a lazy string: the header in the reader's language
    value: Callable[[Any], Any]
    width: int = 14


@dataclass(frozen=True)
class ExportList:
    """One exportable list. `rule` is the policy action deciding who may export it (None: whoever its list service
    lets see the page); `filters` reads the page's own query string; `fetch(actor, filters, page, per_page)` is the
    page's list service (a Page, or a plain list for the lists a page shows whole); `needs` names the id filters
    without which the list means nothing (a team's members need the team)."""

    name: str
    label: Any
    rule: str | None
    filters: Callable[[Args], Filters]
    fetch: Callable[[Actor, Filters, int, int], Page | list]
    columns: tuple[Column, ...]
    needs: tuple[str, ...] = ()
    # The existing household export writes its own file (masked; unmasking only through its form, with a reason).
    write: Callable[[Actor, str, Filters], tuple[bytes, int]] | None = None


@dataclass(frozen=True)
class ExportFile:
    filename: str  # in the reader's language; the download names it with RFC 5987 (filename*=UTF-8'')
    fmt: str
    rows: int
    body: IO[bytes]  # made before it is sent, read from the start

    @property
    def mimetype(self) -> str:
        return XLSX_MIMETYPE if self.fmt == "xlsx" else CSV_MIMETYPE


REGISTRY: dict[str, ExportList] = {}


def register(spec: ExportList) -> ExportList:
    if spec.name in REGISTRY:
        raise RuntimeError(f"export list {spec.name!r} registered twice")
    REGISTRY[spec.name] = spec
    return spec


def get_list(name: str) -> ExportList:
    spec = REGISTRY.get(name)
    if spec is None:
        raise NotFound(_("No such list to export."))
    return spec


def may_export(actor: Actor, name: str) -> bool:
    """Whether to offer the export control: the list's rule, when it has one that needs no object."""
    spec = REGISTRY.get(name)
    return spec is not None and (spec.rule is None or can(actor, spec.rule))


def rows_of(actor: Actor, spec: ExportList, filters: Filters) -> Iterator[list[Any]]:
    """The rows of every page of the list, read a page at a time."""
    per_page = current_app.config["PER_PAGE_MAX"]
    page = spec.fetch(actor, filters, 1, per_page)
    if not isinstance(page, Page):
        yield from (_row(spec, item) for item in page)
        return
    while True:
        yield from (_row(spec, item) for item in page.items)
        if not page.has_next:
            return
        page = spec.fetch(actor, filters, page.page + 1, per_page)


def export_list(actor: Actor, name: str, fmt: str, args: Args) -> ExportFile:
    """The list `name` as a file, filtered by the page's query string `args`. The file is made first (in memory,
    or a temporary file when large), then the export is audited with its row count."""
    spec = get_list(name)
    if spec.rule is not None:
        require(actor, spec.rule)
    if fmt not in FORMATS:
        raise_if({"format": [_("Choose CSV or XLSX.")]})
    filters = spec.filters(args)
    if any(filters.get(key) is None for key in spec.needs):
        raise NotFound(_("No such list to export."))
    out = spooled()
    if spec.write is not None:
        body, count = spec.write(actor, fmt, filters)
        out.write(body)
    else:
        header = [str(column.title) for column in spec.columns]
        counted = _Counted(rows_of(actor, spec, filters))
        if fmt == "csv":
            write_csv(out, header, counted)
        else:
            write_xlsx(out, [Sheet(str(spec.label), header, counted, [column.width for column in spec.columns])])
        count = counted.count
    _audit(actor, spec, fmt, filters, count)
    out.seek(0)
    return ExportFile(f"{spec.label}_{today().isoformat()}.{fmt}", fmt, count, out)


class _Counted:
    """Rows passed through, counted."""

    def __init__(self, rows: Iterable[list[Any]]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            self.count += 1
            yield row


def _row(spec: ExportList, item: Any) -> list[Any]:
    return [column.value(item) for column in spec.columns]


def _audit(actor: Actor, spec: ExportList, fmt: str, filters: Filters, rows: int) -> None:
    audit.record(
        actor, "export", "list", spec.name,
        detail={"list": spec.name, "format": fmt, "rows": rows, "filters": _audited_filters(filters)},
    )  # fmt: skip
    db.session.commit()


def _describe_lists(reader: Any, names: Iterable[str]) -> dict[str, audit.Named]:
    """An export's entry in the audit log names the list by its label."""
    labels = {name: spec.label for name, spec in REGISTRY.items()} | {"monthly": _l("Monthly report")}
    return {name: audit.Named(str(labels[name])) for name in names if name in labels}


audit.register_record_type("list", label=_l("Exported list"), describe=_describe_lists)


_NUMBER = re.compile(r"[0-9Xx]{7,}")


def _audited_filters(filters: Filters) -> dict[str, Any]:
    """The filters as the audit log keeps them: a number searched for (a phone or ID number) is masked."""
    kept: dict[str, Any] = {}
    for key, value in filters.items():
        if dataclasses.is_dataclass(value):  # a filter object of its own (the audit log's)
            value = _audited_filters(dataclasses.asdict(value))
        if value is None or value == "" or value is False or value == {}:
            continue
        if isinstance(value, datetime | date):
            value = value.isoformat()
        if isinstance(value, str):
            value = _NUMBER.sub(lambda m: m.group()[:3] + "*" * (len(m.group()) - 7) + m.group()[-4:], value)
        kept[key] = value
    return kept


# ---------------------------------------------------------------------------------------------- cell helpers


def label(labels: Mapping[str, Any]) -> Callable[[str | None], str]:
    return lambda value: str(labels.get(value, value or ""))


def name_of(obj: Any, attr: str = "name") -> str:
    return getattr(obj, attr, "") if obj is not None else ""


def search_only(args: Args) -> Filters:
    return {"q": search_arg(args)}

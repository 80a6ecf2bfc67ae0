"""The result of an analysis: every incident's status and why, ready for the renderers."""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, TypeAlias

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

from .engine import STATUS_CODES, Evaluation, Lists, explanation_frame
from .i18n import _, format_count, ngettext
from .model import ENUMS, UNKNOWN, Mandate, Status
from .validate import InvalidRow, Table
from .version import __version__

STATUS_ORDER = [
    Status.IN_SCOPE.value,
    Status.CONTEXT_ONLY.value,
    Status.OUT_OF_SCOPE.value,
    Status.INDETERMINATE.value,
]


def count_text(value: int) -> str:
    """A count in a sentence: as Python writes it in English (unchanged), Babel's in French."""
    return format_count(value)


def _status_phrase(status: str, count: int, first: bool) -> str:
    """One status's share in the finding; the first one carries the verb and the mandate,
    the others elide them ("3 are within the mandate, 7 only as background, 1 outside it")."""
    match (status, first):
        case (Status.IN_SCOPE, _):
            text = ngettext(
                "{count} is within the mandate", "{count} are within the mandate", count
            )
        case (Status.CONTEXT_ONLY, True):
            text = ngettext(
                "{count} is within the mandate only as background",
                "{count} are within the mandate only as background",
                count,
            )
        case (Status.CONTEXT_ONLY, False):
            text = ngettext("{count} only as background", "{count} only as background", count)
        case (Status.OUT_OF_SCOPE, True):
            text = ngettext(
                "{count} is outside the mandate", "{count} are outside the mandate", count
            )
        case (Status.OUT_OF_SCOPE, False):
            text = ngettext("{count} outside it", "{count} outside it", count)
        case (Status.INDETERMINATE, _):
            text = ngettext(
                "{count} cannot be decided from what is known",
                "{count} cannot be decided from what is known",
                count,
            )
        case _:
            raise ValueError(f"no finding wording for status {status!r}")
    return text.format(count=count_text(count))


def finding(summary: dict[str, Any]) -> str:
    """The finding in one sentence, from a summary's counts: every status under its own name,
    none folded into another, a status with no incident left out, the rows that could not be
    read named after them. The one place it is built: terminal, JSON, workbook and page all
    show this very sentence."""
    valid = summary["total"] - summary["invalid"]
    decided = [
        _status_phrase(name, summary[name], number == 0)
        for number, name in enumerate(
            n for n in (Status.IN_SCOPE, Status.CONTEXT_ONLY, Status.OUT_OF_SCOPE) if summary[n]
        )
    ]
    groups = [", ".join(decided)] if decided else []
    if summary["indeterminate"]:
        groups.append(_status_phrase(Status.INDETERMINATE, summary["indeterminate"], False))
    if summary["invalid"]:
        groups.append(
            ngettext(
                "{count} row could not be read",
                "{count} rows could not be read",
                summary["invalid"],
            ).format(count=count_text(summary["invalid"]))
        )
    if not valid:  # no report is written then; the sentence is for the library's callers
        if not summary["invalid"]:
            return _("There is no incident to report.")
        return ngettext(
            "The {count} row read could not be read as an incident.",
            "None of the {count} rows read could be read as an incident.",
            summary["invalid"],
        ).format(count=count_text(summary["invalid"]))
    return ngettext(
        "Of {count} incident, {parts}.", "Of {count} incidents, {parts}.", valid
    ).format(count=count_text(valid), parts=_("; ").join(groups))


#: incident records built at a time by `records_at` (never every record at once)
RECORD_SLICE = 20_000

#: records as columns: each key with its values row by row, or a nested object's columns
Columns: TypeAlias = "dict[str, list[Any] | Lists | Columns]"


def _records(columns: Columns) -> list[dict[str, Any]]:
    """Columns back into one dict per row (nested objects too)."""
    keys = list(columns)
    values = [
        _records(c) if isinstance(c, dict) else c.tolist() if isinstance(c, Lists) else c
        for c in columns.values()
    ]
    return [dict(zip(keys, row, strict=True)) for row in zip(*values, strict=True)]


class Texts(list):  # type: ignore[type-arg]
    """A column's values that are all `str` (the JSON report need not check them one by one)."""


def _all_text(column: pd.Series) -> bool:
    """Whether every cell of a column is a `str` (no None, no NaN, no number)."""
    if isinstance(column.dtype, pd.StringDtype):
        return not column.isna().any()
    return infer_dtype(column.to_numpy(dtype=object), skipna=False) in ("string", "empty")


def _texts(column: pd.Series, plain: bool | None = None) -> Texts:
    """A column's cells as text (None as ""), row by row; `plain`: known to be all text."""
    values = column.tolist()
    if plain or (plain is None and _all_text(column)):
        return Texts(values)
    return Texts(["" if v is None else str(v) for v in values])


@dataclass
class Analysis:
    """Every incident of the inputs decided under one mandate."""

    mandate: Mandate
    table: Table
    evaluation: Evaluation
    warnings: list[str] = field(default_factory=list)
    command: str | None = None  # the command line that produced it, when run from the CLI
    #: the files read to make it, by (device, inode): no report is written over them
    read: frozenset[tuple[int, int]] = frozenset()
    #: the JSON report indented throughout (`--indent`), not one incident per line
    json_indent: bool = False

    kind: ClassVar[str] = "analysis"  # its renderers' key in reports.RENDERERS

    # --- flat views ------------------------------------------------------------------------

    @property
    def columns(self) -> list[str]:
        """Field keys in report order: the contract's columns, then the others as read."""
        return self.table.columns

    @property
    def invalid(self) -> list[InvalidRow]:
        return self.table.invalid

    @cached_property
    def incidents(self) -> list[dict[str, Any]]:
        """One dict per valid incident, in input order, as the JSON report has them."""
        return self.incident_records()

    def records_at(self, rows: np.ndarray) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row, record) of each of `rows` (ascending row indices), the records built a slice
        of RECORD_SLICE rows at a time, so that a report listing many never holds them all."""
        n = len(self.table)
        last = int(rows[-1]) + 1 if len(rows) else 0
        for start in range(0, min(last, n), RECORD_SLICE):
            stop = min(start + RECORD_SLICE, n)
            here = rows[(rows >= start) & (rows < stop)].tolist()
            if here:
                records = self.incident_records(start, stop)
                for row in here:
                    yield row, records[row - start]

    def incident_records(self, start: int = 0, stop: int | None = None) -> list[dict[str, Any]]:
        """The JSON report's incident records of rows `start` to `stop`, as dicts (built
        from `incident_columns`, the one place where a record's keys and values are made)."""
        return _records(self.incident_columns(start, stop))

    def incident_columns(self, start: int = 0, stop: int | None = None) -> Columns:
        """The incident records of rows `start` to `stop` as columns: each key of a record,
        in order, with its values row by row (a list, or for covered_by, gaps, unknown and
        reasons the engine's `Lists`, kept as codes until `tolist()`), or (for a nested
        object) the columns of that object. The JSON report encodes them column by column."""
        table, ev = self.table, self.evaluation
        stop = len(table) if stop is None else min(stop, len(table))
        frame = table.frame.iloc[start:stop]
        origins = table.origins.iloc[start:stop]
        plain = self._plain_columns
        fields: Columns = {key: _texts(frame[key], plain[key]) for key in frame.columns}
        as_given = table.as_given
        given: list[dict[str, str]] = [{}] * (stop - start)  # one shared empty object for
        for row, cells in as_given.items():  # rows read as typed (records are never mutated)
            if start <= row < stop:
                given[row - start] = cells
        sheets = origins["sheet"].to_numpy(dtype=object).copy()
        sheets[origins["sheet"].isna().to_numpy()] = None
        return {
            "id": fields["id"],
            "status": Texts(ev.status[start:stop].tolist()),
            "covered_by": ev.lists["covered_by"][start:stop],
            "gaps": ev.lists["gaps"][start:stop],
            "unknown": ev.lists["unknown"][start:stop],
            "reasons": ev.lists["reasons"][start:stop],
            "as_given": given,
            "origin": {
                "path": _texts(origins["path"], self._plain_paths),
                "sheet": sheets.tolist(),
                "row": origins["row"].to_numpy(dtype=np.int64).tolist(),
            },
            "fields": fields,
        }

    @cached_property
    def _plain_columns(self) -> dict[str, bool]:
        """Per field, whether every cell is text: checked once on the whole table, not once
        per slice of records."""
        frame = self.table.frame
        return {key: _all_text(frame[key]) for key in frame.columns}

    @cached_property
    def _plain_paths(self) -> bool:
        return _all_text(self.table.origins["path"])

    def flatten(self) -> list[tuple[str, str, tuple[str, ...]]]:
        """(id, status, gaps) per incident: the shape tests assert on."""
        return [(r["id"], r["status"], tuple(r["gaps"])) for r in self.incidents]

    def in_order(self) -> list[tuple[str, dict[str, Any]]]:
        """Every row read, valid ('incident') and invalid ('invalid'), in input order."""
        rows: list[tuple[int, str, dict[str, Any]]] = [
            (int(p), "incident", r)
            for p, r in zip(self.table.positions, self.incidents, strict=True)
        ]
        rows += [(row.position, "invalid", row.to_dict()) for row in self.invalid]
        rows.sort(key=lambda item: item[0])
        return [(kind, record) for _, kind, record in rows]

    def explanations(self) -> pd.DataFrame:
        """Long form: one row per (incident, clause, leaf): value, outcome, blame."""
        return explanation_frame(self.evaluation, self.table)

    # --- the summary -------------------------------------------------------------------------

    @property
    def summary(self) -> dict[str, Any]:
        """The counts of the JSON summary and the finding, in the language of the moment."""
        return {**self.counts, "finding": finding(self.counts)}

    @cached_property
    def counts(self) -> dict[str, Any]:
        """Statuses, gaps, unknown fields and levels counted (the summary without its finding)."""
        ev = self.evaluation
        per_status = np.bincount(ev.status_code, minlength=len(STATUS_CODES)).tolist()
        counts = dict(zip(STATUS_CODES, per_status, strict=True))
        summary: dict[str, Any] = {"total": len(self.table) + len(self.invalid)}
        for name in STATUS_ORDER:
            summary[name] = int(counts.get(name, 0))
        summary["invalid"] = len(self.invalid)
        gaps = self._count_lists("gaps")
        summary["by_gap"] = dict(sorted(gaps.items(), key=lambda kv: (-kv[1], kv[0])))
        unknown = self._count_lists("unknown")
        order = {name: i for i, name in enumerate(self.table.columns)}
        summary["by_unknown"] = dict(
            sorted(unknown.items(), key=lambda kv: (-kv[1], order.get(kv[0], len(order))))
        )
        # levels (blank as unknown) by status, counted per distinct level text
        codes, uniques = self.table.text_codes("level")
        width = len(STATUS_CODES)
        per_pair = np.bincount(
            codes.astype(np.int64) * width + ev.status_code, minlength=len(uniques) * width
        ).tolist()
        pairs: Counter[tuple[str, str]] = Counter()
        for i, count in enumerate(per_pair):
            if count:
                pairs[(uniques[i // width].strip() or UNKNOWN, STATUS_CODES[i % width])] += count
        by_level: dict[str, dict[str, int]] = {}
        for level in ENUMS["level"]:
            if any(lv == level for lv, _ in pairs):
                by_level[level] = {s: int(pairs.get((level, s), 0)) for s in STATUS_ORDER}
        summary["by_level"] = by_level
        return summary

    def _count_lists(self, key: str) -> Counter[str]:
        """How many incidents name each item of their list (gaps, unknown fields: an item at
        most once per incident); only incidents not in scope have any."""
        return self.evaluation.lists[key].counts()

    def with_warnings(self, more: list[str]) -> Analysis:
        """A copy whose warnings also hold `more` (what other reports had to cut or change),
        so that the JSON report lists everything the terminal says; this one is unchanged."""
        other = copy.copy(self)
        other.warnings = list(dict.fromkeys([*self.warnings, *more]))
        return other

    def sentence(self) -> str:
        """The finding: the headline of every report and of the terminal."""
        return finding(self.summary)

    # --- the JSON report -----------------------------------------------------------------------

    def to_dict(self, incidents: bool = True) -> dict[str, Any]:
        """The JSON report (schema_version 2); with `incidents=False`, its list left empty."""
        return {
            "schema_version": 2,
            "tool": {"name": "scope-gap", "version": __version__},
            "mandate": self.mandate.header(),
            "inputs": [dict(item) for item in self.table.inputs],
            "warnings": list(self.warnings),
            "summary": self.summary,
            "incidents": self.incidents if incidents else [],
            "invalid": [row.to_dict() for row in self.invalid],
        }

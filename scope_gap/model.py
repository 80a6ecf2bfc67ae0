"""The vocabulary: columns, enumerations, dates, statuses and the mandate's nodes.

No I/O and no pandas here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, overload

from .dates import (  # noqa: F401  (dates live in scope_gap.dates; re-exported as vocabulary)
    DATE_FORMS,
    DateFormatError,
    DateInterval,
    date_value_interval,
    parse_date,
    parse_date_part,
)
from .i18n import N_, _, localized


class Level(str, Enum):
    FEDERAL = "federal"
    PROVINCIAL = "provincial"
    TERRITORIAL = "territorial"
    MUNICIPAL = "municipal"
    OTHER = "other"
    UNKNOWN = "unknown"


class EventType(str, Enum):
    GENERAL_ELECTION = "general_election"
    BY_ELECTION = "by_election"
    NOMINATION_CONTEST = "nomination_contest"
    LEADERSHIP_RACE = "leadership_race"
    REFERENDUM = "referendum"
    NON_ELECTORAL = "non_electoral"
    UNKNOWN = "unknown"


class Evidence(str, Enum):
    INTELLIGENCE = "intelligence"
    ALLEGATION = "allegation"
    OFFICIAL_FINDING = "official_finding"
    ADJUDICATED = "adjudicated"
    #: reported by the press, no primary document or finding cited (SPEC section 1)
    PRESS = "press"
    UNKNOWN = "unknown"


class Status(str, Enum):
    IN_SCOPE = "in_scope"
    CONTEXT_ONLY = "context_only"
    OUT_OF_SCOPE = "out_of_scope"
    INDETERMINATE = "indeterminate"
    INVALID = "invalid"


#: how reports write each status for people (JSON keeps the codes); English, marked for
#: translation: `status_label` gives the label in the current language
STATUS_LABELS: dict[str, str] = {
    Status.IN_SCOPE.value: N_("in scope"),
    Status.CONTEXT_ONLY.value: N_("context only"),
    Status.OUT_OF_SCOPE.value: N_("out of scope"),
    Status.INDETERMINATE.value: N_("indeterminate"),
    Status.INVALID.value: N_("invalid"),
}


def status_label(code: str) -> str:
    """A status as people read it, in the current language (an unknown code as given)."""
    label = STATUS_LABELS.get(code)
    return _(label) if label is not None else code


#: the statuses `amend --cover-status` may choose (an in-scope incident needs no change)
COVERABLE_STATUSES: tuple[str, ...] = (
    Status.CONTEXT_ONLY.value,
    Status.OUT_OF_SCOPE.value,
    Status.INDETERMINATE.value,
)


class Coverage(str, Enum):
    EXAMINED = "examined"
    CONTEXT = "context"


UNKNOWN = "unknown"

#: The contract's columns, in order, and whether each is required.
COLUMNS: dict[str, bool] = {
    "id": True,
    "title": True,
    "date": True,
    "level": True,
    "event_type": True,
    "jurisdiction": False,
    "event": False,
    "actor": False,
    "tactic": False,
    "target": False,
    "summary": False,
    "evidence": False,
    "sources": False,
    "notes": False,
}
REQUIRED_COLUMNS = [name for name, required in COLUMNS.items() if required]

ENUMS: dict[str, list[str]] = {
    "level": [m.value for m in Level],
    "event_type": [m.value for m in EventType],
    "evidence": [m.value for m in Evidence],
}
MULTI_VALUED = frozenset({"actor", "tactic"})

#: Column headers used in reports for the contract's columns (English, marked for
#: translation: `display_name` gives the header in the current language).
DISPLAY_NAMES: dict[str, str] = {
    "id": N_("ID"),
    "title": N_("Title"),
    "date": N_("Date"),
    "level": N_("Level"),
    "event_type": N_("Event type"),
    "jurisdiction": N_("Jurisdiction"),
    "event": N_("Event"),
    "actor": N_("Actor"),
    "tactic": N_("Tactic"),
    "target": N_("Target"),
    "summary": N_("Summary"),
    "evidence": N_("Evidence"),
    "sources": N_("Sources"),
    "notes": N_("Notes"),
}


def display_name(key: str) -> str:
    """A contract column's report header in the current language (other keys as given)."""
    name = DISPLAY_NAMES.get(key)
    return _(name) if name is not None else key


_SEPARATORS = re.compile(r"[\s\-_]")


def normalize_name(text: str) -> str:
    """Header and enumerated-value key: trimmed, lower case, spaces/hyphens as underscores."""
    return _SEPARATORS.sub("_", str(text).strip().lower())


def split_multi(text: str) -> list[str]:
    """The values of a multi-valued cell (`;`-separated), trimmed, blanks dropped."""
    return [part.strip() for part in text.split(";") if part.strip()]


def split_sources(text: str) -> list[str]:
    """The sources of a cell: separated by newlines or `;`."""
    return [part.strip() for part in re.split(r"[;\n\r]", text) if part.strip()]


# --- tables as read -----------------------------------------------------------------------


@dataclass
class RawTable:
    """One input table as read, before validation.

    `cells[i]` holds the text of every cell of data row `rows[i]` (as the user counts
    rows), blank rows already skipped; a row may be shorter or longer than the header.
    """

    path: str
    sha256: str
    headers: list[str]
    cells: list[list[str]]
    rows: list[int]
    sheet: str | None = None
    warnings: list[str] = field(default_factory=list)
    #: the header's row number; None when the format has no header row (JSON, a DataFrame)
    header_row: int | None = None
    #: True when no row among the first rows named three columns (SPEC 7) and the row
    #: naming the most was taken as the header
    header_guessed: bool = False
    #: the `--columns FILE.yaml` it is read with (a vocabulary.ColumnMap), if any
    column_map: Any = None
    #: the data rows as columns, one sequence of cell texts per header cell, every row as
    #: wide as the header: what a reader that parses columns gives (readers/csv_plain.py);
    #: `cells` is then a view of them, row by row
    columns: list[Any] | None = None

    def __post_init__(self) -> None:
        if self.columns is not None and not self.cells:
            self.cells = RowsOfColumns(self.columns)  # type: ignore[assignment]


class RowsOfColumns(Sequence[list[str]]):
    """Row i of columns, as a list of its cells, on demand (RawTable.cells of a table read
    as columns)."""

    def __init__(self, columns: list[Any]) -> None:
        self._columns = columns
        self._length = len(columns[0]) if columns else 0

    def __len__(self) -> int:
        return self._length

    @overload
    def __getitem__(self, index: int) -> list[str]: ...

    @overload
    def __getitem__(self, index: slice) -> list[list[str]]: ...

    def __getitem__(self, index: int | slice) -> list[str] | list[list[str]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._length))]
        if not -self._length <= index < self._length:
            raise IndexError(index)
        return [str(column[index]) for column in self._columns]


def column_letter(index: int) -> str:
    """Spreadsheet column name of a 0-based index: 0 -> A, 27 -> AB."""
    name = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        name = chr(65 + rem) + name
    return name


# --- the mandate ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    name: str
    start: int
    end: int
    label: str | None = None
    label_fr: str | None = None

    @property
    def interval(self) -> DateInterval:
        return DateInterval(self.start, self.end)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "start": dt.date.fromordinal(self.start).isoformat(),
            "end": dt.date.fromordinal(self.end).isoformat(),
        }
        if self.label is not None:
            out["label"] = self.label
        if self.label_fr is not None:
            out["label_fr"] = self.label_fr
        return out


@dataclass(frozen=True)
class RangeRef:
    """One range named in a date condition: a period, or an explicit pair or date."""

    start: int
    end: int
    name: str | None = None  # the period's name, when it is one
    source: Any = None  # as written in the file (for round-tripping)
    label: str | None = None  # set only by the reports people read: shown in place of it all

    def describe(self) -> str:
        span = str(DateInterval(self.start, self.end))
        return f"{self.name} ({span})" if self.name else span


@dataclass(frozen=True)
class Leaf:
    """`{field: F, OP: VALUE}`: one condition on one column."""

    field: str
    op: str
    value: Any  # str for equals/matches, tuple[str, ...] for in/not_in, bool, tuple[RangeRef, ...]
    gap: str | None = None
    gap_fr: str | None = None
    line: int | None = None
    column: int | None = None
    source: Any = None  # the value as written in the file

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"field": self.field, self.op: self.source}
        if self.gap is not None:
            out["gap"] = self.gap
        if self.gap_fr is not None:
            out["gap_fr"] = self.gap_fr
        return out


@dataclass(frozen=True)
class All:
    parts: tuple[Node, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"all": [p.to_dict() for p in self.parts]}


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Node, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"any": [p.to_dict() for p in self.parts]}


@dataclass(frozen=True)
class Not:
    part: Node

    def to_dict(self) -> dict[str, Any]:
        return {"not": self.part.to_dict()}


Node = Leaf | All | AnyOf | Not


def leaves(node: Node) -> list[tuple[Leaf, bool]]:
    """Every leaf of a tree in file order, with whether it sits under an odd number of `not`."""
    out: list[tuple[Leaf, bool]] = []

    def walk(n: Node, negated: bool) -> None:
        match n:
            case Leaf():
                out.append((n, negated))
            case All(parts) | AnyOf(parts):
                for p in parts:
                    walk(p, negated)
            case Not(part):
                walk(part, not negated)
            case _:
                raise TypeError(f"not a condition node: {n!r}")

    walk(node, False)
    return out


@dataclass(frozen=True)
class Clause:
    id: str
    when: Node
    ref: str | None = None
    text: str | None = None
    text_fr: str | None = None
    coverage: Coverage = Coverage.EXAMINED
    line: int | None = None
    short: str | None = None  # a few words for "Covered by"
    short_fr: str | None = None

    @property
    def examined(self) -> bool:
        return self.coverage is Coverage.EXAMINED

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id}
        if self.ref is not None:
            out["ref"] = self.ref
        if self.text is not None:
            out["text"] = self.text
        if self.text_fr is not None:
            out["text_fr"] = self.text_fr
        for key in ("short", "short_fr"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        out["coverage"] = self.coverage.value
        out["when"] = self.when.to_dict()
        return out


@dataclass(frozen=True)
class Mandate:
    id: str
    title: str
    clauses: tuple[Clause, ...]
    periods: dict[str, Period] = field(default_factory=dict)
    authority: str | None = None
    url: str | None = None
    title_fr: str | None = None
    path: str | None = None
    sha256: str | None = None
    authority_fr: str | None = None
    #: the rule file's text, when read from one (amend writes its proposal on it)
    text: str | None = field(default=None, repr=False, compare=False)

    def header(self) -> dict[str, Any]:
        """The mandate as the JSON report names it."""
        return {
            "id": self.id,
            "title": self.title,
            "authority": self.authority,
            "url": self.url,
            "sha256": self.sha256,
        }

    def to_dict(self) -> dict[str, Any]:
        head: dict[str, Any] = {"id": self.id, "title": self.title}
        for key in ("title_fr", "authority", "authority_fr", "url"):
            if getattr(self, key) is not None:
                head[key] = getattr(self, key)
        return {
            "mandate": head,
            "periods": {name: p.to_dict() for name, p in self.periods.items()},
            "clauses": [c.to_dict() for c in self.clauses],
        }


# --- patterns ------------------------------------------------------------------------------


def compile_pattern(pattern: str):  # type: ignore[no-untyped-def]
    """A case-insensitive, linear-time (RE2) pattern; ValueError names what RE2 refused."""
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid pattern"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"{reason} (patterns run on RE2, which has no backreferences or lookaround)"
        ) from None


# --- labels of values, for the reports people read -------------------------------------------

#: every enumerated value as people read it (marked for translation); JSON and CSV keep codes
VALUE_LABELS: dict[str, dict[str, str]] = {
    "level": {
        "federal": N_("federal"),
        "provincial": N_("provincial"),
        "territorial": N_("territorial"),
        "municipal": N_("municipal"),
        "other": N_("other"),
    },
    "event_type": {
        "general_election": N_("general election"),
        "by_election": N_("by-election"),
        "nomination_contest": N_("nomination contest"),
        "leadership_race": N_("leadership race"),
        "referendum": N_("referendum"),
        "non_electoral": N_("non-electoral"),
    },
    "evidence": {
        "adjudicated": N_("adjudicated"),
        "official_finding": N_("official finding"),
        "intelligence": N_("intelligence"),
        "press": N_("press"),
        "allegation": N_("allegation"),
    },
}
NOT_KNOWN = N_("unknown")


def value_label(field: str, value: Any) -> str:
    """A cell's value as the reports people read show it: an enumerated value's label in the
    current language ("not known" for `unknown`), any other text as given."""
    text = "" if value is None else str(value)
    labels = VALUE_LABELS.get(field)
    if labels is None:
        return text
    key = text.strip()
    if key == UNKNOWN:
        return _(NOT_KNOWN)
    label = labels.get(key)
    return _(label) if label is not None else text


def labelled_leaf(leaf: Leaf, periods: dict[str, Period]) -> Leaf:
    """A copy of `leaf` whose values read as labels: enumerated values by their label, named
    periods by their label (never their key)."""
    value = leaf.value
    if leaf.field in VALUE_LABELS and leaf.op in ("equals", "in", "not_in"):
        if isinstance(value, str):
            value = value_label(leaf.field, value)
        else:
            value = tuple(value_label(leaf.field, v) for v in value)
    elif leaf.field == "date" and isinstance(value, tuple):
        refs = []
        for ref in value:
            period = periods.get(ref.name or "") if isinstance(ref, RangeRef) else None
            label = localized(period, "label") if period is not None else None
            refs.append(replace(ref, label=label) if label else ref)
        value = tuple(refs)
    return replace(leaf, value=value)

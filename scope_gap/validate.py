"""Raw tables -> one clean table of valid incidents, plus invalid rows as data."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .dates import DateFormatError, DayOrder, read_date
from .errors import BadTableError, Location, date_problem, did_you_mean
from .i18n import _, ngettext
from .model import (
    COLUMNS,
    ENUMS,
    REQUIRED_COLUMNS,
    UNKNOWN,
    RawTable,
    column_letter,
    normalize_name,
)

MISSING_DAY = -1


@dataclass
class InvalidRow:
    origin: dict[str, Any]
    errors: list[tuple[str, str]]  # (column, message)
    fields: dict[str, str]
    position: int

    def error_texts(self) -> list[str]:
        return [f"{column}: {message}" for column, message in self.errors]

    def to_dict(self) -> dict[str, Any]:
        return {"origin": self.origin, "errors": self.error_texts(), "fields": self.fields}


@dataclass
class Table:
    """The valid incidents, one row each, and everything else the reports need to say."""

    frame: pd.DataFrame  # field text by key; enumerated values canonical, blank as ""
    date_start: np.ndarray  # first possible day (ordinal), MISSING_DAY when not known
    date_end: np.ndarray
    origins: pd.DataFrame  # path, sheet, row
    positions: np.ndarray  # order among all rows read (valid and invalid)
    columns: list[str]
    invalid: list[InvalidRow] = field(default_factory=list)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    _codes: dict[str, tuple[np.ndarray, list[str]]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def __len__(self) -> int:
        return len(self.frame)

    def text_codes(self, key: str) -> tuple[np.ndarray, list[str]]:
        """A column's text as (code per row, distinct texts), computed once per column.

        A column the table lacks reads as blank on every row."""
        if key not in self._codes:
            if key in self.frame:
                codes, uniques = pd.factorize(self.frame[key].astype(str), sort=False)
                self._codes[key] = (codes, [str(u) for u in uniques])
            else:
                self._codes[key] = (np.zeros(len(self), dtype=np.intp), [""])
        return self._codes[key]


def resolve_headers(table: RawTable) -> list[str]:
    """The key of each header cell: a contract column's canonical name, or the header as written."""
    keys: list[str] = []
    seen: dict[str, int] = {}
    for index, header in enumerate(table.headers):
        norm = normalize_name(header)
        key = norm if norm in COLUMNS else header
        if norm in seen:
            first = seen[norm]
            raise BadTableError(
                _(
                    "columns '{first}' ({first_letter}) and '{second}' ({second_letter}) "
                    "name the same column"
                ).format(
                    first=table.headers[first],
                    first_letter=column_letter(first),
                    second=header,
                    second_letter=column_letter(index),
                ),
                Location(table.path),
            )
        seen[norm] = index
        keys.append(key)
    missing = [name for name in REQUIRED_COLUMNS if name not in keys]
    if missing:
        hints = []
        for name in missing:
            hint = did_you_mean(
                name, [h for h in table.headers if normalize_name(h) not in COLUMNS]
            )
            hints.append(_("'{column}'{hint}").format(column=name, hint=hint))
        raise BadTableError(
            ngettext(
                "lacks the required column {columns} (required: {required})",
                "lacks the required columns {columns} (required: {required})",
                len(missing),
            ).format(columns=", ".join(hints), required=", ".join(REQUIRED_COLUMNS)),
            Location(table.path),
        )
    return keys


def _enum_lookup(column: str, values: pd.Series) -> tuple[dict[str, str], dict[str, str]]:
    """For each distinct cell text: its canonical value, or an error message."""
    allowed = ENUMS[column]
    canonical: dict[str, str] = {}
    problems: dict[str, str] = {}
    for text in values.unique():
        key = normalize_name(text)
        if not key:
            canonical[text] = ""
        elif key in allowed:
            canonical[text] = key
        else:
            problems[text] = _(
                "'{value}' is not an allowed value{hint}; allowed: {allowed}"
            ).format(
                value=text.strip(), hint=did_you_mean(key, allowed), allowed=", ".join(allowed)
            )
    return canonical, problems


def build_table(raw_tables: list[RawTable], day_order: DayOrder = None) -> Table:
    """Validate and combine tables; invalid rows become data, never exceptions.

    `day_order` says how to read a date such as 05/06/2021 (dates.read_date)."""
    frames = []
    columns: dict[str, None] = {}
    origin_paths: list[str] = []
    origin_sheets: list[str | None] = []
    origin_rows: list[int] = []
    beyond_all: dict[int, list[tuple[int, str]]] = {}  # row -> non-blank cells beyond the header
    inputs = []
    warnings: list[str] = []
    offset = 0
    for table in raw_tables:
        keys = resolve_headers(table)
        width = len(keys)
        padded = table.cells
        if set(map(len, table.cells)) - {width}:  # a row shorter or longer than the header
            padded = []
            for i, cells in enumerate(table.cells):
                if len(cells) > width:
                    extra = [(j, c) for j, c in enumerate(cells[width:], start=width) if c.strip()]
                    if extra:
                        beyond_all[offset + i] = extra
                    cells = cells[:width]
                elif len(cells) < width:
                    cells = cells + [""] * (width - len(cells))
                padded.append(cells)
        frame = (
            pd.DataFrame(padded, columns=keys, dtype=object)
            if padded
            else pd.DataFrame({k: pd.Series([], dtype=object) for k in keys})
        )
        # where each row came from is kept beside the frame, never among the input's columns
        # (whatever a header is named, `__row` too, it is carried through unchanged)
        origin_paths.extend([table.path] * len(frame))
        origin_sheets.extend([table.sheet] * len(frame))
        origin_rows.extend(table.rows)
        frames.append(frame)
        offset += len(frame)
        for key in keys:
            columns.setdefault(key, None)
        inputs.append({"path": table.path, "sha256": table.sha256, "rows": len(table.rows)})
        warnings.extend(table.warnings)

    ordered = [c for c in COLUMNS if c in columns] + [c for c in columns if c not in COLUMNS]
    if len(frames) == 1:
        data = frames[0]
    elif frames:
        data = pd.concat(frames, ignore_index=True)
    else:
        data = pd.DataFrame({c: pd.Series([], dtype=object) for c in ordered})
    for column in ordered:
        if column not in data:
            data[column] = ""
        elif len(frames) > 1 or data[column].dtype != object:  # concat leaves NaN in gaps
            data[column] = data[column].fillna("").astype(object)
    n = len(data)
    errors: dict[int, list[tuple[str, str]]] = {}
    has_error = np.zeros(n, dtype=bool)

    def flag(mask: np.ndarray, column: str, messages: Any) -> None:
        has_error[mask] = True
        for i in np.flatnonzero(mask).tolist():
            text = messages if isinstance(messages, str) else messages[i]
            errors.setdefault(i, []).append((column, text))

    ids = data["id"].astype(str).str.strip()
    # ids compared as people read them: NFC, invisible (format) characters set aside
    same_ids = ids.map(comparable_id) if n else ids
    flag((same_ids == "").to_numpy(), "id", _("is blank"))

    date_codes, date_texts = pd.factorize(data["date"].astype(str), sort=False)
    starts = np.full(len(date_texts), MISSING_DAY, dtype=np.int64)
    ends = starts.copy()
    problems: dict[int, str] = {}
    rewritten: dict[int, str] = {}  # distinct texts written in another form -> section 1's
    for u, text in enumerate(date_texts.tolist()):
        if not text.strip():
            continue
        try:
            read = read_date(text, day_order)
        except DateFormatError as exc:
            problems[u] = date_problem(exc)
            continue
        if read.other_form:
            rewritten[u] = read.text
        if read.interval is not None:
            starts[u], ends[u] = read.interval.start, read.interval.end
    date_codes = np.asarray(date_codes, dtype=np.int64)
    if rewritten and n:
        texts = np.array(
            [rewritten.get(u, t) for u, t in enumerate(date_texts.tolist())], dtype=object
        )
        data["date"] = texts[date_codes]
    if problems:
        bad_code = np.zeros(len(date_texts), dtype=bool)
        bad_code[list(problems)] = True
        bad_date = bad_code[date_codes]
        messages = np.array([problems.get(u, "") for u in range(len(date_texts))], dtype=object)
        flag(bad_date, "date", messages[date_codes])
    date_start, date_end = starts[date_codes], ends[date_codes]

    for column in ENUMS:
        if column not in ordered:
            continue
        codes, uniques = pd.factorize(data[column].astype(str), sort=False)
        canonical, problems_here = _enum_lookup(column, pd.Series(uniques, dtype=object))
        texts = uniques.tolist()
        if problems_here:
            messages = np.array([problems_here.get(t) for t in texts], dtype=object)[codes]
            flag(pd.notna(messages), column, messages)
        mapped = np.array([canonical.get(t, t) for t in texts], dtype=object)
        data[column] = mapped[codes] if n else data[column]

    for i, extra in beyond_all.items():
        shown = ", ".join(
            _("{letter}: '{value}'").format(letter=column_letter(j), value=c.strip())
            for j, c in extra[:3]
        )
        more = _(" and {count} more").format(count=len(extra) - 3) if len(extra) > 3 else ""
        has_error[i] = True
        errors.setdefault(i, []).append(
            (
                column_letter(extra[0][0]),
                _("non-blank cells beyond the header ({cells}{more})").format(
                    cells=shown, more=more
                ),
            )
        )

    candidate = ~has_error
    dup = np.zeros(n, dtype=bool)
    if candidate.any():
        dup[candidate] = same_ids[candidate].duplicated(keep="first").to_numpy()
    if dup.any():
        first_of = same_ids[candidate].drop_duplicates(keep="first")
        first_index = dict(zip(first_of.to_numpy(), first_of.index, strict=True))
        for k in np.flatnonzero(dup):
            j = first_index[same_ids.iat[k]]
            typed, first = ids.iat[k], ids.iat[j]
            where = {"id": typed, "path": origin_paths[j], "row": origin_rows[j]}
            message = (
                _("'{id}' is already used by {path} row {row}").format(**where)
                if typed == first
                else _(
                    "'{id}' is already used by {path} row {row}, typed '{first}' there (the "
                    "same id once Unicode normalisation and invisible characters are set aside)"
                ).format(first=first, **where)
            )
            errors.setdefault(int(k), []).append(("id", message))
    invalid_mask = has_error | dup

    invalid: list[InvalidRow] = []
    for i in map(int, np.flatnonzero(invalid_mask)):
        row = data.iloc[i]
        fields = {c: _text(row[c]) for c in ordered}
        for j, c in beyond_all.get(i, []):
            fields[f"(column {column_letter(j)})"] = c
        invalid.append(
            InvalidRow(
                origin=_origin(origin_paths[i], origin_sheets[i], origin_rows[i]),
                errors=errors[i],
                fields=fields,
                position=int(i),
            )
        )
    valid = ~invalid_mask
    if valid.all():
        frame = data[ordered]
    else:
        frame = data.loc[valid, ordered].reset_index(drop=True)
    origins = pd.DataFrame(
        {
            "path": np.array(origin_paths, dtype=object)[valid],
            "sheet": np.array(origin_sheets, dtype=object)[valid],
            "row": np.array(origin_rows, dtype=np.int64)[valid],
        }
    )
    return Table(
        frame=frame,
        date_start=date_start[valid],
        date_end=date_end[valid],
        origins=origins,
        positions=np.flatnonzero(valid),
        columns=ordered,
        invalid=invalid,
        inputs=inputs,
        warnings=warnings,
    )


def comparable_id(text: str) -> str:
    """An id as compared for duplicates: NFC, without format characters (zero-width spaces and
    joiners, bidi marks, BOM); reports show ids as typed."""
    if text.isascii():
        return text
    text = unicodedata.normalize("NFC", text)
    return "".join(c for c in text if unicodedata.category(c) != "Cf").strip()


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def _origin(path: Any, sheet: Any, row: Any) -> dict[str, Any]:
    return {
        "path": str(path),
        "sheet": None
        if sheet is None or (isinstance(sheet, float) and np.isnan(sheet))
        else str(sheet),
        "row": int(row),
    }


def is_known(values: pd.Series, column: str) -> np.ndarray:
    """Whether each value is known: not blank, and not the enumerated value `unknown`."""
    text = values.astype(str).str.strip()
    known = text != ""
    if column in ENUMS:
        known &= text != UNKNOWN
    return known.to_numpy(dtype=bool)

"""Raw tables -> one clean table of valid incidents, plus invalid rows as data."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .dates import DateFormatError, DayOrder, read_date
from .errors import BadTableError, Location, date_problem, did_you_mean
from .i18n import _, format_number, ngettext
from .model import (
    COLUMNS,
    ENUMS,
    REQUIRED_COLUMNS,
    UNKNOWN,
    RawTable,
    column_letter,
    normalize_name,
)
from .vocabulary import (
    EXACT,
    HEADER_SEARCH_ROWS,
    RANK,
    ColumnMap,
    HeaderMatch,
    canonical_value,
    fold,
    is_not_known,
    match_header,
    suggest_column,
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
    #: per valid row (index into frame), the cells read from another form, as typed
    as_given: dict[int, dict[str, str]] = field(default_factory=dict)
    #: how each input's header was read
    readings: list[HeaderReading] = field(default_factory=list)
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
                codes, uniques = pd.factorize(column_texts(self.frame[key]), sort=False)
                self._codes[key] = (codes, [str(u) for u in uniques])
            else:
                self._codes[key] = (np.zeros(len(self), dtype=np.intp), [""])
        return self._codes[key]


@dataclass
class HeaderReading:
    """How one table's header was read: the key of each header cell (None: a column our
    own reports compute, not carried), and what to say about it."""

    path: str
    matches: list[HeaderMatch]
    keys: list[str | None]
    header_row: int | None = None
    title_from_summary: bool = False
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """'Date of incident' → date, for every header cell (as `validate` prints them)."""
        out = []
        for match, key in zip(self.matches, self.keys, strict=True):
            if match.computed:
                read = _("(computed by scope-gap: not read)")
            elif key is None or match.column is None or key != match.column:
                read = _("(extra column, carried as it is)")
            else:
                read = key
            out.append(f"'{match.header}' → {read}")
        return out


def _same_column_error(table: RawTable, column: str, first: int, second: int) -> BadTableError:
    return BadTableError(
        _(
            "columns '{first}' ({first_letter}) and '{second}' ({second_letter}) "
            "name the same column"
        ).format(
            first=table.headers[first],
            first_letter=column_letter(first),
            second=table.headers[second],
            second_letter=column_letter(second),
        )
        + _(" ({column}); rename or remove one").format(column=column),
        Location(table.path),
    )


def resolve_headers(table: RawTable) -> HeaderReading:
    """The key of each header cell: a contract column's canonical name, or the header as
    written; two headers naming one column: the better spelled wins (SPEC 7)."""
    matches = [match_header(h, table.column_map) for h in table.headers]
    keys: list[str | None] = []
    warnings: list[str] = []
    best: dict[str, int] = {}  # column -> index of the header that names it
    extras: dict[str, int] = {}  # normalized extra header -> index
    for index, match in enumerate(matches):
        column = match.column
        if column is None:
            keys.append(None if match.computed else match.header)
            if not match.computed:
                norm = normalize_name(match.header)
                if norm in extras:
                    raise _same_column_error(table, match.header, extras[norm], index)
                extras[norm] = index
            continue
        keys.append(column)
        if column in best:
            other = best[column]
            rank, other_rank = RANK[match.how or ""], RANK[matches[other].how or ""]
            if rank == other_rank:
                raise _same_column_error(table, column, other, index)
            winner, loser = (other, index) if other_rank > rank else (index, other)
            best[column] = winner
            keys[loser] = table.headers[loser]
            warnings.append(
                _(
                    "{path}: '{loser}' ({loser_letter}) and '{winner}' ({winner_letter}) both "
                    "name {column}; '{winner}' is read as {column}, '{loser}' is carried as "
                    "an extra column"
                ).format(
                    path=table.path,
                    loser=table.headers[loser],
                    loser_letter=column_letter(loser),
                    winner=table.headers[winner],
                    winner_letter=column_letter(winner),
                    column=column,
                )
            )
        else:
            best[column] = index
    reading = HeaderReading(table.path, matches, keys, table.header_row, warnings=warnings)
    present = {k for k in keys if k in COLUMNS}
    absent = [c for c in COLUMNS if c not in present]
    suggestions: dict[str, list[str]] = {}
    for match, key in zip(matches, keys, strict=True):
        if key is not None and key not in COLUMNS:
            close = suggest_column(match.header, absent)
            if close:
                suggestions.setdefault(close, []).append(match.header)
    missing = [name for name in REQUIRED_COLUMNS if name not in present]
    if "title" in missing and "summary" in present:
        missing.remove("title")
        reading.title_from_summary = True
        warnings.append(
            _(
                "{path}: no title column; each title is the first sentence of the summary "
                "(at most {count} characters)"
            ).format(path=table.path, count=TITLE_CHARS)
        )
    if missing:
        hints = []
        for name in missing:
            near = suggestions.get(name)
            if near:
                hint = _(" ('{header}' may be {column})").format(header=near[0], column=name)
            else:
                hint = did_you_mean(
                    name, [h for h, k in zip(table.headers, keys, strict=True) if k == h]
                )
            hints.append(_("'{column}'{hint}").format(column=name, hint=hint))
        message = ngettext(
            "lacks the required column {columns} (required: {required})",
            "lacks the required columns {columns} (required: {required})",
            len(missing),
        ).format(columns=", ".join(hints), required=", ".join(REQUIRED_COLUMNS))
        if table.header_guessed and not present:
            message = _(
                "has no header row: no row among the first {count} non-blank rows names "
                "three of the columns; row {row}, the first, {problem} (give --header-row "
                "N, or map the columns with --columns FILE.yaml)"
            ).format(count=HEADER_SEARCH_ROWS, row=table.header_row, problem=message)
        raise BadTableError(message, Location(table.path))
    for column, headers in suggestions.items():
        warnings.append(
            _(
                "{path}: '{header}' may be {column}; it is carried as an extra column "
                "(name it in --columns FILE.yaml to read it as {column})"
            ).format(path=table.path, header=headers[0], column=column)
        )
    read_as = [
        line
        for line, match, key in zip(reading.lines(), matches, keys, strict=True)
        if match.column is not None and match.how != EXACT and key == match.column
    ]
    if read_as:
        warnings.append(
            _("{path}: columns read as: {columns}").format(
                path=table.path, columns=", ".join(read_as)
            )
        )
    computed = [m.header for m in matches if m.computed]
    if computed:
        warnings.append(
            ngettext(
                "{path}: column {columns} is computed by scope-gap's reports; not read "
                "(every status is decided again)",
                "{path}: columns {columns} are computed by scope-gap's reports; not read "
                "(every status is decided again)",
                len(computed),
            ).format(path=table.path, columns=", ".join(f"'{c}'" for c in computed))
        )
    return reading


#: a title taken from the summary is its first sentence, cut to this many characters
TITLE_CHARS = 120
_SENTENCE_END = re.compile(r"(?<=[.!?])\s")


def first_sentence(text: str) -> str:
    """A summary's first sentence, at most TITLE_CHARS characters (cut at a word, with …)."""
    text = " ".join(text.split())
    sentence = _SENTENCE_END.split(text, maxsplit=1)[0]
    if len(sentence) <= TITLE_CHARS:
        return sentence
    cut = sentence[: TITLE_CHARS - 1].rsplit(" ", 1)[0]
    return cut + "…"


def _enum_lookup(
    column: str, values: list[str], column_map: ColumnMap | None
) -> tuple[dict[str, str], dict[str, str], set[str]]:
    """For each distinct cell text: its canonical value or an error message, and the texts
    read from another form than section 1's."""
    allowed = ENUMS[column]
    canonical: dict[str, str] = {}
    problems: dict[str, str] = {}
    other: set[str] = set()
    for text in values:
        key = normalize_name(text)
        if not key:
            canonical[text] = ""
        elif key in allowed and not (column_map and column in column_map.values):
            canonical[text] = key
        else:
            value = canonical_value(column, text, column_map)
            if value is not None:
                canonical[text] = value
                if value != key:
                    other.add(text)
            elif key in allowed:
                canonical[text] = key
            else:
                problems[text] = _(
                    "'{value}' is not an allowed value{hint}; allowed: {allowed}"
                ).format(
                    value=text.strip(), hint=did_you_mean(key, allowed), allowed=", ".join(allowed)
                )
    return canonical, problems, other


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
    readings: list[HeaderReading] = []
    for table in raw_tables:
        reading = resolve_headers(table)
        readings.append(reading)
        # columns our reports compute get labels no header can have (headers are text)
        keys: list[Any] = [k if k is not None else i for i, k in enumerate(reading.keys)]
        width = len(keys)
        padded = table.cells
        if table.columns is not None:  # read as columns, as wide as the header
            padded = []
        elif set(map(len, table.cells)) - {width}:  # a row shorter or longer than the header
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
        if table.columns is not None:
            # the reader's arrays themselves, a block each (stacking them is a copy)
            frame = pd.DataFrame(dict(enumerate(table.columns)), dtype=object, copy=False)
            frame.columns = keys  # as the constructor makes its index of them
        elif padded:
            frame = pd.DataFrame(padded, columns=keys, dtype=object)
        else:
            frame = pd.DataFrame({k: pd.Series([], dtype=object) for k in keys})
        if None in reading.keys:
            frame = frame[[k for k in keys if isinstance(k, str)]]
        if reading.title_from_summary:
            frame["title"] = [first_sentence(str(t)) for t in frame["summary"].tolist()]
        # where each row came from is kept beside the frame, never among the input's columns
        # (whatever a header is named, `__row` too, it is carried through unchanged)
        origin_paths.extend([table.path] * len(frame))
        origin_sheets.extend([table.sheet] * len(frame))
        origin_rows.extend(table.rows)
        frames.append(frame)
        offset += len(frame)
        for key in frame.columns:
            columns.setdefault(key, None)
        inputs.append({"path": table.path, "sha256": table.sha256, "rows": len(table.rows)})
        warnings.extend(table.warnings)
        warnings.extend(reading.warnings)

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

    stripped = [text.strip() for text in column_texts(data["id"])]
    ids = pd.Series(stripped, index=data.index, dtype=object)
    # ids compared as people read them: NFC, invisible (format) characters set aside
    if "".join(stripped).isascii():  # comparable_id leaves ASCII as it is
        same_ids = ids
    else:
        same_ids = pd.Series(
            [t if t.isascii() else comparable_id(t) for t in stripped],
            index=data.index,
            dtype=object,
        )
    flag(same_ids.to_numpy() == "", "id", _("is blank"))

    column_map = next((t.column_map for t in raw_tables if t.column_map is not None), None)
    # cells read from another form than section 1's: (row, column) -> text as given
    given: dict[int, dict[str, str]] = {}
    other_counts: dict[str, int] = {}

    def remember(column: str, codes: np.ndarray, texts: list[str], other: set[str]) -> None:
        """Keep what was typed in the rows whose text was read from another form."""
        if not other:
            return
        flags = np.array([t in other for t in texts], dtype=bool)
        rows_here = np.flatnonzero(flags[codes])
        other_counts[column] = other_counts.get(column, 0) + len(rows_here)
        for i in rows_here.tolist():
            given.setdefault(i, {})[column] = texts[codes[i]].strip()

    for column in ordered:  # a `values:` map for a free-text column replaces the text
        mapping = column_map.values.get(column) if column_map else None
        if not mapping or column in ENUMS or column == "date":
            continue
        codes, uniques = pd.factorize(column_texts(data[column]), sort=False)
        texts = uniques.tolist()
        replaced = [mapping.get(fold(t), t) if t.strip() else t for t in texts]
        remember(column, codes, texts, {t for t, r in zip(texts, replaced, strict=True) if r != t})
        data[column] = np.array(replaced, dtype=object)[codes] if n else data[column]

    date_codes, date_uniques = pd.factorize(column_texts(data["date"]), sort=False)
    date_texts = date_uniques.tolist()
    date_map = column_map.values.get("date", {}) if column_map else {}
    starts = np.full(len(date_texts), MISSING_DAY, dtype=np.int64)
    ends = starts.copy()
    problems: dict[int, str] = {}
    written: list[str] = list(date_texts)  # the date as the reports write it
    date_other: set[str] = set()  # distinct texts read from another form than section 1's
    for u, text in enumerate(date_texts):
        stripped = text.strip()
        if not stripped:
            continue
        wanted = date_map.get(fold(stripped), stripped) if date_map else stripped
        try:
            read = read_date(wanted, day_order)
        except DateFormatError as exc:
            if is_not_known(wanted):  # the same not-known words as the enumerated columns
                written[u] = ""
                date_other.add(text)
            else:
                problems[u] = date_problem(exc)
            continue
        if read.other_form or wanted != stripped:
            written[u] = read.text
            date_other.add(text)
        if read.interval is not None:
            starts[u], ends[u] = read.interval.start, read.interval.end
    date_codes = np.asarray(date_codes, dtype=np.int64)
    if problems:
        bad_code = np.zeros(len(date_texts), dtype=bool)
        bad_code[list(problems)] = True
        bad_date = bad_code[date_codes]
        messages = np.array([problems.get(u, "") for u in range(len(date_texts))], dtype=object)
        flag(bad_date, "date", messages[date_codes])
    date_start, date_end = starts[date_codes], ends[date_codes]
    if date_other and n:
        remember("date", date_codes, date_texts, date_other)
        data["date"] = np.array(written, dtype=object)[date_codes]

    for column in ENUMS:
        if column not in ordered:
            continue
        codes, uniques = pd.factorize(column_texts(data[column]), sort=False)
        texts = uniques.tolist()
        canonical, problems_here, other = _enum_lookup(column, texts, column_map)
        if problems_here:
            messages = np.array([problems_here.get(t) for t in texts], dtype=object)[codes]
            flag(pd.notna(messages), column, messages)
        remember(column, codes, texts, other)
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
    bad_rows = np.flatnonzero(invalid_mask)
    # the invalid rows' cells taken column by column (a row at a time is ~30 µs each)
    bad_cells = {c: data[c].to_numpy(dtype=object)[bad_rows].tolist() for c in ordered}
    for n_bad, i in enumerate(map(int, bad_rows)):
        fields = {c: _text(bad_cells[c][n_bad]) for c in ordered}
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
    positions = np.flatnonzero(valid)
    as_given: dict[int, dict[str, str]] = {}
    if given:
        new_index = np.cumsum(valid) - 1
        as_given = {int(new_index[i]): cells for i, cells in given.items() if valid[i]}
    warnings.extend(_other_form_warning(other_counts))
    return Table(
        frame=frame,
        date_start=date_start[valid],
        date_end=date_end[valid],
        origins=origins,
        positions=positions,
        columns=ordered,
        invalid=invalid,
        inputs=inputs,
        warnings=warnings,
        as_given=as_given,
        readings=readings,
    )


def _other_form_warning(counts: dict[str, int]) -> list[str]:
    """How many values and dates were read from another form than section 1's."""
    dates = counts.get("date", 0)
    values = {c: k for c, k in counts.items() if c != "date" and k}
    if not dates and not values:
        return []
    parts = []
    if values:
        total = sum(values.values())
        parts.append(
            ngettext(
                "{count} value read from another form ({columns})",
                "{count} values read from another form ({columns})",
                total,
            ).format(
                count=format_number(total),
                columns=", ".join(f"{c}: {format_number(k)}" for c, k in values.items()),
            )
        )
    if dates:
        parts.append(
            ngettext(
                "{count} date read from another form",
                "{count} dates read from another form",
                dates,
            ).format(count=format_number(dates))
        )
    return [
        _("{what}; the JSON report keeps what was typed in each incident's as_given").format(
            what="; ".join(parts)
        )
    ]


def column_texts(values: pd.Series) -> Any:
    """A column's cells as text: its own object array when every cell is a str already (as
    the readers give them; no copy), else each cell converted with astype(str)."""
    if values.dtype == object:
        array = values.to_numpy()
        if pd.api.types.infer_dtype(array, skipna=False) == "string":
            return array
    return values.astype(str)


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

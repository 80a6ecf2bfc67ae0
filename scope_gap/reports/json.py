"""The JSON report: the machine-readable truth the other formats render.

The report is written one incident per line: the document is indented (two spaces) down to
the `incidents` and `invalid` lists, and each of their records is one compact line, as
`orjson.dumps(record)` writes it (`lines(report)` is the plain definition). With `indent`,
the whole document is indented instead, as `dumps(report)` writes it. Either way the bytes
depend only on the analysis, never on the run.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import orjson

# the engine's lists of texts as codes, and columns of str only, as the analysis hands them
from ..analysis import Lists, Texts
from . import Rendered

if TYPE_CHECKING:
    from ..analysis import Analysis, Columns

CHUNK_ROWS = 20_000  # incident records built and encoded at a time: bounds the memory added
RECORD_INDENT = 4  # where a record of `incidents` or `invalid` starts on its line


def dumps(report: dict[str, Any]) -> bytes:
    """UTF-8 JSON, indented; orjson because the standard library's indenting encoder is pure
    Python and took 16 s of a 20 s run on 100,000 incidents."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"


#: the lists of a report written one record per line, in the order they close the report
RECORD_LISTS = ("incidents", "invalid")


def lines(report: dict[str, Any]) -> bytes:
    """UTF-8 JSON, one record of `incidents` and of `invalid` per line (compact), the rest
    indented: the plain definition of what `render_json` writes (which builds the same bytes
    column by column)."""
    head = {key: value for key, value in report.items() if key not in RECORD_LISTS}
    out = [_head(head)]
    for key in RECORD_LISTS:
        out.append(_list_head(key, bool(report[key])))
        out += [_record_sep(i) + orjson.dumps(r) for i, r in enumerate(report[key])]
        out.append(_list_tail(bool(report[key])))
    return b"".join(out) + b"\n}\n"


def _head(head: dict[str, Any]) -> bytes:
    """The indented report without its record lists and without its closing brace."""
    return orjson.dumps(head, option=orjson.OPT_INDENT_2)[:-2]


def _list_head(key: str, any_records: bool) -> bytes:
    return b",\n  " + orjson.dumps(key) + (b": [" if any_records else b": []")


def _record_sep(i: int) -> bytes:
    return (b",\n" if i else b"\n") + b" " * RECORD_INDENT


def _list_tail(any_records: bool) -> bytes:
    return b"\n  ]" if any_records else b""


def render_json(analysis: Analysis, indent: bool | None = None) -> Rendered:
    """The report, byte for byte `lines(analysis.to_dict())` (with `indent`, or when the
    analysis asks for it, `dumps(analysis.to_dict())`), streamed in slices of records."""
    if indent is None:
        indent = analysis.json_indent
    return Rendered(lambda: _indented(analysis) if indent else _lines(analysis))


def _lines(analysis: Analysis) -> Iterator[bytes]:
    n = len(analysis.table)
    report = analysis.to_dict(incidents=False)
    invalid = report.pop("invalid")
    del report["incidents"]
    yield _head(report) + _list_head("incidents", n > 0)
    memo: dict[Any, Any] = {}  # each slot's texts, encoded once for every chunk
    for start in range(0, n, CHUNK_ROWS):
        body = encode_records(analysis.incident_columns(start, start + CHUNK_ROWS), None, memo)
        yield body if start else body[1:]
    yield _list_tail(n > 0) + _list_head("invalid", bool(invalid))
    yield b"".join(_record_sep(i) + orjson.dumps(r) for i, r in enumerate(invalid))
    yield _list_tail(bool(invalid)) + b"\n}\n"


def _indented(analysis: Analysis) -> Iterator[bytes]:
    n = len(analysis.table)
    if n == 0:
        yield dumps(analysis.to_dict())
        return
    marker = b'\n  "incidents": []'
    head, tail = dumps(analysis.to_dict(incidents=False)).split(marker, 1)
    yield head + b'\n  "incidents": ['
    memo: dict[Any, Any] = {}
    for start in range(0, n, CHUNK_ROWS):
        body = encode_records(analysis.incident_columns(start, start + CHUNK_ROWS), 4, memo)
        yield body if start else body[1:]
    yield b"\n  ]" + tail


def encode_records(
    columns: Columns, indent: int | None, memo: dict[Any, Any] | None = None
) -> bytes:
    """`,` and a new line before each record of `columns`, each record as orjson writes it:
    compact (`indent` None) at RECORD_INDENT spaces, or as `orjson.dumps(records,
    OPT_INDENT_2)` writes it at `indent` spaces. Byte for byte the same text, built column by
    column (a string is written as it is unless it needs escaping, a list of texts from the
    engine's codes, each text encoded once; the records' text is one join) instead of one
    dict per record, which took most of the report's time."""
    memo = {} if memo is None else memo
    parts: list[str | list[str]] = [",\n" + " " * (RECORD_INDENT if indent is None else indent)]
    _layout(columns, None if indent is None else indent + 2, parts, memo)
    pieces, values = [""], []
    for part in parts:
        if isinstance(part, str):
            pieces[-1] += part
        else:
            values.append(part)
            pieces.append("")
    rows = len(values[0]) if values else 0
    slots = 2 * len(values) + 1
    record: list[str] = [""] * slots  # the fixed text of one record, its values left blank
    record[::2] = pieces
    items = record * rows
    for j, column in enumerate(values):
        items[2 * j + 1 :: slots] = column
    return "".join(items).encode("utf-8")


def _layout(
    columns: Columns, key_indent: int | None, parts: list[str | list[str]], memo: dict[Any, Any]
) -> None:
    """The fixed text and the encoded value columns of one object, in order, into `parts`
    (compact when `key_indent` is None, else with its keys at `key_indent` spaces)."""
    if not columns:
        parts.append("{}")
        return
    pad = None if key_indent is None else "\n" + " " * key_indent
    parts.append("{")
    for i, (key, column) in enumerate(columns.items()):
        name = orjson.dumps(key).decode()
        if pad is None:
            parts.append(("," if i else "") + name + ":")
        else:
            parts.append(("," if i else "") + pad + name + ": ")
        if isinstance(column, dict):
            _layout(column, None if key_indent is None else key_indent + 2, parts, memo)
        elif isinstance(column, Lists):
            parts += _encode_lists(column, pad, memo)
        else:
            parts += _encode_column(column, pad)
    parts.append("}" if pad is None else "\n" + " " * (key_indent - 2) + "}")  # type: ignore[operator]


def _strings(column: list[str]) -> list[str]:
    """Each string as JSON writes it between its quotes: as it is, unless some need escaping
    (orjson's encoding of the list then holds a backslash)."""
    encoded = orjson.dumps(column)
    if b"\\" not in encoded:  # every escape orjson writes starts with a backslash
        return column
    # inside an encoded string every quote is escaped, so `","` only ever separates two
    return encoded.decode("utf-8")[2:-2].split('","')


def _encode_column(column: list[Any], pad: str | None) -> list[str | list[str]]:
    """One key's values encoded as JSON text; a value spanning lines is indented by `pad`
    (compact when `pad` is None)."""
    if isinstance(column, Texts):
        return ['"', _strings(column), '"']
    if not column:
        return [[]]
    if all(map(operator.is_, column, itertools.repeat(column[0]))):  # one shared object
        return [[_encode_value(column[0], pad)] * len(column)]
    kinds = set(map(type, column))
    if kinds == {str}:
        return ['"', _strings(column), '"']
    if kinds == {int}:
        return [orjson.dumps(column).decode()[1:-1].split(",")]
    # null, objects, anything else: once per distinct object, by identity (the column holds
    # them all while this runs)
    ids = list(map(id, column))
    distinct = dict(zip(ids, column, strict=True))
    encoded = {key: _encode_value(value, pad) for key, value in distinct.items()}
    return [list(map(encoded.__getitem__, ids))]


def _encode_value(value: Any, pad: str | None) -> str:
    if pad is None:
        return orjson.dumps(value).decode()
    return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode().replace("\n", pad)


def _encode_lists(lists: Lists, pad: str | None, memo: dict[Any, Any]) -> list[str | list[str]]:
    """A column of lists of texts from the engine's codes: each distinct list of the whole
    table encoded once (from its slots' texts, each encoded once), then picked row by row."""
    whole = lists.whole
    key = (id(whole), pad)
    if key not in memo:
        memo[key] = (whole, _encode_groups(whole, pad))
    inverse = whole.groups[0][lists.start : lists.start + len(lists)]
    return [memo[key][1][inverse].tolist()]


def _encode_groups(lists: Lists, pad: str | None) -> np.ndarray:
    """Each distinct list of `lists` as JSON text (an object array, in the order of
    `lists.groups`), built slot by slot over the lists at once."""
    item_pad = "" if pad is None else pad + "  "
    first = lists.groups[1]
    text = np.full(len(first), "[", dtype=object)
    seen = np.zeros(len(first), dtype=bool)
    for slot in lists.slots:
        encoded = [item_pad + orjson.dumps(t).decode() for t in slot.texts]
        table = np.array(encoded + ["," + e for e in encoded], dtype=object)
        table[0] = table[len(encoded)] = ""  # code 0: nothing
        codes = slot.codes[first]
        text = text + table[codes.astype(np.intp) + len(encoded) * seen]
        seen |= codes != 0
    closing = np.array(["]", "]" if pad is None else pad + "]"], dtype=object)
    return text + closing[seen.astype(np.intp)]

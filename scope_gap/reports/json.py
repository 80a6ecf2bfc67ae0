"""The JSON report: the machine-readable truth the other formats render."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from . import Rendered

if TYPE_CHECKING:
    from ..analysis import Analysis, Columns

CHUNK_ROWS = 20_000  # incident records built and encoded at a time: bounds the memory added


def dumps(report: dict[str, Any]) -> bytes:
    """UTF-8 JSON, indented; orjson because the standard library's indenting encoder is pure
    Python and took 16 s of a 20 s run on 100,000 incidents."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"


def render_json(analysis: Analysis) -> Rendered:
    """The report, byte for byte `dumps(analysis.to_dict())`, streamed in slices of records."""
    return Rendered(lambda: _pieces(analysis))


def _pieces(analysis: Analysis) -> Iterator[bytes]:
    n = len(analysis.table)
    if n == 0:
        yield dumps(analysis.to_dict())
        return
    marker = b'\n  "incidents": []'
    head, tail = dumps(analysis.to_dict(incidents=False)).split(marker, 1)
    yield head + b'\n  "incidents": ['
    for start in range(0, n, CHUNK_ROWS):
        body = encode_records(analysis.incident_columns(start, start + CHUNK_ROWS), 4)
        yield body if start else body[1:]
    yield b"\n  ]" + tail


#: what orjson escapes in a string (quote, backslash, control characters), and what it might
#: treat apart (DEL, the line and paragraph separators, lone surrogates, which it refuses):
#: a string without any of them is written as it is, between quotes
_SPECIAL = re.compile(r'[\x00-\x1f"\\\x7f\u2028\u2029\ud800-\udfff]')


def encode_records(columns: Columns, indent: int) -> bytes:
    """`,` before each record of `columns`, each as `orjson.dumps(records, OPT_INDENT_2)`
    writes it at `indent` spaces: byte for byte the same text, built column by column (a
    string is written as it is unless it needs escaping, a list is encoded once per distinct
    list object, the records' text is one join) instead of one dict per record, which took
    most of the report's time."""
    parts: list[str | list[str]] = ["," + "\n" + " " * indent]
    _layout(columns, indent + 2, parts)
    pieces, values = [""], []
    for part in parts:
        if isinstance(part, str):
            pieces[-1] += part
        else:
            values.append(part)
            pieces.append("")
    rows = len(values[0]) if values else 0
    slots = 2 * len(values) + 1
    items: list[str] = [""] * (rows * slots)
    for j, piece in enumerate(pieces):
        items[2 * j :: slots] = [piece] * rows
    for j, column in enumerate(values):
        items[2 * j + 1 :: slots] = column
    return "".join(items).encode("utf-8")


def _layout(columns: Columns, key_indent: int, parts: list[str | list[str]]) -> None:
    """The fixed text and the encoded value columns of one object, in order, into `parts`."""
    if not columns:
        parts.append("{}")
        return
    pad = "\n" + " " * key_indent
    parts.append("{")
    for i, (key, column) in enumerate(columns.items()):
        parts.append(("," if i else "") + pad + orjson.dumps(key).decode() + ": ")
        if isinstance(column, dict):
            _layout(column, key_indent + 2, parts)
        else:
            parts += _encode_column(column, pad)
    parts.append("\n" + " " * (key_indent - 2) + "}")


def _encode_column(column: list[Any], pad: str) -> list[str | list[str]]:
    """One key's values encoded as JSON text; a value spanning lines is indented by `pad`."""
    kinds = set(map(type, column))
    if kinds == {str}:
        if _SPECIAL.search("".join(column)):
            column = [orjson.dumps(v).decode()[1:-1] if _SPECIAL.search(v) else v for v in column]
        return ['"', column, '"']
    if kinds == {int}:
        return [list(map(str, column))]
    # lists (shared between rows with the same explanation), null, anything else: once per
    # distinct object, by identity (the column holds them all while this runs)
    ids = list(map(id, column))
    distinct = dict(zip(ids, column, strict=True))
    encoded = {
        key: orjson.dumps(value, option=orjson.OPT_INDENT_2).decode().replace("\n", pad)
        for key, value in distinct.items()
    }
    return [list(map(encoded.__getitem__, ids))]

"""The JSON report: the machine-readable truth the other formats render."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pandas as pd
from pandas.api.types import infer_dtype

CHUNK_ROWS = 20_000  # rows encoded and written at a time: bounds the memory the writer adds


def dumps(report: dict[str, Any]) -> bytes:
    """UTF-8 JSON, indented; orjson because the standard library's indenting encoder is pure
    Python and took 16 s of a 20 s run on 100,000 incidents."""
    return orjson.dumps(report, option=orjson.OPT_INDENT_2) + b"\n"


def write_json(analysis: Any, path: Path) -> None:
    """The report, byte for byte what `dumps(analysis.to_dict())` gives, written in chunks."""
    evaluation = analysis.evaluation
    if len(analysis.table) == 0 or len(evaluation.groups) != len(analysis.table):
        path.write_bytes(dumps(analysis.to_dict()))
        return
    marker = b'\n  "incidents": []'
    head, tail = dumps(analysis.to_dict(incidents=False)).split(marker, 1)
    with path.open("wb") as handle:
        handle.write(head + b'\n  "incidents": [')
        for number, chunk in enumerate(incident_chunks(analysis)):
            handle.write(chunk[1:] if number == 0 else chunk)  # no comma before the first
        handle.write(b"\n  ]" + tail)


def _nested(items: list[str], indent: bytes) -> bytes:
    """A list as OPT_INDENT_2 writes it at this depth."""
    return orjson.dumps(items, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n" + indent)


def _contents(values: list[str]) -> list[bytes]:
    """Each string's JSON encoding without its quotes, from one orjson call.

    Inside an encoded string every `"` is escaped, so `","` only ever separates items."""
    if not values:
        return []
    return orjson.dumps(values)[2:-2].split(b'","')


def _texts(column: pd.Series) -> list[str]:
    """Cell values as the report's text (blank for None)."""
    values = column.tolist()
    if infer_dtype(column, skipna=False) == "string":
        return values
    return ["" if v is None else str(v) for v in values]


def incident_chunks(analysis: Any) -> Iterator[bytes]:
    """The `incidents` array's items, each preceded by `,`, in chunks of rows.

    Rows that share status, covered_by, gaps, unknown and reasons (the evaluation's groups) share
    one encoding of them; every column is encoded with one orjson call per chunk; the
    pieces of a chunk are interleaved by slice assignment and joined once."""
    table, evaluation = analysis.table, analysis.evaluation
    n = len(table)
    keys = [str(k) for k in table.frame.columns]
    columns = [_texts(table.frame[k]) for k in keys]
    id_column = keys.index("id")

    six, eight = b"      ", b"        "
    nested: dict[int, bytes] = {}  # rows share list objects: encode each object once

    def encoded_list(items: list[str]) -> bytes:
        key = id(items)
        if key not in nested:
            nested[key] = _nested(items, six)
        return nested[key]

    group_bytes = np.empty(len(evaluation.group_rows), dtype=object)
    for g, row in enumerate(evaluation.group_rows.tolist()):
        group_bytes[g] = b"".join(
            [
                b'",\n      "status": ',
                orjson.dumps(str(evaluation.status[row])),
                b',\n      "covered_by": ',
                encoded_list(evaluation.covered_by[row]),
                b',\n      "gaps": ',
                encoded_list(evaluation.gaps[row]),
                b',\n      "unknown": ',
                encoded_list(evaluation.unknown[row]),
                b',\n      "reasons": ',
                encoded_list(evaluation.reasons[row]),
                b',\n      "as_given": ',
            ]
        )
    # what was typed, for the cells read from another form (most rows: none)
    after_given = b',\n      "origin": {\n        "path": '
    no_given = b"{}" + after_given
    given = table.as_given
    given_rows = sorted(given)
    paths = table.origins["path"].tolist()
    sheets = [None if not isinstance(s, str) else s for s in table.origins["sheet"].tolist()]
    origin_codes: dict[tuple[str, str | None], int] = {}
    origin_of = np.fromiter(
        (
            origin_codes.setdefault((str(p), s), len(origin_codes))
            for p, s in zip(paths, sheets, strict=True)
        ),
        dtype=np.int64,
        count=n,
    )
    origin_bytes = np.empty(len(origin_codes), dtype=object)
    for (path, sheet), code in origin_codes.items():
        origin_bytes[code] = (
            orjson.dumps(path) + b",\n" + eight + b'"sheet": ' + orjson.dumps(sheet) + b",\n"
            b'        "row": '
        )
    rows = [int(r) for r in table.origins["row"].tolist()]

    start = b',\n    {\n      "id": "'
    field_heads = [
        (b'\n      },\n      "fields": {\n' if j == 0 else b'",\n')
        + eight
        + orjson.dumps(key)
        + b': "'
        for j, key in enumerate(keys)
    ]
    end = b'"\n      }\n    }'
    stride = 6 + 2 * len(keys) + 1
    for a in range(0, n, CHUNK_ROWS):
        b = min(n, a + CHUNK_ROWS)
        m = b - a
        encoded = [_contents(column[a:b]) for column in columns]
        pieces: list[bytes | None] = [None] * (m * stride)
        pieces[0::stride] = [start] * m
        pieces[1::stride] = encoded[id_column]
        pieces[2::stride] = group_bytes[evaluation.groups[a:b]].tolist()
        as_given = [no_given] * m
        for i in given_rows[bisect_left(given_rows, a) : bisect_left(given_rows, b)]:
            as_given[i - a] = _nested(given[i], six) + after_given
        pieces[3::stride] = as_given
        pieces[4::stride] = origin_bytes[origin_of[a:b]].tolist()
        pieces[5::stride] = orjson.dumps(rows[a:b])[1:-1].split(b",")
        for j, values in enumerate(encoded):
            pieces[6 + 2 * j :: stride] = [field_heads[j]] * m
            pieces[7 + 2 * j :: stride] = values
        pieces[stride - 1 :: stride] = [end] * m
        yield b"".join(pieces)  # type: ignore[arg-type]

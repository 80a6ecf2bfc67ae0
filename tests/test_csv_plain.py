"""CSV in section 1's plain form is read as columns by pandas' C parser (readers/csv_plain.py);
every other file row by row. Both readers must give the same table: the same frame, origins,
invalid rows and their messages, warnings, as_given and inputs, or the same error."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scope_gap.errors import ScopeGapError
from scope_gap.readers import read_table
from scope_gap.readers.base import Limits, ReadOptions, limits_from_env
from scope_gap.readers.csv import read_csv, read_csv_rows
from scope_gap.readers.csv_plain import quoted_cells
from scope_gap.validate import Table, build_table

from .data.messy.make import CORPUS as MESSY
from .data.messy.make import write_corpus
from .test_hostile import make as hostile

ROOT = Path(__file__).resolve().parent.parent
HEADER = "id,title,date,level,event_type\n"


def flat(table: Table) -> dict[str, Any]:
    """Everything a validated table tells the reports, as plain data."""
    frame = table.frame
    return {
        "columns": [(repr(c), str(frame[c].dtype)) for c in frame.columns],
        "index": list(frame.index),
        "cells": {repr(c): frame[c].tolist() for c in frame.columns},
        "date_start": table.date_start.tolist(),
        "date_end": table.date_end.tolist(),
        "origins": table.origins.to_dict("list"),
        "origin_dtypes": [str(t) for t in table.origins.dtypes],
        "positions": table.positions.tolist(),
        "table_columns": table.columns,
        "invalid": [(r.to_dict(), r.position) for r in table.invalid],
        "inputs": table.inputs,
        "warnings": table.warnings,
        "as_given": table.as_given,
        "readings": [
            (r.path, r.keys, r.header_row, r.title_from_summary, r.warnings, r.lines())
            for r in table.readings
        ],
    }


def outcome(reader, data: bytes, limits: Limits, options: ReadOptions) -> Any:
    """What a reader and validation make of a file: the flattened table, or the error."""
    try:
        raw = reader(data, "in.csv", None, limits, options)
        read = (raw.headers, list(raw.rows), raw.header_row, raw.header_guessed, raw.warnings)
        return read, as_wide(raw), flat(build_table([raw], options.day_order))
    except ScopeGapError as exc:
        return ("error", type(exc).__name__, str(exc))


def as_wide(raw) -> list[list[str]]:
    """The raw cells, each row as wide as the header (a shorter row padded, blank cells
    beyond it dropped), as validation sees them."""
    width = len(raw.headers)
    rows = []
    for cells in raw.cells:
        cells = list(cells) + [""] * (width - len(cells))
        if not any(c.strip() for c in cells[width:]):
            cells = cells[:width]
        rows.append(cells)
    return rows


def check_same(data: bytes, limits: Limits | None = None, options: ReadOptions | None = None):
    """The two readers agree on `data`; returns whether the plain reader read it."""
    limits, options = limits or Limits(), options or ReadOptions()
    try:
        plain = read_csv(data, "in.csv", None, limits, options).columns is not None
    except ScopeGapError:
        plain = False
    assert outcome(read_csv, data, limits, options) == outcome(read_csv_rows, data, limits, options)
    return plain


def synthetic(n: int, seed: int = 7) -> bytes:
    """Incidents like benchmarks/generate.py's, with blank rows, invalid and other-form
    values, duplicate ids and quoted cells among them."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["id", "title", "date", "level", "event_type", "actor", "summary", "evidence", "notes"]
    )
    for i in range(n):
        roll = rng.random()
        if roll < 0.02:
            out.write("\n" if rng.random() < 0.5 else ",,, ,\n")
            continue
        writer.writerow(
            [
                rng.choice([f"G-{i}", f"G-{i}", f"G-{i}", f" G-{i} ", "", f"G-{i // 2}"]),
                rng.choice([f"Incident {i}", "Title, with a comma", 'A "quoted" word', ""]),
                rng.choice(["2019", "2021-09", "2019-10-21", "", "June 2022", "Summer 2021"]),
                rng.choice(["federal", "Federal", "fédéral", "", "unknown", "galactic"]),
                rng.choice(["general_election", "By-election", "", "n/a", "wedding"]),
                rng.choice(["PRC", "PRC; Russia", ""]),
                rng.choice(["One line.", "Two\nlines.", "With\r\nCRLF.", ""]),
                rng.choice(["intelligence", "press", "Renseignement", ""]),
                rng.choice(["", "x" * rng.randint(0, 30)]),
            ]
        )
    return out.getvalue().encode("utf-8")


# --- which path a file takes -----------------------------------------------------------------


def test_a_plain_file_is_read_as_columns():
    data = (HEADER + "A1,Funding,2019-10-21,federal,general_election\n").encode()
    table = read_csv(data, "in.csv")
    assert table.columns is not None
    assert [list(c) for c in table.columns] == [
        ["A1"],
        ["Funding"],
        ["2019-10-21"],
        ["federal"],
        ["general_election"],
    ]
    assert table.cells[0] == ["A1", "Funding", "2019-10-21", "federal", "general_election"]
    assert table.rows == [2] and table.header_row == 1


def test_a_windows_1252_file_is_read_as_columns_with_the_warning():
    data = HEADER.encode() + "A1,Fédéral,2019,fédéral,\n".encode("cp1252")
    table = read_csv(data, "in.csv")
    assert table.columns is not None and table.cells[0][1] == "Fédéral"
    assert table.warnings == [
        "in.csv: not UTF-8 (byte 0xE9 on line 2); read as Windows-1252 "
        "(use --encoding to choose another)"
    ]


def test_a_late_byte_that_is_not_utf8_is_found(tmp_path):
    rows = "".join(f"A{i},t,2019,,\n" for i in range(20_000))  # more than a parser chunk
    data = (HEADER + rows).encode() + "A,Fédéral,2019,,\n".encode("cp1252")
    assert check_same(data)
    assert read_csv(data, "in.csv").warnings[0].startswith("in.csv: not UTF-8 (byte 0xE9 on")


def test_the_benchmark_file_is_read_as_columns(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "incidents.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "generate.py"), "500", str(path)], check=True
    )
    assert read_table(path).columns is not None
    assert read_table(ROOT / "data" / "incidents.csv").columns is not None


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"\xef\xbb\xbf" + HEADER.encode() + b"A1,t,2019,federal,\n", id="utf8-bom"),
        pytest.param(HEADER.replace(",", ";").encode() + b"A1;t;2019;;\n", id="semicolon"),
        pytest.param(HEADER.encode() + b'A1,"t, quoted",2019,,\r\n', id="crlf-quoted"),
        pytest.param(HEADER.encode() + b'A1,"two\nlines",2019,,\n\n\n', id="blank-rows"),
        pytest.param(HEADER.encode() + "A1,Fédéral,2019,fédéral,\n".encode(), id="utf8"),
        pytest.param(b"Identifiant,Titre,Date de l'incident,Palier\nQ1,t,2019,\n", id="french"),
        pytest.param(HEADER.encode() + b"A1,t\n", id="short-row"),
        pytest.param(HEADER.encode() + b'A1,t,2019,,""', id="quoted-at-the-end"),
        pytest.param(HEADER.encode() + b'A1,"a ""word""",2019,,\n', id="doubled-quotes"),
        pytest.param(HEADER.encode() + b"A1,t,galactic,2019,\n", id="invalid-values"),
        pytest.param(HEADER.encode() + "A1,Fédéral,2019,,\n".encode("cp1252"), id="cp1252"),
    ],
)
def test_plain_forms_take_the_fast_path(data):
    assert check_same(data)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"A title row\n" + HEADER.encode() + b"A1,t,2019,,\n", id="title-row"),
        pytest.param(("\ufeff" + HEADER + "A1,t,2019,,\n").encode("utf-16"), id="utf-16"),
        pytest.param(HEADER.encode() + b"A1,\x81\xe9,2019,,\n", id="neither-utf8-nor-cp1252"),
        pytest.param(HEADER.encode() + b'A1,"t"x,2019,,\n', id="text-after-quote"),
        pytest.param(HEADER.encode() + b'A1,"t,2019,,\n', id="quote-left-open"),
        pytest.param(HEADER.encode() + b'A1,a "word",2019,,\n', id="quote-inside-a-cell"),
        pytest.param(HEADER.encode() + b"A1,t,2019,,,,x\n", id="cells-beyond-the-header"),
        pytest.param(HEADER.encode() + b"A1,t\x00,2019,,\n", id="nul"),
        pytest.param(b"\n" + HEADER.encode() + b"A1,t,2019,,\n", id="blank-first-row"),
        pytest.param(b"id,title\nA1,t\n", id="no-header"),
    ],
)
def test_other_forms_take_the_row_reader(data):
    assert not check_same(data)


def test_a_line_over_the_cell_limit_takes_the_row_reader():
    data = (HEADER + "A1," + "x" * 50 + ",2019,,\n").encode()
    assert not check_same(data, Limits(cell_chars=40))
    assert check_same(data, Limits(cell_chars=60))


def test_a_header_row_option_other_than_one_takes_the_row_reader():
    data = (HEADER + "A1,t,2019,,\n").encode()
    assert check_same(data, options=ReadOptions(header_row=1))
    assert not check_same(data, options=ReadOptions(header_row=2))
    assert not check_same(data, options=ReadOptions(encoding="utf-8"))


# --- the same table either way ---------------------------------------------------------------


def test_the_synthetic_incidents_give_the_same_table():
    data = synthetic(3000)
    assert check_same(data)
    raw = read_csv(data, "in.csv")
    table = build_table([raw])
    assert table.invalid and table.as_given and table.warnings  # the corpus exercises them
    assert raw.rows[-1] > len(raw.rows) + 1  # blank rows skipped, and counted


def test_the_limits_give_the_same_errors():
    data = synthetic(300)
    for limits in [Limits(rows=100), Limits(columns=5), Limits(cell_chars=20)]:
        assert not check_same(data, limits)
    for limits in [Limits(rows=300), Limits(columns=9)]:
        assert check_same(data, limits)


@pytest.mark.parametrize(
    "case",
    [c for c in hostile.CASES if c.kind == "table" and c.name.endswith(".csv")],
    ids=lambda c: c.name,
)
def test_each_hostile_csv_gives_the_same_table(case):
    check_same(case.build(), limits_from_env(case.env), ReadOptions())


@pytest.mark.parametrize("case", [c for c in MESSY if c.name.endswith(".csv")], ids=str)
def test_each_messy_csv_gives_the_same_table(case, tmp_path):
    write_corpus(tmp_path)
    options = dict(case.options)
    if case.columns:
        options["columns"] = tmp_path / f"{case.name}.columns.yaml"
    check_same((tmp_path / case.name).read_bytes(), options=ReadOptions.of(options))


def test_the_bundled_data_gives_the_same_table():
    assert check_same((ROOT / "data" / "incidents.csv").read_bytes())
    for path in sorted((ROOT / "tests" / "data").glob("*.csv")):
        check_same(path.read_bytes())


# bytes that matter to a CSV reader, and values that matter to validation
PIECES = [
    "A1", "A2", " A1", "é", "\u200b", "2019", "2019-10", "June 2022", "x/y", "federal",
    "Fédéral", "galactic", "unknown", "n/a", "general_election", ",", ";", "\t", '"', '""',
    "\n", "\r\n", "\r", " ", "\u00a0", "\ufeff", "id", "title", "date", "level", "event_type",
]  # fmt: skip


@st.composite
def csv_files(draw) -> bytes:
    header = draw(
        st.sampled_from(
            [HEADER, "id;title;date;level;event_type\n", "id,title,date,level,event_type,,\n",
             "id\ttitle\tdate\tlevel\tevent_type\r\n",
             "Identifiant,Titre,Date,Palier,Type d'événement,Notes\n", "id,title,date\r\n", ""]
        )
    )  # fmt: skip
    body = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=60)))
    if draw(st.booleans()):  # well quoted cells, as a CSV writer makes them
        out = io.StringIO()
        rows = draw(st.lists(st.lists(st.sampled_from(PIECES), max_size=6), max_size=6))
        csv.writer(out, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))).writerows(rows)
        body = out.getvalue() + body
    data = (header + body).encode(
        draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])), errors="replace"
    )
    return data + draw(st.sampled_from([b"", b"\xe9", b"\x81"]))  # not UTF-8, not cp1252


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    csv_files(),
    st.sampled_from([Limits(), Limits(cell_chars=8), Limits(rows=3), Limits(columns=5)]),
)
def test_any_file_gives_the_same_table_either_way(data, limits):
    check_same(data, limits)


@given(st.text(alphabet='ab,"\n\r', max_size=30))
def test_plain_quotes_are_ones_the_csv_module_accepts(text):
    if quoted_cells(text.encode(), 0, ord(",")) is not None:
        csv.field_size_limit(Limits().cell_chars)  # the row reader sets it for each file
        list(csv.reader(io.StringIO(text, newline=""), strict=True))  # raises if not

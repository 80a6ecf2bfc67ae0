"""The benchmark scripts run, the hand-written reference agrees with scope-gap, and the fast
paths written for speed give exactly what the plain ones give. Never asserts times."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scope_gap
from scope_gap.analysis import _records
from scope_gap.reports.json import dumps, encode_records, lines, render_json

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import reference  # noqa: E402


@pytest.fixture
def incidents(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.csv"
    # enough rows for every combination of level, event type and period the generator makes
    subprocess.run([sys.executable, str(BENCH / "generate.py"), "5000", str(path)], check=True)
    return path


def test_generator_is_seeded(tmp_path: Path) -> None:
    assert list(generate.rows(50)) == list(generate.rows(50))


def test_reference_gives_scope_gap_statuses(incidents: Path) -> None:
    frame = pd.read_csv(incidents, dtype=str, keep_default_na=False)
    analysis = scope_gap.analyze(incidents, "hogue-2023")
    assert reference.classify(frame).tolist() == analysis.evaluation.status.tolist()


def test_reference_gives_scope_gap_statuses_on_bundled_data() -> None:
    frame = pd.read_csv(ROOT / "data" / "incidents.csv", dtype=str, keep_default_na=False)
    analysis = scope_gap.analyze()
    assert reference.classify(frame).tolist() == analysis.evaluation.status.tolist()


def test_reference_script_writes_the_rows(incidents: Path, tmp_path: Path) -> None:
    out = tmp_path / "reference.json"
    subprocess.run(
        [sys.executable, str(BENCH / "reference.py"), str(incidents), str(out)], check=True
    )
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert len(rows) == 5000 and {"id", "status", "date"} <= set(rows[0])


def test_reference_script_writes_the_rows_to_excel(incidents: Path, tmp_path: Path) -> None:
    out = tmp_path / "reference.xlsx"
    subprocess.run(
        [sys.executable, str(BENCH / "reference.py"), str(incidents), str(out)], check=True
    )
    frame = pd.read_excel(out, dtype=str, keep_default_na=False, engine="openpyxl")
    assert len(frame) == 5000 and list(frame.columns[:2]) == ["id", "status"]


TRICKY = [
    'quote " and "," inside',
    "back\\slash\\",
    "",
    "new\nline and tab\t",
    "accents éà and emoji 🙂",
    "\x01 control",
    '","',
    "\\",
    '"',
    "\x7f delete and \u2028 line separator",
]


def test_json_writer_matches_plain_encoding(tmp_path: Path) -> None:
    n = 45_000  # more than one chunk
    frame = pd.DataFrame(
        {
            "id": [f"X-{i}" for i in range(n)],
            "title": [TRICKY[i % len(TRICKY)] for i in range(n)],
            "date": [["2019-10", "", "2021", "2022-01-05/2023"][i % 4] for i in range(n)],
            "level": [["federal", "municipal", "", "unknown", "other"][i % 5] for i in range(n)],
            "event_type": [["general_election", "", "leadership_race"][i % 3] for i in range(n)],
            "Other Column": [TRICKY[(i * 7) % len(TRICKY)] for i in range(n)],
        }
    )
    frame.loc[3, "date"] = "not a date"  # an invalid row too
    analysis = scope_gap.analyze([frame, frame.head(5).assign(id=lambda f: "Y" + f["id"])])
    assert_plain_encoding(analysis, tmp_path)


def assert_plain_encoding(analysis: scope_gap.Analysis, tmp_path: Path) -> None:
    # the streamed report, built column by column, is the plain encoding of to_dict(): one
    # record per line, or (indent) orjson's indented document; both read back as to_dict()
    report = analysis.to_dict()
    out = tmp_path / "report.json"
    render_json(analysis).save(out)
    written = out.read_bytes()
    assert written == lines(report)
    assert json.loads(written) == json.loads(json.dumps(report))
    records = written.split(b'\n  "incidents": [\n', 1)[1].split(b"\n  ]", 1)[0].split(b"\n")
    assert [json.loads(r.strip().rstrip(b",")) for r in records] == report["incidents"]
    render_json(analysis, indent=True).save(out)
    assert out.read_bytes() == dumps(report)


def test_json_writer_matches_plain_encoding_for_sheets(tmp_path: Path) -> None:
    source = tmp_path / "in.xlsx"
    pd.DataFrame(
        {
            "id": ["a", "b"],
            "title": ["t", 'q"'],
            "date": ["2020", ""],
            "level": ["", "federal"],
            "event_type": ["", "general_election"],
        }
    ).to_excel(source, index=False, sheet_name="Données")
    analysis = scope_gap.analyze(source)
    assert_plain_encoding(analysis, tmp_path)


def test_per_row_engines_give_scope_gap_statuses(incidents: Path) -> None:
    pytest.importorskip("rule_engine", reason="pip install -e '.[bench]'")
    pytest.importorskip("json_logic", reason="pip install -e '.[bench]'")
    import run

    frame = pd.read_csv(incidents, dtype=str, keep_default_na=False)
    rows = run.engine_rows(frame)
    expected = scope_gap.analyze(incidents, "hogue-2023").evaluation.status.tolist()
    assert run.rule_engine_statuses(rows) == expected
    assert run.json_logic_statuses(rows) == expected


def test_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    pytest.importorskip("rule_engine", reason="pip install -e '.[bench]'")
    pytest.importorskip("json_logic", reason="pip install -e '.[bench]'")
    out = tmp_path / "RESULTS.md"
    subprocess.run(
        [
            sys.executable,
            str(BENCH / "run.py"),
            "--sizes",
            "300",
            "--xlsx-sizes",
            "200",
            "--engine-rows",
            "100",
            "--repeat",
            "1",
            "--out",
            str(out),
            "--work",
            str(tmp_path / "w"),
        ],
        check=True,
        capture_output=True,
    )
    text = out.read_text(encoding="utf-8")
    # a row per target, each with its reference and its verdict
    for target in (
        "1. `analyze -f json`, 300 incidents",
        "2. whole `analyze -f xlsx`, 200 incidents",
        "2. xlsx rendering alone, 200 incidents",
        "3. classification with explanations vs rule-engine, 300 incidents",
        "4. peak memory of `-f json`, 300 incidents",
        "4. peak memory with every format",
        "5. bundled `analyze`",
        "5. `scope-gap --help`",
    ):
        row = next(line for line in text.splitlines() if line.startswith(f"| {target}"))
        assert row.count(" | ") == 7 and ("met" in row or "missed" in row), row


json_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=6)
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | json_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(json_text, inner, max_size=3),
    max_leaves=6,
)


@settings(max_examples=300, deadline=None)
@given(
    keys=st.lists(json_text, min_size=1, max_size=4, unique=True),
    rows=st.integers(1, 4),
    data=st.data(),
)
def test_column_encoder_writes_what_orjson_writes(keys, rows, data) -> None:
    # any column of any JSON values, nested objects too, gives the plain encoder's bytes
    columns: dict = {}
    for key in keys:
        if data.draw(st.booleans()):
            columns[key] = {"inner": data.draw(st.lists(json_value, min_size=rows, max_size=rows))}
        else:
            kind = data.draw(st.sampled_from([json_text, json_value, st.lists(json_text)]))
            columns[key] = data.draw(st.lists(kind, min_size=rows, max_size=rows))
    records = _records(columns)
    plain = orjson.dumps(records, option=orjson.OPT_INDENT_2)[1:-2].replace(b"\n", b"\n  ")
    assert encode_records(columns, 4)[1:] == plain
    compact = b"".join(b",\n    " + orjson.dumps(r) for r in records)
    assert encode_records(columns, None) == compact


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(st.lists(json_text, min_size=1, max_size=4), min_size=0, max_size=4),
    rows=st.integers(1, 5),
    data=st.data(),
)
def test_lists_from_codes_encode_as_their_lists(texts, rows, data) -> None:
    # lists kept as the engine's codes (a text, or nothing, per slot and row) are written
    # exactly as orjson writes the lists they stand for, compact and indented, sliced too
    from scope_gap.engine import Lists, Slot

    slots = [
        Slot(
            np.array(data.draw(st.lists(st.integers(0, len(t)), min_size=rows, max_size=rows))),
            ["", *t],
        )
        for t in texts
    ]
    lists = Lists(slots, rows)
    start = data.draw(st.integers(0, rows - 1))
    for column in (lists, lists[start:]):
        as_lists = column.tolist()
        assert as_lists == [
            [s.texts[c] for s in column.slots for c in [int(s.codes[i])] if c]
            for i in range(len(column))
        ]
        records = _records({"k": column, "n": list(range(len(column)))})
        assert [r["k"] for r in records] == as_lists
        plain = orjson.dumps(records, option=orjson.OPT_INDENT_2)[1:-2].replace(b"\n", b"\n  ")
        assert encode_records({"k": column, "n": list(range(len(column)))}, 4)[1:] == plain
        compact = b"".join(b",\n    " + orjson.dumps(r) for r in records)
        assert encode_records({"k": column, "n": list(range(len(column)))}, None) == compact


BUNDLED_MANDATES = ["hogue-2023", "nsicop-2024", "nsira-2024", "whole-of-government"]


def odd_table() -> pd.DataFrame:
    # dates of every form and width, blank and unknown values, values of other case/spacing
    dates = [
        "2019-10",
        "",
        "2021",
        "2022-01-05/2023",
        "2019-09-11",
        "2021-08-15/2021-11-15",
        "2015-10-19",
        "2019-10-21/2019-10-22",
        "0001-01-01",
        "9999-12-31",
        "2019-12",
    ]
    levels = ["federal", "municipal", "", "unknown", "provincial", "territorial", "other"]
    events = ["general_election", "", "leadership_race", "nomination_contest", "unknown", "other"]
    n = 2_000
    return pd.DataFrame(
        {
            "id": [f"O-{i}" for i in range(n)],
            "title": [TRICKY[i % len(TRICKY)] for i in range(n)],
            "date": [dates[i % len(dates)] for i in range(n)],
            "level": [levels[(i // 3) % len(levels)] for i in range(n)],
            "event_type": [events[(i // 7) % len(events)] for i in range(n)],
            "actor": [["PRC", "", "India; PRC", "Russia"][i % 4] for i in range(n)],
        }
    )


@pytest.mark.parametrize("mandate", BUNDLED_MANDATES)
def test_leaves_decided_per_distinct_value_as_row_by_row(mandate) -> None:
    # the fast path (a leaf decided once per distinct value, spread by code) gives what the
    # operator gives row by row, for every leaf of every bundled mandate
    from scope_gap.engine import column_of, evaluate_leaf
    from scope_gap.model import leaves
    from scope_gap.operators import OPERATORS

    for source in (None, odd_table()):  # the bundled incidents, and odd ones
        analysis = scope_gap.analyze(source, mandate)
        table = analysis.table
        for clause in analysis.mandate.clauses:
            for leaf, _negated in leaves(clause.when):
                row_by_row = OPERATORS[leaf.op].truth(leaf, column_of(leaf.field, table))
                assert evaluate_leaf(leaf, table).tolist() == row_by_row.tolist(), leaf


@pytest.mark.parametrize("mandate", BUNDLED_MANDATES)
def test_lists_kept_as_codes_give_the_lists_and_counts(mandate) -> None:
    # the explanation lists made from codes, their groups and their counts agree with the
    # lists row by row
    from collections import Counter

    analysis = scope_gap.analyze(odd_table(), mandate)
    ev = analysis.evaluation
    for key in ("covered_by", "gaps", "unknown", "reasons"):
        lists = ev.lists[key]
        rows = getattr(ev, key)
        assert rows == [
            [s.texts[int(s.codes[i])] for s in lists.slots if s.codes[i]] for i in range(len(rows))
        ]
        assert lists.counts() == Counter(item for row in rows for item in row)
        groups, first = lists.groups
        assert all(rows[i] == rows[int(first[g])] for i, g in enumerate(groups.tolist()))
        assert lists[5:17].tolist() == rows[5:17]
    for key in ("gaps", "unknown"):
        assert all(len(set(row)) == len(row) for row in getattr(ev, key))


def test_dates_that_cannot_be_packed_are_decided_row_by_row(monkeypatch) -> None:
    # the fallback: when the dates' (start, end) cannot be packed into one integer, the leaf is
    # decided row by row, with the same result
    from scope_gap import engine

    analysis = scope_gap.analyze(odd_table(), "hogue-2023")
    fast = engine.evaluate(analysis.mandate, analysis.table)
    monkeypatch.setattr(engine, "_DAY_BOUND", 2)  # every day ordinal is "too large" now
    assert engine.distinct_column("date", analysis.table) is None
    slow = engine.evaluate(analysis.mandate, analysis.table)
    assert slow.status.tolist() == fast.status.tolist()
    assert slow.reasons == fast.reasons and slow.gaps == fast.gaps

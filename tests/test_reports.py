import csv
import hashlib
import io
import json

import pytest

import scope_gap
from scope_gap.reports import Rendered, write_file, write_reports


def test_json_report_has_exactly_the_contract_shape(tmp_path, make_csv, make_mandate):
    incidents = make_csv(
        [
            ["X", "t", "2019-05", "federal", "general_election"],
            ["Y", "t", "2022", "municipal", ""],
            ["Z", "", "never", "", ""],
        ],
        header=[
            "id",
            "title",
            "date",
            "level",
            "event_type",
        ],
    )
    mandate = make_mandate()
    report = scope_gap.analyze(incidents, mandate).to_dict()
    assert list(report) == [
        "schema_version",
        "tool",
        "mandate",
        "inputs",
        "warnings",
        "summary",
        "incidents",
        "invalid",
    ]
    assert report["schema_version"] == 2
    assert report["warnings"] == []
    assert report["tool"] == {"name": "scope-gap", "version": scope_gap.__version__}
    assert report["mandate"] == {
        "id": "test-mandate",
        "title": "Test inquiry",
        "authority": None,
        "url": None,
        "sha256": hashlib.sha256(mandate.read_bytes()).hexdigest(),
    }
    assert report["inputs"] == [
        {
            "path": str(incidents),
            "sha256": hashlib.sha256(incidents.read_bytes()).hexdigest(),
            "rows": 3,
        }
    ]
    summary = report["summary"]
    assert list(summary) == [
        "total",
        "in_scope",
        "context_only",
        "out_of_scope",
        "indeterminate",
        "invalid",
        "by_gap",
        "by_unknown",
        "by_level",
        "finding",
    ]
    assert (summary["total"], summary["in_scope"], summary["context_only"], summary["invalid"]) == (
        3,
        1,
        1,
        1,
    )
    incident = report["incidents"][0]
    assert list(incident) == [
        "id",
        "status",
        "covered_by",
        "gaps",
        "unknown",
        "reasons",
        "as_given",
        "origin",
        "fields",
    ]
    assert summary["finding"] == (
        "Of 2 incidents, 1 is within the mandate, 1 only as background; 1 row could not be read."
    )
    assert incident["origin"] == {"path": str(incidents), "sheet": None, "row": 2}
    assert incident["fields"] == {
        "id": "X",
        "title": "t",
        "date": "2019-05",
        "level": "federal",
        "event_type": "general_election",
    }
    invalid = report["invalid"][0]
    assert list(invalid) == ["origin", "errors", "fields"]
    assert invalid["origin"]["row"] == 4
    assert invalid["errors"][0].startswith("date: 'never' is not a date")
    json.dumps(report)  # plain JSON types only


def test_json_of_the_bundled_data_adds_up():
    summary = scope_gap.analyze().to_dict()["summary"]
    parts = ["in_scope", "context_only", "out_of_scope", "indeterminate", "invalid"]
    assert summary["total"] == sum(summary[p] for p in parts)
    assert (
        sum(sum(v.values()) for v in summary["by_level"].values())
        == summary["total"] - summary["invalid"]
    )


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]


def _csv_rows(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel on Windows needs the BOM to read UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_report_columns_rows_and_origins(tmp_path, make_csv, make_mandate):
    incidents = make_csv(
        [
            ["X", "t", "2019-05", "federal", "general_election", "n", "x1"],
            ["Y", "t", "bad", "", "", "", ""],
        ],
        header=["id", "title", "date", "level", "event_type", "notes", "Region"],
    )
    analysis = scope_gap.analyze(incidents, make_mandate())
    [path] = write_reports(analysis, tmp_path / "out", ["csv"]).paths
    rows = _csv_rows(path)
    assert rows[0] == [
        "ID",
        "Title",
        "Date",
        "Level",
        "Event type",
        "Status",
        "Gap",
        "Why",
        "Covered by",
        "Notes",
        "Region",
        "Unknown",
        "Origin",
    ]
    assert rows[1][:6] == ["X", "t", "2019-05", "federal", "general_election", "in_scope"]
    assert rows[1][-2] == ""
    assert rows[1][8] == "A; C"
    assert rows[1][-1] == f"{incidents}:2"
    assert rows[2][5] == "invalid"
    assert rows[2][7].startswith("date: 'bad' is not a date")
    assert rows[2][-1] == f"{incidents}:3"


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_neutralizes_formula_text(tmp_path, make_csv, make_mandate, text):
    incidents = make_csv(
        [["X", text, "", "", "", text]],
        header=["id", "title", "date", "level", "event_type", "notes"],
    )
    [path] = write_reports(
        scope_gap.analyze(incidents, make_mandate()), tmp_path / "out", ["csv"]
    ).paths
    row = _csv_rows(path)[1]
    assert row[1] == "'" + text
    assert row[9] == "'" + text


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    target = tmp_path / "r.json"

    def broken():
        yield b"half"
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError):
        write_file(target, Rendered(broken))
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_replaces_a_previous_report_whole(tmp_path):
    target = tmp_path / "r.json"
    target.write_text("old", encoding="utf-8")
    write_file(target, Rendered(b"new"))
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]

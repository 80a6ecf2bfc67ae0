import datetime as dt
import io
import json
import sys

import openpyxl
import pytest

import scope_gap
from scope_gap.errors import BadTableError

ROW = ["X-1", "Café meeting", "2019-10-01", "Federal", "General election"]


def fields(analysis, i=0):
    return analysis.incidents[i]["fields"]


def test_csv_utf8_without_bom(make_csv, make_mandate):
    result = scope_gap.analyze(make_csv([ROW]), make_mandate())
    assert fields(result)["title"] == "Café meeting"
    assert result.warnings == []


def test_csv_utf8_with_bom_does_not_pollute_the_first_header(tmp_path, make_mandate):
    path = tmp_path / "bom.csv"
    path.write_bytes(
        b"\xef\xbb\xbfid,title,date,level,event_type\r\nX-1,Caf\xc3\xa9,2019,federal,\r\n"
    )
    result = scope_gap.analyze(path, make_mandate())
    assert fields(result)["id"] == "X-1"
    assert fields(result)["title"] == "Café"


def test_csv_windows_1252_is_read_with_a_warning(tmp_path, make_mandate):
    path = tmp_path / "excel.csv"
    path.write_bytes(
        "id,title,date,level,event_type\r\nX-1,Café – réunion,2019,federal,\r\n".encode("cp1252")
    )
    result = scope_gap.analyze(path, make_mandate())
    assert fields(result)["title"] == "Café – réunion"
    assert len(result.warnings) == 1
    assert "read as Windows-1252" in result.warnings[0]
    assert str(path) in result.warnings[0]


def test_csv_encoding_can_be_named(tmp_path, make_mandate):
    path = tmp_path / "latin.csv"
    path.write_bytes("id,title,date,level,event_type\nX-1,Ça,2019,federal,\n".encode("latin-1"))
    result = scope_gap.analyze(path, make_mandate(), encoding="latin-1")
    assert fields(result)["title"] == "Ça"
    assert result.warnings == []


def test_csv_utf16_with_bom_tab_separated(tmp_path, make_mandate):
    path = tmp_path / "unicode.csv"
    text = "id\ttitle\tdate\tlevel\tevent_type\r\nX-1\tÉlection\t2019\tfederal\t\r\n"
    path.write_bytes(text.encode("utf-16"))
    result = scope_gap.analyze(path, make_mandate())
    assert fields(result)["title"] == "Élection"


def test_csv_semicolon_delimiter_is_detected(tmp_path, make_mandate):
    path = tmp_path / "semi.csv"
    path.write_text("id;title;date;level;event_type\nX-1;A, B;2019;federal;\n", encoding="utf-8")
    result = scope_gap.analyze(path, make_mandate())
    assert fields(result)["title"] == "A, B"


def test_csv_row_numbers_count_as_a_spreadsheet_does(tmp_path, make_mandate):
    path = tmp_path / "rows.csv"
    path.write_text(
        'id,title,date,level,event_type\nA,"two\nlines",2019,federal,\n,,,,\nB,b,2019,federal,\n',
        encoding="utf-8",
    )
    result = scope_gap.analyze(path, make_mandate())
    assert [r["origin"]["row"] for r in result.incidents] == [2, 4]
    assert result.to_dict()["inputs"][0]["rows"] == 2  # the blank row is not counted


def test_headers_match_loosely(make_csv, make_mandate):
    header = [" ID ", "Title", "DATE", "Level", "Event-Type", "Jurisdiction ", "My Column"]
    result = scope_gap.analyze(make_csv([ROW + ["BC", "kept"]], header=header), make_mandate())
    assert fields(result)["event_type"] == "general_election"
    assert fields(result)["jurisdiction"] == "BC"
    assert fields(result)["My Column"] == "kept"


def test_enumerated_values_are_written_canonically(make_csv, make_mandate):
    result = scope_gap.analyze(
        make_csv([["X", "t", "2019", " FEDERAL ", "general-election"]]), make_mandate()
    )
    assert fields(result)["level"] == "federal"
    assert fields(result)["event_type"] == "general_election"


def _workbook(path, rows, sheet="Incidents", extra_sheet=False):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(["id", "title", "date", "level", "event_type", "notes"])
    for row in rows:
        ws.append(row)
    if extra_sheet:
        other = wb.create_sheet("Other")
        other.append(["id", "title", "date", "level", "event_type"])
        other.append(["O-1", "other sheet", "2019", "federal", "general_election"])
    wb.save(path)
    return path


def test_xlsx_date_cells_and_year_numbers(tmp_path, make_mandate):
    path = _workbook(
        tmp_path / "in.xlsx",
        [
            [
                "X-1",
                "date cell",
                dt.datetime(2019, 10, 21, 14, 30),
                "federal",
                "general_election",
                42,
            ],
            ["X-2", "year number", 2019, "federal", "general_election", None],
            ["X-3", "text date", "2019-06", "federal", "general_election", "=SUM(1)"],
        ],
    )
    result = scope_gap.analyze(path, make_mandate())
    dates = [r["fields"]["date"] for r in result.incidents]
    assert dates == ["2019-10-21", "2019", "2019-06"]
    assert [r["status"] for r in result.incidents] == ["in_scope"] * 3
    assert result.incidents[0]["fields"]["notes"] == "42"
    assert result.incidents[0]["origin"] == {"path": str(path), "sheet": "Incidents", "row": 2}


def test_xlsx_numbers_outside_years_are_invalid_dates(tmp_path, make_mandate):
    path = _workbook(tmp_path / "in.xlsx", [["X-1", "t", 123, "federal", "general_election"]])
    result = scope_gap.analyze(path, make_mandate())
    assert result.invalid[0].error_texts() == [
        "date: '123' is not a date (expected YYYY, YYYY-MM, YYYY-MM-DD, an interval START/END "
        "of those, or a date written out such as June 2022, Oct. 21, 2019, 21 octobre 2019 or "
        "2019 to 2021)"
    ]


def test_xlsx_sheet_can_be_chosen(tmp_path, make_mandate):
    path = _workbook(tmp_path / "in.xlsx", [], extra_sheet=True)
    result = scope_gap.analyze(path, make_mandate(), sheet="Other")
    assert [r["id"] for r in result.incidents] == ["O-1"]
    assert result.incidents[0]["origin"]["sheet"] == "Other"


def test_xlsx_missing_sheet_is_a_bad_table(tmp_path, make_mandate):
    path = _workbook(tmp_path / "in.xlsx", [], extra_sheet=True)
    with pytest.raises(BadTableError, match=r"has no sheet 'Othre' \(did you mean 'Other'\?\)"):
        scope_gap.analyze(path, make_mandate(), sheet="Othre")


def test_json_list_of_objects(tmp_path, make_mandate):
    path = tmp_path / "in.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "J-1",
                    "title": "t",
                    "date": "2019",
                    "level": "federal",
                    "event_type": "general_election",
                },
                {
                    "id": "J-2",
                    "title": "t",
                    "date": None,
                    "level": "federal",
                    "event_type": None,
                    "x": 3,
                },
            ]
        ),
        encoding="utf-8",
    )
    result = scope_gap.analyze(path, make_mandate())
    assert [(r["id"], r["origin"]["row"]) for r in result.incidents] == [("J-1", 1), ("J-2", 2)]
    assert result.incidents[1]["fields"]["x"] == "3"
    assert result.incidents[0]["fields"]["x"] == ""


def test_jsonl_rows_are_line_numbers(tmp_path, make_mandate):
    path = tmp_path / "in.jsonl"
    line = {
        "id": "L-1",
        "title": "t",
        "date": "2019",
        "level": "federal",
        "event_type": "general_election",
    }
    path.write_text(
        json.dumps(line) + "\n\n" + json.dumps(dict(line, id="L-2")) + "\n", encoding="utf-8"
    )
    result = scope_gap.analyze(path, make_mandate())
    assert [(r["id"], r["origin"]["row"]) for r in result.incidents] == [("L-1", 1), ("L-2", 3)]


def test_stdin_is_read_as_csv(monkeypatch, make_mandate):
    data = b"id,title,date,level,event_type\nS-1,from stdin,2019,federal,general_election\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    result = scope_gap.analyze("-", make_mandate())
    assert result.incidents[0]["origin"] == {"path": "-", "sheet": None, "row": 2}


def test_several_files_are_one_table_and_keep_their_origins(make_csv, make_mandate, tmp_path):
    first = make_csv([ROW], name="a.csv")
    second = make_csv([["Y-1", "t", "2019", "federal", "general_election"]], name="b.csv")
    result = scope_gap.analyze([first, second], make_mandate())
    assert [(r["id"], r["origin"]["path"]) for r in result.incidents] == [
        ("X-1", str(first)),
        ("Y-1", str(second)),
    ]
    assert [i["rows"] for i in result.to_dict()["inputs"]] == [1, 1]


def test_dataframe_input(make_mandate):
    import pandas as pd

    frame = pd.DataFrame(
        [dict(zip(["id", "title", "date", "level", "event_type"], ROW, strict=True))]
    )
    result = scope_gap.analyze(frame, make_mandate())
    assert result.flatten() == [("X-1", "in_scope", ())]

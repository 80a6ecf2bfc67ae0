"""The compare and amend workbooks: read back with openpyxl, opened by LibreOffice."""

import csv

import openpyxl
import pytest

import scope_gap
from scope_gap.reports import write_reports
from scope_gap.reports.common import STATUS_PALETTE

from .conftest import SIMPLE_MANDATE
from .test_excel import convert

WIDE = SIMPLE_MANDATE.replace("id: test-mandate", "id: wide").replace(
    "{field: level, in: [federal], gap: Not federal}",
    "{field: level, in: [federal, municipal], gap: Not federal}",
)
ROWS = [
    ["=1+1", "formula-like id", "2019-05", "federal", "general_election"],
    ["M", "@municipal 2019", "2019-05", "municipal", "general_election"],
]


@pytest.fixture
def comparison_book(tmp_path, make_csv, make_mandate):
    comparison = scope_gap.compare(
        make_csv(ROWS), [make_mandate(), make_mandate(WIDE, name="wide.yaml")]
    )
    [path] = write_reports(comparison, tmp_path / "out", ["xlsx"]).paths
    return path


def test_compare_workbook_sheets_matrix_and_safe_cells(comparison_book):
    wb = openpyxl.load_workbook(comparison_book)
    assert wb.sheetnames == ["Summary", "Matrix", "Adds", "About"]
    matrix = wb["Matrix"]
    rows = [[c.value for c in r] for r in matrix.iter_rows()]
    assert rows[0] == ["ID", "Title", "test-mandate", "wide", "Only in scope under"]
    assert rows[1][:4] == ["=1+1", "formula-like id", "in scope", "in scope"]
    assert rows[2][2:] == ["context only", "in scope", "wide"]
    for row in matrix.iter_rows():
        for cell in row:
            assert cell.data_type != "f"
    assert matrix["A2"].quotePrefix and matrix["B3"].quotePrefix
    assert matrix["C3"].fill.start_color.rgb.endswith(STATUS_PALETTE["context_only"][0])
    assert "Matrix" in matrix.tables
    adds = [[c.value for c in r] for r in wb["Adds"].iter_rows()]
    assert adds == [["Mandate", "ID", "Title"], ["wide", "M", "@municipal 2019"]]


def test_libreoffice_opens_the_compare_workbook(comparison_book, tmp_path):
    out = tmp_path / "csv"
    convert(
        comparison_book,
        "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
        out,
    )
    with open(out / f"{comparison_book.stem}-Matrix.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[1][0] == "=1+1"  # shown as typed, not computed
    assert rows[2][:4] == ["M", "@municipal 2019", "context only", "in scope"]


def test_amend_workbook_lists_changes_clauses_and_uncovered(tmp_path, make_csv, make_mandate):
    incidents = make_csv(
        [
            ["X", "t", "2019-05", "municipal", "general_election"],
            ["Y", "t", "", "", "general_election"],
        ]
    )
    result = scope_gap.amend(incidents, make_mandate(), cover=["X", "Y"])
    paths = write_reports(result, tmp_path / "out", ["xlsx"]).paths
    book = [p for p in paths if p.suffix == ".xlsx"][0]
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Amendments", "Clauses", "Uncovered", "About"]
    changes = [[c.value for c in r] for r in wb["Amendments"].iter_rows()]
    assert changes[1][:4] == [
        "A",
        "add municipal to level",
        "in [federal]",
        "in [federal, municipal]",
    ]
    clauses = [[c.value for c in r] for r in wb["Clauses"].iter_rows()]
    assert clauses[1][1].startswith("all of (level in [federal];")
    uncovered = [[c.value for c in r] for r in wb["Uncovered"].iter_rows()]
    assert uncovered[1][0] == "Y" and "level is not known" in uncovered[1][1]
    out = tmp_path / "csv"
    convert(
        book, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", out
    )
    assert "in [federal, municipal]" in (out / f"{book.stem}-Amendments.csv").read_text(
        encoding="utf-8"
    )

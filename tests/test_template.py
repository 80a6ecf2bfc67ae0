"""`scope-gap template`: a blank input workbook that scope-gap itself reads back."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

import scope_gap
from scope_gap.cli import main
from scope_gap.model import COLUMNS, ENUMS
from scope_gap.reports.template import render_template


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.xlsx"
    render_template().save(path)
    return path


def validations(ws) -> dict[str, object]:
    """Column letter -> the data validation that covers it from row 2."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            assert cell_range.min_row == 2
            out[openpyxl.utils.get_column_letter(cell_range.min_col)] = dv
    return out


def test_first_sheet_has_exactly_the_contract_headers_in_order(template):
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 1


def test_enumerated_columns_offer_drop_downs_from_a_hidden_range(template):
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    found = validations(ws)
    columns = list(COLUMNS)
    for name, allowed in ENUMS.items():
        letter = openpyxl.utils.get_column_letter(columns.index(name) + 1)
        dv = found[letter]
        assert dv.type == "list"
        assert "!" in dv.formula1 and not dv.formula1.startswith('"')  # a range, not inline
        sheet_name, cells = dv.formula1.split("!")
        lists = wb[sheet_name.strip("'")]
        assert lists.sheet_state == "hidden"
        assert [c.value for row in lists[cells.replace("$", "")] for c in row] == allowed


def test_date_column_is_text_with_an_input_message(template):
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    letter = openpyxl.utils.get_column_letter(list(COLUMNS).index("date") + 1)
    assert ws.column_dimensions[letter].number_format == "@"
    dv = validations(ws)[letter]
    assert dv.showInputMessage and "YYYY-MM-DD" in dv.prompt and "START/END" in dv.prompt
    assert len(dv.prompt) <= 255 and len(dv.promptTitle) <= 32


def test_data_dictionary_explains_every_column(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Data dictionary"]
    assert [c.value for c in ws[1]] == ["Column", "Required", "Meaning", "Allowed values"]
    rows = {r[0].value: [c.value for c in r[1:4]] for r in ws.iter_rows(min_row=2) if r[0].value}
    for name, required in COLUMNS.items():
        assert rows[name][0].startswith("yes" if required else "no")
        assert rows[name][1]
    for name, allowed in ENUMS.items():
        assert all(value in rows[name][2] for value in allowed)
    assert "YYYY-MM" in rows["date"][2] and "2018/2022" in rows["date"][2]


def test_sheet_order_puts_the_incidents_first(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames[:2] == ["Incidents", "Data dictionary"]
    assert wb.active.title == "Incidents"


def test_a_filled_template_is_analysed(template):
    wb = openpyxl.load_workbook(template)
    ws = wb.worksheets[0]
    ws.append(
        ["T-1", "Filled in", "2021-09-01", "federal", "general_election", "Canada", "GE44",
         "PRC", "disinformation", "a riding", "text", "intelligence", "https://example.org", ""]
    )  # fmt: skip
    ws.append(["T-2", "Provincial", "2022-06", "provincial", "leadership_race"])
    wb.save(template)
    analysis = scope_gap.analyze(template)
    assert [(r[0], r[1]) for r in analysis.flatten()] == [
        ("T-1", "in_scope"),
        ("T-2", "context_only"),
    ]
    assert analysis.invalid == []


def test_an_empty_template_gives_an_empty_report(template):
    analysis = scope_gap.analyze(template)
    assert analysis.summary["total"] == 0
    assert analysis.invalid == []


def test_cli_writes_the_template(tmp_path):
    path = tmp_path / "new.xlsx"
    result = CliRunner().invoke(main, ["template", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert [c.value for c in openpyxl.load_workbook(path).worksheets[0][1]] == list(COLUMNS)
    assert [p.name for p in tmp_path.iterdir()] == ["new.xlsx"]

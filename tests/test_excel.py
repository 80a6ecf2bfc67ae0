"""The Excel gap report, read back with openpyxl and pandas, and opened in LibreOffice."""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import scope_gap
from scope_gap.cli import main
from scope_gap.reports import OutputError, excel, write_reports
from scope_gap.reports.excel import render_xlsx
from scope_gap.wording import reasons, unknown_fields

SHEETS = [
    "Summary",
    "Out of scope",
    "Indeterminate",
    "In scope",
    "Invalid rows",
    "Mandate",
    "About",
]
LEADING = ["ID", "Title", "Date", "Level", "Event type", "Status"]
HEADER = ["id", "title", "date", "level", "event_type", "sources"]
INCIDENT_SHEETS = {
    "Out of scope": ("OutOfScope", ["Gap", "Why"]),
    "Indeterminate": ("Indeterminate", ["Gap", "Why"]),
    "In scope": ("InScope", ["Covered by"]),
}


# --- helpers and fixtures (kept here: tests/conftest.py belongs to the core) -----------


def write_table(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def report(tmp_path: Path, rows: list[list[str]], header: list[str] = HEADER):
    """Analyse a small CSV under the bundled mandate; write the workbook; (book, warnings)."""
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows, header))
    path = tmp_path / "report.xlsx"
    warnings = render_xlsx(analysis).save(path)
    return openpyxl.load_workbook(path), warnings


def header_row(ws) -> list[str]:
    return [c.value for c in next(ws.iter_rows(min_row=1, max_row=1))]


def column(ws, name: str) -> list[openpyxl.cell.Cell]:
    index = header_row(ws).index(name)
    return [row[index] for row in ws.iter_rows(min_row=2)]


def row_of(ws, incident_id: str) -> dict[str, openpyxl.cell.Cell]:
    names = header_row(ws)
    for row in ws.iter_rows(min_row=2):
        if row[0].value == incident_id:
            return dict(zip(names, row, strict=True))
    raise KeyError(incident_id)


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled dataset under the bundled mandate: (analysis, path, warnings)."""
    analysis = scope_gap.analyze()
    analysis.command = "scope-gap analyze -f xlsx"
    path = tmp_path_factory.mktemp("bundled") / "hogue-2023-gap-report.xlsx"
    warnings = render_xlsx(analysis).save(path)
    return analysis, path, warnings


@pytest.fixture(scope="module")
def book(bundled):
    return openpyxl.load_workbook(bundled[1])


# --- structure ---------------------------------------------------------------------------


def test_sheets_come_in_the_contract_order(book):
    assert book.sheetnames == SHEETS


@pytest.mark.parametrize("sheet", INCIDENT_SHEETS)
def test_incident_sheets_start_with_the_contract_columns(book, sheet):
    middle = INCIDENT_SHEETS[sheet][1]
    headers = header_row(book[sheet])
    assert headers[: len(LEADING) + len(middle)] == LEADING + middle
    rest = headers[len(LEADING) + len(middle) :]
    unknown = [] if sheet == "In scope" else ["Unknown"]  # the fields not known, by name
    assert rest == [
        "Jurisdiction", "Event", "Actor", "Tactic", "Target", "Summary",
        "Evidence", "Sources", "Notes", "title_fr", "summary_fr", *unknown, "Origin",
    ]  # fmt: skip


@pytest.mark.parametrize("sheet", [*INCIDENT_SHEETS, "Invalid rows"])
def test_each_list_is_a_named_table_whose_columns_are_its_headers(book, sheet):
    ws = book[sheet]
    (table,) = ws.tables.values()
    name = table.name
    headers = header_row(ws)
    assert [c.name for c in table.tableColumns] == headers
    assert all(isinstance(h, str) and h for h in headers)
    assert len({h.casefold() for h in headers}) == len(headers)
    assert all(c.data_type == "s" for c in next(ws.iter_rows(max_row=1)))
    last_row = max(ws.max_row, 2)
    assert table.ref == f"A1:{openpyxl.utils.get_column_letter(len(headers))}{last_row}"
    assert table.autoFilter.ref == table.ref
    assert table.tableStyleInfo.showRowStripes
    if sheet in INCIDENT_SHEETS:
        assert name == INCIDENT_SHEETS[sheet][0]


def test_table_names_are_unique_in_the_workbook(book):
    names = [name.casefold() for ws in book for name in ws.tables]
    assert len(names) == len(set(names)) == 4


@pytest.mark.parametrize("sheet", INCIDENT_SHEETS)
def test_incident_sheets_freeze_the_header_row_and_id_column(book, sheet):
    ws = book[sheet]
    assert ws.freeze_panes == "B2"
    widths = [ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, 19)]
    assert all(w and w >= 8 for w in widths[: len(header_row(ws))])
    assert ws["B2"].alignment.wrap_text


def test_statuses_land_on_their_sheets(bundled, book):
    analysis = bundled[0]
    expected = {
        "Out of scope": {"out_of_scope", "context_only"},
        "Indeterminate": {"indeterminate"},
        "In scope": {"in_scope"},
    }
    labels = {v: k for k, v in excel.STATUS_LABELS.items()}
    for sheet, statuses in expected.items():
        ws = book[sheet]
        got = [(r[0].value, labels[r[5].value]) for r in ws.iter_rows(min_row=2)]
        want = [(r["id"], r["status"]) for r in analysis.incidents if r["status"] in statuses]
        assert got == want


def test_gap_list_tells_context_only_from_out_of_scope_by_text_and_fill(tmp_path):
    book, _ = report(
        tmp_path,
        [
            ["P1", "Provincial race", "2022-06", "provincial", "leadership_race", ""],
            ["X1", "Foreign election", "2021", "other", "general_election", ""],
        ],
    )
    ws = book["Out of scope"]
    context, out = row_of(ws, "P1")["Status"], row_of(ws, "X1")["Status"]
    assert (context.value, out.value) == ("context only", "out of scope")
    assert context.fill.fgColor.rgb != out.fill.fgColor.rgb
    assert context.fill.fill_type == out.fill.fill_type == "solid"


def test_gap_and_why_columns_say_what_falls_short(bundled, book):
    record = next(r for r in bundled[0].incidents if r["id"] == "FI-001")
    row = row_of(book["Out of scope"], "FI-001")
    assert row["Gap"].value == "; ".join(record["gaps"])
    why = dict(zip((r["id"] for r in bundled[0].incidents), reasons(bundled[0]), strict=True))
    assert row["Why"].value == "\n".join(why["FI-001"])  # plain words, grouped by condition
    assert (row["Unknown"].value or "") == unknown_fields(record["unknown"])


def test_in_scope_sheet_lists_the_covering_clauses(book):
    cell = row_of(book["In scope"], "FI-009")["Covered by"].value
    assert cell.splitlines()[0] == "(a)(i)(A) — interference in the 43rd and 44th general elections"


def test_pandas_reads_the_gap_list(bundled):
    analysis, path, _ = bundled
    frame = pd.read_excel(path, sheet_name="Out of scope", dtype=str, engine="openpyxl")
    expected = [
        r["id"] for r in analysis.incidents if r["status"] in ("out_of_scope", "context_only")
    ]
    assert frame["ID"].tolist() == expected
    assert list(frame.columns[:8]) == LEADING + ["Gap", "Why"]


# --- Summary, Mandate, About, properties ----------------------------------------------------


def texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def test_summary_gives_mandate_counts_finding_and_caveat(bundled, book):
    analysis = bundled[0]
    ws = book["Summary"]
    shown = texts(ws)
    assert analysis.mandate.title in " ".join(shown)
    assert analysis.mandate.authority in shown
    assert analysis.sentence() in shown
    assert any("not proven facts" in t for t in shown)
    link = next(c for row in ws.iter_rows() for c in row if c.hyperlink)
    assert link.hyperlink.target == analysis.mandate.url
    rows = {r[0].value: [c.value for c in r[1:3]] for r in ws.iter_rows() if r[0].value}
    summary = analysis.summary
    for status, label in excel.STATUS_LABELS.items():
        assert rows[label] == [summary[status], pytest.approx(summary[status] / summary["total"])]
    for gap, count in summary["by_gap"].items():
        assert rows[gap][0] == count
    for level, counts in summary["by_level"].items():
        assert rows[level][:2] == [counts["in_scope"], counts["context_only"]]


def test_summary_has_a_native_bar_chart_of_the_gaps(bundled):
    with zipfile.ZipFile(bundled[1]) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1
        xml = archive.read(charts[0]).decode()
    assert "<barChart>" in xml and "'Summary'!$B$" in xml


def test_mandate_sheet_lists_clauses_with_rules_and_periods_as_dates(bundled, book):
    mandate = bundled[0].mandate
    ws = book["Mandate"]
    rows = {r[0].value: r for r in ws.iter_rows() if r[0].value}
    for clause in mandate.clauses:
        row = rows[clause.id]
        assert [c.value for c in row[1:5]] == [
            clause.ref,
            clause.coverage.value,
            clause.text,
            scope_gap.engine.rule_text(clause.when),
        ]
    for name, period in mandate.periods.items():
        start, end = rows[name][1], rows[name][2]
        assert start.is_date and start.value.date() == dt.date.fromordinal(period.start)
        assert end.value.date() == dt.date.fromordinal(period.end)
        assert rows[name][3].value == period.label


def test_about_records_version_time_inputs_hashes_and_command(bundled, book):
    analysis = bundled[0]
    ws = book["About"]
    rows = {r[0].value: [c.value for c in r[1:]] for r in ws.iter_rows() if r[0].value}
    assert rows["Tool"][0] == f"scope-gap {scope_gap.__version__}"
    generated = rows["Generated (UTC)"][0]
    assert isinstance(generated, dt.datetime)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    assert abs(now - generated) < dt.timedelta(minutes=10)
    assert rows["Command"][0] == "scope-gap analyze -f xlsx"
    assert rows["Mandate SHA-256"][0] == analysis.mandate.sha256
    for item in analysis.to_dict()["inputs"]:
        assert rows[item["path"]][:2] == [item["sha256"], item["rows"]]


def test_document_properties_and_print_setup(bundled, book):
    props = book.properties
    assert props.creator == f"scope-gap {scope_gap.__version__}"
    assert bundled[0].mandate.title in props.title
    assert props.subject
    for name in SHEETS:
        ws = book[name]
        assert ws.page_setup.orientation == "landscape"
        assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert "&P" in ws.oddFooter.right.text
    assert book["Out of scope"].print_title_rows == "$1:$1"


# --- cells: dates, links, safety, limits ------------------------------------------------


def test_precise_dates_are_date_cells_and_partial_dates_text(tmp_path):
    rows = [
        ["D1", "day", "2021-09-20", "municipal", "general_election", ""],
        ["D2", "month", "2021-09", "municipal", "general_election", ""],
        ["D3", "interval", "2018/2022", "municipal", "general_election", ""],
        ["D4", "blank", "", "municipal", "general_election", ""],
    ]
    ws = report(tmp_path, rows)[0]["Out of scope"]
    dates = {c.value: c for c in column(ws, "ID")}
    cells = {i: row_of(ws, i)["Date"] for i in dates}
    assert cells["D1"].is_date and cells["D1"].value == dt.datetime(2021, 9, 20)
    assert cells["D1"].number_format == "yyyy-mm-dd"
    assert (cells["D2"].value, cells["D2"].data_type) == ("2021-09", "s")
    assert (cells["D3"].value, cells["D3"].data_type) == ("2018/2022", "s")
    assert cells["D4"].value is None


def test_sources_link_to_the_first_http_https_or_mailto_source_only(tmp_path):
    sources = {
        "L1": "javascript:alert(1); file:///etc/passwd; https://example.org/a?b=1&c=2; http://x.org",
        "L2": "A newspaper, 2022\nmailto:tips@example.org",
        "L3": "data:text/html,<b>x</b>; //evil.example/x; ftp://example.org/f",
        "L4": "HTTPS://EXAMPLE.COM/UP",
        "L5": "https://example.org/" + "x" * 2100,
    }
    rows = [[k, "t", "2022", "municipal", "general_election", v] for k, v in sources.items()]
    ws = report(tmp_path, rows)[0]["Out of scope"]
    cells = {k: row_of(ws, k)["Sources"] for k in sources}
    for key, text in sources.items():
        assert cells[key].value == text  # the cell shows every source
    assert cells["L1"].hyperlink.target == "https://example.org/a?b=1&c=2"
    assert cells["L2"].hyperlink.target == "mailto:tips@example.org"
    assert cells["L3"].hyperlink is None
    assert cells["L4"].hyperlink.target == "HTTPS://EXAMPLE.COM/UP"
    assert cells["L5"].hyperlink is None  # longer than Excel can follow


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_like_text_stays_text_as_typed(tmp_path, prefix):
    payloads = {
        "title": prefix + 'HYPERLINK("http://evil.example","click")',
        "sources": prefix + "1+1",
        "Extra": prefix + "cmd|' /C calc'!A0",
    }
    header = [*HEADER, "Extra"]
    rows = [["X1", payloads["title"], "2022", "municipal", "general_election",
             payloads["sources"], payloads["Extra"]]]  # fmt: skip
    wb, _ = report(tmp_path, rows, header)
    row = row_of(wb["Out of scope"], "X1")
    for name, payload in [("Title", "title"), ("Sources", "sources"), ("Extra", "Extra")]:
        cell = row[name]
        assert cell.data_type == "s"
        assert cell.value == payloads[payload]
        assert cell.quotePrefix
    with zipfile.ZipFile(tmp_path / "report.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_error_values_and_headers_stay_text(tmp_path):
    header = [*HEADER, "=Danger", "#N/A"]
    rows = [["#N/A", "#DIV/0!", "2022", "municipal", "general_election", "", "=1", "#REF!"]]
    wb, _ = report(tmp_path, rows, header)
    ws = wb["Out of scope"]
    assert "=Danger" in header_row(ws)
    row = row_of(ws, "#N/A")
    assert row["ID"].data_type == row["Title"].data_type == row["#N/A"].data_type == "s"
    assert row["=Danger"].value == "=1" and row["=Danger"].quotePrefix


def test_control_characters_are_removed_and_reported(tmp_path):
    frame = pd.DataFrame(
        [
            {
                "id": "C1",
                "title": "bell\x07 and\x00 null\x1b",
                "date": "2022",
                "level": "municipal",
                "event_type": "general_election",
            }
        ]  # fmt: skip
    )
    analysis = scope_gap.analyze(frame)
    warnings = render_xlsx(analysis).save(tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Out of scope"]
    assert row_of(ws, "C1")["Title"].value == "bell and null"
    assert any("control characters" in w for w in warnings)


def test_cells_over_excels_limit_are_truncated_with_a_marker_and_a_warning(tmp_path):
    long_text = "word " * 8000  # 40,000 characters
    header = [*HEADER, "summary"]
    rows = [["T1", "long", "2022", "municipal", "general_election", "", long_text]]
    wb, warnings = report(tmp_path, rows, header)
    cell = row_of(wb["Out of scope"], "T1")["Summary"]
    assert len(cell.value) <= excel.MAX_CELL_CHARS
    assert cell.value.startswith("word word")
    assert cell.value.endswith("the JSON report has the full text]")
    assert "40,000 characters" in cell.value
    (warning,) = [w for w in warnings if "truncated" in w]
    assert "sheet 'Out of scope': 1 cell truncated" in warning and "(I2)" in warning


def test_truncation_counts_characters_as_excel_does(tmp_path):
    header = [*HEADER, "summary"]
    rows = [["T2", "emoji", "2022", "municipal", "general_election", "", "😀" * 20000]]
    wb, warnings = report(tmp_path, rows, header)
    value = row_of(wb["Out of scope"], "T2")["Summary"].value
    assert len(value.encode("utf-16-le")) // 2 <= excel.MAX_CELL_CHARS
    assert any("truncated" in w for w in warnings)


def test_truncation_warning_reaches_the_writer_and_about_sheet(tmp_path):
    header = [*HEADER, "summary"]
    path = write_table(tmp_path / "in.csv", [["T3", "t", "2022", "", "", "", "x" * 40000]], header)
    analysis = scope_gap.analyze(path)
    result = write_reports(analysis, tmp_path / "out", ["xlsx"])
    (written,) = result.paths
    assert any("truncated" in w for w in result.warnings)
    assert not any("truncated" in w for w in analysis.warnings)  # renderers change nothing
    about = openpyxl.load_workbook(written)["About"]
    assert any("truncated" in t for t in texts(about))


def test_line_breaks_beyond_excels_limit_become_spaces_with_a_warning(tmp_path):
    text = "\n".join(f"line {i}" for i in range(300))
    header = [*HEADER, "notes"]
    rows = [["B1", "t", "2022", "municipal", "general_election", "", text]]
    wb, warnings = report(tmp_path, rows, header)
    value = row_of(wb["Out of scope"], "B1")["Notes"].value
    assert value.count("\n") == excel.MAX_LINE_BREAKS
    assert value.replace("\n", " ") == text.replace("\n", " ")
    assert any("line breaks" in w for w in warnings)


def test_rows_are_tall_enough_for_their_wrapped_text(tmp_path):
    header = [*HEADER, "summary"]
    rows = [
        ["H1", "short", "2022", "municipal", "general_election", "", "x"],
        ["H2", "long", "2022", "municipal", "general_election", "", "word " * 300],
    ]
    ws = report(tmp_path, rows, header)[0]["Out of scope"]
    heights = {r[0].value: ws.row_dimensions[r[0].row].height for r in ws.iter_rows(min_row=2)}
    assert heights["H2"] > 15 * 10
    assert heights["H1"] < heights["H2"]


def test_input_warnings_are_listed_on_the_about_sheet(tmp_path):
    path = tmp_path / "ansi.csv"
    path.write_bytes(
        "id,title,date,level,event_type\nA1,Montréal,2022,municipal,\n".encode("cp1252")
    )
    analysis = scope_gap.analyze(path)
    assert analysis.warnings
    render_xlsx(analysis).save(tmp_path / "r.xlsx")
    about = texts(openpyxl.load_workbook(tmp_path / "r.xlsx")["About"])
    assert all(w in about for w in analysis.warnings)


def test_sheet_names_keep_excels_rules():
    assert len(set(SHEETS)) == len(SHEETS) == len(excel.SHEETS)
    assert list(excel.SHEETS.values()) == SHEETS
    for name in SHEETS:
        assert len(name.encode("utf-16-le")) // 2 <= 31
        assert not set(name) & set(":\\/?*[]")


def test_links_beyond_the_per_sheet_cap_are_plain_text_with_a_warning(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_LINKS", 2)
    rows = [
        [f"K{i}", "t", "2022", "municipal", "general_election", f"https://example.org/{i}"]
        for i in range(4)
    ]
    wb, warnings = report(tmp_path, rows)
    cells = column(wb["Out of scope"], "Sources")
    assert [c.hyperlink is not None for c in cells] == [True, True, False, False]
    assert [c.value for c in cells] == [f"https://example.org/{i}" for i in range(4)]
    assert any("without a link" in w and "'Out of scope'" in w for w in warnings)


def test_more_rows_than_a_sheet_holds_is_a_clear_error_and_no_file(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    rows = [[f"R{i}", "t", "2022", "municipal", "general_election", ""] for i in range(3)]
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows))
    with pytest.raises(OutputError, match="'Out of scope' sheet would need 4 rows"):
        write_reports(analysis, tmp_path / "out", ["xlsx"])
    assert not (tmp_path / "out").exists()  # checked before anything, the folder too


def test_invalid_rows_show_origin_every_problem_and_values(tmp_path):
    rows = [
        ["V1", "fine", "2022", "municipal", "general_election", ""],
        ["V2", "bad", "2022-13", "federl", "general_election", "", "beyond"],
        ["V1", "dup", "2022", "federal", "general_election", ""],
    ]
    wb, _ = report(tmp_path, rows)
    ws = wb["Invalid rows"]
    headers = header_row(ws)
    assert headers[:4] == ["File", "Sheet", "Row", "Problems"]
    assert "(column G)" in headers
    found = {
        r[2].value: dict(zip(headers, [c.value for c in r], strict=True))
        for r in ws.iter_rows(min_row=2)
    }
    assert set(found) == {3, 4}
    bad = found[3]
    assert bad["File"].endswith("in.csv") and bad["Sheet"] is None
    assert "date:" in bad["Problems"] and "level:" in bad["Problems"]
    assert "did you mean 'federal'" in bad["Problems"]
    assert (bad["Date"], bad["Level"], bad["(column G)"]) == ("2022-13", "federl", "beyond")
    assert "already used" in found[4]["Problems"]


def test_an_empty_analysis_gives_tables_with_an_empty_row(tmp_path):
    wb, warnings = report(tmp_path, [])
    assert warnings == []
    for sheet in INCIDENT_SHEETS:
        ws = wb[sheet]
        (table,) = ws.tables.values()
        assert table.ref.endswith("2") and ws.max_row == 1


def test_extra_input_columns_follow_and_an_input_status_is_decided_again(tmp_path):
    # SPEC 7: a Status column (as our own reports write it) is recognised, not carried
    header = [*HEADER, "Status", "Region"]
    rows = [["E1", "t", "2022", "municipal", "general_election", "", "mine", "West"]]
    ws = report(tmp_path, rows, header)[0]["Out of scope"]
    row = row_of(ws, "E1")
    assert row["Status"].value == "context only"
    assert "Status (input)" not in row and row["Region"].value == "West"


# --- reproducibility and the command line -----------------------------------------------


def test_source_date_epoch_makes_identical_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    analysis = scope_gap.analyze()
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    render_xlsx(analysis).save(first)
    render_xlsx(analysis).save(second)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    book = openpyxl.load_workbook(first)
    assert book.properties.modified == dt.datetime(2023, 11, 14, 22, 13, 20)
    generated = {r[0].value: r[1].value for r in book["About"].iter_rows() if r[0].value}
    assert generated["Generated (UTC)"] == dt.datetime(2023, 11, 14, 22, 13, 20)


def test_cli_writes_the_workbook(tmp_path):
    result = CliRunner().invoke(
        main, ["analyze", "-f", "xlsx", "-o", str(tmp_path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    path = tmp_path / "hogue-2023-gap-report.xlsx"
    assert f"wrote {path}" in result.output
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == SHEETS
    command = {r[0].value: r[1].value for r in book["About"].iter_rows() if r[0].value}
    assert command["Command"].startswith("scope-gap")


# --- a real client ---------------------------------------------------------------------


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) is required under CI=true but is not installed")
    pytest.skip("LibreOffice (soffice) is not installed; apt-get install libreoffice-calc")


def convert(workbook: Path, target: str, out: Path) -> None:
    profile = out.parent / "lo-profile"
    subprocess.run(
        [soffice(), "--headless", f"-env:UserInstallation=file://{profile}",
         "--convert-to", target, "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip


def test_libreoffice_converts_every_sheet_and_the_gap_list_survives(bundled, tmp_path):
    analysis, path, _ = bundled
    out = tmp_path / "csv"
    # token 12 = -1: every sheet to its own file, named <stem>-<sheet>.csv
    convert(
        path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", out
    )
    stem = path.stem
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{stem}-{s}.csv" for s in SHEETS)
    with open(out / f"{stem}-Out of scope.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:8] == LEADING + ["Gap", "Why"]
    gap = [r for r in analysis.incidents if r["status"] in ("out_of_scope", "context_only")]
    assert [r[0] for r in rows[1:]] == [r["id"] for r in gap]
    assert [r[5] for r in rows[1:]] == [excel.STATUS_LABELS[r["status"]] for r in gap]
    summary = (out / f"{stem}-Summary.csv").read_text(encoding="utf-8")
    assert analysis.sentence() in summary


def pdftotext() -> str:
    found = shutil.which("pdftotext")
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail("poppler (pdftotext) is required under CI=true but is not installed")
    pytest.skip("poppler (pdftotext) is not installed; apt-get install poppler-utils")


def test_libreoffice_prints_the_workbook_to_pdf(bundled, tmp_path):
    analysis, path, _ = bundled
    out = tmp_path / "pdf"
    convert(path, "pdf", out)
    pdf = out / f"{path.stem}.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    pages = []
    for page in range(1, 200):
        done = subprocess.run(
            [pdftotext(), "-f", str(page), "-l", str(page), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            break
        pages.append(done.stdout)
    # a handful of pages: about one per incident sheet's few rows, never one per column
    assert len(pages) <= 4 + 2 + len(analysis.incidents) // 2, len(pages)
    text = "\n".join(pages)
    # readable at print scale: pdftotext finds whole titles, headers and the finding
    assert "Gap report: " + analysis.mandate.title in text
    assert " ".join(analysis.sentence().split()[:8]) in " ".join(text.split())
    for record in analysis.incidents:
        words = " ".join(record["fields"]["title"].split()[:4])
        assert words in " ".join(text.split()), words
    first_incident_page = next(p for p in pages if "Why" in p and "Gap" in p)
    assert all(h in first_incident_page for h in ("ID", "Title", "Date", "Level", "Status"))


def test_the_gap_chart_prints_on_a_page_of_its_own(book):
    ws = book["Summary"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    (chart,) = ws._charts
    breaks = [b.id for b in ws.row_breaks.brk]
    heading = next(r[0].row for r in ws.iter_rows() if str(r[0].value or "").startswith("Gaps:"))
    assert breaks == [heading - 1]  # the gaps' table and chart begin the second page
    assert chart.height <= 12


@pytest.mark.parametrize("sheet", INCIDENT_SHEETS)
def test_incident_sheets_print_landscape_one_page_wide_with_the_header_repeated(book, sheet):
    ws = book[sheet]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.freeze_panes == "B2"
    printed = INCIDENT_SHEETS[sheet][1]
    last = openpyxl.utils.get_column_letter(len(LEADING) + len(printed))
    assert ws.print_area == f"'{sheet}'!$A$1:${last}${max(ws.max_row, 2)}"
    # long text wraps only where it is meant to; rows stay a printable height
    headers = header_row(ws)
    for row in ws.iter_rows(min_row=2):
        cells = dict(zip(headers, row, strict=True))
        assert not cells["Notes"].alignment.wrap_text and not cells["Sources"].alignment.wrap_text
        assert cells["Summary"].alignment.wrap_text
        height = ws.row_dimensions[row[0].row].height
        assert height is None or height <= 12 * 15


def test_libreoffice_shows_formula_like_text_as_typed(tmp_path):
    rows = [["=1+1", "=HYPERLINK(\"http://evil.example\",\"x\")", "2022", "municipal",
             "general_election", "@SUM(1)"]]  # fmt: skip
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows))
    path = tmp_path / "r.xlsx"
    render_xlsx(analysis).save(path)
    out = tmp_path / "csv"
    convert(
        path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2", out
    )
    (produced,) = list(out.iterdir())
    with open(produced, encoding="utf-8", newline="") as handle:
        rows_back = list(csv.reader(handle))
    assert rows_back[1][:2] == rows[0][:2]
    assert "@SUM(1)" in rows_back[1]

"""The renderer contract and the writer: renderers return bytes and their own warnings and
change nothing; reports do not depend on the order of -f; every format is checked before
anything is written and written all or none; no input is ever written over."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import scope_gap
from scope_gap import reports
from scope_gap.cli import main
from scope_gap.reports import RENDERERS, OutputError, Rendered, Renderer, write_reports
from scope_gap.reports import html as html_report

HEADER = ["id", "title", "date", "level", "event_type", "notes"]
ALL = ["html", "xlsx", "json", "csv"]


def rows(n: int) -> list[list[str]]:
    out = []
    for i in range(n):
        level = ["federal", "municipal", ""][i % 3]
        out.append([f"R{i}", f"t{i}", "2019-06", level, "general_election", "x" * 40_000])
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture
def warned(make_csv, make_mandate, monkeypatch):
    """An analysis whose xlsx truncates cells and whose page shortens its lists: both
    renderers have warnings of their own, which the old writer spread between them."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(html_report, "LIST_LIMIT", 2)
    return scope_gap.analyze(make_csv(rows(9), HEADER), make_mandate())


def test_reports_are_identical_whatever_the_order_of_formats(warned, tmp_path):
    first = write_reports(warned, tmp_path / "a", ALL)
    second = write_reports(warned, tmp_path / "b", list(reversed(ALL)))
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")
    assert first.warnings == second.warnings
    assert any("truncated" in w for w in first.warnings)
    assert any("HTML report" in w for w in first.warnings)
    assert [p.suffix for p in first.paths] == [p.suffix for p in second.paths]


def test_the_cli_writes_the_same_files_whatever_the_order(warned, make_csv, make_mandate, tmp_path):
    table, mandate = make_csv(rows(4), HEADER), make_mandate()
    snapshots = []
    for order in (ALL, list(reversed(ALL))):
        args = ["analyze", str(table), "-m", str(mandate), "-o", str(tmp_path / "out")]
        for fmt in order:
            args += ["-f", fmt]
        result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "1700000000"})
        assert result.exit_code == 0, result.output
        snapshots.append(snapshot(tmp_path / "out"))
    a, b = snapshots
    # the About sheet and the page quote the command line, which differs: compare the rest
    assert a.keys() == b.keys()
    for name in a:
        if name.endswith((".json", ".csv")):
            assert a[name] == b[name], name
        if name.endswith(".html"):
            without = [re.sub(rb"(?: -f (?:html|xlsx|json|csv))+", b"", x[name]) for x in (a, b)]
            assert without[0] == without[1]


def test_renderers_change_nothing_and_return_their_own_warnings(warned):
    before = list(warned.warnings)
    for (kind, fmt), entry in RENDERERS.items():
        if kind != "analysis":
            continue
        rendered = entry.render(warned)
        assert isinstance(rendered, Rendered)
        assert isinstance(rendered.data, bytes) and rendered.data
        assert warned.warnings == before, fmt


def test_a_failing_format_leaves_the_previous_set_untouched(warned, tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_reports(warned, out, ALL)
    before = snapshot(out)

    def broken(result):
        raise OutputError("the renderer failed")

    monkeypatch.setitem(RENDERERS, ("analysis", "xlsx"), Renderer(broken))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")  # new files would differ
    with pytest.raises(OutputError, match="renderer failed"):
        write_reports(warned, out, ALL)
    assert snapshot(out) == before  # no report replaced, no temporary file left


def test_a_format_that_cannot_hold_the_result_is_refused_before_anything_is_written(
    warned, tmp_path, monkeypatch
):
    from scope_gap.reports import excel

    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    out = tmp_path / "out"
    with pytest.raises(OutputError, match="sheet would need"):
        write_reports(warned, out, ["csv", "json", "xlsx"])
    assert not out.exists()


def test_a_check_runs_for_every_format_before_any_renderer(warned, tmp_path, monkeypatch):
    calls = []
    entry = RENDERERS[("analysis", "csv")]

    def render(result):
        calls.append("render")
        return entry.render(result)

    def check(result):
        raise OutputError("cannot hold it")

    monkeypatch.setitem(RENDERERS, ("analysis", "csv"), Renderer(render))
    monkeypatch.setitem(
        RENDERERS, ("analysis", "json"), Renderer(RENDERERS[("analysis", "json")].render, check)
    )
    with pytest.raises(OutputError):
        write_reports(warned, tmp_path / "out", ["csv", "json"])
    assert calls == []


def test_an_epoch_past_9999_is_a_clear_error(warned, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "999999999999")
    with pytest.raises(OutputError, match="SOURCE_DATE_EPOCH='999999999999'"):
        write_reports(warned, tmp_path / "out", ["xlsx"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "253402300799")  # the last second of 9999
    assert write_reports(warned, tmp_path / "out", ALL).paths


# --- inputs are never written over --------------------------------------------------------


def _mandate_named(folder: Path, name: str, make_mandate) -> Path:
    path = folder / name
    path.write_bytes(Path(make_mandate()).read_bytes())
    return path


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_the_mandate_read_is_never_written_over(link, make_csv, make_mandate, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    real = _mandate_named(tmp_path, "rules.yaml", make_mandate)
    target = folder / "test-mandate-gap-report.json"
    if link == "same":
        target.write_bytes(real.read_bytes())
        given = target
    else:
        (os.symlink if link == "symlink" else os.link)(real, target)
        given = real
    before = target.read_bytes()
    args = ["analyze", str(make_csv(rows(1), HEADER)), "-m", str(given), "-o", str(folder)]
    result = CliRunner().invoke(main, [*args, "-f", "json"])
    assert result.exit_code == 1, result.output
    assert "refusing to write a report over an input file" in result.output
    assert target.read_bytes() == before and real.read_bytes() == before


def test_amend_never_writes_over_the_mandate_it_reads(make_csv, make_mandate, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    mandate = _mandate_named(folder, "test-mandate-amended.yaml", make_mandate)
    before = mandate.read_bytes()
    table = make_csv([["X", "t", "2019-05", "municipal", "general_election", ""]], HEADER)
    result = CliRunner().invoke(
        main, ["amend", str(table), "-m", str(mandate), "--cover", "X", "-o", str(folder)]
    )
    assert result.exit_code == 1, result.output
    assert "refusing to write a report over an input file" in result.output
    assert mandate.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["test-mandate-amended.yaml"]


def test_an_incident_file_reached_by_a_hard_link_is_never_written_over(make_mandate, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    table = tmp_path / "in.json"
    table.write_bytes(
        b'[{"id": "A1", "title": "t", "date": "2019", "level": "federal",'
        b' "event_type": "general_election"}]'
    )
    os.link(table, folder / "test-mandate-gap-report.json")
    result = CliRunner().invoke(
        main, ["analyze", str(table), "-m", str(make_mandate()), "-o", str(folder), "-f", "json"]
    )
    assert result.exit_code == 1 and "over an input file" in result.output
    assert b'"A1"' in table.read_bytes()


def test_the_writer_is_typed_by_result_kind():
    kinds = {kind for kind, _fmt in RENDERERS}
    assert kinds == {"analysis", "comparison", "amendment"}
    with pytest.raises(TypeError):
        reports.kind_of(object())


# --- one cell-safety function for every workbook ---------------------------------------------------


def test_every_workbook_makes_its_cells_safe_the_same_way(make_csv, make_mandate, tmp_path):
    import openpyxl

    from scope_gap.reports.cells import safe_text

    hostile = '=HYPERLINK("http://x","y")\x07'
    table = make_csv([["X", hostile, "2019-05", "municipal", "general_election", "a\x0bb"]], HEADER)
    mandate = make_mandate()
    analysis = scope_gap.analyze(table, mandate)
    other = Path(make_mandate(name="other.yaml"))
    other.write_text(other.read_text().replace("id: test-mandate", "id: other"))
    comparison = scope_gap.compare(table, [mandate, other])
    amendment = scope_gap.amend(table, mandate, cover=["X"])
    paths = [
        *write_reports(analysis, tmp_path / "a", ["xlsx"]).paths,
        *write_reports(comparison, tmp_path / "c", ["xlsx"]).paths,
        *write_reports(amendment, tmp_path / "m", ["xlsx"]).paths,
    ]
    shown = safe_text(hostile).text
    assert shown == '=HYPERLINK("http://x","y")'
    found = 0
    for path in [p for p in paths if p.suffix == ".xlsx"]:
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith("="):
                        assert cell.data_type == "s" and cell.quotePrefix, (path.name, cell)
                        found += 1
                    if isinstance(cell.value, str):
                        assert "\x07" not in cell.value and "\x0b" not in cell.value
    assert found >= 2  # the gap report and the comparison's matrix show the title


@pytest.mark.parametrize("link", ["same", "symlink", "hardlink"])
def test_the_column_map_read_is_never_written_over(link, make_csv, make_mandate, tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    real = tmp_path / "columns.yaml"
    real.write_text("columns:\n  Notes: notes\n", encoding="utf-8")
    target = folder / "test-mandate-gap-report.json"
    if link == "same":
        target.write_bytes(real.read_bytes())
        given = target
    else:
        (os.symlink if link == "symlink" else os.link)(real, target)
        given = real
    before = target.read_bytes()
    table = make_csv(rows(1), HEADER)
    args = ["analyze", str(table), "-m", str(make_mandate()), "--columns", str(given)]
    result = CliRunner().invoke(main, [*args, "-o", str(folder), "-f", "json"])
    assert result.exit_code == 1, result.output
    assert "refusing to write a report over an input file" in result.output
    assert target.read_bytes() == before


def test_a_fifo_as_column_map_is_refused_without_hanging(make_csv, make_mandate, tmp_path):
    fifo = tmp_path / "columns.yaml"
    os.mkfifo(fifo)
    table = make_csv(rows(1), HEADER)
    result = CliRunner().invoke(
        main, ["validate", str(table), "--columns", str(fifo)], catch_exceptions=False
    )
    assert result.exit_code == 1
    assert "is a named pipe (FIFO), not a regular file" in result.output

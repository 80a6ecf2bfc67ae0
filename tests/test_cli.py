import io
import json
from pathlib import Path

import pytest

import scope_gap
from scope_gap.cli import main

from .conftest import SIMPLE_MANDATE

ONE_ROW = ["X1", "a federal incident", "2019-05", "federal", "general_election"]


def test_version(cli):
    result = cli("--version", catch=False)
    assert result.exit_code == 0
    assert result.output.strip() == f"scope-gap, version {scope_gap.__version__}"


def _commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name), command
        if hasattr(command, "commands"):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(main)], ids=" ".join)
def test_every_command_has_help_with_an_example(cli, path):
    result = cli(*path, "--help", catch=False)
    assert result.exit_code == 0
    assert "Example" in result.output


def test_analyze_defaults_write_json_and_print_a_summary(cli, tmp_path):
    result = cli("analyze", "-o", str(tmp_path), "-f", "json", catch=False)
    assert result.exit_code == 0, result.output
    report = tmp_path / "hogue-2023-gap-report.json"
    assert f"wrote {report}" in result.output
    assert "in scope" in result.output and "context only" in result.output
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["mandate"]["id"] == "hogue-2023"
    assert data["inputs"][0]["path"] == "data/incidents.csv"


def test_cli_json_equals_the_library(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv(
        [["X", "t", "2019-05", "federal", "general_election"], ["Y", "t", "bad", "", ""]]
    )
    mandate = make_mandate()
    result = cli(
        "analyze",
        str(incidents),
        "-m",
        str(mandate),
        "-o",
        str(tmp_path / "out"),
        "-f",
        "json",
        catch=False,
    )
    assert result.exit_code == 0, result.output
    written = json.loads(
        (tmp_path / "out" / "test-mandate-gap-report.json").read_text(encoding="utf-8")
    )
    assert written == scope_gap.analyze(str(incidents), str(mandate)).to_dict()


def test_invalid_rows_are_a_result_not_an_error(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv([["", "t", "", "", ""], ONE_ROW])
    result = cli(
        "analyze", str(incidents), "-m", str(make_mandate()), "-o", str(tmp_path), "-f", "csv"
    )
    assert result.exit_code == 0


def test_strict_fails_without_writing(cli, tmp_path, make_csv, make_mandate):
    incidents = make_csv([["", "t", "", "", ""]])
    out = tmp_path / "out"
    result = cli("analyze", str(incidents), "-m", str(make_mandate()), "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert "1 invalid row(s) and --strict was given" in result.output
    assert not out.exists()


def test_missing_input_is_a_usage_error(cli, tmp_path):
    result = cli("analyze", str(tmp_path / "nope.csv"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_unknown_mandate_is_a_usage_error(cli):
    result = cli("analyze", "-m", "hogue-2032")
    assert result.exit_code == 2
    assert (
        "'hogue-2032' is neither a rule file nor a bundled mandate (did you mean 'hogue-2023'?)"
        in result.output
    )


def test_bad_table_exits_1_with_the_file_and_column(cli, tmp_path, make_csv):
    incidents = make_csv([], header=["id", "title", "date", "level"])
    result = cli("analyze", str(incidents), "-o", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == (
        f"Error: {incidents}: lacks the required column 'event_type' "
        "(required: id, title, date, level, event_type)"
    )
    assert "Traceback" not in result.output


def test_bad_rules_exit_1_with_every_error(cli, tmp_path, make_csv, make_mandate):
    mandate = make_mandate(
        SIMPLE_MANDATE.replace("in: [federal], gap: Not federal", "in: [federl]").replace(
            "within: P", "within: R"
        )
    )
    result = cli("analyze", str(make_csv([ONE_ROW])), "-m", str(mandate), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 2
    assert (
        lines[0].startswith(f"{mandate}:11:")
        and "'federl' is not a value of level (did you mean 'federal'?)" in lines[0]
    )
    assert lines[1].startswith(f"{mandate}:13:") and "unknown period 'R'" in lines[1]
    assert not (tmp_path / "o").exists()


def test_never_writes_over_an_input(cli, tmp_path, make_mandate):
    incidents = tmp_path / "test-mandate-gap-report.csv"
    incidents.write_text("id,title,date,level,event_type\nX,t,2019,federal,\n", encoding="utf-8")
    before = incidents.read_bytes()
    result = cli(
        "analyze", str(incidents), "-m", str(make_mandate()), "-o", str(tmp_path), "-f", "csv"
    )
    assert result.exit_code == 1
    assert "refusing to write a report over an input file" in result.output
    assert incidents.read_bytes() == before


def test_validate_prints_file_row_column_message(cli, make_csv):
    incidents = make_csv([["X", "t", "2019", "federal", ""], ["", "t", "2019-13", "provincal", ""]])
    result = cli("validate", str(incidents))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{incidents}:3: id: is blank",
        f"{incidents}:3: date: '2019-13' has no month 13",
        f"{incidents}:3: level: 'provincal' is not an allowed value (did you mean 'provincial'?); "
        "allowed: federal, provincial, territorial, municipal, other, unknown",
    ]


def test_validate_passes_a_clean_file(cli, make_csv):
    result = cli("validate", str(make_csv([["X", "t", "2019", "federal", ""]])), catch=False)
    assert result.exit_code == 0
    assert "1 rows in 1 file(s): all valid" in result.output


def test_rules_check_reports_every_error_in_every_file(cli, make_mandate):
    good = make_mandate(name="good.yaml")
    bad1 = make_mandate(SIMPLE_MANDATE.replace("within: P", "withn: P"), name="bad1.yaml")
    bad2 = make_mandate(SIMPLE_MANDATE.replace("id: test-mandate", "id: ../x"), name="bad2.yaml")
    result = cli("rules", "check", str(good), str(bad1), str(bad2))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0] == f"{good}: ok (test-mandate, 2 clauses)"
    assert (
        lines[1].startswith(f"{bad1}:13:")
        and "unknown operator 'withn' (did you mean 'within'?)" in lines[1]
    )
    assert lines[2].startswith(f"{bad2}:2:7: mandate id '../x' is not allowed")


def test_rules_check_bundled_mandates(cli):
    from scope_gap.bundled import bundled_mandates

    result = cli("rules", "check", *[str(p) for p in bundled_mandates().values()], catch=False)
    assert result.exit_code == 0


def test_explain_shows_every_condition_and_the_status(cli, make_csv, make_mandate):
    incidents = make_csv([["X", "t", "2022", "municipal", "general_election"]])
    result = cli("explain", "X", str(incidents), "-m", str(make_mandate()), catch=False)
    assert result.exit_code == 0
    out = result.output
    assert "clause A [examined]: false" in out
    assert "level in [federal]: level = municipal -> false" in out
    assert "event_type in [general_election]: event_type = general_election -> true" in out
    assert "date within P: date = 2022 -> false" in out
    assert "clause C [context]: true" in out
    assert "status: context_only" in out
    assert "gaps: Not federal; Outside 2019" in out


def test_explain_unknown_id(cli, make_csv, make_mandate):
    result = cli("explain", "Y", str(make_csv([["X", "t", "", "", ""]])), "-m", str(make_mandate()))
    assert result.exit_code == 1
    assert "Error: no incident with id 'Y'" in result.output


def test_explain_an_invalid_row(cli, make_csv, make_mandate):
    incidents = make_csv([["X", "t", "nope", "", ""]])
    result = cli("explain", "X", str(incidents), "-m", str(make_mandate()))
    assert result.exit_code == 1
    assert f"incident 'X' ({incidents}:2) is an invalid row: date:" in result.output


def test_python_dash_m_runs(tmp_path):
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "scope_gap", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("scope-gap, version")


def test_stdin_input(cli, tmp_path, make_mandate):
    data = "id,title,date,level,event_type\nS,t,2019-05,federal,general_election\n"
    result = cli(
        "analyze",
        "-",
        "-m",
        str(make_mandate()),
        "-o",
        str(tmp_path),
        "-f",
        "json",
        input=data,
        catch=False,
    )
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "test-mandate-gap-report.json").read_text(encoding="utf-8"))
    assert report["incidents"][0]["origin"] == {"path": "-", "sheet": None, "row": 2}
    assert report["inputs"][0]["path"] == "-"


def test_output_directory_is_created(cli, tmp_path, make_csv, make_mandate):
    out = tmp_path / "a" / "b"
    cli(
        "analyze",
        str(make_csv([ONE_ROW])),
        "-m",
        str(make_mandate()),
        "-o",
        str(out),
        "-f",
        "json",
        catch=False,
    )
    assert (out / "test-mandate-gap-report.json").is_file()
    assert [p.name for p in Path(out).iterdir()] == ["test-mandate-gap-report.json"]


def test_output_directory_that_is_a_file_is_a_usage_error(cli, tmp_path, make_csv, make_mandate):
    blocker = tmp_path / "out"
    blocker.write_text("not a folder", encoding="utf-8")
    result = cli(
        "analyze", str(make_csv([ONE_ROW])), "-m", str(make_mandate()), "-o", str(blocker), "-f", "json"
    )
    assert result.exit_code == 2
    assert "is a file" in result.output


def test_output_directory_that_cannot_be_made_is_a_clear_error(tmp_path, make_csv, make_mandate):
    from scope_gap.reports import OutputError, write_reports

    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    analysis = scope_gap.analyze(make_csv([ONE_ROW]), make_mandate())
    with pytest.raises(OutputError, match="cannot write reports there"):
        write_reports(analysis, blocker / "sub", ["json"])


def test_reports_record_the_command_line_as_typed(tmp_path, make_csv, make_mandate):
    from click.testing import CliRunner

    import scope_gap.reports as reports

    seen = {}
    original = reports.write_reports

    def spy(result, *args, **kwargs):
        seen["command"] = result.command
        return original(result, *args, **kwargs)

    incidents, mandate = make_csv([ONE_ROW]), make_mandate()
    args = ["analyze", str(incidents), "-m", str(mandate), "-o", str(tmp_path), "-f", "json"]
    reports.write_reports = spy
    try:
        CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        reports.write_reports = original
    assert seen["command"] == "scope-gap " + " ".join(args)


class _Terminal:
    def __init__(self):
        self.lines = []

    def isatty(self):
        return True

    def write(self, text):
        self.lines.append(text)

    def flush(self):
        pass


def test_progress_lines_show_for_large_inputs_on_a_terminal_only():
    from scope_gap.cli import PROGRESS_ROWS, ProgressLines

    terminal = _Terminal()
    progress = ProgressLines(quiet=False, stream=terminal)
    progress.stage("read 10 rows", 10)
    assert terminal.lines == []
    progress.stage(f"read {PROGRESS_ROWS:,} rows", PROGRESS_ROWS)
    progress.stage("wrote reports/x.json")
    assert [line.split("] ", 1)[1].strip() for line in terminal.lines] == [
        f"read {PROGRESS_ROWS:,} rows",
        "wrote reports/x.json",
    ]
    quiet = _Terminal()
    ProgressLines(quiet=True, stream=quiet).stage("read", PROGRESS_ROWS)
    assert quiet.lines == []
    piped = io.StringIO()
    ProgressLines(quiet=False, stream=piped).stage("read", PROGRESS_ROWS)
    assert piped.getvalue() == ""


def test_the_library_reports_each_stage(make_csv, make_mandate):
    stages = []
    scope_gap.analyze(
        make_csv([["X", "t", "", "", ""], ["", "t", "", "", ""]]),
        make_mandate(),
        progress=lambda message, rows: stages.append((message, rows)),
    )
    assert stages == [
        ("read 2 rows", 2),
        ("validated (1 invalid)", 2),
        ("classified under test-mandate", 1),
    ]


def test_quiet_is_accepted(cli, tmp_path, make_csv, make_mandate):
    result = cli(
        "analyze",
        str(make_csv([ONE_ROW])),
        "-m",
        str(make_mandate()),
        "-o",
        str(tmp_path),
        "-f",
        "json",
        "-q",
        catch=False,
    )
    assert result.exit_code == 0

"""Every case of the hostile-input corpus (tests/data/hostile/make.py) through the CLI:
the exact exit code, a message naming the file (and where), no traceback, and on success a
report in which every row read is counted once."""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from scope_gap.cli import main

HOSTILE = Path(__file__).parent / "data" / "hostile"
_spec = importlib.util.spec_from_file_location("hostile_make", HOSTILE / "make.py")
assert _spec and _spec.loader
make = importlib.util.module_from_spec(_spec)
sys.modules["hostile_make"] = make
_spec.loader.exec_module(make)

STATUSES = ("in_scope", "context_only", "out_of_scope", "indeterminate", "invalid")
SECONDS = 20  # no case may take longer: a hang is a failure


def case_file(case, tmp_path: Path) -> Path:
    """The committed file for small cases, a freshly built one for large cases."""
    if case.large:
        path = tmp_path / "hostile" / case.name
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(case.build())
        return path
    return HOSTILE / case.name


def run(args: list[str], env: dict[str, str]):
    started = time.monotonic()
    result = CliRunner().invoke(main, args, env=env)
    return result, time.monotonic() - started


def check_clean(result, case, seconds: float) -> str:
    output = result.output
    assert "Traceback" not in output, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{case.name}: {result.exception!r}") from result.exception
    assert result.exit_code == case.exit, output[-2000:]
    assert seconds < SECONDS, f"{case.name} took {seconds:.1f} s"
    if case.message:
        assert case.message in output, output[-2000:]
    return output


def check_report(report_dir: Path, case) -> None:
    report = json.loads((report_dir / "hostile-gap-report.json").read_text(encoding="utf-8"))
    summary = report["summary"]
    assert summary["total"] == sum(summary[s] for s in STATUSES)
    assert summary["total"] == case.rows
    origins = [r["origin"]["row"] for r in report["incidents"] + report["invalid"]]
    assert len(origins) == len(set(origins)) == case.rows
    assert sum(i["rows"] for i in report["inputs"]) == case.rows


def check_specific(report_dir: Path, case) -> None:
    """What some cases must read, beyond every row counted once."""
    report = json.loads((report_dir / "hostile-gap-report.json").read_text(encoding="utf-8"))
    if case.name == "internal-column-names.csv":
        (fields,) = [r["fields"] for r in report["incidents"]]
        assert (fields["__row"], fields["__path"], fields["__sheet"]) == ("r", "p", "s")
        assert report["incidents"][0]["origin"]["row"] == 2
    if case.name in ("ids-nfc-nfd.csv", "ids-zero-width.csv"):
        (invalid,) = report["invalid"]
        assert invalid["origin"]["row"] == 3 and "already used by" in invalid["errors"][0]
        assert invalid["fields"]["id"] != report["incidents"][0]["id"]  # as typed


TABLES = [c for c in make.CASES if c.kind == "table"]
RULES = [c for c in make.CASES if c.kind == "rules"]


def test_the_corpus_is_large_enough_and_its_files_are_current(tmp_path):
    assert len(make.CASES) >= 40
    assert len({c.name for c in make.CASES}) == len(make.CASES)
    written = make.write_corpus(tmp_path)
    for path in written:
        assert (HOSTILE / path.name).read_bytes() == path.read_bytes(), path.name
    assert (HOSTILE / "README.md").read_text(encoding="utf-8") == make.readme()


@pytest.mark.parametrize("case", TABLES, ids=[c.name for c in TABLES])
def test_hostile_table(case, tmp_path):
    path = case_file(case, tmp_path)
    mandate = tmp_path / "m.yaml"
    mandate.write_bytes(make.rule("{field: level, in: [federal]}"))
    out = tmp_path / "out"
    args = ["analyze", str(path), *case.args, "-m", str(mandate), "-o", str(out), "-f", "json"]
    result, seconds = run(args, case.env)
    output = check_clean(result, case, seconds)
    if case.exit == 0:
        check_report(out, case)
        check_specific(out, case)
    else:
        assert f"{path}: " in output or f"{path}:" in output, output
        assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("case", RULES, ids=[c.name for c in RULES])
def test_hostile_rule_file(case, tmp_path):
    path = case_file(case, tmp_path)
    result, seconds = run(["rules", "check", str(path)], case.env)
    output = check_clean(result, case, seconds)
    if case.exit:
        assert output.startswith(f"{path}:"), output
    table = tmp_path / "t.csv"
    table.write_text(make.HEADER + make.ROW + "A2," + "a" * 30 + "!,2019,federal,x\n")
    out = tmp_path / "out"
    args = ["analyze", str(table), "-m", str(path), "-o", str(out), "-f", "json"]
    result, seconds = run(args, case.env)
    check_clean(result, case, seconds)
    assert out.exists() == (case.exit == 0)


def test_an_output_path_equal_to_an_input_is_refused(tmp_path):
    """-o names the folder holding the input and the input is named like the report."""
    table = tmp_path / "hostile-gap-report.json"
    table.write_bytes(
        b'[{"id": "A1", "title": "t", "date": "2019", "level": "federal", "event_type": "general_election"}]'
    )
    before = table.read_bytes()
    mandate = tmp_path / "m.yaml"
    mandate.write_bytes(make.rule("{field: level, in: [federal]}"))
    result = CliRunner().invoke(
        main, ["analyze", str(table), "-m", str(mandate), "-o", str(tmp_path), "-f", "json"]
    )
    assert result.exit_code == 1
    assert "refusing to write a report over an input file" in result.output
    assert "Traceback" not in result.output
    assert table.read_bytes() == before


def test_limits_given_wrong_are_a_clear_error(tmp_path):
    table = tmp_path / "t.csv"
    table.write_text(make.HEADER + make.ROW)
    result = CliRunner().invoke(main, ["validate", str(table)], env={"SCOPE_GAP_MAX_ROWS": "lots"})
    assert result.exit_code == 1
    assert "SCOPE_GAP_MAX_ROWS='lots' must be a whole number" in result.output

"""Measure scope-gap against hand-written references, in one run, and print a Markdown report.

python benchmarks/run.py --sizes 200000 1000000 --out benchmarks/RESULTS.md

For each size N: (1) `scope-gap analyze -f json` against benchmarks/reference.py (pandas,
same statuses, DataFrame.to_json), both as separate processes; (2) the classification with
explanations (engine.evaluate) against the reference's Kleene mask, in process, on tables
already loaded; (3) per-row rule engines (rule-engine, panzi-json-logic) on the same rule,
on the first --engine-rows rows, extrapolated per row. At --report-size (default 100,000):
(4) `-f xlsx` against a bare openpyxl write_only dump of the same rows and cells and (5)
`-f html`. (6) Peak memory of every process, and `scope-gap --help` start-up time.
Synthetic incidents come from benchmarks/generate.py (seeded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
import reference  # noqa: E402

SCOPE_GAP = [sys.executable, "-m", "scope_gap"]


def run(command: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak resident memory (MB) of one child process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"failed ({process.returncode}): {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def make_input(n: int, folder: Path) -> Path:
    path = folder / f"incidents-{n}.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8", newline="") as handle:
            import csv

            writer = csv.writer(handle)
            writer.writerow(generate.HEADER)
            writer.writerows(generate.rows(n))
    return path


# --- (3) per-row rule engines on the same rule --------------------------------------------

A0, A1 = (d.toordinal() for d in reference.A_RANGE)
(B0, B1), (B2, B3) = ((a.toordinal(), b.toordinal()) for a, b in reference.B_RANGES)
A_EVENTS = ["general_election", "nomination_contest"]

# Each engine gets the row's canonical values (None when not known) and the date's first and
# last possible day; five two-valued rules give the three-valued clauses A and B, and C.
RULE_ENGINE_RULES = {
    "a_true": f"level == 'federal' and event_type in {A_EVENTS!r} and start != null "
    f"and start >= {A0} and end <= {A1}",
    "a_false": f"(level != null and level != 'federal') or (event_type != null and "
    f"event_type not in {A_EVENTS!r}) or (start != null and (end < {A0} or start > {A1}))",
    "b_true": f"level == 'federal' and event_type == 'general_election' and start != null and "
    f"((start >= {B0} and end <= {B1}) or (start >= {B2} and end <= {B3}))",
    "b_false": "(level != null and level != 'federal') or (event_type != null and "
    "event_type != 'general_election') or (start != null and "
    f"(end < {B0} or start > {B1}) and (end < {B2} or start > {B3}))",
    "c_true": f"level in {reference.CANADIAN!r}",
}


def _v(name: str) -> dict[str, Any]:
    return {"var": name}


def _known(name: str) -> dict[str, Any]:
    return {"!=": [_v(name), None]}


def _inside(lo: int, hi: int) -> dict[str, Any]:
    return {"and": [{">=": [_v("start"), lo]}, {"<=": [_v("end"), hi]}]}


def _apart(lo: int, hi: int) -> dict[str, Any]:
    return {"or": [{"<": [_v("end"), lo]}, {">": [_v("start"), hi]}]}


JSON_LOGIC_RULES = {
    "a_true": {
        "and": [
            {"==": [_v("level"), "federal"]},
            {"in": [_v("event_type"), A_EVENTS]},
            _known("start"),
            _inside(A0, A1),
        ]
    },
    "a_false": {
        "or": [
            {"and": [_known("level"), {"!=": [_v("level"), "federal"]}]},
            {"and": [_known("event_type"), {"!": {"in": [_v("event_type"), A_EVENTS]}}]},
            {"and": [_known("start"), _apart(A0, A1)]},
        ]
    },
    "b_true": {
        "and": [
            {"==": [_v("level"), "federal"]},
            {"==": [_v("event_type"), "general_election"]},
            _known("start"),
            {"or": [_inside(B0, B1), _inside(B2, B3)]},
        ]
    },
    "b_false": {
        "or": [
            {"and": [_known("level"), {"!=": [_v("level"), "federal"]}]},
            {"and": [_known("event_type"), {"!=": [_v("event_type"), "general_election"]}]},
            {"and": [_known("start"), _apart(B0, B1), _apart(B2, B3)]},
        ]
    },
    "c_true": {"in": [_v("level"), reference.CANADIAN]},
}


def engine_rows(frame: Any) -> list[dict[str, Any]]:
    """The rows as the per-row engines see them (prepared outside the timing)."""
    level, event = reference._enum(frame["level"]), reference._enum(frame["event_type"])
    start, end = reference.date_bounds(frame["date"])
    return [
        {
            "level": None if lv is None or lv != lv else lv,
            "event_type": None if ev is None or ev != ev else ev,
            "start": None if s < 0 else int(s),
            "end": None if s < 0 else int(e),
        }
        for lv, ev, s, e in zip(
            level.astype(object).where(level.notna(), None).tolist(),
            event.astype(object).where(event.notna(), None).tolist(),
            start.tolist(),
            end.tolist(),
            strict=True,
        )
    ]


def status_of(truth: dict[str, bool]) -> str:
    if truth["a_true"] or truth["b_true"]:
        return "in_scope"
    if not truth["a_false"] or not truth["b_false"]:
        return "indeterminate"
    return "context_only" if truth["c_true"] else "out_of_scope"


def rule_engine_statuses(rows: list[dict[str, Any]]) -> list[str]:
    import rule_engine

    rules = {k: rule_engine.Rule(text) for k, text in RULE_ENGINE_RULES.items()}
    return [status_of({k: r.matches(row) for k, r in rules.items()}) for row in rows]


def json_logic_statuses(rows: list[dict[str, Any]]) -> list[str]:
    from json_logic import jsonLogic

    return [
        status_of({k: bool(jsonLogic(rule, row)) for k, rule in JSON_LOGIC_RULES.items()})
        for row in rows
    ]


# --- (4) the bare openpyxl dump -------------------------------------------------------------


def xlsx_cells(analysis: Any) -> dict[str, list[list[str]]]:
    """The incident sheets' rows and cells as scope-gap lays them out (built outside timing)."""
    sheets: dict[str, list[list[str]]] = {"Out of scope": [], "Indeterminate": [], "In scope": []}
    sheet_of = {
        "out_of_scope": "Out of scope",
        "context_only": "Out of scope",
        "indeterminate": "Indeterminate",
        "in_scope": "In scope",
    }
    lead = ["id", "title", "date", "level", "event_type"]
    for record in analysis.incidents:
        fields = record["fields"]
        row = [fields.get(k, "") for k in lead] + [record["status"]]
        if record["status"] == "in_scope":
            row.append("; ".join(record["covered_by"]))
        else:
            row += ["; ".join(record["gaps"]), "\n".join(record["reasons"])]
        row += [v for k, v in fields.items() if k not in lead]
        sheets[sheet_of[record["status"]]].append(row)
    return sheets


def bare_xlsx(sheets: dict[str, list[list[str]]], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


# --- the run --------------------------------------------------------------------------------


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory = next(
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        )
    except (OSError, StopIteration):
        memory = 0
    import numpy
    import openpyxl
    import orjson
    import pandas

    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory} GiB RAM; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}, pandas {pandas.__version__}, "
        f"numpy {numpy.__version__}, openpyxl {openpyxl.__version__}, orjson {orjson.__version__}"
    )


def measure_cli(n: int, folder: Path, repeat: int) -> dict[str, Any]:
    """The two whole commands (best time of `repeat`, highest peak memory)."""
    source = make_input(n, folder)
    out = folder / f"out-{n}"
    result: dict[str, Any] = {"n": n}
    for key, command in [
        ("sg", [*SCOPE_GAP, "analyze", str(source), "-f", "json", "-o", str(out)]),
        (
            "ref",
            [sys.executable, str(HERE / "reference.py"), str(source), str(folder / "ref.json")],
        ),
    ]:
        runs = [run(command) for _ in range(repeat)]
        result[f"{key}_time"] = min(t for t, _ in runs)
        result[f"{key}_mem"] = max(m for _, m in runs)
    result["json_mb"] = (out / "hogue-2023-gap-report.json").stat().st_size / 1e6
    result["ref_json_mb"] = (folder / "ref.json").stat().st_size / 1e6
    return result


def measure_size(
    n: int, folder: Path, engine_n: int, repeat: int, cli: dict[int, dict[str, Any]]
) -> dict[str, Any]:
    import pandas as pd

    import scope_gap
    from scope_gap.engine import evaluate

    source = make_input(n, folder)
    out = folder / f"out-{n}"
    result = dict(cli[n])

    analysis = scope_gap.analyze(source, "hogue-2023")
    table, mandate = analysis.table, analysis.mandate
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    result["table_mb"] = table.frame.memory_usage(deep=True).sum() / 1e6
    result["eval_time"] = best(lambda: evaluate(mandate, table), repeat)
    result["mask_time"] = best(lambda: reference.classify(frame), repeat)
    statuses = reference.classify(frame).tolist()
    assert statuses == analysis.evaluation.status.tolist(), "reference disagrees"

    sample = engine_rows(frame.head(engine_n))
    for name, fn in [("rule_engine", rule_engine_statuses), ("json_logic", json_logic_statuses)]:
        start = time.perf_counter()
        got = fn(sample)
        per_row = (time.perf_counter() - start) / len(sample)
        assert got == statuses[: len(sample)], f"{name} disagrees"
        result[f"{name}_row_us"] = per_row * 1e6
        result[f"{name}_time"] = per_row * n

    shutil.rmtree(out, ignore_errors=True)
    return result


def measure_report_cli(n: int, folder: Path) -> dict[str, Any]:
    source = make_input(n, folder)
    out = folder / f"reports-{n}"
    result: dict[str, Any] = {"n": n}
    for fmt in ("xlsx", "html"):
        result[f"{fmt}_cli"], result[f"{fmt}_mem"] = run(
            [*SCOPE_GAP, "analyze", str(source), "-f", fmt, "-o", str(out)]
        )
        result[f"{fmt}_mb"] = (out / f"hogue-2023-gap-report.{fmt}").stat().st_size / 1e6
    result["json_cli"], _ = run([*SCOPE_GAP, "analyze", str(source), "-f", "json", "-o", str(out)])
    return result


def measure_reports(n: int, folder: Path, cli: dict[str, Any]) -> dict[str, Any]:
    import scope_gap
    from scope_gap.reports import write_reports

    source = make_input(n, folder)
    out = folder / f"reports-{n}"
    result = dict(cli)
    analysis = scope_gap.analyze(source, "hogue-2023")
    for fmt in ("xlsx", "html"):
        start = time.perf_counter()
        write_reports(analysis, out, [fmt])
        result[f"{fmt}_render"] = time.perf_counter() - start
    sheets = xlsx_cells(analysis)
    start = time.perf_counter()
    bare_xlsx(sheets, folder / "bare.xlsx")
    result["bare_xlsx"] = time.perf_counter() - start
    shutil.rmtree(out, ignore_errors=True)
    return result


def startup(repeat: int = 5) -> tuple[float, bool]:
    times = [run([*SCOPE_GAP, "--help"])[0] for _ in range(repeat)]
    trace = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "scope_gap", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    heavy = any(f"| {name}" in trace for name in ("pandas", "openpyxl", "jinja2"))
    return min(times), heavy


def baseline_memory() -> float:
    """Peak memory of a process that only imports what `analyze` needs (no data)."""
    return run([sys.executable, "-c", "import scope_gap.api, scope_gap.reports.json"])[1]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}×" if b else "n/a"


def report(sizes: list[dict[str, Any]], reports: dict[str, Any], extra: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Measured {dt.date.today().isoformat()} on: {extra['machine']}.",
        "",
        f"Command: `{extra['command']}`",
        "",
        "Synthetic incidents from `benchmarks/generate.py` (seeded); mandate hogue-2023. The "
        "reference (`benchmarks/reference.py`) reads the CSV with pandas, computes the same "
        "three-valued statuses with pandas' nullable boolean (Kleene) dtype and writes id, "
        "status and every field with `DataFrame.to_json`; it validates nothing and explains "
        "nothing. scope-gap also validates every row and writes covered_by, gaps, reasons and "
        "origin. Ratios are scope-gap ÷ reference (lower is better).",
        "",
        "## Analyse to JSON, and the classification alone",
        "",
        "Whole commands: best of two runs up to 200,000 incidents, one run above. ",
        "",
        "| incidents | scope-gap `analyze -f json` | reference script | ratio (target ≤ 1.5×) "
        "| JSON written (scope-gap / reference) | evaluate (with explanations) | Kleene mask "
        "| ratio (target ≤ 1.5×) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sizes:
        lines.append(
            f"| {r['n']:,} | {r['sg_time']:.2f} s | {r['ref_time']:.2f} s "
            f"| {ratio(r['sg_time'], r['ref_time'])} | {r['json_mb']:.0f} MB / "
            f"{r['ref_json_mb']:.0f} MB | {r['eval_time']:.3f} s | {r['mask_time']:.3f} s "
            f"| {ratio(r['eval_time'], r['mask_time'])} |"
        )
    lines += [
        "",
        "## Per-row rule engines on the same rule (for context)",
        "",
        f"Run on the first {extra['engine_rows']:,} incidents and extrapolated per row to N "
        "(five two-valued rules per row give the three-valued clauses; statuses checked equal "
        "to scope-gap's). Target: scope-gap ≥ 100× faster.",
        "",
        "| incidents | scope-gap evaluate | rule-engine (µs/row → N) | speed-up "
        "| panzi-json-logic (µs/row → N) | speed-up |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for r in sizes:
        lines.append(
            f"| {r['n']:,} | {r['eval_time']:.3f} s | {r['rule_engine_row_us']:.1f} → "
            f"{r['rule_engine_time']:.1f} s | {r['rule_engine_time'] / r['eval_time']:.0f}× "
            f"| {r['json_logic_row_us']:.1f} → {r['json_logic_time']:.1f} s "
            f"| {r['json_logic_time'] / r['eval_time']:.0f}× |"
        )
    rp = reports
    lines += [
        "",
        f"## Excel and HTML reports ({rp['n']:,} incidents)",
        "",
        "| what | time | size | peak memory |",
        "|---|---:|---:|---:|",
        f"| `analyze -f xlsx` (whole command) | {rp['xlsx_cli']:.2f} s | {rp['xlsx_mb']:.1f} MB "
        f"| {rp['xlsx_mem']:.0f} MB |",
        f"| `analyze -f json` (whole command, for comparison) | {rp['json_cli']:.2f} s | | |",
        f"| xlsx rendering alone (write_reports) | {rp['xlsx_render']:.2f} s | | |",
        f"| bare openpyxl write_only dump of the same incident rows and cells "
        f"| {rp['bare_xlsx']:.2f} s | | |",
        f"| **xlsx rendering ÷ bare dump (target ≤ 1.5×)** "
        f"| **{ratio(rp['xlsx_render'], rp['bare_xlsx'])}** | | |",
        f"| `analyze -f html` (whole command) | {rp['html_cli']:.2f} s | {rp['html_mb']:.1f} MB "
        f"| {rp['html_mem']:.0f} MB |",
        f"| html rendering alone | {rp['html_render']:.2f} s | | |",
        "",
        "## Memory and start-up",
        "",
        f"Baseline: a process that only imports scope-gap's analysis code peaks at "
        f"{extra['baseline_mb']:.0f} MB. Memory ratio = (peak − baseline) ÷ the loaded table "
        "(the valid incidents' text, `memory_usage(deep=True)`); target ≤ 3×.",
        "",
        "| incidents | loaded table | scope-gap peak | ratio | reference peak | ratio |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    base = extra["baseline_mb"]
    for r in sizes:
        lines.append(
            f"| {r['n']:,} | {r['table_mb']:.0f} MB | {r['sg_mem']:.0f} MB "
            f"| {ratio(r['sg_mem'] - base, r['table_mb'])} | {r['ref_mem']:.0f} MB "
            f"| {ratio(r['ref_mem'] - base, r['table_mb'])} |"
        )
    lines += [
        "",
        f"`scope-gap --help`: {extra['startup']:.3f} s (best of 5; target ≤ 0.3 s); pandas, "
        f"openpyxl or jinja2 imported at start-up: {'yes' if extra['heavy'] else 'no'}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200_000, 1_000_000])
    parser.add_argument("--report-size", type=int, default=100_000)
    parser.add_argument("--engine-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the Markdown report here too")
    parser.add_argument("--work", type=Path, help="folder for inputs and outputs (default: temp)")
    args = parser.parse_args(argv)
    folder = args.work or Path(tempfile.mkdtemp(prefix="scope-gap-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    extra: dict[str, Any] = {"command": command, "engine_rows": args.engine_rows}
    # every child process first: a child forked from a parent that already holds a large
    # analysis reports the parent's memory as its own peak
    extra["startup"], extra["heavy"] = startup()
    extra["baseline_mb"] = baseline_memory()
    cli = {}
    for n in args.sizes:
        print(f"running the commands on {n:,} incidents", file=sys.stderr)
        cli[n] = measure_cli(n, folder, 2 if n <= 200_000 else 1)
    print(f"running the report commands on {args.report_size:,} incidents", file=sys.stderr)
    report_cli = measure_report_cli(args.report_size, folder)
    sizes = []
    for n in args.sizes:
        print(f"measuring {n:,} incidents in process", file=sys.stderr)
        sizes.append(measure_size(n, folder, min(args.engine_rows, n), args.repeat, cli))
    print(f"measuring reports at {args.report_size:,} incidents in process", file=sys.stderr)
    reports = measure_reports(args.report_size, folder, report_cli)
    extra["machine"] = machine()
    text = report(sizes, reports, extra)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    if args.work is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""With SOURCE_DATE_EPOCH set, every report format is byte-identical across runs and across
PYTHONHASHSEED values (each run a fresh process)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORMATS = ("json", "csv", "xlsx", "html")


def run(folder: Path, seed: str) -> dict[str, bytes]:
    """One run in its own folder, with the same command line (reports record it)."""
    folder.mkdir()
    out = folder / "out"
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000", PYTHONHASHSEED=seed)
    args = [sys.executable, "-m", "scope_gap", "analyze", "-o", "out"]
    for fmt in FORMATS:
        args += ["-f", fmt]
    done = subprocess.run(args, env=env, cwd=folder, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return {fmt: (out / f"hogue-2023-gap-report.{fmt}").read_bytes() for fmt in FORMATS}


def test_reports_are_byte_identical_across_runs_and_hash_seeds(tmp_path):
    first = run(tmp_path / "a", "0")
    for seed in ("1", "12345"):
        again = run(tmp_path / seed, seed)
        for fmt in FORMATS:
            assert again[fmt] == first[fmt], f"{fmt} differs with PYTHONHASHSEED={seed}"


def test_json_report_one_incident_per_line_or_indented(tmp_path):
    # the default layout: one compact record per line, json.load gives to_dict(); --indent:
    # orjson's indented document; each byte-identical across runs
    import json

    import orjson

    import scope_gap
    from scope_gap.reports.json import dumps, lines

    report = scope_gap.analyze().to_dict()
    for flags, expected in (([], lines(report)), (["--indent"], dumps(report))):
        written = []
        for name in ("a", "b"):
            out = tmp_path / f"{name}{len(flags)}"
            args = [sys.executable, "-m", "scope_gap", "analyze", "-f", "json", "-o", str(out)]
            done = subprocess.run(args + flags, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            written.append((out / "hogue-2023-gap-report.json").read_bytes())
        assert written[0] == written[1] == expected
        assert json.loads(written[0]) == json.loads(json.dumps(report))
    compact = lines(report).split(b"\n")
    ids = [r["id"] for r in report["incidents"]]
    records = [line for line in compact if line.startswith(b'    {"id":')]
    assert [orjson.loads(line.rstrip(b",")) for line in records] == report["incidents"]
    assert [orjson.loads(line.rstrip(b","))["id"] for line in records] == ids

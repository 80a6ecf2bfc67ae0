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

"""A report is written whole or not at all: killing the process mid-write leaves no partial
report, and a polite stop (SIGTERM, Ctrl-C) leaves no temporary file either."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPORT = "hogue-2023-gap-report.xlsx"


@pytest.fixture(scope="module")
def big_table(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("atomic") / "big.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "title", "date", "level", "event_type", "summary", "sources"])
        for i in range(40_000):
            writer.writerow(
                [
                    f"R{i}",
                    f"Incident {i}",
                    "2019-06",
                    "municipal",
                    "general_election",
                    "A paragraph of text " * 5,
                    f"https://example.org/{i}",
                ]
            )
    return path


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_and_stop(table: Path, out: Path, how: int) -> tuple[subprocess.Popen, str]:
    """Start writing the xlsx report and send `how` once its temporary file exists; return
    the process and what it wrote to stderr."""
    log = out.parent / "stderr.txt"
    with open(log, "wb") as errors:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scope_gap",
                "analyze",
                str(table),
                "-o",
                str(out),
                "-f",
                "xlsx",
            ],
            stdout=subprocess.DEVNULL,
            stderr=errors,
            # a shell that starts the suite in the background ignores SIGINT, and a child
            # inherits that: give it the default, so that Python's own KeyboardInterrupt is tested
            preexec_fn=_default_sigint,
        )
    deadline = time.monotonic() + 60
    temps: list[Path] = []
    while time.monotonic() < deadline and process.poll() is None:
        temps = list(out.glob(f".{REPORT}.*.tmp")) if out.exists() else []
        # the temporary file exists from the start of the write to its rename, seconds later
        # for this table; waiting for its first bytes instead left too small a window (the
        # xlsx is zipped into it only at the end) and the write sometimes finished first
        if temps:
            break
        time.sleep(0.02)
    assert temps, "the report's temporary file never appeared"
    assert process.poll() is None, "the report was finished before it could be interrupted"
    process.send_signal(how)
    process.wait(timeout=30)
    return process, log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_stopped_write_leaves_no_partial_report(big_table, tmp_path, how):
    out = tmp_path / "out"
    process, stderr = start_and_stop(big_table, out, how)
    assert process.returncode != 0
    assert not (out / REPORT).exists()
    if how != signal.SIGKILL:  # only a kill cannot clean up after itself
        assert list(out.iterdir()) == []
        assert "Traceback" not in stderr, stderr


def test_an_earlier_report_survives_an_interrupted_write(big_table, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / REPORT).write_bytes(b"the previous report")
    start_and_stop(big_table, out, signal.SIGKILL)
    assert (out / REPORT).read_bytes() == b"the previous report"

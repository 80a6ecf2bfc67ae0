"""Shared helpers: tiny tables and mandates written to tmp_path."""

from __future__ import annotations

import csv
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from scope_gap.cli import main

HEADER = ["id", "title", "date", "level", "event_type"]

SIMPLE_MANDATE = """\
mandate:
  id: test-mandate
  title: Test inquiry
periods:
  P: {start: 2019-01-01, end: 2019-12-31, label: the year 2019}
clauses:
  - id: A
    text: federal general elections in 2019
    when:
      all:
        - {field: level, in: [federal], gap: Not federal}
        - {field: event_type, in: [general_election], gap: Not a general election}
        - {field: date, within: P, gap: Outside 2019}
  - id: C
    coverage: context
    when: {field: level, in: [federal, provincial, municipal]}
"""


def write_csv(path: Path, rows: list[list[str]], header: list[str] | None = None) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header or HEADER)
        writer.writerows(rows)
    return path


@pytest.fixture
def make_csv(tmp_path: Path):
    """make_csv(rows, header=None, name='in.csv') -> path of a UTF-8 CSV file."""

    def make(rows: list[list[str]], header: list[str] | None = None, name: str = "in.csv") -> Path:
        return write_csv(tmp_path / name, rows, header)

    return make


@pytest.fixture
def make_mandate(tmp_path: Path):
    """make_mandate(yaml_text=SIMPLE_MANDATE, name='m.yaml') -> path of a rule file."""

    def make(text: str = SIMPLE_MANDATE, name: str = "m.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return make


@pytest.fixture
def cli():
    """cli(*args, input=None) -> click Result; happy paths raise their exceptions."""
    runner = CliRunner()

    def run(*args: str, input: str | bytes | None = None, catch: bool = True):
        return runner.invoke(main, list(args), input=input, catch_exceptions=catch)

    return run

"""Fuzz the CSV reader, the date parser and the rule-file parser with hypothesis (not run in CI).

    python scripts/fuzz_inputs.py csv --minutes 10
    python scripts/fuzz_inputs.py dates --minutes 10
    python scripts/fuzz_inputs.py rules --minutes 10

Each target feeds generated and mutated input to the real code and checks the promise:
a clear error of our own type (BadTableError, DateFormatError, RuleError) or a correct
result, never any other exception. The first failure is printed with its input (shrunk)
and the script exits 1.
"""

from __future__ import annotations

import argparse
import sys
import time

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scope_gap.dates import read_date
from scope_gap.engine import evaluate
from scope_gap.errors import BadTableError
from scope_gap.model import DateFormatError, DateInterval, parse_date
from scope_gap.readers.base import Limits
from scope_gap.readers.csv import read_csv
from scope_gap.rules import parse_mandate_text
from scope_gap.validate import build_table

HEADER = ["id", "title", "date", "level", "event_type", "actor", "notes"]
SEED_RULE = """\
mandate: {id: fuzz, title: Fuzz}
periods:
  P: {start: 2019-01-01, end: 2019-12-31, label: a year}
clauses:
  - id: A
    when:
      all:
        - {field: level, in: [federal], gap: Not federal}
        - {field: date, within: P}
        - not: {field: actor, matches: '^(a+)+$'}
  - id: B
    coverage: context
    when: {any: [{field: event_type, equals: by_election}, {field: date, before: 2018}]}
"""
SMALL = Limits(rows=2_000, columns=200, cell_chars=10_000, file_bytes=200_000)

# --- CSV ------------------------------------------------------------------------------------

cells = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["federal", "2019", "2019-06/2020", '"', '""', "\r", "\n", ";", "\t", "=1"]),
)
records = st.lists(st.lists(cells, max_size=9), max_size=12)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


@st.composite
def csv_inputs(draw) -> bytes:  # type: ignore[no-untyped-def]
    kind = draw(st.integers(0, 2))
    if kind == 0:
        return draw(st.binary(max_size=400))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    rows = [HEADER] + draw(records)
    quote = draw(st.booleans())
    lines = [sep.join((f'"{c}"' if quote else c) for c in row) for row in rows]
    text = end.join(lines)
    try:
        return text.encode(draw(encodings))
    except UnicodeEncodeError:
        return text.encode("utf-8")


def check_csv(data: bytes) -> None:
    try:
        raw = read_csv(data, "fuzz.csv", None, SMALL)
    except BadTableError:
        return
    assert len(raw.cells) == len(raw.rows)
    assert raw.rows == sorted(set(raw.rows)) and all(r >= 2 for r in raw.rows)
    try:
        table = build_table([raw])
    except BadTableError:
        return
    assert len(table) + len(table.invalid) == len(raw.rows)


# --- dates ----------------------------------------------------------------------------------

parts = st.one_of(
    st.from_regex(r"\A[0-9]{1,5}(-[0-9]{1,3}(-[0-9]{1,3})?)?\Z"),
    st.text(alphabet="0123456789-/ \t٠١٢", max_size=24),
    st.text(max_size=24),
)


def check_date(text: str) -> None:
    for order in (None, "day_first", "month_first"):  # the forms people write, too
        try:
            read = read_date(text, order)  # type: ignore[arg-type]
        except DateFormatError as exc:
            assert exc.localized()
            continue
        if read.interval is not None:  # its text in section 1's form means the same days
            assert parse_date(read.text) == read.interval
    try:
        interval = parse_date(text)
    except DateFormatError:
        return
    assert isinstance(interval, DateInterval)
    assert 1 <= interval.start <= interval.end
    assert str(interval)  # printable, within the calendar
    if "/" not in text:
        again = parse_date(interval.first.isoformat())
        assert interval.start <= again.start <= again.end <= interval.end


# --- rules ----------------------------------------------------------------------------------


@st.composite
def rule_texts(draw) -> str:  # type: ignore[no-untyped-def]
    text = SEED_RULE
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.integers(0, 2))
        if action == 0:
            text = text[:at] + text[at + draw(st.integers(1, 12)) :]
        elif action == 1:
            insert = draw(
                st.one_of(
                    st.text(max_size=8),
                    st.sampled_from(
                        [
                            "{",
                            "}",
                            "[",
                            "]",
                            ": ",
                            "- ",
                            "&a ",
                            "*a",
                            "!!python/object ",
                            "not: ",
                            "all: [",
                            "0000-01-01",
                            "99999",
                            "~",
                            "'",
                            '"',
                            "\t",
                            "?",
                        ]
                    ),
                )
            )
            text = text[:at] + insert + text[at:]
        else:
            line = draw(st.integers(0, text.count("\n")))
            lines = text.split("\n")
            lines.insert(line, lines[draw(st.integers(0, len(lines) - 1))])
            text = "\n".join(lines)
    return text


def check_rules(text: str) -> None:
    mandate, errors = parse_mandate_text(text, "fuzz.yaml")
    assert (mandate is None) == bool(errors), errors
    for error in errors:
        assert str(error).startswith("fuzz.yaml"), str(error)
    if mandate is None:
        return
    again, errors = parse_mandate_text(yaml.safe_dump(mandate.to_dict(), sort_keys=False), "x")
    assert errors == [] and again is not None, errors
    raw = read_csv(
        b"id,title,date,level,event_type,actor\nA,t,2019,federal,by_election,aaa\n"
        b"B,t,,,,\nC,t,2017/2021,municipal,general_election,x\n",
        "t.csv",
    )
    evaluation = evaluate(mandate, build_table([raw]))
    assert len(evaluation.status) == 3


TARGETS = {
    "csv": (csv_inputs(), check_csv),
    "dates": (st.one_of(parts, st.tuples(parts, parts).map("/".join)), check_date),
    "rules": (rule_texts(), check_rules),
}


def fuzz(target: str, minutes: float) -> int:
    strategy, check = TARGETS[target]
    test = settings(
        max_examples=2_000,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )(given(strategy)(check))
    stop = time.monotonic() + minutes * 60
    rounds = 0
    while time.monotonic() < stop:
        try:
            test()
        except Exception as exc:  # hypothesis has shrunk it and printed the falsifying input
            print(f"{target}: FAILED after {rounds} rounds: {exc!r}", file=sys.stderr)
            return 1
        rounds += 1
    print(f"{target}: nothing found in {minutes} minute(s), {rounds * 2_000:,} examples")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("target", choices=sorted(TARGETS))
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    sys.exit(fuzz(args.target, args.minutes))

"""What a competent analyst would write by hand for one mandate (Hogue, hogue-2023).

Reads the incident CSV with pandas, computes the three-valued (Kleene) outcome of the
mandate's three clauses with pandas' nullable "boolean" dtype, derives each incident's
status, and writes the rows (id, status, every field) with DataFrame.to_json. No
validation, no explanations, no generality: this is the bar scope-gap is measured
against.

python benchmarks/reference.py incidents.csv out.json
"""

from __future__ import annotations

import calendar
import datetime as dt
import sys

import numpy as np
import pandas as pd

# hogue-2023: clause A (examined), B (examined), C (context); periods inclusive
A_RANGE = (dt.date(2015, 10, 20), dt.date(2021, 9, 20))  # GE43-cycle + GE44-cycle, contiguous
B_RANGES = [
    (dt.date(2019, 9, 11), dt.date(2019, 12, 16)),  # GE43-period-and-after
    (dt.date(2021, 8, 15), dt.date(2021, 11, 15)),  # GE44-period-and-after
]
CANADIAN = ["federal", "provincial", "territorial", "municipal"]


def _part(text: str) -> tuple[int, int]:
    year, *rest = (int(p) for p in text.split("-"))
    if not rest:
        return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    if len(rest) == 1:
        last = calendar.monthrange(year, rest[0])[1]
        return dt.date(year, rest[0], 1).toordinal(), dt.date(year, rest[0], last).toordinal()
    day = dt.date(year, rest[0], rest[1]).toordinal()
    return day, day


def _interval(text: str) -> tuple[int, int]:
    if not text:
        return -1, -1
    first, _, last = text.partition("/")
    start, end = _part(first)
    if last:
        end = max(end, _part(last)[1])
    return start, end


def date_bounds(dates: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """First and last possible day (ordinals, -1 when blank), parsed once per distinct text."""
    codes, uniques = pd.factorize(dates.fillna("").str.strip())
    bounds = np.array([_interval(u) for u in uniques], dtype=np.int64).reshape(-1, 2)
    return bounds[codes, 0], bounds[codes, 1]


def _enum(column: pd.Series) -> pd.Series:
    """Canonical text (normalised once per distinct value), blank and `unknown` as NA."""
    codes, uniques = pd.factorize(column.fillna(""))
    names = ["_".join(u.strip().lower().replace("-", " ").split()) for u in uniques]
    names = [pd.NA if n in ("", "unknown") else n for n in names]
    return pd.Series(pd.array(names, dtype="string")[codes] if len(codes) else [], dtype="string")


def classify(frame: pd.DataFrame) -> pd.Series:
    """The status of every row under hogue-2023, in Kleene logic."""
    level, event = _enum(frame["level"]), _enum(frame["event_type"])
    start, end = date_bounds(frame["date"])
    known = start >= 0

    def truth(values: np.ndarray, unknown: np.ndarray) -> pd.Series:
        return pd.Series(pd.array(np.where(unknown, False, values), dtype="boolean")).mask(unknown)

    ordinal = [(a.toordinal(), b.toordinal()) for a, b in [A_RANGE, *B_RANGES]]
    (a0, a1), b_ranges = ordinal[0], ordinal[1:]
    a_in, a_out = (start >= a0) & (end <= a1), (end < a0) | (start > a1)
    date_a = truth(a_in, ~known | ~(a_in | a_out))
    b_in = np.zeros(len(frame), dtype=bool)
    b_touch = np.zeros(len(frame), dtype=bool)
    for lo, hi in b_ranges:
        b_in |= (start >= lo) & (end <= hi)
        b_touch |= (start <= hi) & (end >= lo)
    date_b = truth(b_in, ~known | (b_touch & ~b_in))

    federal = level.eq("federal").astype("boolean")
    # clauses A and B both take general elections and nomination contests
    election = (
        event.isin(["general_election", "nomination_contest"]).mask(event.isna()).astype("boolean")
    )
    clause_a = federal & election & date_a
    clause_b = federal & election & date_b
    clause_c = level.isin(CANADIAN).mask(level.isna()).astype("boolean")

    in_scope = (clause_a | clause_b).fillna(False).to_numpy(bool)
    undecided = (clause_a.isna() | clause_b.isna()).to_numpy(bool)
    context = clause_c.fillna(False).to_numpy(bool)
    status = np.select(
        [in_scope, undecided, context],
        ["in_scope", "indeterminate", "context_only"],
        default="out_of_scope",
    )
    return pd.Series(status, index=frame.index, name="status")


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame.insert(1, "status", classify(frame))
    if target.endswith(".xlsx"):
        frame.to_excel(target, engine="openpyxl", index=False, sheet_name="Incidents")
    else:
        frame.to_json(target, orient="records", indent=2, force_ascii=False)


if __name__ == "__main__":
    main()

"""The CSV report, streamed a slice of incidents at a time from the analysis' columns, writes
exactly what a plain record-by-record writer writes: every row in input order, invalid rows
between the incidents where they were read, every cell that starts like a formula neutralized."""

import csv
import io

import pandas as pd
import pytest

import scope_gap
from scope_gap.reports import csv as csv_report
from scope_gap.reports.cells import FORMULA_PREFIXES
from scope_gap.reports.common import LEADING, extra_columns, origin_text

TRICKY = ['q " and ","', "=1+2", "+cmd", "-x", "@sum", "\ttab", "\nline", "", "é 🙂", "\x00=no"]


def plain_csv(analysis: scope_gap.Analysis) -> bytes:
    """The report as one loop over the records would write it."""
    extras = extra_columns(analysis.columns)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([csv_report.neutralize(h) for h in csv_report.header(analysis)])
    for kind, record in analysis.in_order():
        fields = record["fields"]
        if kind == "incident":
            status = [
                record["status"],
                "; ".join(record["gaps"]),
                "\n".join(record["reasons"]),
                "; ".join(record["covered_by"]),
            ]
        else:
            status = ["invalid", "", "\n".join(record["errors"]), ""]
        beyond = [f"{k}: {v}" for k, v in fields.items() if k not in analysis.columns]
        if beyond:
            status[2] = "\n".join([status[2], *beyond])
        row = (
            [fields.get(c, "") for c in LEADING]
            + status
            + [fields.get(c, "") for c in extras]
            + ["; ".join(record.get("unknown", [])), origin_text(record["origin"])]
        )
        writer.writerow([csv_report.neutralize(str(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def frame(n: int, bad: set[int]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"X-{i}" for i in range(n)],
            "title": [TRICKY[i % len(TRICKY)] or "t" for i in range(n)],
            "date": [
                "not a date" if i in bad else ["2019-10", "", "2021"][i % 3] for i in range(n)
            ],
            "level": [["federal", "municipal", "", "unknown"][i % 4] for i in range(n)],
            "event_type": [["general_election", "", "leadership_race"][i % 3] for i in range(n)],
            "Other": [TRICKY[(i * 3) % len(TRICKY)] for i in range(n)],
        }
    )


@pytest.mark.parametrize(
    "bad",
    [set(), {0}, {0, 1, 2, 6, 7, 13, 20, 21, 22}, {22}, {5, 9}, set(range(23))],
    ids=["none", "first", "across-slices", "last", "inside", "all"],
)
def test_streamed_report_is_the_plain_one(monkeypatch, bad: set[int]) -> None:
    monkeypatch.setattr(csv_report, "CHUNK_ROWS", 7)  # several slices, invalid rows between
    analysis = scope_gap.analyze(frame(23, bad))
    if len(bad) == 23:
        assert len(analysis.table) == 0
    assert csv_report.render_csv(analysis).data == plain_csv(analysis)


def test_streamed_report_is_the_plain_one_in_french(monkeypatch) -> None:
    from scope_gap.i18n import use_language

    monkeypatch.setattr(csv_report, "CHUNK_ROWS", 5)
    analysis = scope_gap.analyze(frame(12, {3, 11}))
    with use_language("fr"):
        assert csv_report.render_csv(analysis).data == plain_csv(analysis)


def test_a_formula_prefix_is_one_character() -> None:
    # the report finds a column that needs neutralizing by its cells' first characters
    assert all(len(prefix) == 1 for prefix in FORMULA_PREFIXES)

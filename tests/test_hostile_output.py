"""Nothing in a report can act on whoever opens it: hostile text in every column, checked in
the xlsx (read back), CSV and HTML reports."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import openpyxl
import pytest

from scope_gap.model import COLUMNS

PREFIXES = ["=", "+", "-", "@", "\t", "\r"]
PAYLOADS = [
    *(p + 'HYPERLINK("http://evil.example","click")' for p in PREFIXES),
    "=cmd|' /C calc'!A0",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "\u202eexe.txt\u202c",
    "x" * 40_000,
]
TEXT_COLUMNS = [c for c in COLUMNS if c not in ("id", "date", "level", "event_type", "evidence")]
HEADER = list(COLUMNS) + ["=extra", "<b>extra</b>"]
FORMULA_START = tuple(PREFIXES)


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    from click.testing import CliRunner

    from scope_gap.cli import main

    folder = tmp_path_factory.mktemp("hostile-out")
    rows = []
    for n, payload in enumerate(PAYLOADS):
        row = {c: payload for c in TEXT_COLUMNS}
        row.update(
            id=f"{payload[:30]}#{n}",
            date="2019" if n % 3 else "2022-05",
            level="federal" if n % 2 else "municipal",
            event_type="general_election",
            evidence="",
        )
        row["=extra"] = row["<b>extra</b>"] = payload
        rows.append([row[c] for c in HEADER])
    # an invalid row carries hostile text too, and cells beyond the header
    rows.append(
        [f"{PAYLOADS[0]}", "=1+1", "=2019", "@level"] + ["-x"] * (len(HEADER) - 4) + ["=beyond"]
    )
    table = folder / "in.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    out = folder / "out"
    args = ["analyze", str(table), "-o", str(out), "-f", "xlsx", "-f", "csv", "-f", "html"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return out, len(rows)


def test_xlsx_has_no_formula_and_quotes_formula_like_text(reports):
    out, _ = reports
    book = openpyxl.load_workbook(out / "hogue-2023-gap-report.xlsx")
    quoted = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.quotePrefix, (sheet.title, cell.coordinate)
                    quoted += 1
                if cell.hyperlink is not None:
                    assert re.match(r"(https?:|mailto:)", cell.hyperlink.target or ""), (
                        cell.hyperlink.target
                    )
    # every prefix in every text column and the extra columns, on the incident sheets
    assert quoted >= len(PREFIXES) * (len(TEXT_COLUMNS) + 2)


def test_csv_neutralizes_every_formula_like_field_header_included(reports):
    out, n = reports
    with open(out / "hogue-2023-gap-report.csv", encoding="utf-8-sig", newline="") as handle:
        records = list(csv.reader(handle))
    assert len(records) == n + 1
    neutralized = 0
    for record in records:
        for value in record:
            assert not value.startswith((*FORMULA_START, "\n")), repr(value[:40])
            neutralized += value.startswith("'")
    assert "'=extra" in records[0]
    assert neutralized >= len(PREFIXES) * (len(TEXT_COLUMNS) + 2)


class _Audit(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        if tag == "script":
            self.scripts += 1
        if tag in ("img", "iframe", "object", "embed", "b"):
            self.problems.append(f"<{tag}> in the page")
        for key, value in attrs:
            if key.startswith("on"):
                self.problems.append(f"{tag} {key}={value}")
            if key in ("href", "src", "action", "formaction", "xlink:href") and value:
                if not re.match(r"(https?:|mailto:|#)", value):
                    self.problems.append(f"{tag} {key}={value[:40]}")


def test_html_escapes_text_and_links_only_http_https_mailto(reports):
    out, _ = reports
    page = (out / "hogue-2023-gap-report.html").read_text(encoding="utf-8")
    audit = _Audit()
    audit.feed(page)
    assert audit.problems == []
    assert audit.scripts <= 1  # the report's own script, under a CSP hash
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "\u202e" not in page  # bidi overrides cannot reorder what a reader sees
    assert "onerror=alert(1)>" not in page

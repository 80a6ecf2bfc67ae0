"""Round trips: the same incidents typed into the input template give the same analysis, and
analyze's own CSV report, read back as input, gives every incident the same status."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from scope_gap.bundled import default_data
from scope_gap.cli import main

TRICKY = [
    ["id", "title", "date", "level", "event_type", "actor", "notes", "Extra column"],
    [
        "T1",
        "=starts like a formula",
        "2019-06",
        "federal",
        "general_election",
        "PRC; proxy",
        "-1",
        "@x",
    ],
    ["T2", "bad date", "2019-13", "federal", "general_election", "", "", ""],
    ["T3", "bad level", "2019", "federl", "general_election", "", "", ""],
    ["T1", "duplicate id", "2019", "federal", "general_election", "", "", ""],
    ["T4", "unknown everything", "", "unknown", "", "", "", ""],
    ["T5", "imprecise", "2021", "Federal", "General election", "", "", "+1"],
]


def analyze(*args: str) -> dict:
    result = CliRunner().invoke(main, ["analyze", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    out = Path(args[args.index("-o") + 1])
    return json.loads((out / "hogue-2023-gap-report.json").read_text(encoding="utf-8"))


def without_provenance(report: dict) -> dict:
    """The report without what names the input file: inputs, origins (and the file named in
    a duplicate id's message)."""
    text = json.dumps(report)
    for item in report["inputs"]:
        text = text.replace(json.dumps(item["path"])[1:-1], "INPUT")
    report = json.loads(text)
    report.pop("inputs")
    for record in report["incidents"] + report["invalid"]:
        record.pop("origin")
        # the template has every contract column: blank ones the CSV lacks are not a change
        record["fields"] = {k: v for k, v in record["fields"].items() if v != ""}
    return report


def tables(tmp_path: Path) -> list[Path]:
    tricky = tmp_path / "tricky.csv"
    with open(tricky, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(TRICKY)
    return [default_data(), tricky]


def test_csv_to_template_xlsx_gives_identical_json(tmp_path):
    """Identical except for what names the input (inputs, origins) and the blank optional
    columns the template adds; row numbers agree too (both count the header as row 1)."""
    for source in tables(tmp_path):
        book_path = tmp_path / f"{source.stem}.xlsx"
        result = CliRunner().invoke(main, ["template", str(book_path)], catch_exceptions=False)
        assert result.exit_code == 0
        book = openpyxl.load_workbook(book_path)
        sheet = book.worksheets[0]
        with open(source, encoding="utf-8-sig", newline="") as handle:
            records = list(csv.reader(handle))
        template_headers = [c.value for c in sheet[1] if c.value]
        extra = [h for h in records[0] if h not in template_headers]
        for k, name in enumerate(extra):
            sheet.cell(row=1, column=len(template_headers) + 1 + k, value=name)
        headers = template_headers + extra
        for r, record in enumerate(records[1:], start=2):
            row = dict(zip(records[0], record, strict=True))
            for c, name in enumerate(headers, start=1):
                cell = sheet.cell(row=r, column=c, value=row.get(name, "") or None)
                cell.data_type = "s" if cell.value is not None else cell.data_type
        book.save(book_path)
        from_csv = analyze(str(source), "-o", str(tmp_path / "a"), "-f", "json")
        from_xlsx = analyze(str(book_path), "-o", str(tmp_path / "b"), "-f", "json")
        a, b = without_provenance(from_xlsx), without_provenance(from_csv)
        assert a["incidents"] == b["incidents"]
        assert a == b
        assert [r["origin"]["row"] for r in from_xlsx["incidents"]] == [
            r["origin"]["row"] for r in from_csv["incidents"]
        ]


def test_the_csv_report_read_back_gives_the_same_statuses(tmp_path):
    """'Same statuses': every row of the CSV report, read back as input, gets the status the
    report gave it (its Status column, carried as an extra column). Invalid rows stay invalid;
    an id given twice is still given twice. The report's own columns (Status, Gap, Why,
    Covered by, Origin) are extras on the way back and change nothing."""
    for source in tables(tmp_path):
        out = tmp_path / source.stem
        first = analyze(str(source), "-o", str(out), "-f", "json", "-f", "csv")
        report_csv = out / "hogue-2023-gap-report.csv"
        back = tmp_path / f"{source.stem}-back.csv"
        back.write_bytes(report_csv.read_bytes())
        second = analyze(str(back), "-o", str(tmp_path / f"{source.stem}-2"), "-f", "json")
        assert second["summary"]["total"] == first["summary"]["total"]
        for key in ("in_scope", "context_only", "out_of_scope", "indeterminate", "invalid"):
            assert second["summary"][key] == first["summary"][key], key
        # the Status column is recognised as ours and not carried (SPEC 7): compare with it
        with open(report_csv, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
        status = lines[0].index("Status")
        statuses = {number: line[status] for number, line in enumerate(lines, start=1)}
        for record in second["incidents"]:
            assert "Status" not in record["fields"]
            assert record["status"] == statuses[record["origin"]["row"]]
        assert all(statuses[r["origin"]["row"]] == "invalid" for r in second["invalid"])
        assert [r["id"] for r in second["incidents"]] == [r["id"] for r in first["incidents"]]

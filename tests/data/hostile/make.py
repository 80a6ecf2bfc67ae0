"""The hostile-input corpus: every case, how to build its file, and the behaviour it must get.

`python tests/data/hostile/make.py` writes the small files beside this script and the table
of cases to README.md; large files (marked `large`) are only built inside the tests, in a
temporary folder. tests/test_hostile.py runs every case through the CLI.
"""

from __future__ import annotations

import io
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
HEADER = "id,title,date,level,event_type\n"
ROW = "A1,Funding of a rally,2019-06,federal,general_election\n"

MANDATE_HEAD = """\
mandate: {id: hostile, title: Hostile test}
periods:
  P: {start: 2019-01-01, end: 2019-12-31}
clauses:
  - id: A
    when: """


@dataclass(frozen=True)
class Case:
    """One hostile file and what scope-gap must do with it."""

    name: str
    build: Callable[[], bytes]
    behaviour: str
    exit: int  # 0: a report; 1: a clear error naming the file
    message: str = ""  # must appear in the output (errors) or the warnings
    rows: int | None = None  # on exit 0: total rows in the report
    kind: str = "table"  # table: an incident file; rules: a mandate file
    env: dict[str, str] = field(default_factory=dict)
    large: bool = False
    args: tuple[str, ...] = ()  # more command-line arguments (after the file)


def csv_bytes(text: str, encoding: str = "utf-8") -> bytes:
    return text.encode(encoding)


# --- xlsx builders ---------------------------------------------------------------------------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Incidents" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _cell(ref: str, value: str) -> str:
    if value.startswith("="):  # a formula; `=F|V` gives it a cached value V
        formula, _, cached = value[1:].partition("|")
        cached_xml = f"<v>{cached}</v>" if cached else ""
        kind = ' t="str"' if cached and not cached.isdigit() else ""
        return f'<c r="{ref}"{kind}><f>{formula}</f>{cached_xml}</c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'


def sheet_xml(rows: list[list[str]], prolog: str = "") -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{chr(65 + c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def raw_xlsx(sheet: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal workbook written part by part (for cases openpyxl would not write)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in (
            ("[Content_Types].xml", _CT),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WB),
            ("xl/_rels/workbook.xml.rels", _WB_RELS),
            ("xl/worksheets/sheet1.xml", sheet),
        ):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        for name, data in (extra or {}).items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return out.getvalue()


GOOD_ROWS = [HEADER.strip().split(","), ROW.strip().split(",")]


def openpyxl_book(edit: Callable[..., None]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return _fixed_dates(out.getvalue())


def _fixed_dates(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps and docProps so the file is the same every time."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = b'<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"/>'
            fixed = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, body)
    return out.getvalue()


def _rows(book, rows, title="Incidents"):  # type: ignore[no-untyped-def]
    ws = book.active
    ws.title = title
    for row in rows:
        ws.append(row)
    return ws


def xlsx_formulas_no_cache() -> bytes:
    def edit(book):  # type: ignore[no-untyped-def]
        _rows(
            book,
            [
                GOOD_ROWS[0],
                ["A1", '=HYPERLINK("http://x","t")', "2019", "federal", "general_election"],
            ],
        )

    return openpyxl_book(edit)


def xlsx_merged() -> bytes:
    def edit(book):  # type: ignore[no-untyped-def]
        ws = _rows(
            book, [GOOD_ROWS[0], GOOD_ROWS[1], ["A2", "t", "", "federal", "general_election"]]
        )
        ws.merge_cells("C2:C3")

    return openpyxl_book(edit)


def xlsx_hidden() -> bytes:
    def edit(book):  # type: ignore[no-untyped-def]
        first = book.active
        first.title = "Secret"
        first.append(["nothing", "here"])
        first.sheet_state = "hidden"
        ws = book.create_sheet("Incidents")
        for row in [
            GOOD_ROWS[0],
            GOOD_ROWS[1],
            ["A2", "hidden row", "2019", "federal", "general_election"],
        ]:
            ws.append(row)
        ws.row_dimensions[3].hidden = True

    return openpyxl_book(edit)


def xlsx_date_number() -> bytes:
    import datetime as dt

    def edit(book):  # type: ignore[no-untyped-def]
        ws = _rows(book, [GOOD_ROWS[0]])
        ws.append(["A1", "t", dt.datetime(2019, 10, 21, 15, 30), "federal", "general_election"])
        ws.append(["A2", "t", 43759, "federal", "general_election"])
        ws["C3"].number_format = "yyyy-mm-dd"
        ws.append(["A3", "t", 2019, "federal", "general_election"])

    return openpyxl_book(edit)


def xlsx_rows(n: int) -> bytes:
    rows = [GOOD_ROWS[0]] + [
        [f"R{i}", "t", "2019", "federal", "general_election"] for i in range(n)
    ]
    return raw_xlsx(sheet_xml(rows))


_DATE_STYLES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="mmm\\-yy"/></numFmts>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
    '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
)
_STYLES_REL = (
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/styles" Target="styles.xml"/></Relationships>'
)


def styled_xlsx(body: str, dimension: str = "") -> bytes:
    """A minimal workbook with a styles part (style 1: m/d/yyyy, style 2: mmm-yy) whose sheet
    holds the good header row, then `body` (raw `<row>` elements)."""
    header = "".join(_cell(f"{chr(65 + c)}1", v) for c, v in enumerate(GOOD_ROWS[0]))
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'{dim}<sheetData><row r="1">{header}</row>{body}</sheetData></worksheet>'
    )
    data = raw_xlsx(sheet, {"xl/styles.xml": _DATE_STYLES.encode()})
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info.filename)
            if info.filename == "xl/_rels/workbook.xml.rels":
                part = part.replace(b"</Relationships>", _STYLES_REL.encode())
            z.writestr(info, part)
    return out.getvalue()


def good_row(r: int, date_cell: str | None = None, ident: str | None = None) -> str:
    """Row r of the good table (id A<r>); `date_cell` replaces its date cell's XML."""
    cells = [
        _cell(f"A{r}", ident or f"A{r}"),
        _cell(f"B{r}", "t"),
        date_cell if date_cell is not None else _cell(f"C{r}", "2019"),
        _cell(f"D{r}", "federal"),
        _cell(f"E{r}", "general_election"),
    ]
    return f'<row r="{r}">{"".join(cells)}</row>'


def zip_bomb() -> bytes:
    """A small workbook whose shared strings inflate to 300 MB of zeros."""
    out = io.BytesIO(raw_xlsx(sheet_xml(GOOD_ROWS)))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as handle:
            chunk = b"0" * (1 << 20)
            for _ in range(300):
                handle.write(chunk)
    return out.getvalue()


def lying_zip() -> bytes:
    """A part whose zip directory claims 100 bytes but which inflates to 2 MB."""
    data = bytearray(raw_xlsx(sheet_xml(GOOD_ROWS), {"xl/media/blob.bin": b"1" * 2_000_000}))
    name = b"xl/media/blob.bin"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
        at = data.find(signature + b"", 0)
        while at != -1:
            name_len_at = 28 if signature == b"PK\x01\x02" else 26
            name_len = struct.unpack_from("<H", data, at + name_len_at)[0]
            start = at + (46 if signature == b"PK\x01\x02" else 30)
            if bytes(data[start : start + name_len]) == name:
                struct.pack_into("<L", data, at + size_at, 100)
            at = data.find(signature, at + 4)
    return bytes(data)


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def zip_not_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr(zipfile.ZipInfo("readme.txt", date_time=(2020, 1, 1, 0, 0, 0)), "hello")
    return out.getvalue()


# --- rule-file builders ---------------------------------------------------------------------


def deep_rule(n: int) -> bytes:
    return (MANDATE_HEAD + "{not: " * n + "{field: level, in: [federal]}" + "}" * n + "\n").encode()


def deep_block_rule(n: int) -> bytes:
    lines = [MANDATE_HEAD.rstrip()]
    for i in range(n):
        lines.append("      " + "  " * i + "not:")
    lines.append("      " + "  " * n + "{field: level, in: [federal]}")
    return ("\n".join(lines) + "\n").encode()


def rule(when: str, periods: str = "  P: {start: 2019-01-01, end: 2019-12-31}") -> bytes:
    head = MANDATE_HEAD.replace("  P: {start: 2019-01-01, end: 2019-12-31}", periods)
    return (head + when + "\n").encode()


W = "wide"
WIDE = HEADER.strip() + "," + ",".join(f"c{i}" for i in range(9995)) + "\n"
WIDE_ROW = ROW.strip() + "," + ",".join("v" for _ in range(9995)) + "\n"

CASES: list[Case] = [
    # encodings
    Case(
        "utf16le-bom.csv",
        lambda: csv_bytes("\ufeff" + (HEADER + ROW).replace(",", "\t"), "utf-16-le"),
        "read (Excel's 'Unicode text': UTF-16 LE, tab-separated)",
        0,
        rows=1,
    ),
    Case(
        "utf16be-bom.csv",
        lambda: csv_bytes("\ufeff" + HEADER + ROW, "utf-16-be"),
        "read",
        0,
        rows=1,
    ),
    Case(
        "utf8-bom.csv",
        lambda: csv_bytes("\ufeff" + HEADER + ROW),
        "read; the BOM is not part of the first header",
        0,
        rows=1,
    ),
    Case(
        "utf8.csv",
        lambda: csv_bytes(HEADER + "A1,Réunion à Montréal,2019,federal,general_election\n"),
        "read",
        0,
        rows=1,
    ),
    Case(
        "cp1252.csv",
        lambda: csv_bytes(
            HEADER + "A1,Réunion – « ici »,2019,federal,general_election\n", "cp1252"
        ),
        "read as Windows-1252 with a warning naming the line",
        0,
        "read as Windows-1252",
        rows=1,
    ),
    Case(
        "invalid-utf8.csv",
        lambda: HEADER.encode() + b"A1,caf\x81\x8d,2019,federal,general_election\n",
        "error: neither UTF-8 nor Windows-1252, names the byte and line",
        1,
        "byte 0x81 on line 2",
    ),
    Case(
        "nul-byte.csv",
        lambda: (HEADER + "A1,t\x00,2019,federal,general_election\n").encode(),
        "error: NUL byte, names the line",
        1,
        "NUL byte on line 2",
    ),
    Case(
        "utf16-no-bom.csv",
        lambda: csv_bytes(HEADER + ROW, "utf-16-le"),
        "error: NUL bytes (UTF-16 without a BOM)",
        1,
        "NUL byte on line 1",
    ),
    # CSV shape
    Case(
        "ragged.csv",
        lambda: csv_bytes(HEADER + "A1,t,2019\nA2,t,2019,federal,general_election,extra,more\n"),
        "short row read (missing cells blank); long row invalid, kept with its extra cells",
        0,
        rows=2,
    ),
    Case(
        "unclosed-quote.csv",
        lambda: csv_bytes(
            HEADER + 'A1,"t,2019,federal,general_election\nA2,t,2019,federal,general_election\n'
        ),
        "error: the quoted cell is never closed, names the row and line (no row swallowed silently)",
        1,
        "row 2 (from line 2): a quoted cell is never closed",
    ),
    Case(
        "text-after-quote.csv",
        lambda: csv_bytes(HEADER + 'A1,"t"x,2019,federal,general_election\n'),
        "error: names the row",
        1,
        "row 2 (from line 2): text follows the closing quote",
    ),
    Case(
        "semicolon.csv",
        lambda: csv_bytes((HEADER + ROW).replace(",", ";")),
        "read (delimiter sniffed from the header)",
        0,
        rows=1,
    ),
    Case("tab.csv", lambda: csv_bytes((HEADER + ROW).replace(",", "\t")), "read", 0, rows=1),
    Case(
        "crlf.csv",
        lambda: csv_bytes((HEADER + ROW + ROW.replace("A1", "A2")).replace("\n", "\r\n")),
        "read",
        0,
        rows=2,
    ),
    Case(
        "lone-cr.csv",
        lambda: csv_bytes((HEADER + ROW + ROW.replace("A1", "A2")).replace("\n", "\r")),
        "read (old Mac line ends)",
        0,
        rows=2,
    ),
    Case(
        "duplicate-header.csv",
        lambda: csv_bytes("id,title,date,level,event_type,Notes,notes\n" + ROW.strip() + ",x,y\n"),
        "error: names both columns and their letters",
        1,
        "columns 'Notes' (F) and 'notes' (G) name the same column",
    ),
    Case(
        "duplicate-required-header.csv",
        lambda: csv_bytes("id,title,date,level,Event type,event_type\n" + ROW.strip() + ",x\n"),
        "error: names both columns",
        1,
        "name the same column",
    ),
    Case(
        "blank-header.csv",
        lambda: csv_bytes(
            "id,title,,date,level,event_type\nA1,t,kept,2019,federal,general_election\n"
        ),
        "read; the blank header is named '(column C)' and carried",
        0,
        rows=1,
    ),
    Case(
        "header-only.csv",
        lambda: csv_bytes(HEADER),
        "nothing to report: exit 1 pointing to validate, no report",
        1,
        "nothing to report: no incident row was read; 'scope-gap validate",
    ),
    Case(
        "empty.csv", lambda: b"", "error: no header row", 1, "has no header row (the file is empty)"
    ),
    Case(
        "blank-first-line.csv",
        lambda: csv_bytes("\n" + HEADER + ROW),
        "read; the blank row above the header is skipped with a warning",
        0,
        "the header is row 2",
        rows=1,
    ),
    Case(
        "missing-required.csv",
        lambda: csv_bytes("id,title,date,level\nA1,t,2019,federal\n"),
        "error: names the missing column",
        1,
        "event_type",
    ),
    Case(
        "wide-10000-columns.csv",
        lambda: csv_bytes(WIDE + WIDE_ROW),
        "read; every extra column carried",
        0,
        rows=1,
        large=True,
    ),
    Case(
        "too-wide.csv",
        lambda: csv_bytes(WIDE + WIDE_ROW),
        "error: more columns than the limit, names SCOPE_GAP_MAX_COLUMNS",
        1,
        "SCOPE_GAP_MAX_COLUMNS",
        env={"SCOPE_GAP_MAX_COLUMNS": "100"},
        large=True,
    ),
    Case(
        "cell-1mb.csv",
        lambda: csv_bytes(HEADER + "A1," + "x" * 1_000_000 + ",2019,federal,general_election\n"),
        "read (the cell limit is 1 MiB characters)",
        0,
        rows=1,
        large=True,
    ),
    Case(
        "cell-over-limit.csv",
        lambda: csv_bytes(HEADER + "A1," + "x" * 2_000 + ",2019,federal,general_election\n"),
        "error: names the row and SCOPE_GAP_MAX_CELL_CHARS",
        1,
        "row 2 (from line 2) has a cell of more than 1,000",
        env={"SCOPE_GAP_MAX_CELL_CHARS": "1000"},
    ),
    Case(
        "too-many-rows.csv",
        lambda: csv_bytes(HEADER + "".join(ROW.replace("A1", f"A{i}") for i in range(20))),
        "error: more rows than the limit, names SCOPE_GAP_MAX_ROWS",
        1,
        "SCOPE_GAP_MAX_ROWS",
        env={"SCOPE_GAP_MAX_ROWS": "10"},
    ),
    Case(
        "too-large.csv",
        lambda: csv_bytes(HEADER + ROW * 100),
        "error: larger than the size limit, names SCOPE_GAP_MAX_FILE_BYTES",
        1,
        "SCOPE_GAP_MAX_FILE_BYTES",
        env={"SCOPE_GAP_MAX_FILE_BYTES": "1000"},
    ),
    Case(
        "bad-values.csv",
        lambda: csv_bytes(
            HEADER
            + "A1,t,2019-13,federl,general_election\n,t,99999,federal,x\nA3,t,0000,federal,general_election\n"
            + ROW.replace("A1", "A3")
        ),
        "report: every bad row invalid and counted, a duplicate id after a valid one invalid",
        0,
        rows=4,
    ),
    Case(
        "formula-text.csv",
        lambda: csv_bytes(
            HEADER + 'A1,"=HYPERLINK(""http://evil"",""x"")",2019,federal,general_election\n'
        ),
        "read as text, never run",
        0,
        rows=1,
    ),
    # xlsx
    Case(
        "not-a-zip.xlsx",
        lambda: b"id,title,date\nA1,t,2019\n",
        "error: not a zip archive",
        1,
        "cannot be read as an Excel workbook: it is not a zip archive",
    ),
    Case(
        "zip-not-workbook.xlsx",
        zip_not_workbook,
        "error: a zip without workbook parts",
        1,
        "zip archive without the [Content_Types].xml",
    ),
    Case(
        "ole.xlsx",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
        "error: an .xls or password-protected workbook renamed",
        1,
        "Excel 97-2003",
    ),
    Case(
        "macros.xlsm",
        lambda: raw_xlsx(sheet_xml(GOOD_ROWS)),
        "refused: macro-enabled workbook; save as .xlsx",
        1,
        "macro-enabled workbook",
    ),
    Case(
        "vba-inside.xlsx",
        lambda: raw_xlsx(sheet_xml(GOOD_ROWS), {"xl/vbaProject.bin": b"\x00" * 64}),
        "refused: holds macros although named .xlsx",
        1,
        "holds macros",
    ),
    Case(
        "path-traversal.xlsx",
        lambda: raw_xlsx(sheet_xml(GOOD_ROWS), {"../../evil.txt": b"x"}),
        "refused: a part outside the archive",
        1,
        "outside the workbook",
    ),
    Case(
        "formula-cached.xlsx",
        lambda: raw_xlsx(
            sheet_xml(
                [
                    GOOD_ROWS[0],
                    [
                        "A1",
                        '=CONCAT("a","b")|cached title',
                        "=2019|2019",
                        "federal",
                        "general_election",
                    ],
                ]
            )
        ),
        "read: cached values, never formulas",
        0,
        rows=1,
    ),
    Case(
        "formula-uncached.xlsx",
        xlsx_formulas_no_cache,
        "read: a formula without a cached value is blank",
        0,
        rows=1,
    ),
    Case(
        "merged.xlsx",
        xlsx_merged,
        "read: a merged cell's value belongs to its first cell; the others are blank",
        0,
        rows=2,
    ),
    Case(
        "hidden-sheet-and-row.xlsx",
        xlsx_hidden,
        "reads the first visible sheet (warning), hidden rows included",
        0,
        "is hidden; read 'Incidents'",
        rows=2,
    ),
    Case(
        "date-number.xlsx",
        xlsx_date_number,
        "read: date cells and date-formatted numbers as ISO dates, 2019 as a year",
        0,
        rows=3,
    ),
    Case(
        "billion-laughs.xlsx",
        lambda: raw_xlsx(sheet_xml(GOOD_ROWS, BILLION_LAUGHS)),
        "refused before parsing: a DOCTYPE",
        1,
        "document type declaration",
    ),
    Case(
        "zip-bomb.xlsx",
        zip_bomb,
        "refused from the zip directory: ratio over 100:1",
        1,
        "possible zip bomb",
        large=True,
    ),
    Case(
        "zip-bomb-total.xlsx",
        zip_bomb,
        "refused from the zip directory: total inflated size",
        1,
        "SCOPE_GAP_MAX_XLSX_TOTAL_BYTES",
        env={
            "SCOPE_GAP_MAX_XLSX_RATIO": "100000",
            "SCOPE_GAP_MAX_XLSX_PART_BYTES": "400000000",
            "SCOPE_GAP_MAX_XLSX_TOTAL_BYTES": "100000000",
        },
        large=True,
    ),
    Case(
        "zip-lies.xlsx",
        lying_zip,
        "refused: a part inflates beyond its declared size",
        1,
        "more than the 100 bytes it declares",
    ),
    Case(
        "too-many-rows.xlsx",
        lambda: xlsx_rows(20),
        "error: more rows than the limit",
        1,
        "SCOPE_GAP_MAX_ROWS",
        env={"SCOPE_GAP_MAX_ROWS": "10"},
    ),
    Case(
        "far-cell-xfd1048576.xlsx",
        lambda: styled_xlsx(good_row(2) + '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'),
        "refused in milliseconds from a scan of the cells (the reader would allocate the "
        "whole sheet): a cell beyond the row limit",
        1,
        "has a cell in row 1,048,576",
    ),
    Case(
        "far-cell-xfd4000.xlsx",
        lambda: styled_xlsx(good_row(2) + '<row r="4000"><c r="XFD4000"><v>1</v></c></row>'),
        "refused in milliseconds: a used range of 65 million cells for 11 written ones "
        "(2.6 GB in the reader)",
        1,
        "spans A1:XFD4000 (65,536,000 cells) though only 11 cells are written",
    ),
    Case(
        "far-cell-declared-dimension.xlsx",
        lambda: styled_xlsx(good_row(2), dimension="A1:XFD1048576"),
        "read: a declared dimension is not trusted, the cells are",
        0,
        rows=1,
    ),
    Case(
        "date-serial-negative.xlsx",
        lambda: styled_xlsx(good_row(2, '<c r="C2" s="1"><v>-1e12</v></c>')),
        "refused, naming the cell: a date-formatted serial no calendar date is (the reader "
        "would panic)",
        1,
        "cell C2 is formatted as a date but holds -1e12",
    ),
    Case(
        "repeated-row.xlsx",
        lambda: styled_xlsx(good_row(2) + good_row(2, ident="B2")),
        "refused: row 2 given twice (the reader would keep the second and drop the first)",
        1,
        "holds row 2 twice",
    ),
    Case(
        "repeated-cell.xlsx",
        lambda: styled_xlsx(good_row(2).replace("</row>", _cell("A2", "again") + "</row>")),
        "refused: cell A2 given twice in its row",
        1,
        "holds cell A2 twice",
    ),
    Case(
        "rows-out-of-order.xlsx",
        lambda: styled_xlsx(good_row(3) + good_row(2)),
        "refused: row 2 after row 3",
        1,
        "lists row 2 after row 3",
    ),
    Case(
        "date-cells-by-format.xlsx",
        lambda: styled_xlsx(
            good_row(2, '<c r="C2" s="2"><v>44501</v></c>')
            + good_row(3, '<c r="C3" s="1"><v>44501</v></c>')
            + good_row(4, '<c s="2"><v>44501</v></c>').replace(' r="A4"', "")
        ),
        "read: a date cell shown as mmm-yy is the month (2021-11), m/d/yyyy the day; cells "
        "without references are followed in order",
        0,
        rows=3,
    ),
    # JSON
    Case(
        "not-a-list.json",
        lambda: b'{"id": "A1"}',
        "error: must hold a list",
        1,
        "must hold a list of objects, not a JSON dict",
    ),
    Case(
        "item-not-object.json",
        lambda: (
            b'[{"id": "A1", "title": "t", "date": "2019", "level": "federal", "event_type": "general_election"}, 3]'
        ),
        "error: names the item",
        1,
        "item 2 is not an object",
    ),
    Case(
        "nested.json",
        lambda: (
            b'[{"id": "A1", "title": {"en": "t", "fr": ["t"]}, "date": "2019", "level": "federal", "event_type": "general_election"}]'
        ),
        "read: nested values as JSON text",
        0,
        rows=1,
    ),
    Case(
        "typed.json",
        lambda: (
            b'[{"id": 1, "title": true, "date": 2019, "level": "federal", "event_type": "general_election", "notes": 1.5}]'
        ),
        "read: numbers and booleans as text",
        0,
        rows=1,
    ),
    Case(
        "deep.json",
        lambda: b"[" * 100_000 + b"]" * 100_000,
        "error: nested too deeply",
        1,
        "nested too deeply",
    ),
    Case(
        "huge-int.json",
        lambda: b'[{"id": ' + b"9" * 5000 + b"}]",
        "error: names the problem",
        1,
        "cannot be parsed as JSON",
    ),
    Case(
        "whitespace-100mb.json",
        lambda: b" " * 100_000_000,
        "error in well under a second: nothing but whitespace",
        1,
        "Expecting value",
        large=True,
    ),
    Case(
        "bad-line.jsonl",
        lambda: (
            b'{"id": "A1", "title": "t", "date": "2019", "level": "federal", "event_type": "general_election"}\n{"id": \n'
        ),
        "error: names the line",
        1,
        "bad-line.jsonl:2:",
    ),
    Case(
        "u2028.jsonl",
        lambda: (
            '{"id": "A1", "title": "t\u2028u", "date": "2019", "level": "federal", "event_type": "general_election"}\n'.encode()
        ),
        "read: a line separator inside a string is not a line end",
        0,
        rows=1,
    ),
    # rule files
    Case(
        "anchors.yaml",
        lambda: b"mandate: &m {id: x, title: T}\nclauses: *m\n",
        "error: anchors refused, names line and column",
        1,
        "anchors.yaml:1:10: anchors (&name) are not allowed",
        kind="rules",
    ),
    Case(
        "billion-laughs.yaml",
        lambda: b"a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n",
        "error: anchors refused",
        1,
        "anchors (&name) are not allowed",
        kind="rules",
    ),
    Case(
        "deep-10000-flow.yaml",
        lambda: deep_rule(10_000),
        "error: nested too deep, names line and column, no RecursionError",
        1,
        "nested more than",
        kind="rules",
    ),
    Case(
        "deep-10000-block.yaml",
        lambda: deep_block_rule(10_000),
        "error: 100 MB, over the rule-file size limit (4 MiB), refused before it is parsed",
        1,
        "SCOPE_GAP_MAX_RULE_BYTES",
        kind="rules",
    ),
    Case(
        "deep-1500-block.yaml",
        lambda: deep_block_rule(1_500),
        "error: nested too deep, no RecursionError (2.3 MB, within the size limit)",
        1,
        "nested more than",
        kind="rules",
        large=True,
    ),
    Case(
        "deep-100.yaml",
        lambda: deep_rule(100),
        "error: conditions nested more than 64 deep",
        1,
        "conditions are nested more than 64 deep",
        kind="rules",
    ),
    Case(
        "catastrophic-regex.yaml",
        lambda: rule("{field: title, matches: '^(a+)+$'}"),
        "accepted; RE2 runs it in linear time",
        0,
        kind="rules",
    ),
    Case(
        "backreference.yaml",
        lambda: rule("{field: title, matches: '(a)\\1'}"),
        "error: RE2 cannot take it, names line and column",
        1,
        "hostile/backreference.yaml:6:35:",
        kind="rules",
    ),
    Case(
        "dotdot-id.yaml",
        lambda: (
            b"mandate: {id: ../../x, title: T}\nclauses:\n  - id: A\n    when: {field: level, in: [federal]}\n"
        ),
        "error: the id must match the pattern",
        1,
        "mandate id '../../x' is not allowed",
        kind="rules",
    ),
    Case(
        "inverted-period.yaml",
        lambda: rule("{field: date, within: P}", "  P: {start: 2020-01-01, end: 2019-12-31}"),
        "error: ends before it starts (one error, not a cascade)",
        1,
        "period 'P' ends before it starts",
        kind="rules",
    ),
    Case(
        "year-0.yaml",
        lambda: rule("{field: date, within: P}", "  P: {start: 0000-01-01, end: 2019-12-31}"),
        "error: year 0",
        1,
        "year 0",
        kind="rules",
    ),
    Case(
        "year-99999.yaml",
        lambda: rule("{field: date, within: P}", "  P: {start: 2019-01-01, end: 99999-12-31}"),
        "error: not a date",
        1,
        "is not a date",
        kind="rules",
    ),
    Case(
        "inverted-pair.yaml",
        lambda: rule("{field: date, within: [2020-01-01, 2019-01-01]}"),
        "error: the range ends before it starts",
        1,
        "ends before it starts",
        kind="rules",
    ),
    Case(
        "huge-year.yaml",
        lambda: rule("{field: date, before: 99999999999999999999}"),
        "error: names what 'before' takes",
        1,
        "'before' takes",
        kind="rules",
    ),
    Case(
        "non-utf8.yaml",
        lambda: b"mandate: {id: x, title: \xff\xfe}\n",
        "error: not UTF-8, names line and column",
        1,
        "non-utf8.yaml:1:25: the file is not UTF-8",
        kind="rules",
    ),
    Case(
        "control-character.yaml",
        lambda: b"mandate: {id: x,\n  title: \x07}\n",
        "error: names the character, line and column (found by fuzzing: was a traceback)",
        1,
        "control-character.yaml:2:10: the character U+0007 is not allowed",
        kind="rules",
    ),
    Case(
        "duplicate-key.yaml",
        lambda: rule("{field: level, in: [federal], in: [provincial]}"),
        "error: key given twice",
        1,
        "given twice",
        kind="rules",
    ),
    # hardening II (issue 16)
    *[
        Case(
            f"{codec}-encoding.csv",
            lambda: csv_bytes(HEADER + ROW),
            f"error: --encoding {codec} is not an encoding tables are stored in",
            1,
            "is not an encoding tables are stored in",
            args=("--encoding", codec),
        )
        for codec in ("utf-7", "unicode_escape", "undefined", "punycode")
    ],
    Case(
        "lone-surrogate-value.json",
        lambda: (
            b'[{"id": "A1", "title": "t\\ud800", "date": "2019", "level": "federal", "event_type": "general_election"}]'
        ),
        "error: names the object and key holding half a UTF-16 pair",
        1,
        "object 1, key 'title' holds the escape \\ud800",
    ),
    Case(
        "lone-surrogate-id.json",
        lambda: (
            b'[{"id": "A\\udfff", "title": "t", "date": "2019", "level": "federal", "event_type": "general_election"}]'
        ),
        "error: names the object and key",
        1,
        "object 1, key 'id' holds the escape \\udfff",
    ),
    Case(
        "lone-surrogate-key.json",
        lambda: (
            b'[{"id": "A1", "ti\\udc00tle": "t", "date": "2019", "level": "federal", "event_type": "general_election"}]'
        ),
        "error: a key holds half a UTF-16 pair",
        1,
        "a key holds the escape \\udc00",
    ),
    Case(
        "repeated-key.json",
        lambda: (
            b'[{"id": "A1", "title": "t", "title": "u", "date": "2019", "level": "federal", "event_type": "general_election"}]'
        ),
        "error: a key given twice in one object (json.loads would keep the last silently)",
        1,
        "gives the key 'title' twice",
    ),
    Case(
        "repeated-key.jsonl",
        lambda: (
            b'{"id": "A1", "id": "A2", "title": "t", "date": "2019", "level": "federal", "event_type": "general_election"}\n'
        ),
        "error: a key given twice, names the line",
        1,
        "repeated-key.jsonl:1: an object gives the key 'id' twice",
    ),
    Case(
        "json-cell-over-limit.json",
        lambda: (
            b'[{"id": "A1", "title": "'
            + b"t" * 20
            + b'", "date": "2019", "level": "federal", "event_type": "general_election"}]'
        ),
        "error: JSON values honour the cell limit too",
        1,
        "SCOPE_GAP_MAX_CELL_CHARS",
        env={"SCOPE_GAP_MAX_CELL_CHARS": "10"},
    ),
    Case(
        "internal-column-names.csv",
        lambda: csv_bytes(
            "id,title,date,level,event_type,__row,__path,__sheet\n"
            "A1,t,2019,federal,general_election,r,p,s\n"
        ),
        "read: columns named __row, __path, __sheet are carried through unchanged",
        0,
        rows=1,
    ),
    Case(
        "ids-nfc-nfd.csv",
        lambda: csv_bytes(
            HEADER
            + "FI-\u00e9,t,2019,federal,general_election\n"
            + "FI-e\u0301,t,2019,federal,general_election\n"
        ),
        "the second row is invalid: the same id once normalised (NFC), reported as typed",
        0,
        rows=2,
    ),
    Case(
        "ids-zero-width.csv",
        lambda: csv_bytes(
            HEADER
            + "FI-1,t,2019,federal,general_election\n"
            + "FI\u200b-1,t,2019,federal,general_election\n"
        ),
        "the second row is invalid: the same id but for a zero-width space",
        0,
        rows=2,
    ),
    Case(
        "one-line-cell.csv",
        lambda: csv_bytes(HEADER + "A1," + "a" * 5_000_000 + "\n"),
        "error: a 5 MB cell on one line, refused before the line is copied",
        1,
        "SCOPE_GAP_MAX_CELL_CHARS",
        large=True,
    ),
    Case(
        "one-line-cells.csv",
        lambda: csv_bytes(HEADER + "a," * 2_000_000 + "\n"),
        "error: 2 million cells on one line, counted before the parser builds them",
        1,
        "row 2 has more than 10,000 cells",
        large=True,
    ),
    Case(
        "mandate-over-limit.yaml",
        lambda: rule("{field: level, in: [federal]}") + b"# " + b"x" * 200 + b"\n",
        "error: over the rule-file size limit, names the limit",
        1,
        "SCOPE_GAP_MAX_RULE_BYTES",
        kind="rules",
        env={"SCOPE_GAP_MAX_RULE_BYTES": "200"},
    ),
    Case(
        "control-in-title.yaml",
        lambda: (
            b'mandate: {id: hostile, title: "Bad \\x07 title"}\nclauses:\n  - id: A\n    when: {field: level, in: [federal]}\n'
        ),
        "accepted; every report is written, the character left out of the workbook's cells and properties",
        0,
        kind="rules",
    ),
]


#: cases that cannot be files here (tests/test_hostile_special.py and tests/test_writer.py build
#: them), as (case, what must happen)
SPECIAL: list[tuple[str, str]] = [
    (
        "a FIFO as incidents (`x.csv`), as rule file (`rules check`, `rules test`, `-m`)"
        " or as column map (`--columns`)",
        "error at once, names the file: not a regular file; never hangs",
    ),
    ("`/dev/zero` as rule file, or behind `zero.csv`", "error at once: a device, nothing read"),
    ("a folder as rule file", "`rules check`: click's usage error (exit 2); `-m`: error, exit 1"),
    ("standard input (`-`) closed", "error: standard input is closed"),
    ("standard input open for writing only", "error: open for writing only"),
    (
        "standard input a folder",
        'Python stops before scope-gap starts ("is a directory"): documented, not hanging',
    ),
    (
        "`SCOPE_GAP_MAX_ROWS` (any limit) set to 10^30",
        "error: must be a whole number from 1 to 10^15",
    ),
    ("`SOURCE_DATE_EPOCH` past 9999", "error naming the variable; no report written"),
    (
        "a file name with an undecodable byte (`bad\\xff.csv`)",
        "read; shown escaped in messages and reports, English and French",
    ),
    (
        "`--encoding` utf-7, unicode_escape, undefined, punycode, rot13",
        "error: not an encoding tables are stored in (English and French)",
    ),
    (
        "the output folder on a full 1 MiB tmpfs (root only; skipped otherwise)",
        "error: no space left; the previous reports untouched, no temporary file left",
    ),
    (
        "a 20 MB single-line CSV (one cell, or 10 million cells)",
        "error from the cell or column limit; peak memory about 90 MiB (was 215-320 MB)",
    ),
    (
        "the mandate, the incidents or the column map (`--columns`) as a report's target"
        " (same path, symbolic or hard link);"
        " `amend -m d/<id>-amended.yaml -o d`",
        "error: refusing to write over an input file",
    ),
    (
        "a renderer failing part-way, a format that cannot hold the result",
        "the previous set of reports untouched; checked before anything is written",
    ),
    (
        "free-text `unknown` in `explain`",
        "shown as the text it is; only the enumerated value unknown is not known",
    ),
]


def write_corpus(directory: Path = HERE) -> list[Path]:
    """Write every small case's file and the README table; return the files written."""
    written = []
    for case in CASES:
        if case.large:
            continue
        path = directory / case.name
        path.write_bytes(case.build())
        written.append(path)
    (directory / "README.md").write_text(readme(), encoding="utf-8")
    return written


def readme() -> str:
    lines = [
        "# Hostile inputs",
        "",
        "Every file here (and the large ones, built only inside the tests) is run through the",
        "command line by `tests/test_hostile.py`: incident tables with `scope-gap analyze`, rule",
        "files with `scope-gap rules check` and `scope-gap analyze -m`. Exit 1 always comes with a",
        "message naming the file; exit 0 with a report in which every row read appears once.",
        "Regenerate with `python tests/data/hostile/make.py` (a test fails when they drift).",
        "",
        "| file | kind | exit | behaviour |",
        "|---|---|---|---|",
    ]
    for case in CASES:
        env = " ".join(f"{k}={v}" for k, v in case.env.items())
        name = f"{case.name} ({env})" if env else case.name
        built = " (built in the test)" if case.large else ""
        args = f" with `{' '.join(case.args)}`" if case.args else ""
        lines.append(f"| `{name}`{built}{args} | {case.kind} | {case.exit} | {case.behaviour} |")
    lines += [
        "",
        "## Cases built by the tests",
        "",
        "These cannot be files in a repository; `tests/test_hostile_special.py` and",
        "`tests/test_writer.py` build each one.",
        "",
        "| case | what must happen |",
        "|---|---|",
    ]
    lines += [f"| {case} | {behaviour} |" for case, behaviour in SPECIAL]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    for path in write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)

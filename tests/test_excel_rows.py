"""The Excel report's rows written as XML text (`excel.RAW_ROWS`, the fast path) give the very
bytes openpyxl's own cell writer gives (the fallback, used without lxml): cell by cell for any
text, and workbook by workbook for the bundled data, the hostile and messy corpora and a table
of awkward cells (links, dates, formula-like text, control characters, cells over Excel's
limits, invalid rows, French)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import scope_gap
from scope_gap.i18n import use_language
from scope_gap.reports import excel
from scope_gap.reports.excel import render_xlsx

from .data.messy.make import write_corpus
from .test_excel import write_table

DATA = Path(__file__).parent / "data"
pytestmark = pytest.mark.skipif(not excel.RAW_ROWS, reason="lxml missing: no fast path to compare")


def both_ways(monkeypatch: pytest.MonkeyPatch, make: Callable[[], bytes]) -> tuple[bytes, bytes]:
    """What `make()` gives with rows as XML text, then with openpyxl writing each cell."""
    monkeypatch.setattr(excel, "RAW_ROWS", True)
    fast = make()
    monkeypatch.setattr(excel, "RAW_ROWS", False)
    slow = make()
    return fast, slow


# --- one sheet, cell by cell ---------------------------------------------------------------


def sheet_xml(cells: list[tuple[str, object, str, str | None]]) -> bytes:
    """The XML of a sheet holding one row per (kind, value, look, link), as `_Sheet` writes it."""
    book = SimpleNamespace(wb=Workbook(write_only=True), changes=excel._Counter())
    sheet = excel._Sheet(book, "summary")
    book.styles = excel._Styles(sheet.ws)
    sheet.widths([14, 40, 60])
    for kind, value, look, link in cells:
        sheet.start_row()
        row = [sheet.blank()]  # cells are made in the order of their columns
        row.append(
            sheet.text(value, look, link=link) if kind == "text" else sheet.value(value, look)
        )
        row.append(sheet.text("after", "cell"))
        sheet.append(row)
    sheet.skip()
    sheet.ws.close()
    return Path(sheet.ws._writer.out).read_bytes()


LOOKS = st.sampled_from(["wrap", "plain", "cell", "header", "label", "status:in_scope", "title"])
# every character, but mostly the ones XML and Excel treat specially
TEXT = st.text(
    st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("&<>\"'\r\n\t =+-@ \x00\x0b\x1f\x7f\x85\xa0\u2028\ufffe\U0001f600")),
    ),
    max_size=40,
)
CELLS = st.one_of(
    st.tuples(st.just("text"), TEXT, LOOKS, st.none() | st.just("https://example.org/a?b=1&c")),
    st.tuples(
        st.just("value"),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-(10**18), 10**18),
            st.floats(allow_nan=True, allow_infinity=True),
            st.dates(dt.date(1900, 3, 1), dt.date(9999, 12, 31)),
            st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(9999, 12, 31)),
        ),
        st.sampled_from(["number", "date", "datetime", "percent", "plain"]),
        st.none(),
    ),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CELLS, min_size=1, max_size=6))
def test_any_cells_give_the_bytes_openpyxl_writes(cells):
    with pytest.MonkeyPatch.context() as patch:
        fast, slow = both_ways(patch, lambda: sheet_xml(cells))
    assert fast == slow


def test_a_sheet_without_rows_and_rows_without_cells_are_written_alike(monkeypatch):
    def make() -> bytes:
        book = SimpleNamespace(wb=Workbook(write_only=True), changes=excel._Counter())
        sheets = [excel._Sheet(book, key) for key in ("summary", "about")]
        book.styles = excel._Styles(sheets[0].ws)
        sheets[0].ws.close()  # never appended to
        sheets[1].skip()
        sheets[1].line(None, "x", None)
        sheets[1].ws.close()
        return b"|".join(Path(s.ws._writer.out).read_bytes() for s in sheets)

    fast, slow = both_ways(monkeypatch, make)
    assert fast == slow


# --- whole workbooks ---------------------------------------------------------------------------


AWKWARD = [
    ["A-1", "  spaced ", "2021-09-01", "federal", "general_election", "https://a.example/x&y"],
    ["A-2", "=1+1", "2019-10", "provincial", "leadership_race", "mailto:someone@example.org"],
    ["A-3", '<b>bold</b> & "quoted"', "", "unknown", "", "see http://b.example/p?q=<1>"],
    ["A-4", "tab\there\r\nand CR", "2020/2022", "federal", "nomination_contest", ""],
    ["A-5", "control \x01\x1f chars", "1899-12-31", "municipal", "other", "no link here"],
    ["A-6", "é € 😀 \u2028 \xa0", "2021-02-29", "federal", "general_election", "http://"],
    ["A-7", "x" * 40_000, "2021-09-20", "federal", "general_election", "ftp://not.a.link"],
    ["A-8", "\n".join(["line"] * 300), "2015-10-20", "territorial", "referendum", "+cmd"],
    ["A-9", "-2", "not a date", "galactic", "general_election", "@SUM(A1)"],
]


def workbook(source: tuple[Path, dict] | None, lang: str) -> bytes:
    with use_language(lang):
        analysis = scope_gap.analyze(source[0], **source[1]) if source else scope_gap.analyze()
        analysis.command = "scope-gap analyze"
        return render_xlsx(analysis).data


def corpus(tmp_path: Path) -> list[tuple[Path, dict]]:
    folder = tmp_path / "messy"
    messy = []
    for case in write_corpus(folder):
        options = dict(case.options)
        if case.columns:
            options["columns"] = folder / f"{case.name}.columns.yaml"
        messy.append((folder / case.name, options))
    awkward = write_table(
        tmp_path / "awkward.csv",
        AWKWARD,
        header=["id", "title", "date", "level", "event_type", "sources"],
    )
    hostile = [(path, {}) for path in sorted((DATA / "hostile").glob("*.csv"))]
    return [(awkward, {}), *hostile, *messy]


def test_workbooks_are_byte_identical_both_ways(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    compared = 0
    for source in [None, *corpus(tmp_path)]:
        for lang in ("en", "fr"):
            try:
                fast, slow = both_ways(monkeypatch, lambda s=source, g=lang: workbook(s, g))
            except Exception as error:  # an input that is refused is refused either way
                monkeypatch.setattr(excel, "RAW_ROWS", False)
                with pytest.raises(type(error)):
                    workbook(source, lang)
                continue
            assert fast == slow, f"{source} ({lang}) differs"
            compared += 1
    assert compared >= 40

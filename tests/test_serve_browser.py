"""The local page in a real browser (Debian's Chromium through Playwright), against a real
`scope-gap serve --port 0 --no-browser`: choose files, a mandate, read the finding, download
the xlsx, check the columns and invalid rows, compare, in French too; keyboard alone, 375 px,
nothing fetched from elsewhere, and axe-core finds no serious or critical violation."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import scope_gap
from scope_gap.i18n import use_language
from tests.test_html import launched_chromium
from tests.test_serve_process import Server

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "incidents.csv"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("serve")
    env = dict(os.environ)
    env.pop("XDG_RUNTIME_DIR", None)
    env.update({"XDG_CACHE_HOME": str(folder / "cache"), "PYTHONUNBUFFERED": "1"})
    env.pop("SCOPE_GAP_LANG", None)
    server = Server(["--port", "0", "--no-browser"], env)
    try:
        yield server.address()
    finally:
        server.stop()
        server.kill()


@pytest.fixture(scope="module")
def browser() -> Any:
    yield from launched_chromium()


@pytest.fixture
def page(browser: Any, served: str) -> Any:
    context = browser.new_context(locale="en-CA")
    tab = context.new_page()
    tab.seen = {"errors": [], "requests": []}  # type: ignore[attr-defined]
    tab.on(
        "console",
        lambda m: tab.seen["errors"].append(m.text) if m.type in ("error", "warning") else None,
    )
    tab.on("pageerror", lambda e: tab.seen["errors"].append(str(e)))
    tab.on("request", lambda r: tab.seen["requests"].append(r.url))
    tab.goto(served)
    yield tab
    context.close()


def finding_of(mandate: str, lang: str = "en") -> str:
    with use_language(lang):
        return scope_gap.analyze([DATA], mandate).summary["finding"]


def analyse(page: Any, mandate: str = "hogue-2023") -> None:
    page.set_input_files("#files", str(DATA))
    page.check(f"#m-{mandate}")
    page.click("#analyze")
    page.wait_for_selector("#downloads a", timeout=60_000)


def serious(page: Any) -> list[Any]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert len(results.response["passes"]) > 10  # axe really looked at the page
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_choose_a_file_and_a_mandate_read_the_finding_and_download_the_xlsx(
    page: Any, served: str
) -> None:
    analyse(page, "nsicop-2024")
    assert page.text_content("#finding") == finding_of("nsicop-2024")
    report = page.frame_locator("#report")
    assert report.locator("h1").first.inner_text(timeout=30_000)
    report.locator("#incident-FI-009").wait_for(state="attached", timeout=30_000)
    with page.expect_download() as caught:
        page.click("#downloads-xlsx")
    download = caught.value
    assert download.suggested_filename == "nsicop-2024-gap-report.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.sheetnames[0] == "Summary"
    assert all(url.startswith(served) for url in page.seen["requests"])
    assert page.seen["errors"] == []


def test_switch_to_french(page: Any) -> None:
    page.click("a[hreflang=fr]")
    page.wait_for_selector("html[lang=fr]")
    assert "Quels incidents échappent" in page.text_content("h1")
    analyse(page)
    assert page.text_content("#finding") == finding_of("hogue-2023", "fr")
    report = page.frame_locator("#report")
    report.locator("html[lang=fr]").wait_for(timeout=30_000)
    assert serious(page) == []
    assert page.seen["errors"] == []


@pytest.mark.parametrize("width", [1280, 375])
def test_axe_finds_no_serious_violation_and_375_px_fits(page: Any, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    assert serious(page) == []
    analyse(page)
    page.click("#check")
    page.wait_for_selector("#check-summary")
    assert serious(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate("document.body.scrollWidth") <= width


def test_check_shows_how_columns_were_read_and_every_invalid_row(page: Any, tmp_path: Path) -> None:
    rows = ["id,Title,date,level,event_type,Remarks"]
    rows += [f"B{i},t,2019-13,federal,general_election,x" for i in range(250)]
    rows += ["G1,good,2019,federal,general_election,y"]
    table = tmp_path / "mixed.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.set_input_files("#files", str(table))
    page.click("#check")
    page.wait_for_selector("#check-summary")
    assert "1 incident(s) can be analysed, 250 row(s) are invalid" in page.text_content(
        "#check-summary"
    )
    readings = page.eval_on_selector_all(
        "#check-out table:first-of-type tbody tr",
        "rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent])",
    )
    assert readings[1][0] == "Title" and "(title)" in readings[1][1]
    assert readings[5][0] == "Remarks"
    # a long list comes a page at a time
    assert page.locator("#invalid-rows tbody tr").count() == 100
    page.click("#check-out button:has-text('Show 100 more')")
    assert page.locator("#invalid-rows tbody tr").count() == 200
    page.click("#check-out button:has-text('Show 50 more')")
    assert page.locator("#invalid-rows tbody tr").count() == 250
    assert "mixed.csv:2" in page.text_content("#invalid-rows tbody tr:first-child")


def test_the_keyboard_alone_does_it(page: Any) -> None:
    def tab_to(element_id: str) -> None:
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab_to("files")
    for key in ("Space", "Enter", "Space"):  # a loaded machine can miss the first press
        try:
            with page.expect_file_chooser(timeout=10_000) as chooser:
                page.keyboard.press(key)
            break
        except PlaywrightTimeout:
            page.focus("#files")
    chooser.value.set_files(str(DATA))
    tab_to("m-hogue-2023")
    page.keyboard.press("ArrowDown")  # the next mandate
    chosen = page.evaluate("document.querySelector('input[name=mandate]:checked').value")
    assert chosen == "nsicop-2024"
    tab_to("analyze")
    page.keyboard.press("Enter")
    page.wait_for_selector("#downloads a", timeout=60_000)
    assert page.evaluate("document.activeElement.id") == "finding"  # the result is announced
    assert page.text_content("#finding") == finding_of("nsicop-2024")
    tab_to("downloads-csv")
    with page.expect_download() as caught:
        page.keyboard.press("Enter")
    assert caught.value.suggested_filename == "nsicop-2024-gap-report.csv"


def test_files_dropped_on_the_box_are_used(page: Any) -> None:
    text = DATA.read_text(encoding="utf-8")
    page.evaluate(
        """text => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([text], 'dropped.csv', {type: 'text/csv'}));
            const box = document.getElementById('drop');
            box.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true}));
        }""",
        text,
    )
    assert "dropped.csv" in page.text_content("#file-list")
    page.click("#analyze")
    page.wait_for_selector("#downloads a", timeout=60_000)
    assert page.text_content("#finding") == finding_of("hogue-2023")


def test_compare_two_mandates(page: Any) -> None:
    page.set_input_files("#files", str(DATA))
    page.check("#c-hogue-2023")
    page.check("#c-whole-of-government")
    page.click("#compare")
    page.wait_for_selector("#compare-downloads a", timeout=60_000)
    counts = scope_gap.compare([DATA], ["hogue-2023", "whole-of-government"]).counts()
    cells = page.eval_on_selector_all(
        "#matrix tbody tr:first-child td", "cells => cells.map(c => c.textContent)"
    )
    assert cells == [
        str(counts["hogue-2023"]["in_scope"]),
        str(counts["whole-of-government"]["in_scope"]),
    ]
    comparison = scope_gap.compare([DATA], ["hogue-2023", "whole-of-government"])
    added = comparison.adds["whole-of-government"]
    assert f"only whole-of-government has in scope ({len(added)}): {added[0]}" in page.text_content(
        "#adds"
    )
    with page.expect_download() as caught:
        page.click("#compare-downloads-json")
    assert caught.value.suggested_filename == "compare-hogue-2023-whole-of-government.json"
    page.frame_locator("#compare-report").locator("table").first.wait_for(timeout=30_000)


def test_a_problem_is_said_on_the_page(page: Any, tmp_path: Path) -> None:
    page.click("#analyze")
    assert "Choose at least one incident file first." in page.text_content("#finding")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title\nA,b\n", encoding="utf-8")
    page.set_input_files("#files", str(bad))
    page.click("#analyze")
    page.wait_for_selector("#finding [role=alert]:has-text('lacks the required')")
    assert "bad.csv: lacks the required" in page.text_content("#finding")


def test_the_template_downloads(page: Any) -> None:
    with page.expect_download() as caught:
        page.click("#template")
    book = openpyxl.load_workbook(io.BytesIO(Path(caught.value.path()).read_bytes()))
    assert book.worksheets[0]["A1"].value == "id"


def test_without_javascript_the_form_still_downloads_the_report(browser: Any, served: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(served)
    tab.set_input_files("#files", str(DATA))
    tab.check("#m-nsira-2024")
    with tab.expect_download() as caught:
        tab.click("button[name=format][value=xlsx]")
    assert caught.value.suggested_filename == "nsira-2024-gap-report.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(Path(caught.value.path()).read_bytes()))
    assert book.sheetnames[0] == "Summary"
    context.close()


def test_the_column_mapping_is_corrected_on_the_page(page: Any, tmp_path: Path) -> None:
    from scope_gap.server.work import supported_options

    if "columns" not in supported_options():
        pytest.skip("this library does not take a column map yet")
    table = tmp_path / "theirs.csv"
    table.write_text(
        "Case code,title,date,level,event_type\n"
        "K-1,a federal case,2019-10-21,federal,general_election\n"
        "K-2,a municipal case,2022,municipal,general_election\n",
        encoding="utf-8",
    )
    page.set_input_files("#files", str(table))
    page.click("#check")
    page.wait_for_selector("#check-summary")
    assert "lacks the required column" in page.text_content("#check-summary")
    assert page.input_value("#map-0-0") == ""  # 'Case code' read as another column
    page.select_option("#map-0-0", "id")
    page.click("#check")
    page.wait_for_selector("#check-summary:has-text('2 incident(s) can be analysed')")
    assert page.input_value("#map-0-0") == "id"
    page.click("#analyze")
    page.wait_for_selector("#downloads a", timeout=60_000)
    assert page.text_content("#finding").startswith("Of 2 incidents")
    with page.expect_download() as caught:
        page.click("#downloads-json")
    report = json.loads(Path(caught.value.path()).read_text(encoding="utf-8"))
    assert [i["id"] for i in report["incidents"]] == ["K-1", "K-2"]

"""The HTML report: parsed for structure and safety, then opened in a real Chromium."""

from __future__ import annotations

import base64
import csv
import hashlib
import os
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import scope_gap
from scope_gap.cli import main
from scope_gap.reports import html as html_report
from scope_gap.reports.html import (
    anchor_id,
    clean_text,
    link_target,
    render_html,
    render_html_report,
)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
HOSTILE_SOURCES = (
    "javascript:alert(1); data:text/html,<script>alert(2)</script>; vbscript:msgbox(1); "
    "/relative/path; //evil.example/x; https://example.org/ok?a=1&b=2; "
    "mailto:tips@example.org; HTTPS://EXAMPLE.COM/UP; see https://example.net/in-text."
)
HOSTILE_ROWS = [
    [
        "id",
        "title",
        "date",
        "level",
        "event_type",
        "evidence",
        "sources",
        "summary",
        "<b>Extra</b>",
    ],
    [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)> 'quoted'",
        "2022",
        "municipal",
        "general_election",
        "allegation",
        HOSTILE_SOURCES,
        "bell\x07 escape\x1b \u202eevil\u202c text \u2066isolated\u2069",
        "<i>extra</i>",
    ],
    ["FI 2/é#x", "id with spaces", "2019-10", "federal", "general_election", "", "", "", ""],
    ["ok-3", "unknown level", "", "", "leadership_race", "", "java\tscript:alert(3)", "", ""],
    ["bad-4", "invalid <script>row</script>", "2022-13", "planetary", "", "", "", "", ""],
]
HOSTILE_MANDATE = """\
mandate:
  id: hostile
  title: "Inquiry <script>alert('t')</script> \\"quoted\\""
  authority: "<b>Order</b>"
  url: "javascript:alert(1)"
periods:
  P1: {start: 2019-01-01, end: 2019-12-31, label: "<img src=x onerror=alert(1)>"}
clauses:
  - id: A
    ref: "<ref>"
    text: "text <script>x</script>"
    when:
      all:
        - {field: level, in: [federal], gap: "<em>gap</em> & more"}
        - {field: date, within: [P1], gap: "date \\"gap\\""}
  - id: C
    coverage: context
    when: {field: level, in: [municipal], gap: "not municipal"}
"""


# --- helpers -----------------------------------------------------------------------------------


class Page(HTMLParser):
    """The parts of a page the tests look at: elements with attributes, headings, text."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.headings: list[tuple[int, str]] = []
        self.scripts: list[str] = []
        self.text_parts: list[str] = []
        self._stack: list[str] = []
        self._heading: list[str] | None = None
        self._script: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = []
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            self.headings.append((int(tag[1]), "".join(self._heading).strip()))
            self._heading = None
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        self.text_parts.append(data)
        if self._heading is not None:
            self._heading.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [
            a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def ids(self) -> list[str]:
        return [a["id"] for _, a in self.elements if "id" in a]


def grab(pattern: str, text: str) -> str:
    """The first match of `pattern` (dot matches newlines) in `text`; fails when there is none."""
    found = re.search(pattern, text, re.S)
    assert found, pattern
    return found.group(0)


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def generated_rows(n: int) -> list[list[str]]:
    """`n` incidents spread over every status of the Hogue mandate."""
    kinds = [
        ("2019-10-01", "federal", "general_election"),  # in scope
        ("2022", "municipal", "general_election"),  # context only
        ("2022", "other", "referendum"),  # out of scope
        ("", "", ""),  # indeterminate
        ("2021-09", "provincial", "leadership_race"),  # context only
    ]
    rows = [["id", "title", "date", "level", "event_type", "evidence", "sources", "summary"]]
    for i in range(n):
        date, level, event = kinds[i % len(kinds)]
        rows.append(
            [
                f"G-{i:06d}",
                f"Generated incident number {i}",
                date,
                level,
                event,
                "intelligence",
                f"https://example.org/source/{i}",
                "A generated summary sentence about the incident.",
            ]
        )
    return rows


@pytest.fixture(scope="module")
def bundled() -> Any:
    return scope_gap.analyze()


@pytest.fixture(scope="module")
def bundled_page(bundled: Any) -> tuple[str, Page]:
    text, _ = render_html(bundled)
    return text, Page(text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("hostile")
    data = write_csv(folder / "hostile.csv", HOSTILE_ROWS)
    mandate = folder / "hostile.yaml"
    mandate.write_text(HOSTILE_MANDATE, encoding="utf-8")
    return scope_gap.analyze(str(data), str(mandate))


@pytest.fixture(scope="module")
def hostile_page(hostile: Any) -> tuple[str, Page]:
    text, _ = render_html(hostile)
    return text, Page(text)


# --- helpers of the module ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, href",
    [
        ("https://example.org/a?b=1", "https://example.org/a?b=1"),
        ("HTTP://EXAMPLE.ORG", "HTTP://EXAMPLE.ORG"),
        ("mailto:a@example.org", "mailto:a@example.org"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\tscript:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("vbscript:msgbox(1)", None),
        ("/relative/path", None),
        ("//evil.example/x", None),
        ("https://", None),
        ("mailto:", None),
        ("https://example.org/a b", None),
    ],
)
def test_only_http_https_and_mailto_are_link_targets(text: str, href: str | None) -> None:
    assert link_target(text) == href


def test_clean_text_drops_control_and_bidi_override_characters() -> None:
    assert clean_text("a\x00b\x07c\x1bd\x7fe\x85f") == "abcdef"
    assert clean_text("\u202eevil\u202c \u2066x\u2069") == "evil x"
    assert clean_text("line\r\nbreak\ttab") == "line\nbreak\ttab"


def test_anchor_ids_keep_plain_ids_and_make_others_safe_and_distinct() -> None:
    assert anchor_id("FI-001") == "incident-FI-001"
    odd = anchor_id("a b")
    assert odd == anchor_id("a b")  # stable
    assert odd == "incident-a~20~b"
    assert re.fullmatch(r"incident-[\w.~-]+", odd)
    assert odd != anchor_id("a-b") and odd != anchor_id("a_b") and odd != anchor_id("a\tb")
    # injective: an ID that looks like another's escaped form gets its own anchor
    tricky = ["a b", "a~20~b", "a-b", "a~b", "é", "e\u0301", "a\u200bb", "ab", "\ud800"]
    assert len({anchor_id(i) for i in tricky}) == len(tricky)


# --- structure ---------------------------------------------------------------------------------


def test_page_is_one_document_with_language_title_and_one_h1(bundled_page: Any) -> None:
    _, page = bundled_page
    assert page.find("html")[0]["lang"] == "en"
    assert "Public Inquiry into Foreign Interference" in page.text
    assert len(page.find("title")) == 1
    assert [level for level, _ in page.headings].count(1) == 1


def test_headline_states_the_finding(bundled: Any, bundled_page: Any) -> None:
    _, page = bundled_page
    assert page.headings[0] == (1, bundled.sentence())
    assert page.headings[0][1] == bundled.to_dict()["summary"]["finding"]


def test_headings_never_skip_a_level(bundled_page: Any, hostile_page: Any) -> None:
    for _, page in (bundled_page, hostile_page):
        levels = [level for level, _ in page.headings]
        assert levels[0] == 1
        for before, after in zip(levels, levels[1:], strict=False):
            assert after <= before + 1, page.headings


def test_every_table_has_a_caption_and_scoped_headers(bundled_page: Any) -> None:
    text, page = bundled_page
    tables = re.findall(r"<table.*?</table>", text, re.S)
    assert len(tables) >= 6
    for table in tables:
        assert "<caption" in table
        headers = re.findall(r"<th\b[^>]*>", table)
        assert headers and all("scope=" in th for th in headers), table[:200]


def test_content_security_policy_forbids_network_and_allows_only_the_inline_script(
    bundled_page: Any,
) -> None:
    _, page = bundled_page
    (meta,) = page.find("meta", **{"http-equiv": "Content-Security-Policy"})
    policy = {
        part.split()[0]: part.split()[1:] for part in meta["content"].split(";") if part.strip()
    }
    assert policy["default-src"] == ["'none'"]
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["img-src"] == ["data:"]
    (script,) = page.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    assert policy["script-src"] == [f"'sha256-{digest}'"]


def test_nothing_is_loaded_from_anywhere(bundled_page: Any, hostile_page: Any) -> None:
    for text, page in (bundled_page, hostile_page):
        assert not [a for _, a in page.elements if "src" in a or "srcset" in a]
        assert not page.find("link") and not page.find("iframe") and not page.find("img")
        for tag, attrs in page.elements:
            for name, value in attrs.items():
                if name == "href":
                    assert tag == "a"
                elif name == "style" or name == "content":
                    assert "url(" not in value or "url(#" in value
                else:
                    assert not re.match(r"\s*https?:", value, re.I), (tag, name, value)
        # a url() in the stylesheet or the SVG points inside the page only
        assert all(u.startswith("#") for u in re.findall(r"url\(\s*['\"]?([^)'\"]*)", text))


def test_external_links_open_safely(bundled_page: Any, hostile_page: Any) -> None:
    for _, page in (bundled_page, hostile_page):
        for attrs in page.find("a"):
            href = attrs["href"]
            if href.startswith("#"):
                continue
            assert re.match(r"(?i)(https?://|mailto:)", href), href
            assert attrs.get("rel") == "noopener noreferrer"


def test_status_counts_match_the_summary(bundled: Any, bundled_page: Any) -> None:
    text, page = bundled_page
    s = bundled.summary
    counts = grab(r'<section id="counts".*?</table>', text)
    for code, label in html_report.STATUS_LABELS.items():
        found = re.search(rf"{label}</span></th><td class=\"n\">(\d+)</td>", counts)
        assert found and int(found.group(1)) == s[code], code
    rows = page.find("tr")
    for code in html_report.CHART_STATUSES:
        assert len([r for r in rows if r.get("data-s") == code]) == s[code]
    assert f'Total rows read</th><td class="n">{s["total"]}<' in counts


def test_every_incident_has_a_stable_anchor_and_a_link_to_it(
    bundled: Any, bundled_page: Any
) -> None:
    _, page = bundled_page
    ids = page.ids()
    assert len(ids) == len(set(ids))
    hrefs = {a["href"] for a in page.find("a")}
    for record in bundled.incidents:
        assert f"incident-{record['id']}" in ids
        assert f"#incident-{record['id']}" in hrefs


def test_gap_list_is_grouped_by_gap_with_reasons_evidence_and_sources(
    bundled: Any, bundled_page: Any
) -> None:
    text, page = bundled_page
    section = Page(grab(r'<section id="gap-list".*?<section id="indeterminate"', text))
    titles = [t for level, t in section.headings if level == 3]
    outside = [r for r in bundled.incidents if r["status"] in ("out_of_scope", "context_only")]
    combos = {tuple(r["gaps"]) for r in outside}
    assert len(titles) == len(combos)
    for combo in combos:
        n = sum(1 for r in outside if tuple(r["gaps"]) == combo)
        assert f"{' · '.join(combo)} ({n})" in titles
    from scope_gap.wording import reasons

    worded = dict(zip((r["id"] for r in bundled.incidents), reasons(bundled), strict=True))
    for record in outside:
        assert worded[record["id"]][0] in section.text  # plain words, not the JSON reasons
        assert f"incident-{record['id']}" in section.ids()
    assert "intelligence" in section.text
    assert "The Bureau" in section.text


def test_indeterminate_list_says_what_is_unknown(bundled_page: Any) -> None:
    text, _ = bundled_page
    part = grab(r'<section id="indeterminate".*?</section>', text)
    assert 'id="incident-FI-005"' in part
    assert "Not known: level, event type, date" in part


def test_in_scope_list_names_the_covering_clauses(bundled: Any, bundled_page: Any) -> None:
    import html

    from scope_gap.wording import covered_by

    text, _ = bundled_page
    part = grab(r'<section id="in-scope".*?</section>', text)
    for record in bundled.incidents:
        if record["status"] == "in_scope":
            row = grab(rf'<tr id="incident-{record["id"]}".*?</tr>', part)
            titles = covered_by(bundled.mandate, record["covered_by"])
            assert titles[0].startswith("(a)(i)(") and " — " in titles[0]
            covered = "".join(f"<li>{html.escape(c, quote=False)}</li>" for c in titles)
            assert covered in row


def test_mandate_clauses_periods_and_provenance_are_shown(bundled: Any, bundled_page: Any) -> None:
    from scope_gap.engine import rule_text

    _, page = bundled_page
    text = page.text
    mandate = bundled.mandate
    assert mandate.authority in text and mandate.url in text
    for clause in mandate.clauses:
        assert clause.text in text and rule_text(clause.when) in text and clause.ref in text
    assert "GE43-cycle" in text and "2015-10-20" in text and "2021-09-20" in text
    assert mandate.sha256 in text
    for item in bundled.table.inputs:
        assert item["sha256"] in text and item["path"] in text
    assert f"scope-gap {scope_gap.__version__}" in text
    assert "not proven facts" in text


def test_hostile_text_is_escaped_everywhere(hostile_page: Any) -> None:
    text, page = hostile_page
    assert text.count("<script") == 1  # ours
    assert "<img" not in text and "<b>" not in text and "<i>" not in text and "<em>" not in text
    for _, attrs in page.elements:
        assert not [name for name in attrs if name.startswith("on")]
    # shown as typed, as text
    assert "<script>alert(1)</script>" in page.text
    assert "\"><img src=x onerror=alert(1)> 'quoted'" in page.text
    assert "Inquiry <script>alert('t')</script> \"quoted\"" in page.text
    assert "<em>gap</em> & more" in page.text
    assert "<b>Extra</b>" in page.text and "<i>extra</i>" in page.text
    assert "invalid <script>row</script>" in page.text


def test_hostile_sources_are_text_and_only_web_and_mail_sources_are_links(
    hostile_page: Any,
) -> None:
    _, page = hostile_page
    hrefs = [a["href"] for a in page.find("a") if not a["href"].startswith("#")]
    assert hrefs == [
        "https://example.org/ok?a=1&b=2",
        "mailto:tips@example.org",
        "HTTPS://EXAMPLE.COM/UP",
        "https://example.net/in-text",
    ]
    for shown in (
        "javascript:alert(1)",
        "data:text/html,<script>alert(2)</script>",
        "vbscript:msgbox(1)",
        "/relative/path",
        "//evil.example/x",
        "java\tscript:alert(3)",
    ):
        assert shown in page.text
    assert "javascript:alert(1)" in page.text  # the mandate's url, as text


def test_control_and_bidi_characters_never_reach_the_page(hostile_page: Any) -> None:
    text, page = hostile_page
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]", text)
    assert "bell escape evil text isolated" in page.text


def test_odd_incident_ids_get_working_anchors(hostile: Any, hostile_page: Any) -> None:
    _, page = hostile_page
    ids = page.ids()
    hrefs = {a["href"] for a in page.find("a")}
    for record in hostile.incidents:
        anchor = anchor_id(record["id"])
        assert anchor in ids and f"#{anchor}" in hrefs
        assert not re.search(r"[\s\"'<>#/]", anchor)


def test_invalid_rows_are_listed_with_origin_and_problems(hostile: Any, hostile_page: Any) -> None:
    text, _ = hostile_page
    part = grab(r'<section id="invalid".*?</section>', text)
    (row,) = hostile.invalid
    page = Page(part)
    assert "hostile.csv:5" in page.text
    for problem in row.error_texts():
        assert problem in page.text


def test_same_input_and_source_date_epoch_give_identical_bytes(
    bundled: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    render_html_report(bundled).save(tmp_path / "a.html")
    render_html_report(scope_gap.analyze()).save(tmp_path / "b.html")
    first = (tmp_path / "a.html").read_bytes()
    assert first == (tmp_path / "b.html").read_bytes()
    assert b"2023-11-14T22:13:20Z" in first


def test_cli_writes_the_html_report(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["analyze", "-f", "html", "-o", str(tmp_path)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    text = (tmp_path / "hogue-2023-gap-report.html").read_text(encoding="utf-8")
    page = Page(text)
    assert re.search(r"<dt>Command</dt><dd><code>scope-gap\b", text)  # in the provenance
    assert len([r for r in page.find("tr") if "data-s" in r]) == len(scope_gap.analyze().incidents)


def test_long_lists_are_cut_with_a_pointer_to_the_full_reports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_report, "LIST_LIMIT", 4)
    analysis = scope_gap.analyze(str(write_csv(tmp_path / "many.csv", generated_rows(30))))
    warnings = render_html_report(analysis).save(tmp_path / "many.html")
    page = Page((tmp_path / "many.html").read_text(encoding="utf-8"))
    listed = [r for r in page.find("tr") if "data-s" in r]
    assert len(listed) == 4 * 3  # gap list, indeterminate, in scope
    assert "This list shows the first 4 of 18 incidents" in page.text
    assert "the xlsx, CSV and JSON reports" in page.text
    assert warnings and any("gap list shows 4 of 18" in w for w in warnings)
    # the counts still cover everything
    assert "Gap list: incidents outside what the inquiry may examine (18)" in page.text


def test_templates_ship_inside_the_package() -> None:
    from importlib.resources import files

    templates = files("scope_gap.reports") / "templates"
    for name in ("report.html.j2", "report.css", "report.js"):
        assert (templates / name).is_file()


# --- in a real browser -------------------------------------------------------------------------


def _browser_unavailable() -> str | None:
    if CHROMIUM.exists():
        return None
    if os.environ.get("CI") == "true":
        pytest.fail(f"{CHROMIUM} is missing and CI=true: the browser tests must run")
    return f"{CHROMIUM} is not installed (apt-get install chromium); browser tests skipped"


def launched_chromium() -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, for a module's browser fixture; a skip with the
    reason where it is missing (a failure under CI=true)."""
    reason = _browser_unavailable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def browser() -> Any:
    yield from launched_chromium()


@pytest.fixture(scope="module")
def report_files(tmp_path_factory: pytest.TempPathFactory, bundled: Any, hostile: Any) -> Any:
    folder = tmp_path_factory.mktemp("pages")
    render_html_report(bundled).save(folder / "bundled.html")
    render_html_report(hostile).save(folder / "hostile.html")
    return {
        "bundled": (folder / "bundled.html").as_uri(),
        "hostile": (folder / "hostile.html").as_uri(),
    }


def _open(browser: Any, url: str, **context: Any) -> tuple[Any, Any, dict[str, list[str]]]:
    ctx = browser.new_context(**context)
    page = ctx.new_page()
    seen: dict[str, list[str]] = {"errors": [], "requests": []}
    page.on(
        "console",
        lambda m: seen["errors"].append(m.text) if m.type in ("error", "warning") else None,
    )
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(url)
    return ctx, page, seen


def _visible_ids(page: Any, selector: str = "tbody.inc > tr") -> list[str]:
    return page.eval_on_selector_all(
        selector, "rows => rows.filter(r => r.offsetParent !== null).map(r => r.id)"
    )


@pytest.mark.parametrize("name", ["bundled", "hostile"])
def test_browser_loads_the_page_without_errors_or_requests(
    browser: Any, report_files: Any, name: str
) -> None:
    url = report_files[name]
    ctx, page, seen = _open(browser, url)
    page.wait_for_load_state("load")
    assert seen["errors"] == []
    assert seen["requests"] == [url]
    assert page.is_visible("#controls")  # the script ran: the CSP hash matches
    assert page.evaluate("window.__pwned === undefined")
    ctx.close()


def test_browser_sorting_a_column_reorders_rows(browser: Any, report_files: Any) -> None:
    ctx, page, seen = _open(browser, report_files["bundled"])
    table = "#in-scope table"
    before = _visible_ids(page, f"{table} tbody > tr")
    page.click(f"{table} thead th:nth-child(1) button")
    assert page.get_attribute(f"{table} thead th:nth-child(1)", "aria-sort") == "ascending"
    assert _visible_ids(page, f"{table} tbody > tr") == sorted(before)
    page.click(f"{table} thead th:nth-child(1) button")
    assert page.get_attribute(f"{table} thead th:nth-child(1)", "aria-sort") == "descending"
    assert _visible_ids(page, f"{table} tbody > tr") == sorted(before, reverse=True)
    # the "Sort by" list sorts every incident table; "Input order" puts them back
    dates = "#gap-list .group:first-of-type tbody > tr > td:nth-child(3)"
    page.select_option("#f-sort", "-2")
    shown = page.eval_on_selector_all(dates, "cells => cells.map(c => c.textContent)")
    assert len(shown) > 1 and shown == sorted(shown, reverse=True)
    page.select_option("#f-sort", "2")
    assert page.eval_on_selector_all(dates, "cells => cells.map(c => c.textContent)") == sorted(
        shown
    )
    page.select_option("#f-sort", "")
    assert _visible_ids(page, f"{table} tbody > tr") == before
    assert seen["errors"] == []
    ctx.close()


def test_browser_filtering_narrows_the_lists(browser: Any, report_files: Any, bundled: Any) -> None:
    ctx, page, _ = _open(browser, report_files["bundled"])
    every = _visible_ids(page)
    total = len(bundled.incidents)  # computed: the bundled dataset grows between versions
    assert len(every) == total
    page.select_option("#f-status", "indeterminate")
    undecided = [f"incident-{r['id']}" for r in bundled.incidents if r["status"] == "indeterminate"]
    assert "incident-FI-005" in undecided
    assert sorted(_visible_ids(page)) == sorted(undecided)
    assert page.text_content("#f-count") == f"{len(undecided)} of {total} listed incidents shown"
    assert not page.is_visible("#gap-list .group")  # empty groups are hidden
    page.click("#f-reset")
    page.select_option("#f-level", "municipal")
    municipal = [
        f"incident-{r['id']}" for r in bundled.incidents if r["fields"]["level"] == "municipal"
    ]
    assert {"incident-FI-006", "incident-FI-007", "incident-FI-008"} <= set(municipal)
    assert sorted(_visible_ids(page)) == sorted(municipal)
    page.click("#f-reset")
    gap = list(bundled.summary["by_gap"]).index("Outside the 2019 and 2021 election cycles")
    page.select_option("#f-gap", str(gap))
    expected = [
        f"incident-{r['id']}"
        for r in bundled.incidents
        if "Outside the 2019 and 2021 election cycles" in r["gaps"] and r["status"] != "in_scope"
    ]
    assert sorted(_visible_ids(page)) == sorted(expected)
    page.click("#f-reset")
    page.fill("#f-text", "Don Valley North")
    narrowed = _visible_ids(page)
    assert 0 < len(narrowed) < total
    page.fill("#f-text", "no incident says this")
    assert _visible_ids(page) == []
    assert page.is_visible(".none-match[data-for=gap-list]")
    ctx.close()


def test_browser_incident_link_scrolls_to_the_incident(browser: Any, report_files: Any) -> None:
    ctx, page, _ = _open(browser, report_files["bundled"] + "#incident-FI-012")
    assert page.evaluate(
        "() => { const r = document.getElementById('incident-FI-012').getBoundingClientRect();"
        " return r.top > -2 && r.bottom > 0 && r.top < window.innerHeight; }"
    )
    # a link to an incident the filters hide clears the filters
    page.select_option("#f-status", "in_scope")
    page.evaluate("location.hash = '#incident-FI-005'")
    page.wait_for_function("document.getElementById('incident-FI-005').offsetParent !== null")
    ctx.close()


@pytest.mark.parametrize("name", ["bundled", "hostile"])
def test_browser_without_javascript_shows_every_incident(
    browser: Any, report_files: Any, name: str, bundled: Any, hostile: Any
) -> None:
    analysis = {"bundled": bundled, "hostile": hostile}[name]
    ctx, page, seen = _open(browser, report_files[name], java_script_enabled=False)
    assert len(_visible_ids(page)) == len(analysis.incidents)
    assert not page.is_visible("#controls")
    assert seen["requests"] == [report_files[name]]
    ctx.close()


@pytest.mark.parametrize("name", ["bundled", "hostile"])
def test_browser_phone_width_has_no_horizontal_overflow(
    browser: Any, report_files: Any, name: str
) -> None:
    ctx, page, _ = _open(browser, report_files[name], viewport={"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert page.evaluate("document.body.scrollWidth") <= 375
    ctx.close()


def test_browser_print_hides_controls_and_prints_urls(browser: Any, report_files: Any) -> None:
    ctx, page, _ = _open(browser, report_files["bundled"])
    assert page.is_visible("#controls")
    page.emulate_media(media="print")
    assert not page.is_visible("#controls")
    assert not page.is_visible("nav.toc")
    after = page.evaluate(
        "getComputedStyle(document.querySelector('header a[href^=\"https\"]'), '::after').content"
    )
    assert "https://www.canada.ca/en/privy-council/terms-reference.html" in after
    breaks = page.evaluate("getComputedStyle(document.getElementById('in-scope')).breakBefore")
    assert breaks == "page"
    ctx.close()


@pytest.mark.parametrize("name", ["bundled", "hostile"])
@pytest.mark.parametrize("width", [1280, 375])
def test_browser_axe_finds_no_serious_violation(
    browser: Any, report_files: Any, name: str, width: int
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    ctx, page, _ = _open(browser, report_files[name], viewport={"width": width, "height": 900})
    results = Axe().run(page)
    assert results.response["testEngine"]["name"] == "axe-core"
    assert len(results.response["passes"]) > 20  # axe really checked the page
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    ctx.close()


def test_browser_screenshot_is_kept_as_an_artifact(
    browser: Any, report_files: Any, tmp_path: Path
) -> None:
    folder = Path(os.environ.get("SCOPE_GAP_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    for width, name in ((1280, "desktop"), (375, "phone")):
        ctx, page, _ = _open(
            browser, report_files["bundled"], viewport={"width": width, "height": 900}
        )
        shot = folder / f"html-report-{name}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        ctx.close()

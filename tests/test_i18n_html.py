"""The HTML report, the compare and amend pages and their workbooks in French (issue 9): the page
says it is French, its headings, labels and notes are French, no English message of the html
catalogue is left, and the French page still runs its script under the CSP and passes axe."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook

import scope_gap
from scope_gap.i18n import LOCALE_DIR, use_language
from scope_gap.reports import html as html_report
from scope_gap.reports.common import STATUS_PALETTE
from scope_gap.reports.html import render_html, render_html_report, script_hash
from scope_gap.reports.views import (
    render_amend_html,
    render_amend_xlsx,
    render_compare_html,
    render_compare_xlsx,
)
from tests.test_html import (
    HOSTILE_MANDATE,
    HOSTILE_ROWS,
    Page,
    _open,
    generated_rows,
    launched_chromium,
    write_csv,
)

NBSP = "\u00a0"
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)s")
TAG = re.compile(r"<[^>]+>")


@cache
def english_messages() -> tuple[tuple[str, list[str]], ...]:
    """The html catalogue's English messages that French writes differently (longer than 3),
    each with its literal parts (the text between its placeholders, tags left out)."""
    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "html.po", "rb") as handle:
        catalog = read_po(handle)
    out = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        out += [
            (i, PLACEHOLDER.split(TAG.sub("", i))) for i in ids if len(i) > 3 and i not in strings
        ]
    return tuple(out)


def leftovers(texts: list[str]) -> list[str]:
    """English messages found in `texts` (the text nodes and labels of a page, or cells).

    A message of a few words counts when it is a whole text, or begins one before `:`, ` ·`
    or ` (` (incident data is English and has words like "End" or "none" in it); a longer
    one counts anywhere, its placeholders matching any text."""
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    found = []
    for message, parts in english_messages():
        longest = max(parts, key=len)
        candidates = [t for t in texts if longest in t]
        pattern = ".+?".join(re.escape(p) for p in parts)
        if len(" ".join(parts).split()) >= 4:
            hit = any(re.search(pattern, t) for t in candidates)
            # a message may span text nodes (a <strong> or <code> inside it)
            hit = hit or (longest != " ".join(parts) and longest in "\n".join(texts))
        else:
            hit = any(re.fullmatch(pattern + r"(:|\s·.*|\s\(.*)?", t) for t in candidates)
        if hit:
            found.append(message)
    return found


def page_texts(page: Page) -> list[str]:
    labels = [a[k] for _, a in page.elements for k in ("aria-label", "title") if a.get(k)]
    return page.text_parts + labels


@pytest.fixture(scope="module")
def french_page() -> tuple[str, Page]:
    with use_language("fr"):
        text, _ = render_html(scope_gap.analyze())
    return text, Page(text)


@pytest.fixture(scope="module")
def french_views(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("views-fr")
    with use_language("fr"):
        comparison = scope_gap.compare(mandates=["hogue-2023", "whole-of-government"])
        amendment = scope_gap.amend(cover_status=["context_only"])
        render_compare_html(comparison).save(folder / "compare.html")
        render_amend_html(amendment).save(folder / "amend.html")
        render_compare_xlsx(comparison).save(folder / "compare.xlsx")
        render_amend_xlsx(amendment).save(folder / "amend.xlsx")
    return {p.stem + p.suffix: p for p in folder.iterdir()}


def test_french_messages_are_safe_to_put_in_the_page_as_they_are() -> None:
    """Jinja2 puts a translated message into the page unescaped (only its placeholders are
    escaped): a translation has the tags of its English, and no quote or ampersand that could
    end an attribute or start an entity."""
    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "html.po", "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            assert TAG.findall(text) == TAG.findall(ids[0]), text
            assert '"' not in text and "&" not in text, text


def test_the_french_report_says_it_is_french(french_page: Any) -> None:
    _, page = french_page
    assert page.find("html")[0]["lang"] == "fr"
    headings = [text for _, text in page.headings]
    assert "Dénombrement par statut" in headings
    assert "Graphiques" in headings
    assert any(h.startswith("Liste des lacunes" + NBSP + ": incidents en dehors") for h in headings)
    assert any(h.startswith("Dans le mandat (") for h in headings)
    assert "Le mandat sous forme de règles" in headings
    assert "À propos de la preuve" in headings
    assert page.find("a", href="#gap-list")[0] is not None
    assert "Passer à la liste des lacunes" in page.text
    assert page.find("nav", **{"aria-label": "Sections"})


def test_the_french_report_leaves_no_english_message(french_page: Any) -> None:
    _, page = french_page
    assert leftovers(page_texts(page)) == []


def test_the_french_report_uses_french_labels_titles_and_dates(french_page: Any) -> None:
    text, page = french_page
    assert "<title>Rapport des lacunes" + NBSP + ": Enquête publique" in text
    assert "dans le mandat" in page.text and "contexte seulement" in page.text
    assert "Statut" in page.text and "Motifs" in page.text and "Couvert par" in page.text
    assert "examinée" in page.text
    assert re.search(r"\d{1,2} \w+ \d{4}", page.text)  # a period's start, as French writes it
    assert "Trier par" in page.text and "Effacer les filtres" in page.text


def test_the_french_report_shows_the_french_title_and_summary_the_data_gives(
    french_page: Any,
) -> None:
    _, page = french_page
    analysis = scope_gap.analyze()
    fields = next(r["fields"] for r in analysis.incidents if r["id"] == "FI-005")
    assert fields.get("title_fr") and fields.get("summary_fr")
    assert fields["title_fr"] in page.text and fields["title"] not in page.text
    assert " ".join(fields["summary_fr"].split()) in " ".join(page.text.split())
    terms = [t.strip() for t in Page(render_html(analysis)[0]).text_parts]
    assert "title_fr" in terms  # English shows the extra columns as they are
    assert "title_fr" not in [t.strip() for t in page.text_parts]


def test_the_french_script_is_translated_and_its_hash_is_in_the_policy(french_page: Any) -> None:
    text, page = french_page
    (script,) = page.scripts
    assert '"{shown} of' not in script and "listed incidents shown" not in script
    assert "incidents list\\u00e9s" in script
    policy = page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0]["content"]
    assert f"script-src '{script_hash(script)}'" in policy


def test_english_is_unchanged_by_the_catalogue() -> None:
    text, _ = render_html(scope_gap.analyze())
    assert '<html lang="en">' in text
    assert 'shown + " of " + rows.length + " listed incidents shown"' in text
    assert "Counts by status" in text and "Dénombrement" not in text


def test_hostile_data_inside_french_messages_is_escaped_and_cleaned(tmp_path: Path) -> None:
    """Mandate titles, IDs and origins reach some French messages as placeholders: they are
    escaped and lose their control and bidi characters like any other output."""
    data = write_csv(tmp_path / "hostile.csv", HOSTILE_ROWS)
    mandate = tmp_path / "hostile.yaml"
    mandate.write_text(HOSTILE_MANDATE, encoding="utf-8")
    with use_language("fr"):
        text, _ = render_html(scope_gap.analyze(str(data), str(mandate)))
    page = Page(text)
    assert len(page.scripts) == 1
    assert not page.find("img") and not page.find("b") and not page.find("em")
    assert "Rapport des lacunes" + NBSP + ": Inquiry &lt;script&gt;" in text
    assert "Plus de détails sur &lt;script&gt;" in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text)


def test_french_long_lists_are_cut_with_a_french_pointer_and_warning(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(html_report, "LIST_LIMIT", 4)
    analysis = scope_gap.analyze(str(write_csv(tmp_path / "many.csv", generated_rows(30))))
    with use_language("fr"):
        warnings = render_html_report(analysis).save(tmp_path / "many.html")
    page = Page((tmp_path / "many.html").read_text(encoding="utf-8"))
    assert "Cette liste présente les 4 premiers incidents sur 18" in page.text
    assert "les rapports xlsx, CSV et JSON" in page.text
    assert "Cette page présente au plus 4 lignes par liste" in page.text
    assert warnings and any(
        "la liste des lacunes présente 4 lignes sur 18" in w for w in warnings
    ), warnings
    assert leftovers(page_texts(page) + warnings) == []


@pytest.mark.parametrize("name", ["compare.html", "amend.html"])
def test_the_french_compare_and_amend_pages(french_views: Any, name: str) -> None:
    page = Page(french_views[name].read_text(encoding="utf-8"))
    assert page.find("html")[0]["lang"] == "fr"
    assert "À propos de ce rapport" in [text for _, text in page.headings]
    assert leftovers(page_texts(page)) == []
    if name == "compare.html":
        assert "Matrice de couverture" in page.text
        titles = {r["id"]: r["fields"]["title_fr"] for r in scope_gap.analyze().incidents}
        assert titles["FI-005"] in page.text  # the data's French titles
        assert "incidents documentés." in page.text
        assert "dans le mandat" in page.text
    else:
        assert "Clauses avant et après" in page.text
        assert "feraient entrer dans le mandat" in page.text


def test_the_french_compare_and_amend_workbooks(french_views: Any) -> None:
    compare = load_workbook(french_views["compare.xlsx"])
    amend = load_workbook(french_views["amend.xlsx"])
    assert compare.sheetnames == ["Sommaire", "Matrice", "Ajouts", "À propos"]
    assert amend.sheetnames == ["Modifications", "Clauses", "Non couverts", "À propos"]
    cells = []
    for workbook in (compare, amend):
        for sheet in workbook.worksheets:
            header = [c.value for c in sheet[1] if c.value is not None]
            cells += [str(v) for v in header]
            cells += [str(sheet.cell(row=r, column=1).value or "") for r in range(2, 6)]
    assert "Mandat" in cells and "Avant" in cells and "Motifs" in cells
    assert leftovers(cells) == []
    matrix = compare["Matrice"]
    assert any(str(c.value).startswith("CA1 affirme") for c in matrix["B"])
    statuses = [c.value for c in matrix["C"][1:]]
    assert "dans le mandat" in statuses or "contexte seulement" in statuses
    # the status colours follow the French labels too
    filled = [c for c in matrix["C"][1:] if c.value == "contexte seulement"]
    assert filled and all(
        c.fill.start_color.rgb.endswith(STATUS_PALETTE["context_only"][0]) for c in filled
    )


# --- in a real browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def french_browser() -> Any:
    yield from launched_chromium()


def test_browser_french_page_runs_and_axe_finds_no_serious_violation(
    french_browser: Any, tmp_path: Path
) -> None:
    from axe_playwright_python.sync_playwright import Axe

    with use_language("fr"):
        analysis = scope_gap.analyze()
        render_html_report(analysis).save(tmp_path / "fr.html")
    total = len(analysis.incidents)  # computed: the bundled dataset grows between versions
    undecided = sum(r["status"] == "indeterminate" for r in analysis.incidents)
    url = (tmp_path / "fr.html").as_uri()
    ctx, page, seen = _open(french_browser, url)
    page.wait_for_load_state("load")
    assert seen["errors"] == []
    assert seen["requests"] == [url]
    assert page.is_visible("#controls")  # the script ran: the CSP hash matches
    assert (
        page.text_content("#f-count")
        == f"Incidents affichés{NBSP}: {total} sur {total} incidents listés"
    )
    page.select_option("#f-status", "indeterminate")
    assert (
        page.text_content("#f-count")
        == f"Incidents affichés{NBSP}: {undecided} sur {total} incidents listés"
    )
    page.click("#f-reset")
    results = Axe().run(page)
    assert len(results.response["passes"]) > 20
    bad = [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    ctx.close()

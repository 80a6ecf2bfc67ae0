"""The words of the reports people read (scope_gap/wording.py): reasons grouped by condition
once per fact, values and periods as labels, clauses by reference and short title, one
palette. Small fixtures only (the bundled dataset changes)."""

from __future__ import annotations

import re

import openpyxl
import pandas as pd
import pytest

import scope_gap
from scope_gap.i18n import use_language
from scope_gap.reports import write_reports
from scope_gap.reports.common import STATUS_PALETTE
from scope_gap.rules import parse_mandate_text
from scope_gap.wording import covered_by, reasons, unknown_fields, value_label

MANDATE = """\
mandate:
  id: words
  title: Words inquiry
  title_fr: Enquête des mots
  authority: Order in Council P.C. 2099-1
  authority_fr: Décret C.P. 2099-1
periods:
  GE43: {start: 2019-09-11, end: 2019-10-21, label: the 2019 election, label_fr: l'élection de 2019}
  GE44: {start: 2021-08-15, end: 2021-09-20, label: the 2021 election, label_fr: l'élection de 2021}
clauses:
  - id: A
    ref: "(a)(i)(A)"
    short: interference in the 2019 and 2021 elections
    short_fr: l'ingérence dans les élections de 2019 et 2021
    when:
      all:
        - {field: level, in: [federal], gap: Provincial and municipal processes}
        - {field: event_type, in: [general_election, nomination_contest]}
        - {field: date, within: [GE43, GE44]}
  - id: B
    ref: "(a)(i)(B)"
    short: the flow of information during the elections
    when:
      all:
        - {field: level, in: [federal]}
        - {field: date, within: [GE43, GE44]}
  - id: C
    ref: "(a)(i)(C)"
    coverage: context
    when: {field: level, in: [federal, provincial, municipal]}
"""


def mandate():
    parsed, errors = parse_mandate_text(MANDATE, "words.yaml")
    assert errors == []
    return parsed


def analysis(*rows):
    frame = pd.DataFrame([{"id": f"X{i}", "title": "t", **row} for i, row in enumerate(rows)])
    return scope_gap.analyze(frame, mandate())


PROVINCIAL_RACE = {"date": "2022-06/2022-07", "level": "provincial", "event_type": "leadership_race"}
NOTHING_KNOWN = {"date": "", "level": "", "event_type": ""}
LEVEL_ONLY = {"date": "2019-10-01", "level": "unknown", "event_type": "general_election"}


def test_reasons_are_grouped_by_condition_once_per_fact_with_labels():
    [why] = reasons(analysis(PROVINCIAL_RACE))
    assert why == [
        "Level: provincial — the mandate requires federal (clauses A, B)",
        "Event type: leadership race — the mandate requires general election or nomination "
        "contest (clause A)",
        "Date: 2022-06/2022-07 — the mandate requires a date within the 2019 election or the "
        "2021 election (clauses A, B)",
    ]


def test_reasons_in_french_use_french_labels_and_no_code():
    with use_language("fr"):
        [why] = reasons(analysis(PROVINCIAL_RACE))
    assert why[0] == "Ordre de gouvernement\u00a0: provincial — le mandat exige fédéral (clauses A, B)"
    assert why[1].startswith("Type d'événement\u00a0: course à la direction — le mandat exige ")
    assert "élection générale ou investiture (clause A)" in why[1]
    assert "l'élection de 2019 ou l'élection de 2021" in why[2]
    text = "\n".join(why)
    for code in ("federal", "leadership_race", "leadership race", "general_election", "GE43"):
        assert code not in text


def test_an_unknown_value_says_what_would_decide_it():
    result = analysis(LEVEL_ONLY)
    [record] = result.incidents
    assert (record["status"], record["gaps"], record["unknown"]) == ("indeterminate", [], ["level"])
    [why] = reasons(result)
    assert why == [
        "Level is not known: federal would put it within clauses A, B; federal, provincial or "
        "municipal would put it within clause C"
    ]


def test_an_incident_with_only_unknowns_has_no_gap_and_lists_them():
    result = analysis(NOTHING_KNOWN)
    [record] = result.incidents
    # the nearest clause is B (2 unknown conditions against A's 3): its fields are listed
    assert record["gaps"] == [] and record["unknown"] == ["level", "date"]
    assert unknown_fields(record["unknown"]) == "level, date"
    [why] = reasons(result)
    assert why[0] == (
        "Level is not known: federal, provincial or municipal would put it within clause C; "
        "the mandate requires federal (clauses A, B)"
    )
    assert why[1].startswith("Event type is not known: the mandate requires general election")
    assert why[2].startswith("Date is not known: the mandate requires a date within the 2019")


def test_an_imprecise_date_is_not_precise_enough_and_not_a_gap():
    result = analysis({"date": "2021-09", "level": "federal", "event_type": "general_election"})
    [record] = result.incidents
    assert (record["status"], record["gaps"], record["unknown"]) == ("indeterminate", [], ["date"])
    [why] = reasons(result)
    assert why == [
        "Date: 2021-09 is not precise enough: a date within the 2019 election or the 2021 "
        "election would put it within clauses A, B"
    ]


def test_an_undecided_context_clause_is_said_in_plain_words():
    result = analysis({"date": "2022", "level": "", "event_type": "referendum"})
    assert result.incidents[0]["status"] == "out_of_scope"
    [why] = reasons(result)
    assert why[-1] == (
        "Clause C (background only) could not be decided, so the incident is not counted as "
        "background"
    )
    assert "context_only" not in "\n".join(why)


def test_covered_by_names_each_clause_by_reference_and_short_title():
    result = analysis({"date": "2019-10-01", "level": "federal", "event_type": "general_election"})
    record = result.incidents[0]
    assert covered_by(result.mandate, record["covered_by"]) == [
        "(a)(i)(A) — interference in the 2019 and 2021 elections",
        "(a)(i)(B) — the flow of information during the elections",
        "(a)(i)(C)",
    ]
    with use_language("fr"):
        assert covered_by(result.mandate, ["A", "B"]) == [
            "(a)(i)(A) — l'ingérence dans les élections de 2019 et 2021",
            "(a)(i)(B) — the flow of information during the elections",  # no short_fr: as given
        ]


def test_enumerated_values_read_as_labels_in_each_language():
    assert value_label("event_type", "leadership_race") == "leadership race"
    assert value_label("level", "unknown") == "unknown"
    assert value_label("jurisdiction", "leadership_race") == "leadership_race"  # free text
    with use_language("fr"):
        assert value_label("event_type", "leadership_race") == "course à la direction"
        assert value_label("level", "federal") == "fédéral"
        assert value_label("level", "unknown") == "inconnu"
        assert value_label("evidence", "official_finding") == "constatation officielle"


def test_the_mandate_keys_short_and_authority_fr_are_read_and_written_back():
    parsed = mandate()
    assert parsed.authority_fr == "Décret C.P. 2099-1"
    assert parsed.clauses[0].short_fr == "l'ingérence dans les élections de 2019 et 2021"
    back = parsed.to_dict()
    assert back["mandate"]["authority_fr"] == "Décret C.P. 2099-1"
    assert back["clauses"][1]["short"] == "the flow of information during the elections"


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    out = tmp_path_factory.mktemp("words")
    made = {}
    for lang in ("en", "fr"):
        with use_language(lang):
            result = analysis(PROVINCIAL_RACE, NOTHING_KNOWN, LEVEL_ONLY)
            made[lang] = (result, write_reports(result, out / lang, ["xlsx", "html", "csv"]).paths)
    return made


def _page(reports, lang):
    [page] = [p for p in reports[lang][1] if p.suffix == ".html"]
    return page.read_text(encoding="utf-8")


def _book(reports, lang):
    [book] = [p for p in reports[lang][1] if p.suffix == ".xlsx"]
    return openpyxl.load_workbook(book)


def test_the_workbook_shows_labels_reasons_and_unknowns(reports):
    result = reports["en"][0]
    ws = _book(reports, "en")["Out of scope"]
    headers = [c.value for c in ws[1]]
    row = dict(zip(headers, [c.value for c in ws[2]], strict=True))
    assert (row["Level"], row["Event type"]) == ("provincial", "leadership race")
    assert row["Why"] == "\n".join(reasons(result)[0])
    ind = _book(reports, "en")["Indeterminate"]
    rows = [dict(zip(headers, [c.value for c in r], strict=True)) for r in ind.iter_rows(min_row=2)]
    assert [r["Unknown"] for r in rows] == ["level, date", "level"]
    assert [r["Gap"] for r in rows] == [None, None]  # nothing known to fail: no gap


def test_the_french_page_and_workbook_show_no_code_and_no_english_value(reports):
    page = _page(reports, "fr")
    visible = re.sub(r"<[^>]+>", " ", page.split("<main>", 1)[1].split('id="mandate"', 1)[0])
    for word in ("federal", "unknown", "leadership race", "leadership_race", "general_election"):
        assert word not in visible, word
    assert "course à la direction" in visible and "Décret C.P. 2099-1" in page
    book = _book(reports, "fr")
    ws = book["Hors mandat"]
    assert ws["D2"].value == "provincial" and ws["E2"].value == "course à la direction"
    assert "Décret C.P. 2099-1" in [c.value for r in book["Sommaire"].iter_rows() for c in r]


def test_the_csv_keeps_canonical_values(reports):
    [csv_path] = [p for p in reports["fr"][1] if p.suffix == ".csv"]
    text = csv_path.read_text(encoding="utf-8-sig")
    assert "leadership_race" in text and "level; date" in text


def test_one_palette_in_the_workbook_and_the_page(reports):
    page = _page(reports, "en")
    ws = _book(reports, "en")["Out of scope"]
    status = ws["F2"]
    fill, ink = STATUS_PALETTE["context_only"]
    assert status.value == "context only"
    assert status.fill.start_color.rgb.endswith(fill) and status.font.color.rgb.endswith(ink)
    for code, (fill, ink) in STATUS_PALETTE.items():
        assert f".st-{code} {{ background: #{fill.lower()}; color: #{ink.lower()}; }}" in page


def test_the_summary_and_the_page_count_what_is_not_known_apart_from_gaps(reports):
    result = reports["en"][0]
    assert result.summary["by_unknown"] == {"level": 2, "date": 1}
    assert "Values not known, not counted as gaps" in _page(reports, "en")
    assert "level 2, date 1." in _page(reports, "en")
    cells = [[c.value for c in r] for r in _book(reports, "en")["Summary"].iter_rows()]
    at = cells.index(["Values not known (not counted as gaps)", *[None] * (len(cells[0]) - 1)])
    assert [row[:2] for row in cells[at + 2 : at + 4]] == [["level", 2], ["date", 1]]

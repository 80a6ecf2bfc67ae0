"""`rules diff` (SPEC 9): what mandate B admits that A does not, and the reverse, clause by
clause; equivalent rewrites are the same; text, JSON and page; exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

import scope_gap
from scope_gap.api import diff_mandates
from scope_gap.cli import main
from scope_gap.i18n import LOCALE_DIR, use_language
from scope_gap.mandatediff import diff_mandates as diff
from scope_gap.mandatediff import node_paths
from scope_gap.model import ENUMS
from scope_gap.rules import parse_mandate_text

ROOT = Path(__file__).resolve().parent.parent

PERIODS = """periods:
  P1: {start: 2019-09-11, end: 2019-10-21}
  P2: {start: 2019-10-22, end: 2021-09-20}
"""


def mandate(when: str, periods: str = PERIODS, extra: str = "", mid: str = "m"):
    text = (
        f"mandate: {{id: {mid}, title: T}}\n{periods}clauses:\n  - id: A\n{extra}    when: {when}\n"
    )
    parsed, errors = parse_mandate_text(text, f"{mid}.yaml")
    assert not errors, errors
    return parsed


def leaves_of(a_when: str, b_when: str, **kw):
    result = diff(mandate(a_when, **kw), mandate(b_when, **kw))
    (clause,) = result.to_dict()["clauses"]
    return clause["change"], clause["leaves"]


SAME = [
    (
        "list order",
        "{field: level, in: [federal, provincial]}",
        "{field: level, in: [provincial, federal]}",
    ),
    ("equals is an in of one", "{field: level, equals: federal}", "{field: level, in: [federal]}"),
    ("case of a free text value", "{field: actor, in: [PRC]}", "{field: actor, in: [prc]}"),
    (
        "not_in on an enumerated field is the in of the others",
        "{field: level, not_in: [municipal, other]}",
        "{field: level, in: [federal, provincial, territorial]}",
    ),
    ("not of in is not_in", "{not: {field: actor, in: [PRC]}}", "{field: actor, not_in: [PRC]}"),
    (
        "not of not",
        "{not: {not: {field: level, equals: federal}}}",
        "{field: level, equals: federal}",
    ),
    (
        "order of the parts of all",
        "{all: [{field: level, equals: federal}, {field: date, within: P1}]}",
        "{all: [{field: date, within: P1}, {field: level, equals: federal}]}",
    ),
    (
        "order of the parts of any",
        "{any: [{field: level, equals: federal}, {field: event_type, equals: referendum}]}",
        "{any: [{field: event_type, equals: referendum}, {field: level, equals: federal}]}",
    ),
    (
        "all of one part",
        "{all: [{field: level, equals: federal}]}",
        "{field: level, equals: federal}",
    ),
    (
        "periods in another order",
        "{field: date, within: [P1, P2]}",
        "{field: date, within: [P2, P1]}",
    ),
    (
        "two touching periods are their days",
        "{field: date, within: [P1, P2]}",
        "{field: date, within: [[2019-09-11, 2021-09-20]]}",
    ),
    (
        "a year is its days",
        "{field: date, overlaps: [[2019, 2019]]}",
        "{field: date, overlaps: [[2019-01-01, 2019-12-31]]}",
    ),
    (
        "before a period is before its first day",
        "{field: date, before: P1}",
        "{field: date, before: 2019-09-11}",
    ),
    (
        "after a period is after its last day",
        "{field: date, after: P2}",
        "{field: date, after: 2021-09-20}",
    ),
    ("the same pattern", '{field: title, matches: "riding"}', '{field: title, matches: "riding"}'),
    ("the same missing", "{field: actor, missing: true}", "{field: actor, missing: true}"),
]


@pytest.mark.parametrize(("name", "a", "b"), SAME, ids=[s[0] for s in SAME])
def test_equivalent_rewrites_are_the_same(name, a, b):
    change, leaves = leaves_of(a, b)
    assert (change, leaves) == ("same", [])


def test_a_period_renamed_with_the_same_days_is_the_same():
    renamed = PERIODS.replace("P1:", "Writ:")
    a = mandate("{field: date, within: [P1, P2]}")
    b = mandate("{field: date, within: [Writ, P2]}", periods=renamed)
    result = diff(a, b)
    assert [c.change for c in result.clauses] == ["same"]
    assert result.to_dict()["periods"][0] == {
        "name": "Writ",
        "change": "same",
        "before": {"name": "P1", "start": "2019-09-11", "end": "2019-10-21"},
        "after": {"name": "Writ", "start": "2019-09-11", "end": "2019-10-21"},
    }
    assert not result.differs


def one(a: str, b: str) -> dict:
    change, leaves = leaves_of(a, b)
    assert change == "changed"
    (leaf,) = leaves
    return leaf


def test_equals_changed():
    leaf = one("{field: level, equals: federal}", "{field: level, equals: provincial}")
    assert leaf == {
        "path": "when",
        "field": "level",
        "op": "equals",
        "before": "federal",
        "after": "provincial",
        "admits": ["provincial"],
        "no_longer_admits": ["federal"],
    }


def test_in_widened_lists_the_values_added_in_the_order_of_the_enumeration():
    leaf = one(
        "{all: [{field: level, in: [federal]}, {field: date, within: P1}]}",
        "{all: [{field: level, in: [municipal, federal, provincial]}, {field: date, within: P1}]}",
    )
    assert leaf["path"] == "when.all[0]"
    assert (leaf["admits"], leaf["no_longer_admits"]) == (["provincial", "municipal"], [])


def test_equals_turned_into_in_names_both_operators():
    leaf = one(
        "{field: event_type, equals: general_election}",
        "{field: event_type, in: [general_election, by_election]}",
    )
    assert leaf["op"] == "in"
    assert leaf["before"] == {"equals": "general_election"}
    assert leaf["after"] == ["general_election", "by_election"]
    assert leaf["admits"] == ["by_election"]


def test_not_in_shrunk_admits_what_it_no_longer_excludes():
    leaf = one("{field: actor, not_in: [PRC, India]}", "{field: actor, not_in: [PRC]}")
    assert (leaf["admits"], leaf["no_longer_admits"]) == (["India"], [])


def test_a_free_text_in_turned_into_not_in_cannot_be_listed():
    leaf = one("{field: actor, in: [PRC]}", "{field: actor, not_in: [India]}")
    assert leaf["admits"] is None and leaf["no_longer_admits"] == []


def test_matches_shows_the_patterns_and_lists_nothing():
    leaf = one('{field: title, matches: "riding"}', '{field: title, matches: "riding|nomination"}')
    assert leaf["before"] == "riding" and leaf["after"] == "riding|nomination"
    assert leaf["admits"] is None and leaf["no_longer_admits"] is None


def test_missing_flipped():
    leaf = one("{field: actor, missing: true}", "{field: actor, missing: false}")
    assert (leaf["before"], leaf["after"], leaf["admits"]) == (True, False, None)


def test_within_widened_by_days():
    leaf = one(
        "{field: date, within: [P1]}", "{field: date, within: [P1, [2021-09-21, 2022-10-31]]}"
    )
    assert leaf["admits"] == [["2021-09-21", "2022-10-31"]]
    assert leaf["no_longer_admits"] == []
    assert leaf["before"] == ["P1"]
    assert leaf["after"] == ["P1", ["2021-09-21", "2022-10-31"]]


def test_overlaps_narrowed_gains_and_loses_days():
    leaf = one(
        "{field: date, overlaps: [[2019, 2020]]}", "{field: date, overlaps: [[2019-06, 2021-03]]}"
    )
    assert leaf["admits"] == [["2021-01-01", "2021-03-31"]]
    assert leaf["no_longer_admits"] == [["2019-01-01", "2019-05-31"]]


def test_before_moved_later():
    leaf = one("{field: date, before: 2020-01-01}", "{field: date, before: 2021-01-01}")
    assert leaf["admits"] == [["2020-01-01", "2020-12-31"]]


def test_after_moved_earlier_and_an_open_end_is_null():
    leaf = one("{field: date, after: 2021-01-01}", "{field: date, after: 2020-12-30}")
    assert leaf["admits"] == [["2020-12-31", "2021-01-01"]]
    leaf = one("{field: date, after: 2021-01-01}", "{field: date, before: 2000-01-01}")
    assert leaf["admits"] == [[None, "1999-12-31"]]
    assert leaf["no_longer_admits"] == [["2021-01-02", None]]


def test_within_turned_into_overlaps_over_the_same_days_is_a_change_with_no_days():
    leaf = one("{field: date, within: P1}", "{field: date, overlaps: P1}")
    assert (leaf["op"], leaf["before"], leaf["after"]) == ("overlaps", {"within": "P1"}, "P1")
    assert (leaf["admits"], leaf["no_longer_admits"]) == ([], [])


def test_a_period_whose_dates_moved_changes_the_clauses_that_name_it():
    moved = PERIODS.replace("end: 2021-09-20", "end: 2021-11-15")
    result = diff(
        mandate("{field: date, within: [P1, P2]}"),
        mandate("{field: date, within: [P1, P2]}", periods=moved),
    )
    record = result.to_dict()
    assert record["periods"][1]["change"] == "changed"
    assert record["periods"][1]["after"]["end"] == "2021-11-15"
    (leaf,) = record["clauses"][0]["leaves"]
    assert leaf["admits"] == [["2021-09-21", "2021-11-15"]]
    text = "\n".join(result.lines())
    assert "period P2: now 2019-10-22 to 2021-11-15 (was 2019-10-22 to 2021-09-20)" in text
    assert "date: now also 2021-09-21 to 2021-11-15; period P2 moved" in text


def test_a_part_added_to_any_admits_what_it_lets_through():
    change, leaves = leaves_of(
        "{any: [{field: level, equals: federal}, {field: event_type, equals: referendum}]}",
        "{any: [{field: level, equals: federal}, {field: event_type, equals: referendum}, {field: level, equals: provincial}]}",
    )
    assert leaves == [
        {
            "path": "when.any[2]",
            "field": "level",
            "op": "equals",
            "before": None,
            "after": "provincial",
            "admits": ["provincial"],
            "no_longer_admits": [],
        }
    ]


def test_a_part_added_to_all_no_longer_admits_what_it_shuts_out():
    change, (leaf,) = leaves_of(
        "{all: [{field: date, within: P1}]}",
        "{all: [{field: date, within: P1}, {field: evidence, in: [official_finding, adjudicated]}]}",
    )
    assert leaf["before"] is None and leaf["path"] == "when.all[1]"
    shut_out = [
        v for v in ENUMS["evidence"] if v not in ("official_finding", "adjudicated", "unknown")
    ]
    assert (leaf["admits"], leaf["no_longer_admits"]) == ([], shut_out)


def test_a_part_removed_from_all_admits_what_it_shut_out():
    change, (leaf,) = leaves_of(
        "{all: [{field: date, within: P1}, {field: level, in: [federal]}]}",
        "{all: [{field: date, within: P1}]}",
    )
    assert leaf["after"] is None
    assert leaf["admits"] == ["provincial", "territorial", "municipal", "other"]


def test_widening_under_not_is_narrowing():
    leaf = one(
        "{not: {field: level, in: [municipal]}}",
        "{not: {field: level, in: [municipal, provincial]}}",
    )
    assert leaf["path"] == "when.not"
    assert (leaf["admits"], leaf["no_longer_admits"]) == ([], ["provincial"])


def test_all_under_not_acts_as_any():
    change, (leaf,) = leaves_of(
        "{not: {all: [{field: level, equals: municipal}]}}",
        "{not: {all: [{field: level, equals: municipal}, {field: date, within: P1}]}}",
    )
    # not(all(a, b)) = any(not a, not b): the new part widens what the clause admits
    assert leaf["path"] == "when.not.all[1]"
    assert leaf["no_longer_admits"] == []
    assert leaf["admits"] == [[None, "2019-09-10"], ["2019-10-22", None]]


def test_conditions_regrouped_are_said_so():
    a = "{all: [{field: level, equals: federal}, {field: event_type, equals: referendum}]}"
    b = "{any: [{field: level, equals: federal}, {field: event_type, equals: referendum}]}"
    result = diff(mandate(a), mandate(b))
    assert result.clauses[0].change == "changed"
    assert any("conditions combined differently" in line for line in result.lines())


def test_clauses_added_removed_and_coverage_and_text_changed():
    a_text = """mandate: {id: a, title: A}
clauses:
  - {id: A, text: old words, when: {field: level, equals: federal}}
  - {id: B, when: {field: level, equals: provincial}}
"""
    b_text = """mandate: {id: b, title: B}
clauses:
  - {id: A, text: new words, coverage: context, when: {field: level, equals: federal}}
  - {id: C, when: {field: level, equals: municipal}}
"""
    a, b = (parse_mandate_text(t, "x.yaml")[0] for t in (a_text, b_text))
    record = diff(a, b).to_dict()
    assert [(c["id"], c["change"]) for c in record["clauses"]] == [
        ("A", "changed"),
        ("B", "removed"),
        ("C", "added"),
    ]
    assert record["clauses"][0]["coverage"] == ["examined", "context"]
    assert record["clauses"][0]["text"] == ["old words", "new words"]
    assert record["clauses"][0]["leaves"] == []
    assert record["clauses"][1]["coverage"] == ["examined", None]
    assert record["clauses"][2]["text"] == [None, None]


def test_the_library_offers_it():
    assert scope_gap.diff_mandates is diff_mandates
    assert "diff_mandates" in scope_gap.__all__


def test_the_json_has_specs_shape():
    a, b = ROOT / "rules" / "hogue-2023.yaml", ROOT / "rules" / "whole-of-government.yaml"
    record = diff_mandates(a, b).to_dict()
    assert list(record) == ["schema_version", "a", "b", "periods", "clauses", "incidents"]
    assert record["schema_version"] == 1
    assert set(record["a"]) == {"id", "title", "sha256"} and len(record["a"]["sha256"]) == 64
    assert all(set(p) == {"name", "change", "before", "after"} for p in record["periods"])
    for clause in record["clauses"]:
        assert list(clause) == ["id", "change", "coverage", "text", "leaves"]
        assert clause["change"] in ("added", "removed", "changed", "same")
        for leaf in clause["leaves"]:
            assert list(leaf) == [
                "path",
                "field",
                "op",
                "before",
                "after",
                "admits",
                "no_longer_admits",
            ]
    assert record["incidents"] == []


def test_paths_are_the_places_explain_names():
    parsed = mandate(
        "{all: [{field: level, equals: federal}, {not: {any: [{field: date, within: P1}]}}]}"
    )
    assert node_paths(parsed.clauses[0].when) == [
        "when",
        "when.all[0]",
        "when.all[1]",
        "when.all[1].not",
        "when.all[1].not.any[0]",
    ]
    result = scope_gap.analyze(
        pd.DataFrame(
            [
                {
                    "id": "X",
                    "title": "t",
                    "date": "2022",
                    "level": "federal",
                    "event_type": "referendum",
                }
            ]
        ),
        parsed,
    )
    from scope_gap.reports.explain import explain_incident

    assert "-> true  [when.all[0]]" in explain_incident(result, "X")


def test_incidents_whose_status_changes(tmp_path):
    frame = pd.DataFrame(
        [
            {
                "id": "X1",
                "title": "t",
                "date": "2019-10-01",
                "level": "federal",
                "event_type": "general_election",
            },
            {
                "id": "X2",
                "title": "t",
                "date": "2019-10-01",
                "level": "municipal",
                "event_type": "general_election",
            },
            {
                "id": "X3",
                "title": "t",
                "date": "2019-10-01",
                "level": "",
                "event_type": "general_election",
            },
        ]
    )
    a = mandate("{field: level, in: [federal]}")
    b = mandate("{field: level, in: [federal, municipal]}")
    result = diff_mandates(a, b, frame)
    assert result.to_dict()["incidents"] == [
        {"id": "X2", "before": "out_of_scope", "after": "in_scope"}
    ]
    assert "  X2: out of scope → in scope" in result.lines()


# --- the command ------------------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(
        "mandate: {id: a, title: A}\n"
        + PERIODS
        + "clauses:\n  - {id: A, when: {field: level, in: [federal]}}\n"
    )
    b.write_text(
        "mandate: {id: b, title: B}\n"
        + PERIODS
        + "clauses:\n  - {id: A, when: {field: level, in: [federal, provincial]}}\n"
    )
    return a, b


def run(*args, **kw):
    return CliRunner().invoke(main, [str(a) for a in args], **kw)


def test_exit_status_is_0_and_3_with_exit_code_when_they_differ(pair):
    a, b = pair
    assert run("rules", "diff", a, b).exit_code == 0
    assert run("rules", "diff", a, b, "--exit-code").exit_code == 3
    assert run("rules", "diff", a, a, "--exit-code").exit_code == 0


def test_text_says_it_in_plain_words(pair):
    a, b = pair
    result = run("rules", "diff", a, b, catch_exceptions=False)
    assert "Clause A: changed\n  level: now also provincial\n" in result.output


def test_json_is_the_librarys(pair):
    a, b = pair
    result = run("rules", "diff", a, b, "-f", "json", catch_exceptions=False)
    assert json.loads(result.output) == diff_mandates(a, b).to_dict()


@pytest.mark.parametrize("where", ["after", "before"])
def test_incidents_take_several_files_after_the_option(pair, tmp_path, where):
    a, b = pair
    one_csv = tmp_path / "one.csv"
    two_csv = tmp_path / "two.csv"
    one_csv.write_text("id,title,date,level,event_type\nX1,t,2019,provincial,general_election\n")
    two_csv.write_text("id,title,date,level,event_type\nX2,t,2019,federal,general_election\n")
    args = ["--incidents", one_csv, two_csv]
    args = [a, b, *args] if where == "after" else [*args, a, b]
    result = run("rules", "diff", *args, "-f", "json", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["incidents"] == [
        {"id": "X1", "before": "out_of_scope", "after": "in_scope"}
    ]


def test_usage_errors_exit_2(pair, tmp_path):
    a, b = pair
    assert run("rules", "diff", a).exit_code == 2
    assert run("rules", "diff", a, tmp_path / "nope.yaml").exit_code == 2
    assert run("rules", "diff", a, b, "--incidents", tmp_path / "nope.csv").exit_code == 2


def test_a_malformed_rule_file_is_an_error_with_its_place(pair, tmp_path):
    a, _b = pair
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "mandate: {id: x, title: X}\nclauses:\n  - {id: A, when: {field: levl, in: [federal]}}\n"
    )
    result = run("rules", "diff", a, bad)
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.output


def test_the_page_is_self_contained_and_escapes_data(tmp_path):
    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(
        "mandate: {id: a, title: '<script>alert(1)</script>'}\nclauses:\n  - {id: A, text: '<b>x</b>', when: {field: actor, in: ['<i>PRC</i>']}}\n"
    )
    b.write_text(
        "mandate: {id: b, title: B}\nclauses:\n  - {id: A, text: '<b>y</b>', when: {field: actor, in: ['<i>PRC</i>', '<img src=x>']}}\n"
    )
    out = tmp_path / "d.html"
    result = run("rules", "diff", a, b, "-f", "html", "-o", out, catch_exceptions=False)
    assert result.exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page and "<i>" not in page
    assert "&lt;img src=x&gt;" in page
    assert "default-src 'none'" in page
    assert not re.search(r"(src|href)=\"https?:", page)


def test_the_hogue_amendment_reads_like_an_amendment(tmp_path):
    runner = CliRunner()
    done = runner.invoke(
        main,
        ["amend", "--cover-status", "context_only", "-o", str(tmp_path)],
        catch_exceptions=False,
    )
    assert done.exit_code == 0
    amended = tmp_path / "hogue-2023-amended.yaml"
    result = runner.invoke(
        main,
        [
            "rules",
            "diff",
            "rules/hogue-2023.yaml",
            str(amended),
            "--incidents",
            "data/incidents.csv",
        ],
        catch_exceptions=False,
    )
    lines = result.output.splitlines()
    amendments = json.loads((tmp_path / "hogue-2023-amendments.json").read_text(encoding="utf-8"))
    assert "Clause A (a)(i)(A): changed" in lines
    # each of amend's changes, said as what the clause now admits
    for change in amendments["amendments"]:
        field = change["leaf"]["field"]
        (op,) = change["after"]
        if field == "date":
            assert any(line.startswith("  date: now also ") for line in lines)
        else:
            added = [v for v in change["after"][op] if v not in change["before"][op]]
            assert f"  {field.replace('_', ' ')}: now also {', '.join(added)}" in lines
    assert "Clauses B, C: unchanged" in lines
    brought = {i for change in amendments["amendments"] for i in change["brings_in"]}
    assert brought and all(
        any(line.startswith(f"  {i}: ") and line.endswith("→ in scope") for line in lines)
        for i in brought
    )


def _english_pieces() -> list[str]:
    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "authoring.po", "rb") as handle:
        catalog = read_po(handle)
    pieces = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for text in ids:
            for piece in re.split(r"\{[a-z_]*\}|%\(\w+\)s", text or ""):
                piece = piece.strip(" :;,.()[]“”→\n")
                if len(piece) > 3 and " " in piece:
                    pieces.add(piece)
    return sorted(pieces)


def test_french_text_and_page_leave_no_english_message(pair, tmp_path):
    a, b = pair
    csv = tmp_path / "i.csv"
    csv.write_text("id,title,date,level,event_type\nX1,t,2019,provincial,general_election\n")
    text = run(
        "rules", "diff", a, b, "--incidents", csv, "--lang", "fr", catch_exceptions=False
    ).output
    page = run("rules", "diff", a, b, "--incidents", csv, "-f", "html", "--lang", "fr").output
    assert "admet désormais aussi provincial" in text
    assert '<html lang="fr">' in page
    for output in (text, page):
        left = [p for p in _english_pieces() if p in output]
        assert not left, left


def test_every_message_of_the_authoring_area_is_in_its_catalogue():
    from babel.messages.extract import extract_from_file

    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "authoring.po", "rb") as handle:
        catalog = read_po(handle)
    others = set()
    for domain in ("core", "messages", "excel", "html"):
        with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
            others |= {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle)}
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found = []
    for source in [
        "scope_gap/mandatediff.py",
        "scope_gap/rules/starter.py",
        "scope_gap/reports/diff.py",
    ]:
        found += [
            m for _l, m, _c, _x in extract_from_file("python", ROOT / source, keywords=keywords)
        ]
    found += [
        m
        for _l, m, _c, _x in extract_from_file(
            "jinja2",
            ROOT / "scope_gap/reports/templates/diff.html.j2",
            keywords=keywords,
            options={"extensions": "jinja2.ext.i18n"},
        )
    ]
    for message in found:
        key = message if isinstance(message, str) else message[0]
        assert key in others or catalog.get(key) is not None, key


def test_english_is_the_default(pair):
    a, b = pair
    with use_language("en"):
        assert "now also provincial" in "\n".join(diff_mandates(a, b).lines())


# --- the page in a real browser ---------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    from tests.test_html import launched_chromium

    yield from launched_chromium()


@pytest.fixture(scope="module")
def diff_page(tmp_path_factory):
    folder = tmp_path_factory.mktemp("diff-page")
    page = folder / "diff.html"
    result = CliRunner().invoke(
        main,
        ["rules", "diff", "hogue-2023", "whole-of-government", "--incidents", "data/incidents.csv"]
        + ["-f", "html", "-o", str(page)],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    return page.as_uri()


@pytest.mark.parametrize("width", [1280, 375])
def test_browser_the_page_loads_alone_and_axe_finds_no_serious_violation(browser, diff_page, width):
    from axe_playwright_python.sync_playwright import Axe

    from tests.test_html import _open

    ctx, page, seen = _open(browser, diff_page, viewport={"width": width, "height": 900})
    page.wait_for_load_state("load")
    assert seen["errors"] == [] and seen["requests"] == [diff_page]
    assert (
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        or width > 400
    )
    results = Axe().run(page)
    assert len(results.response["passes"]) > 10
    bad = [
        v["id"] for v in results.response["violations"] if v["impact"] in ("serious", "critical")
    ]
    assert bad == []
    ctx.close()

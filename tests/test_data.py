"""The bundled dataset: its descriptor, header and the code's enumerations agree; every row cites
an original publisher and keeps its evidence grade; the classifications the data audit argues for
hold; the data README's matrix is what `scope-gap compare` says."""

import csv
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import scope_gap
from scope_gap.model import COLUMNS, ENUMS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
BUNDLED_MANDATES = ["hogue-2023", "nsicop-2024", "nsira-2024", "whole-of-government"]

#: Hosts that only repost, mirror or aggregate other publishers' stories (or are spam), found
#: while checking the sources: a lead to the original, never a cited source. A host matches
#: itself and its subdomains.
MIRROR_HOSTS = {
    "action.news",
    "allcinetech.com",
    "arietiform.com",
    "blog.jackjia.com",
    "cdn-dev.tgam.arcpublishing.com",
    "ca.news.yahoo.com",
    "daily8.com",
    "docslib.org",
    "einnews.com",
    "fromthetrenchesworldreport.com",
    "intercitydailynews.com",
    "internationalfreepress.com",
    "ironwillreport.com",
    "issuu.com",
    "kamumedya.com",
    "localnewswave.com",
    "mackenzieinstitute.com",
    "madrastribune.com",
    "maplesportdaily.site",
    "mirrorweekly.com",
    "multiculturalmeanderings.com",
    "myfittoday.com",
    "thecanadian.news",
    "thehalifaxtimes.com",
    "thenewsmen.co.in",
    "todayville.com",
    "truthusa.us",
    "ulmjk.asia",
    "vimarsana.com",
}
URL = re.compile(r"https?://[^\s;,)]+")


def rows() -> list[dict[str, str]]:
    with open(DATA / "incidents.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def addresses(row: dict[str, str]) -> list[str]:
    return URL.findall(row["sources"])


def is_mirror(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    return any(host == bad or host.endswith("." + bad) for bad in MIRROR_HOSTS)


def test_descriptor_header_and_enumerations_agree():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    [resource] = descriptor["resources"]
    fields = resource["schema"]["fields"]
    with open(DATA / resource["path"], encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert [f["name"] for f in fields] == header
    assert header == [*COLUMNS, "title_fr", "summary_fr"]  # the contract's columns, then French
    for f in fields:
        if f["name"] in ENUMS:
            assert f["constraints"]["enum"] == ENUMS[f["name"]]
        else:
            assert "enum" not in f.get("constraints", {})


def test_press_is_an_evidence_grade_everywhere():
    assert "press" in ENUMS["evidence"]
    descriptor = (DATA / "datapackage.json").read_text(encoding="utf-8")
    assert "press (reported by the press, no primary document or finding cited)" in descriptor
    assert "| `press` |" in (DATA / "README.md").read_text(encoding="utf-8")


def test_descriptor_date_pattern_accepts_what_the_tool_accepts():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    [date] = [f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] == "date"]
    pattern = re.compile(date["constraints"]["pattern"])
    for text in ["2019", "2022-06", "2019-10-21", "2018/2022", "2022-06/2022-07"]:
        assert pattern.fullmatch(text), text
    for text in ["2022-13", "2022-6", "21/10/2019"]:
        assert not pattern.fullmatch(text), text


def test_frictionless_validates_the_data_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_version_is_the_same_in_the_descriptor_and_the_readme():
    version = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["version"]
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert f"bundled dataset, version {version}:" in readme
    assert f"### {version}" in readme  # its changelog entry


def test_every_row_has_an_evidence_grade_and_an_http_source():
    for row in rows():
        assert row["evidence"] in ENUMS["evidence"], row["id"]
        assert addresses(row), row["id"]


def test_no_source_is_a_known_mirror_or_spam_host():
    cited = [(row["id"], url) for row in rows() for url in addresses(row)]
    assert [pair for pair in cited if is_mirror(pair[1])] == []


def test_the_mirror_check_catches_subdomains_and_spares_publishers():
    assert is_mirror("https://387774.ulmjk.asia/news/politics/x")
    assert is_mirror("https://www.todayville.com/edmonton/x")
    assert not is_mirror("https://www.cbc.ca/news/politics/x")
    assert not is_mirror("https://notdaily8.com/x")


def test_every_bundled_row_is_valid_and_has_its_french_title_and_summary():
    analysis = scope_gap.analyze()
    assert analysis.invalid == []
    assert len(analysis.incidents) == len(rows())
    for record in analysis.incidents:
        assert record["fields"]["title_fr"].strip(), record["id"]
        assert record["fields"]["summary_fr"].strip(), record["id"]


def test_ids_are_numbered_without_gaps():
    ids = [row["id"] for row in rows()]
    assert ids == [f"FI-{n:03d}" for n in range(1, len(ids) + 1)]


def status(mandate: str) -> dict[str, dict]:
    return {r["id"]: r for r in scope_gap.analyze(mandate=mandate).incidents}


def test_the_audited_classifications_hold_on_the_bundled_data():
    hogue = status("hogue-2023")
    assert hogue["FI-011"]["status"] == "in_scope"  # Don Valley North, 2019-09-12
    assert {"A", "B"} <= set(hogue["FI-011"]["covered_by"])
    assert hogue["FI-012"]["status"] == "context_only"  # only background, under (C)
    assert hogue["FI-012"]["covered_by"] == ["C"]
    nsira = status("nsira-2024")
    assert nsira["FI-004"]["status"] == "in_scope"  # PRC proxies, federal, 2022
    assert nsira["FI-012"]["status"] == "out_of_scope"  # India: not the PRC
    assert status("nsicop-2024")["FI-012"]["status"] == "in_scope"


def test_what_the_hogue_mandate_leaves_out_is_explained():
    hogue = status("hogue-2023")
    for not_examined in ["FI-001", "FI-002", "FI-003", "FI-004", "FI-006", "FI-007", "FI-008"]:
        record = hogue[not_examined]
        assert record["status"] in ("context_only", "out_of_scope"), not_examined
        assert record["gaps"] and record["reasons"], not_examined
    ca1 = hogue["FI-005"]
    assert ca1["status"] == "indeterminate"
    assert any("not known" in reason for reason in ca1["reasons"])


def test_the_proposal_adds_what_hogue_leaves_out():
    result = scope_gap.compare(mandates=["hogue-2023", "whole-of-government"]).to_dict()
    assert set(result["adds"]["whole-of-government"]) >= {"FI-001", "FI-004", "FI-006", "FI-008"}


# --- the data README's matrix -------------------------------------------------------------

MATRIX_START = "<!-- matrix: begin (tests/test_data.py checks it against scope-gap compare) -->"
MATRIX_END = "<!-- matrix: end -->"


def matrix_markdown() -> str:
    """The counts per mandate and status and what each mandate adds, as the README shows them."""
    result = scope_gap.compare(mandates=BUNDLED_MANDATES).to_dict()
    statuses = ["in_scope", "context_only", "out_of_scope", "indeterminate", "invalid"]
    counts = {m: {s: 0 for s in statuses} for m in BUNDLED_MANDATES}
    for row in result["matrix"]:
        for mandate in BUNDLED_MANDATES:
            counts[mandate][row["statuses"][mandate]] += 1
    lines = [
        "| status | " + " | ".join(f"`{m}`" for m in BUNDLED_MANDATES) + " |",
        "|---|" + "---:|" * len(BUNDLED_MANDATES),
    ]
    for s in statuses:
        lines.append(f"| {s} | " + " | ".join(str(counts[m][s]) for m in BUNDLED_MANDATES) + " |")
    lines.append(
        "| **total** | " + " | ".join(str(sum(counts[m].values())) for m in BUNDLED_MANDATES) + " |"
    )
    lines.append("")
    lines.append("In scope under this mandate only (what each adds to the other three):")
    lines.append("")
    for mandate in BUNDLED_MANDATES:
        added = result["adds"][mandate]
        lines.append(f"- `{mandate}`: " + (", ".join(added) if added else "nothing"))
    return "\n".join(lines)


def test_the_readme_matrix_is_what_compare_says():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert MATRIX_START in readme and MATRIX_END in readme
    shown = readme.split(MATRIX_START, 1)[1].split(MATRIX_END, 1)[0].strip()
    assert shown == matrix_markdown(), (
        "data/README.md's matrix is out of date; paste this between the markers:\n"
        + matrix_markdown()
    )


def test_the_base_covers_several_orders_of_government_and_foreign_states():
    levels = {row["level"] for row in rows()}
    assert {"federal", "provincial", "municipal"} <= levels
    actors = " ".join(row["actor"] for row in rows())
    for state in ("PRC", "India", "Pakistan"):
        assert state in actors, state
    assert {row["evidence"] for row in rows()} >= {"intelligence", "official_finding", "press"}


def test_the_template_offers_press_in_its_evidence_drop_down(tmp_path):
    import openpyxl
    from click.testing import CliRunner

    from scope_gap.cli import main

    done = CliRunner().invoke(main, ["template", str(tmp_path / "template.xlsx")])
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(tmp_path / "template.xlsx")
    lists = next(ws for ws in book.worksheets if ws.sheet_state == "hidden")
    columns = {col[0].value: [c.value for c in col[1:] if c.value] for col in lists.iter_cols()}
    assert columns["evidence"] == ENUMS["evidence"]
    assert "press" in columns["evidence"]

"""The bundled dataset: its descriptor, header and the code's enumerations agree; the statuses
the issue promises hold."""

import csv
import json
import re
from pathlib import Path

import scope_gap
from scope_gap.model import COLUMNS, ENUMS

DATA = Path(__file__).resolve().parent.parent / "data"


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


def test_descriptor_date_pattern_accepts_what_the_tool_accepts():
    descriptor = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    [date] = [f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] == "date"]
    pattern = re.compile(date["constraints"]["pattern"])
    for text in ["2019", "2022-06", "2019-10-21", "2018/2022", "2022-06/2022-07"]:
        assert pattern.fullmatch(text), text
    for text in ["2022-13", "2022-6", "21/10/2019"]:
        assert not pattern.fullmatch(text), text


def test_every_bundled_row_is_valid_and_keeps_its_evidence_and_sources():
    analysis = scope_gap.analyze()
    assert analysis.invalid == []
    for record in analysis.incidents:
        assert record["fields"]["evidence"], record["id"]
        assert record["fields"]["sources"].strip(), record["id"]


def test_every_bundled_row_has_its_french_title_and_summary():
    for record in scope_gap.analyze().incidents:
        assert record["fields"]["title_fr"].strip(), record["id"]
        assert record["fields"]["summary_fr"].strip(), record["id"]


def test_bundled_statuses_under_hogue():
    status = {r["id"]: r for r in scope_gap.analyze().incidents}
    assert status["FI-009"]["status"] == status["FI-010"]["status"] == "in_scope"  # Chiu, O'Toole
    for not_examined in ["FI-001", "FI-002", "FI-003", "FI-004", "FI-006", "FI-007", "FI-008"]:
        record = status[not_examined]
        assert record["status"] in ("context_only", "out_of_scope"), not_examined
        assert record["gaps"] and record["reasons"], not_examined
    ca1 = status["FI-005"]
    assert ca1["status"] in ("indeterminate", "context_only")
    assert any("not known" in reason for reason in ca1["reasons"])


def test_the_proposal_adds_what_hogue_leaves_out():
    result = scope_gap.compare(mandates=["hogue-2023", "whole-of-government"]).to_dict()
    assert set(result["adds"]["whole-of-government"]) >= {
        "FI-001",
        "FI-004",
        "FI-006",
        "FI-007",
        "FI-008",
    }
    assert result["adds"]["hogue-2023"] == []

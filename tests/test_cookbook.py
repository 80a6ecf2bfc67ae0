"""docs/rules.md's cookbook: every recipe is a rule file that passes `rules check` and gives
the incidents listed under it the status the table says; the proposal's diff is as shown."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import scope_gap
from scope_gap.cli import main
from scope_gap.rules import parse_mandate_text
from scope_gap.rules.schema import COMMENT_PREFIX, schema_text

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
COOKBOOK = DOC.split("\n## Cookbook\n", 1)[1]


def recipes() -> dict[str, tuple[str, list[dict[str, str]]]]:
    """Heading -> (the recipe's rule file, its table of incidents and statuses)."""
    out = {}
    for section in re.split(r"\n### ", COOKBOOK)[1:]:
        heading = section.split("\n", 1)[0].strip()
        rules = re.search(r"```yaml\n(.*?)```", section, re.S)
        assert rules, heading
        rows = []
        table = re.search(r"\n(\| date \|.*?)\n\n", section + "\n\n", re.S)
        assert table, heading
        lines = table.group(1).splitlines()
        header = [h.strip() for h in lines[0].strip("|").split("|")]
        for line in lines[2:]:
            rows.append(
                dict(zip(header, (c.strip() for c in line.strip("|").split("|")), strict=True))
            )
        out[heading] = (rules.group(1), rows)
    return out


RECIPES = recipes()


def test_the_cookbook_has_the_patterns_people_need():
    assert list(RECIPES) == [
        "An election cycle",
        '"The weeks following"',
        "Context-only clauses",
        "An actor rule: a review of one state's interference",
        "A proposal that widens an existing mandate",
    ]


@pytest.mark.parametrize("heading", list(RECIPES))
def test_each_recipe_passes_rules_check(heading, tmp_path):
    text, _rows = RECIPES[heading]
    path = tmp_path / "recipe.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["rules", "check", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("heading", list(RECIPES))
def test_each_recipe_gives_its_incidents_the_status_shown(heading):
    text, rows = RECIPES[heading]
    mandate, errors = parse_mandate_text(text, "recipe.yaml")
    assert not errors and rows
    frame = pd.DataFrame(
        [{"id": f"R{i}", "title": "recipe", **row} for i, row in enumerate(rows)]
    ).drop(columns=["status"])
    analysis = scope_gap.analyze(frame, mandate)
    got = [r["status"] for r in analysis.incidents]
    assert got == [row["status"] for row in rows]


def test_the_proposals_diff_is_the_one_shown(tmp_path):
    cycle = tmp_path / "cycle-recipe.yaml"
    proposal = tmp_path / "proposal-recipe.yaml"
    cycle.write_text(RECIPES["An election cycle"][0], encoding="utf-8")
    proposal.write_text(RECIPES["A proposal that widens an existing mandate"][0], encoding="utf-8")
    shown = re.search(r"```text\n(.*?)```", COOKBOOK.split("### A proposal", 1)[1], re.S).group(1)
    result = CliRunner().invoke(
        main, ["rules", "diff", str(cycle), str(proposal)], catch_exceptions=False
    )
    assert shown in result.output


def test_the_readme_shows_the_editor_set_up_in_three_lines(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("### Writing rules in an editor", 1)[1].split("```", 2)[1]
    lines = [line for line in block.splitlines() if line.strip()]
    assert len(lines) == 3
    assert lines[1].startswith("scope-gap rules schema -o mandate.schema.json")
    assert lines[2] == COMMENT_PREFIX + "mandate.schema.json"
    result = CliRunner().invoke(
        main, ["rules", "schema", "-o", str(tmp_path / "mandate.schema.json")]
    )
    assert result.exit_code == 0
    assert (tmp_path / "mandate.schema.json").read_text(encoding="utf-8") == schema_text()

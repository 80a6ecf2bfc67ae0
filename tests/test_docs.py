from pathlib import Path

import pytest

from scope_gap.rules import OPERATORS

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("operator", OPERATORS)
def test_every_operator_is_in_the_rules_reference(operator):
    assert f"| `{operator}` |" in (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


def test_readme_quick_start_holds_two_commands_and_ci_runs_the_second():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quick start", 1)[1].split("```", 2)[1]
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    assert commands[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_changelog_has_an_unreleased_section():
    assert "## Unreleased" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")

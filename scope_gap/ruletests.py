"""Mandate tests: fixture incidents with the status (and gaps, covered_by, unknown) a mandate
must give them.

A test file (`rules/tests/<mandate id>.yaml`):

    mandate: hogue-2023    # a bundled mandate's id, or a rule file's path relative to this file
    cases:
      - name: a 2019 federal nomination contest is examined under clause A
        incident: {id: T1, date: "2019-06", level: federal, event_type: nomination_contest}
        expect: {status: in_scope, covered_by: [A, C]}
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .bundled import bundled_dir
from .errors import Location, RuleError, RulesError, did_you_mean
from .files import display_path, read_rule_file
from .i18n import DEFAULT_LANGUAGE, _, is_default_language, use_language
from .model import COLUMNS, Status
from .rules.yamlload import YList, YMap, load_yaml

EXPECT_KEYS = ("status", "covered_by", "gaps", "unknown")
CASE_KEYS = ("name", "incident", "expect")
FILE_KEYS = ("mandate", "cases")
STATUSES = [s.value for s in Status if s is not Status.INVALID]


@dataclass
class CaseResult:
    file: str
    name: str
    line: int | None
    failures: list[str]

    @property
    def passed(self) -> bool:
        return not self.failures


def bundled_test_files() -> list[Path]:
    folder = bundled_dir("rules") / "tests"
    return sorted(folder.glob("*.yaml")) if folder.is_dir() else []


def _text(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _unknown_key(key: Any, known: Any) -> str:
    return _("unknown key '{key}'").format(key=key) + did_you_mean(str(key), known)


def run_test_file(path: str | Path) -> list[CaseResult]:
    """Run every case of one test file; a malformed file raises RulesError with locations."""
    from .api import load_mandate  # the wiring layer: load the mandate and analyze fixtures

    name = display_path(path)
    errors: list[RuleError] = []
    try:
        text = read_rule_file(path, name).decode("utf-8-sig")
    except RuleError as exc:
        raise RulesError([exc]) from None
    except UnicodeDecodeError:
        raise RulesError(
            [RuleError(_("the file is not UTF-8 text (save it as UTF-8)"), Location(name))]
        ) from None
    root = load_yaml(text, name, errors)
    if errors:
        raise RulesError(errors)

    def fail(message: str, where: Location | None) -> None:
        errors.append(RuleError(message, where or Location(name)))

    if not isinstance(root, YMap):
        raise RulesError(
            [RuleError(_("a test file is a mapping with mandate and cases"), Location(name))]
        )
    for key in root:
        if key not in FILE_KEYS:
            fail(_unknown_key(key, FILE_KEYS), root.key_marks[key])
    cases = root.get("cases")
    if not isinstance(cases, YList) or not cases:
        fail(_("'cases' must be a non-empty list"), root.value_marks.get("cases", root.mark))
        raise RulesError(errors)
    mandate_ref = str(root.get("mandate", ""))
    local = Path(path).parent / mandate_ref
    local_parent = Path(path).parent.parent / f"{mandate_ref}.yaml"
    target: Any = (
        local if local.is_file() else local_parent if local_parent.is_file() else mandate_ref
    )
    try:
        mandate = load_mandate(target)
    except RulesError:
        raise
    except Exception as exc:  # MandateNotFoundError and friends
        fail(str(exc), root.value_marks.get("mandate", root.mark))
        raise RulesError(errors) from None

    rows: list[dict[str, str]] = []
    expects: list[YMap] = []
    names: list[str] = []
    lines: list[int | None] = []
    for case, at in zip(cases, cases.item_marks, strict=True):
        if not isinstance(case, YMap):
            fail(_("a case is a mapping with name, incident and expect"), at)
            continue
        for key in case:
            if key not in CASE_KEYS:
                fail(_unknown_key(key, CASE_KEYS), case.key_marks[key])
        incident, expect = case.get("incident"), case.get("expect")
        if not isinstance(incident, YMap):
            fail(
                _("'incident' must be a mapping of column: value"),
                case.value_marks.get("incident", at),
            )
            continue
        for key in incident:
            if str(key) not in COLUMNS:
                fail(
                    _("unknown column '{column}'").format(column=key)
                    + did_you_mean(str(key), COLUMNS),
                    incident.key_marks[key],
                )
        if not isinstance(expect, YMap) or "status" not in expect:
            fail(
                _("'expect' must be a mapping with at least a status"),
                case.value_marks.get("expect", at),
            )
            continue
        for key in expect:
            if key not in EXPECT_KEYS:
                fail(_unknown_key(key, EXPECT_KEYS), expect.key_marks[key])
        if expect.get("status") not in STATUSES:
            status = expect.get("status")
            fail(
                _("unknown status '{status}'").format(status=status)
                + did_you_mean(str(status), STATUSES),
                expect.value_marks["status"],
            )
        row = {column: "" for column in ("id", "title", "date", "level", "event_type")}
        row.update({str(k): _text(v) for k, v in incident.items()})
        if not row["id"]:
            row["id"] = f"case-{len(rows) + 1}"
        rows.append(row)
        expects.append(expect)
        names.append(str(case.get("name", row["id"])))
        lines.append(at.line)
    if errors:
        raise RulesError(errors)

    from .api import analyze

    # expectations name gaps as the rule file writes them (English): compare in English
    with use_language(DEFAULT_LANGUAGE):
        analysis = analyze(pd.DataFrame(rows), mandate)
    shown = analysis
    if not is_default_language():  # the reasons of failed cases, in the language of the output
        shown = analyze(pd.DataFrame(rows), mandate)
    results = []
    by_position = {
        int(p): r for p, r in zip(analysis.table.positions, analysis.incidents, strict=True)
    }
    shown_by_position = {
        int(p): r for p, r in zip(shown.table.positions, shown.incidents, strict=True)
    }
    invalid = {row.position: row for row in analysis.invalid}
    for i, expect in enumerate(expects):
        failures = []
        if i in invalid:
            failures.append(
                _("the fixture incident is invalid: {problems}").format(
                    problems="; ".join(invalid[i].error_texts())
                )
            )
        else:
            record = by_position[i]
            for key in EXPECT_KEYS:
                if key not in expect:
                    continue
                want = expect[key] if key == "status" else [str(v) for v in expect[key] or []]
                got = record[key]
                if want != got:
                    failures.append(
                        _("expected {key} {want}, got {got}").format(
                            key=key, want=repr(want), got=repr(got)
                        )
                    )
            reasons = shown_by_position[i]["reasons"]
            if failures and reasons:
                failures.append(_("reasons: {reasons}").format(reasons="; ".join(reasons)))
        results.append(CaseResult(name, names[i], lines[i], failures))
    return results

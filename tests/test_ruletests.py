import textwrap

from .conftest import SIMPLE_MANDATE

CASES = """\
mandate: m.yaml
cases:
  - name: federal 2019 general election is in scope
    incident: {id: T1, title: t, date: "2019-05", level: federal, event_type: general_election}
    expect: {status: in_scope, covered_by: [A, C]}
  - name: municipal is context only
    incident: {title: t, date: "2019-05", level: municipal, event_type: general_election}
    expect: {status: context_only, gaps: [Not federal]}
"""


def test_rules_test_passes_and_fails_per_case(cli, make_mandate, tmp_path):
    make_mandate(SIMPLE_MANDATE)
    good = tmp_path / "good.yaml"
    good.write_text(CASES, encoding="utf-8")
    result = cli("rules", "test", str(good), catch=False)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"PASS {good}:3: federal 2019 general election is in scope",
        f"PASS {good}:6: municipal is context only",
        "2 passed, 0 failed",
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text(CASES.replace("gaps: [Not federal]", "gaps: [Outside 2019]"), encoding="utf-8")
    result = cli("rules", "test", str(bad))
    assert result.exit_code == 1
    assert f"FAIL {bad}:6: municipal is context only" in result.output
    assert "expected gaps ['Outside 2019'], got ['Not federal']" in result.output
    assert "1 passed, 1 failed" in result.output


def test_rules_test_file_errors_have_locations(cli, make_mandate, tmp_path):
    make_mandate(SIMPLE_MANDATE)
    path = tmp_path / "t.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            mandate: m.yaml
            cases:
              - name: typo
                incident: {id: T1, levle: federal}
                expect: {status: in_scop}
            """
        ),
        encoding="utf-8",
    )
    result = cli("rules", "test", str(path))
    assert result.exit_code == 1
    assert f"{path}:4:24: unknown column 'levle' (did you mean 'level'?)" in result.output
    assert f"{path}:5:22: unknown status 'in_scop' (did you mean 'in_scope'?)" in result.output


def test_bundled_mandate_tests_pass(cli):
    from scope_gap.bundled import bundled_mandates
    from scope_gap.ruletests import bundled_test_files

    tested = {p.stem for p in bundled_test_files()}
    assert tested == set(bundled_mandates())  # every bundled mandate has its tests
    result = cli("rules", "test", catch=False)
    assert result.exit_code == 0, result.output

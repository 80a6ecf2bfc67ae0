import csv
import io
import json

import scope_gap

from .conftest import SIMPLE_MANDATE

WIDE = SIMPLE_MANDATE.replace("id: test-mandate", "id: wide").replace(
    "{field: level, in: [federal], gap: Not federal}",
    "{field: level, in: [federal, municipal], gap: Not federal}",
)
ROWS = [
    ["F", "federal 2019", "2019-05", "federal", "general_election"],
    ["M", "municipal 2019", "2019-05", "municipal", "general_election"],
    ["O", "other 2022", "2022", "other", "general_election"],
    ["", "invalid", "", "", ""],
]


def test_compare_matrix_and_adds(make_csv, make_mandate):
    narrow, wide = make_mandate(), make_mandate(WIDE, name="wide.yaml")
    result = scope_gap.compare(make_csv(ROWS), [narrow, wide]).to_dict()
    assert list(result) == ["schema_version", "mandates", "matrix", "adds"]
    assert [m["id"] for m in result["mandates"]] == ["test-mandate", "wide"]
    assert result["matrix"] == [
        {
            "id": "F",
            "title": "federal 2019",
            "statuses": {"test-mandate": "in_scope", "wide": "in_scope"},
        },
        {
            "id": "M",
            "title": "municipal 2019",
            "statuses": {"test-mandate": "context_only", "wide": "in_scope"},
        },
        {
            "id": "O",
            "title": "other 2022",
            "statuses": {"test-mandate": "out_of_scope", "wide": "out_of_scope"},
        },
    ]
    assert result["adds"] == {"test-mandate": [], "wide": ["M"]}


def test_compare_cli_writes_every_asked_format_and_prints_counts(
    cli, tmp_path, make_csv, make_mandate
):
    narrow, wide = make_mandate(), make_mandate(WIDE, name="wide.yaml")
    incidents = make_csv(ROWS)
    out = tmp_path / "out"
    result = cli(
        "compare",
        str(incidents),
        "-m",
        str(narrow),
        "-m",
        str(wide),
        "-o",
        str(out),
        "-f",
        "json",
        "-f",
        "csv",
        catch=False,
    )
    assert result.exit_code == 0, result.output
    assert "only wide has in scope (1): M" in result.output
    data = json.loads((out / "compare-test-mandate-wide.json").read_text(encoding="utf-8"))
    assert data == scope_gap.compare(str(incidents), [str(narrow), str(wide)]).to_dict()
    rows = list(
        csv.reader(
            io.StringIO((out / "compare-test-mandate-wide.csv").read_text(encoding="utf-8-sig"))
        )
    )
    assert rows[0] == ["ID", "Title", "test-mandate", "wide", "Only in scope under"]
    assert rows[2] == ["M", "municipal 2019", "context_only", "in_scope", "wide"]


def test_compare_needs_two_mandates(cli, make_mandate):
    result = cli("compare", "-m", str(make_mandate()))
    assert result.exit_code == 2
    assert "compare needs at least two mandates" in result.output


def test_compare_refuses_two_mandates_with_one_id(cli, make_mandate, tmp_path):
    a, b = make_mandate(name="a.yaml"), make_mandate(name="b.yaml")
    result = cli("compare", "-m", str(a), "-m", str(b), "-o", str(tmp_path))
    assert result.exit_code == 1
    assert "two mandates have the id 'test-mandate'" in result.output


def test_compare_html_is_self_contained_and_escaped(cli, tmp_path, make_csv, make_mandate):
    narrow, wide = make_mandate(), make_mandate(WIDE, name="wide.yaml")
    rows = [r[:] for r in ROWS]
    rows[1][1] = "<script>alert(1)</script>"
    out = tmp_path / "out"
    result = cli(
        "compare",
        str(make_csv(rows)),
        "-m",
        str(narrow),
        "-m",
        str(wide),
        "-o",
        str(out),
        "-f",
        "html",
        catch=False,
    )
    assert result.exit_code == 0, result.output
    page = (out / "compare-test-mandate-wide.html").read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("<h1>") == 1
    assert "<strong>wide</strong>: 1 incident — M" in page
    assert "1 invalid row of the input could not be compared" in page

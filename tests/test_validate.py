import pytest

import scope_gap
from scope_gap.dates import WRITTEN_FORMS
from scope_gap.errors import BadTableError, StrictError


def problems(result):
    return [(r.origin["row"], r.error_texts()) for r in result.invalid]


def test_unreadable_date_makes_the_row_invalid(make_csv, make_mandate):
    result = scope_gap.analyze(make_csv([["X", "t", "2019-13", "federal", ""]]), make_mandate())
    assert problems(result) == [(2, ["date: '2019-13' has no month 13"])]


def test_unknown_enumerated_value_offers_did_you_mean(make_csv, make_mandate):
    result = scope_gap.analyze(make_csv([["X", "t", "2019", "Provincal", ""]]), make_mandate())
    assert problems(result) == [
        (
            2,
            [
                "level: 'Provincal' is not an allowed value (did you mean 'provincial'?); "
                "allowed: federal, provincial, territorial, municipal, other, unknown"
            ],
        )
    ]


def test_blank_id_is_invalid(make_csv, make_mandate):
    result = scope_gap.analyze(make_csv([["  ", "t", "2019", "federal", ""]]), make_mandate())
    assert problems(result) == [(2, ["id: is blank"])]


def test_duplicate_id_of_an_earlier_valid_row_is_invalid(make_csv, make_mandate):
    rows = [["X", "first", "", "", ""], ["X", "second", "", "", ""]]
    result = scope_gap.analyze(make_csv(rows), make_mandate())
    assert [r["fields"]["title"] for r in result.incidents] == ["first"]
    assert problems(result) == [
        (3, [f"id: 'X' is already used by {result.incidents[0]['origin']['path']} row 2"])
    ]


def test_duplicate_id_across_files(make_csv, make_mandate):
    a = make_csv([["X", "a", "", "", ""]], name="a.csv")
    b = make_csv([["X", "b", "", "", ""]], name="b.csv")
    result = scope_gap.analyze([a, b], make_mandate())
    assert problems(result) == [(2, [f"id: 'X' is already used by {a} row 2"])]
    assert result.invalid[0].origin["path"] == str(b)


def test_an_invalid_row_does_not_claim_its_id(make_csv, make_mandate):
    rows = [["X", "bad date", "never", "", ""], ["X", "good", "", "", ""]]
    result = scope_gap.analyze(make_csv(rows), make_mandate())
    assert [r["fields"]["title"] for r in result.incidents] == ["good"]
    assert problems(result) == [
        (
            2,
            [
                f"date: 'never' is not a date ({WRITTEN_FORMS})"
            ],
        )
    ]


def test_cells_beyond_the_header_make_the_row_invalid_and_are_kept(make_csv, make_mandate):
    result = scope_gap.analyze(make_csv([["X", "t", "", "", "", "stray"]]), make_mandate())
    assert problems(result) == [(2, ["F: non-blank cells beyond the header (F: 'stray')"])]
    assert result.invalid[0].fields["(column F)"] == "stray"


def test_every_problem_of_a_row_is_reported(make_csv, make_mandate):
    result = scope_gap.analyze(make_csv([["", "t", "soon", "fed", "vote"]]), make_mandate())
    columns = [e.split(":")[0] for e in result.invalid[0].error_texts()]
    assert columns == ["id", "date", "level", "event_type"]


def test_blank_rows_are_skipped_and_not_counted(make_csv, make_mandate):
    result = scope_gap.analyze(
        make_csv([["", "", "", "", ""], ["X", "t", "", "", ""]]), make_mandate()
    )
    summary = result.summary
    assert summary["total"] == 1
    assert result.to_dict()["inputs"][0]["rows"] == 1


def test_totals_add_up_with_invalid_rows(make_csv, make_mandate):
    rows = [
        ["A", "t", "2019", "federal", "general_election"],
        ["B", "t", "bad", "", ""],
        ["C", "t", "", "municipal", ""],
    ]
    s = scope_gap.analyze(make_csv(rows), make_mandate()).summary
    assert (
        s["total"]
        == 3
        == s["in_scope"] + s["context_only"] + s["out_of_scope"] + s["indeterminate"] + s["invalid"]
    )
    assert (s["in_scope"], s["invalid"], s["context_only"]) == (1, 1, 1)


def test_strict_turns_an_invalid_row_into_a_failure(make_csv, make_mandate):
    with pytest.raises(StrictError, match="1 invalid row"):
        scope_gap.analyze(make_csv([["", "t", "", "", ""]]), make_mandate(), strict=True)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "has no header row"),
        (b"\n,,\nX,t,2019,federal,\n", "has no header row"),
        (b"id,title,date,level\nX,t,2019,federal\n", "lacks the required column 'event_type'"),
        (
            b"id,title,date,level,event_type,Event Type\n",
            "columns 'event_type' (E) and 'Event Type' (F) name the same column",
        ),
        (
            b"id,title,date,level,event_type,notes,Notes\n",
            "columns 'notes' (F) and 'Notes' (G) name the same column",
        ),
    ],
)
def test_bad_tables_name_the_file_and_column(tmp_path, make_mandate, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(BadTableError) as info:
        scope_gap.analyze(path, make_mandate())
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_column_offers_did_you_mean(make_csv, make_mandate):
    path = make_csv([], header=["id", "title", "date", "level", "evnt_type"])
    with pytest.raises(
        BadTableError,
        match=r"lacks the required column 'event_type' \('evnt_type' may be event_type\)",
    ):
        scope_gap.analyze(path, make_mandate())


def test_unparseable_json_names_line_and_column(tmp_path, make_mandate):
    path = tmp_path / "bad.json"
    path.write_text('[{"id": "x",}]', encoding="utf-8")
    with pytest.raises(BadTableError, match=r"bad.json:1:13: cannot be parsed as JSON"):
        scope_gap.analyze(path, make_mandate())


def test_json_that_is_not_a_list_is_a_bad_table(tmp_path, make_mandate):
    path = tmp_path / "bad.json"
    path.write_text('{"id": "x"}', encoding="utf-8")
    with pytest.raises(BadTableError, match="must hold a list of objects"):
        scope_gap.analyze(path, make_mandate())


def test_not_a_workbook_is_a_bad_table(tmp_path, make_mandate):
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"id,title\n")
    with pytest.raises(BadTableError, match="cannot be read as an Excel workbook"):
        scope_gap.analyze(path, make_mandate())


def test_unsupported_extension_is_a_bad_table(tmp_path, make_mandate):
    path = tmp_path / "in.ods"
    path.write_bytes(b"x")
    with pytest.raises(BadTableError, match=r"cannot read files of type '.ods'"):
        scope_gap.analyze(path, make_mandate())

import datetime as dt
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scope_gap
from scope_gap import api
from scope_gap.dates import DateFormatError, parse_date, read_date
from scope_gap.errors import ScopeGapError

from .conftest import SIMPLE_MANDATE


def days(text):
    interval = parse_date(text)
    return interval.first, interval.last


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31)),
        ("2022-06", dt.date(2022, 6, 1), dt.date(2022, 6, 30)),
        ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29)),
        ("2019-10-21", dt.date(2019, 10, 21), dt.date(2019, 10, 21)),
        ("2018/2022", dt.date(2018, 1, 1), dt.date(2022, 12, 31)),
        ("2022-06/2022-07", dt.date(2022, 6, 1), dt.date(2022, 7, 31)),
        (" 2021-08-15 / 2021-09-20 ", dt.date(2021, 8, 15), dt.date(2021, 9, 20)),
    ],
)
def test_dates_become_inclusive_day_intervals(text, first, last):
    assert days(text) == (first, last)


@pytest.mark.parametrize(
    "text, message",
    [
        ("21/10/2019", "is not a date"),
        ("2019-13", "has no month 13"),
        ("2019-02-30", "is not a day of the calendar"),
        ("2022/2018", "ends before it starts"),
        ("2019/", "is not a date"),
        ("October 2019", "is not a date"),
    ],
)
def test_unreadable_dates_say_why(text, message):
    with pytest.raises(DateFormatError, match=message):
        parse_date(text)


# --- intervals of mixed precision (issue 16 item 10) ---------------------------------------


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("2022/2022-06-15", dt.date(2022, 1, 1), dt.date(2022, 6, 15)),
        ("2015/2015-10-18", dt.date(2015, 1, 1), dt.date(2015, 10, 18)),
        ("2022-06-15/2022", dt.date(2022, 6, 15), dt.date(2022, 12, 31)),
        ("2022-06-15/2022-06", dt.date(2022, 6, 15), dt.date(2022, 6, 30)),
        ("2021-03/2022", dt.date(2021, 3, 1), dt.date(2022, 12, 31)),
    ],
)
def test_an_interval_runs_from_its_starts_first_day_to_its_ends_last(text, first, last):
    assert days(text) == (first, last)


def test_an_interval_whose_end_is_before_its_start_is_refused():
    with pytest.raises(DateFormatError, match="ends before it starts"):
        parse_date("2022-06/2022-03")


def test_a_2015_interval_ending_before_the_43rd_cycle_is_outside_hogue_not_undecided(make_csv):
    path = make_csv([["X-1", "t", "2015/2015-10-18", "federal", "general_election"]])
    (record,) = scope_gap.analyze(path).incidents
    # the examined clauses are false (before GE43's cycle), not unknown: only clause C's
    # background remains, and the date is a gap, not an unknown
    assert record["status"] == "context_only"
    assert record["gaps"] == ["Outside the 2019 and 2021 election cycles"]
    path = make_csv([["X-2", "t", "2015/2015-10-18", "other", "general_election"]])
    (record,) = scope_gap.analyze(path).incidents
    assert record["status"] == "out_of_scope"


# --- dates as people write them (SPEC section 7) -------------------------------------------

WRITTEN = [
    # a month
    ("June 2022", "2022-06"),
    ("juin 2022", "2022-06"),
    ("Jun. 2022", "2022-06"),
    ("Sept. 2019", "2019-09"),
    ("février 2020", "2020-02"),
    ("06/2022", "2022-06"),
    # a day
    ("Oct. 21, 2019", "2019-10-21"),
    ("October 21, 2019", "2019-10-21"),
    ("21 octobre 2019", "2019-10-21"),
    ("le 1er mars 2020", "2020-03-01"),
    ("2019/10/21", "2019-10-21"),
    ("2019.10.21", "2019-10-21"),
    ("24/10/2022", "2022-10-24"),
    ("10/24/2022", "2022-10-24"),
    ("05/05/2021", "2021-05-05"),
    ("2021-11-05T10:00:00", "2021-11-05"),
    ("Monday, October 21, 2019", "2019-10-21"),
    # intervals of years, months and days
    ("2019-2021", "2019/2021"),
    ("2019–2021", "2019/2021"),
    ("2019 to 2021", "2019/2021"),
    ("de 2019 à 2021", "2019/2021"),
    ("entre 2019 et 2021", "2019/2021"),
    ("June to August 2022", "2022-06/2022-08"),
    ("de juin à août 2022", "2022-06/2022-08"),
    ("from June 2021 to August 2022", "2021-06/2022-08"),
    ("21 to 23 October 2019", "2019-10-21/2019-10-23"),
    ("du 21 au 23 octobre 2019", "2019-10-21/2019-10-23"),
]


@pytest.mark.parametrize("text, form", WRITTEN)
def test_dates_people_write_are_read_at_the_precision_written(text, form):
    read = read_date(text)
    assert (read.text, read.other_form) == (form, True)
    assert read.interval == parse_date(form)


@pytest.mark.parametrize("text", ["2019", "2022-06", "2019-10-21", "2018/2022", " 2021 "])
def test_section_1_forms_are_read_as_they_are(text):
    read = read_date(text)
    assert (read.text, read.other_form) == (text.strip(), False)


@pytest.mark.parametrize("text", ["unknown", "Unknown", "inconnu", "n/a", "N/D", "?", "-", "—"])
def test_not_known_forms_in_the_date_column_mean_not_known(text):
    read = read_date(text)
    assert (read.interval, read.text, read.other_form) == (None, "", True)


@pytest.mark.parametrize(
    "text, suggestion",
    [
        ("Summer 2021", "2021-06/2021-09"),
        ("été 2021", "2021-06/2021-09"),
        ("early 2020", "2020"),
        ("fin 2019", "2019"),
        ("mid-2020", "2020"),
        ("late October 2019", "2019-10"),
        ("Q3 2021", "2021-07/2021-09"),
        ("T2 2020", "2020-04/2020-06"),
        ("first quarter of 2021", "2021-01/2021-03"),
        ("H2 2021", "2021-07/2021-12"),
        ("circa 2019", "2019"),
        ("2019?", "2019"),
        ("the 2010s", "2010/2019"),
    ],
)
def test_imprecise_dates_are_refused_with_a_suggestion(text, suggestion):
    with pytest.raises(DateFormatError) as caught:
        read_date(text)
    assert "cannot be pinned" in str(caught.value)
    assert str(caught.value).endswith(f"such as {suggestion}")


@pytest.mark.parametrize(
    "text", ["June", "octobre", "yesterday", "2 days ago", "next Monday", "blah", "123"]
)
def test_nothing_is_filled_in_from_today_and_relative_dates_are_refused(text):
    with pytest.raises(DateFormatError, match="is not a date"):
        read_date(text)


def test_an_ambiguous_day_month_order_gives_both_readings():
    with pytest.raises(DateFormatError) as caught:
        read_date("05/06/2021")
    assert "may be 2021-06-05 (day first) or 2021-05-06 (month first)" in str(caught.value)
    assert "--day-first or --month-first" in str(caught.value)


@pytest.mark.parametrize(
    "text, order, form",
    [
        ("05/06/2021", "day_first", "2021-06-05"),
        ("05/06/2021", "month_first", "2021-05-06"),
        ("24/10/2022", "day_first", "2022-10-24"),
        ("10/24/2022", "month_first", "2022-10-24"),
    ],
)
def test_a_day_order_reads_every_such_date_that_way(text, order, form):
    assert read_date(text, order).text == form


@pytest.mark.parametrize(
    "text, order", [("24/10/2022", "month_first"), ("10/24/2022", "day_first")]
)
def test_a_date_that_is_no_date_in_the_order_given_is_invalid(text, order):
    flag = "--month-first" if order == "month_first" else "--day-first"
    with pytest.raises(DateFormatError, match=f"is not a date read .* first \\({flag}\\)"):
        read_date(text, order)


def test_section_1_forms_do_not_import_dateparser():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from scope_gap.dates import read_date\n"
        "for t in ['2019', '2019-10', '2019-10-21', '2019/2021', '24/10/2022', '2019-2021',"
        " 'unknown']:\n"
        "    read_date(t)\n"
        "assert 'dateparser' not in sys.modules\n"
        "read_date('June 2022')\n"
        "assert 'dateparser' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --- the day/month order on the command line and in the library ----------------------------

AMBIGUOUS = [
    ["A", "ambiguous", "05/06/2019", "federal", "general_election"],
    ["B", "day first only", "24/10/2019", "federal", "general_election"],
    ["C", "written out", "Oct. 21, 2019", "federal", "general_election"],
]


def test_an_ambiguous_file_is_invalid_without_a_flag(make_csv, cli):
    path = make_csv(AMBIGUOUS)
    result = cli("validate", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:2: date: '05/06/2019' may be 2019-06-05 (day first) or 2019-05-06 (month first)"
        in result.output
    )
    assert ":3:" not in result.output and ":4:" not in result.output


def test_day_first_reads_every_such_date_day_first(make_csv, make_mandate):
    path = make_csv(AMBIGUOUS)
    result = scope_gap.analyze(path, make_mandate(), day_first=True)
    dates = {r["id"]: r["fields"]["date"] for r in result.incidents}
    assert dates == {"A": "2019-06-05", "B": "2019-10-24", "C": "2019-10-21"}
    assert result.invalid == []


def test_month_first_reads_every_such_date_month_first(make_csv, make_mandate, cli, tmp_path):
    path = make_csv(AMBIGUOUS)
    out = tmp_path / "out"
    result = cli(
        "analyze",
        str(path),
        "-m",
        str(make_mandate()),
        "-o",
        str(out),
        "-f",
        "json",
        "--month-first",
    )
    assert result.exit_code == 0, result.output
    report = json.loads((out / "test-mandate-gap-report.json").read_text())
    assert {r["id"]: r["fields"]["date"] for r in report["incidents"]} == {
        "A": "2019-05-06",
        "C": "2019-10-21",
    }
    (invalid,) = report["invalid"]
    assert invalid["errors"] == [
        "date: '24/10/2019' is not a date read month first (--month-first)"
    ]


@pytest.mark.parametrize("command", ["analyze", "validate", "compare", "amend", "explain"])
def test_every_command_that_reads_incidents_takes_the_day_order(command, cli):
    result = cli(command, "--help")
    assert "--day-first" in result.output and "--month-first" in result.output


def test_both_orders_at_once_are_a_usage_error(make_csv, cli):
    path = make_csv(AMBIGUOUS)
    result = cli("validate", str(path), "--day-first", "--month-first")
    assert result.exit_code == 2
    assert "cannot both be given" in result.output
    with pytest.raises(ScopeGapError, match="cannot both be given"):
        api.validate(path, day_first=True, month_first=True)


def test_the_order_applies_to_dataframes_and_compare_and_amend(make_mandate):
    frame = pd.DataFrame(
        [
            dict(zip(["id", "title", "date", "level", "event_type"], row, strict=True))
            for row in AMBIGUOUS
        ]
    )
    assert len(scope_gap.analyze(frame, make_mandate()).invalid) == 1
    assert scope_gap.analyze(frame, make_mandate(), day_first=True).invalid == []
    comparison = scope_gap.compare(
        frame,
        [make_mandate(), make_mandate(SIMPLE_MANDATE.replace("test-mandate", "other"), "o.yaml")],
        month_first=True,
    )
    assert comparison.analyses[0].table.invalid[0].origin["row"] == 2
    amended = scope_gap.amend(frame, make_mandate(), cover=["A"], day_first=True)
    assert amended.chosen == ["A"]


def test_written_dates_are_reported_in_section_1_forms(make_csv, make_mandate):
    path = make_csv(
        [
            ["A", "t", "June 2019", "federal", "general_election"],
            ["B", "t", "21 octobre 2019", "federal", "general_election"],
            ["C", "t", "2018–2019", "federal", "general_election"],
            ["D", "t", "inconnu", "federal", "general_election"],
        ]
    )
    result = scope_gap.analyze(path, make_mandate())
    records = {r["id"]: r for r in result.incidents}
    assert {k: r["fields"]["date"] for k, r in records.items()} == {
        "A": "2019-06",
        "B": "2019-10-21",
        "C": "2018/2019",
        "D": "",
    }
    assert {k: r["status"] for k, r in records.items()} == {
        "A": "in_scope",
        "B": "in_scope",
        "C": "indeterminate",
        "D": "indeterminate",
    }


def test_explain_shows_free_text_unknown_as_the_text_the_engine_read(make_csv, make_mandate):
    from scope_gap.reports.explain import explain_incident

    mandate = make_mandate(
        """\
        mandate: {id: m, title: M}
        clauses:
          - id: A
            when:
              all:
                - {field: actor, matches: "^unk"}
                - {field: level, in: [federal]}
        """
    )
    header = ["id", "title", "date", "level", "event_type", "actor"]
    path = make_csv([["X", "t", "2019", "unknown", "", "unknown"]], header=header)
    result = scope_gap.analyze(path, mandate)
    text = explain_incident(result, "X")
    assert "actor matches ^unk: actor = unknown -> true" in text
    assert "level in [federal]: level = (not known) -> unknown" in text


WORDS = ["June", "juin", "Oct.", "2019", "2021", "to", "à", "de", "Summer", "early", "Q3", "T2"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from([*"0123456789/-–. ,?~", *WORDS]), max_size=10).map("".join)
    | st.text(max_size=30),
    st.sampled_from([None, "day_first", "month_first"]),
)
def test_any_text_is_a_date_in_section_1_form_or_a_date_problem(text, order):
    try:
        read = read_date(text, order)
    except DateFormatError as exc:
        assert exc.localized()
        return
    if read.interval is not None:
        assert parse_date(read.text) == read.interval
    else:
        assert read.text == ""


@pytest.mark.parametrize(
    "text, example", [("Oct 21", "2021-10"), ("Nov-21", "2021-11"), ("21 Oct 19", "2019-10-21")]
)
def test_a_year_not_written_in_full_is_refused_with_what_may_be_meant(text, example):
    with pytest.raises(DateFormatError, match="does not write its year in full") as caught:
        read_date(text)
    assert f"write it as {example} if that is meant" in str(caught.value)


def test_the_not_known_words_of_the_enumerated_columns_mean_not_known_in_date_too(
    make_csv, make_mandate
):
    path = make_csv(
        [
            ["A", "t", "tbd", "federal", "general_election"],
            ["B", "t", "not known", "federal", "general_election"],
            ["C", "t", "inconnue", "inconnu", "general_election"],
        ]
    )
    result = scope_gap.analyze(path, make_mandate())
    assert result.invalid == []
    records = {r["id"]: r for r in result.incidents}
    assert {k: r["fields"]["date"] for k, r in records.items()} == {"A": "", "B": "", "C": ""}
    assert records["A"]["as_given"]["date"] == "tbd"
    assert {r["status"] for r in records.values()} == {"indeterminate"}


def test_the_json_keeps_the_date_as_typed_in_as_given(make_csv, make_mandate):
    path = make_csv(
        [
            ["A", "t", "Oct. 21, 2019", "federal", "general_election"],
            ["B", "t", "2019-10-21", "federal", "general_election"],
        ]
    )
    records = {r["id"]: r for r in scope_gap.analyze(path, make_mandate()).incidents}
    assert (records["A"]["fields"]["date"], records["A"]["as_given"]) == (
        "2019-10-21",
        {"date": "Oct. 21, 2019"},
    )
    assert records["B"]["as_given"] == {}

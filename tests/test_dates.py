import datetime as dt

import pytest

from scope_gap.model import DateFormatError, parse_date


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

"""Dates: section 1's strict forms, read first and fast, and the forms people write.

`parse_date` reads only the contract's forms (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `START/END`);
rule files and the engine's reference use it. `read_date` reads an input cell: the strict
forms first, then (SPEC section 7) the forms people write in English and French, at the
precision written, giving the interval and the date in section 1's form. dateparser is
imported only when a cell holds a month's name, never for the strict forms.

No I/O and no pandas here.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from .i18n import LANGUAGES, N_, _

DATE_FORMS = N_("expected YYYY, YYYY-MM, YYYY-MM-DD or an interval START/END of those")
# ASCII digits only: `\d` would also take Arabic-Indic and other digits
_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?\Z")

#: how to read a numeric date such as 05/06/2021: None reads it only when one reading is a
#: real date; "day_first" or "month_first" reads every such date that way
DayOrder = Literal["day_first", "month_first"] | None
DAY_ORDERS = ("day_first", "month_first")


class DateFormatError(ValueError):
    """A date text that cannot be read: an English message and the msgid it came from.

    `str()` is the English text; `localized()` says it in the current language.
    """

    def __init__(self, msgid: str, **values: Any):
        self.msgid = msgid
        self.values = values
        super().__init__(msgid.format(**values))

    def localized(self) -> str:
        values = {k: (_(v) if k == "forms" else v) for k, v in self.values.items()}
        return _(self.msgid).format(**values)


@dataclass(frozen=True, order=True)
class DateInterval:
    """An inclusive interval of days, as proleptic Gregorian ordinals."""

    start: int
    end: int

    @property
    def first(self) -> dt.date:
        return dt.date.fromordinal(self.start)

    @property
    def last(self) -> dt.date:
        return dt.date.fromordinal(self.end)

    @classmethod
    def single(cls, day: dt.date) -> DateInterval:
        return cls(day.toordinal(), day.toordinal())

    def __str__(self) -> str:
        if self.start == self.end:
            return self.first.isoformat()
        return f"{self.first.isoformat()} to {self.last.isoformat()}"


def _year(year: int) -> DateInterval:
    return DateInterval(dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal())


def _month(year: int, month: int) -> DateInterval:
    last = calendar.monthrange(year, month)[1]
    return DateInterval(dt.date(year, month, 1).toordinal(), dt.date(year, month, last).toordinal())


def parse_date_part(text: str) -> DateInterval:
    """`YYYY`, `YYYY-MM` or `YYYY-MM-DD` as the interval of days it may mean."""
    match = _DATE_RE.match(text.strip())
    if not match:
        raise DateFormatError(N_("'{text}' is not a date ({forms})"), text=text, forms=DATE_FORMS)
    year, month, day = int(match[1]), match[2], match[3]
    if year < 1:
        raise DateFormatError(N_("'{text}' has no year 0"), text=text)
    if month is None:
        return _year(year)
    m = int(month)
    if not 1 <= m <= 12:
        raise DateFormatError(N_("'{text}' has no month {month}"), text=text, month=month)
    if day is None:
        return _month(year, m)
    try:
        return DateInterval.single(dt.date(year, m, int(day)))
    except ValueError:
        raise DateFormatError(N_("'{text}' is not a day of the calendar"), text=text) from None


def parse_date(text: str) -> DateInterval:
    """A date cell's text (one date or `START/END`) as an interval of days.

    An interval runs from START's first possible day to END's last: `2022/2022-06-15` is
    2022-01-01 to 2022-06-15 (not the hull of both, which would end on 2022-12-31).
    """
    if "/" in text:
        parts = text.split("/")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise DateFormatError(
                N_("'{text}' is not a date ({forms})"), text=text, forms=DATE_FORMS
            )
        start, end = parse_date_part(parts[0]), parse_date_part(parts[1])
        if end.end < start.start:
            raise DateFormatError(N_("'{text}' ends before it starts"), text=text)
        return DateInterval(start.start, end.end)
    return parse_date_part(text)


def date_value_interval(value: Any) -> DateInterval:
    """A date given in a rule file (a YAML date, or a date text) as an interval."""
    if isinstance(value, dt.datetime):
        return DateInterval.single(value.date())
    if isinstance(value, dt.date):
        return DateInterval.single(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return parse_date_part(str(value))
    if isinstance(value, str):
        return parse_date_part(value)
    raise DateFormatError(N_("{value} is not a date"), value=repr(value))


# --- dates as people write them (SPEC section 7) -------------------------------------------

#: what the date column says when the date is not known (compared without case or accents)
NOT_KNOWN_DATES = frozenset({"unknown", "inconnu", "inconnue", "n/a", "n/d", "na", "nd", "?"})
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
#: the forms people write, as the messages name them
WRITTEN_FORMS = N_(
    "expected YYYY, YYYY-MM, YYYY-MM-DD, an interval START/END of those, or a date written "
    "out such as June 2022, Oct. 21, 2019, 21 octobre 2019 or 2019 to 2021"
)
#: the longest cell text tried as a written date (longer text is not a date)
MAX_WRITTEN = 80


@dataclass(frozen=True)
class ReadDate:
    """A date cell as read: its interval (None: not known) and its text in section 1's form."""

    interval: DateInterval | None
    text: str
    other_form: bool  # written in another form than section 1's (the text was changed)


def read_date(text: str, order: DayOrder = None) -> ReadDate:
    """An input cell's date: section 1's forms first (fast), then the forms people write.

    Raises DateFormatError saying why, with both readings of an ambiguous day/month
    order or a suggestion for an imprecise date.
    """
    stripped = text.strip()
    if not stripped:
        return ReadDate(None, "", False)
    try:
        return ReadDate(parse_date(stripped), stripped, False)
    except DateFormatError as strict:
        if len(stripped) > MAX_WRITTEN:
            raise DateFormatError(
                N_("'{text}' is not a date ({forms})"), text=text, forms=WRITTEN_FORMS
            ) from None
        folded = _fold(stripped)
        if folded in NOT_KNOWN_DATES or (len(folded) == 1 and folded in _DASHES):
            return ReadDate(None, "", True)
        found = _written(stripped, folded, order)
        if found is None:
            if strict.msgid != N_("'{text}' is not a date ({forms})"):
                raise  # a strict form with an impossible month or day says so
            raise DateFormatError(
                N_("'{text}' is not a date ({forms})"), text=text, forms=WRITTEN_FORMS
            ) from None
        return ReadDate(found[0], found[1], True)


def _fold(text: str) -> str:
    """Lower case, without accents, spaces collapsed; curly apostrophes straight."""
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.lower().split())


def _form(interval: DateInterval, precision: str) -> str:
    first = interval.first
    if precision == "year":
        return f"{first.year:04d}"
    if precision == "month":
        return f"{first.year:04d}-{first.month:02d}"
    return first.isoformat()


Found = tuple[DateInterval, str]

_YEAR_RANGE = re.compile(rf"^([0-9]{{4}})\s*[{_DASHES}]\s*([0-9]{{4}})$")
_RANGE_LEAD = re.compile(r"^(?:from|between|de|du|des|entre)\s+")
_RANGE_SPLIT = re.compile(
    rf"\s+(?:to|until|till|through|thru|and|a|au|aux|jusqu'a|jusqu'au|et|[{_DASHES}])\s+"
)


def _written(text: str, folded: str, order: DayOrder) -> Found | None:
    """A date written out (one date or an interval), or None when it is no date at all."""
    _refuse_imprecise(text, folded, order)
    match = _YEAR_RANGE.match(folded)
    if match:
        return _interval(text, _year_found(int(match[1])), _year_found(int(match[2])))
    single = _single(text, folded, order)
    if single is not None:
        return single
    body = _RANGE_LEAD.sub("", folded)
    parts = _RANGE_SPLIT.split(body)
    if len(parts) != 2:
        return None
    left_text, right_text = parts
    right = _single(right_text, right_text, order)
    if right is None:
        return None
    left = _single(left_text, left_text, order)
    if left is None:  # "June to August 2022", "21 to 23 October 2019": the end's year (month)
        tail = right_text.split()
        for k in (1, 2):
            if len(tail) > k:
                borrowed = f"{left_text} {' '.join(tail[-k:])}"
                left = _single(borrowed, borrowed, order)
                if left is not None:
                    break
    if left is None:
        return None
    return _interval(text, left, right)


def _year_found(year: int) -> Found:
    return _year(year), f"{year:04d}"


def _interval(text: str, start: Found, end: Found) -> Found:
    if end[0].end < start[0].start:
        raise DateFormatError(N_("'{text}' ends before it starts"), text=text)
    if start[1] == end[1]:
        return start
    return DateInterval(start[0].start, end[0].end), f"{start[1]}/{end[1]}"


_YMD = re.compile(r"^([0-9]{4})[/.]([0-9]{1,2})[/.]([0-9]{1,2})$")
_NUMERIC = re.compile(r"^([0-9]{1,2})([/.\-])([0-9]{1,2})\2([0-9]{4})$")
_MONTH_YEAR = re.compile(r"^([0-9]{1,2})[/.\-]([0-9]{4})$")
_DATETIME = re.compile(
    r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+\-][0-9]{2}:?[0-9]{2})?$"
)


def _single(text: str, folded: str, order: DayOrder) -> Found | None:
    """One date written out, at the precision written; None when it is not one."""
    try:
        return parse_date_part(folded), folded
    except DateFormatError as exc:
        if exc.msgid != N_("'{text}' is not a date ({forms})"):
            raise
    match = _YMD.match(folded)
    if match:
        return _day(text, int(match[1]), int(match[2]), int(match[3]))
    match = _NUMERIC.match(folded)
    if match:
        return _day_month(text, int(match[1]), int(match[3]), int(match[4]), order)
    match = _MONTH_YEAR.match(folded)
    if match:
        year, month = int(match[2]), int(match[1])
        if not 1 <= month <= 12:
            raise DateFormatError(N_("'{text}' has no month {month}"), text=text, month=month)
        return _month(year, month), f"{year:04d}-{month:02d}"
    match = _DATETIME.match(text)
    if match:
        return parse_date_part(match[1]), match[1]
    if re.search(r"[^\W\d_]", folded):
        return _by_dateparser(text)
    return None


def _day(text: str, year: int, month: int, day: int) -> Found:
    try:
        found = dt.date(year, month, day)
    except ValueError:
        raise DateFormatError(N_("'{text}' is not a day of the calendar"), text=text) from None
    return DateInterval.single(found), found.isoformat()


def _real_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _day_month(text: str, a: int, b: int, year: int, order: DayOrder) -> Found:
    """`a/b/year`: day first, month first, or the one reading that is a real date."""
    day_first, month_first = _real_day(year, b, a), _real_day(year, a, b)
    if order == "day_first":
        if day_first is None:
            raise DateFormatError(
                N_("'{text}' is not a date read day first (--day-first)"), text=text
            )
        chosen = day_first
    elif order == "month_first":
        if month_first is None:
            raise DateFormatError(
                N_("'{text}' is not a date read month first (--month-first)"), text=text
            )
        chosen = month_first
    elif day_first and month_first and day_first != month_first:
        raise DateFormatError(
            N_(
                "'{text}' may be {day_first} (day first) or {month_first} (month first); write "
                "it as YYYY-MM-DD, or give --day-first or --month-first"
            ),
            text=text,
            day_first=day_first.isoformat(),
            month_first=month_first.isoformat(),
        )
    elif day_first or month_first:
        chosen = day_first or month_first  # type: ignore[assignment]
    else:
        raise DateFormatError(N_("'{text}' is not a day of the calendar"), text=text)
    return DateInterval.single(chosen), chosen.isoformat()


@lru_cache(maxsize=1)
def _parser() -> Any:
    """dateparser, strictly: English and French, absolute dates only, a year required."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=list(LANGUAGES),
        settings={
            "PARSERS": ["absolute-time"],
            "REQUIRE_PARTS": ["year"],
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _by_dateparser(text: str) -> Found | None:
    data = _parser().get_date_data(text)
    found, period = data.date_obj, data.period
    if found is None:
        return None
    # a year must be written in full: dateparser reads "Oct 21" and "Nov-21" as 2021
    if not re.search(rf"(?<![0-9]){found.year:04d}(?![0-9])", text):
        raise DateFormatError(
            N_("'{text}' does not write its year in full; write it as {example} if that is meant"),
            text=text,
            example=_form(_month(found.year, found.month), "month")
            if period != "day"
            else f"{found.year:04d}-{found.month:02d}-{found.day:02d}",
        )
    precision = {"time": "day", "day": "day", "month": "month", "year": "year"}.get(period)
    if precision is None:
        return None
    day = found.date()
    interval = {
        "day": DateInterval.single(day),
        "month": _month(day.year, day.month),
        "year": _year(day.year),
    }[precision]
    return interval, _form(interval, precision)


# --- imprecise dates: refused, with the interval to write instead ----------------------------

_SEASONS = {  # northern seasons as months (start, end); winter Y runs from December Y-1
    "spring": (3, 6),
    "printemps": (3, 6),
    "summer": (6, 9),
    "ete": (6, 9),
    "autumn": (9, 12),
    "fall": (9, 12),
    "automne": (9, 12),
    "winter": (0, 3),
    "hiver": (0, 3),
}
_QUARTERS = {"1": (1, 3), "2": (4, 6), "3": (7, 9), "4": (10, 12)}
_ORDINALS = {
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "1st": "1",
    "2nd": "2",
    "3rd": "3",
    "4th": "4",
    "premier": "1",
    "1er": "1",
    "deuxieme": "2",
    "2e": "2",
    "troisieme": "3",
    "3e": "3",
    "quatrieme": "4",
    "4e": "4",
}
_FILLER = r"(?:(?:in|of|the|a|au|a l'|l'|en|de|du|d')\s*)*"
_SEASON_RE = re.compile(rf"^{_FILLER}({'|'.join(_SEASONS)})\s+{_FILLER}([0-9]{{4}})$")
_QUARTER_RE = re.compile(
    r"^(?:q|t)([1-4])[\s/\-]*([0-9]{4})$|^([0-9]{4})[\s/\-]*(?:q|t)([1-4])$"
    rf"|^{_FILLER}({'|'.join(_ORDINALS)})\s+(?:quarter|trimestre)\s+{_FILLER}([0-9]{{4}})$"
)
_HALF_RE = re.compile(
    r"^(?:h|s)([12])[\s/\-]*([0-9]{4})$"
    rf"|^{_FILLER}(first|second|premier|deuxieme|1er|2e)\s+(?:half|semestre)\s+{_FILLER}([0-9]{{4}})$"
)
_VAGUE_RE = re.compile(
    r"^(?:early|mid|middle of|late|end of|beginning of|start of|circa|c\.|ca\.|around|about|"
    r"approximately|approx\.?|sometime in|some time in|au debut de|debut|en debut d'|mi|"
    r"milieu|au milieu de|fin|a la fin de|en fin d'|vers|environ|~)[\s\-]*(?:de |d')?"
    r"(.+)$"
)
_DECADE_RE = re.compile(
    r"^(?:the |les annees |annees )?([0-9]{3})0'?s$|^(?:les )?annees ([0-9]{3})0$"
)


def _refuse_imprecise(text: str, folded: str, order: DayOrder) -> None:
    """Refuse a date that cannot be pinned to a precision, suggesting the interval it spans."""
    suggestion: str | None = None
    match = _SEASON_RE.match(folded)
    if match:
        first, last = _SEASONS[match[1]]
        year = int(match[2])
        start = f"{year - 1:04d}-12" if first == 0 else f"{year:04d}-{first:02d}"
        suggestion = f"{start}/{year:04d}-{last:02d}"
    match = match or _QUARTER_RE.match(folded)
    if match and suggestion is None:
        groups = [g for g in match.groups() if g]
        quarter, year_text = (groups[1], groups[0]) if len(groups[0]) == 4 else groups
        first, last = _QUARTERS[_ORDINALS.get(quarter, quarter)]
        suggestion = f"{year_text}-{first:02d}/{year_text}-{last:02d}"
    if suggestion is None:
        match = _HALF_RE.match(folded)
        if match:
            half, year_text = [g for g in match.groups() if g]
            half = _ORDINALS.get(half, half)
            suggestion = (
                f"{year_text}-01/{year_text}-06"
                if half == "1"
                else (f"{year_text}-07/{year_text}-12")
            )
    if suggestion is None:
        match = _DECADE_RE.match(folded)
        if match:
            decade = match[1] or match[2]
            suggestion = f"{decade}0/{decade}9"
    if suggestion is None:
        match = _VAGUE_RE.match(folded)
        rest = match[1].strip() if match else None
        if rest is None and folded.endswith("?") and len(folded) > 1:
            rest = folded[:-1].strip()
        if rest:
            try:
                found = _written(rest, rest, order)
            except DateFormatError:
                found = None
            if found is not None:
                suggestion = found[1]
    if suggestion is not None:
        raise DateFormatError(
            N_(
                "'{text}' cannot be pinned to a year, month or day; write the interval it may "
                "fall in, such as {suggestion}"
            ),
            text=text,
            suggestion=suggestion,
        )

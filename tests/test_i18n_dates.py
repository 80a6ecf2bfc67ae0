"""The `dates` catalogue holds exactly the messages of scope_gap/dates.py, each in French."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from scope_gap.dates import DateFormatError, read_date
from scope_gap.errors import date_problem
from scope_gap.i18n import LOCALE_DIR, use_language

ROOT = Path(__file__).resolve().parent.parent
PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "dates.po"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def _catalogue():
    with open(PO, "rb") as handle:
        return read_po(handle)


def test_the_catalogue_holds_exactly_the_messages_of_dates_py():
    marked = {
        message
        for _lineno, message, _comments, _context in extract_from_file(
            "python", ROOT / "scope_gap" / "dates.py", keywords={"_": None, "N_": None}
        )
    }
    held = {m.id for m in _catalogue() if m.id}
    assert marked == held


def test_every_message_has_french_with_the_same_placeholders_and_french_typography():
    for message in _catalogue():
        if not message.id:
            continue
        assert message.string and message.string != message.id, message.id
        assert sorted(PLACEHOLDER.findall(message.string)) == sorted(
            PLACEHOLDER.findall(message.id)
        )
        assert "'{" not in message.string
        assert "« " not in message.string and " »" not in message.string
        assert " :" not in message.string and " ;" not in message.string


@pytest.mark.parametrize(
    "text, order, french",
    [
        ("05/06/2021", None, "peut se lire 2021-06-05 (jour en premier) ou 2021-05-06"),
        ("24/10/2022", "month_first", "n'est pas une date lue le mois en premier"),
        ("10/24/2022", "day_first", "n'est pas une date lue le jour en premier"),
        ("Summer 2021", None, "par exemple 2021-06/2021-09"),
        ("yesterday", None, "ou une date écrite en toutes lettres"),
    ],
)
def test_date_problems_are_said_in_french(text, order, french):
    with pytest.raises(DateFormatError) as caught:
        read_date(text, order)
    with use_language("fr"):
        said = date_problem(caught.value)
    assert french in said
    assert said != str(caught.value)

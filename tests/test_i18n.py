"""Catalogues: every message has its French, with the same placeholders, and the shipped .mo
files say what the .po sources say."""

import datetime as dt
import gettext
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from scope_gap.i18n import (
    DOMAINS,
    LOCALE_DIR,
    _,
    format_date,
    format_number,
    language,
    localized,
    localized_field,
    ngettext,
    use_language,
)

PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]")


def catalogues():
    return [LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{domain}.po" for domain in DOMAINS]


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.stem)
def test_every_message_has_a_french_translation_with_the_same_placeholders(po):
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{po.name}: no French for {ids[0]!r}"
        assert not message.fuzzy, f"{po.name}: fuzzy translation of {ids[0]!r}"
        for text in strings:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(ids[0])), (
                f"{po.name}: placeholders differ in {ids[0]!r}"
            )


@pytest.mark.parametrize("po", catalogues(), ids=lambda p: p.stem)
def test_the_shipped_mo_matches_its_po(po):
    with open(po, "rb") as handle:
        catalog = read_po(handle)
    with open(po.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for message in catalog:
        if message.id and not isinstance(message.id, tuple):
            assert compiled.gettext(message.id) == message.string, (
                f"{po.name}: recompile with python scripts/compile_catalogues.py"
            )


def test_english_is_the_default_and_needs_no_catalogue():
    assert language() == "en"
    assert _("in scope") == "in scope"
    assert ngettext("1 row", "{n} rows", 2) == "{n} rows"
    assert format_date(dt.date(2019, 10, 21)) == "2019-10-21"
    assert format_number(1234) == "1,234"


def test_french_dates_and_numbers_follow_french_conventions():
    with use_language("fr"):
        assert format_date(dt.date(2019, 10, 21)) == "21 octobre 2019"
        assert format_number(1234).replace("\xa0", " ").replace("\u202f", " ") == "1 234"
    assert language() == "en"


def test_localized_prefers_the_french_field_in_french():
    class Mandate:
        title = "Inquiry"
        title_fr = "Enquête"

    assert localized(Mandate, "title") == "Inquiry"
    with use_language("fr"):
        assert localized(Mandate, "title") == "Enquête"


def test_localized_field_uses_the_french_column_when_it_is_filled():
    fields = {"title": "Meeting", "title_fr": "Rencontre", "summary": "Text", "summary_fr": " "}
    with use_language("fr"):
        assert localized_field(fields, "title") == "Rencontre"
        assert localized_field(fields, "summary") == "Text"
    assert localized_field(fields, "title") == "Meeting"


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de'"):
        with use_language("de"):
            pass


def test_language_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("SCOPE_GAP_LANG", "fr")
    with use_language(None) as lang:
        assert lang == "fr"


def test_locale_files_ship_inside_the_package():
    assert Path(LOCALE_DIR).is_relative_to(Path(__import__("scope_gap").__file__).parent)

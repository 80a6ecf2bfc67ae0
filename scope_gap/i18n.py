"""Languages: gettext catalogues for what the tool writes, Babel for dates and numbers.

Every message is written in English in the code, wrapped in `_()` (or marked with `N_()`
where it must be translated later), and looked up in the catalogue of the current language.
Catalogues live in `scope_gap/locale/<lang>/LC_MESSAGES/<domain>.po` (the source, edited by
people) and `.mo` (compiled, shipped); one domain per area so that the areas can be worked on
apart: see DOMAINS. English needs no catalogue.

    pybabel extract -F babel.cfg -o /tmp/scope_gap.pot scope_gap      # what is marked
    pybabel update -i /tmp/scope_gap.pot -d scope_gap/locale -D core    # merge into a domain
    pybabel compile -d scope_gap/locale -D core                         # .po -> .mo

Data is never translated: incident text appears as given; a mandate's `title_fr`,
`text_fr`, `label_fr` and `gap_fr` are used in French when present (see `localized`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gettext
import os
from collections.abc import Iterator
from contextvars import ContextVar
from functools import cache
from pathlib import Path
from typing import Any

#: every language the tool writes, the first being the default; adding one is a line here, a
#: catalogue per domain in locale/<lang>/LC_MESSAGES/ and `*_<lang>` keys in mandates
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = LANGUAGES[0]
#: each language's locale tag (BCP 47) and its own name for itself
LOCALE_TAGS = {"en": "en-CA", "fr": "fr-CA"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
#: one catalogue per area of the tool
DOMAINS = ("core", "messages", "excel", "html", "dates", "serve", "authoring", "input")
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: Babel's spelling of each locale tag (`fr_CA`)
BABEL_LOCALES = {lang: tag.replace("-", "_") for lang, tag in LOCALE_TAGS.items()}

_language: ContextVar[str] = ContextVar("scope_gap_language", default=DEFAULT_LANGUAGE)


def language() -> str:
    """The language reports and messages are written in now."""
    return _language.get()


def is_default_language() -> bool:
    """Whether messages are written in the default language (English) now: its text is the
    code's own, no catalogue is looked up."""
    return _language.get() == DEFAULT_LANGUAGE


def locale_tag(lang: str | None = None) -> str:
    """The locale tag (BCP 47, `fr-CA`) of `lang` (default: the current language)."""
    return LOCALE_TAGS[lang or language()]


def default_language() -> str:
    """`SCOPE_GAP_LANG` when it names a known language, else English."""
    value = os.environ.get("SCOPE_GAP_LANG", "").strip().lower()
    return value if value in LANGUAGES else DEFAULT_LANGUAGE


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Write in `lang` (default: `SCOPE_GAP_LANG`, else English) within the block."""
    lang = (lang or default_language()).lower()
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of: {', '.join(LANGUAGES)}")
    token = _language.set(lang)
    try:
        yield lang
    finally:
        _language.reset(token)


@cache
def catalogue(lang: str) -> gettext.NullTranslations:
    """Every domain's catalogue for `lang`, chained (NullTranslations for English)."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if lang == DEFAULT_LANGUAGE:
        return chain
    for domain in reversed(DOMAINS):
        found = gettext.translation(domain, LOCALE_DIR, languages=[lang], fallback=True)
        if not isinstance(found, gettext.GNUTranslations):
            continue
        found.add_fallback(chain)
        chain = found
    return chain


def _(message: str) -> str:
    """`message` in the current language."""
    if language() == DEFAULT_LANGUAGE:
        return message
    return catalogue(language()).gettext(message)


def N_(message: str) -> str:
    """Mark `message` for translation where it is defined; translate it with `_()` where used."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form of a message for `n`, in the current language."""
    if language() == DEFAULT_LANGUAGE:
        return singular if n == 1 else plural
    return catalogue(language()).ngettext(singular, plural, n)


def format_date(day: dt.date) -> str:
    """A day as the current language writes it: ISO in English, `21 octobre 2019` in French."""
    if language() == DEFAULT_LANGUAGE:
        return day.isoformat()
    from babel.dates import format_date as babel_date

    return babel_date(day, format="long", locale=BABEL_LOCALES[language()])


def format_count(value: int | float) -> str:
    """A count in a sentence: as Python writes it in English (`1234`, as reports always showed
    it), with the language's separators otherwise (`1 234` in French)."""
    if language() == DEFAULT_LANGUAGE or isinstance(value, bool):
        return str(value)
    return format_number(value)


def format_number(value: int | float) -> str:
    """A number as the current language writes it (`1 234` in French)."""
    if language() == DEFAULT_LANGUAGE:
        return f"{value:,}"
    from babel.numbers import format_decimal

    return format_decimal(value, locale=BABEL_LOCALES[language()])


def localized(obj: Any, name: str) -> Any:
    """`obj.<name>_fr` in French when it is set, else `obj.<name>` (mandate titles, texts...)."""
    if language() != DEFAULT_LANGUAGE:
        translated = getattr(obj, f"{name}_{language()}", None)
        if translated:
            return translated
    return getattr(obj, name)


def localized_field(fields: dict[str, Any], name: str) -> Any:
    """An incident's `<name>_fr` column in French when it is filled, else its `<name>`: the
    bundled dataset carries `title_fr` and `summary_fr`."""
    if language() != DEFAULT_LANGUAGE:
        translated = fields.get(f"{name}_{language()}")
        if translated and str(translated).strip():
            return translated
    return fields.get(name, "")

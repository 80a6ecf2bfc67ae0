"""Errors that know where they happened."""

from __future__ import annotations

import difflib
import errno
from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import DEFAULT_LANGUAGE, N_, _, language


@dataclass(frozen=True)
class Location:
    """Where a problem sits: a file, and a row or a line and column."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


class ScopeGapError(Exception):
    """Base error: a message and, where known, its location."""

    def __init__(self, message: str, location: Location | None = None):
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class BadTableError(ScopeGapError):
    """An input table that cannot be analysed at all."""


class RuleError(ScopeGapError):
    """One problem in a mandate rule file."""


class RulesError(ScopeGapError):
    """Every problem found in one or more rule files."""

    def __init__(self, errors: list[RuleError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors


class StrictError(ScopeGapError):
    """Invalid rows were found and --strict was asked for."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or ''."""
    choices = list(choices)
    lowered = {c.lower(): c for c in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    if not close:
        return ""
    return _(" (did you mean '{choice}'?)").format(choice=lowered[close[0]])


#: the operating system's most frequent reasons, marked for translation (it writes English)
OS_REASONS: dict[int, str] = {
    errno.ENOENT: N_("No such file or directory"),
    errno.EACCES: N_("Permission denied"),
    errno.EPERM: N_("Operation not permitted"),
    errno.EISDIR: N_("Is a directory"),
    errno.ENOTDIR: N_("Not a directory"),
    errno.ENOSPC: N_("No space left on device"),
    errno.EROFS: N_("Read-only file system"),
    errno.ENAMETOOLONG: N_("File name too long"),
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in the current language (`exc.strerror` in English)."""
    if language() == DEFAULT_LANGUAGE or exc.errno not in OS_REASONS:
        return str(exc.strerror)
    return _(OS_REASONS[exc.errno])


#: Python's reasons for bytes that cannot be decoded, marked for translation
DECODE_REASONS: dict[str, str] = {
    "invalid start byte": N_("invalid start byte"),
    "invalid continuation byte": N_("invalid continuation byte"),
    "unexpected end of data": N_("unexpected end of data"),
    "truncated data": N_("truncated data"),
    "illegal encoding": N_("illegal encoding"),
    "illegal UTF-16 surrogate": N_("illegal UTF-16 surrogate"),
    "character maps to <undefined>": N_("character maps to <undefined>"),
}


def decode_reason(exc: UnicodeDecodeError) -> str:
    """Why bytes could not be decoded, in the current language (`exc.reason` in English)."""
    if language() == DEFAULT_LANGUAGE or exc.reason not in DECODE_REASONS:
        return exc.reason
    return _(DECODE_REASONS[exc.reason])


def date_problem(exc: Exception) -> str:
    """A dates.DateFormatError's text in the current language (other errors as they say)."""
    localized = getattr(exc, "localized", None)
    return localized() if callable(localized) else str(exc)

"""Errors that know where they happened."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


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
    return f" (did you mean '{lowered[close[0]]}'?)" if close else ""

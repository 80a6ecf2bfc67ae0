"""The page of `rules diff`: how mandate B differs from mandate A, in the report's style."""

from __future__ import annotations

from typing import Any

from ..i18n import _, language, localized, ngettext
from ..mandatediff import (
    LeafChange,
    MandateDiff,
    clause_heading,
    clause_lines,
    period_line,
)
from ..operators import rule_text
from ..version import __version__
from .html import environment, generated_at, number, status_labels


def _written(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return "[" + ", ".join(_written(v) for v in value) + "]"
    if isinstance(value, dict):  # a condition whose operator changed names its own
        return "; ".join(f"{op}: {_written(v)}" for op, v in value.items())
    return str(value)


def _admitted(values: list[Any] | None, change: LeafChange) -> str:
    if values is None:
        return _("(cannot be listed: see before and after)")
    if not values:
        return "—"
    if all(isinstance(v, list) for v in values):
        return ", ".join(
            f"{start or '…'} – {end or '…'}" if start != end else str(start)
            for start, end in values
        )
    return ", ".join(str(v) for v in values)


def _headline(diff: MandateDiff) -> str:
    changed = [c for c in diff.clauses if c.change != "same"]
    if not diff.differs:
        return _("{b} admits the same incidents as {a}.").format(a=diff.a.id, b=diff.b.id)
    return ngettext(
        "{b} differs from {a} in {count} clause.",
        "{b} differs from {a} in {count} clauses.",
        len(changed),
    ).format(a=diff.a.id, b=diff.b.id, count=number(len(changed)))


def render_diff_html(diff: MandateDiff) -> str:
    """The whole page: self-contained, no script, every piece of data escaped."""
    record = diff.to_dict()
    clauses = []
    for change, entry in zip(diff.clauses, record["clauses"], strict=True):
        leaves = [
            {
                "path": item["path"],
                "field": item["field"],
                "before": _written(item["before"]),
                "after": _written(item["after"]),
                "admits": _admitted(item["admits"], leaf),
                "no_longer_admits": _admitted(item["no_longer_admits"], leaf),
            }
            for leaf, item in zip(change.leaves, entry["leaves"], strict=True)
        ]
        rules = None
        if change.change == "changed" and change.before and change.after:
            before, after = rule_text(change.before.when), rule_text(change.after.when)
            rules = (before, after) if before != after else None
        clauses.append(
            {
                "id": change.id,
                "change": change.change,
                "heading": clause_heading(change).rsplit(":", 1)[0],
                "lines": clause_lines(change) if change.change != "same" else [],
                "leaves": leaves,
                "rules": rules,
            }
        )
    periods = [line for line in (period_line(p) for p in diff.periods) if line]
    template = environment().get_template("diff.html.j2")
    return template.render(
        lang=language(),
        version=__version__,
        generated=generated_at(),
        title=_("{a} → {b}: what changes").format(a=diff.a.id, b=diff.b.id),
        headline=_headline(diff),
        a={**record["a"], "title": localized(diff.a, "title"), "path": diff.a.path or ""},
        b={**record["b"], "title": localized(diff.b, "title"), "path": diff.b.path or ""},
        change_words={
            "added": _("added"),
            "removed": _("removed"),
            "changed": _("changed"),
            "same": _("unchanged"),
        },
        status_labels=status_labels(),
        clauses=clauses,
        periods=periods,
        incidents=record["incidents"] if diff.incidents is not None else None,
    )

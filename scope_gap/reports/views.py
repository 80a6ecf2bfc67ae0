"""Readable pages and workbooks for `compare` and `amend` (the gap report has its own)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import __version__
from ..analysis import STATUS_ORDER
from .html import STATUS_LABELS, environment, generated_at


def _render(**context: Any) -> str:
    template = environment().get_template("views.html.j2")
    return template.render(
        version=__version__, status_labels=STATUS_LABELS, generated=generated_at(), **context
    )


def write_compare_html(comparison: Any, path: Path) -> None:
    counts = comparison.counts()
    ids = [m.id for m in comparison.mandates]
    mandates = [
        {
            "id": m.id,
            "title": m.title,
            "counts": [counts[m.id][s] for s in [*STATUS_ORDER, "invalid"]],
            "adds": comparison.adds[m.id],
        }
        for m in comparison.mandates
    ]
    html = _render(
        kind="compare",
        title=f"Compare mandates: {', '.join(ids)}",
        kicker="Mandate comparison · " + " · ".join(ids),
        headline=_compare_headline(comparison),
        mandates=mandates,
        status_order_labels=[STATUS_LABELS[s] for s in [*STATUS_ORDER, "invalid"]],
        matrix=[
            {"id": r["id"], "title": r["title"], "statuses": [r["statuses"][i] for i in ids]}
            for r in comparison.matrix
        ],
        invalid=len(comparison.invalid),
        command=comparison.command,
        mandate_list=comparison.mandates,
    )
    path.write_text(html, encoding="utf-8")


def _compare_headline(comparison: Any) -> str:
    total = len(comparison.matrix)
    parts = []
    for m in comparison.mandates:
        n = sum(1 for r in comparison.matrix if r["statuses"][m.id] == "in_scope")
        parts.append(f"{m.id} may examine {n} of {total}")
    return "; ".join(parts) + " documented incidents."


def write_amend_html(result: Any, path: Path) -> None:
    from ..amendment import rule_diff

    changed = {clause: (before, after) for clause, before, after in rule_diff(result)}
    clauses = [
        {
            "id": c.id,
            "ref": c.ref,
            "text": c.text,
            "before": changed[c.id][0],
            "after": changed[c.id][1],
        }
        for c in result.mandate.clauses
        if c.id in changed
    ]
    n = len(result.chosen) - len(result.uncovered)
    changes = len(result.amendments)
    html = _render(
        kind="amend",
        title=f"Amending {result.mandate.id}",
        kicker=f"Amendments · {result.mandate.title}",
        headline=(
            f"{changes} change{'s' if changes != 1 else ''} to the rules of {result.mandate.id} "
            f"would bring {n} of the {len(result.chosen)} chosen incidents in scope."
        ),
        exact=result.exact,
        changes=[
            {
                "clause": a.clause,
                "reason": a.reason.replace("`", ""),
                "before": _op_text(a.before),
                "after": _op_text(a.after),
                "brings_in": a.brings_in,
                "also_brings_in": a.also_brings_in,
            }
            for a in result.amendments
        ],
        clauses=clauses,
        uncovered=result.uncovered,
        chosen=result.chosen,
        command=result.command,
        mandate_list=[result.mandate, result.amended],
    )
    path.write_text(html, encoding="utf-8")


def _op_text(change: dict[str, Any]) -> str:
    """`{in: [a, b]}` as `in [a, b]`, the way rule texts read."""
    return "; ".join(f"{op} {_plain(value)}" for op, value in change.items())


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)

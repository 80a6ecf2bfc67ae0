"""Readable pages and workbooks for `compare` and `amend` (the gap report has its own)."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from ..analysis import STATUS_ORDER
from ..i18n import N_, _, language, localized, localized_field, ngettext
from ..model import STATUS_LABELS, Status
from ..version import __version__
from . import Rendered
from .cells import put_text, safe_text
from .common import STATUS_PALETTE
from .compare import matrix_rows
from .html import _label, _status_label, environment, generated_at, number, status_labels

if TYPE_CHECKING:
    from ..amendment import AmendResult
    from ..comparison import Comparison


def _render(**context: Any) -> str:
    template = environment().get_template("views.html.j2")
    return template.render(
        lang=language(),
        version=__version__,
        status_labels=status_labels(),
        generated=generated_at(),
        **context,
    )


def _mandate_list(mandates: list[Any]) -> list[dict[str, Any]]:
    return [{"id": m.id, "title": localized(m, "title"), "sha256": m.sha256} for m in mandates]


def _titles(comparison: Any) -> dict[str, str]:
    """Each incident's title, its `title_fr` in French when the data gives one."""
    first = comparison.analyses[0].incidents if comparison.analyses else []
    titles = {r["id"]: localized_field(r["fields"], "title") for r in first}
    return {r["id"]: titles.get(r["id"], r["title"]) for r in comparison.matrix}


def render_compare_html(comparison: Comparison) -> Rendered:
    counts = comparison.counts()
    titles = _titles(comparison)
    ids = [m.id for m in comparison.mandates]
    mandates = [
        {
            "id": m.id,
            "title": localized(m, "title"),
            "counts": [counts[m.id][s] for s in [*STATUS_ORDER, "invalid"]],
            "adds": comparison.adds[m.id],
        }
        for m in comparison.mandates
    ]
    html = _render(
        kind="compare",
        title=_("Compare mandates: {ids}").format(ids=", ".join(ids)),
        kicker=_("Mandate comparison") + " · " + " · ".join(ids),
        headline=_compare_headline(comparison),
        mandates=mandates,
        status_order_labels=[_status_label(s) for s in [*STATUS_ORDER, "invalid"]],
        matrix=[
            {"id": r["id"], "title": titles[r["id"]], "statuses": [r["statuses"][i] for i in ids]}
            for r in comparison.matrix
        ],
        invalid=len(comparison.invalid),
        command=comparison.command,
        mandate_list=_mandate_list(comparison.mandates),
    )
    return Rendered(html.encode("utf-8"))


def _compare_headline(comparison: Any) -> str:
    total = len(comparison.matrix)
    parts = []
    for m in comparison.mandates:
        n = sum(1 for r in comparison.matrix if r["statuses"][m.id] == Status.IN_SCOPE)
        parts.append(
            _("{id} may examine {n} of {total}").format(id=m.id, n=number(n), total=number(total))
        )
    return _("{parts} documented incidents.").format(parts="; ".join(parts))


def render_amend_html(result: AmendResult) -> Rendered:
    from ..amendment import rule_diff

    changed = {clause: (before, after) for clause, before, after in rule_diff(result)}
    clauses = [
        {
            "id": c.id,
            "ref": c.ref,
            "text": localized(c, "text"),
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
        title=_("Amending {id}").format(id=result.mandate.id),
        kicker=_("Amendments") + " · " + localized(result.mandate, "title"),
        headline=ngettext(
            "{changes} change to the rules of {id} would bring {n} of the {total} chosen "
            "incidents in scope.",
            "{changes} changes to the rules of {id} would bring {n} of the {total} chosen "
            "incidents in scope.",
            changes,
        ).format(
            changes=number(changes),
            id=result.mandate.id,
            n=number(n),
            total=number(len(result.chosen)),
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
        mandate_list=_mandate_list([result.mandate, result.amended]),
    )
    return Rendered(html.encode("utf-8"))


def _op_text(change: dict[str, Any]) -> str:
    """`{in: [a, b]}` as `in [a, b]`, the way rule texts read."""
    return "; ".join(f"{op} {_plain(value)}" for op, value in change.items())


def _plain(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_plain(v) for v in value) + "]"
    return str(value)


# --- workbooks -----------------------------------------------------------------------------

#: the workbooks' sheet names (Excel's own names: at most 31 characters, no []:*?/\\); the
#: Summary and About sheets are named as in the gap report's workbook (`excel.sheet_name`)
SHEETS = {
    "matrix": N_("Matrix"),
    "adds": N_("Adds"),
    "amendments": N_("Amendments"),
    "clauses": N_("Clauses"),
    "uncovered": N_("Uncovered"),
}



def _put(ws: Any, row: int, column: int, value: Any, bold: bool = False) -> Any:
    """A cell showing `value` as typed: text is never a formula and stays within Excel's limits."""
    from openpyxl.styles import Alignment, Font

    cell = ws.cell(row=row, column=column)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.value = value
    else:
        put_text(cell, value)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell


def _sheet(
    wb: Any, title: str, headers: list[str], rows: list[list[Any]], widths: list[int]
) -> Any:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.table import Table, TableStyleInfo

    ws = wb.create_sheet(title)
    for c, header in enumerate(headers, start=1):
        _put(ws, 1, c, header, bold=True)
        ws.column_dimensions[get_column_letter(c)].width = widths[min(c, len(widths)) - 1]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _put(ws, r, c, value)
    ws.freeze_panes = "B2"
    ref = f"A1:{get_column_letter(len(headers))}{max(2, len(rows) + 1)}"
    name = re.sub(r"[^A-Za-z0-9_]", "", title) or "Table"
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    return ws


def _fill_statuses(ws: Any, first_column: int, last_column: int) -> None:
    from openpyxl.styles import Font, PatternFill

    codes = {_status_label(code): code for code in STATUS_LABELS}
    for row in ws.iter_rows(min_row=2, min_col=first_column, max_col=last_column):
        for cell in row:
            code = codes.get(str(cell.value), "")
            if code in STATUS_PALETTE:
                colour, ink = STATUS_PALETTE[code]
                cell.fill = PatternFill("solid", start_color=colour, end_color=colour)
                cell.font = Font(bold=True, color=ink)


def _about(wb: Any, result: Any, mandates: list[Any]) -> None:
    from .excel import sheet_name

    rows = [
        [_("Tool"), f"scope-gap {__version__}"],
        [_("Generated (UTC)"), generated_at()],
        [_("Command"), result.command or ""],
        [
            _("Caveat"),
            _(
                "The incidents come largely from public reporting of intelligence, not proven "
                "facts; keep each incident's evidence grade and sources with it when you cite this."
            ),
        ],
    ]
    rows += [
        [
            _("Mandate {id}").format(id=m.id),
            f"{localized(m, 'title')} (sha256 {m.sha256})",
        ]
        for m in mandates
    ]
    _sheet(wb, sheet_name("about"), [_("Item"), _("Value")], rows, [22, 100])


def _save(wb: Any, title: str) -> Rendered:
    wb.properties.title = safe_text(title).text
    wb.properties.creator = f"scope-gap {__version__}"
    buffer = io.BytesIO()
    wb.save(buffer)
    return Rendered(buffer.getvalue())


def render_compare_xlsx(comparison: Comparison) -> Rendered:
    from openpyxl import Workbook

    from .excel import sheet_name

    wb = Workbook()
    wb.remove(wb.active)
    counts = comparison.counts()
    ids = [m.id for m in comparison.mandates]
    statuses = [*STATUS_ORDER, "invalid"]
    _sheet(
        wb,
        sheet_name("summary"),
        [_("Mandate"), _label("title"), *[_status_label(s) for s in statuses], _("Adds")],
        [
            [
                m.id,
                localized(m, "title"),
                *[counts[m.id][s] for s in statuses],
                len(comparison.adds[m.id]),
            ]
            for m in comparison.mandates
        ],
        [22, 50, 12],
    )
    header, rows = matrix_rows(comparison)
    titles = _titles(comparison)
    labelled = [
        [r[0], titles.get(r[0], r[1]), *[_status_label(s) for s in r[2:-1]], r[-1]] for r in rows
    ]
    ws = _sheet(wb, _(SHEETS["matrix"]), header, labelled, [14, 50, *[18] * len(ids), 22])
    _fill_statuses(ws, 3, 2 + len(ids))
    _sheet(
        wb,
        _(SHEETS["adds"]),
        [_("Mandate"), _label("id"), _label("title")],
        [[m, i, titles[i]] for m, added in comparison.adds.items() for i in added],
        [22, 14, 60],
    )
    _about(wb, comparison, comparison.mandates)
    return _save(wb, _("Mandate comparison: {ids}").format(ids=", ".join(ids)))


def render_amend_xlsx(result: AmendResult) -> Rendered:
    from openpyxl import Workbook

    from ..amendment import rule_diff

    wb = Workbook()
    wb.remove(wb.active)
    _sheet(
        wb,
        _(SHEETS["amendments"]),
        [
            _("Clause"),
            _("Change"),
            _("Before"),
            _("After"),
            _("Brings in (chosen)"),
            _("Also brings in"),
        ],
        [
            [
                a.clause,
                a.reason.replace("`", ""),
                _op_text(a.before),
                _op_text(a.after),
                ", ".join(a.brings_in),
                ", ".join(a.also_brings_in),
            ]
            for a in result.amendments
        ],
        [10, 40, 40, 50, 30, 30],
    )
    _sheet(
        wb,
        _(SHEETS["clauses"]),
        [_("Clause"), _("Rule before"), _("Rule after")],
        [list(pair) for pair in rule_diff(result)],
        [10, 70, 70],
    )
    _sheet(
        wb,
        _(SHEETS["uncovered"]),
        [_label("id"), _("Why")],
        [[u["id"], u["why"]] for u in result.uncovered],
        [14, 90],
    )
    _about(wb, result, [result.mandate, result.amended])
    return _save(wb, _("Amendments to {id}").format(id=result.mandate.id))

"""The library's entry points: the one place that wires reading, rules, engine and analysis."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, Unpack

import pandas as pd

from .analysis import Analysis
from .bundled import DEFAULT_DATA_NAME, DEFAULT_MANDATE, bundled_mandates, default_data
from .comparison import Comparison
from .engine import evaluate
from .errors import ScopeGapError, StrictError, did_you_mean
from .files import record_reads
from .i18n import _, format_number, ngettext
from .model import Mandate
from .readers import RawTable, Upload, read_table
from .readers.base import Reading, ReadOptions
from .readers.frame import frame_table
from .rules import load_mandate_file
from .validate import Table, build_table

if TYPE_CHECKING:  # amend's and rules diff's code is imported by those commands alone
    from .amendment import AmendResult
    from .mandatediff import MandateDiff

#: called with a stage's description and the number of rows read so far
Progress: TypeAlias = Callable[[str, int], None]

Inputs: TypeAlias = (
    str | Path | Upload | pd.DataFrame | Sequence[str | Path | Upload | pd.DataFrame] | None
)


class MandateNotFoundError(ScopeGapError):
    """-m names neither a file nor a bundled mandate."""


#: how many mandates `compare` needs
MIN_COMPARED = 2


class TooFewMandatesError(ScopeGapError):
    """A comparison was asked with fewer than MIN_COMPARED mandates."""


def check_compared(mandates: Sequence[object]) -> None:
    """TooFewMandatesError unless there are enough mandates to compare."""
    if len(mandates) < MIN_COMPARED:
        raise TooFewMandatesError(_("compare needs at least two mandates"))


def find_mandate(name: str | Path) -> tuple[Path, str]:
    """The rule file a `-m` value names (a path, else a bundled mandate's id) and how messages
    show it; MandateNotFoundError with a "did you mean" when it names neither."""
    bundled = bundled_mandates()
    path = Path(name)
    if path.is_file() or (str(name) not in bundled and os.path.lexists(path)):
        # a folder, a FIFO or a device is refused by the reader, saying which
        return path, str(name)
    if str(name) in bundled:
        return bundled[str(name)], f"rules/{name}.yaml"
    raise MandateNotFoundError(
        _("'{value}' is neither a rule file nor a bundled mandate").format(value=name)
        + _("{suggestion}; bundled: {mandates}").format(
            suggestion=did_you_mean(str(name), bundled), mandates=", ".join(bundled) or _("none")
        )
    )


def load_mandate(mandate: str | Path | Mandate | None = None) -> Mandate:
    """A mandate from a rule file's path or a bundled mandate's id (default: the Hogue inquiry)."""
    if isinstance(mandate, Mandate):
        return mandate
    path, shown = find_mandate(DEFAULT_MANDATE if mandate is None else mandate)
    return load_mandate_file(path, shown)


def read_inputs(inputs: Inputs, options: ReadOptions | None = None) -> list[RawTable]:
    """Read every input (default: the bundled dataset) into raw tables."""
    options = options or ReadOptions()
    if inputs is None or (isinstance(inputs, (list, tuple)) and not inputs):
        table = read_table(default_data(), encoding=options.encoding)
        table.path = DEFAULT_DATA_NAME
        return [table]
    items: Iterable[Any] = (
        [inputs] if isinstance(inputs, (str, Path, Upload, pd.DataFrame)) else inputs
    )
    tables = []
    for n, item in enumerate(items, start=1):
        if isinstance(item, pd.DataFrame):
            name = "<DataFrame>" if n == 1 else f"<DataFrame {n}>"
            tables.append(frame_table(item, name, options))
        else:
            tables.append(read_table(item, options=options))
    return tables


def analyze(
    inputs: Inputs = None,
    mandate: str | Path | Mandate | None = None,
    *,
    strict: bool = False,
    progress: Progress | None = None,
    require_incidents: bool = False,
    **reading: Unpack[Reading],
) -> Analysis:
    """Decide, for every incident of `inputs`, whether `mandate` lets the inquiry examine it.

    `inputs` are paths (`-` for CSV on standard input) or DataFrames; with none, the
    bundled dataset. `mandate` is a rule file's path, a bundled mandate's id or a
    Mandate; with none, the bundled Hogue mandate. The reader options (`encoding`,
    `sheet`, `day_first`, `month_first`, `header_row`, `columns`: see
    readers.base.ReadOptions) say how to read the inputs. Raises BadTableError for a table
    that cannot be analysed, RulesError for a malformed rule file (checked before any
    data is read), StrictError when `strict` and some row is invalid; with
    `require_incidents` (as the commands that write reports ask), NothingToReportError
    when no row could be read as an incident. `progress`, if given, hears of each stage
    done.
    """
    with record_reads() as read:
        the_mandate = load_mandate(mandate)
        table = _read(inputs, ReadOptions.of(reading), progress)
    if strict and table.invalid:
        first = table.invalid[0]
        raise StrictError(
            ngettext(
                "{count} invalid row(s) and --strict was given; first: {where}: {problem}",
                "{count} invalid row(s) and --strict was given; first: {where}: {problem}",
                len(table.invalid),
            ).format(
                count=len(table.invalid),
                where=f"{first.origin['path']}:{first.origin['row']}",
                problem=first.error_texts()[0],
            )
        )
    if require_incidents:
        _require_incidents(table)
    evaluation = evaluate(the_mandate, table)
    if progress:
        progress(_("classified under {mandate}").format(mandate=the_mandate.id), len(table))
    return Analysis(
        the_mandate, table, evaluation, warnings=list(table.warnings), read=frozenset(read)
    )


class NothingToReportError(ScopeGapError):
    """No row of the inputs could be read as an incident: there is nothing to report."""


def _require_incidents(table: Table) -> None:
    """Refuse to report on no incident at all (SPEC 4): every row invalid, or none read."""
    if len(table):
        return
    paths = [str(item["path"]) for item in table.inputs]
    if table.invalid:
        message = ngettext(
            "{files}: nothing to report: the {count} row read could not be read as an "
            "incident; 'scope-gap validate {paths}' shows what is wrong with it",
            "{files}: nothing to report: none of the {count} rows read could be read as an "
            "incident; 'scope-gap validate {paths}' shows what is wrong with each",
            len(table.invalid),
        )
    else:
        message = _(
            "{files}: nothing to report: no incident row was read; "
            "'scope-gap validate {paths}' shows how the table was read"
        )
    raise NothingToReportError(
        message.format(
            files=", ".join(paths),
            count=format_number(len(table.invalid)),
            paths=" ".join(paths),
        )
    )


def _read(inputs: Inputs, options: ReadOptions, progress: Progress | None) -> Table:
    raw = read_inputs(inputs, options)
    if progress:
        rows = sum(len(t.rows) for t in raw)
        progress(
            ngettext("read {count} rows", "read {count} rows", rows).format(
                count=format_number(rows)
            ),
            rows,
        )
    table = build_table(raw, day_order=options.day_order)
    if progress:
        progress(
            ngettext(
                "validated ({count} invalid)", "validated ({count} invalid)", len(table.invalid)
            ).format(count=format_number(len(table.invalid))),
            len(table) + len(table.invalid),
        )
    return table


def compare(
    inputs: Inputs = None,
    mandates: Sequence[str | Path | Mandate] = (),
    *,
    progress: Progress | None = None,
    require_incidents: bool = False,
    **reading: Unpack[Reading],
) -> Comparison:
    """Each incident's status under each of several mandates, and what each mandate adds.

    Every rule file is loaded (and refused if malformed) before any data is read; the
    table is read and validated once and evaluated under each mandate. With
    `require_incidents`, NothingToReportError when no row could be read as an incident.
    """
    with record_reads() as read:
        check_compared(mandates)
        loaded = [load_mandate(m) for m in mandates]
        seen: dict[str, str] = {}
        for mandate in loaded:
            if mandate.id in seen:
                raise ScopeGapError(
                    _(
                        "two mandates have the id '{id}' ({first} and {second}); "
                        "each mandate in a comparison needs its own id"
                    ).format(id=mandate.id, first=seen[mandate.id], second=mandate.path)
                )
            seen[mandate.id] = str(mandate.path)
        table = _read(inputs, ReadOptions.of(reading), progress)
    if require_incidents:
        _require_incidents(table)
    analyses = [
        Analysis(m, table, evaluate(m, table), warnings=list(table.warnings), read=frozenset(read))
        for m in loaded
    ]
    return Comparison(analyses, warnings=list(table.warnings))


def amend(
    inputs: Inputs = None,
    mandate: str | Path | Mandate | None = None,
    *,
    cover: Sequence[str] = (),
    cover_status: Sequence[str] = (),
    progress: Progress | None = None,
    require_incidents: bool = False,
    **reading: Unpack[Reading],
) -> AmendResult:
    """The smallest changes to `mandate` that bring the chosen incidents in scope.

    Choose incidents by id (`cover`) and/or by status (`cover_status`: context_only,
    out_of_scope, indeterminate).
    """
    from .amendment import amend_analysis

    analysis = analyze(
        inputs, mandate, progress=progress, require_incidents=require_incidents, **reading
    )
    return amend_analysis(analysis, list(cover), list(cover_status))


def check(inputs: Inputs, **reading: Unpack[Reading]) -> Table:
    """Read and validate input tables only: the clean table, its invalid rows, its
    warnings and how each header was read (`Table.readings`)."""
    options = ReadOptions.of(reading)
    return build_table(read_inputs(inputs, options), day_order=options.day_order)


def validate(
    inputs: Inputs, **reading: Unpack[Reading]
) -> tuple[list[dict[str, Any]], list[Any], list[str]]:
    """Check input tables only: (inputs read, invalid rows, warnings)."""
    table = check(inputs, **reading)
    return table.inputs, table.invalid, table.warnings


def diff_mandates(
    a: str | Path | Mandate,
    b: str | Path | Mandate,
    incidents: Inputs = None,
    **reading: Unpack[Reading],
) -> MandateDiff:
    """How mandate `b` differs from mandate `a`, clause by clause (section 9).

    With `incidents` (paths or DataFrames; None for none), the table is read once and
    evaluated under both (`reading`: as for `analyze`), and the diff also lists every incident
    whose status changes.
    """
    from .mandatediff import diff_mandates as diff

    result = diff(load_mandate(a), load_mandate(b))
    if incidents is None or (isinstance(incidents, (list, tuple)) and not incidents):
        return result
    table = _read(incidents, ReadOptions.of(reading), None)
    before = evaluate(result.a, table).status
    after = evaluate(result.b, table).status
    ids = table.frame["id"].tolist() if len(table) else []
    result.incidents = [
        (str(i), str(s1), str(s2)) for i, s1, s2 in zip(ids, before, after, strict=True) if s1 != s2
    ]
    result.warnings = list(table.warnings)
    return result

"""The HTML report: one self-contained page (inline CSS, SVG and script) that works offline,
without JavaScript, in print and on a phone.

Every piece of data reaches the page through Jinja2 with autoescaping on and a `finalize` hook
that removes control and bidi-override characters; only http, https and mailto sources become
links. The page lists at most `LIST_LIMIT` rows per list so that a 100,000-incident report
stays usable in a browser; counts and charts always cover every incident, and the rest of a
long list is pointed to in the xlsx, CSV and JSON reports.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import numbers
import os
import re
import stat
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader
from jinja2.bccache import Bucket
from markupsafe import Markup

from ..i18n import (
    N_,
    _,
    format_count,
    format_date,
    format_number,
    is_default_language,
    language,
    localized,
    localized_field,
    ngettext,
)
from ..model import (
    DISPLAY_NAMES,
    ENUMS,
    STATUS_LABELS,
    UNKNOWN,
    Coverage,
    Status,
    display_name,
    split_sources,
    status_label,
)
from ..operators import field_label, rule_text
from ..version import __version__
from ..wording import covered_by, reasons_of, unknown_fields, value_label
from . import Rendered, source_date_epoch
from .common import GAP_STATUSES, STATUS_PALETTE, extra_columns, header_names, origin_text

if TYPE_CHECKING:
    from ..analysis import Analysis

#: Rows shown per list (gap list, indeterminate, in scope, invalid); the rest are summarised.
LIST_LIMIT = 1000

CHART_STATUSES = (
    Status.IN_SCOPE.value,
    Status.CONTEXT_ONLY.value,
    Status.OUT_OF_SCOPE.value,
    Status.INDETERMINATE.value,
)
LINK_SCHEMES = ("http", "https", "mailto")
#: how the mandate table writes a clause's coverage (the rule file's words, in English)
COVERAGE_LABELS = {Coverage.EXAMINED.value: N_("examined"), Coverage.CONTEXT.value: N_("context")}
#: Shown under "More" for each incident: the contract's other columns (the rest are extras).
DETAIL_COLUMNS = ["jurisdiction", "event", "actor", "tactic", "target", "summary", "notes"]

# C0 controls except tab and newline, DEL, C1 controls, and the bidi embeddings, overrides
# and isolates (U+202A-U+202E, U+2066-U+2069) that could make text read in a false order.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_URL_IN_TEXT = re.compile(r"(?:https?://|mailto:)[^\s<>\"']+", re.IGNORECASE)


def clean_text(value: Any) -> str:
    """Text with control and bidi-override characters removed (CR LF kept as LF)."""
    if value is None:
        return ""
    return _UNSAFE_CHARS.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n"))


def link_target(text: str) -> str | None:
    """`text` as an href when it is an http, https or mailto URL, else None."""
    candidate = clean_text(text).strip()
    if not candidate or any(ch.isspace() for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in LINK_SCHEMES:
        return None
    if parts.scheme.lower() == "mailto":
        return candidate if len(candidate) > len("mailto:") else None
    return candidate if parts.netloc else None


def source_pieces(source: str) -> list[tuple[str, str | None]]:
    """One source as (text, href) pieces: the http(s)/mailto URLs in it become links."""
    source = clean_text(source)
    pieces: list[tuple[str, str | None]] = []
    position = 0
    for match in _URL_IN_TEXT.finditer(source):
        url = match.group(0).rstrip(".,;:)]}")
        href = link_target(url)
        if href is None:
            continue
        start = match.start()
        if start > position:
            pieces.append((source[position:start], None))
        pieces.append((url, href))
        position = start + len(url)
    if position < len(source):
        pieces.append((source[position:], None))
    return pieces


def anchor_id(incident_id: str) -> str:
    """`incident-<ID>`, stable across runs and injective: letters, digits, `.`, `_` and `-`
    stay as they are; any other character (`~` too) is written `~<hex code point>~`, so
    two different IDs never share an anchor (`a b` is `incident-a~20~b`)."""
    out = []
    for char in str(incident_id):
        if char.isalnum() or char in "._-":
            out.append(char)
        else:
            out.append(f"~{ord(char):x}~")
    return "incident-" + "".join(out)


def generated_at() -> str:
    """Now in UTC, or `SOURCE_DATE_EPOCH` when it is set (reproducible builds)."""
    moment = source_date_epoch() or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return moment.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def _finalize(value: Any) -> Any:
    """Applied to every `{{ }}` output before autoescaping: data loses its unsafe characters."""
    if isinstance(value, Markup):
        return value
    return clean_text(value)


def number(value: Any) -> str:
    """A count as a person reads it: as Python prints it in English (no separator, as the page
    always showed it), with the French separators in French; a numpy number as the number it
    is."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return str(value)
    return format_count(int(value) if isinstance(value, numbers.Integral) else float(value))


class _QuietCache(FileSystemBytecodeCache):
    """Compiled templates kept between runs, as Python keeps .pyc files: compiling the page's
    template takes longer than rendering the bundled data's report. Jinja checks each entry
    against the template's text and Python's version; an entry that cannot be read or written
    is skipped, never an error."""

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # noqa: BLE001 - pickle and marshal raise many kinds on damaged bytes
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def template_cache() -> FileSystemBytecodeCache | None:
    """The user's own cache folder for compiled templates (`$XDG_CACHE_HOME/scope-gap`, else
    `~/.cache/scope-gap`), or None when it cannot be made private to this user; set
    SCOPE_GAP_NO_CACHE=1 to compile every time."""
    if os.environ.get("SCOPE_GAP_NO_CACHE"):
        return None
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        folder = base / "scope-gap" / f"templates-{__version__}"
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        mode = folder.lstat()
        if not stat.S_ISDIR(mode.st_mode) or mode.st_uid != os.getuid() or mode.st_mode & 0o022:
            return None
    except (OSError, RuntimeError, AttributeError):  # no home, read-only, no getuid (Windows)
        return None
    return _QuietCache(str(folder))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the pages. It is cached: `_` and `ngettext` look the language
    up at each call, so one environment serves every language."""
    env = Environment(
        loader=PackageLoader("scope_gap.reports", "templates"),
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        extensions=["jinja2.ext.i18n"],
        bytecode_cache=template_cache(),
    )
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    # data passed into a message as a placeholder is cleaned like any other output
    env.filters["clean"] = clean_text
    env.filters["num"] = number
    env.filters["thousands"] = format_number
    env.globals["status_css"] = Markup(
        "\n".join(
            f".st-{code} {{ background: #{fill.lower()}; color: #{ink.lower()}; }}"
            for code, (fill, ink) in STATUS_PALETTE.items()
        )
    )
    return env


def script_hash(script: str) -> str:
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


# --- the page's content, as plain data for the template --------------------------------------


def _label(key: str) -> str:
    """A contract column's header in the current language (other keys as given)."""
    return display_name(key)


def _status_label(code: str) -> str:
    """A status as people read it, in the current language."""
    return status_label(code)


def status_labels() -> dict[str, str]:
    return {code: _status_label(code) for code in STATUS_LABELS}


#: columns the page shows in the current language when the data gives them (`title_fr`...)
LOCALIZED_COLUMNS = ("title", "summary")


def _details(fields: dict[str, Any], extras: list[tuple[str, str]]) -> list[tuple[str, str]]:
    out = [(_label(key), localized_field(fields, key)) for key in DETAIL_COLUMNS]
    # in another language, the `<column>_<lang>` columns shown in place of a column are not
    # repeated among the extras
    shown = set() if is_default_language() else {f"{key}_{language()}" for key in LOCALIZED_COLUMNS}
    out += [(name, fields.get(key, "")) for key, name in extras if key not in shown]
    return [(name, str(value)) for name, value in out if str(value).strip()]


def _incident_row(
    record: dict[str, Any], extras: list[tuple[str, str]], why: list[str], mandate: Any
) -> dict[str, Any]:
    fields = record["fields"]
    level = fields.get("level", "") or UNKNOWN
    return {
        "id": record["id"],
        "anchor": anchor_id(record["id"]),
        "title": localized_field(fields, "title"),
        "date": fields.get("date", ""),
        "level": value_label("level", level),
        "level_code": level,
        "event_type": value_label("event_type", fields.get("event_type", "")),
        "status": record["status"],
        "status_label": _status_label(record["status"]),
        "reasons": why,
        "covered_by": covered_by(mandate, record["covered_by"]),
        "gaps": record["gaps"],
        "unknown": unknown_fields(record["unknown"]),
        "evidence": value_label("evidence", fields.get("evidence", "")) or _("not given"),
        "sources": [source_pieces(s) for s in split_sources(clean_text(fields.get("sources", "")))],
        "details": _details(fields, extras),
        "origin": origin_text(record["origin"]),
    }


def _share(n: int, total: int) -> int:
    return round(100 * n / total) if total else 0


def _bar_rows(counts: dict[str, int], width: int = 600) -> tuple[int, list[dict[str, Any]]]:
    top = max(counts.values(), default=0) or 1
    return top, [
        {"label": label, "count": n, "width": round(width * n / top, 1)}
        for label, n in counts.items()
    ]


def _list_keys(analysis: Any) -> np.ndarray:
    """Each incident's list on the page: "gap", "indeterminate" or "in_scope"."""
    status = analysis.evaluation.status
    return np.where(np.isin(status, GAP_STATUSES), "gap", status)


def _list_totals(analysis: Any) -> tuple[Counter[str], Counter[tuple[str, ...]]]:
    """Incidents per list, and per list of gaps on the gap list (counted by the engine's
    distinct lists of gaps, each made a key once)."""
    keys = _list_keys(analysis)
    names, counts = np.unique(keys, return_counts=True)
    totals = Counter(dict(zip(names.tolist(), counts.tolist(), strict=True)))
    gaps = analysis.evaluation.lists["gaps"]
    groups = gaps.groups[0][keys == "gap"]
    group_totals: Counter[tuple[str, ...]] = Counter()
    for group, n in enumerate(np.bincount(groups, minlength=len(gaps.distinct)).tolist()):
        if n:
            group_totals[tuple(gaps.distinct[group])] += n
    return totals, group_totals


def _evidence_counts(analysis: Any) -> Counter[str]:
    """Incidents per evidence grade, a blank grade as not known."""
    frame = analysis.table.frame
    if "evidence" not in frame.columns:
        return Counter({UNKNOWN: len(frame)})
    return Counter(("" if v is None else str(v)) or UNKNOWN for v in frame["evidence"].tolist())


def _listed(analysis: Any) -> Iterator[tuple[str, tuple[dict[str, Any], list[str]]]]:
    """The first LIST_LIMIT incidents of each list, in input order, with their reasons."""
    keys = _list_keys(analysis)
    chosen = np.zeros(len(keys), dtype=bool)
    for key in ("gap", "indeterminate", "in_scope"):
        chosen[np.flatnonzero(keys == key)[:LIST_LIMIT]] = True
    rows = np.flatnonzero(chosen)
    why = reasons_of(analysis, rows.tolist())
    for (i, record), lines in zip(analysis.records_at(rows), why, strict=True):
        yield str(keys[i]), (record, lines)


def context(analysis: Any) -> dict[str, Any]:
    """Everything the template shows, computed once."""
    summary = analysis.summary
    mandate = analysis.mandate
    extras_keys = extra_columns(analysis.columns)
    extras = [
        (key, name)
        for key, name in zip(
            extras_keys,
            header_names(extras_keys, [_label(key) for key in DISPLAY_NAMES]),
            strict=True,
        )
        if key not in DETAIL_COLUMNS and key not in ("evidence", "sources")
    ]
    gap_index = {label: i for i, label in enumerate(summary["by_gap"])}

    lists: dict[str, list[tuple[dict[str, Any], list[str]]]] = {
        "gap": [],
        "indeterminate": [],
        "in_scope": [],
    }
    totals, group_totals = _list_totals(analysis)
    for key, (record, why) in _listed(analysis):
        lists[key].append((record, why))

    def rows(records: list[tuple[dict[str, Any], list[str]]]) -> list[dict[str, Any]]:
        out = []
        for record, why in records:
            row = _incident_row(record, extras, why, mandate)
            row["gap_ids"] = " ".join(str(gap_index[g]) for g in row["gaps"] if g in gap_index)
            out.append(row)
        return out

    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows(lists["gap"]):
        groups.setdefault(tuple(row["gaps"]), []).append(row)
    gap_groups = [
        {
            "gaps": list(gaps) or [_("No gap recorded")],
            "total": group_totals[gaps],
            "rows": groups.get(gaps, []),
        }
        for gaps in sorted(group_totals, key=lambda g: (-group_totals[g], list(g)))
    ]

    invalid_rows = []
    for n, row in enumerate(analysis.invalid[:LIST_LIMIT], start=1):
        fields = row.fields
        invalid_rows.append(
            {
                "anchor": f"invalid-{n}",
                "origin": origin_text(row.origin),
                "id": fields.get("id", ""),
                "title": localized_field(fields, "title"),
                "errors": row.error_texts(),
                "cells": [(_label(k), v) for k, v in fields.items() if str(v).strip()],
            }
        )

    level_rows = []
    _top, by_level_top = _bar_rows(
        {level: sum(counts.values()) for level, counts in summary["by_level"].items()}
    )
    for (level, counts), bar in zip(summary["by_level"].items(), by_level_top, strict=True):
        total = sum(counts.values()) or 1
        x = 0.0
        segments = []
        for status in CHART_STATUSES:
            n = counts.get(status, 0)
            if n:
                w = round(bar["width"] * n / total, 1)
                segments.append({"status": status, "x": round(x, 1), "width": w})
                x += w
        level_rows.append(
            {
                "level": value_label("level", level),
                "total": sum(counts.values()),
                "segments": segments,
                "parts": [(_status_label(s), counts.get(s, 0)) for s in CHART_STATUSES],
            }
        )

    valid = summary["total"] - summary["invalid"]
    status_counts = [
        (code, _status_label(code), summary[code], _share(summary[code], valid))
        for code in CHART_STATUSES
    ]
    evidence = _evidence_counts(analysis)
    evidence_counts = [
        (value_label("evidence", grade), evidence[grade])
        for grade in ENUMS["evidence"]
        if evidence[grade]
    ]

    levels_present = [
        (lv, value_label("level", lv)) for lv in ENUMS["level"] if lv in summary["by_level"]
    ]
    statuses_present = [s for s in CHART_STATUSES if summary[s]]

    clauses = [
        {
            "id": clause.id,
            "ref": clause.ref or "",
            "short": localized(clause, "short") or "",
            "coverage": _(COVERAGE_LABELS.get(clause.coverage.value, clause.coverage.value)),
            "text": localized(clause, "text") or "",
            "rule": rule_text(clause.when),
        }
        for clause in mandate.clauses
    ]
    periods = [
        {
            "name": name,
            "label": localized(period, "label") or "",
            "start": format_date(dt.date.fromordinal(period.start)),
            "end": format_date(dt.date.fromordinal(period.end)),
        }
        for name, period in mandate.periods.items()
    ]

    truncated = {
        key: (len(lists[key]), totals[key]) for key in lists if totals[key] > len(lists[key])
    }
    if len(analysis.invalid) > LIST_LIMIT:
        truncated["invalid"] = (LIST_LIMIT, len(analysis.invalid))

    return {
        "sentence": analysis.sentence(),
        "mandate": {
            "id": mandate.id,
            "title": localized(mandate, "title"),
            "authority": localized(mandate, "authority") or "",
            "url": mandate.url or "",
            "href": link_target(mandate.url or ""),
            "sha256": mandate.sha256 or "",
            "path": mandate.path or "",
        },
        "summary": summary,
        "valid": valid,
        "status_counts": status_counts,
        "lang": language(),
        "status_labels": status_labels(),
        "gap_bars": _bar_rows(summary["by_gap"])[1],
        "unknown_counts": [(field_label(k), n) for k, n in summary["by_unknown"].items()],
        "level_rows": level_rows,
        "chart_statuses": [(s, _status_label(s)) for s in CHART_STATUSES],
        "gap_groups": gap_groups,
        "gap_total": totals["gap"],
        "gap_listed": len(lists["gap"]),
        "gap_options": list(summary["by_gap"]),
        "level_options": levels_present,
        "status_options": [(s, _status_label(s)) for s in statuses_present],
        "indeterminate": rows(lists["indeterminate"]),
        "indeterminate_total": totals["indeterminate"],
        "in_scope": rows(lists["in_scope"]),
        "in_scope_total": totals["in_scope"],
        "invalid_rows": invalid_rows,
        "invalid_total": len(analysis.invalid),
        "listed": sum(len(v) for v in lists.values()),
        "truncated": truncated,
        "limit": LIST_LIMIT,
        "clauses": clauses,
        "periods": periods,
        "evidence_counts": evidence_counts,
        "provenance": {
            "version": __version__,
            "generated": generated_at(),
            "inputs": [dict(item) for item in analysis.table.inputs],
            "command": analysis.command or "",
            "warnings": list(analysis.warnings),
        },
    }


def render_html(analysis: Any) -> tuple[str, list[str]]:
    """The page's text and the warnings about what it had to leave out."""
    env = environment()
    # the script carries one translated text: the hash is of the script as the page has it
    script_context = {"count_expression": count_expression()}
    script = env.get_template("report.js").render(**script_context)
    page = env.get_template("report.html.j2").render(
        script_hash=script_hash(script), **script_context, **context(analysis)
    )
    return page, _warnings(analysis)


def count_expression() -> str:
    """The script's expression for "3 of 12 listed incidents shown" in the current language
    (`shown` and `rows.length` are the script's variables)."""
    text = _("{shown} of {total} listed incidents shown")
    names = {"{shown}": "shown", "{total}": "rows.length"}
    parts = []
    for piece in re.split(r"(\{shown\}|\{total\})", text):
        if piece in names:
            parts.append(names[piece])
        elif piece:
            parts.append(json.dumps(piece).replace("<", "\\u003c"))
    return Markup(" + ".join(parts))


#: what `_warnings` calls each list of the page
LIST_NAMES = {
    "gap": N_(
        "HTML report: the gap list shows {shown} of {total} rows; "
        "the xlsx, CSV and JSON reports have them all"
    ),
    "indeterminate": N_(
        "HTML report: the indeterminate list shows {shown} of {total} rows; "
        "the xlsx, CSV and JSON reports have them all"
    ),
    "in_scope": N_(
        "HTML report: the in-scope list shows {shown} of {total} rows; "
        "the xlsx, CSV and JSON reports have them all"
    ),
    "invalid": N_(
        "HTML report: the invalid rows shows {shown} of {total} rows; "
        "the xlsx, CSV and JSON reports have them all"
    ),
}


def _warnings(analysis: Any) -> list[str]:
    summary = analysis.summary
    counts = {
        "gap": summary["out_of_scope"] + summary["context_only"],
        "indeterminate": summary["indeterminate"],
        "in_scope": summary["in_scope"],
        "invalid": summary["invalid"],
    }
    return [
        _(LIST_NAMES[key]).format(shown=format_number(LIST_LIMIT), total=format_number(n))
        for key, n in counts.items()
        if n > LIST_LIMIT
    ]


def render_html_report(analysis: Analysis) -> Rendered:
    """The HTML report as UTF-8, and warnings for lists it had to shorten."""
    page, warnings = render_html(analysis)
    return Rendered(page.encode("utf-8"), tuple(warnings))

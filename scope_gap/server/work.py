"""What the server asks of the library, from a form's fields: the same functions the command line
calls, reading the uploaded bytes under the names the files were sent with.

Everything here runs in a worker thread, inside `use_language(...)`; a bad input raises a
ScopeGapError whose message is the one the command line prints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import api
from ..bundled import bundled_mandates
from ..errors import ScopeGapError, did_you_mean
from ..i18n import LANGUAGES, N_, _, default_language, localized
from ..model import COLUMNS, Mandate, display_name
from ..readers import Upload
from ..rules import load_mandate_file
from .uploads import Form

FORMATS = ("json", "xlsx", "html", "csv")
MEDIA_TYPES = {
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}
#: form field -> the library's keyword, for the readers' options
READER_OPTIONS = {
    "sheet": "sheet",
    "header_row": "header_row",
    "day_first": "day_first",
    "month_first": "month_first",
    "encoding": "encoding",
}
#: the column map file's keyword in the library
COLUMNS_KEYWORD = "columns"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class RequestError(ScopeGapError):
    """A form the server cannot act on (a field missing, a value it does not know)."""


@dataclass
class Rendered:
    """A report's bytes, their content type and the file name to offer."""

    body: bytes
    media_type: str
    filename: str


def language_of(form: Form) -> str:
    lang = (form.text("lang") or default_language()).lower()
    if lang not in LANGUAGES:
        raise RequestError(
            _("unknown language '{lang}'; expected one of: {languages}").format(
                lang=lang, languages=", ".join(LANGUAGES)
            )
        )
    return lang


def format_of(form: Form) -> str:
    fmt = (form.text("format") or "json").lower()
    if fmt not in FORMATS:
        raise RequestError(
            _("unknown format '{format}'{hint}").format(format=fmt, hint=did_you_mean(fmt, FORMATS))
        )
    return fmt


def _bundled(name: str) -> Mandate:
    """A bundled mandate by id; never a path (a client does not name files on this machine)."""
    bundled = bundled_mandates()
    if name not in bundled:
        # the command line's own message for a -m it cannot find
        raise RequestError(
            _("'{value}' is neither a rule file nor a bundled mandate").format(value=name)
            + _("{suggestion}; bundled: {mandates}").format(
                suggestion=did_you_mean(name, bundled), mandates=", ".join(bundled)
            )
        )
    return api.load_mandate(name)


def _uploaded_mandate(upload: Upload) -> Mandate:
    return load_mandate_file(upload.file, upload.name)


def mandate_of(form: Form) -> Mandate:
    """The one mandate of an analysis: a bundled id (`mandate`) or a rule file (`mandate_file`)."""
    names = [v.strip() for v in form.texts.get("mandate", []) if v.strip()]
    files = form.uploads("mandate_file")
    if len(names) + len(files) > 1:
        raise RequestError(_("give one mandate: either 'mandate' or 'mandate_file', once"))
    if files:
        return _uploaded_mandate(files[0])
    return _bundled(names[0] if names else api.DEFAULT_MANDATE)


def mandates_of(form: Form) -> list[Mandate]:
    """Every mandate of a comparison: bundled ids, then rule files, in the order sent."""
    names = [v.strip() for v in form.texts.get("mandate", []) if v.strip()]
    mandates = [_bundled(name) for name in names]
    mandates += [_uploaded_mandate(u) for u in form.uploads("mandate_file")]
    return mandates


def inputs_of(form: Form) -> list[Upload]:
    uploads = form.uploads("files")
    if not uploads:
        raise RequestError(_("no incident file was sent (the form field 'files')"))
    return uploads


def _flag(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RequestError(
        _("'{name}' must be true or false, not '{value}'").format(name=name, value=value)
    )


def supported_options() -> set[str]:
    """The reader options this version of the library takes (readers.base.Reading)."""
    from ..readers.base import Reading

    return set(Reading.__optional_keys__) | set(Reading.__required_keys__)


def reader_options(form: Form) -> dict[str, Any]:
    """The readers' options sent with the form, as the library's keywords; an option this
    version of the library does not take is refused by name."""
    accepted = supported_options()
    options: dict[str, Any] = {}
    for field, keyword in READER_OPTIONS.items():
        value = form.text(field)
        if value is None:
            continue
        if field == "header_row":
            if not value.isdigit() or int(value) < 1:
                raise RequestError(
                    _("'{name}' must be a whole number of at least 1, not '{value}'").format(
                        name=field, value=value
                    )
                )
            options[keyword] = int(value)
        elif field in ("day_first", "month_first"):
            if _flag(field, value):
                options[keyword] = True
        else:
            options[keyword] = value
    if options.get("day_first") and options.get("month_first"):
        raise RequestError(_("'day_first' and 'month_first' cannot both be true"))
    for field, keyword in READER_OPTIONS.items():
        if keyword in options and keyword not in accepted:
            raise RequestError(
                _("the option '{name}' is not supported by this version of scope-gap").format(
                    name=field
                )
            )
    maps = form.uploads("columns_file")
    if maps:
        if COLUMNS_KEYWORD not in accepted:
            raise RequestError(
                _("the option '{name}' is not supported by this version of scope-gap").format(
                    name="columns_file"
                )
            )
        if len(maps) > 1:
            raise RequestError(_("give at most one column map ('columns_file')"))
        options[COLUMNS_KEYWORD] = column_map(maps[0])
    return options


def named(upload: Upload, exc: ScopeGapError) -> ScopeGapError:
    """`exc` naming the upload by its name where it names the server's file."""
    where = exc.location
    if where is not None and where.path == str(upload.file):
        exc.location = replace(where, path=upload.name)
    return exc


def column_map(upload: Upload) -> Any:
    """A `--columns` file sent with the form, read by the library, known by its name."""
    from ..readers.columnmap import load_column_map

    try:
        loaded = load_column_map(upload.file)
    except ScopeGapError as exc:
        raise named(upload, exc) from None
    return replace(loaded, path=upload.name)


def analyze(form: Form) -> Any:
    """The analysis `scope-gap analyze` makes of the same files under the same mandate."""
    mandate = mandate_of(form)
    options = reader_options(form)
    return api.analyze(inputs_of(form), mandate, require_incidents=True, **options)


def compare(form: Form) -> Any:
    mandates = mandates_of(form)
    options = reader_options(form)
    return api.compare(inputs_of(form), mandates, require_incidents=True, **options)


class CheckError(RequestError):
    """A table that cannot be analysed, with how its columns were read where they could be:
    the page shows them so that the mapping can be corrected."""

    def __init__(self, message: str, report: dict[str, Any]):
        super().__init__(message)
        self.report = report


def _columns(matches: list[Any], keys: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "header": match.header if hasattr(match, "header") else match,
            "column": key if key in COLUMNS else None,
            "how": getattr(match, "how", None),
            "computed": bool(getattr(match, "computed", False)),
        }
        for match, key in zip(matches, keys, strict=False)
    ]


def _match(header: str, raw: Any) -> Any:
    from ..vocabulary import match_header

    return match_header(header, getattr(raw, "column_map", None))


def _reading(raw: Any) -> dict[str, Any]:
    """How one raw table's header was read (the library's resolve_headers)."""
    from ..validate import resolve_headers

    try:
        resolved: Any = resolve_headers(raw)
        keys = getattr(resolved, "keys", resolved)
        matches = getattr(resolved, "matches", None) or list(raw.headers)
    except ScopeGapError:  # a table that cannot be read: each header as it matches alone
        matches = [_match(header, raw) for header in raw.headers]
        keys = [getattr(m, "column", None) for m in matches]
    return {
        "path": raw.path,
        "sheet": raw.sheet,
        "rows": len(raw.rows),
        "header_row": getattr(raw, "header_row", None),
        "columns": _columns(matches, keys),
    }


def check(form: Form) -> dict[str, Any]:
    """How each file's columns were read, every invalid row and every warning: what the page
    shows before it analyses (the library's `validate`)."""
    from ..readers.base import ReadOptions
    from ..validate import build_table

    options = ReadOptions.of(reader_options(form))  # type: ignore[arg-type]
    base = {
        "columns": [{"id": key, "label": display_name(key)} for key in COLUMNS],
        "column_map": COLUMNS_KEYWORD in supported_options(),
    }
    raws = api.read_inputs(inputs_of(form), options)
    files = [_reading(raw) for raw in raws]
    try:
        table = build_table(raws, day_order=options.day_order)
    except ScopeGapError as exc:
        raise CheckError(str(exc), {**base, "files": files, "error": str(exc)}) from None
    return {
        **base,
        "files": files,
        "incidents": len(table),
        "invalid": [row.to_dict() for row in table.invalid],
        "warnings": list(table.warnings),
    }


_UNSAFE_FILE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(stem: str, fmt: str) -> str:
    """A download's file name: letters, digits, dot, hyphen and underscore only, no leading dot."""
    cleaned = _UNSAFE_FILE_NAME.sub("-", stem).strip(".-")[:100] or "report"
    return f"{cleaned}.{fmt}"


def render(result: Any, fmt: str, folder: Path) -> Rendered:
    """The report `scope-gap analyze` (or `compare`) would write in `fmt`, as bytes (from the
    same renderer registry, checked the same way; `folder` is unused now nothing is written)."""
    from ..comparison import Comparison
    from ..reports import kind_of, renderer

    is_comparison = isinstance(result, Comparison)
    stem = result.stem if is_comparison else f"{result.mandate.id}-gap-report"
    entry = renderer(kind_of(result), fmt)
    if entry.check is not None:
        entry.check(result)
    body = entry.render(result).data
    return Rendered(body, MEDIA_TYPES[fmt], safe_filename(stem, fmt))


def template(folder: Path) -> Rendered:
    """The blank input workbook of `scope-gap template`, in the current language."""
    from ..reports.template import render_template

    body = render_template().data
    return Rendered(body, MEDIA_TYPES["xlsx"], "scope-gap-template.xlsx")


def mandates() -> list[dict[str, str]]:
    """Every bundled mandate's id and title (in the current language)."""
    out = []
    for name in bundled_mandates():
        mandate = api.load_mandate(name)
        out.append({"id": mandate.id, "title": localized(mandate, "title")})
    return out


def summary_of(result: Any) -> dict[str, Any]:
    """What the page shows of a result before its report: the finding and the counts."""
    from ..comparison import Comparison

    if isinstance(result, Comparison):
        return {
            "kind": "compare",
            "mandates": [{"id": m.id, "title": localized(m, "title")} for m in result.mandates],
            "counts": result.counts(),
            "adds": result.adds,
            "warnings": list(result.warnings),
        }
    summary = dict(result.summary)
    finding = summary.get("finding") or result.sentence()
    return {
        "kind": "analysis",
        "mandate": {"id": result.mandate.id, "title": localized(result.mandate, "title")},
        "finding": finding,
        "summary": summary,
        "warnings": list(result.warnings),
    }


UNEXPECTED = N_("unexpected {error}: {message} (please report it)")

"""Renderers, in one registry keyed by (result kind, format), and the safe way to write their files.

A renderer takes a typed result (an Analysis, a Comparison or an AmendResult) and returns a
`Rendered`: the file's bytes and its own warnings; it changes nothing. `write_reports` checks
every format first (limits, text a format cannot hold), renders each into a temporary file
beside its target, and only when all succeeded renames them into place together: a run that
fails leaves the previous set of reports untouched. Only a kill in the instant of the final
renames can leave a mixed set. No report is ever written over a file the command read.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeAlias, TypeVar

from ..errors import ScopeGapError, did_you_mean, os_reason
from ..files import display_path
from ..i18n import _

if TYPE_CHECKING:
    from ..amendment import AmendResult
    from ..analysis import Analysis
    from ..comparison import Comparison

Kind: TypeAlias = Literal["analysis", "comparison", "amendment"]
Result = TypeVar("Result")

DEFAULT_FORMATS = ("xlsx", "html", "json")


class OutputError(ScopeGapError):
    """A report cannot be written where it was asked for."""


@dataclass(frozen=True)
class Rendered:
    """What a renderer made: the file's content and the warnings about what it had to change
    or leave out. The content is bytes, or a function giving its pieces in order (a large JSON
    report streams them, so it is never held whole)."""

    content: bytes | Callable[[], Iterable[bytes]]
    warnings: tuple[str, ...] = ()

    def pieces(self) -> Iterable[bytes]:
        return [self.content] if isinstance(self.content, bytes) else self.content()

    def write_to(self, handle: Any) -> None:
        for piece in self.pieces():
            handle.write(piece)

    @property
    def data(self) -> bytes:
        """The whole content as bytes (joins the pieces of a streamed one)."""
        return b"".join(self.pieces())

    def save(self, path: str | Path) -> list[str]:
        """Write the content to `path` as is (no temporary file); return the warnings."""
        with open(path, "wb") as handle:
            self.write_to(handle)
        return list(self.warnings)


@dataclass(frozen=True)
class Renderer(Generic[Result]):
    """One format of one kind of result: how to render it and what to refuse before writing."""

    render: Callable[[Result], Rendered]
    #: raises OutputError when the result cannot be written in this format; it runs for every
    #: format asked for before any file is written
    check: Callable[[Result], None] | None = None


# --- the registry ---------------------------------------------------------------------------
# Each entry imports its module only when called, so that `-f json` never imports openpyxl.


def _analysis_xlsx(result: Analysis) -> Rendered:
    from .excel import render_xlsx

    return render_xlsx(result)


def _analysis_xlsx_check(result: Analysis) -> None:
    from .excel import check_xlsx

    check_xlsx(result)


def _analysis_html(result: Analysis) -> Rendered:
    from .html import render_html_report

    return render_html_report(result)


def _analysis_json(result: Analysis) -> Rendered:
    from .json import render_json

    return render_json(result)


def _analysis_csv(result: Analysis) -> Rendered:
    from .csv import render_csv

    return render_csv(result)


def _comparison_xlsx(result: Comparison) -> Rendered:
    from .views import render_compare_xlsx

    return render_compare_xlsx(result)


def _comparison_html(result: Comparison) -> Rendered:
    from .views import render_compare_html

    return render_compare_html(result)


def _comparison_json(result: Comparison) -> Rendered:
    from .compare import render_compare_json

    return render_compare_json(result)


def _comparison_csv(result: Comparison) -> Rendered:
    from .compare import render_compare_csv

    return render_compare_csv(result)


def _amendment_yaml(result: AmendResult) -> Rendered:
    from .amend import render_amended_yaml

    return render_amended_yaml(result)


def _amendment_json(result: AmendResult) -> Rendered:
    from .amend import render_amend_json

    return render_amend_json(result)


def _amendment_html(result: AmendResult) -> Rendered:
    from .views import render_amend_html

    return render_amend_html(result)


def _amendment_xlsx(result: AmendResult) -> Rendered:
    from .views import render_amend_xlsx

    return render_amend_xlsx(result)


RENDERERS: dict[tuple[Kind, str], Renderer[Any]] = {
    ("analysis", "xlsx"): Renderer(_analysis_xlsx, _analysis_xlsx_check),
    ("analysis", "html"): Renderer(_analysis_html),
    ("analysis", "json"): Renderer(_analysis_json),
    ("analysis", "csv"): Renderer(_analysis_csv),
    ("comparison", "xlsx"): Renderer(_comparison_xlsx),
    ("comparison", "html"): Renderer(_comparison_html),
    ("comparison", "json"): Renderer(_comparison_json),
    ("comparison", "csv"): Renderer(_comparison_csv),
    ("amendment", "yaml"): Renderer(_amendment_yaml),
    ("amendment", "json"): Renderer(_amendment_json),
    ("amendment", "html"): Renderer(_amendment_html),
    ("amendment", "xlsx"): Renderer(_amendment_xlsx),
}
#: the files `amend` always writes, before the formats asked for
AMEND_ALWAYS = ("yaml", "json")


def formats_of(kind: Kind) -> list[str]:
    """The formats a kind of result can be written in, in the registry's order."""
    return [fmt for k, fmt in RENDERERS if k == kind]


def kind_of(result: Any) -> Kind:
    """Which kind of result this is (its class says, by its `kind` attribute)."""
    kind = getattr(result, "kind", None)
    if kind not in ("analysis", "comparison", "amendment"):
        raise TypeError(f"not a result scope-gap can render: {type(result).__name__}")
    return kind  # type: ignore[no-any-return]


def renderer(kind: Kind, fmt: str) -> Renderer[Any]:
    """The renderer of `fmt` for a kind of result; OutputError names the formats there are."""
    try:
        return RENDERERS[(kind, fmt)]
    except KeyError:
        raise OutputError(
            _("unknown format '{format}'{hint}").format(
                format=fmt, hint=did_you_mean(fmt, formats_of(kind))
            )
        ) from None


def file_name(result: Any, kind: Kind, fmt: str) -> str:
    """`<mandate id>-gap-report.<fmt>`, `compare-<ids>.<fmt>`, `<id>-amended.yaml` and
    `<id>-amendments.<fmt>`."""
    if kind == "analysis":
        return f"{result.mandate.id}-gap-report.{fmt}"
    if kind == "comparison":
        return f"{result.stem}.{fmt}"
    if fmt == "yaml":
        return f"{result.mandate.id}-amended.yaml"
    return f"{result.mandate.id}-amendments.{fmt}"


# --- inputs are never written over ------------------------------------------------------------


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return (st.st_dev, st.st_ino)


def refuse_inputs(
    targets: Iterable[Path],
    protect: Iterable[str | Path] = (),
    read: Iterable[tuple[int, int]] = (),
) -> None:
    """OutputError if a target is one of the files read (the same path, a symbolic or a hard
    link to it: any name of the same file) or one of the protected paths."""
    protected = [Path(p) for p in protect if str(p) != "-"]
    identities = {i for i in map(_identity, protected) if i is not None}
    resolved = set()
    for path in protected:
        with contextlib.suppress(OSError, RuntimeError, ValueError):
            resolved.add(path.resolve())
    identities |= set(read)
    for target in targets:
        try:
            same_path = target.resolve() in resolved
        except (OSError, RuntimeError, ValueError):
            same_path = False
        if same_path or _identity(target) in identities:
            raise OutputError(
                _("{path}: refusing to write a report over an input file").format(path=target)
            )


# --- writing ------------------------------------------------------------------------------------


@dataclass
class Written:
    """The files a run wrote and the renderers' warnings (in the registry's order of formats,
    whatever the order they were asked in)."""

    paths: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def write_reports(
    result: Any,
    directory: str | Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    protect: Iterable[str | Path] = (),
    *,
    progress: Callable[[str], None] | None = None,
) -> Written:
    """Write each format of `result` into `directory`, all of them or none (see the module).

    For an amendment, the amended rule file (when there is one) and the JSON are always
    written too. `protect`
    adds paths never to write over to the files the result was made from (`result.read`).
    """
    kind = kind_of(result)
    asked = list(dict.fromkeys(formats))
    if kind == "amendment":
        # with nothing to change there is no amended mandate: an earlier one stays
        always = [f for f in AMEND_ALWAYS if f != "yaml" or result.amended_yaml is not None]
        asked = list(dict.fromkeys([*always, *asked]))
    chosen = {fmt: renderer(kind, fmt) for fmt in asked}
    order = [fmt for fmt in formats_of(kind) if fmt in chosen]  # the same whatever -f's order
    folder = Path(directory)
    targets = {fmt: folder / file_name(result, kind, fmt) for fmt in order}
    refuse_inputs(targets.values(), protect, result.read)
    for fmt in order:
        check = chosen[fmt].check
        if check is not None:
            check(result)
    written = Written()
    temps: dict[str, Path] = {}
    with _terminate_as_exit():
        try:
            # JSON last: its `warnings` say what the other reports had to change too
            for fmt in sorted(order, key=lambda f: f == "json"):
                temps[fmt] = _temporary(targets[fmt])
                subject = result
                if written.warnings and hasattr(result, "with_warnings"):
                    subject = result.with_warnings(written.warnings)
                rendered = chosen[fmt].render(subject)
                if kind == "amendment" and fmt == "yaml":
                    rendered = _naming_the_schema(rendered, targets[fmt])
                _write_into(temps[fmt], rendered)
                written.warnings.extend(w for w in rendered.warnings if w not in written.warnings)
            refuse_inputs(targets.values(), protect, result.read)  # in case one appeared meanwhile
            for fmt in order:
                os.replace(temps.pop(fmt), targets[fmt])
                written.paths.append(targets[fmt])
                if progress:
                    progress(_("wrote {path}").format(path=display_path(targets[fmt])))
        except OSError as exc:
            raise OutputError(
                _("{path}: cannot write reports there ({reason})").format(
                    path=folder, reason=os_reason(exc)
                )
            ) from None
        finally:  # Ctrl-C and SIGTERM too: no temporary file stays behind
            for temp in temps.values():
                with contextlib.suppress(OSError):
                    temp.unlink()
    return written


def _naming_the_schema(rendered: Rendered, target: Path) -> Rendered:
    """An amended mandate whose first line points an editor to the schema by a path that
    resolves from the folder it is written to (SPEC 9)."""
    from ..rules.schema import with_schema_comment

    text = b"".join(rendered.pieces()).decode("utf-8")
    return Rendered(with_schema_comment(text, target).encode("utf-8"), rendered.warnings)


def write_file(target: str | Path, rendered: Rendered, protect: Iterable[str | Path] = ()) -> Path:
    """Write one rendered file whole or not at all (temporary file, then rename)."""
    target = Path(target)
    refuse_inputs([target], protect)
    with _terminate_as_exit():
        try:
            temp = _temporary(target)
            _write_into(temp, rendered)
        except OSError as exc:
            raise OutputError(
                _("{path}: cannot write reports there ({reason})").format(
                    path=target.parent, reason=os_reason(exc)
                )
            ) from None
        try:
            os.replace(temp, target)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    return target


def _temporary(target: Path) -> Path:
    """A new empty temporary file beside `target` (same folder, so the rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(handle)
    return Path(name)


def _write_into(temp: Path, rendered: Rendered) -> None:
    """The content into the temporary file, flushed to disk (so that a crash just after the
    rename cannot leave an empty report in its place); the file is removed if this fails."""
    try:
        with open(temp, "wb") as out:
            rendered.write_to(out)
            out.flush()
            with contextlib.suppress(OSError):
                os.fsync(out.fileno())
        os.chmod(temp, 0o644)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While reports are written, SIGTERM raises SystemExit so the temporary files are removed
    (Python's default would end the process on the spot). Only the main thread can do this.
    An exit raised inside a finaliser (a library's `__del__`) would print "Exception ignored
    in ..." with a traceback: those are silenced while the block runs, and after it when
    it ends by SIGTERM or Ctrl-C."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    def unraisable(info: Any) -> None:
        if not isinstance(info.exc_value, (SystemExit, KeyboardInterrupt)):
            previous_hook(info)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not allowed here (embedded interpreter)
        yield
        return
    previous_hook = sys.unraisablehook
    sys.unraisablehook = unraisable
    stopping = False
    try:
        yield
    except (SystemExit, KeyboardInterrupt):
        # the process is ending: a half-written workbook's generators are closed later, when
        # the traceback is freed, and would each print "Exception ignored in ..."
        stopping = True
        raise
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
        sys.unraisablehook = _ignore_unraisable if stopping else previous_hook


def _ignore_unraisable(info: Any) -> None:
    """Nothing: set once a report was stopped by Ctrl-C or SIGTERM and the process ends."""


#: the last second of the year 9999: later times cannot be written as dates
_LAST_EPOCH = 253_402_300_799


class EpochError(OutputError):
    """SOURCE_DATE_EPOCH is set to something that is not a time reports can carry."""


def source_date_epoch() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH (reproducible builds) as a naive UTC time, or None when unset."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or int(value) > _LAST_EPOCH:
        raise EpochError(
            _(
                "SOURCE_DATE_EPOCH={value!r} is not a time reports can carry: it must be a "
                "whole number of seconds since 1970-01-01 UTC, at most {last} (the end of 9999)"
            ).format(value=value, last=_LAST_EPOCH)
        )
    return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=int(value))

"""Renderers of an Analysis, looked up by format name, and the safe way to write their files."""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ScopeGapError, did_you_mean, os_reason
from ..i18n import _

#: format -> (module, function); modules are imported only when their format is asked for.
WRITERS: dict[str, tuple[str, str]] = {
    "xlsx": ("excel", "write_xlsx"),
    "html": ("html", "write_html"),
    "json": ("json", "write_json"),
    "csv": ("csv", "write_csv"),
}
#: the same for `compare` reports
COMPARE_WRITERS: dict[str, tuple[str, str]] = {
    "xlsx": ("views", "write_compare_xlsx"),
    "html": ("views", "write_compare_html"),
    "json": ("compare", "write_compare_json"),
    "csv": ("compare", "write_compare_csv"),
}
DEFAULT_FORMATS = ("xlsx", "html", "json")


class OutputError(ScopeGapError):
    """A report cannot be written where it was asked for."""


def writer(
    fmt: str, table: dict[str, tuple[str, str]] | None = None
) -> Callable[[Any, Path], list[str] | None]:
    table = WRITERS if table is None else table
    if fmt not in table:
        raise OutputError(
            _("unknown format '{format}'{hint}").format(format=fmt, hint=did_you_mean(fmt, table))
        )
    module, name = table[fmt]
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def atomic_write(
    target: Path, write: Callable[[Path], object], protect: Iterable[Path] = ()
) -> Path:
    """Write `target` whole or not at all (temporary file, then rename); never over `protect`."""
    for path in protect:
        if _same_file(target, path) or target.resolve() == path.resolve():
            raise OutputError(
                _("{path}: refusing to write a report over an input file").format(path=target)
            )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(
            _("{path}: cannot write reports there ({reason})").format(
                path=target.parent, reason=os_reason(exc)
            )
        ) from None
    os.close(handle)
    temp_path = Path(temp)
    with _terminate_as_exit():
        try:
            write(temp_path)
            os.chmod(temp_path, 0o644)
            _flush_to_disk(temp_path)
            os.replace(temp_path, target)
        except BaseException:  # Ctrl-C and SIGTERM too: no half-written file stays behind
            temp_path.unlink(missing_ok=True)
            raise
    return target


def _flush_to_disk(path: Path) -> None:
    """So that a crash just after the rename cannot leave an empty report in its place."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def _terminate_as_exit() -> Iterator[None]:
    """While a report is written, SIGTERM raises SystemExit so the temporary file is removed
    (Python's default would end the process on the spot). Only the main thread can do this."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield
        return

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except (ValueError, OSError):  # not allowed here (embedded interpreter)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)


def report_path(directory: Path, stem: str, fmt: str) -> Path:
    return Path(directory) / f"{stem}.{fmt}"


def write_reports(
    analysis: Any,
    directory: str | Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    protect: Iterable[str | Path] = (),
    *,
    stem: str | None = None,
    table: dict[str, tuple[str, str]] | None = None,
    progress: Callable[[str], None] | None = None,
) -> list[Path]:
    """Write `<stem>.<ext>` for each format into `directory` (default stem:
    `<mandate id>-gap-report`; `table` COMPARE_WRITERS for a comparison).

    A renderer is `write_<fmt>(result, path) -> list[str] | None`; the warnings it
    returns are added to `result.warnings`; `progress`, if given, hears of each file written.
    """
    formats = list(dict.fromkeys(formats))
    writers = {fmt: writer(fmt, table) for fmt in formats}
    protected = [Path(p) for p in protect if str(p) != "-"]
    stem = stem or f"{analysis.mandate.id}-gap-report"
    targets = {fmt: report_path(Path(directory), stem, fmt) for fmt in formats}
    for target in targets.values():
        for path in protected:
            if _same_file(target, path) or target.resolve() == path.resolve():
                raise OutputError(
                    _("{path}: refusing to write a report over an input file").format(path=target)
                )
    written = []
    for fmt, target in targets.items():

        def write(
            path: Path, render: Callable[[Any, Path], list[str] | None] = writers[fmt]
        ) -> None:
            # a renderer returns what it had to change (truncated cells, capped links)
            for warning in render(analysis, path) or []:
                if warning not in analysis.warnings:
                    analysis.warnings.append(warning)

        written.append(atomic_write(target, write, protected))
        if progress:
            progress(_("wrote {path}").format(path=target))
    return written

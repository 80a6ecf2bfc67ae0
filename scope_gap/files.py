"""Opening the files a command reads: regular files only (or standard input by `-`), read
with a size limit, and each one recorded so that no report is ever written over it.

A FIFO, a device or a folder is refused before anything is read from it (opening a FIFO
does not block: it is opened non-blocking and checked with fstat first). A file is read in
blocks up to its limit plus one byte, so `/dev/zero`-like files cannot fill the memory.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

from .errors import Location, ScopeGapError, os_reason
from .i18n import _, format_number

#: the files read within the current `record_reads()` block, by (device, inode)
_LOG: ContextVar[set[tuple[int, int]] | None] = ContextVar("scope_gap_files_read", default=None)

BLOCK = 1 << 20


class InputFileError(ScopeGapError):
    """A file named as an input cannot be read as one."""


@contextlib.contextmanager
def record_reads() -> Iterator[set[tuple[int, int]]]:
    """Record, by (device, inode), every file read inside the block (nested blocks report to
    the outer one too); the writer refuses to write a report over any of them."""
    parent = _LOG.get()
    log: set[tuple[int, int]] = set()
    token = _LOG.set(log)
    try:
        yield log
    finally:
        _LOG.reset(token)
        if parent is not None:
            parent |= log


def display_path(path: str | Path) -> str:
    """A path as it can be printed in any locale: undecodable bytes shown as \\xNN."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(text)
        return raw.decode("utf-8", "backslashreplace")
    return text


def _too_large(
    shown: str, limit: int, variable: str, error: type[ScopeGapError], message: str | None = None
) -> ScopeGapError:
    if message is not None:
        return error(message, Location(shown))
    return error(
        _(
            "{what}, more than the limit of {limit}; if the file is trusted, raise it with "
            "the environment variable {variable}"
        ).format(
            what=_("is larger than the input size limit"),
            limit=format_number(limit),
            variable=variable,
        ),
        Location(shown),
    )


def read_limited(
    path: str | Path,
    limit: int,
    variable: str,
    *,
    shown_as: str | None = None,
    error: type[ScopeGapError] = InputFileError,
    too_large: str | None = None,
) -> bytes:
    """The bytes of a regular file (or of standard input for `-`), at most `limit` of them.

    Refused with `error` (located at the file) when it is not a regular file, cannot be
    opened, or holds more than `limit` bytes (`variable` names the setting that raises it;
    `too_large`, if given, is the message instead).
    """
    shown = display_path(shown_as if shown_as is not None else path)
    if str(path) == "-":
        return _read_stdin(limit, variable, error)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(
            _("cannot be read: {reason}").format(reason=os_reason(exc)), Location(shown)
        ) from None
    except (ValueError, UnicodeEncodeError):  # a NUL byte, or a name the system cannot hold
        raise error(_("cannot be read: the file name is not valid here"), Location(shown)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise error(_not_regular(info.st_mode), Location(shown))
        if info.st_size > limit:
            raise _too_large(shown, limit, variable, error, too_large)
        with contextlib.suppress(OSError):
            os.set_blocking(fd, True)
        log = _LOG.get()
        if log is not None:
            log.add((info.st_dev, info.st_ino))
        with os.fdopen(fd, "rb", closefd=True) as handle:
            fd = -1
            # one allocation of the size the file says it has (not blocks joined: half the
            # memory at the peak); then whatever it grew by, up to the limit
            data = handle.read(info.st_size + 1)
            if len(data) > info.st_size:
                data += _read_up_to(handle, limit - len(data))
    except OSError as exc:
        raise error(
            _("cannot be read: {reason}").format(reason=os_reason(exc)), Location(shown)
        ) from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise _too_large(shown, limit, variable, error, too_large)
    return data


def _read_up_to(handle: object, limit: int) -> bytes:
    chunks = []
    size = 0
    while size <= limit:
        chunk = handle.read(min(BLOCK, limit + 1 - size))  # type: ignore[attr-defined]
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _not_regular(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return _("is a folder, not a file")
    if stat.S_ISFIFO(mode):
        return _("is a named pipe (FIFO), not a regular file; scope-gap reads only regular files")
    if stat.S_ISSOCK(mode):
        return _("is a socket, not a regular file; scope-gap reads only regular files")
    return _("is a device, not a regular file; scope-gap reads only regular files")


def _read_stdin(limit: int, variable: str, error: type[ScopeGapError]) -> bytes:
    """Standard input, at most `limit` bytes; closed, write-only or a folder: a clear error.

    A folder given as standard input (`< folder`) makes some shells fail before Python
    starts; where Python starts, reading it fails with EISDIR, said here."""
    stream = sys.stdin
    buffer = getattr(stream, "buffer", None) if stream is not None else None
    if buffer is None:
        raise error(_("standard input is closed; give a file, or pipe the table in"), Location("-"))
    try:
        mode: int | None = os.fstat(buffer.fileno()).st_mode
    except io.UnsupportedOperation:  # a stream without a descriptor (tests, embedding)
        mode = None
    except (OSError, ValueError):
        raise error(
            _("standard input is closed; give a file, or pipe the table in"), Location("-")
        ) from None
    if mode is not None and stat.S_ISDIR(mode):
        raise error(_("standard input is a folder, not a table"), Location("-"))
    try:
        data = _read_up_to(buffer, limit)
    except OSError as exc:
        if exc.errno in (errno.EBADF, errno.EINVAL):
            raise error(
                _("standard input cannot be read (it is open for writing only)"), Location("-")
            ) from None
        if exc.errno == errno.EISDIR:
            raise error(_("standard input is a folder, not a table"), Location("-")) from None
        raise error(
            _("cannot be read: {reason}").format(reason=os_reason(exc)), Location("-")
        ) from None
    except ValueError:  # closed
        raise error(
            _("standard input is closed; give a file, or pipe the table in"), Location("-")
        ) from None
    if len(data) > limit:
        raise _too_large("-", limit, variable, error)
    return data


def read_rule_file(path: str | Path, shown_as: str | None = None) -> bytes:
    """A rule file's (or rule test file's, or column map's) bytes, within the rule-file limit
    (`SCOPE_GAP_MAX_RULE_BYTES`, 4 MiB by default); a RuleError located at the file if not."""
    from .errors import RuleError
    from .limits import ENV, limits_from_env

    limit = limits_from_env().rule_bytes
    return read_limited(path, limit, ENV["rule_bytes"], shown_as=shown_as, error=RuleError)

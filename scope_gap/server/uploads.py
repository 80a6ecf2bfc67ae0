"""Uploads, streamed part by part into the server's private folder and refused as soon as they
are larger than the readers' limits (never held whole, never in the system's shared temporary
folder: Starlette's own form parsing would spool them there)."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header

from ..i18n import _, format_number
from ..readers import Limits, Upload

#: the form fields that carry files, and those that carry text
FILE_FIELDS = ("files", "mandate_file", "columns_file")
TEXT_FIELDS = (
    "mandate",
    "lang",
    "format",
    "sheet",
    "header_row",
    "day_first",
    "month_first",
    "encoding",
)
#: a rule file or a column map is refused above this size, unless the readers' limits name
#: their own (`Limits.rule_bytes`, SCOPE_GAP_MAX_RULE_BYTES)
SMALL_FILE_BYTES = 4 * 1024 * 1024


def rule_limit(limits: Limits) -> int:
    return int(getattr(limits, "rule_bytes", SMALL_FILE_BYTES))
#: a text field is refused above this size
TEXT_BYTES = 64 * 1024
#: incident files in one request
MAX_FILES = 32
#: parts in one request (files and text fields together)
MAX_PARTS = 64


class FormError(Exception):
    """An upload refused: `status` 400 (not a form we understand) or 413 (too large)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def request_limit(limits: Limits) -> int:
    """The largest request body accepted: a few incident files at the readers' limit, a rule
    file and a column map, and room for the form's own bytes."""
    return 4 * limits.file_bytes + 2 * rule_limit(limits) + TEXT_BYTES * len(TEXT_FIELDS) + 65536


def too_large(what: str, limit: int) -> FormError:
    return FormError(
        _("{what} is larger than the limit of {limit} bytes").format(
            what=what, limit=format_number(limit)
        ),
        413,
    )


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def client_name(raw: str) -> str:
    """The name a file is known by in messages and reports: the client's file name without any
    folder, control or bidi characters (the server never uses it as a path)."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME.sub("", name).strip()
    if len(name) > 160:
        stem, dot, suffix = name.rpartition(".")
        keep = dot and len(suffix) < 10
        name = stem[: 150 - len(suffix)] + dot + suffix if keep else name[:160]
    return name or "upload"


def private_root() -> Path:
    """A new folder of this server's own (mode 0700), outside the system's shared temporary
    folder: in the user's runtime folder (`XDG_RUNTIME_DIR`, itself private) when there is
    one, else in the user's cache folder."""
    candidates = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        candidates.append(Path(runtime))
    cache = os.environ.get("XDG_CACHE_HOME")
    candidates.append(Path(cache) if cache else Path.home() / ".cache")
    shared = Path(tempfile.gettempdir()).resolve()
    for base in candidates:
        try:
            if base.resolve() == shared:
                continue
            folder = base / "scope-gap"
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            made = Path(tempfile.mkdtemp(prefix="serve-", dir=folder))
        except OSError:
            continue
        os.chmod(made, 0o700)
        return made
    raise OSError(_("no private folder can be made for the uploads (set XDG_CACHE_HOME)"))


@dataclass
class Form:
    """A request's fields: text by name, and files saved in `folder` under names of our own."""

    folder: Path
    texts: dict[str, list[str]] = field(default_factory=dict)
    files: dict[str, list[Upload]] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """The field's last non-blank value, trimmed, or None."""
        values = [v.strip() for v in self.texts.get(name, []) if v.strip()]
        return values[-1] if values else None

    def uploads(self, name: str) -> list[Upload]:
        return self.files.get(name, [])

    def remove(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _Receiver:
    """python-multipart's callbacks: each part goes to a file of ours or a bounded buffer."""

    def __init__(self, form: Form, limits: Limits):
        self.form = form
        self.limits = limits
        self.header_name = bytearray()
        self.header_value = bytearray()
        self.headers: dict[str, bytes] = {}
        self.name = ""
        self.filename: str | None = None
        self.handle: object = None
        self.buffer = bytearray()
        self.size = 0
        self.limit = 0
        self.parts = 0
        self.path: Path | None = None

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": lambda data, start, end: self.header_name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self.header_value.extend(data[start:end]),
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise FormError(_("the form has more than {count} parts").format(count=MAX_PARTS))
        self.headers = {}
        self.header_name.clear()
        self.header_value.clear()

    def header_end(self) -> None:
        self.headers[bytes(self.header_name).decode("latin-1").lower()] = bytes(self.header_value)
        self.header_name.clear()
        self.header_value.clear()

    def headers_finished(self) -> None:
        _kind, options = parse_options_header(self.headers.get("content-disposition", b""))
        name = options.get(b"name")
        if name is None:
            raise FormError(_("a part of the form has no name"))
        self.name = name.decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        self.filename = None if raw_filename is None else raw_filename.decode("utf-8", "replace")
        self.size = 0
        self.buffer.clear()
        if self.name in FILE_FIELDS and self.filename is not None:
            count = sum(len(v) for v in self.form.files.values())
            if self.name == "files" and len(self.form.uploads("files")) >= MAX_FILES:
                raise FormError(
                    _("at most {count} incident files can be sent at once").format(count=MAX_FILES)
                )
            self.limit = self.limits.file_bytes if self.name == "files" else rule_limit(self.limits)
            self.path = self.form.folder / f"upload-{count + 1}"
            self.handle = open(self.path, "xb")  # noqa: SIM115 - closed in part_end or on error
        else:
            self.limit = TEXT_BYTES
            self.path = None
            self.handle = None

    def part_data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.size > self.limit:
            what = (
                _("the file '{name}'").format(name=client_name(self.filename or ""))
                if self.handle is not None
                else _("the field '{name}'").format(name=self.name)
            )
            raise too_large(what, self.limit)
        if self.handle is not None:
            self.handle.write(data[start:end])  # type: ignore[attr-defined]
        else:
            self.buffer.extend(data[start:end])

    def part_end(self) -> None:
        if self.handle is not None:
            self.handle.close()  # type: ignore[attr-defined]
            self.handle = None
            assert self.path is not None
            if self.size == 0 and not self.filename:
                self.path.unlink()  # an empty file input: nothing chosen
                return
            self.form.files.setdefault(self.name, []).append(
                Upload(client_name(self.filename or ""), self.path)
            )
            return
        if self.name in FILE_FIELDS and self.filename is None:
            # a column map or rule file sent as text: kept as a file like any other
            count = sum(len(v) for v in self.form.files.values())
            path = self.form.folder / f"upload-{count + 1}"
            path.write_bytes(bytes(self.buffer))
            default = "columns.yaml" if self.name == "columns_file" else "mandate.yaml"
            self.form.files.setdefault(self.name, []).append(Upload(default, path))
            return
        try:
            text = bytes(self.buffer).decode("utf-8")
        except UnicodeDecodeError:
            raise FormError(
                _("the field '{name}' is not UTF-8 text").format(name=self.name)
            ) from None
        self.form.texts.setdefault(self.name, []).append(text)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()  # type: ignore[attr-defined]
            self.handle = None


async def read_form(
    headers: dict[str, str], body: AsyncIterator[bytes], folder: Path, limits: Limits
) -> Form:
    """Stream a multipart/form-data body into `folder` (which the caller removes)."""
    content_type, options = parse_options_header(headers.get("content-type", ""))
    if content_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise FormError(_("expected a multipart/form-data upload"))
    cap = request_limit(limits)
    declared = headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise FormError(_("the request's Content-Length is not a number"))
        if int(declared) > cap:
            raise too_large(_("the upload"), cap)
    form = Form(folder)
    receiver = _Receiver(form, limits)
    try:
        parser = MultipartParser(options[b"boundary"], receiver.callbacks())  # type: ignore[arg-type]
    except (ValueError, MultipartParseError):
        raise FormError(_("expected a multipart/form-data upload")) from None
    received = 0
    try:
        async for chunk in body:
            received += len(chunk)
            if received > cap:
                raise too_large(_("the upload"), cap)
            parser.write(chunk)
        parser.finalize()
        if parser.state not in (MultipartState.END, MultipartState.BOUNDARY_PADDING):
            raise MultipartParseError("incomplete")
    except MultipartParseError:
        raise FormError(_("the upload is not a well-formed multipart form")) from None
    finally:
        receiver.close()
    return form

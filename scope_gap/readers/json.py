"""JSON (a list of objects) and JSON Lines (one object per line)."""

from __future__ import annotations

import json
import re
from typing import Any

from ..errors import BadTableError, Location, decode_reason
from ..i18n import DEFAULT_LANGUAGE, N_, _, format_number, language
from .base import Limits, RawTable, ReadOptions, is_blank_row, over_limit, sha256_of

#: the json module's reasons, marked for translation (it writes them in English)
JSON_REASONS: dict[str, str] = {
    "Expecting value": N_("Expecting value"),
    "Expecting property name enclosed in double quotes": N_(
        "Expecting property name enclosed in double quotes"
    ),
    "Expecting ',' delimiter": N_("Expecting ',' delimiter"),
    "Expecting ':' delimiter": N_("Expecting ':' delimiter"),
    "Extra data": N_("Extra data"),
    "Unterminated string starting at": N_("Unterminated string starting at"),
    "Invalid control character at": N_("Invalid control character at"),
    "Invalid \\escape": N_("Invalid \\escape"),
    "Illegal trailing comma before end of object": N_(
        "Illegal trailing comma before end of object"
    ),
    "Illegal trailing comma before end of array": N_("Illegal trailing comma before end of array"),
}


def json_reason(message: str) -> str:
    """The json module's reason in the current language (as given when unknown)."""
    if language() == DEFAULT_LANGUAGE or message not in JSON_REASONS:
        return message
    return _(JSON_REASONS[message])


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def _table(
    objects: list[tuple[int, dict]],
    data: bytes,
    path: str,
    limits: Limits,
    options: ReadOptions | None,
) -> RawTable:
    if len(objects) > limits.rows:
        over_limit(
            path,
            _("has {count} objects").format(count=format_number(len(objects))),
            "rows",
            limits.rows,
        )
    headers: dict[str, None] = {}
    for number, obj in objects:
        for key in obj:
            headers.setdefault(key, None)
        if len(headers) > limits.columns:
            over_limit(
                path,
                _("names more than {count} different keys (by object {number})").format(
                    count=format_number(limits.columns), number=number
                ),
                "columns",
                limits.columns,
            )
    names = list(headers)
    for name in names:
        if _SURROGATE.search(name):
            raise BadTableError(_lone_surrogate(_("a key"), name), Location(path))
    cells, rows = [], []
    for number, obj in objects:
        texts = [value_text(obj.get(name)) for name in names]
        for name, text in zip(names, texts, strict=True):
            if len(text) > limits.cell_chars:
                over_limit(
                    path,
                    _("object {number}, key '{key}': a value of {count} characters").format(
                        number=number, key=name, count=format_number(len(text))
                    ),
                    "cell_chars",
                    limits.cell_chars,
                )
            if _SURROGATE.search(text):
                where = _("object {number}, key '{key}'").format(number=number, key=name)
                raise BadTableError(_lone_surrogate(where, text), Location(path))
        if is_blank_row(texts):
            continue
        cells.append(texts)
        rows.append(number)
    if not names:
        raise BadTableError(_("has no header row (no object has any key)"), Location(path))
    column_map = options.columns if options else None
    return RawTable(
        path, sha256_of(data), [n.strip() for n in names], cells, rows, column_map=column_map
    )


_SURROGATE = re.compile("[\ud800-\udfff]")


def _lone_surrogate(where: str, text: str) -> str:
    """The message for a `\\udXXX` escape that is half of a character, with where it is."""
    code = ord(_SURROGATE.search(text).group(0))  # type: ignore[union-attr]
    return _(
        "{where} holds the escape \\u{code:04x}, half of a UTF-16 pair with no other half: "
        "it is not a character and cannot be written in any report; fix or remove it"
    ).format(where=where, code=code)


class _RepeatedKey(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object, refused when it names a key twice (json.loads would keep only the last)."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        for key, _value in pairs:
            if key in seen:
                raise _RepeatedKey(key)
            seen.add(key)
    return obj


def _repeated(key: str) -> str:
    shown = key.encode("utf-8", "backslashreplace").decode("utf-8")
    return _(
        "an object gives the key '{key}' twice; each key may appear once in an object "
        "(which value is meant cannot be told)"
    ).format(key=shown)


def _text(data: bytes, path: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadTableError(
            _("is not UTF-8 ({reason} at byte {byte})").format(
                reason=decode_reason(exc), byte=exc.start
            ),
            Location(path),
        ) from None


def read_json(
    data: bytes, path: str, limits: Limits | None = None, options: ReadOptions | None = None
) -> RawTable:
    text = _text(data, path)
    try:
        value = json.loads(text, object_pairs_hook=_object)
    except _RepeatedKey as exc:
        raise BadTableError(_repeated(exc.key), Location(path)) from None
    except json.JSONDecodeError as exc:
        raise BadTableError(
            _("cannot be parsed as JSON: {reason}").format(reason=json_reason(exc.msg)),
            Location(path, exc.lineno, exc.colno),
        ) from None
    except RecursionError:
        raise BadTableError(
            _("cannot be parsed as JSON: nested too deeply"), Location(path)
        ) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise BadTableError(
            _("cannot be parsed as JSON: {reason}").format(reason=exc), Location(path)
        ) from None
    if not isinstance(value, list):
        raise BadTableError(
            _("must hold a list of objects, not a JSON {kind}").format(kind=type(value).__name__),
            Location(path),
        )
    objects = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise BadTableError(
                _(
                    "item {number} is not an object (each incident is an object of column: value)"
                ).format(number=number),
                Location(path),
            )
        objects.append((number, item))
    return _table(objects, data, path, limits or Limits(), options)


def read_jsonl(
    data: bytes, path: str, limits: Limits | None = None, options: ReadOptions | None = None
) -> RawTable:
    text = _text(data, path)
    objects = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line, object_pairs_hook=_object)
        except _RepeatedKey as exc:
            raise BadTableError(_repeated(exc.key), Location(path, number)) from None
        except json.JSONDecodeError as exc:
            raise BadTableError(
                _("cannot be parsed as JSON: {reason}").format(reason=json_reason(exc.msg)),
                Location(path, number, exc.colno),
            ) from None
        except RecursionError:
            raise BadTableError(_("nested too deeply"), Location(path, number)) from None
        except ValueError as exc:
            raise BadTableError(
                _("cannot be parsed as JSON: {reason}").format(reason=exc), Location(path, number)
            ) from None
        if not isinstance(item, dict):
            raise BadTableError(_("is not an object"), Location(path, number))
        objects.append((number, item))
    if not objects:
        raise BadTableError(_("has no header row (no objects)"), Location(path))
    return _table(objects, data, path, limits or Limits(), options)

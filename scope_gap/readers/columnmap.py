"""`--columns FILE.yaml`: their header -> our column, and per column their value -> our value.

    columns:            # their header: our column
      Ref: id
      Gov level: level
    values:             # per column, their value: our value
      level: {Fed: federal, Prov: provincial, City: municipal}

Every key and value is read as text (`yes` stays `yes`); any problem names the file and
line.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import BadTableError, Location, did_you_mean
from ..files import display_path, read_limited
from ..i18n import _
from ..model import COLUMNS, ENUMS, normalize_name
from ..vocabulary import ColumnMap, fold, match_header

#: a column map is a few lines; anything larger is not one
MAX_BYTES = 1024 * 1024


def _fail(path: str, node: yaml.Node | None, message: str) -> BadTableError:
    line = node.start_mark.line + 1 if node is not None else None
    return BadTableError(message, Location(path, line))


def _pairs(path: str, node: yaml.Node, what: str) -> list[tuple[yaml.ScalarNode, yaml.Node]]:
    """A mapping's (key, value) nodes; keys must be plain text and given once."""
    if not isinstance(node, yaml.MappingNode):
        raise _fail(path, node, _("{what} must be a mapping (name: value)").format(what=what))
    seen: dict[str, int] = {}
    pairs = []
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            raise _fail(path, key, _("a key must be plain text"))
        folded = fold(key.value)
        if folded in seen:
            raise _fail(
                path,
                key,
                _("'{key}' is given twice (first on line {line})").format(
                    key=key.value, line=seen[folded]
                ),
            )
        seen[folded] = key.start_mark.line + 1
        pairs.append((key, value))
    return pairs


def _column(path: str, node: yaml.Node) -> str:
    """One of section 1's columns, named by its name or one of its usual names."""
    if not isinstance(node, yaml.ScalarNode) or not node.value.strip():
        raise _fail(
            path,
            node,
            _("expected one of the columns: {columns}").format(columns=", ".join(COLUMNS)),
        )
    column = match_header(node.value).column
    if column is None:
        raise _fail(
            path,
            node,
            _("'{name}' is not a column{hint}; columns: {columns}").format(
                name=node.value,
                hint=did_you_mean(normalize_name(node.value), COLUMNS),
                columns=", ".join(COLUMNS),
            ),
        )
    return column


def parse_column_map(text: str, path: str) -> ColumnMap:
    """A column map from its YAML text; BadTableError naming `path:line` on any problem."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise BadTableError(
            _("cannot be read as YAML: {reason}").format(reason=exc.problem or exc),
            Location(path, mark.line + 1 if mark else None),
        ) from None
    except yaml.YAMLError as exc:
        raise BadTableError(
            _("cannot be read as YAML: {reason}").format(reason=exc), Location(path)
        ) from None
    if root is None:
        raise BadTableError(_("is empty; expected 'columns:' and/or 'values:'"), Location(path))
    columns: dict[str, str] = {}
    values: dict[str, dict[str, str]] = {}
    for key, value in _pairs(path, root, _("the file")):
        section = key.value.strip()
        if section == "columns":
            for theirs, ours in _pairs(path, value, "columns"):
                columns[fold(theirs.value)] = _column(path, ours)
        elif section == "values":
            for column_node, mapping in _pairs(path, value, "values"):
                column = _column(path, column_node)
                table: dict[str, str] = {}
                for theirs, ours in _pairs(path, mapping, f"values: {column}"):
                    if not isinstance(ours, yaml.ScalarNode):
                        raise _fail(path, ours, _("a value must be plain text"))
                    target = ours.value.strip()
                    if column in ENUMS:
                        target = normalize_name(target)
                        if target not in ENUMS[column]:
                            raise _fail(
                                path,
                                ours,
                                _(
                                    "'{value}' is not an allowed value of {column}{hint}; "
                                    "allowed: {allowed}"
                                ).format(
                                    value=ours.value,
                                    column=column,
                                    hint=did_you_mean(target, ENUMS[column]),
                                    allowed=", ".join(ENUMS[column]),
                                ),
                            )
                    table[fold(theirs.value)] = target
                values[column] = table
        else:
            raise _fail(
                path,
                key,
                _("unknown section '{name}'{hint}; expected 'columns:' and/or 'values:'").format(
                    name=section, hint=did_you_mean(section, ["columns", "values"])
                ),
            )
    return ColumnMap(path, columns, values)


def load_column_map(source: str | Path) -> ColumnMap:
    """Read a `--columns FILE.yaml`."""
    path = display_path(source)
    # a regular file only, within its limit, and recorded: no report is written over it
    data = read_limited(
        source,
        MAX_BYTES,
        "",
        shown_as=path,
        error=BadTableError,
        too_large=_("is too large for a column map (over 1 MiB)"),
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadTableError(
            _("is not UTF-8 (byte {byte})").format(byte=exc.start), Location(path)
        ) from None
    return parse_column_map(text, path)

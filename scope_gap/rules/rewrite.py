"""Edits written on a rule file's own text: every byte that is not changed stays as it was.

amend changes a few leaves and the mandate's header; this module finds, by ruamel.yaml's
marks, the exact spans those values occupy and replaces only them, so every comment, quote,
blank line and indentation of the original is kept. Comments that sat inside a replaced
value are moved above its leaf, with the comment that marks the change.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..operators import OPERATORS
from .yamlload import _yaml

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*|[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_RESERVED = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}
_COMMENT = re.compile(r"(?:(?<=\s)|^)#[^\n]*", re.M)


@dataclass(frozen=True)
class LeafEdit:
    """Leaf `leaf` (pre-order index) of clause `clause` (index) gets `{op: value}`."""

    clause: int
    leaf: int
    op: str
    value: Any  # plain: str, bool, int, date, or lists of them
    comment: str


def flow(value: Any) -> str:
    """A plain value as one line of YAML (flow style), read back as the same value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.fullmatch(text) and text.lower() not in _RESERVED:
        return text
    return json.dumps(text, ensure_ascii=False)


def quoted(text: str) -> str:
    """A text as a double-quoted YAML scalar."""
    return json.dumps(text, ensure_ascii=False)


def _get(mapping: MappingNode, key: str) -> tuple[ScalarNode, Node] | None:
    for key_node, value_node in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == key:
            return key_node, value_node
    return None


def _content_end(node: Node) -> int:
    """Where a node's own text ends (a block collection ends with its last item)."""
    if isinstance(node, (SequenceNode, MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(node, MappingNode) else last)
    return int(node.end_mark.index)


def _scalars(node: Node) -> list[tuple[int, int]]:
    if isinstance(node, ScalarNode):
        return [(node.start_mark.index, node.end_mark.index)]
    out: list[tuple[int, int]] = []
    items = node.value if isinstance(node, SequenceNode) else [x for kv in node.value for x in kv]
    for item in items:
        out += _scalars(item)
    return out


class _Splicer:
    def __init__(self, text: str):
        self.text = text
        self.replacements: list[tuple[int, int, str]] = []
        self.lines_before: dict[int, list[str]] = {}  # line start offset -> comment lines

    def line_start(self, index: int) -> int:
        return self.text.rfind("\n", 0, index) + 1

    def indent(self, index: int) -> str:
        start = self.line_start(index)
        line = self.text[start:index]
        return line[: len(line) - len(line.lstrip())]

    def value_region(self, key: ScalarNode, value: Node) -> tuple[int, int]:
        """From just after the key's colon to the end of the value's text."""
        colon = self.text.index(":", key.end_mark.index)
        return colon + 1, _content_end(value)

    def comments_in(self, start: int, end: int, value: Node) -> list[str]:
        chunk = list(self.text[start:end])
        for a, b in _scalars(value):
            for i in range(max(a, start), min(b, end)):
                chunk[i - start] = " "
        return [m.group(0) for m in _COMMENT.finditer("".join(chunk))]

    def replace_value(self, key: ScalarNode, value: Node, new: str) -> list[str]:
        start, end = self.value_region(key, value)
        moved = self.comments_in(start, end, value)
        self.replacements.append((start, end, " " + new))
        return moved

    def comment_above(self, index: int, lines: Sequence[str]) -> None:
        start = self.line_start(index)
        pad = self.indent(index)
        self.lines_before.setdefault(start, []).extend(f"{pad}{line}" for line in lines)

    def result(self) -> str:
        edits = list(self.replacements)
        for start, lines in self.lines_before.items():
            edits.append((start, start, "".join(line + "\n" for line in lines)))
        out = self.text
        for start, end, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
            out = out[:start] + new + out[end:]
        return out


def _leaves(node: Node, found: list[MappingNode]) -> None:
    """The leaf mappings of a condition tree, in pre-order (as model.leaves orders them)."""
    if not isinstance(node, MappingNode):
        return
    for combinator in ("all", "any"):
        pair = _get(node, combinator)
        if pair is not None and isinstance(pair[1], SequenceNode):
            for part in pair[1].value:
                _leaves(part, found)
            return
    pair = _get(node, "not")
    if pair is not None:
        _leaves(pair[1], found)
        return
    found.append(node)


def rewrite(
    text: str,
    edits: Sequence[LeafEdit],
    header: dict[str, str],
    preamble: Sequence[str] = (),
) -> str:
    """`text` with the leaves of `edits` changed, the mandate's `header` keys set (added after
    `title` when absent) and `preamble` comment lines put first (after a schema comment)."""
    root = _yaml().compose(text)
    splice = _Splicer(text)
    head = _get(root, "mandate")
    if head is not None and isinstance(head[1], MappingNode):
        mapping = head[1]
        last_key = "id"
        for key, new in header.items():
            pair = _get(mapping, key)
            if pair is not None:
                splice.replace_value(pair[0], pair[1], quoted(new))
                last_key = key
                continue
            anchor = _get(mapping, last_key) or _get(mapping, "id")
            assert anchor is not None  # a parsed mandate has an id
            end = _content_end(anchor[1])
            if mapping.flow_style:
                splice.replacements.append((end, end, f", {key}: {quoted(new)}"))
            else:
                line_end = text.find("\n", end)
                line_end = len(text) if line_end < 0 else line_end
                pad = " " * anchor[0].start_mark.column
                splice.replacements.append((line_end, line_end, f"\n{pad}{key}: {quoted(new)}"))
    clauses = _get(root, "clauses")
    assert clauses is not None and isinstance(clauses[1], SequenceNode)
    for edit in edits:
        clause = clauses[1].value[edit.clause]
        when = _get(clause, "when")
        assert when is not None
        found: list[MappingNode] = []
        _leaves(when[1], found)
        leaf = found[edit.leaf]
        op_pair = next(
            (k, v) for k, v in leaf.value if isinstance(k, ScalarNode) and k.value in OPERATORS
        )
        op_key, op_value = op_pair
        if op_key.value != edit.op:
            splice.replacements.append((op_key.start_mark.index, op_key.end_mark.index, edit.op))
        moved = splice.replace_value(op_key, op_value, flow(edit.value))
        splice.comment_above(leaf.start_mark.index, [*moved, f"# {edit.comment}"])
    out = splice.result()
    if preamble:
        lines = [f"# {line}" if line else "#" for line in preamble]
        first = out.split("\n", 1)[0]
        at = len(first) + 1 if first.startswith("# yaml-language-server:") else 0
        out = out[:at] + "".join(line + "\n" for line in lines) + out[at:]
    return out

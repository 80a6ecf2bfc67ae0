"""Strict, safe YAML 1.2 (ruamel.yaml): no duplicate keys, no anchors or aliases, a line mark
on every node, and `yes`/`no`/`on`/`off` read as text (YAML 1.2 has only `true` and `false`).

Rule files are read and written (by amend) with the same library, so that what amend writes
reads back as it was meant.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer, ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, MappingStartEvent, SequenceStartEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode
from ruamel.yaml.reader import ReaderError

from ..errors import Location, RuleError
from ..i18n import N_, _, is_default_language


class YMap(dict):
    """A mapping that remembers where it, each key and each value stood."""

    mark: Location
    key_marks: dict[Any, Location]
    value_marks: dict[Any, Location]


class YList(list):
    """A sequence that remembers where it and each item stood."""

    mark: Location
    item_marks: list[Location]


#: deeper YAML is refused while it is read, before Python's recursion limit is near
#: (conditions may nest 64 deep, and each `all`/`any` level is a mapping and a list)
MAX_YAML_DEPTH = 150


class _StrictComposer(Composer):
    """Refuses aliases, anchors and nesting deeper than MAX_YAML_DEPTH while composing."""

    nesting = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.parser.peek_event()
        nests = isinstance(event, (MappingStartEvent, SequenceStartEvent))
        if nests and self.nesting >= MAX_YAML_DEPTH:
            raise ComposerError(
                None,
                None,
                _(
                    "the file is nested more than {depth} levels deep here "
                    "(conditions may nest at most {conditions} levels)"
                ).format(depth=MAX_YAML_DEPTH, conditions=64),
                event.start_mark,
            )
        if isinstance(event, AliasEvent):
            raise ComposerError(
                None, None, _("aliases (*name) are not allowed in rule files"), event.start_mark
            )
        if getattr(event, "anchor", None):
            raise ComposerError(
                None, None, _("anchors (&name) are not allowed in rule files"), event.start_mark
            )
        self.nesting += nests
        try:
            return super().compose_node(parent, index)
        finally:
            self.nesting -= nests


def _yaml() -> YAML:
    """A safe YAML 1.2 reader with the strict composer."""
    reader = YAML(typ="safe", pure=True)
    reader.version = (1, 2)
    reader.Composer = _StrictComposer
    reader.max_depth = 0  # no limit of ruamel's own: ours is checked first, with our message
    return reader


#: ruamel.yaml's most frequent problems and contexts (it writes them in English), each as a pattern
#: and a message marked for translation, so that syntax errors can be said in French
YAML_TEXTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern + r"\Z", re.S), message)
    for pattern, message in (
        (r"mapping values are not allowed here", N_("mapping values are not allowed here")),
        (
            r"found character (?P<character>'.*') that cannot start any token",
            N_("found character {character} that cannot start any token"),
        ),
        (r"found unexpected end of stream", N_("found unexpected end of stream")),
        (r"could not find expected ':'", N_("could not find expected ':'")),
        (
            r"found unknown escape character (?P<character>'.*')",
            N_("found unknown escape character {character}"),
        ),
        (
            r"expected (?P<expected>.+?), but (?:found|got) (?P<found>'.*')",
            N_("expected {expected}, but found {found}"),
        ),
        (r"but found another document", N_("but found another document")),
        (
            r"expected a single document in the stream",
            N_("expected a single document in the stream"),
        ),
        (r"while scanning for the next token", N_("while scanning for the next token")),
        (r"while scanning a simple key", N_("while scanning a simple key")),
        (r"while scanning a quoted scalar", N_("while scanning a quoted scalar")),
        (r"while scanning a double-quoted scalar", N_("while scanning a quoted scalar")),
        (r"while scanning a single-quoted scalar", N_("while scanning a quoted scalar")),
        (r"while parsing a flow sequence", N_("while parsing a flow sequence")),
        (r"while parsing a flow mapping", N_("while parsing a flow mapping")),
        (r"while parsing a block mapping", N_("while parsing a block mapping")),
        (r"while parsing a block collection", N_("while parsing a block collection")),
        (r"while parsing a (?:block|flow) node", N_("while parsing a node")),
    )
)


def yaml_text(text: str) -> str:
    """One of ruamel.yaml's problems or contexts in the current language (as given when unknown)."""
    if is_default_language():
        return text
    for pattern, message in YAML_TEXTS:
        match = pattern.match(text)
        if match:
            values = match.groupdict()
            if "expected" in values:  # "',' or ']'": the tokens stay, the word is translated
                values["expected"] = values["expected"].replace("' or '", _("' or '"))
            return _(message).format(**values)
    return text


def mark_of(path: str, mark: Any) -> Location:
    if mark is None:
        return Location(path)
    return Location(path, mark.line + 1, mark.column + 1)


def load_yaml(text: str, path: str, errors: list[RuleError]) -> Any:
    """Parse `text` into YMap/YList/scalars; problems are appended to `errors`.

    A syntax error stops the parse (and returns None); duplicate keys and bad
    scalars are recorded and the parse goes on, so one run reports them all.
    """
    reader = _yaml()
    try:
        root = reader.compose(text)
    except ReaderError as exc:
        errors.append(_reader_error(text, path, exc))
        return None
    except MarkedYAMLError as exc:
        problem = yaml_text(exc.problem) if exc.problem else _("cannot parse YAML")
        if exc.context:
            problem = f"{problem} ({yaml_text(exc.context)})"
        errors.append(RuleError(problem, mark_of(path, exc.problem_mark or exc.context_mark)))
        return None
    except YAMLError as exc:
        errors.append(
            RuleError(_("cannot parse YAML: {reason}").format(reason=exc), Location(path))
        )
        return None
    except RecursionError:
        errors.append(RuleError(_("nesting is too deep to read"), Location(path)))
        return None
    if root is None:
        return None
    try:
        return _convert(root, path, reader.constructor, errors)
    except RecursionError:
        errors.append(RuleError(_("nesting is too deep to read"), Location(path)))
        return None


def _reader_error(text: str, path: str, exc: ReaderError) -> RuleError:
    """A character YAML does not allow (a control character, U+FFFE...), where it stands."""
    before = text[: exc.position]
    line = before.count("\n") + 1
    column = exc.position - (before.rfind("\n") + 1) + 1
    return RuleError(
        _("the character {character} is not allowed in a YAML file (remove it)").format(
            character=f"U+{exc.character:04X}"
        ),
        Location(path, line, column),
    )


def _convert(node: Node, path: str, constructor: Any, errors: list[RuleError]) -> Any:
    if isinstance(node, MappingNode):
        out = YMap()
        out.mark = mark_of(path, node.start_mark)
        out.key_marks, out.value_marks = {}, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, path, constructor, errors)
            key_mark = mark_of(path, key_node.start_mark)
            try:
                hash(key)
            except TypeError:
                errors.append(RuleError(_("a mapping key must be a plain value"), key_mark))
                continue
            if key in out:
                first = out.key_marks[key]
                errors.append(
                    RuleError(
                        _("key '{key}' is given twice (first on line {line})").format(
                            key=key, line=first.line
                        ),
                        key_mark,
                    )
                )
                continue
            out[key] = _convert(value_node, path, constructor, errors)
            out.key_marks[key] = key_mark
            out.value_marks[key] = mark_of(path, value_node.start_mark)
        return out
    if isinstance(node, SequenceNode):
        items = YList()
        items.mark = mark_of(path, node.start_mark)
        items.item_marks = []
        for item in node.value:
            items.append(_convert(item, path, constructor, errors))
            items.item_marks.append(mark_of(path, item.start_mark))
        return items
    try:
        return constructor.construct_object(node, deep=True)
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        text = node.value if isinstance(node.value, str) else ""
        errors.append(
            RuleError(
                _("cannot read value '{value}': {reason}").format(value=text, reason=exc),
                mark_of(path, node.start_mark),
            )
        )
        return text

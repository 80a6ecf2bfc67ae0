"""`rules new`: a commented starting mandate that passes `rules check` as written."""

from __future__ import annotations

import json
from pathlib import Path

from ..i18n import _
from .parse import MANDATE_ID, OPERATORS
from .schema import schema_comment_for


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str = "") -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]


def operator_examples() -> list[tuple[str, str]]:
    """One example condition per operator, with what it means (in the current language)."""
    examples = {
        "equals": ("{field: event_type, equals: general_election}", _("exactly this value")),
        "in": ("{field: level, in: [federal, provincial]}", _("one of these values")),
        "not_in": ("{field: level, not_in: [municipal]}", _("none of these values")),
        "matches": (
            '{field: title, matches: "nomination|riding"}',
            _("a regular expression (RE2, any case)"),
        ),
        "missing": ("{field: actor, missing: true}", _("the value is not known")),
        "within": (
            "{field: date, within: [election-period]}",
            _("every possible day inside the periods or [start, end] pairs"),
        ),
        "overlaps": (
            "{field: date, overlaps: [[2021-01-01, 2021-12-31]]}",
            _("some possible day inside"),
        ),
        "before": ("{field: date, before: 2021-08-15}", _("ends before this date or period")),
        "after": ("{field: date, after: election-period}", _("starts after this date or period")),
    }
    missing = [op for op in OPERATORS if op not in examples]
    if missing:
        raise ValueError(f"no example for operator(s) {', '.join(missing)}")
    return [examples[op] for op in OPERATORS]


def new_mandate(mandate_id: str, where: str | Path) -> str:
    """The text of a starting mandate with id `mandate_id`, to be written at `where` (the
    schema comment's path is relative to it), in the current language."""
    if not MANDATE_ID.fullmatch(mandate_id):
        raise ValueError(mandate_id)
    width = max(len(example) for example, _meaning in operator_examples())
    operators = [f"#   {example:<{width}}  {meaning}" for example, meaning in operator_examples()]
    words = {
        "title": _("Title of the inquiry or review"),
        "authority": _("The instrument that sets its terms (order, statute, letter)"),
        "period1": _("Election period (writ to polling day)"),
        "period2": _("The 8 weeks following polling day (an assumption: say why)"),
        "text_a": _("What the mandate says, in its own words."),
        "gap_level": _("Provincial, territorial and municipal processes"),
        "gap_event": _("Other processes than elections"),
        "gap_date": _("Outside the election period and the weeks following"),
        "text_b": _("What the inquiry may look at as background."),
        "gap_b": _("Not a Canadian process"),
    }
    lines = [
        schema_comment_for(where),
        *_comment(
            _(
                "A starting mandate for scope-gap. Replace the title, the periods and the\n"
                "clauses with your own, then check the file with: scope-gap rules check FILE\n"
                "(docs/rules.md explains every key; the schema named above lets an editor\n"
                "complete and check it while you type)."
            )
        ),
        "",
        "mandate:",
        f"  id: {mandate_id}",
        f"  title: {_q(words['title'])}",
        f"  authority: {_q(words['authority'])}",
        "  # url: https://...",
        "",
        *_comment(_("Named date ranges, both days included: YYYY, YYYY-MM or YYYY-MM-DD.")),
        "periods:",
        "  election-period:",
        "    start: 2021-08-15",
        "    end: 2021-09-20",
        f"    label: {_q(words['period1'])}",
        "  weeks-following:",
        "    start: 2021-09-21",
        "    end: 2021-11-15",
        f"    label: {_q(words['period2'])}",
        "",
        "clauses:",
        *_comment(
            _(
                "An examined clause: the inquiry examines an incident that meets its\n"
                "conditions. Each `gap` says, in the reports, what an incident that fails the\n"
                "condition falls outside of."
            ),
            "  ",
        ),
        "  - id: A",
        '    ref: "(a)"',
        f"    text: {_q(words['text_a'])}",
        "    coverage: examined",
        "    when:",
        "      all:",
        "        - field: level",
        "          in: [federal]",
        f"          gap: {_q(words['gap_level'])}",
        "        - field: event_type",
        "          in: [general_election, by_election]",
        f"          gap: {_q(words['gap_event'])}",
        "        - field: date",
        "          within: [election-period, weeks-following]",
        f"          gap: {_q(words['gap_date'])}",
        *_comment(
            _("Every operator, one condition each (combine them with all, any and not):"),
            "        ",
        ),
        *(f"        {line}" for line in operators),
        "",
        *_comment(
            _(
                "A context clause: an incident that meets it (and no examined clause) is\n"
                "touched only as background."
            ),
            "  ",
        ),
        "  - id: B",
        '    ref: "(b)"',
        f"    text: {_q(words['text_b'])}",
        "    coverage: context",
        "    when:",
        "      not:",
        "        field: level",
        "        equals: other",
        f"        gap: {_q(words['gap_b'])}",
    ]
    return "\n".join(lines) + "\n"

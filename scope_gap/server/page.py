"""The local page: one HTML document with its style and script inline (the script allowed by its
hash, as in the reports), written in the current language through the catalogues."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader
from markupsafe import Markup

from ..i18n import LANGUAGE_NAMES, LANGUAGES, _, language, ngettext
from ..model import STATUS_LABELS, status_label
from ..reports.html import clean_text, script_hash
from ..reports.html import environment as report_environment

#: connect-src for the page's own requests, frame-src for the report it shows
PAGE_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src '{script}'; "
    "connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The page's templates, and the reports' (for their style sheet)."""
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("scope_gap.server", "templates"),
                PackageLoader("scope_gap.reports", "templates"),
            ]
        ),
        autoescape=True,
        finalize=lambda value: value if isinstance(value, Markup) else clean_text(value),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(gettext=_, ngettext=ngettext, newstyle=True)  # type: ignore[attr-defined]
    # the reports' style sheet is a template: the one status palette comes from their environment
    env.globals.update(report_environment().globals)
    return env


def strings() -> dict[str, str]:
    """What the script writes, in the current language."""
    texts = {
        "sending": _("Sending the files… {percent} %"),
        "working": _("Reading and deciding… this can take a while for large tables."),
        "checked": _(
            "Checked: {incidents} incident(s) can be analysed, {invalid} row(s) are invalid."
        ),
        "done": _("Done."),
        "failed": _("It did not work: {message}"),
        "network": _("The server did not answer (is scope-gap serve still running?)."),
        "noFiles": _("Choose at least one incident file first."),
        "noRuleFile": _("Choose a rule file, or one of the bundled mandates."),
        "twoMandates": _("Choose at least two mandates to compare."),
        "sheet": _("sheet {name}"),
        "header": _("Column in your file"),
        "readAs": _("Read as"),
        "extra": _("(another column, kept as it is)"),
        "computed": _("(computed by scope-gap: not read)"),
        "columnsCaption": _("How the columns of {name} were read ({rows} rows)"),
        "mapNote": _("Change a column's reading, then check again: the analysis uses your choice."),
        "mapUnsupported": _(
            "This version of scope-gap reads column names as "
            "they are; the readings cannot be changed here."
        ),
        "mapChanged": _(
            "Your readings of the columns will be used: check again to see the result."
        ),
        "invalidCaption": _(
            "Invalid rows ({count}): they are listed in the report and left out of the counts"
        ),
        "where": _("Where"),
        "problems": _("Problems"),
        "noInvalid": _("No invalid row."),
        "more": _("Show {count} more"),
        "warnings": _("Warnings"),
        "downloads": _("Download the report:"),
        "downloadsCompare": _("Download the comparison:"),
        "reportTitle": _("The gap report"),
        "compareTitle": _("The comparison"),
        "remove": _("Remove {name}"),
        "adds": _("only {mandate} has in scope ({count}): {ids}"),
        "addsNothing": _("only {mandate} has in scope: nothing"),
    }
    for code in STATUS_LABELS:
        texts["status_" + code] = status_label(code)
    texts["status_invalid"] = _("invalid rows")
    return texts


def _json(value: Any) -> Markup:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(value, ensure_ascii=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@lru_cache(maxsize=1)
def page_script() -> str:
    """The page's script, as written (not a template: its hash is of these exact characters)."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, "page.js")[0]


def render_page(mandates: list[dict[str, str]]) -> tuple[str, str]:
    """The page and its Content-Security-Policy."""
    env = environment()
    script = page_script()
    lang = language()
    page = env.get_template("page.html.j2").render(
        lang=lang,
        other=next((o, LANGUAGE_NAMES[o]) for o in LANGUAGES if o != lang),
        mandates=mandates,
        strings=_json(strings()),
        script=Markup(script),
        statuses=[(code, status_label(code)) for code in STATUS_LABELS],
    )
    return page, PAGE_POLICY.format(script=script_hash(script))

"""The `scope-gap` command: parse arguments, call the library, print. Nothing else."""

from __future__ import annotations

import contextlib
import inspect
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .files import display_path
from .i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    N_,
    _,
    format_count,
    format_number,
    ngettext,
    use_language,
)
from .model import COVERABLE_STATUSES, STATUS_LABELS, status_label
from .reports import AMEND_ALWAYS, formats_of
from .version import __version__

if TYPE_CHECKING:
    from .readers.base import Reading



def _fail_cleanly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Bad data or rules end in a message and exit 1, never a traceback."""

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        from .errors import RulesError, ScopeGapError

        # the command writes in its `lang` argument when it has one, else SCOPE_GAP_LANG
        with use_language(kwargs.get("lang")):
            try:
                return func(*args, **kwargs)
            except RulesError as exc:
                for error in exc.errors:
                    click.echo(str(error), err=True)
                raise SystemExit(1) from None
            except ScopeGapError as exc:
                raise _Failure(str(exc)) from None

    return run


class _Failure(click.ClickException):
    """A ClickException whose `Error:` prefix is in the language of the command."""

    def __init__(self, message: str):
        super().__init__(message)
        self.prefix = _("Error: {message}")

    def show(self, file: Any = None) -> None:
        click.echo(self.prefix.format(message=self.format_message()), file=file, err=True)


def _count(value: int) -> str:
    """A count as the terminal writes it: unchanged in English, Babel's digits in French."""
    return format_count(value)


def _status_rows() -> tuple[int, list[tuple[str, str]]]:
    """The status table's label width and (code, label) rows in the current language."""
    rows = [(key, status_label(key)) for key in STATUS_LABELS]
    return max(14, *(len(label) + 1 for _key, label in rows)), rows


#: click's own words in a help page, marked for translation
CLICK_WORDS = (
    N_("Usage:"),
    N_("Options:"),
    N_("Commands:"),
    N_("Show this message and exit."),
    N_("Example:"),
    N_("[default: "),
)


def help_msgid(text: str) -> tuple[str, str]:
    """A help text as its msgid (its prose, each paragraph on one line) and the rest: the
    `\\b` block of examples, kept as written (click rewraps the prose anyway)."""
    cleaned = inspect.cleandoc(text)
    prose, marker, rest = cleaned.partition("\b")
    paragraphs = [" ".join(p.split()) for p in prose.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p), marker + rest


def translate_help(text: str) -> str:
    """A help text in the current language: its prose translated, its examples kept."""
    msgid, examples = help_msgid(text)
    translated = _(msgid)
    if translated == msgid:
        return text
    if examples:
        examples = examples.replace("Example:", _("Example:"), 1)
        return translated + "\n\n" + examples
    return translated


@contextlib.contextmanager
def _translated_help(command: click.Command) -> Any:
    """Within the block, `command`'s help texts (its options' and subcommands') in the language
    of SCOPE_GAP_LANG; English leaves them untouched."""
    saved: list[tuple[Any, str, Any]] = []

    def swap(obj: Any, name: str) -> None:
        text = getattr(obj, name, None)
        if text:
            saved.append((obj, name, text))
            setattr(obj, name, translate_help(text))

    def walk(cmd: click.Command) -> None:
        swap(cmd, "help")
        swap(cmd, "short_help")
        for param in cmd.params:
            swap(param, "help")
        for sub in getattr(cmd, "commands", {}).values():
            walk(sub)

    with use_language(None) as lang:
        if lang != DEFAULT_LANGUAGE:
            walk(command)
        try:
            yield lang
        finally:
            for obj, name, text in reversed(saved):
                setattr(obj, name, text)


def _format_translated_help(
    command: click.Command, ctx: click.Context, formatter: click.HelpFormatter
) -> None:
    with _translated_help(command) as lang:
        click.Command.format_help(command, ctx, formatter)
        if lang != DEFAULT_LANGUAGE:
            page = "".join(formatter.buffer)
            for word in CLICK_WORDS:
                page = page.replace(word, _(word))
            formatter.buffer[:] = [page]


class _Command(click.Command):
    """A command whose --help is written in the language of SCOPE_GAP_LANG."""

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _format_translated_help(self, ctx, formatter)


class MandateParam(click.ParamType):
    """A rule file's path or a bundled mandate's id."""

    name = "MANDATE"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        from .api import MandateNotFoundError, find_mandate

        with use_language(None):
            try:
                find_mandate(value)
            except MandateNotFoundError as exc:
                self.fail(exc.message, param, ctx)
        return str(value)


INCIDENTS = click.argument(
    "incidents",
    nargs=-1,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
#: how to read the incident tables: the options of every command that reads them, given to
#: the command as one dict `reading` (readers.base.Reading) for the library's functions
_READER_CLICK_OPTIONS = (
    click.option(
        "--encoding", metavar="NAME", help="Read CSV input in this encoding (default: detect)."
    ),
    click.option(
        "--sheet", metavar="NAME", help="Read this sheet of .xlsx input (default: the first)."
    ),
    click.option(
        "--day-first",
        "day_first",
        is_flag=True,
        help="Read every date such as 05/06/2021 day first (5 June 2021).",
    ),
    click.option(
        "--month-first",
        "month_first",
        is_flag=True,
        help="Read every date such as 05/06/2021 month first (May 6, 2021).",
    ),
    click.option(
        "--header-row",
        "header_row",
        type=click.IntRange(min=1),
        metavar="N",
        help="The header is row N (as the spreadsheet numbers rows; default: found among "
        "the first 30 non-blank rows).",
    ),
    click.option(
        "--columns",
        "columns",
        type=click.Path(exists=True, dir_okay=False),
        metavar="FILE.yaml",
        help="Map the table's headers and values to ours (columns: and values:, see "
        "docs/input.md).",
    ),
)
READER_OPTION_NAMES = ("encoding", "sheet", "day_first", "month_first", "header_row", "columns")


def READER_OPTIONS(func: Callable[..., Any]) -> Callable[..., Any]:
    """The reader options (readers.base.ReadOptions) on a command, as one argument `reading`."""

    @wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        reading = {name: kwargs.pop(name) for name in READER_OPTION_NAMES}
        if reading["day_first"] and reading["month_first"]:
            raise click.UsageError(_("--day-first and --month-first cannot both be given"))
        return func(*args, reading=reading, **kwargs)

    for option in reversed(_READER_CLICK_OPTIONS):
        run = option(run)
    return run


def say_bundled_mandate(mandate: str | None) -> None:
    """Say which file a bundled mandate was read from (edits in a checkout's rules/ apply
    only when that path is given)."""
    from .bundled import DEFAULT_MANDATE, bundled_mandates

    name = mandate or DEFAULT_MANDATE
    if Path(name).is_file():
        return
    path = bundled_mandates().get(name)
    if path is not None:
        click.echo(
            _("mandate {mandate}: the bundled rule file {path}").format(mandate=name, path=path),
            err=True,
        )


OUTPUT = click.option(
    "-o",
    "--output",
    "output",
    default="reports",
    show_default=True,
    metavar="DIR",
    type=click.Path(file_okay=False),
    help="Folder for the reports (created if missing).",
)
REPORT_FORMATS = click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(formats_of("analysis")),
    help="Report format; repeat for several (default: xlsx, html and json).",
)
LANG = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the reports and messages (default: SCOPE_GAP_LANG, else en).",
)
QUIET = click.option(
    "-q", "--quiet", is_flag=True, help="No progress lines on standard error for large inputs."
)
#: inputs with at least this many rows get progress lines (on a terminal, unless --quiet)
PROGRESS_ROWS = 50_000


class ProgressLines:
    """Progress on standard error, for large inputs, when it is a terminal and not --quiet."""

    def __init__(self, quiet: bool, stream: Any = None):
        import time

        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and bool(getattr(self.stream, "isatty", lambda: False)())
        self.rows = 0
        self.started = time.perf_counter()
        self._clock = time.perf_counter

    def stage(self, message: str, rows: int | None = None) -> None:
        if rows is not None:
            self.rows = max(self.rows, rows)
        if self.enabled and self.rows >= PROGRESS_ROWS:
            elapsed = self._clock() - self.started
            click.echo(f"[{elapsed:6.1f} s] {message}", file=self.stream)


MANDATE = click.option(
    "-m",
    "--mandate",
    type=MandateParam(),
    default=None,
    help="Rule file, or the id of a bundled mandate (default: hogue-2023).",
)


class _Group(click.Group):
    """Remembers the arguments it was called with, for the reports' provenance."""

    argv: list[str] = []
    command_class = _Command
    group_class = type  # subgroups are _Group too

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _format_translated_help(self, ctx, formatter)

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        _Group.argv = list(args) if args is not None else sys.argv[1:]
        return super().main(args, *rest, **kwargs)


def command_line() -> str:
    """The command as the user typed it (arguments quoted for a POSIX shell)."""
    import shlex

    return shlex.join(["scope-gap", *(display_path(a) for a in _Group.argv)])


@click.group(
    cls=_Group,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="scope-gap")
def main() -> None:
    """Which documented foreign-interference incidents fall outside what an inquiry may examine?

    \b
    Example:
      scope-gap analyze                        # bundled incidents, bundled Hogue mandate
      scope-gap analyze my.xlsx -m rules/hogue-2023.yaml -o out -f xlsx -f csv
    """


@main.command()
@INCIDENTS
@MANDATE
@OUTPUT
@REPORT_FORMATS
@click.option("--strict", is_flag=True, help="Fail (exit 1, no report) if any row is invalid.")
@click.option(
    "--indent",
    is_flag=True,
    help="Indent the whole JSON report, every value on its own line "
    "(default: one incident per line).",
)
@READER_OPTIONS
@QUIET
@LANG
@_fail_cleanly
def analyze(
    incidents: tuple[str, ...],
    mandate: str | None,
    output: str,
    formats: tuple[str, ...],
    strict: bool,
    indent: bool,
    reading: Reading,
    quiet: bool,
    lang: str | None,
) -> None:
    """Classify every incident and write the gap reports.

    With no INCIDENTS, the bundled dataset; several files are analysed as one
    table; '-' reads CSV from standard input. Reports are written as
    DIR/<mandate id>-gap-report.<ext>.

    \b
    Example:
      scope-gap analyze incidents.csv more.xlsx -m hogue-2023 -o reports -f json -f csv
    """
    from .api import analyze as run_analysis
    from .reports import DEFAULT_FORMATS, write_reports

    progress = ProgressLines(quiet)
    result = run_analysis(
        list(incidents),
        mandate,
        strict=strict,
        progress=progress.stage,
        require_incidents=True,
        **reading,
    )
    result.command = command_line()
    result.json_indent = indent
    written = write_reports(
        result, output, formats or DEFAULT_FORMATS, protect=incidents, progress=progress.stage
    )
    say_bundled_mandate(mandate)
    for warning in [*result.warnings, *written.warnings]:
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
    summary = result.summary
    click.echo(
        ngettext(
            "{mandate}: {count} rows read", "{mandate}: {count} rows read", summary["total"]
        ).format(mandate=result.mandate.id, count=_count(summary["total"]))
    )
    width, rows = _status_rows()
    for key, label in rows:
        click.echo(f"  {label:<{width}}{_count(summary[key]):>6}")
    click.echo(result.sentence())
    for path in written.paths:
        click.echo(_("wrote {path}").format(path=display_path(path)))


@main.command()
@click.argument(
    "incidents",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True),
)
@READER_OPTIONS
@_fail_cleanly
def validate(incidents: tuple[str, ...], reading: Reading) -> None:
    """Check input tables only and say what was understood; print every problem as
    FILE:ROW: column: message.

    Any spreadsheet will do: for each file it prints how each header was read
    ('Date of incident' → date), the rows skipped above the header and how many values
    and dates were read from another form. Exits 1 if any row is invalid (or a table
    cannot be read at all).

    \b
    Example:
      scope-gap validate data/incidents.csv more.xlsx
      scope-gap validate their-sheet.xlsx --header-row 3 --columns their-columns.yaml
    """
    from .api import check

    table = check(list(incidents), **reading)
    for header in table.readings:
        where = header.path
        if header.header_row is not None:
            where = _("{path} (header in row {row})").format(
                path=header.path, row=header.header_row
            )
        click.echo(_("{path}: columns read:").format(path=where), err=True)
        for line in header.lines():
            click.echo(f"  {line}", err=True)
    for warning in table.warnings:
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
    invalid = table.invalid
    for row in invalid:
        where = f"{row.origin['path']}:{row.origin['row']}"
        for column, message in row.errors:
            click.echo(f"{where}: {column}: {message}")
    rows = sum(item["rows"] for item in table.inputs)
    if invalid:
        click.echo(
            _("{invalid} of {rows} rows are invalid").format(
                invalid=_count(len(invalid)), rows=_count(rows)
            ),
            err=True,
        )
        raise SystemExit(1)
    click.echo(
        _("{rows} rows in {files} file(s): all valid").format(
            rows=_count(rows), files=_count(len(table.inputs))
        )
    )


@main.group()
def rules() -> None:
    """Work with mandate rule files.

    \b
    Example:
      scope-gap rules check rules/*.yaml
    """


@rules.command("check")
@click.argument("mandates", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def rules_check(mandates: tuple[str, ...]) -> None:
    """Check rule files; print every error as FILE:LINE:COLUMN: message; exit 1 on any.

    \b
    Example:
      scope-gap rules check rules/hogue-2023.yaml my-mandate.yaml
    """
    with use_language(None):
        _rules_check(mandates)


def _rules_check(mandates: tuple[str, ...]) -> None:
    from .rules import read_mandate

    failed = False
    for path in mandates:
        mandate, errors = read_mandate(path)
        for error in errors:
            click.echo(str(error))
        if errors or mandate is None:
            failed = True
        else:
            n = len(mandate.clauses)
            click.echo(
                ngettext(
                    "{path}: ok ({mandate}, {count} clause)",
                    "{path}: ok ({mandate}, {count} clauses)",
                    n,
                ).format(path=path, mandate=mandate.id, count=_count(n))
            )
    if failed:
        raise SystemExit(1)


@rules.command("test")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@_fail_cleanly
def rules_test(files: tuple[str, ...]) -> None:
    """Run mandate tests: fixture incidents with the status each mandate must give them.

    With no FILE, every bundled test file (rules/tests/*.yaml). Prints a PASS or
    FAIL line per case; exits 1 on any failure.

    \b
    Example:
      scope-gap rules test
      scope-gap rules test rules/tests/hogue-2023.yaml
    """
    from .errors import RulesError
    from .ruletests import bundled_test_files, run_test_file

    paths = list(files) or [str(p) for p in bundled_test_files()]
    if not paths:
        raise click.UsageError(_("no test files given and no bundled ones found"))
    passed = failed = 0
    broken = False
    for path in paths:
        try:
            results = run_test_file(path)
        except RulesError as exc:
            for error in exc.errors:
                click.echo(str(error))
            broken = True
            continue
        for result in results:
            where = f"{path}:{result.line}" if result.line else path
            if result.passed:
                passed += 1
                click.echo(_("PASS {where}: {name}").format(where=where, name=result.name))
            else:
                failed += 1
                click.echo(_("FAIL {where}: {name}").format(where=where, name=result.name))
                for failure in result.failures:
                    click.echo(f"    {failure}")
    click.echo(
        _("{passed} passed, {failed} failed").format(passed=_count(passed), failed=_count(failed))
    )
    if failed or broken:
        raise SystemExit(1)


# --- writing and reviewing mandates (SPEC section 9): rules schema, rules new, rules diff ---


def _write_text(text: str, output: str | None, new_only: bool = False) -> None:
    """Print `text`, or write it whole to `output` (never over an existing file if `new_only`)."""
    if output is None:
        click.echo(text, nl=False)
        return
    from .reports import Rendered, write_file

    target = Path(output)
    if new_only and (target.exists() or target.is_symlink()):
        raise _Failure(
            _("{path} already exists; choose another file name or remove it first").format(
                path=output
            )
        )
    write_file(target, Rendered(text.encode("utf-8")))
    click.echo(_("wrote {path}").format(path=output), err=True)


@rules.command("schema")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write the schema to FILE instead of standard output.",
)
@_fail_cleanly
def rules_schema(output: str | None) -> None:
    """Print the JSON Schema (draft-07) of rule files, for editors' YAML language servers.

    It is generated from the fields, operators and enumerated values the rule parser
    uses. The package ships it as rules/mandate.schema.json; point a rule file at it
    with a first line such as '# yaml-language-server: $schema=mandate.schema.json'.

    \b
    Example:
      scope-gap rules schema > mandate.schema.json
    """
    from .rules.schema import schema_text

    _write_text(schema_text(), output)


@rules.command("new")
@click.argument("mandate_id", metavar="ID")
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write the mandate to FILE (never over an existing file) instead of standard output.",
)
@LANG
@_fail_cleanly
def rules_new(mandate_id: str, output: str | None, lang: str | None) -> None:
    """Write a commented starting mandate that passes 'rules check' as written.

    Two periods, an examined and a context clause, and every operator shown in a
    comment, in the language of --lang.

    \b
    Example:
      scope-gap rules new my-inquiry -o rules/my-inquiry.yaml
      scope-gap rules new mon-enquete --lang fr > mon-enquete.yaml
    """
    from .rules.parse import MANDATE_ID
    from .rules.starter import new_mandate

    if not MANDATE_ID.fullmatch(mandate_id):
        raise click.BadParameter(
            _("'{id}' is not a mandate id: it must match {pattern}").format(
                id=mandate_id, pattern="[A-Za-z0-9][A-Za-z0-9._-]*"
            ),
            param_hint="ID",
        )
    where = Path(output) if output else Path.cwd() / f"{mandate_id}.yaml"
    _write_text(new_mandate(mandate_id, where), output, new_only=True)


class _DiffCommand(_Command):
    """`rules diff`: `--incidents` takes every file that follows it (SPEC's `FILE...`), up to
    the next option; A and B are the two other arguments, wherever they stand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        taking = False
        for arg in args:
            if arg == "--incidents":
                taking = True
                continue
            if arg.startswith("--incidents="):
                rewritten += ["--incidents", arg.split("=", 1)[1]]
                taking = True
                continue
            if taking and (arg == "-" or not arg.startswith("-")):
                rewritten += ["--incidents", arg]
                continue
            taking = False
            rewritten.append(arg)
        return super().parse_args(ctx, rewritten)


@rules.command("diff", cls=_DiffCommand)
@click.argument("mandates", nargs=-1, metavar="A B")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="How to write the difference.",
)
@click.option(
    "--incidents",
    "incidents",
    multiple=True,
    metavar="FILE...",
    help="Also list the incidents of these tables whose status changes.",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Write to FILE instead of standard output.",
)
@click.option(
    "--exit-code", "exit_code", is_flag=True, help="Exit 3 when the mandates differ (else 0)."
)
@READER_OPTIONS
@LANG
@_fail_cleanly
def rules_diff(
    mandates: tuple[str, ...],
    fmt: str,
    incidents: tuple[str, ...],
    output: str | None,
    exit_code: bool,
    reading: Reading,
    lang: str | None,
) -> None:
    """Say, clause by clause, how mandate B differs from mandate A.

    For each changed condition: what it now admits and no longer admits (values, or
    date ranges as sets of days); periods whose dates moved; with --incidents, the
    incidents whose status changes. A and B are rule files or bundled mandate ids.
    Exits 0 whether or not they differ; with --exit-code, 3 when they differ.

    \b
    Example:
      scope-gap rules diff rules/hogue-2023.yaml reports/hogue-2023-amended.yaml
      scope-gap rules diff hogue-2023 whole-of-government -f html -o diff.html
      scope-gap rules diff A.yaml B.yaml --incidents data/incidents.csv --exit-code
    """
    from .api import diff_mandates

    files = list(incidents)
    names = list(mandates)
    if len(names) < 2 and len(files) >= 2 - len(names):
        # `--incidents F1 F2 A B`: the mandates were taken as tables; they come last
        cut = len(files) - (2 - len(names))
        names = names + files[cut:]
        files = files[:cut]
    if len(names) != 2:
        raise click.UsageError(_("rules diff needs two mandates: A and B"))
    for name in names:
        MandateParam().convert(name, None, click.get_current_context())
    for path in files:
        if path != "-" and not Path(path).is_file():
            raise click.BadParameter(
                _("'{path}' is not a file").format(path=path), param_hint="--incidents"
            )
    result = diff_mandates(names[0], names[1], files or None, **reading)
    for warning in result.warnings:
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
    if fmt == "json":
        import json

        text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        from .reports.diff import render_diff_html

        text = render_diff_html(result)
    else:
        text = "\n".join(result.lines()) + "\n"
    _write_text(text, output)
    if exit_code and result.differs:
        raise SystemExit(3)


@main.command()
@click.argument("incident_id", metavar="ID")
@INCIDENTS
@MANDATE
@READER_OPTIONS
@_fail_cleanly
def explain(
    incident_id: str,
    incidents: tuple[str, ...],
    mandate: str | None,
    reading: Reading,
) -> None:
    """Show how one incident was decided: clause by clause, condition by condition.

    For each condition: the value, the outcome (true/false/unknown); then the
    resulting status, its gaps and reasons.

    \b
    Example:
      scope-gap explain FI-006
      scope-gap explain X-12 incidents.xlsx -m rules/nsicop-2023.yaml
    """
    from .api import analyze as run_analysis
    from .reports.explain import ExplainError, explain_incident

    result = run_analysis(list(incidents), mandate, **reading)
    try:
        text = explain_incident(result, incident_id)
    except ExplainError as exc:
        raise _Failure(str(exc)) from None
    say_bundled_mandate(mandate)
    click.echo(text)


@main.command()
@INCIDENTS
@click.option(
    "-m",
    "--mandate",
    "mandates",
    type=MandateParam(),
    multiple=True,
    required=True,
    help="Rule file or bundled mandate id; give two or more.",
)
@OUTPUT
@REPORT_FORMATS
@READER_OPTIONS
@QUIET
@LANG
@_fail_cleanly
def compare(
    incidents: tuple[str, ...],
    mandates: tuple[str, ...],
    output: str,
    formats: tuple[str, ...],
    reading: Reading,
    quiet: bool,
    lang: str | None,
) -> None:
    """Compare mandates: each incident's status under each, and what each one adds.

    Writes DIR/compare-<idA>-<idB>[...].<ext> and prints the counts per mandate.

    \b
    Example:
      scope-gap compare -m hogue-2023 -m rules/whole-of-government.yaml
      scope-gap compare incidents.csv -m a.yaml -m b.yaml -m c.yaml -f csv
    """
    from .api import TooFewMandatesError, check_compared
    from .api import compare as run_compare
    from .reports import DEFAULT_FORMATS, write_reports

    try:
        check_compared(mandates)
    except TooFewMandatesError as exc:
        raise click.UsageError(f"{exc.message} (-m A -m B)") from None
    progress = ProgressLines(quiet)
    result = run_compare(
        list(incidents),
        list(mandates),
        progress=progress.stage,
        require_incidents=True,
        **reading,
    )
    result.command = command_line()
    written = write_reports(
        result,
        output,
        formats or DEFAULT_FORMATS,
        protect=incidents,
        progress=progress.stage,
    )
    for name in mandates:
        say_bundled_mandate(name)
    for warning in [*result.warnings, *written.warnings]:
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
    counts = result.counts()
    ids = list(counts)
    width = max(14, *(len(i) for i in ids))
    label_width, rows = _status_rows()
    click.echo(" " * (label_width + 2) + "".join(f"{i:>{width + 2}}" for i in ids))
    for key, label in rows:
        click.echo(
            f"  {label:<{label_width}}"
            + "".join(f"{_count(counts[i][key]):>{width + 2}}" for i in ids)
        )
    for mandate_id, added in result.adds.items():
        if added:
            shown = ", ".join(added[:20]) + (
                _(" and {count} more").format(count=format_number(len(added) - 20))
                if len(added) > 20
                else ""
            )
            click.echo(
                _("only {mandate} has in scope ({count}): {ids}").format(
                    mandate=mandate_id, count=format_number(len(added)), ids=shown
                )
            )
        else:
            click.echo(_("only {mandate} has in scope: nothing").format(mandate=mandate_id))
    for path in written.paths:
        click.echo(_("wrote {path}").format(path=display_path(path)))


def _split_ids(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.replace(",", " ").split() if part]


@main.command()
@INCIDENTS
@MANDATE
@click.option(
    "--cover",
    "cover",
    multiple=True,
    metavar="ID",
    help="An incident to bring in scope; repeat, or separate ids by commas.",
)
@click.option(
    "--cover-status",
    "cover_status",
    multiple=True,
    type=click.Choice(COVERABLE_STATUSES),
    help="Bring in scope every incident with this status; repeat for several.",
)
@OUTPUT
@click.option(
    "-f",
    "--format",
    "formats",
    multiple=True,
    type=click.Choice([f for f in formats_of("amendment") if f not in AMEND_ALWAYS]),
    help="Also write the amendments as a readable page or workbook.",
)
@READER_OPTIONS
@QUIET
@LANG
@_fail_cleanly
def amend(
    incidents: tuple[str, ...],
    mandate: str | None,
    cover: tuple[str, ...],
    cover_status: tuple[str, ...],
    output: str,
    formats: tuple[str, ...],
    reading: Reading,
    quiet: bool,
    lang: str | None,
) -> None:
    """The smallest changes to a mandate's rules that would bring chosen incidents in scope.

    Writes DIR/<mandate id>-amended.yaml (the mandate's own file with only the
    changed conditions rewritten, every comment kept, each change marked by a
    comment, titled as a proposed amendment) and DIR/<mandate id>-amendments.json,
    and prints the changes in plain words. When nothing can change, only the JSON
    is written. Incidents that need an unknown value known stay uncovered and are
    listed with what is unknown.

    \b
    Example:
      scope-gap amend --cover-status context_only
      scope-gap amend incidents.csv -m rules/hogue-2023.yaml --cover FI-001,FI-004 -f html
    """
    from .api import amend as run_amend
    from .reports import write_reports

    ids = _split_ids(cover)
    if not ids and not cover_status:
        raise click.UsageError(_("choose incidents with --cover ID or --cover-status STATUS"))
    result = run_amend(
        list(incidents),
        mandate,
        cover=ids,
        cover_status=list(cover_status),
        progress=ProgressLines(quiet).stage,
        require_incidents=True,
        **reading,
    )
    result.command = command_line()
    written = write_reports(result, output, formats, protect=incidents)
    say_bundled_mandate(mandate)
    for warning in [*result.warnings, *written.warnings]:
        click.echo(_("warning: {warning}").format(warning=warning), err=True)
    click.echo(
        _("{mandate}: {chosen} incident(s) chosen; {changes} change(s) to the rules").format(
            mandate=result.mandate.id,
            chosen=_count(len(result.chosen)),
            changes=_count(len(result.amendments)),
        )
    )
    for line in result.summary_lines(uncovered_limit=20):
        click.echo(f"  {line}")
    for path in written.paths:
        click.echo(_("wrote {path}").format(path=display_path(path)))


@main.command()
@click.argument("path", metavar="FILE.xlsx", type=click.Path(dir_okay=False))
@LANG
@_fail_cleanly
def template(path: str, lang: str | None) -> None:
    """Write a blank input workbook: the contract's headers, drop-down lists, a data dictionary.

    The template is the canonical form, but any spreadsheet will do: headers and values
    in English or French are read, and 'scope-gap validate FILE' shows what was
    understood.

    \b
    Example:
      scope-gap template incidents.xlsx
      scope-gap validate their-spreadsheet.xlsx
    """
    from .reports import write_file
    from .reports.template import render_template

    target = write_file(Path(path), render_template())
    click.echo(_("wrote {path}").format(path=display_path(target)))


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    metavar="ADDRESS",
    help="Address to listen on; any but loopback makes the page reachable from the network.",
)
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 takes a free one.",
)
@click.option("--no-browser", is_flag=True, help="Do not open the page in the default browser.")
def serve(host: str, port: int, no_browser: bool) -> None:
    """Start the local page: choose spreadsheets and a mandate, read and download the reports.

    Prints the page's address and opens it in the default browser. Nothing leaves
    this machine: uploads stay in a private folder, deleted on exit. Ctrl-C stops it.

    \b
    Example:
      scope-gap serve
      scope-gap serve --port 0 --no-browser
    """
    from .errors import os_reason
    from .server import serve as run_server

    with use_language(None):
        try:
            run_server(host, port, not no_browser, echo=click.echo)
        except OSError as exc:
            raise _Failure(
                _("cannot listen on {host} port {port}: {reason}").format(
                    host=host, port=port, reason=os_reason(exc)
                )
            ) from None


def run() -> None:
    """Entry point that never shows a traceback for an unexpected error unless asked to."""
    for stream in (sys.stdout, sys.stderr):
        # a file name with bytes the locale cannot decode is shown escaped, never a crash
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    try:
        main(prog_name="scope-gap")
    except Exception as exc:  # pragma: no cover - a bug, reported without a traceback
        if os.environ.get("SCOPE_GAP_DEBUG"):
            raise
        with use_language(None):
            message = _(
                "Error: unexpected {error}: {message} (set SCOPE_GAP_DEBUG=1 for details; "
                "please report it)"
            ).format(error=type(exc).__name__, message=exc)
        click.echo(message, err=True)
        sys.exit(1)

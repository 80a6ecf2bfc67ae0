"""What only some commands need is imported only by them (issue 18, target 5).

Each check runs the command in a fresh interpreter and lists `sys.modules` at exit, so an
import added at module level anywhere on the path of `--help` or `analyze` shows up here.
Never asserts times."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

#: imported only by the commands that need them: free-form dates, fuzzy header matching,
#: the local page's server, PyYAML for `--columns` files
OPTIONAL = ("dateparser", "rapidfuzz", "starlette", "uvicorn", "multipart", "yaml")
#: not needed to print help
HEAVY = ("pandas", "openpyxl", "jinja2", "ruamel", "numpy", "lxml")

PROBE = """
import json, sys
from scope_gap.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
sys.stdout.flush()
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})), file=sys.stderr)
"""


def loaded(*args: str, cwd: Path) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=True,
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_imports_no_heavy_or_optional_library(tmp_path: Path) -> None:
    modules = loaded("--help", cwd=tmp_path)
    assert "scope_gap" in modules and "click" in modules
    assert not modules & {*OPTIONAL, *HEAVY}


@pytest.mark.parametrize("formats", [[], ["-f", "json"], ["-f", "csv"]])
def test_plain_analyze_imports_no_optional_library(tmp_path: Path, formats: list[str]) -> None:
    # a CSV in section 1's plain forms: canonical headers, ISO dates, canonical values
    source = tmp_path / "incidents.csv"
    source.write_bytes((ROOT / "data" / "incidents.csv").read_bytes())
    modules = loaded("analyze", str(source), "-o", str(tmp_path / "out"), *formats, cwd=tmp_path)
    assert "pandas" in modules  # the probe did run the analysis
    assert any((tmp_path / "out").iterdir())
    assert not modules & set(OPTIONAL)


def test_bundled_analyze_imports_no_optional_library(tmp_path: Path) -> None:
    modules = loaded("analyze", "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert {"openpyxl", "jinja2"} <= modules
    assert not modules & set(OPTIONAL)


def test_free_form_dates_do_import_dateparser(tmp_path: Path) -> None:
    # the check above can fail: a date outside section 1's forms does bring dateparser in
    source = tmp_path / "incidents.csv"
    source.write_text(
        'id,title,date,level,event_type\nX-1,a title,"Oct. 21, 2019",federal,general_election\n',
        encoding="utf-8",
    )
    modules = loaded(
        "analyze", str(source), "-o", str(tmp_path / "out"), "-f", "json", cwd=tmp_path
    )
    assert "dateparser" in modules


CACHE_PROBE = """
import sys
from scope_gap.api import analyze
from scope_gap.reports.html import render_html
page, _ = render_html(analyze())
sys.stdout.write(page)
"""


def render_page(env: dict[str, str]) -> str:
    return subprocess.run(
        [sys.executable, "-c", CACHE_PROBE],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    ).stdout


def test_compiled_templates_are_cached_and_give_the_same_page(tmp_path: Path) -> None:
    import os

    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "0"}
    env.pop("SCOPE_GAP_NO_CACHE", None)
    first = render_page(env)
    folder = next((tmp_path / "cache" / "scope-gap").iterdir())
    assert sorted(folder.iterdir()) and folder.stat().st_mode & 0o777 == 0o700
    assert render_page(env) == first  # read from the cache
    for entry in folder.iterdir():  # a damaged cache is skipped, not an error
        entry.write_bytes(entry.read_bytes()[:24])
    assert render_page(env) == first
    nocache = {**env, "SCOPE_GAP_NO_CACHE": "1", "XDG_CACHE_HOME": str(tmp_path / "none")}
    assert render_page(nocache) == first and not (tmp_path / "none").exists()
    unwritable = tmp_path / "file"
    unwritable.write_text("not a folder", encoding="utf-8")
    assert render_page({**env, "XDG_CACHE_HOME": str(unwritable)}) == first


def test_a_columns_file_does_import_pyyaml(tmp_path: Path) -> None:
    # and the check above can fail for PyYAML too: `--columns FILE.yaml` is read with it
    source = tmp_path / "incidents.csv"
    source.write_text(
        "ref,title,date,level,event_type\nX-1,a title,2019-10-21,federal,general_election\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "columns.yaml"
    mapping.write_text("columns:\n  ref: id\n", encoding="utf-8")
    modules = loaded(
        "analyze",
        str(source),
        "--columns",
        str(mapping),
        "-o",
        str(tmp_path / "out"),
        "-f",
        "json",
        cwd=tmp_path,
    )
    assert "yaml" in modules

"""The hostile cases that cannot be files in tests/data/hostile (its README's second table):
FIFOs, devices and folders where a file is expected, odd standard input, limits and
SOURCE_DATE_EPOCH set out of range, undecodable file names, a full disk, a 20 MB line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from scope_gap.cli import main

HEADER = "id,title,date,level,event_type\n"
ROW = "A1,Funding of a rally,2019-06,federal,general_election\n"
RULE = b"mandate: {id: m, title: T}\nclauses:\n  - id: A\n    when: {field: level, in: [federal]}\n"
TIMEOUT = 60  # a hang is a failure


def scope_gap(*args: str | bytes, stdin: int | None = None, env: dict[str, str] | None = None):
    """Run the installed command in a child process, as a user would."""
    return subprocess.run(
        [sys.executable, "-m", "scope_gap", *args],
        stdin=stdin,
        capture_output=True,
        timeout=TIMEOUT,
        env={**os.environ, **(env or {})},
    )


def invoke(*args: str, env: dict[str, str] | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output and "unexpected" not in result.output, result.output
    return result


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "t.csv"
    path.write_text(HEADER + ROW, encoding="utf-8")
    return path


@pytest.fixture
def fifo(tmp_path: Path):
    def make(name: str) -> Path:
        path = tmp_path / name
        os.mkfifo(path)
        return path

    return make


# --- not a regular file: refused at once, never read ------------------------------------------


@pytest.mark.parametrize("command", [["rules", "check"], ["rules", "test"]])
def test_a_fifo_as_rule_file_is_refused_without_hanging(command, fifo):
    path = fifo("m.yaml")
    result = invoke(*command, str(path))
    assert result.exit_code == 1
    assert f"{path}: is a named pipe (FIFO), not a regular file" in result.output


def test_a_fifo_as_mandate_or_incidents_is_refused_without_hanging(fifo, table, tmp_path):
    path = fifo("x.csv")
    result = invoke("analyze", str(path), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "is a named pipe (FIFO)" in result.output
    rules = fifo("m.yaml")
    result = invoke("analyze", str(table), "-m", str(rules), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1 and "is a named pipe (FIFO)" in result.output
    assert not (tmp_path / "out").exists()


def test_a_device_is_refused_before_a_byte_is_read(tmp_path):
    result = invoke("rules", "check", "/dev/zero")
    assert result.exit_code == 1
    assert "/dev/zero: is a device, not a regular file" in result.output
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    result = invoke("validate", str(link))
    assert result.exit_code == 1 and "is a device, not a regular file" in result.output


def test_a_folder_as_rule_file_is_refused(tmp_path, table):
    folder = tmp_path / "rules.yaml"
    folder.mkdir()
    result = invoke("rules", "check", str(folder))  # click's own check: a usage error
    assert result.exit_code == 2 and "is a directory" in result.output
    result = invoke("analyze", str(table), "-m", str(folder), "-o", str(tmp_path / "o"))
    assert result.exit_code == 1 and f"{folder}: is a folder, not a file" in result.output


def test_a_rule_file_over_its_limit_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "m.yaml"
    path.write_bytes(RULE + b"# " + b"x" * 200 + b"\n")
    result = invoke("rules", "check", str(path), env={"SCOPE_GAP_MAX_RULE_BYTES": "100"})
    assert result.exit_code == 1
    assert "SCOPE_GAP_MAX_RULE_BYTES" in result.output and "100" in result.output


# --- standard input ---------------------------------------------------------------------------


def test_standard_input_closed_is_a_clear_error(tmp_path):
    done = subprocess.run(
        f"{sys.executable} -m scope_gap validate - <&-",
        shell=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 1
    assert b"standard input is closed" in done.stderr and b"Traceback" not in done.stderr


def test_standard_input_open_for_writing_only_is_a_clear_error(tmp_path):
    with open(tmp_path / "w.txt", "wb") as handle:
        done = scope_gap("validate", "-", stdin=handle.fileno())
    assert done.returncode == 1
    assert b"open for writing only" in done.stderr and b"Traceback" not in done.stderr


def test_standard_input_a_folder_fails_before_our_code_and_does_not_hang(tmp_path):
    """Python refuses a folder as stdin before scope-gap starts (README says so)."""
    fd = os.open(tmp_path, os.O_RDONLY)
    try:
        done = scope_gap("validate", "-", stdin=fd)
    finally:
        os.close(fd)
    assert done.returncode != 0
    assert b"is a directory" in done.stderr.lower()


# --- settings out of range ------------------------------------------------------------------


@pytest.mark.parametrize("variable", ["SCOPE_GAP_MAX_ROWS", "SCOPE_GAP_MAX_RULE_BYTES"])
def test_a_limit_of_ten_to_the_thirty_is_a_clear_error(variable, table):
    result = invoke("validate", str(table), env={variable: "1" + "0" * 30})
    assert result.exit_code == 1
    assert f"{variable}='1{'0' * 30}' must be a whole number from 1 to" in result.output


def test_the_largest_limit_allowed_works(table, tmp_path):
    big = str(10**15)
    env = {"SCOPE_GAP_MAX_FILE_BYTES": big, "SCOPE_GAP_MAX_ROWS": big}
    result = invoke("analyze", str(table), "-o", str(tmp_path / "o"), "-f", "json", env=env)
    assert result.exit_code == 0, result.output


def test_source_date_epoch_past_9999_is_a_clear_error_and_writes_nothing(table, tmp_path):
    out = tmp_path / "o"
    result = invoke("analyze", str(table), "-o", str(out), env={"SOURCE_DATE_EPOCH": "9" * 12})
    assert result.exit_code == 1 and "SOURCE_DATE_EPOCH=" in result.output
    assert not out.exists()


# --- names and text that cannot be encoded -------------------------------------------------------


def test_a_file_name_with_an_undecodable_byte_is_shown_escaped(tmp_path):
    folder = os.fsencode(tmp_path)
    name = folder + b"/bad\xff.csv"
    with open(name, "wb") as handle:
        handle.write((HEADER + ROW).encode())
    out = os.fsencode(tmp_path / "o")
    for lang in ("en", "fr"):
        done = scope_gap(
            "analyze", name, "-o", out, "-f", "json", "-f", "html", "-f", "xlsx", "--lang", lang
        )
        assert done.returncode == 0, done.stderr
        assert b"unexpected" not in done.stderr and b"Traceback" not in done.stderr
    report = json.loads((tmp_path / "o" / "hogue-2023-gap-report.json").read_bytes())
    assert report["inputs"][0]["path"].endswith("bad\\xff.csv")
    done = scope_gap("validate", folder + b"/missing\xff.csv")
    assert done.returncode != 0 and b"Traceback" not in done.stderr


@pytest.mark.parametrize("codec", ["utf-7", "unicode_escape", "undefined", "punycode", "rot13"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_encodings_that_are_not_text_encodings_are_refused(codec, lang, table):
    result = invoke("validate", str(table), "--encoding", codec, env={"SCOPE_GAP_LANG": lang})
    assert result.exit_code == 1
    expected = "is not an encoding tables" if lang == "en" else "n'est pas un encodage"
    assert expected in result.output


# --- a full disk --------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 1 MiB tmpfs (needs root: CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a 1 MiB tmpfs needs root (CI runs the suite as root)")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace')}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_leaves_the_previous_reports_untouched(small_disk, tmp_path):
    small = tmp_path / "small.csv"
    small.write_text(HEADER + ROW, encoding="utf-8")
    out = small_disk / "reports"
    first = invoke("analyze", str(small), "-o", str(out), "-f", "json", "-f", "xlsx", "-f", "html")
    assert first.exit_code == 0, first.output
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    big = tmp_path / "big.csv"
    rows = [f"R{i},Title {i},2019-06,federal,general_election,{'x' * 400}\n" for i in range(4000)]
    big.write_text(HEADER.strip() + ",notes\n" + "".join(rows), encoding="utf-8")
    args = ["analyze", str(big), "-o", str(out), "-f", "json", "-f", "xlsx", "-f", "html"]
    for lang in ("en", "fr"):
        result = invoke(*args, "--lang", lang)
        assert result.exit_code == 1, result.output
        assert ("No space left on device" if lang == "en" else "plus d'espace") in result.output
        assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no temporary left


# --- memory before a limit --------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["cell", "cells"])
def test_a_long_single_line_is_refused_before_it_is_held(kind, tmp_path):
    """20 MB on one line: one cell of 20 MB, or 10 million cells. Peak memory stays near the
    file's own size, not the ten or more copies it took before."""
    path = tmp_path / "line.csv"
    size = 20_000_000
    body = b"A," + b"a" * size + b"\n" if kind == "cell" else b"a," * (size // 2) + b"\n"
    path.write_bytes(HEADER.encode() + body)
    peak_file = tmp_path / "peak.txt"
    if not Path("/proc/self/status").exists():
        pytest.skip("the peak is read from /proc/self/status (Linux)")
    # VmHWM is the peak of this program's own memory (ru_maxrss would start from the size of
    # the pytest process it was forked from)
    code = (
        "import atexit, sys\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        f"            open({str(peak_file)!r}, 'w').write(line.split()[1])\n"
        "atexit.register(peak)\n"
        f"sys.argv = ['scope-gap', 'validate', {str(path)!r}]\n"
        "from scope_gap.cli import run\nrun()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, timeout=TIMEOUT, env=os.environ
    )
    assert done.returncode == 1, done.stderr
    variable = "SCOPE_GAP_MAX_CELL_CHARS" if kind == "cell" else "SCOPE_GAP_MAX_COLUMNS"
    assert variable.encode() in done.stderr
    peak = int(peak_file.read_text()) * 1024  # in KiB
    # now about 90 MiB (the file 20 MB, start-up 70 MB: refused before it is decoded);
    # before this issue 215-320 MB
    assert peak < 140_000_000, f"peak {peak // 2**20} MiB"


# --- explain agrees with the engine ---------------------------------------------------------------


def test_explain_shows_free_text_unknown_as_typed(tmp_path):
    rules = tmp_path / "m.yaml"
    rules.write_text(
        "mandate: {id: m, title: T}\nclauses:\n  - id: A\n    when:\n      all:\n"
        "        - {field: title, matches: '^unk'}\n        - {field: level, in: [federal]}\n",
        encoding="utf-8",
    )
    table = tmp_path / "t.csv"
    table.write_text(HEADER + "X,unknown,2019,unknown,general_election\n", encoding="utf-8")
    result = invoke("explain", "X", str(table), "-m", str(rules))
    assert result.exit_code == 0, result.output
    assert "title = unknown -> true" in result.output  # free text: the text it is
    assert "level = (not known) -> unknown" in result.output  # the enumerated value


@pytest.mark.parametrize(
    ("name", "french"),
    [
        ("lone-surrogate-value.json", "contient la séquence \\ud800"),
        ("lone-surrogate-key.json", "une clé contient la séquence"),
        ("repeated-key.json", "donne deux fois la clé"),
    ],
)
def test_text_that_cannot_be_encoded_is_said_in_french_too(name, french, tmp_path):
    path = Path(__file__).parent / "data" / "hostile" / name
    result = invoke("analyze", str(path), "-o", str(tmp_path / "o"), "--lang", "fr")
    assert result.exit_code == 1
    assert french in result.output and result.output.startswith("Erreur")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_long_line_within_the_limits_is_read_whole(newline, tmp_path):
    """2 MB on one line, in cells under the cell limit, quoted with delimiters and doubled
    quotes inside: measured in place, then read as the parser reads it."""
    cell = '"' + ('a, ""b"" ' * 90_000) + '"'  # about 0.9 M characters, commas inside
    notes = ",".join(["x" * 500] * 2_000)  # 2,000 more cells of 500 characters
    line = f"A1,{cell},2019,federal,general_election,{notes}"
    header = "id,title,date,level,event_type," + ",".join(f"c{i}" for i in range(2_000))
    path = tmp_path / "long.csv"
    path.write_bytes((header + newline + line + newline).encode())
    out = tmp_path / "o"
    result = invoke("analyze", str(path), "-o", str(out), "-f", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((out / "hogue-2023-gap-report.json").read_text(encoding="utf-8"))
    (incident,) = report["incidents"]
    assert incident["fields"]["title"] == 'a, "b" ' * 90_000
    assert incident["fields"]["c1999"] == "x" * 500

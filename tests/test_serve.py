"""`scope-gap serve`'s machine interface through Starlette's test client: every status it can
answer, the reports equal to `analyze`'s, the Host/Origin checks, the limits, the headers, the
private folder and the bound on analyses at once."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import shutil
import sys
import threading
import time
import warnings
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

import scope_gap
from scope_gap.bundled import bundled_mandates
from scope_gap.cli import main
from scope_gap.server import Settings, create_app
from scope_gap.server import work as server_work
from scope_gap.server.uploads import private_root
from scope_gap.server.work import safe_filename

with warnings.catch_warnings():  # Starlette would rather have httpx2; httpx works the same
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "incidents.csv"
HOSTILE = ROOT / "tests" / "data" / "hostile"
BASE = "http://127.0.0.1:8765"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_spec = importlib.util.spec_from_file_location("hostile_make", HOSTILE / "make.py")
assert _spec and _spec.loader
hostile = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("hostile_make", hostile)
_spec.loader.exec_module(hostile)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(host="127.0.0.1", port=8765, root=tmp_path / "private")


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings), base_url=BASE) as test_client:
        yield test_client


def upload(path: Path, name: str | None = None) -> tuple[str, bytes, str]:
    return (name or path.name, path.read_bytes(), "application/octet-stream")


def bundled_files() -> dict[str, Any]:
    return {"files": upload(DATA, "incidents.csv")}


def cli_report(tmp_path: Path, args: list[str], fmt: str, stem: str) -> bytes:
    """The report `scope-gap analyze` writes for `args` (run in tmp_path, files named there)."""
    out = tmp_path / "cli-out"
    result = CliRunner().invoke(main, [*args, "-o", str(out), "-f", fmt])
    assert result.exit_code == 0, result.output
    return (out / f"{stem}.{fmt}").read_bytes()


# --- the API's answers -----------------------------------------------------------------------


def test_healthz(client: TestClient) -> None:
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.text == "ok"


def test_unknown_paths_and_methods_are_json_errors(client: TestClient) -> None:
    missing = client.get("/etc/passwd")
    assert missing.status_code == 404
    assert "error" in missing.json()
    wrong = client.get("/api/analyze")
    assert wrong.status_code == 405
    assert "GET" in wrong.json()["error"]


def test_mandates_lists_every_bundled_mandate_by_id_and_title(client: TestClient) -> None:
    answer = client.get("/api/mandates")
    assert answer.status_code == 200
    listed = answer.json()
    expected = [{"id": m, "title": scope_gap.load_mandate(m).title} for m in bundled_mandates()]
    assert listed == expected
    assert {"hogue-2023", "nsira-2024"} <= {m["id"] for m in listed}
    french = client.get("/api/mandates?lang=fr").json()
    assert [m["id"] for m in french] == [m["id"] for m in listed]
    assert french[0]["title"] != listed[0]["title"]  # the French title
    assert client.get("/api/mandates?lang=de").status_code == 400


def test_analyze_json_is_the_library_analysis_of_the_same_file(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = client.post("/api/analyze", files=bundled_files(), data={"mandate": "nsicop-2024"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    shutil.copy(DATA, tmp_path / "incidents.csv")
    monkeypatch.chdir(tmp_path)
    expected = scope_gap.analyze(["incidents.csv"], "nsicop-2024").to_dict()
    assert answer.json() == json.loads(json.dumps(expected))
    assert answer.json()["inputs"][0]["path"] == "incidents.csv"  # named as it was sent
    # and byte for byte the file `scope-gap analyze` writes
    assert answer.content == cli_report(
        tmp_path,
        ["analyze", "incidents.csv", "-m", "nsicop-2024"],
        "json",
        "nsicop-2024-gap-report",
    )


def test_analyze_defaults_to_hogue_and_reads_several_files_as_one_table(
    client: TestClient, tmp_path: Path, make_csv: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = make_csv([["X-1", "another", "2021-09-20", "federal", "general_election"]])
    answer = client.post(
        "/api/analyze", files=[("files", upload(DATA, "incidents.csv")), ("files", upload(extra))]
    )
    assert answer.status_code == 200
    report = answer.json()
    assert report["mandate"]["id"] == "hogue-2023"
    assert [i["path"] for i in report["inputs"]] == ["incidents.csv", "in.csv"]
    shutil.copy(DATA, tmp_path / "incidents.csv")
    monkeypatch.chdir(tmp_path)
    expected = scope_gap.analyze(["incidents.csv", "in.csv"]).to_dict()
    assert report == json.loads(json.dumps(expected))


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_csv_report_is_the_one_the_command_line_writes(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    answer = client.post(
        "/api/analyze", files=bundled_files(), data={"format": "csv", "lang": lang}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    shutil.copy(DATA, tmp_path / "incidents.csv")
    monkeypatch.chdir(tmp_path)
    written = cli_report(
        tmp_path, ["analyze", "incidents.csv", "--lang", lang], "csv", "hogue-2023-gap-report"
    )
    assert answer.content == written
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    with open(DATA, encoding="utf-8", newline="") as handle:
        bundled_rows = sum(1 for _ in csv.DictReader(handle))
    assert len(rows) == bundled_rows + 1  # computed: the bundled dataset grows between versions


def test_xlsx_report_opens_in_openpyxl(client: TestClient) -> None:
    answer = client.post("/api/analyze", files=bundled_files(), data={"format": "xlsx"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"] == (
        'attachment; filename="hogue-2023-gap-report.xlsx"'
    )
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames[:2] == ["Summary", "Out of scope"]
    assert book["In scope"].max_row > 1


class _Parsed(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(text: str) -> _Parsed:
    page = _Parsed()
    page.feed(text)
    page.close()
    return page


def test_html_report_parses_and_carries_its_policy(client: TestClient) -> None:
    answer = client.post("/api/analyze", files=bundled_files(), data={"format": "html"})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/html; charset=utf-8"
    page = parse(answer.text)
    assert ("html", {"lang": "en"}) in page.tags
    meta = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
    assert meta and meta[0]["content"] in answer.headers["content-security-policy"]
    assert "FI-009" in "".join(page.text)


def test_compare_json_is_the_library_comparison(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = client.post(
        "/api/compare",
        files=bundled_files(),
        data={"mandate": ["hogue-2023", "nsira-2024"]},
    )
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == (
        'attachment; filename="compare-hogue-2023-nsira-2024.json"'
    )
    shutil.copy(DATA, tmp_path / "incidents.csv")
    monkeypatch.chdir(tmp_path)
    expected = scope_gap.compare(["incidents.csv"], ["hogue-2023", "nsira-2024"]).to_dict()
    assert answer.json() == json.loads(json.dumps(expected))
    one = client.post("/api/compare", files=bundled_files(), data={"mandate": "hogue-2023"})
    assert one.status_code == 400
    assert one.json() == {"error": "compare needs at least two mandates"}


def test_an_uploaded_rule_file_is_the_mandate(
    client: TestClient, make_mandate: Any, make_csv: Any, tmp_path: Path
) -> None:
    rules = make_mandate()
    table = make_csv([["A1", "t", "2019-10-21", "federal", "general_election"]])
    answer = client.post(
        "/api/analyze",
        files={"files": upload(table), "mandate_file": upload(rules, "my rules.yaml")},
    )
    assert answer.status_code == 200
    report = answer.json()
    assert report["mandate"]["id"] == "test-mandate"
    assert report["incidents"][0]["status"] == "in_scope"


def test_template_downloads_the_blank_workbook(client: TestClient) -> None:
    answer = client.get("/api/template")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX
    assert answer.headers["content-disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    assert [c.value for c in book.worksheets[0][1]][:5] == [
        "id",
        "title",
        "date",
        "level",
        "event_type",
    ]
    french = openpyxl.load_workbook(io.BytesIO(client.get("/api/template?lang=fr").content))
    assert french.sheetnames != book.sheetnames


def test_check_says_how_columns_were_read_and_lists_every_invalid_row(
    client: TestClient, make_csv: Any
) -> None:
    table = make_csv(
        [
            ["A1", "good", "2019", "federal", "general_election", "x"],
            ["A2", "bad level", "2019", "planetary", "general_election", ""],
            ["A3", "bad date", "2019-13", "federal", "general_election", ""],
        ],
        header=["id", "Title", "date", "level", "event_type", "Region"],
    )
    answer = client.post("/api/check", files={"files": upload(table)})
    assert answer.status_code == 200
    body = answer.json()
    assert body["incidents"] == 1
    assert [r["origin"]["row"] for r in body["invalid"]] == [3, 4]
    assert "level" in body["invalid"][0]["errors"][0]
    columns = [(c["header"], c["column"]) for c in body["files"][0]["columns"]]
    assert columns[1] == ("Title", "title")
    assert columns[5] == ("Region", None)
    assert {c["id"] for c in body["columns"]} >= {"id", "title", "date", "level", "event_type"}


def test_check_of_a_table_that_cannot_be_read_still_says_how_its_columns_were_read(
    client: TestClient, make_csv: Any
) -> None:
    table = make_csv(
        [["A1", "t", "2019", "federal", "general_election"]],
        header=["Case code", "title", "date", "level", "event_type"],
    )
    answer = client.post("/api/check", files={"files": upload(table)})
    assert answer.status_code == 400
    body = answer.json()
    assert "lacks the required column" in body["error"] and "'id'" in body["error"]
    assert body["files"][0]["columns"][0]["header"] == "Case code"
    assert body["files"][0]["columns"][0]["column"] is None
    assert body["files"][0]["columns"][1]["column"] == "title"


def test_a_column_map_and_the_header_row_reach_the_library(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = tmp_path / "theirs.csv"
    table.write_text(
        "Our incidents, as of June\n\n"
        "Case code,Headline,When,Gov level,event_type\n"
        "K-1,a case,2019-10-21,Fed,general_election\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "columns.yaml"
    mapping.write_text(
        "columns:\n  Case code: id\n  Gov level: level\nvalues:\n  level: {Fed: federal}\n",
        encoding="utf-8",
    )
    answer = client.post(
        "/api/analyze",
        files={"files": upload(table), "columns_file": upload(mapping)},
        data={"header_row": "3"},
    )
    assert answer.status_code == 200, answer.text
    monkeypatch.chdir(tmp_path)
    expected = scope_gap.analyze(["theirs.csv"], columns="columns.yaml", header_row=3).to_dict()
    assert answer.json() == json.loads(json.dumps(expected))
    assert answer.json()["incidents"][0]["fields"]["level"] == "federal"
    broken = client.post(
        "/api/analyze",
        files={"files": upload(table), "columns_file": ("columns.yaml", b"columns: [")},
    )
    assert broken.status_code == 400
    assert broken.json()["error"].startswith("columns.yaml:1")


# --- bad input: 400 with the command line's message -----------------------------------------


def test_an_unknown_mandate_is_refused_with_the_command_lines_message(client: TestClient) -> None:
    answer = client.post("/api/analyze", files=bundled_files(), data={"mandate": "hogue"})
    assert answer.status_code == 400
    cli = CliRunner().invoke(main, ["analyze", "-m", "hogue"])
    assert answer.json()["error"] in cli.output
    assert "did you mean 'hogue-2023'" in answer.json()["error"]


def test_a_mandate_is_never_read_from_a_path_the_client_names(
    client: TestClient, make_mandate: Any
) -> None:
    rules = make_mandate()
    answer = client.post("/api/analyze", files=bundled_files(), data={"mandate": str(rules)})
    assert answer.status_code == 400
    assert "neither a rule file nor a bundled mandate" in answer.json()["error"]


@pytest.mark.parametrize(
    ("data", "files", "fragment"),
    [
        ({}, {"lang": (None, "en")}, "no incident file was sent"),
        ({"format": "pdf"}, None, "unknown format 'pdf'"),
        ({"lang": "de"}, None, "unknown language 'de'"),
        ({"header_row": "two"}, None, "header_row"),
        ({"day_first": "maybe"}, None, "day_first"),
        ({"day_first": "true", "month_first": "true"}, None, "cannot both be true"),
    ],
)
def test_bad_fields_are_400_with_a_message(
    client: TestClient, data: dict[str, str], files: Any, fragment: str
) -> None:
    answer = client.post(
        "/api/analyze", data=data, files=bundled_files() if files is None else files
    )
    assert answer.status_code == 400
    assert fragment in answer.json()["error"]


def test_both_a_bundled_mandate_and_a_rule_file_is_400(
    client: TestClient, make_mandate: Any
) -> None:
    files = {**bundled_files(), "mandate_file": upload(make_mandate())}
    answer = client.post("/api/analyze", files=files, data={"mandate": "hogue-2023"})
    assert answer.status_code == 400
    assert "either 'mandate' or 'mandate_file'" in answer.json()["error"]


def test_an_option_the_library_does_not_take_is_refused_by_name(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(server_work, "supported_options", lambda: {"sheet"})
    answer = client.post("/api/analyze", files=bundled_files(), data={"encoding": "latin-1"})
    assert answer.status_code == 400
    assert "'encoding' is not supported" in answer.json()["error"]


@pytest.mark.parametrize(
    ("option", "day"), [("day_first", "2021-06-05"), ("month_first", "2021-05-06")]
)
def test_the_day_order_reaches_the_library(
    client: TestClient, make_csv: Any, option: str, day: str
) -> None:
    if option not in server_work.supported_options():
        pytest.skip(f"this library does not take {option} yet")
    table = make_csv([["D1", "t", "05/06/2021", "federal", "general_election"]])
    guessed = client.post("/api/analyze", files={"files": upload(table)}, data={"format": "json"})
    assert guessed.status_code in (200, 400)  # ambiguous: refused or invalid, never guessed
    if guessed.status_code == 200:
        assert guessed.json()["incidents"] == []
    answer = client.post("/api/analyze", files={"files": upload(table)}, data={option: "true"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["incidents"][0]["fields"]["date"] == day


def test_reader_options_reach_the_library(client: TestClient, tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    sheet = book.create_sheet("Data")
    sheet.append(["id", "title", "date", "level", "event_type"])
    sheet.append(["B1", "second sheet", "2019", "federal", "general_election"])
    path = tmp_path / "two.xlsx"
    book.save(path)
    answer = client.post("/api/analyze", files={"files": upload(path)}, data={"sheet": "Data"})
    assert answer.status_code == 200
    assert answer.json()["incidents"][0]["origin"]["sheet"] == "Data"
    wrong = client.post("/api/analyze", files={"files": upload(path)}, data={"sheet": "Nope"})
    assert wrong.status_code == 400
    assert wrong.json()["error"].startswith("two.xlsx")


def test_a_bad_rule_file_is_400_with_every_problem_as_the_command_line_says_it(
    client: TestClient, make_mandate: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = make_mandate("mandate: {id: x}\nclauses: [{id: A, when: {field: nowhere, in: [1]}}]\n")
    answer = client.post(
        "/api/analyze", files={**bundled_files(), "mandate_file": upload(rules, "bad.yaml")}
    )
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error.startswith("bad.yaml:")
    shutil.copy(rules, tmp_path / "bad.yaml")
    monkeypatch.chdir(tmp_path)
    cli = CliRunner().invoke(main, ["analyze", "-m", "bad.yaml", "-o", "out"])
    assert cli.exit_code == 1
    assert cli.output.strip() == error


def test_not_a_multipart_form_is_400(client: TestClient) -> None:
    answer = client.post("/api/analyze", content=b"files=x", headers={"content-type": "text/plain"})
    assert answer.status_code == 400
    assert "multipart/form-data" in answer.json()["error"]
    broken = client.post(
        "/api/analyze",
        content=b'--b\r\nContent-Disposition: form-data; name="files"; filename="a.csv"\r\n\r\nid',
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert broken.status_code == 400


TABLE_CASES = [c for c in hostile.CASES if c.kind == "table"]


@pytest.mark.parametrize("case", TABLE_CASES, ids=[c.name for c in TABLE_CASES])
def test_hostile_tables_are_400_with_the_command_lines_message_never_500(
    case: Any, client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = case.build() if case.large else (HOSTILE / case.name).read_bytes()
    if len(data) > 8 * 1024 * 1024:
        pytest.skip("a large case: the command line's test covers it; 413 is tested apart")
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    rules = hostile.rule("{field: level, in: [federal]}")
    # a case's command-line options (--encoding X) as the page's form fields
    form = {k.removeprefix("--"): v for k, v in zip(case.args[::2], case.args[1::2], strict=True)}
    answer = client.post(
        "/api/analyze",
        data=form,
        files={
            "files": (case.name, data, "application/octet-stream"),
            "mandate_file": ("m.yaml", rules, "application/yaml"),
        },
    )
    if case.exit == 0:
        assert answer.status_code == 200, answer.text
        assert answer.json()["summary"]["total"] == case.rows
        return
    if answer.status_code == 413:  # the readers' size limit, met while the bytes arrived
        assert "larger than the limit" in answer.json()["error"]
        return
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error.startswith(f"{case.name}:")
    (tmp_path / case.name).write_bytes(data)
    (tmp_path / "m.yaml").write_bytes(rules)
    monkeypatch.chdir(tmp_path)
    cli = CliRunner().invoke(main, ["analyze", case.name, *case.args, "-m", "m.yaml", "-o", "out"])
    assert cli.exit_code == 1
    assert f"Error: {error}" in cli.output


RULE_CASES = [c for c in hostile.CASES if c.kind == "rules" and not c.large]


@pytest.mark.parametrize("case", RULE_CASES, ids=[c.name for c in RULE_CASES])
def test_hostile_rule_files_are_400_never_500(
    case: Any, client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = HOSTILE / case.name
    if path.stat().st_size > 4 * 1024 * 1024:
        pytest.skip("larger than a rule file may be: 413, tested apart")
    for name, value in case.env.items():
        monkeypatch.setenv(name, value)
    answer = client.post("/api/analyze", files={**bundled_files(), "mandate_file": upload(path)})
    if case.exit and answer.status_code == 413:  # the rule-file limit, met as the bytes arrived
        assert "larger than the limit" in answer.json()["error"]
        return
    assert answer.status_code == (200 if case.exit == 0 else 400), answer.text
    if case.exit:
        assert answer.json()["error"].startswith(f"{case.name}:")


def test_an_unexpected_error_is_500_with_a_message_not_a_traceback(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(form: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(server_work, "analyze", broken)
    answer = client.post("/api/analyze", files=bundled_files())
    assert answer.status_code == 500
    assert "RuntimeError: a bug" in answer.json()["error"]
    assert "Traceback" not in answer.text


# --- limits: 413 before the upload is held whole ---------------------------------------------


def test_a_declared_content_length_over_the_limit_is_413(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCOPE_GAP_MAX_FILE_BYTES", "1000")
    answer = client.post(
        "/api/analyze",
        content=b"--b\r\n",
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(10**12),
        },
    )
    assert answer.status_code == 413
    assert "larger than the limit" in answer.json()["error"]


def test_a_file_over_the_readers_limit_is_413_while_it_streams(
    client: TestClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCOPE_GAP_MAX_FILE_BYTES", "5000")
    body = b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\n\r\n'
    answer = client.post(
        "/api/analyze",
        content=body + b"x" * 6000 + b"\r\n--b--\r\n",
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 413
    assert answer.json()["error"] == "the file 'big.csv' is larger than the limit of 5,000 bytes"
    assert settings.root is not None and list(settings.root.iterdir()) == []


def test_the_limit_is_met_before_the_rest_of_the_upload_is_read(tmp_path: Path) -> None:
    """No Content-Length: the parser stops at the first chunk past the limit."""
    import anyio

    from scope_gap.readers import Limits
    from scope_gap.server.uploads import FormError, read_form

    read: list[int] = []

    async def body():
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="big.csv"\r\n\r\n'
        for n in range(1000):
            read.append(n)
            yield b"x" * 1000
        yield b"\r\n--b--\r\n"

    async def go() -> None:
        headers = {"content-type": "multipart/form-data; boundary=b"}
        await read_form(headers, body(), tmp_path, Limits(file_bytes=5000))

    with pytest.raises(FormError) as refused:
        anyio.run(go)
    assert refused.value.status == 413
    assert len(read) <= 6
    assert sum(f.stat().st_size for f in tmp_path.iterdir()) <= 5000  # never held whole


def test_a_rule_file_over_its_limit_is_413(client: TestClient) -> None:
    big = b"# " + b"x" * (4 * 1024 * 1024) + b"\n"
    answer = client.post(
        "/api/analyze", files={**bundled_files(), "mandate_file": ("m.yaml", big, "text/yaml")}
    )
    assert answer.status_code == 413


# --- Host and Origin: DNS rebinding and cross-site posts ---------------------------------------


@pytest.mark.parametrize(
    "host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765", "LOCALHOST:8765"]
)
def test_every_loopback_name_with_the_port_is_accepted(client: TestClient, host: str) -> None:
    assert client.get("/healthz", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["evil.example:8765", "127.0.0.1:80", "127.0.0.1", "localhost.evil.example:8765", ""]
)
def test_any_other_host_is_403(client: TestClient, host: str) -> None:
    answer = client.get("/healthz", headers={"host": host})
    assert answer.status_code == 403
    assert "error" in answer.json()
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_with_host_only_the_names_given_count(tmp_path: Path) -> None:
    app = create_app(Settings(host="192.168.1.5", port=9000, root=tmp_path / "p"))
    with TestClient(app, base_url="http://192.168.1.5:9000") as remote:
        assert remote.get("/healthz").status_code == 200
        assert remote.get("/healthz", headers={"host": "127.0.0.1:9000"}).status_code == 403
        assert remote.get("/healthz", headers={"host": "localhost:9000"}).status_code == 403


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1:9999", "https://127.0.0.1:8765"]
)
def test_a_post_from_another_origin_is_403(client: TestClient, origin: str) -> None:
    answer = client.post("/api/analyze", files=bundled_files(), headers={"origin": origin})
    assert answer.status_code == 403


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8765", "http://localhost:8765"])
def test_a_post_from_its_own_page_is_accepted(client: TestClient, origin: str) -> None:
    answer = client.post("/api/analyze", files=bundled_files(), headers={"origin": origin})
    assert answer.status_code == 200


# --- headers -----------------------------------------------------------------------------------


def test_the_page_has_a_policy_that_allows_only_its_own_script(client: TestClient) -> None:
    import base64
    import hashlib
    import re

    answer = client.get("/")
    assert answer.status_code == 200
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "connect-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    scripts = re.findall(r"<script>(.*?)</script>", answer.text, re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in policy
    # nothing is fetched from elsewhere
    assert not re.search(r"(src|href)=\"(https?:)?//", answer.text)


def test_the_page_has_the_reports_palette(client: TestClient) -> None:
    from scope_gap.reports.html import environment

    page = client.get("/").text
    palette = str(environment().globals["status_css"])
    assert ".st-in_scope { background: #" in palette
    assert palette in page


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/mandates", "/api/template"])
def test_every_answer_has_the_safety_headers(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "no-referrer"
    assert "content-security-policy" in answer.headers
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("hogue-2023-gap-report", "hogue-2023-gap-report.xlsx"),
        ("../../etc/passwd", "etc-passwd.xlsx"),
        ('a"b\r\nSet-Cookie: x', "a-b-Set-Cookie-x.xlsx"),
        ("...", "report.xlsx"),
        ("é" * 300, "report.xlsx"),
    ],
)
def test_download_names_are_safe(stem: str, expected: str) -> None:
    assert safe_filename(stem, "xlsx") == expected


def test_a_mandate_id_with_odd_characters_gives_a_safe_download_name(
    client: TestClient, make_mandate: Any
) -> None:
    rules = make_mandate(
        "mandate: {id: 'x y;z', title: t}\nclauses: [{id: A, when: {field: level, in: [federal]}}]\n"
    )
    answer = client.post(
        "/api/analyze",
        files={**bundled_files(), "mandate_file": upload(rules)},
        data={"format": "csv"},
    )
    if answer.status_code == 400:  # the rule parser refuses such ids
        return
    assert answer.headers["content-disposition"] == 'attachment; filename="x-y-z-gap-report.csv"'


# --- the private folder ------------------------------------------------------------------------


def test_the_private_folder_is_0700_and_not_the_shared_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = private_root()
    try:
        assert root.stat().st_mode & 0o777 == 0o700
        assert root.is_relative_to(tmp_path / "cache")
        assert not root.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve() / "x")
        assert root.resolve().parent != Path(tempfile.gettempdir()).resolve()
    finally:
        shutil.rmtree(root)


def test_uploads_are_streamed_to_the_private_folder_and_removed_after_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_csv: Any
) -> None:
    import tempfile

    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))  # what Starlette would spool into
    settings = Settings(port=8765, root=tmp_path / "private")
    seen: list[list[Path]] = []
    real = server_work.analyze

    def spy(form: Any) -> Any:
        seen.append([u.file for u in form.uploads("files")])
        return real(form)

    monkeypatch.setattr(server_work, "analyze", spy)
    rows = [[f"R{i}", "x" * 200, "2019", "federal", "general_election"] for i in range(12000)]
    big = make_csv(rows)  # more than the 1 MB Starlette keeps in memory
    assert big.stat().st_size > 2 * 1024 * 1024
    with TestClient(create_app(settings), base_url=BASE) as test_client:
        answer = test_client.post("/api/analyze", files={"files": upload(big)})
        assert answer.status_code == 200
        assert answer.json()["summary"]["total"] == 12000
        (files,) = seen
        assert all(f.is_relative_to(settings.root) for f in files)
        assert not any(f.exists() for f in files)  # removed once answered
        assert list(settings.root.iterdir()) == []
    assert list(shared.iterdir()) == []
    assert not settings.root.exists()  # removed on stop


def test_results_and_uploads_are_forgotten_after_the_idle_time(
    tmp_path: Path,
) -> None:
    settings = Settings(port=8765, root=tmp_path / "private", idle_seconds=0.2)
    with TestClient(create_app(settings), base_url=BASE) as test_client:
        kept = test_client.post("/page/analyze", files=bundled_files()).json()
        assert test_client.get(kept["downloads"]["json"]).status_code == 200
        (settings.root / "left-over").mkdir()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (settings.root / "left-over").exists():
            time.sleep(0.1)
        assert not (settings.root / "left-over").exists()
        assert test_client.get(kept["downloads"]["json"]).status_code == 404


def test_the_page_keeps_a_result_for_its_view_and_downloads(client: TestClient) -> None:
    kept = client.post("/page/analyze", files=bundled_files(), data={"lang": "fr"})
    assert kept.status_code == 200
    body = kept.json()
    from scope_gap.i18n import use_language

    with use_language("fr"):
        assert body["finding"] == scope_gap.analyze([DATA]).summary["finding"]
    view = client.get(body["view"])
    assert view.status_code == 200
    assert "content-disposition" not in view.headers
    assert "frame-ancestors 'self'" in view.headers["content-security-policy"]
    assert '<html lang="fr">' in view.text
    xlsx = client.get(body["downloads"]["xlsx"])
    assert xlsx.headers["content-disposition"] == (
        'attachment; filename="hogue-2023-gap-report.xlsx"'
    )
    openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert client.get("/page/result/nothing/json").status_code == 404
    assert client.get(body["view"].replace("/view", "/pdf")).status_code == 404


# --- concurrency ---------------------------------------------------------------------------------


def test_parallel_requests_get_their_own_results(client: TestClient, make_csv: Any) -> None:
    tables = {
        n: make_csv(
            [[f"T{n}-{i}", "t", "2019", "federal", "general_election"] for i in range(n)],
            name=f"t{n}.csv",
        )
        for n in (1, 2, 3, 4, 5, 6)
    }
    answers: dict[int, Any] = {}

    def post(n: int) -> None:
        answers[n] = client.post(
            "/api/analyze",
            files={"files": upload(tables[n])},
            data={"lang": "fr" if n % 2 else "en"},
        )

    threads = [threading.Thread(target=post, args=(n,)) for n in tables]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for n, answer in answers.items():
        assert answer.status_code == 200
        report = answer.json()
        assert report["summary"]["total"] == n
        assert report["inputs"][0]["path"] == f"t{n}.csv"
        assert {i["id"] for i in report["incidents"]} == {f"T{n}-{i}" for i in range(n)}


def test_beyond_the_analyses_that_may_run_and_wait_the_answer_is_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(port=8765, root=tmp_path / "p", running=1, waiting=1)
    release = threading.Event()
    started = threading.Semaphore(0)
    real = server_work.analyze

    def slow(form: Any) -> Any:
        started.release()
        release.wait(20)
        return real(form)

    monkeypatch.setattr(server_work, "analyze", slow)
    answers: list[Any] = []
    with TestClient(create_app(settings), base_url=BASE) as test_client:
        space = test_client.app.state.workspace  # type: ignore[attr-defined]

        def post() -> None:
            answers.append(test_client.post("/api/analyze", files=bundled_files()))

        first = threading.Thread(target=post)
        first.start()
        assert started.acquire(timeout=20)  # one runs
        second = threading.Thread(target=post)
        second.start()
        deadline = time.monotonic() + 20
        while space.inside < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        assert space.inside == 2  # one waits
        third = test_client.post("/api/analyze", files=bundled_files())
        assert third.status_code == 503
        assert "busy" in third.json()["error"]
        release.set()
        first.join()
        second.join()
    assert [a.status_code for a in answers] == [200, 200]


# --- the command ---------------------------------------------------------------------------------


def test_help_does_not_import_the_server() -> None:
    import subprocess

    code = (
        "import sys\n"
        "from scope_gap.cli import main\n"
        "try:\n    main(['serve', '--help'])\nexcept SystemExit:\n    pass\n"
        "bad = [m for m in ('starlette', 'uvicorn', 'python_multipart', 'scope_gap.server') "
        "if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "--no-browser" in done.stdout
    assert "--port" in done.stdout and "--host" in done.stdout


def test_serve_is_listed_in_the_help() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert "serve" in result.output


def test_without_lang_the_reports_speak_as_the_command_line_would(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCOPE_GAP_LANG", "fr")
    answer = client.post("/api/analyze", files=bundled_files(), data={"format": "csv"})
    assert answer.content.decode("utf-8-sig").startswith("ID,Titre,")
    assert (
        client.get("/api/mandates").json()[0]["title"] != scope_gap.load_mandate("hogue-2023").title
    )

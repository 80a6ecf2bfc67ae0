"""The local page in both languages: its messages live in the `serve` catalogue, the French page
and the server's French messages leave no English message of the catalogues behind."""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from scope_gap.i18n import LOCALE_DIR, use_language
from scope_gap.server import Settings, create_app
from scope_gap.server.page import strings
from tests.test_french import _Text, english_messages

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent
PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "serve.po"
DATA = ROOT / "data" / "incidents.csv"


@pytest.fixture
def client(tmp_path: Path):
    app = create_app(Settings(port=8765, root=tmp_path / "private"))
    with TestClient(app, base_url="http://127.0.0.1:8765") as test_client:
        yield test_client


def _marked() -> set[str | tuple[str, ...]]:
    marked: set[str | tuple[str, ...]] = set()
    for source in sorted((ROOT / "scope_gap" / "server").glob("*.py")):
        for _line, message, _c, _x in extract_from_file(
            "python", source, keywords={"_": None, "N_": None, "ngettext": (1, 2)}
        ):
            marked.add(message if isinstance(message, str) else tuple(message))
    for source in sorted((ROOT / "scope_gap" / "server" / "templates").glob("*.j2")):
        for _line, message, _c, _x in extract_from_file(
            "jinja2",
            source,
            keywords={"_": None, "gettext": None, "ngettext": (1, 2)},
            options={"extensions": "jinja2.ext.i18n"},
        ):
            marked.add(message if isinstance(message, str) else tuple(message))
    return marked


def test_the_serve_catalogue_holds_exactly_the_messages_of_the_server() -> None:
    with open(PO, "rb") as handle:
        held = {m.id for m in read_po(handle) if m.id}
    marked = _marked()
    assert marked - held == set(), "not in serve.po: extract and translate them"
    assert held - marked == set(), "serve.po holds messages the server no longer uses"


def test_french_typography() -> None:
    with open(PO, "rb") as handle:
        for message in read_po(handle):
            if not message.id:
                continue
            for text in message.string if isinstance(message.string, tuple) else (message.string,):
                assert "« " not in text and " »" not in text and " :" not in text, text
                assert " ;" not in text and " ?" not in text, text


def _french_texts() -> str:
    with open(PO, "rb") as handle:
        return "\n".join(
            t
            for m in read_po(handle)
            if m.id
            for t in (m.string if isinstance(m.string, tuple) else (m.string,))
        )


def english_left(text: str) -> list[str]:
    """The catalogues' English phrases in `text`, but for names the French keeps as they are
    (`scope-gap serve`)."""
    french = _french_texts()
    return [p for p in english_messages() if p in text and p not in french]


def _visible(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return "\n".join(parser.parts)


def test_the_french_page_is_french(client: TestClient) -> None:
    page = client.get("/?lang=fr").text
    assert '<html lang="fr">' in page
    text = _visible(page)
    assert "Quels incidents échappent" in text
    assert english_left(text) == []
    # what the script writes comes in French too
    data = re.search(r'<script type="application/json" id="strings">(.*?)</script>', page, re.S)
    assert data is not None
    written = "\n".join(json.loads(data.group(1)).values())
    assert english_left(written) == []
    with use_language("fr"):
        assert json.loads(data.group(1)) == strings()


def test_the_english_page_speaks_the_catalogues_english(client: TestClient) -> None:
    page = client.get("/").text
    assert '<html lang="en">' in page
    assert "Which incidents fall outside what an inquiry may examine?" in page
    assert 'href="/?lang=fr"' in page  # and a way to French


def test_the_browsers_language_chooses_the_page_language(client: TestClient) -> None:
    french = client.get("/", headers={"accept-language": "fr-CA,fr;q=0.9,en;q=0.5"}).text
    assert '<html lang="fr">' in french
    english = client.get("/?lang=en", headers={"accept-language": "fr-CA"}).text
    assert '<html lang="en">' in english


def test_errors_are_in_the_language_of_the_request(client: TestClient) -> None:
    files = {"files": ("incidents.csv", DATA.read_bytes())}
    answer = client.post("/api/analyze", files=files, data={"mandate": "hogue", "lang": "fr"})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert "n'est ni un fichier de règles ni un mandat fourni" in error
    assert english_left(error) == []
    empty = client.post(
        "/api/analyze",
        files={"files": ("t.csv", b"id,title\n")},
        data={"lang": "fr"},
    )
    assert empty.status_code == 400
    assert english_left(empty.json()["error"]) == []


def test_french_reports_come_from_the_same_catalogues(client: TestClient) -> None:
    files = {"files": ("incidents.csv", DATA.read_bytes())}
    page = client.post("/api/analyze", files=files, data={"format": "html", "lang": "fr"})
    assert '<html lang="fr">' in page.text
    assert "Lignes invalides" in _visible(page.text)  # the report's own French (tested there)

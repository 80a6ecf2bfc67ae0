"""`--lang fr`: complete French reports of the bundled data, with no English string of the
catalogues left in any generated text, and JSON that differs only in human-readable strings."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from scope_gap.i18n import DOMAINS, LOCALE_DIR

WORD = re.compile(r"[A-Za-z]{4,}")


def english_messages() -> set[str]:
    """The English msgids (placeholders cut out) that differ from their French, as phrases."""
    phrases: set[str] = set()
    for domain in DOMAINS:
        with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / f"{domain}.po", "rb") as handle:
            catalog = read_po(handle)
        for message in catalog:
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for msgid, text in zip(ids, strings, strict=False):
                if not msgid or msgid == text:
                    continue
                for piece in re.split(r"\{[^{}]*\}|%\(\w+\)[sdr]|%[sdr]|\n", msgid):
                    piece = piece.strip(" .,;:()[]'\"")
                    # a phrase of two or more words is specific enough to be a leftover
                    if len(WORD.findall(piece)) >= 2 and len(piece) >= 12:
                        phrases.add(piece)
    return phrases


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        for name, value in attrs:
            if name in ("aria-label", "title", "alt", "placeholder") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def html_text(path: Path) -> str:
    parser = _Text()
    parser.feed(path.read_text(encoding="utf-8"))
    return " ".join(parser.parts)


def xlsx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return " ".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.endswith(".xml")
            and (
                "sharedStrings" in name
                or "worksheets/sheet" in name
                or name == "xl/workbook.xml"
                or "docProps" in name
            )
        )


def leftovers(text: str, data: str) -> list[str]:
    """English catalogue phrases in `text` that are not part of the incident data."""
    return sorted(p for p in english_messages() if p in text and p not in data)


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    from click.testing import CliRunner

    from scope_gap.cli import main

    out = tmp_path_factory.mktemp("fr")
    runner = CliRunner()
    results = {
        "analyze": runner.invoke(
            main,
            [
                "analyze",
                "--lang",
                "fr",
                "-o",
                str(out),
                "-f",
                "xlsx",
                "-f",
                "html",
                "-f",
                "json",
                "-f",
                "csv",
            ],
            catch_exceptions=False,
        ),
        "compare": runner.invoke(
            main,
            [
                "compare",
                "--lang",
                "fr",
                "-m",
                "hogue-2023",
                "-m",
                "whole-of-government",
                "-o",
                str(out),
            ],
            catch_exceptions=False,
        ),
        "amend": runner.invoke(
            main,
            [
                "amend",
                "--lang",
                "fr",
                "--cover-status",
                "context_only",
                "-o",
                str(out),
                "-f",
                "html",
                "-f",
                "xlsx",
            ],
            catch_exceptions=False,
        ),
        "template": runner.invoke(
            main, ["template", "--lang", "fr", str(out / "modele.xlsx")], catch_exceptions=False
        ),
    }
    for name, result in results.items():
        assert result.exit_code == 0, (name, result.output)
    return out, results


@pytest.fixture(scope="module")
def data_text():
    import scope_gap

    return json.dumps(scope_gap.analyze().to_dict(), ensure_ascii=False)


def test_the_french_terminal_output_has_no_english_left(french, data_text):
    _, results = french
    for name, result in results.items():
        assert leftovers(result.output, data_text) == [], name


@pytest.mark.parametrize(
    "name",
    [
        "hogue-2023-gap-report.html",
        "compare-hogue-2023-whole-of-government.html",
        "hogue-2023-amendments.html",
    ],
)
def test_french_pages_have_no_english_left(french, data_text, name):
    out, _ = french
    assert leftovers(html_text(out / name), data_text) == []
    assert '<html lang="fr"' in (out / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "name",
    [
        "hogue-2023-gap-report.xlsx",
        "compare-hogue-2023-whole-of-government.xlsx",
        "hogue-2023-amendments.xlsx",
        "modele.xlsx",
    ],
)
def test_french_workbooks_have_no_english_left(french, data_text, name):
    out, _ = french
    assert leftovers(xlsx_text(out / name), data_text) == []


def test_french_csv_has_no_english_left(french, data_text):
    out, _ = french
    assert (
        leftovers((out / "hogue-2023-gap-report.csv").read_text(encoding="utf-8-sig"), data_text)
        == []
    )


def test_french_workbook_has_spec_sheet_names(french):
    import openpyxl

    out, _ = french
    book = openpyxl.load_workbook(out / "hogue-2023-gap-report.xlsx")
    assert book.sheetnames == [
        "Sommaire",
        "Hors mandat",
        "Indéterminés",
        "Dans le mandat",
        "Lignes invalides",
        "Mandat",
        "À propos",
    ]


def test_french_json_differs_only_in_human_readable_strings(french, tmp_path):
    import scope_gap

    out, _ = french
    fr = json.loads((out / "hogue-2023-gap-report.json").read_text(encoding="utf-8"))
    en = scope_gap.analyze().to_dict()

    def shape(value):
        if isinstance(value, dict):
            return {k: shape(v) for k, v in value.items() if k not in ("gaps", "reasons", "by_gap", "finding")}
        if isinstance(value, list):
            return [shape(v) for v in value]
        return value

    assert shape(fr) == shape(en)
    assert [len(r["reasons"]) for r in fr["incidents"]] == [
        len(r["reasons"]) for r in en["incidents"]
    ]
    assert fr["incidents"][0]["reasons"] != en["incidents"][0]["reasons"]

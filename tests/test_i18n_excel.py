"""The workbooks in French: the gap report, the template, the CSV header and the comparison
matrix, read back with openpyxl (and the gap report opened once in LibreOffice)."""

from __future__ import annotations

import csv
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from babel.messages.pofile import read_po

import scope_gap
from scope_gap.i18n import LOCALE_DIR, format_number, use_language
from scope_gap.model import COLUMNS, ENUMS
from scope_gap.reports import OutputError, excel, write_reports
from scope_gap.reports.compare import matrix_rows
from scope_gap.reports.csv import rows as csv_rows
from scope_gap.reports.excel import render_xlsx
from scope_gap.reports.template import render_template
from tests.test_excel import convert, header_row, write_table

SHEETS_FR = [
    "Sommaire",
    "Hors mandat",
    "Indéterminés",
    "Dans le mandat",
    "Lignes invalides",
    "Mandat",
    "À propos",
]
LEADING_FR = ["ID", "Titre", "Date", "Ordre de gouvernement", "Type d'événement", "Statut"]
INCIDENT_SHEETS_FR = {
    "Hors mandat": ("OutOfScope", ["Lacune", "Motifs"]),
    "Indéterminés": ("Indeterminate", ["Lacune", "Motifs"]),
    "Dans le mandat": ("InScope", ["Couvert par"]),
}
PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def english_messages() -> tuple[set[str], set[str]]:
    """The English messages of the excel catalogue that French changes, longer than 3
    characters: (whole messages, literal fragments of 15 characters or more)."""
    with open(LOCALE_DIR / "fr" / "LC_MESSAGES" / "excel.po", "rb") as handle:
        catalog = read_po(handle)
    whole, fragments = set(), set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if len(english) <= 3 or english in strings:
                continue
            whole.add(english)
            fragments.update(
                part.strip() for part in PLACEHOLDER.split(english) if len(part.strip()) >= 15
            )
    return whole, fragments


def assert_no_english(texts: list[str]) -> None:
    whole, fragments = english_messages()
    for text in texts:
        assert text not in whole, f"English message left in the French output: {text!r}"
        for fragment in fragments:
            assert fragment not in text, f"English text {fragment!r} left in: {text!r}"


def cell_texts(wb) -> list[str]:
    return [
        cell.value
        for ws in wb
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, str)
    ]


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    """The bundled dataset's gap report in French: (analysis, path, warnings)."""
    analysis = scope_gap.analyze()
    path = tmp_path_factory.mktemp("fr") / "hogue-2023-rapport.xlsx"
    with use_language("fr"):
        warnings = render_xlsx(analysis).save(path)
    return analysis, path, warnings


@pytest.fixture(scope="module")
def book(french):
    return openpyxl.load_workbook(french[1])


# --- the gap report ----------------------------------------------------------------------


def test_sheets_have_specs_french_names_in_the_contract_order(book):
    assert book.sheetnames == SHEETS_FR
    for name in SHEETS_FR:
        assert len(name.encode("utf-16-le")) // 2 <= 31
        assert not set(name) & set(":\\/?*[]")


@pytest.mark.parametrize("sheet", [*INCIDENT_SHEETS_FR, "Lignes invalides"])
def test_each_list_is_a_table_whose_french_headers_are_its_column_names(book, sheet):
    ws = book[sheet]
    (table,) = ws.tables.values()
    headers = header_row(ws)
    assert [c.name for c in table.tableColumns] == headers
    assert all(isinstance(h, str) and h for h in headers)
    assert len({h.casefold() for h in headers}) == len(headers)
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", table.displayName)
    if sheet in INCIDENT_SHEETS_FR:
        name, middle = INCIDENT_SHEETS_FR[sheet]
        assert table.displayName == name
        assert headers[: len(LEADING_FR) + len(middle)] == LEADING_FR + middle
        assert headers[-1] == "Origine"
        assert "Résumé" in headers and "Preuve" in headers
    else:
        assert headers[:4] == ["Fichier", "Feuille", "Ligne", "Problèmes"]


def test_no_cell_is_a_formula(book):
    for ws in book:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row), ws.title


def test_statuses_are_written_in_french_and_the_titles_are_the_french_ones(french, book):
    analysis = french[0]
    gap = book["Hors mandat"]
    names = header_row(gap)
    records = {r["fields"]["id"]: r for r in analysis.incidents}
    labels = {"context_only": "contexte seulement", "out_of_scope": "hors mandat"}
    rows = list(gap.iter_rows(min_row=2, values_only=True))
    assert rows
    for row in rows:
        values = dict(zip(names, row, strict=True))
        record = records[values["ID"]]
        assert values["Statut"] == labels[record["status"]]
        assert values["Titre"] == record["fields"]["title_fr"]
        assert values["Résumé"] == record["fields"]["summary_fr"]


def test_summary_mandate_and_about_sheets_are_in_french(french, book):
    analysis = french[0]
    summary = cell_texts([book["Sommaire"]])
    title = analysis.mandate.title_fr
    assert f"Rapport des lacunes\u00a0: {title}" in summary
    assert "Incidents par statut" in summary and "Feuilles de ce classeur" in summary
    assert {"dans le mandat", "contexte seulement", "hors mandat", "indéterminé"} <= set(summary)
    assert any("voir la colonne «\u00a0Preuve\u00a0»" in t for t in summary)
    assert [t for t in summary if t in SHEETS_FR][-6:] == SHEETS_FR[1:]  # the sheet guide
    mandate = cell_texts([book["Mandat"]])
    assert mandate[0] == title
    assert {"Identifiant du mandat", "Clauses", "Périodes", "examinée", "contexte"} <= set(mandate)
    assert all(c.text_fr in mandate for c in analysis.mandate.clauses if c.text_fr)
    assert all(p.label_fr in mandate for p in analysis.mandate.periods.values() if p.label_fr)
    about = book["À propos"]
    assert about["A1"].value == "À propos de ce rapport"
    assert about["A3"].value == "Produit le (UTC)" and about["B3"].is_date
    periods = [r for r in book["Mandat"].iter_rows(values_only=True) if r and r[0] == "GE44-cycle"]
    assert periods and periods[0][1].year == 2019  # precise dates stay date cells


def test_no_english_message_is_left_in_the_french_workbook(french, book):
    texts = cell_texts(book) + book.sheetnames
    props = book.properties
    texts += [props.title, props.subject]
    assert_no_english(texts)
    assert props.title.startswith("Rapport des lacunes")
    assert props.language == "fr-CA"
    with zipfile.ZipFile(french[1]) as archive:
        chart = archive.read("xl/charts/chart1.xml").decode("utf-8")
        sheet = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        footer = archive.read(sheet).decode("utf-8")
    assert "Incidents qui ne sont pas dans le mandat, par lacune" in chart
    assert "Page &amp;P de &amp;N" in footer


def test_the_english_workbook_keeps_its_english_names(tmp_path):
    render_xlsx(scope_gap.analyze()).save(tmp_path / "en.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "en.xlsx")
    assert wb.sheetnames == list(excel.SHEETS.values())
    assert wb.properties.language is None


def test_french_cells_keep_text_as_typed_dates_as_dates_and_links(tmp_path):
    header = ["id", "title", "date", "level", "event_type", "sources", "title_fr"]
    rows = [
        ["X1", "t", "2021-09-20", "municipal", "general_election", "=1+1", "=HYPERLINK(1)"],
        ["X2", "u", "2021-09", "municipal", "general_election",
         "Le Devoir\nhttps://example.org/a?b=1", ""],
    ]  # fmt: skip
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows, header))
    with use_language("fr"):
        render_xlsx(analysis).save(tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "r.xlsx")["Hors mandat"]
    names = header_row(ws)
    x1, x2 = (dict(zip(names, row, strict=True)) for row in ws.iter_rows(min_row=2))
    assert x1["Titre"].value == "=HYPERLINK(1)" and x1["Titre"].quotePrefix
    assert x1["Sources"].value == "=1+1" and x1["Sources"].data_type == "s"
    assert x1["Date"].is_date and x1["Date"].number_format == "yyyy-mm-dd"
    assert x2["Titre"].value == "u"  # no title_fr: the title as given
    assert (x2["Date"].value, x2["Date"].data_type) == ("2021-09", "s")
    assert x2["Sources"].hyperlink.target == "https://example.org/a?b=1"
    with zipfile.ZipFile(tmp_path / "r.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


# --- warnings and errors -----------------------------------------------------------------


def test_warnings_and_the_truncation_marker_are_in_french(tmp_path):
    long = "x" * (excel.MAX_CELL_CHARS + 10)
    rows = [["C1", "bad\x07title", "2022", "municipal", "general_election", long]]
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows))
    with use_language("fr"):
        warnings = render_xlsx(analysis).save(tmp_path / "r.xlsx")
        size = format_number(len(long))
    assert any(
        w.startswith("Rapport Excel, feuille «\u00a0Hors mandat\u00a0»\u00a0: 1 cellule dont")
        for w in warnings
    )
    assert any("1 cellule tronquée" in w for w in warnings)
    assert_no_english(warnings)
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    sources = [c for c in wb["Hors mandat"][2] if c.value and str(c.value).startswith("xxx")]
    assert sources[0].value.endswith(
        f" … [tronqué\u00a0: {size} caractères au total; le rapport JSON contient le texte intégral]"
    )
    about = cell_texts([wb["À propos"]])
    assert all(w in about for w in warnings)


def test_too_many_rows_is_a_french_error(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    rows = [[f"R{i}", "t", "2022", "municipal", "general_election", ""] for i in range(3)]
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows))
    with use_language("fr"), pytest.raises(OutputError) as raised:
        write_reports(analysis, tmp_path / "out", ["xlsx"])
    assert "la feuille «\u00a0Hors mandat\u00a0» nécessiterait 4 lignes" in str(raised.value)
    assert_no_english([str(raised.value)])


def test_input_columns_named_as_the_french_reports_computed_ones_are_not_carried(tmp_path):
    header = ["id", "title", "date", "level", "event_type", "Statut", "Origine"]
    rows = [["E1", "t", "2022", "municipal", "general_election", "a", "b"]]
    analysis = scope_gap.analyze(write_table(tmp_path / "in.csv", rows, header))
    with use_language("fr"):
        render_xlsx(analysis).save(tmp_path / "r.xlsx")
        header_csv = csv_rows(analysis)[0]
    headers = header_row(openpyxl.load_workbook(tmp_path / "r.xlsx")["Hors mandat"])
    # SPEC 7: our reports' computed columns, in either language, are recognised on input
    assert headers[-2:] == ["Valeurs inconnues", "Origine"]
    assert header_csv[-2:] == ["Valeurs inconnues", "Origine"]
    assert not any("(entrée)" in h for h in [*headers, *header_csv])


# --- CSV header and the comparison matrix ------------------------------------------------


def test_csv_header_is_the_incident_sheets_headers_in_french(book):
    analysis = scope_gap.analyze()
    with use_language("fr"):
        header, body = csv_rows(analysis)
    assert header[:9] == LEADING_FR + ["Lacune", "Motifs", "Couvert par"]
    assert header[-1] == "Origine"
    assert len({h.casefold() for h in header}) == len(header)
    sheet_headers = {h for sheet in INCIDENT_SHEETS_FR for h in header_row(book[sheet])}
    assert set(header) == sheet_headers
    assert {row[5] for row in body} <= {"in_scope", "context_only", "out_of_scope",
                                        "indeterminate", "invalid"}  # fmt: skip
    assert_no_english(header)


def test_the_comparison_matrix_header_is_in_french():
    comparison = scope_gap.compare(mandates=["hogue-2023", "whole-of-government"])
    with use_language("fr"):
        header, _ = matrix_rows(comparison)
    assert header == ["ID", "Titre", "hogue-2023", "whole-of-government",
                      "Dans le mandat seulement selon"]  # fmt: skip
    assert_no_english(header)


# --- the template ------------------------------------------------------------------------


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "incidents.xlsx"
    with use_language("fr"):
        render_template().save(path)
    return path


def test_french_template_keeps_the_contracts_header_and_values(template):
    wb = openpyxl.load_workbook(template)
    assert wb.sheetnames == ["Incidents", "Dictionnaire de données", "Listes"]
    ws = wb.worksheets[0]
    assert [c.value for c in ws[1]] == list(COLUMNS)
    lists = wb["Listes"]
    assert lists.sheet_state == "hidden"
    columns = list(COLUMNS)
    for dv in ws.data_validations.dataValidation:
        assert len(dv.promptTitle or "") <= 32 and len(dv.prompt or "") <= 255
        assert len(dv.errorTitle or "") <= 32 and len(dv.error or "") <= 255
        if dv.type != "list":
            assert dv.promptTitle == "Formes de date" and "AAAA-MM-JJ" in dv.prompt
            continue
        sheet_name, cells = dv.formula1.split("!")
        assert sheet_name.strip("'") == "Listes"
        values = [c.value for row in lists[cells.replace("$", "")] for c in row]
        name = columns[next(iter(dv.sqref.ranges)).min_col - 1]
        assert values == ENUMS[name]
        assert dv.errorTitle == f"Valeur de {name} invalide"
        assert dv.error.startswith("Valeurs permises\u00a0: " + ", ".join(values))


def test_french_data_dictionary_explains_every_column(template):
    wb = openpyxl.load_workbook(template)
    ws = wb["Dictionnaire de données"]
    assert [c.value for c in ws[1]] == ["Colonne", "Obligatoire", "Signification",
                                        "Valeurs permises"]  # fmt: skip
    rows = {r[0].value: [c.value for c in r[1:4]] for r in ws.iter_rows(min_row=2) if r[0].value}
    for name, required in COLUMNS.items():
        assert rows[name][0].startswith("oui" if required else "non")
        assert rows[name][1]
    for name, allowed in ENUMS.items():
        assert all(value in rows[name][2] for value in allowed)
        assert rows[name][2].endswith(" (ou vide)")
    assert "Notes" in rows
    assert_no_english(cell_texts(wb) + [wb.properties.title, wb.properties.subject])


def test_a_filled_french_template_is_analysed(template):
    wb = openpyxl.load_workbook(template)
    wb.worksheets[0].append(["T-1", "Rempli", "2021-09-01", "federal", "general_election"])
    wb.save(template)
    analysis = scope_gap.analyze(template)
    assert [(r[0], r[1]) for r in analysis.flatten()] == [("T-1", "in_scope")]
    assert analysis.invalid == []


# --- LibreOffice -------------------------------------------------------------------------


def test_libreoffice_opens_the_french_workbook(french, tmp_path):
    analysis, path, _ = french
    out = tmp_path / "csv"
    convert(
        path, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", out
    )
    stem = path.stem
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{stem}-{s}.csv" for s in SHEETS_FR)
    with open(out / f"{stem}-Hors mandat.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:8] == LEADING_FR + ["Lacune", "Motifs"]
    gap = [r for r in analysis.incidents if r["status"] in ("out_of_scope", "context_only")]
    assert [r[0] for r in rows[1:]] == [r["fields"]["id"] for r in gap]
    summary = (out / f"{stem}-Sommaire.csv").read_text(encoding="utf-8")
    assert "Incidents par statut" in summary

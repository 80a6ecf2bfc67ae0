"""Messy spreadsheets as people hold them (SPEC 7), written at test time, each with the
statuses the bundled Hogue mandate must give it (by id).

    python tests/data/messy/make.py DIR     # write the corpus into DIR
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl


@dataclass
class Messy:
    name: str
    write: Callable[[Path], None]
    statuses: dict[str, str]  # id -> status under hogue-2023
    options: dict[str, object] = field(default_factory=dict)  # scope_gap.analyze(**options)
    columns: str | None = None  # a column map file written beside it, given as --columns


def _csv(rows: list[list[str]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)

    return write


def _xlsx(rows: list[list[object]]) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        book = openpyxl.Workbook()
        sheet = book.active
        for row in rows:
            sheet.append(row)
        book.save(path)

    return write


TITLE_ROWS = [
    ["Foreign interference incidents — working list", "", "", "", ""],
    ["Compiled by a volunteer; not verified", "", "", "", ""],
    ["", "", "", "", ""],
    ["Incident ID", "Headline", "Date of incident", "Level of government", "Type of event"],
    ["T1", "Funding in a riding", "2019-10-21", "Federal", "General election"],
    ["T2", "City council race", "2022-10-24", "City", "General election"],
    ["T3", "Party leadership", "2022", "Federal", "Leadership race"],
]

QUEBEC = [
    [
        "Identifiant",
        "Titre",
        "Date de l'incident",
        "Ordre de gouvernement",
        "Type d'événement",
        "Acteur",
    ],
    ["Q1", "Financement", "21 octobre 2019", "fédéral", "élection générale", "État A"],
    ["Q2", "Course", "juin 2022", "fédérale", "course à la direction", "inconnu"],
    ["Q3", "Inconnu", "inconnu", "inconnu", "élection générale", ""],
    ["Q4", "Mairie", "2022-10", "Municipale", "Élection générale", ""],
]

PLAIN = [
    [
        "Incident ID",
        "Description",
        "Date of incident",
        "Order of government",
        "Process",
        "Source URL",
        "Level of govt",
    ],
    [
        "P1",
        "Money moved to a campaign. Later found.",
        "Oct. 21, 2019",
        "Federal",
        "By-election",
        "https://example.org/a",
        "",
    ],
    [
        "P2",
        "A nomination contest was targeted.",
        "2019",
        "n/a",
        "Nomination contest",
        "https://example.org/b",
        "",
    ],
]

MAPPED = [
    ["Ref", "Headline", "When", "Gov level", "Kind"],
    ["M1", "One", "2019-09", "Fed", "GE"],
    ["M2", "Two", "2021", "Prov", "GE"],
]
COLUMN_MAP = """\
columns:
  Ref: id
  Headline: title
  When: date
  Gov level: level
  Kind: event_type
values:
  level: {Fed: federal, Prov: provincial}
  event_type: {GE: general_election}
"""

CORPUS = [
    Messy(
        "title-rows.csv",
        _csv(TITLE_ROWS),
        {"T1": "in_scope", "T2": "context_only", "T3": "context_only"},
    ),
    Messy(
        "title-rows.xlsx",
        _xlsx(TITLE_ROWS),
        {"T1": "in_scope", "T2": "context_only", "T3": "context_only"},
    ),
    Messy(
        "header-row-4.csv",
        _csv(TITLE_ROWS),
        {"T1": "in_scope", "T2": "context_only", "T3": "context_only"},
        options={"header_row": 4},
    ),
    Messy(
        "quebec.csv",
        _csv(QUEBEC),
        {"Q1": "in_scope", "Q2": "context_only", "Q3": "indeterminate", "Q4": "context_only"},
    ),
    Messy(
        "quebec.xlsx",
        _xlsx(QUEBEC),
        {"Q1": "in_scope", "Q2": "context_only", "Q3": "indeterminate", "Q4": "context_only"},
    ),
    Messy("plain.csv", _csv(PLAIN), {"P1": "context_only", "P2": "indeterminate"}),
    Messy("mapped.csv", _csv(MAPPED), {"M1": "in_scope", "M2": "context_only"}, columns=COLUMN_MAP),
]


def write_corpus(folder: Path) -> list[Messy]:
    """Write every messy table (and its column map) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for case in CORPUS:
        case.write(folder / case.name)
        if case.columns:
            (folder / f"{case.name}.columns.yaml").write_text(case.columns, encoding="utf-8")
    return CORPUS


if __name__ == "__main__":
    for written in write_corpus(Path(sys.argv[1])):
        print(written.name)

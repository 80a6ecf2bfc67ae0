"""The words people use for our columns and values, in English and French (SPEC section 7).

Section 1's own names match as section 1 says (case, surrounding spaces and
space/hyphen/underscore ignored). Besides them a header or an enumerated value matches
one of its usual names below when both are *folded*: compared without case, accents,
punctuation or repeated spaces, and with plural `s` endings ignored. The headers of this
tool's own reports in both languages are read too, so that a report reads back as input.

No I/O and no pandas here: the `--columns FILE.yaml` loader is `readers.columnmap`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from .i18n import catalogue
from .model import COLUMNS, DISPLAY_NAMES, ENUMS, UNKNOWN, normalize_name

#: the header is looked for among this many non-blank rows (SPEC 7)
HEADER_SEARCH_ROWS = 30
#: a row is the header when its cells name at least this many of section 1's columns
HEADER_MIN_COLUMNS = 3

#: how a header came to name a column, best first (two headers naming one column: the
#: better one wins; two equally good ones are a bad table)
EXACT, MAPPED, ALIAS = "exact", "mapped", "alias"
RANK = {EXACT: 3, MAPPED: 2, ALIAS: 1}

#: at least SPEC 7's table, then the variants people write
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "Incident ID",
        "ID",
        "No.",
        "N°",
        "Nº",
        "No",
        "Number",
        "Incident number",
        "Incident no",
        "Ref",
        "Ref.",
        "Identifier",
        "Identifiant",
        "Identifiant de l'incident",
        "Numéro",
        "Numéro de l'incident",
        "Code",
    ),
    "title": (
        "Incident",
        "Headline",
        "Titre",
        "Intitulé",
        "Incident title",
        "Titre de l'incident",
        "Short title",
        "Name",
        "Nom",
    ),
    "date": (
        "Date of incident",
        "When",
        "Date de l'incident",
        "Incident date",
        "Date of event",
        "Event date",
        "Date de l'événement",
        "Quand",
        "Dates",
    ),
    "level": (
        "Level of government",
        "Order of government",
        "Government level",
        "Level",
        "Ordre de gouvernement",
        "Palier",
        "Palier de gouvernement",
        "Niveau",
        "Niveau de gouvernement",
        "Ordre",
    ),
    "event_type": (
        "Type of event",
        "Event type",
        "Process",
        "Process type",
        "Type of process",
        "Type d'événement",
        "Type de processus",
        "Type d'évènement",
    ),
    "jurisdiction": ("Jurisdiction", "Juridiction", "Administration", "Location", "Lieu"),
    "event": (
        "Event",
        "Événement",
        "Evenement",
        "Process targeted",
        "Processus visé",
        "Election",
        "Élection",
        "Electoral event",
    ),
    "actor": (
        "Foreign actor",
        "Alleged actor",
        "State",
        "Actor",
        "Acteur",
        "État",
        "Acteur étranger",
        "Acteur présumé",
        "État étranger",
        "Foreign state",
        "Country",
        "Pays",
    ),
    "tactic": ("Tactic", "Method", "Tactique", "Méthode", "Technique"),
    "target": ("Target", "Cible", "Targeted", "Visé", "Personne visée"),
    "summary": (
        "Description",
        "Details",
        "Résumé",
        "Description de l'incident",
        "Détails",
        "Incident description",
        "Summary",
        "Synopsis",
    ),
    "evidence": (
        "Evidence grade",
        "Confidence",
        "Preuve",
        "Niveau de preuve",
        "Evidence level",
        "Evidence",
        "Confiance",
        "Degré de preuve",
        "Fiabilité",
    ),
    "sources": (
        "Source",
        "Source URL",
        "Link",
        "Sources",
        "Lien",
        "Référence",
        "Reference",
        "URL",
        "Source link",
        "Citation",
    ),
    "notes": ("Notes", "Note", "Comments", "Comment", "Commentaires", "Remarks", "Remarques"),
}

#: columns this tool computes in its own reports: recognised on read-back, never carried
COMPUTED_COLUMNS: tuple[str, ...] = (
    "Status",
    "Gap",
    "Gaps",
    "Why",
    "Covered by",
    "Unknown",
    "Unknown values",
    "Origin",
    "Statut",
    "Lacune",
    "Lacunes",
    "Motifs",
    "Motif",
    "Couvert par",
    "Inconnu",
    "Inconnus",
    "Valeurs inconnues",
    "Origine",
)

#: at least SPEC 7's list, then the variants; the report labels in both languages
VALUE_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "level": {
        "federal": ("Federal", "fédéral", "fédérale", "national"),
        "provincial": ("Provincial", "Provinciale", "Province"),
        "territorial": ("Territorial", "Territoriale", "Territory", "Territoire"),
        "municipal": (
            "Municipal",
            "Municipale",
            "City",
            "Ville",
            "Local",
            "Municipality",
            "Municipalité",
        ),
        "other": ("Other", "Autre"),
    },
    "event_type": {
        "general_election": ("General election", "Élection générale", "Elections générales"),
        "by_election": ("By-election", "By election", "Élection partielle"),
        "nomination_contest": (
            "Nomination contest",
            "Nomination",
            "Investiture",
            "Course à l'investiture",
        ),
        "leadership_race": (
            "Leadership race",
            "Leadership contest",
            "Leadership",
            "Course à la direction",
            "Course à la chefferie",
        ),
        "referendum": ("Referendum", "Référendum"),
        "non_electoral": (
            "Non-electoral",
            "Non electoral",
            "Hors élection",
            "Hors élections",
            "Non électoral",
            "Non électorale",
        ),
    },
    "evidence": {
        "adjudicated": ("Adjudicated", "Court finding", "Jugé", "Décision judiciaire"),
        "official_finding": (
            "Official finding",
            "Constatation officielle",
            "Conclusion officielle",
        ),
        "intelligence": ("Intelligence", "Renseignement", "Renseignements"),
        "press": ("Press", "Presse", "Press report", "Media", "Médias"),
        "allegation": ("Allegation", "Allégation", "Alleged"),
    },
}

#: what means *not known* in an enumerated column and in `date`, beside blank
NOT_KNOWN_WORDS: tuple[str, ...] = (
    "unknown",
    "inconnu",
    "inconnue",
    "n/a",
    "na",
    "N/D",
    "nd",
    "not known",
    "non connu",
    "unk",
    "tbd",
    "s.o.",
    "so",
    "sans objet",
)
NOT_KNOWN_MARKS = frozenset({"?", "??", "???", "-", "--", "–", "—", "−", "n/a", "n.a.", "N/D"})

_PUNCTUATION = re.compile(r"[\W_]+")


def fold(text: str) -> str:
    """`text` without case, accents, punctuation or repeated spaces (`Év.` -> `ev`)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", bare).split())


def _singular(folded: str) -> str:
    """Folded text with plural endings ignored (`Actor(s)`, `Sources` -> `actor`, `source`)."""
    words = [w for w in folded.split() if w != "s"]
    return " ".join(
        w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words
    )


def key_of(text: str) -> str:
    """The key under which a header or a value is compared with the usual names."""
    return _singular(fold(text))


def _french(message: str) -> str:
    return catalogue("fr").gettext(message)


@cache
def column_names() -> dict[str, str]:
    """Folded usual name -> column, with our reports' headers in English and French."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        forms = [column, column.replace("_", " "), *COLUMN_ALIASES.get(column, ())]
        if column in DISPLAY_NAMES:
            forms += [DISPLAY_NAMES[column], _french(DISPLAY_NAMES[column])]
        for form in forms:
            names.setdefault(key_of(form), column)
    return names


@cache
def computed_names() -> frozenset[str]:
    """Folded headers of the columns our reports compute (Status, Gap, Why, ... in both
    languages), as the report catalogues translate them."""
    english = ("Status", "Gap", "Why", "Covered by", "Unknown", "Origin")
    forms = [*COMPUTED_COLUMNS, *english, *(_french(name) for name in english)]
    return frozenset(key_of(form) for form in forms) - set(column_names())


@cache
def value_names(column: str) -> dict[str, str]:
    """Folded usual name -> canonical value of an enumerated column."""
    allowed = ENUMS[column]
    names: dict[str, str] = {}
    for value in allowed:
        names.setdefault(key_of(value), value)
    for value, forms in VALUE_ALIASES.get(column, {}).items():
        if value in allowed:
            for form in forms:
                names.setdefault(key_of(form), value)
    return names


def is_not_known(text: str) -> bool:
    """Whether a cell says *not known* in one of the usual ways (`inconnu`, `n/a`, `?`, `—`)."""
    stripped = text.strip()
    return stripped in NOT_KNOWN_MARKS or key_of(stripped) in _not_known_keys()


@cache
def _not_known_keys() -> frozenset[str]:
    return frozenset(key_of(word) for word in NOT_KNOWN_WORDS)


# --- headers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnMap:
    """A `--columns FILE.yaml`: their header -> our column, and per column their value ->
    our value (both keys folded)."""

    path: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class HeaderMatch:
    """How one header was read: the column it names (None: an extra column) and how."""

    header: str
    column: str | None
    how: str | None = None  # EXACT, MAPPED, ALIAS; None for an extra or computed column
    computed: bool = False  # one of our reports' computed columns: not carried


def match_header(header: str, column_map: ColumnMap | None = None) -> HeaderMatch:
    """Which of section 1's columns `header` names, and how."""
    norm = normalize_name(header)
    if norm in COLUMNS:
        return HeaderMatch(header, norm, EXACT)
    if column_map is not None:
        mapped = column_map.columns.get(fold(header))
        if mapped is not None:
            return HeaderMatch(header, mapped, MAPPED)
    key = key_of(header)
    column = column_names().get(key)
    if column is not None:
        return HeaderMatch(header, column, ALIAS)
    if key in computed_names():
        return HeaderMatch(header, None, computed=True)
    return HeaderMatch(header, None)


def names_columns(cells: list[str], column_map: ColumnMap | None = None) -> int:
    """How many different columns of section 1 the cells of a row name."""
    found = {match_header(c, column_map).column for c in cells if c.strip()}
    found.discard(None)
    return len(found)


def suggest_column(header: str, missing: list[str]) -> str | None:
    """A column the table lacks that `header` is close to ('Level of govt' -> level)."""
    key = key_of(header)
    if len(key) < 3 or not missing:
        return None
    from rapidfuzz import fuzz, process

    choices = {name: column for name, column in column_names().items() if column in missing}
    best = process.extractOne(key, list(choices), scorer=fuzz.WRatio, score_cutoff=85)
    return choices[best[0]] if best else None


# --- values --------------------------------------------------------------------------------


def canonical_value(column: str, text: str, column_map: ColumnMap | None = None) -> str | None:
    """The canonical value of an enumerated cell read from another form (None: no match).

    Section 1's own forms are matched by the caller; this reads the usual English and
    French names, the *not known* forms and the `values:` of a column map.
    """
    if column_map is not None:
        mapped = column_map.values.get(column, {}).get(fold(text))
        if mapped is not None:
            return mapped
    value = value_names(column).get(key_of(text))
    if value is not None:
        return value
    if is_not_known(text):
        return UNKNOWN
    return None

"""French for the core area: statuses, reasons, gap labels, the summary sentence, amend, explain,
rule tests and every line the commands print (issue 9)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from click.testing import CliRunner

import scope_gap
from scope_gap.cli import help_msgid, main
from scope_gap.i18n import LOCALE_DIR, use_language
from scope_gap.model import display_name, status_label
from scope_gap.reports.explain import explain_incident

CORE_PO = LOCALE_DIR / "fr" / "LC_MESSAGES" / "core.po"
ROOT = Path(__file__).resolve().parent.parent
#: the bundled incidents as coded in version 0.1: fixed counts for the tests that pin them
BUNDLED_0_1 = Path(__file__).resolve().parent / "data" / "bundled-0.1.csv"


def _catalogue_fragments() -> list[str]:
    """The English text of every core message, cut at its placeholders: the pieces of more than
    one word (single words such as 'event' or 'target' also occur in the incident data, which
    is not translated) and longer than 3 characters, that differ from the French."""
    with open(CORE_PO, "rb") as handle:
        catalog = read_po(handle)
    pieces: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if ids[0] in strings:
            continue
        for text in ids:
            for piece in re.split(r"\{[a-z_]*\}", text):
                piece = piece.strip(" :;,.()[]/—…-\n")
                if len(piece) > 3 and " " in piece and not piece.startswith("scope-gap"):
                    pieces.add(piece)
    return sorted(pieces)


FRAGMENTS = _catalogue_fragments()


def _assert_no_english(text: str) -> None:
    left = [piece for piece in FRAGMENTS if piece in text]
    assert not left, f"English left in the French output: {left}"


def test_status_labels_and_display_names_follow_the_language():
    assert status_label("out_of_scope") == "out of scope"
    assert display_name("event_type") == "Event type"
    assert display_name("not_a_column") == "not_a_column"
    with use_language("fr"):
        assert status_label("out_of_scope") == "hors mandat"
        assert status_label("context_only") == "contexte seulement"
        assert status_label("in_scope") == "dans le mandat"
        assert status_label("indeterminate") == "indéterminé"
        assert status_label("invalid") == "invalide"
        assert display_name("event_type") == "Type d'événement"
        assert display_name("level") == "Ordre de gouvernement"


def test_english_is_unchanged():
    result = scope_gap.analyze(BUNDLED_0_1)  # fixed counts: the bundled data grows
    assert result.sentence().startswith("Of 12 incidents, ")
    reasons = [r for record in result.incidents for r in record["reasons"]]
    assert "level is provincial; clause A requires federal" in reasons


def test_french_analysis_reasons_gaps_and_sentence():
    with use_language("fr"):
        result = scope_gap.analyze(BUNDLED_0_1)  # fixed counts: the bundled data grows
        sentence = result.sentence()
        explained = explain_incident(result, "FI-001")
    assert sentence.startswith("Sur 12 incidents, ")
    reasons = [r for record in result.incidents for r in record["reasons"]]
    gaps = [g for record in result.incidents for g in record["gaps"]]
    assert "ordre de gouvernement\u00a0: provincial; la clause A exige\u00a0: federal" in reasons
    # dates inside reasons are written the French way; the incident's own date cell is data
    assert any("du 20 octobre 2015 au 21 octobre 2019" in r for r in reasons)
    assert "Processus provinciaux, territoriaux et municipaux" in gaps  # the mandate's gap_fr
    text = "\n".join([sentence, explained, *reasons, *gaps])
    assert "statut\u00a0: contexte seulement" in explained
    _assert_no_english(text)


def test_french_generated_gap_labels():
    rules = ROOT / "rules" / "whole-of-government.yaml"
    with use_language("fr"):
        result = scope_gap.analyze(mandate=str(rules))
    gaps = [g for record in result.incidents for g in record["gaps"]]
    reasons = [r for record in result.incidents for r in record["reasons"]]
    _assert_no_english("\n".join([*gaps, *reasons]))


def test_french_amend_summary():
    with use_language("fr"):
        result = scope_gap.amend(cover_status=["context_only"])
        lines = result.summary_lines()
        whys = [item["why"] for item in result.uncovered]
    text = "\n".join([*lines, *whys])
    assert "Clause A\u00a0: ajouter `provincial` et `municipal` à level" in text
    _assert_no_english(text)
    # the amended rule file stays a rule file written in English comments
    assert "# amended: add `provincial`" in result.amended_yaml


def _run_cli(args: list[str], tmp_path: Path, lang: str = "fr") -> subprocess.CompletedProcess:
    env = {"SCOPE_GAP_LANG": lang, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "scope_gap", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "-f", "json"],
        ["compare", "-m", "hogue-2023", "-m", "whole-of-government", "-f", "json"],
        ["amend", "--cover-status", "context_only"],
        ["explain", "FI-006"],
        ["rules", "test"],
        ["rules", "check", "rules/hogue-2023.yaml"],
        ["validate", "data/incidents.csv"],
        ["--help"],
        ["analyze", "--help"],
        ["amend", "--help"],
        ["rules", "--help"],
    ],
)
def test_cli_prints_french_with_scope_gap_lang(args, tmp_path):
    if args[0] in ("analyze", "compare", "amend") and "--help" not in args:
        args = [*args, "-o", str(tmp_path)]
    done = _run_cli(args, tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    if args[0] == "rules" and args[1] == "test":  # the case names are the test files' data
        out = "\n".join(line.split("\u00a0: ")[0] for line in out.splitlines())
    _assert_no_english(out)
    assert re.search(r"[éèàç«]|\u00a0:", out), out


def test_cli_status_table_in_french(tmp_path):
    done = _run_cli(["analyze", str(BUNDLED_0_1), "-f", "json", "-o", str(tmp_path)], tmp_path)
    assert "  contexte seulement      7" in done.stdout
    assert done.stdout.startswith("hogue-2023\u00a0: 12 lignes lues\n")


def test_english_help_is_untouched():
    runner = CliRunner()
    english = runner.invoke(main, ["analyze", "--help"], env={"SCOPE_GAP_LANG": "en"})
    assert "Classify every incident and write the gap reports." in english.output
    assert "Usage:" in english.output
    french = runner.invoke(main, ["analyze", "--help"], env={"SCOPE_GAP_LANG": "fr"})
    assert "Classer chaque incident" in french.output
    assert "Exemple\u00a0:" in french.output
    # and the English help again: the translation did not stick to the command
    again = runner.invoke(main, ["analyze", "--help"], env={"SCOPE_GAP_LANG": "en"})
    assert again.output == english.output


def test_every_help_text_has_french():
    with open(CORE_PO, "rb") as handle:
        catalog = read_po(handle)

    def walk(command):
        texts = [command.help] + [p.help for p in command.params if getattr(p, "help", None)]
        for text in texts:
            if text:
                msgid = help_msgid(text)[0]
                assert catalog.get(msgid) is not None and catalog.get(msgid).string, msgid
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(main)


def test_rule_test_errors_and_failures_in_french(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "mandate: hogue-2023\ncases:\n  - name: x\n    incident: {id: T1, colour: red}\n"
        "    expect: {status: inscope}\n    extra: 1\n",
        encoding="utf-8",
    )
    done = _run_cli(["rules", "test", str(bad)], tmp_path)
    assert done.returncode == 1
    assert "colonne inconnue «\u00a0colour\u00a0»" in done.stdout
    assert "clé inconnue «\u00a0extra\u00a0»" in done.stdout
    _assert_no_english(done.stdout)
    failing = tmp_path / "failing.yaml"
    failing.write_text(
        "mandate: hogue-2023\ncases:\n  - name: a provincial race\n"
        "    incident: {id: T1, date: '2022-06', level: provincial, event_type: leadership_race}"
        "\n    expect: {status: in_scope}\n",
        encoding="utf-8",
    )
    done = _run_cli(["rules", "test", str(failing)], tmp_path)
    assert done.returncode == 1
    assert "ÉCHEC" in done.stdout and "motifs\u00a0: ordre de gouvernement" in done.stdout
    assert "status attendu\u00a0: 'in_scope'" in done.stdout


def test_errors_are_prefixed_in_french(tmp_path):
    done = _run_cli(["explain", "NOPE"], tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "Erreur\u00a0: aucun incident n'a l'identifiant «\u00a0NOPE\u00a0»"
    )
    english = _run_cli(["explain", "NOPE"], tmp_path, lang="en")
    assert english.stderr.startswith("Error: no incident with id 'NOPE'")

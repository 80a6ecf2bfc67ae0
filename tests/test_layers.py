"""The house's layers point one way (docs/ARCHITECTURE.md), languages are data, no dead code.

errors, i18n <- model <- operators <- {readers, validate, rules} <- engine <- wording <-
analysis <- {comparison, amendment} <- reports <- api <- {ruletests, server, cli}
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "scope_gap"

#: each top-level module or package of scope_gap, with its layer: a module imports only
#: modules of lower layers (and its own package's modules)
LAYERS: dict[str, int] = {
    "version": 0,
    "i18n": 0,
    "bundled": 0,
    "errors": 1,
    "limits": 2,
    "dates": 2,
    "files": 3,
    "model": 3,
    "operators": 4,
    "vocabulary": 4,
    "readers": 5,
    "validate": 5,
    "rules": 5,
    "mandatediff": 5,
    "engine": 6,
    "wording": 7,
    "analysis": 8,
    "comparison": 9,
    "amendment": 9,
    "reports": 10,
    "api": 11,
    "ruletests": 12,
    "server": 13,
    "cli": 14,
    "__main__": 15,
    "__init__": 15,
}
#: imports the layer order alone would allow but the design does not
FORBIDDEN = {("reports", "engine"), ("validate", "readers")}


def _unit(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def _imports(path: Path) -> list[tuple[str, int]]:
    """(top-level unit of scope_gap imported, line) for every relative import of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = path.relative_to(PACKAGE).parent.parts
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = list(package[: len(package) - node.level + 1])
        target = [*base, *(node.module.split(".") if node.module else [])]
        if target:
            out.append((target[0], node.lineno))
        else:  # `from .. import name`: names of the package itself, or its modules
            out += [(alias.name, node.lineno) for alias in node.names]
    return out


SOURCES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    assert {_unit(p) for p in SOURCES} <= set(LAYERS)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path):
    unit = _unit(path)
    for target, line in _imports(path):
        where = f"{path.relative_to(ROOT)}:{line} imports {target}"
        assert target in LAYERS, f"{where}: not a module of the package (e.g. __version__)"
        if target == unit:
            continue
        assert LAYERS[target] < LAYERS[unit], f"{where}: against the layers"
        assert (unit, target) not in FORBIDDEN, f"{where}: {unit} must not import {target}"


def test_no_language_literal_branches_outside_i18n():
    pattern = re.compile(r"""[!=]= ?["'](en|fr)["']|["']fr-CA["']|\[["']en["'], ["']fr["']\]""")
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in SOURCES
        if p.name != "i18n.py"
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
        if pattern.search(line)
    ]
    assert found == [], "use i18n.LANGUAGES, LOCALE_TAGS, is_default_language()"


#: module-level names used only by code outside this repository's callers (public API)
PUBLIC_UNUSED = {"files_read", "DAY_ORDERS"}


def test_no_dead_module_level_code():
    text = "\n".join(
        p.read_text(encoding="utf-8")
        for folder in ("scope_gap", "tests", "scripts", "benchmarks")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in (".py", ".j2", ".js") and p.is_file()
    )
    counts: dict[str, int] = {}
    for word in re.findall(r"\w+", text):
        counts[word] = counts.get(word, 0) + 1
    dead = []
    for path in SOURCES:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.decorator_list:  # registered by its decorator (click commands...)
                    continue
                names = [node.name]
            elif isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            else:
                continue
            for name in names:
                if name.startswith("__") or name in PUBLIC_UNUSED:
                    continue
                if counts.get(name, 0) <= 1:
                    dead.append(f"{path.relative_to(ROOT)}: {name}")
    assert dead == []

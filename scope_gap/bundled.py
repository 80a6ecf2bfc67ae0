"""Where the bundled mandates and dataset live, installed or in a clone."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent

DEFAULT_MANDATE = "hogue-2023"
DEFAULT_DATA_NAME = "data/incidents.csv"


def bundled_dir(name: str) -> Path:
    """`rules` or `data`: inside the installed package, else at the top of the clone."""
    installed = _PACKAGE / "bundled" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def bundled_mandates() -> dict[str, Path]:
    """Mandate id (file stem) -> path of every bundled rule file."""
    folder = bundled_dir("rules")
    return {p.stem: p for p in sorted(folder.glob("*.yaml"))} if folder.is_dir() else {}


def default_data() -> Path:
    return bundled_dir("data") / "incidents.csv"

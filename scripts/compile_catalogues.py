"""Compile every French catalogue (.po -> .mo), as `pybabel compile` would, without fuzzy entries.

python scripts/compile_catalogues.py
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parent.parent / "scope_gap" / "locale"


def main() -> None:
    for po in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        with open(po, "rb") as handle:
            catalog = read_po(handle)
        with open(po.with_suffix(".mo"), "wb") as handle:
            write_mo(handle, catalog)
        print(f"compiled {po.relative_to(LOCALE.parent.parent)} ({len(catalog)} messages)")


if __name__ == "__main__":
    main()

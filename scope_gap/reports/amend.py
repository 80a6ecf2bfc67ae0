"""Outputs of `amend`: the amended rule file, the JSON, and optional readable page and workbook."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import atomic_write, writer
from .json import dumps

AMEND_WRITERS: dict[str, tuple[str, str]] = {
    "html": ("views", "write_amend_html"),
    "xlsx": ("views", "write_amend_xlsx"),
}


def write_amend_outputs(
    result: Any,
    directory: str | Path,
    formats: Iterable[str] = (),
    protect: Iterable[str | Path] = (),
) -> list[Path]:
    """`<id>-amended.yaml`, `<id>-amendments.json`, and `<id>-amendments.<fmt>` for each format."""
    folder = Path(directory)
    stem = result.mandate.id
    protected = [Path(p) for p in protect if str(p) != "-"]
    written = []
    if result.amended_yaml is not None:  # nothing changes: an earlier amended mandate stays
        text = result.amended_yaml
        written.append(
            atomic_write(
                folder / f"{stem}-amended.yaml",
                lambda p: p.write_text(text, encoding="utf-8"),
                protected,
            )
        )
    written += [
        atomic_write(
            folder / f"{stem}-amendments.json",
            lambda p: p.write_bytes(dumps(result.to_dict())),
            protected,
        ),
    ]
    for fmt in dict.fromkeys(formats):
        render = writer(fmt, AMEND_WRITERS)

        def write(path: Path, render: Any = render) -> None:
            render(result, path)

        written.append(atomic_write(folder / f"{stem}-amendments.{fmt}", write, protected))
    return written

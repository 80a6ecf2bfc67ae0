"""The JSON report: the machine-readable truth the other formats render."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def dumps(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def write_json(analysis: Any, path: Path) -> None:
    path.write_text(dumps(analysis.to_dict()), encoding="utf-8")

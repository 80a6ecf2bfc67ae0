"""The package stays mypy clean (mypy is in the `test` extra; without it the test is skipped)."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(
    importlib.util.find_spec("mypy") is None and not os.environ.get("CI"),
    reason="mypy is not installed (pip install -e '.[test]')",
)
def test_the_package_is_mypy_clean():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "scope_gap"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

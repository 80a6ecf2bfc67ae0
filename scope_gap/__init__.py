"""scope-gap: which documented foreign-interference incidents fall outside an inquiry's mandate."""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "amend", "analyze", "compare", "diff_mandates", "load_mandate"]


def __getattr__(name: str):  # lazy, so that `scope-gap --help` does not import pandas
    if name in ("amend", "analyze", "compare", "diff_mandates", "load_mandate", "Analysis"):
        from . import api

        return getattr(api, name)
    raise AttributeError(name)

"""Mandate rule files: strict YAML in, Mandate out."""

from .parse import OPERATORS, load_mandate_file, parse_mandate_text, read_mandate

__all__ = ["OPERATORS", "load_mandate_file", "parse_mandate_text", "read_mandate"]

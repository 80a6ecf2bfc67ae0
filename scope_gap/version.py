"""The tool's version, in a module of its own: modules that print it import this, never the
package `__init__` (which would tie every layer to the library's entry points)."""

__version__ = "0.1.0"

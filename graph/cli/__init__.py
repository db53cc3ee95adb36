"""The ``ikz`` command: one click group, one error handler, shared options."""

from graph.cli.main import main

__all__ = ["main"]

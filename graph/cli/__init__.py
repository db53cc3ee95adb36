"""The ``ikz`` command: one click group (:mod:`graph.cli.main`), one error path
(:mod:`graph.cli.errors`), shared options (:mod:`graph.cli.options`), a module per area."""

from graph.cli.main import main

__all__ = ["main"]

"""IKZ-Graph: a knowledge graph of intermunicipal cooperation, with provenance.

The library is the product; the ``ikz`` command is a thin layer over it::

    from graph import build
    result = build()            # finds the project from the current folder
    result.summary["classes"]

The names below are imported lazily (on first use), so that ``import graph`` stays cheap and
no submodule that reads ``graph.__version__`` closes an import cycle through this file.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: Public name -> module it lives in.
_EXPORTS = {
    "BuildResult": "graph.builder.build", "LoadedGraph": "graph.builder.build", "build": "graph.builder.build",
    "load_project": "graph.builder.build", "validate_project": "graph.builder.build",
    "IKZError": "graph.core.errors", "ProjectError": "graph.core.errors", "QuoteError": "graph.core.errors",
    "SourceDataError": "graph.core.errors", "ValidationError": "graph.core.errors",
    "Project": "graph.core.project", "find_project": "graph.core.project",
}

__all__ = [*sorted(_EXPORTS), "__version__"]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))

"""IKZ-Graph: a knowledge graph of intermunicipal cooperation, with provenance.

The library is the product; the ``ikz`` command is a thin layer over it::

    from graph import build
    result = build()            # finds the project from the current folder
    result.summary["classes"]
"""

__version__ = "0.1.0"

from graph.builder.build import BuildResult, LoadedGraph, build, load_project, validate_project  # noqa: E402
from graph.core.errors import IKZError, ProjectError, QuoteError, SourceDataError, ValidationError  # noqa: E402
from graph.core.project import Project, find_project  # noqa: E402

__all__ = [
    "BuildResult", "IKZError", "LoadedGraph", "Project", "ProjectError", "QuoteError",
    "SourceDataError", "ValidationError", "build", "find_project", "load_project", "validate_project",
    "__version__",
]

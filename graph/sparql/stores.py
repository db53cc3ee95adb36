"""Open a built graph for querying.

Three stores answer the same SPARQL:

* ``oxigraph`` (default): the built N-Triples bulk-loaded into an in-memory pyoxigraph
  store: fast, and what the query library uses;
* ``rdflib``: rdflib's API on the Oxigraph store (oxrdflib), for notebooks that want rdflib;
* ``memory``: plain rdflib in-memory graph (slow, for comparison and for rdflib-only code).
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import ProjectError
from graph.core.i18n import msg
from graph.core.project import Project, find_project

STORES = ("oxigraph", "rdflib", "memory")


def built_file(project: Project | None = None, build_dir: str | Path | None = None) -> Path:
    """The N-Triples file of the last build, with a clear error when there is none."""
    directory = Path(build_dir) if build_dir else (project or find_project()).default_output
    path = directory / "ikz.nt"
    if not path.is_file():
        raise ProjectError(msg("sparql.run.no_graph"), where=str(path), fix=msg("sparql.run.no_graph_fix"))
    return path


def open_oxigraph(path: str | Path) -> ox.Store:
    """Bulk-load a built N-Triples file into a new in-memory pyoxigraph store."""
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


def open_rdflib(path: str | Path, store: str = "rdflib"):
    """Load a built graph into an rdflib ``Graph`` on the Oxigraph store (``rdflib``) or in
    rdflib's own memory store (``memory``)."""
    from rdflib import Graph

    if store == "rdflib":
        graph = Graph(store="Oxigraph")
        graph.parse(str(path), format="ox-nt")
    else:
        graph = Graph()
        graph.parse(str(path), format="nt")
    return graph

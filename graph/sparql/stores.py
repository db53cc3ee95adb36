"""Open a built graph for querying.

Three stores answer the same SPARQL:

* ``oxigraph`` (default): the built N-Triples bulk-loaded into an in-memory pyoxigraph
  store: fast, and what the query library uses;
* ``rdflib``: rdflib's API on the Oxigraph store (oxrdflib), for notebooks that want rdflib;
* ``memory``: plain rdflib in-memory graph (slow, for comparison and for rdflib-only code).
"""

from __future__ import annotations

import json
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
    """The store of a built N-Triples file: the on-disk store the same build wrote (``ikz build
    --store-dir``), opened read-only, else the file bulk-loaded into a new in-memory store."""
    on_disk = disk_store(path)
    if on_disk is not None:
        return ox.Store.read_only(str(on_disk))
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


#: The file in an on-disk store folder naming the build it holds (``{"ikz.nt": sha256}``).
STORE_MARK = "ikz-store.json"


def disk_store(path: str | Path) -> Path | None:
    """The on-disk store folder written by the build of ``path`` (``ikz.nt``), when its
    ``summary.json`` names one and the store holds that very build (same digest); else None."""
    summary = Path(path).parent / "summary.json"
    try:
        facts = json.loads(summary.read_text(encoding="utf-8"))
        folder = Path(facts["store"])
        mark = json.loads((folder / STORE_MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return folder if mark.get("ikz.nt") and mark.get("ikz.nt") == facts.get("files", {}).get("ikz.nt") else None


def open_store_dir(folder: str | Path) -> ox.Store:
    """An on-disk store written by ``ikz build --store-dir``, read-only; a clear error if the
    folder holds none."""
    folder = Path(folder)
    if not (folder / STORE_MARK).is_file():
        raise ProjectError(msg("sparql.run.no_store"), where=str(folder), fix=msg("sparql.run.no_store_fix"))
    return ox.Store.read_only(str(folder))


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

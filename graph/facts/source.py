"""Where the facts come from: one way to open a graph, one way to run a facts query.

A source is a :class:`~graph.sparql.query.GraphQuery`, a pyoxigraph ``Store``, a built graph
folder or file (``ikz.nt``; a hand-written ``.ttl`` file is loaded with the project's ontology),
or ``None`` (the project's last ``ikz build``). Every facts query is a file of
``queries/facts/`` (found through :attr:`Project.queries_dir`) and runs through
:meth:`GraphQuery.run_file`: the gate, the bound parameters and the query worker, like every
other query of the project. The row cap does not apply (the facts are read whole).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

from graph import __version__
from graph.core.errors import ProjectError
from graph.core.i18n import msg
from graph.core.project import Project, find_project
from graph.sparql.query import GraphQuery, OxigraphEngine, project_prefixes

#: Seconds a facts query may take in the worker (the membership query of the national register
#: returns 400,000 rows).
TIMEOUT = 600.0

Source = GraphQuery | ox.Store | str | os.PathLike | None


def graph_file(path: str | os.PathLike) -> Path:
    """The built graph file of ``path`` (a folder holds ``ikz.nt``); a located error if none."""
    path = Path(path)
    if path.is_dir():
        path = path / "ikz.nt"
    if not path.is_file():
        raise ProjectError(msg("facts.no_graph"), where=str(path), fix=msg("facts.no_graph_fix"))
    return path


def graph_version(path: str | os.PathLike) -> str:
    """'IKZ-Graph 0.1.0 · Graph 6cc4f93bc2a5': the package version and the first 12 hex digits
    of the SHA-256 of the built N-Triples (from summary.json when it has it)."""
    path = Path(path)
    digest = None
    summary = path.parent / "summary.json"
    if path.name == "ikz.nt" and summary.is_file():
        try:
            digest = json.loads(summary.read_text(encoding="utf-8")).get("files", {}).get("ikz.nt")
        except (ValueError, OSError):
            digest = None
    if not digest:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return f"IKZ-Graph {__version__} · Graph {digest[:12]}"


def store_version(store: ox.Store) -> str:
    """'IKZ-Graph 0.1.0 · Graph 1a2b3c4d5e6f' for a store given directly: the digest of its
    sorted N-Triples (a built graph uses the digest in its summary.json)."""
    dump = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    lines = sorted(set(dump.decode("utf-8").splitlines()))
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return f"IKZ-Graph {__version__} · Graph {digest[:12]}"


def load_store(path: str | os.PathLike, project: Project | None = None) -> ox.Store:
    """A store of the graph file ``path``; a ``.ttl`` file (a hand-written fixture) gets the
    ontology of ``project`` too, so that its concepts have labels and schemes."""
    path = Path(path)
    store = ox.Store()
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
    store.bulk_load(path=str(path), format=fmt)
    if path.suffix == ".ttl" and project is not None:
        for ontology in project.ontology_files():
            store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    return store


def open_source(source: Source = None, project: Project | str | None = None) -> tuple[GraphQuery, str | None]:
    """A :class:`GraphQuery` over ``source`` and the graph's version line (None when not known
    yet: a store given directly is digested only when asked, see :func:`version_of`)."""
    if isinstance(source, GraphQuery):
        return source, None
    project = project if isinstance(project, Project) else find_project(project)
    if isinstance(source, ox.Store):
        return GraphQuery(project, OxigraphEngine(source, project_prefixes(project))), None
    if source is None:
        from graph.sparql.stores import built_file

        path = built_file(project)
    else:
        path = graph_file(source)
    store = load_store(path, project)
    return GraphQuery(project, OxigraphEngine(store, project_prefixes(project))), graph_version(path)


def version_of(gq: GraphQuery) -> str:
    """The version line of the graph behind ``gq`` (an endpoint is named by its URL)."""
    engine = gq.engine
    if isinstance(engine, OxigraphEngine):
        return store_version(engine.store)
    return f"IKZ-Graph {__version__} · {getattr(engine, 'url', 'graph')}"


def query_path(gq: GraphQuery, name: str) -> Path:
    """``queries/facts/NAME.rq``: product code, shipped with the package (see
    :meth:`graph.core.project.Project.query_file`)."""
    path = gq.project.query_file(f"facts/{name}.rq")
    if not path.is_file():
        raise ProjectError(msg("facts.query_missing"), where=str(path), fix=msg("facts.query_missing_fix"))
    return path


def select(gq: GraphQuery, name: str, bindings: dict | None = None) -> tuple[list[str], list[dict]]:
    """Variables and rows (dicts of rdflib terms) of ``queries/facts/NAME.rq``, through the gate
    and the query worker, uncapped."""
    result = gq.run_file(query_path(gq, name), bindings, timeout=TIMEOUT, max_rows=0)
    return result.vars, result.rows


def rows(gq: GraphQuery, name: str, bindings: dict | None = None) -> list[tuple]:
    """Rows of ``queries/facts/NAME.rq`` as tuples of plain strings (None where unbound), in
    the order of the query's variables."""
    return gq.run_file(query_path(gq, name), bindings, timeout=TIMEOUT, max_rows=0).tuples()


def iri(term) -> str | None:
    """The IRI of an rdflib term, None for a literal, a blank node or nothing."""
    return str(term) if isinstance(term, URIRef) else None


def text(term) -> str | None:
    """The lexical value of a term (None for nothing)."""
    if term is None:
        return None
    if isinstance(term, (Literal, URIRef, BNode)):
        return str(term)
    return str(term)

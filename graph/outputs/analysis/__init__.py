"""Network analysis of intermunicipal cooperation: who holds the network together, which groups
already work together, where the gaps are, and who could close them.

Library first; ``ikz analyze`` and ``ikz report`` (graph/cli_analysis.py) are thin wrappers.

The graph is read with the SPARQL of ``queries/analysis/`` (parameters bound through
:class:`~graph.sparql.query.GraphQuery`, never formatted into the text), *once*, into a
:class:`CooperationData`: memberships, cooperations, towns and labels as plain Python objects.
Every network is aggregated from these rows in Python (a town-town self-join in SPARQL takes
minutes at national scale; this takes seconds at 80,000 cooperations). The functions below are
in networkx style: a graph in, plain values out, deterministic for the same input.

>>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl")
>>> G = town_graph(data)                      # existing cooperation, town-town, weighted
>>> aberg, bedorf = (f"https://example.org/ikz-test/municipality/0999900{i}" for i in (1, 2))
>>> G[aberg][bedorf]["weight"], [data.label(c) for c in G[aberg][bedorf]["cooperations"]]
(2, ['Gemeinsame Jugendschutzstelle Nord', 'Kinderschutzambulanz West (gemeinsam)'])
>>> [data.label(t) for t in cut_towns(G)]     # towns whose removal splits the network
['Cdorf', 'Dstadt', 'Edorf']

Functions:

* :func:`fetch` reads the graph (optionally one district: ``district="05954"``);
* :func:`bipartite_graph` (town–facility) and :func:`town_graph` (town–town, weighted, edges
  carrying the cooperations, facilities, service areas and source documents they rest on);
  :func:`partner_network` is both steps in one call;
* :func:`centrality` (degree, weighted degree, betweenness), :func:`cut_towns`,
  :func:`groups` (Louvain with a fixed seed), :func:`density`;
* :func:`coverage` (town × service area), :func:`gaps`, :func:`candidate_partners` (a
  heuristic, its rule in :data:`CANDIDATE_RULE`);
* :func:`analyze` all of it as :class:`Table` objects; :func:`render_tables` as text.
"""

from __future__ import annotations

from graph.core.files import write_text  # noqa: F401  (re-exported: graph.outputs.analysis.write_text)

import csv
import gc
import io
import json
import os
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import NamedTuple

import networkx as nx
import pyoxigraph as ox

from graph.core.errors import IKZError, ProjectError
from graph.core.project import Project, find_project
from graph.sparql.query import GraphQuery, OxigraphEngine, project_prefixes
from graph.sparql.gate import bind_values

__all__ = [
    "ANALYSES", "CANDIDATE_RULE", "DEFAULT_SEED", "EXISTING", "PROPOSED", "AnalysisError", "Candidate", "Cell",
    "Cooperation", "CooperationData", "Coverage", "Gap", "Quote", "Table", "Town", "analyze",
    "bipartite_graph", "candidate_partners", "centrality", "coverage", "cut_towns", "density", "fetch",
    "gaps", "groups", "matrix_areas", "modularity", "partner_network", "render_tables", "town_graph",
]

STATUS = "https://w3id.org/ikz/concept/status/"
EXISTING = STATUS + "bestehend"
PROPOSED = STATUS + "vorgeschlagen"
PLANNED = STATUS + "geplant"
#: Statuses that would close a gap if realised (shown next to each gap).
FUTURE = (PROPOSED, PLANNED)
#: Seed of the community detection (Louvain); the same seed gives the same groups.
DEFAULT_SEED = 2016
LANGS = ("de", "en")
#: Up to this many towns, betweenness is exact; above, estimated from BETWEENNESS_SAMPLE sources.
BETWEENNESS_EXACT = 1000
BETWEENNESS_SAMPLE = 500
_STATUS_WORDS = {"existing": "bestehend", "proposed": "vorgeschlagen", "planned": "geplant", "ended": "beendet"}


class AnalysisError(IKZError):
    """An analysis cannot be done as asked (unknown district, status, area or analysis)."""


# ---------------------------------------------------------------------------------------------
# Reading the graph once
# ---------------------------------------------------------------------------------------------


def query_dir(project: Project | None = None) -> Path:
    """``queries/analysis/`` of this checkout (else of the project)."""
    here = Path(__file__).resolve().parents[2] / "queries" / "analysis"
    if here.is_dir():
        return here
    candidate = (project or find_project()).queries_dir / "analysis"
    if not candidate.is_dir():
        raise ProjectError("the SPARQL of the analysis is missing", where=str(candidate),
                           fix="run from a checkout of IKZ-Graph (queries/analysis/*.rq)")
    return candidate


@lru_cache(maxsize=None)
def _query_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def _select(gq: GraphQuery, name: str, bindings: dict | None = None) -> list[tuple]:
    """Rows of ``queries/analysis/NAME.rq`` as tuples of plain strings (None where unbound).

    Parameters are bound by GraphQuery's VALUES block (terms escaped by rdflib). On the
    embedded Oxigraph store the answer is read straight from pyoxigraph (no rdflib terms, no
    worker process): the membership query returns 400,000 rows at national scale. Other
    engines (rdflib, an endpoint) answer through :meth:`GraphQuery.run_file`.
    """
    path = query_dir(gq.project) / f"{name}.rq"
    text = _query_text(str(path))
    if isinstance(gq.engine, OxigraphEngine):
        bound = bind_values(text, {k: v.n3() for k, v in (bindings or {}).items()})
        solutions = gq.engine.store.query(bound)
        return [tuple(None if term is None else term.value for term in row) for row in solutions]
    result = gq.run_file(path, bindings, timeout=None)
    return [tuple(None if row.get(v) is None else str(row[v]) for v in result.vars) for row in result.rows]


@dataclass(frozen=True)
class Town:
    iri: str
    label: str
    ags: str | None
    district: str | None


class Cooperation(NamedTuple):
    """A cooperation as the analysis sees it; ``towns`` are its member towns in scope, in the
    order of the network's nodes (by AGS). A named tuple: 80,000 of them are made per fetch."""

    iri: str
    status: str | None
    classes: tuple[str, ...]
    areas: tuple[str, ...]
    facility: str | None
    towns: tuple[str, ...]
    acting: tuple[tuple[str, str], ...] = ()     # (town, office it acts through)
    documents: tuple[str, ...] = ()              # prov:wasDerivedFrom


@dataclass(frozen=True)
class Quote:
    """A verbatim sentence behind a statement, and where it stands."""

    iri: str
    text: str
    document: str | None
    title: str
    line: int | None


@dataclass
class CooperationData:
    """What the analyses need, read once from the graph (see :func:`fetch`)."""

    lang: str
    district: str | None
    towns: dict[str, Town]
    cooperations: dict[str, Cooperation]
    broader: dict[str, tuple[str, ...]]          # service area -> its broader areas
    labels: dict[str, str]
    query: GraphQuery | None = field(default=None, repr=False)
    source_version: str | None = field(default=None, repr=False)
    _all_labels: bool = field(default=False, repr=False)
    _evidence: dict[str, list[Quote]] | None = field(default=None, repr=False)
    _dates: dict[str, str] | None = field(default=None, repr=False)

    def label(self, iri: str | None) -> str:
        """The label of ``iri`` in the data's language (German, else untagged), else its last
        segment. Labels other than the towns' are read once, on first use."""
        if iri is None:
            return ""
        if iri not in self.labels and not self._all_labels and self.query is not None:
            from rdflib import Literal

            self._all_labels = True
            labels = _pick_labels(_select(self.query, "labels", {"lang": Literal(self.lang)}), self.lang)
            self.labels = {**labels, **self.labels}
        return self.labels.get(iri) or iri.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def town_order(self, iris) -> list[str]:
        """Towns sorted by AGS (then IRI), the order of the named questions."""
        return sorted(iris, key=lambda t: (self.towns[t].ags or "", t) if t in self.towns else ("~", t))

    def selected(self, status=EXISTING) -> list[Cooperation]:
        """The cooperations with ``status`` (see :func:`statuses`), sorted by IRI."""
        wanted = statuses(status)
        return [c for _, c in sorted(self.cooperations.items()) if wanted is None or c.status in wanted]

    def areas_with_broader(self, area: str) -> set[str]:
        """``area`` and every broader area (transitively)."""
        seen, todo = set(), [area]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.broader.get(current, ()))
        return seen

    def version(self) -> str:
        """'IKZ-Graph 0.1.0 · Graph 6cc4f93bc2a5' (package and digest of the graph read)."""
        if self.source_version is None:
            from graph import __version__

            engine = getattr(self.query, "engine", None)
            if isinstance(engine, OxigraphEngine):
                from graph.outputs.views.model import store_version

                self.source_version = store_version(engine.store)
            else:
                self.source_version = f"IKZ-Graph {__version__} · {getattr(engine, 'url', 'graph')}"
        return self.source_version

    # -- evidence, read on first use ----------------------------------------------------------

    def _load_evidence(self) -> dict[str, list[Quote]]:
        if self._evidence is None:
            evidence: dict[str, list[Quote]] = defaultdict(list)
            for statement, quote, exact, document, line in _select(self.query, "evidence"):
                evidence[statement].append(Quote(quote, exact, document, self.label(document) if document else "",
                                                 int(line) if line and line.isdigit() else None))
            self._evidence = {k: sorted(set(v), key=lambda q: (q.title, q.line or 0, q.iri)) for k, v in evidence.items()}
        return self._evidence

    def quotes(self, *statements: str) -> list[Quote]:
        """The quotes behind ``statements`` (cooperations, memberships, barriers, ...), in order
        of document title and line, each once."""
        evidence = self._load_evidence()
        seen: dict[str, Quote] = {}
        for statement in statements:
            for quote in evidence.get(statement, ()):
                seen.setdefault(quote.iri, quote)
        return sorted(seen.values(), key=lambda q: (q.title, q.line or 0, q.iri))

    def document_dates(self) -> dict[str, str]:
        """Document IRI → the latest date that bounds it (dct:date, else notAfter, else notBefore)."""
        if self._dates is None:
            dates: dict[str, str] = {}
            for document, date, not_before, not_after in _select(self.query, "documents"):
                value = date or not_after or not_before
                if value and value[:10] > dates.get(document, ""):
                    dates[document] = value[:10]
            self._dates = dates
        return self._dates


def _open_query(source, project: Project | str | None) -> tuple[GraphQuery, str | None]:
    if isinstance(source, GraphQuery):
        return source, None
    project = project if isinstance(project, Project) else find_project(project)
    if isinstance(source, ox.Store):
        return GraphQuery(project, OxigraphEngine(source, project_prefixes(project))), None
    from graph.sparql.stores import built_file

    path = built_file(project) if source is None else Path(source)
    if path.is_dir():
        path = built_file(project, path)
    if not path.is_file():
        raise ProjectError("no graph found", where=str(path), fix="run `ikz build` first or pass a built graph folder")
    store = ox.Store()
    fmt = ox.RdfFormat.TURTLE if path.suffix == ".ttl" else ox.RdfFormat.N_TRIPLES
    store.bulk_load(path=str(path), format=fmt)
    if path.suffix == ".ttl":  # a hand-written file (e.g. a fixture): add the ontology's concepts
        for ontology in project.ontology_files():
            store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    version = None
    if path.name == "ikz.nt":
        from graph.outputs.views import graph_version

        version = graph_version(path)
    return GraphQuery(project, OxigraphEngine(store, project_prefixes(project))), version


def resolve_district(gq: GraphQuery, value: str) -> str:
    """A district IRI from its IRI, key (``05954``) or label (``Ennepe-Ruhr-Kreis``, ``EN-Kreis``)."""
    names: dict[str, set[str]] = defaultdict(set)
    for district, name in _select(gq, "districts"):
        names[district].add(name)
    if value in names:
        return value
    wanted = value.strip().casefold()
    found = sorted(d for d, ns in names.items() if any(n.casefold() == wanted for n in ns))
    if len(found) == 1:
        return found[0]
    keys = sorted(n for ns in names.values() for n in ns if n.isdigit())
    shown = ", ".join(keys[:8]) + (f" ... ({len(keys)} in all)" if len(keys) > 8 else "")
    raise AnalysisError(f"no district {value!r} in the graph" if not found else f"district {value!r} is ambiguous",
                        where="--district", fix=f"give a district key or name; keys: {shown or 'none in the graph'}")


def _tuple(values) -> tuple:
    return tuple(values) if len(values) < 2 else tuple(sorted(values))


def _first(values):
    return next(iter(values)) if len(values) == 1 else min(values, default=None)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while hundreds of thousands of rows are turned into
    tuples (it would rescan them again and again, doubling the time); restore it after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _pick_labels(rows, lang: str) -> dict[str, str]:
    """term -> label from (term, label, language) rows: ``lang`` first, then German, then no
    tag; the smallest label among equals, so the choice is stable."""
    rank = {lang: 0, "de": 1, "": 2}
    best: dict[str, tuple[int, str]] = {}
    for term, label, label_lang in rows:
        if label is None:
            continue
        candidate = (rank.get(label_lang or "", 3), label)
        if term not in best or candidate < best[term]:
            best[term] = candidate
    return {term: label for term, (_, label) in best.items()}


def fetch(source=None, *, district: str | None = None, lang: str = "de", project: Project | str | None = None) -> CooperationData:
    """Read what the analyses need from a graph, once.

    ``source`` is a :class:`~graph.sparql.query.GraphQuery`, a pyoxigraph ``Store``, a built graph
    folder or file (``.nt``; a ``.ttl`` file is loaded with the ontology), or None (the last
    ``ikz build``). ``district`` (IRI, key or name) restricts the towns to one district: only
    their memberships count. ``lang`` chooses the labels (German as the fallback).

    Four flat SELECTs (towns, memberships, offices acted through, cooperations), joined here
    in Python; labels of other terms and quotes are read on first use.

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> [t.label for t in data.towns.values()]
    ['Aberg', 'Bedorf', 'Cdorf', 'Dstadt', 'Edorf', 'Fheim']
    >>> data.label(EXISTING), len(data.selected(EXISTING)), len(data.selected(PROPOSED))
    ('bestehend', 6, 1)
    """
    if lang not in LANGS:
        raise AnalysisError(f"unknown language {lang!r}", where="--lang", fix="use de or en")
    gq, version = _open_query(source, project)
    from rdflib import Literal, URIRef

    scope = resolve_district(gq, district) if district else None
    bindings = {"lang": Literal(lang)}
    if scope:
        bindings["district"] = URIRef(scope)
    with _gc_paused():
        town_rows = _select(gq, "towns", bindings)
        town_labels = _pick_labels(((r[0], r[3], r[4]) for r in town_rows), lang)
        towns: dict[str, Town] = {}
        for town, ags, district_iri, _, _ in sorted(town_rows, key=lambda r: (r[1] or "", r[0], r[2] or "")):
            if town not in towns:
                towns[town] = Town(town, town_labels.get(town, town), ags, district_iri)
        rank = {t: i for i, t in enumerate(towns)}

        members: dict[str, list[str]] = defaultdict(list)
        for cooperation, member in _select(gq, "memberships"):
            if member in rank:
                members[cooperation].append(member)
        acting: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for cooperation, member, office in _select(gq, "acting"):
            if member in rank:
                acting[cooperation].add((member, office))

        status_of: dict[str, set] = defaultdict(set)
        other: dict[str, list[set]] = {}
        for cooperation, cls, status, area, facility, document in _select(gq, "cooperations"):
            if cooperation not in members:
                continue
            sets = other.get(cooperation)
            if sets is None:
                sets = other[cooperation] = [set(), set(), set(), set()]
            sets[0].add(cls)
            if status is not None:
                status_of[cooperation].add(status)
            if area is not None:
                sets[1].add(area)
            if facility is not None:
                sets[2].add(facility)
            if document is not None:
                sets[3].add(document)

        cooperations: dict[str, Cooperation] = {}
        by_rank = rank.__getitem__
        for iri in sorted(other):
            classes, areas, facilities, documents = other[iri]
            cooperations[iri] = Cooperation(
                iri, _first(status_of[iri]), _tuple(classes), _tuple(areas), _first(facilities),
                tuple(sorted(set(members[iri]), key=by_rank)),
                _tuple(acting[iri]) if iri in acting else (), _tuple(documents),
            )

    broader: dict[str, set[str]] = {}
    for area, parent in _select(gq, "concepts"):
        broader.setdefault(area, set())
        if parent:
            broader[area].add(parent)
    return CooperationData(
        lang=lang, district=scope, towns=towns, cooperations=cooperations,
        broader={k: tuple(sorted(v)) for k, v in sorted(broader.items())}, labels=dict(town_labels),
        query=gq, source_version=version,
    )


def statuses(status) -> frozenset[str] | None:
    """Normalise a status argument: an IRI, a local name (``bestehend``, ``vorgeschlagen``), an
    English word (``existing``, ``proposed``), a collection of these, or None / ``"all"`` (any).

    >>> sorted(statuses("existing")), statuses("all")
    (['https://w3id.org/ikz/concept/status/bestehend'], None)
    """
    if status is None or status in ("all", "*", "alle"):
        return None
    if isinstance(status, str):
        status = [status]
    out = set()
    for value in status:
        value = _STATUS_WORDS.get(value, value)
        out.add(value if "://" in value else STATUS + value)
    unknown = sorted(v for v in out if v.startswith(STATUS) and v[len(STATUS):] not in _STATUS_WORDS.values())
    if unknown:
        raise AnalysisError(f"unknown status {unknown[0][len(STATUS):]!r}", where="--status",
                            fix="use bestehend (existing), vorgeschlagen (proposed), geplant (planned), beendet (ended) or all")
    return frozenset(out)


# ---------------------------------------------------------------------------------------------
# The networks
# ---------------------------------------------------------------------------------------------


def _town_nodes(G: nx.Graph, data: CooperationData) -> None:
    for iri in data.town_order(data.towns):
        town = data.towns[iri]
        G.add_node(iri, kind="town", bipartite=0, label=town.label, ags=town.ags, district=town.district)


def bipartite_graph(data: CooperationData, status=EXISTING) -> nx.Graph:
    """The town–facility graph: towns (``bipartite=0``, every town in scope) and the facilities
    they use jointly (``bipartite=1``); an edge per town and facility it uses, carrying the
    ``cooperations`` (IRIs) through which it does.

    >>> B = bipartite_graph(fetch(find_project().root / "tests/fixtures/analysis/small.ttl"))
    >>> sorted(d["label"] for n, d in B.nodes(data=True) if d["bipartite"] == 1)
    ['Beratungsstelle Mitte', 'Jugendschutzstelle Nord', 'Jugendschutzstelle Ost', 'Kinderschutzambulanz West']
    """
    B = nx.Graph(kind="town-facility", status=sorted(statuses(status) or []), district=data.district)
    _town_nodes(B, data)
    uses: dict[tuple[str, str], list[str]] = defaultdict(list)
    for c in data.selected(status):
        if c.facility:
            for town in c.towns:
                uses[(town, c.facility)].append(c.iri)
    kinds: dict[str, str] = {}
    for facility, kind in sorted(r for r in (_select(data.query, "facilities") if uses else ()) if r[1]):
        kinds.setdefault(facility, kind)
    for facility in sorted({f for _, f in uses}):
        B.add_node(facility, kind="facility", bipartite=1, label=data.label(facility), facility_kind=kinds.get(facility))
    for (town, facility), cooperations in sorted(uses.items()):
        B.add_edge(town, facility, cooperations=sorted(cooperations))
    return B


def town_graph(data: CooperationData, status=EXISTING, *, via: str = "cooperation") -> nx.Graph:
    """The town–town network: every town in scope is a node; two towns are joined when they
    share a cooperation with ``status`` (``via="facility"``: a jointly used facility).

    Edge attributes: ``weight`` (number of shared cooperations, or facilities), and what is
    shared and on whose word: ``cooperations``, ``facilities``, ``areas``, ``statuses``,
    ``documents`` (IRIs, sorted tuples). Built from the rows of :func:`fetch` in one pass.

    >>> G = town_graph(fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999"))
    >>> G.number_of_nodes(), G.number_of_edges(), G.size(weight="weight")
    (6, 5, 7.0)
    """
    if via not in ("cooperation", "facility"):
        raise AnalysisError(f"unknown projection {via!r}", fix="use via='cooperation' or via='facility'")
    G = nx.Graph(kind="town-town", via=via, status=sorted(statuses(status) or []), district=data.district)
    _town_nodes(G, data)
    with _gc_paused():
        return _add_town_edges(G, data.selected(status), via)


def _add_town_edges(G: nx.Graph, selected: list[Cooperation], via: str) -> nx.Graph:
    shared: dict[tuple[str, str], list[Cooperation]] = defaultdict(list)
    for c in selected:
        if via == "facility" and not c.facility:
            continue
        if len(c.towns) == 2:
            shared[c.towns].append(c)
        else:
            for pair in combinations(c.towns, 2):  # c.towns is in node order: (a, b) is canonical
                shared[pair].append(c)
    rank = {n: i for i, n in enumerate(G.nodes)}

    def attributes(cooperations: list[Cooperation]) -> dict:
        if len(cooperations) == 1:  # most pairs share one cooperation: no sets to build
            c = cooperations[0]
            return {"weight": 1, "cooperations": (c.iri,), "facilities": (c.facility,) if c.facility else (),
                    "areas": c.areas, "statuses": (c.status,) if c.status else (), "documents": c.documents}
        facilities = tuple(sorted({c.facility for c in cooperations if c.facility}))
        return {
            "weight": len(facilities) if via == "facility" else len(cooperations),
            "cooperations": tuple(c.iri for c in cooperations),
            "facilities": facilities,
            "areas": tuple(sorted({x for c in cooperations for x in c.areas})),
            "statuses": tuple(sorted({c.status for c in cooperations if c.status})),
            "documents": tuple(sorted({d for c in cooperations for d in c.documents})),
        }

    G.add_edges_from((a, b, attributes(cs)) for (a, b), cs in sorted(shared.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]])))
    return G


def partner_network(source=None, *, district: str | None = None, status=EXISTING, via: str = "cooperation",
                    lang: str = "de", project: Project | str | None = None) -> nx.Graph:
    """:func:`fetch` then :func:`town_graph`: the weighted town-town network of a graph in one
    call (``source`` and ``district`` as for :func:`fetch`). About 4 s for 80,000 cooperations
    among the 10,978 German municipalities (2 cores).

    >>> partner_network(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999").size(weight="weight")
    7.0
    """
    return town_graph(fetch(source, district=district, lang=lang, project=project), status, via=via)


# ---------------------------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------------------------


def centrality(G: nx.Graph, *, k: int | None = None, seed: int = DEFAULT_SEED) -> dict:
    """Per node: ``degree`` (partners), ``weighted_degree`` (shared cooperations, summed over
    partners), ``betweenness`` (share of shortest paths between other towns that pass through
    it; unweighted, normalised to 0..1) and ``cut`` (its removal splits the network).
    ``k`` samples k sources for the betweenness (with ``seed``) on very large networks.

    >>> G = nx.Graph([("A", "B"), ("B", "C")])
    >>> centrality(G)["B"]
    {'degree': 2, 'weighted_degree': 2.0, 'betweenness': 1.0, 'cut': True}
    """
    betweenness = nx.betweenness_centrality(G, k=k if k and k < G.number_of_nodes() else None,
                                            seed=seed if k else None, normalized=True)
    cuts = set(nx.articulation_points(G))
    return {
        n: {"degree": G.degree(n), "weighted_degree": float(G.degree(n, weight="weight")),
            "betweenness": round(betweenness[n], 6), "cut": n in cuts}
        for n in G.nodes
    }


def cut_towns(G: nx.Graph) -> dict:
    """The towns whose removal splits the network (articulation points), each with the parts
    its network falls into without it (largest first), in the node order of ``G``.

    >>> cut_towns(nx.Graph([("A", "B"), ("B", "C"), ("C", "A"), ("C", "D")]))
    {'C': [['A', 'B'], ['D']]}
    """
    order = {n: i for i, n in enumerate(G.nodes)}
    result = {}
    for node in sorted(nx.articulation_points(G), key=order.get):
        component = nx.node_connected_component(G, node) - {node}
        parts = [sorted(p, key=order.get) for p in nx.connected_components(G.subgraph(component))]
        result[node] = sorted(parts, key=lambda p: (-len(p), order[p[0]]))
    return result


def groups(G: nx.Graph, *, seed: int = DEFAULT_SEED, resolution: float = 1.0) -> list[list]:
    """Groups of towns that work together: Louvain communities on the weighted network with a
    fixed ``seed`` (deterministic). Towns without any tie are left out (they form no group).
    Sorted: largest group first, members in the node order of ``G``.

    >>> G = nx.Graph([("A", "B"), ("B", "C"), ("C", "A"), ("D", "E"), ("E", "F"), ("F", "D"), ("C", "D")])
    >>> groups(G)
    [['A', 'B', 'C'], ['D', 'E', 'F']]
    """
    order = {n: i for i, n in enumerate(G.nodes)}
    connected = G.subgraph([n for n in G.nodes if G.degree(n) > 0])
    if connected.number_of_edges() == 0:
        return []
    H = nx.Graph()   # a fresh graph in a fixed node and edge order: Louvain's result depends on it
    H.add_nodes_from(sorted(connected.nodes, key=order.get))
    H.add_weighted_edges_from(sorted(((a, b, d.get("weight", 1)) for a, b, d in connected.edges(data=True)),
                                     key=lambda e: (order[e[0]], order[e[1]])))
    communities = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    found = [sorted(c, key=order.get) for c in communities]
    return sorted(found, key=lambda c: (-len(c), order[c[0]]))


def modularity(G: nx.Graph, partition: list[list]) -> float:
    """Modularity of ``partition`` (towns without ties are added as single groups).

    >>> round(modularity(nx.Graph([("A", "B"), ("C", "D")]), [["A", "B"], ["C", "D"]]), 3)
    0.5
    """
    covered = {n for p in partition for n in p}
    parts = [set(p) for p in partition] + [{n} for n in G.nodes if n not in covered]
    if G.size(weight="weight") == 0:
        return 0.0
    return round(nx.community.modularity(G, parts, weight="weight"), 6)


def density(G: nx.Graph) -> float:
    """Share of the town pairs that cooperate (0 = none, 1 = every pair).

    >>> density(nx.Graph([("A", "B"), ("B", "C")]))
    0.666667
    """
    return round(nx.density(G), 6)


# ---------------------------------------------------------------------------------------------
# Coverage, gaps, candidates
# ---------------------------------------------------------------------------------------------


def matrix_areas(data: CooperationData) -> list[str]:
    """The columns of the coverage matrix: the service areas one level below a top area (as
    queries/coverage-matrix.rq), sorted by label. A narrower area counts for its column."""
    tops = {a for a, parents in data.broader.items() if not parents}
    areas = [a for a, parents in data.broader.items() if parents and all(p in tops for p in parents)]
    return sorted(areas, key=lambda a: (data.label(a), a))


@dataclass(frozen=True)
class Cell:
    """One town × area: the cooperations (IRIs) and the offices the town acts through in them."""

    cooperations: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    future: tuple[str, ...] = ()    # proposed or planned cooperations in the area

    @property
    def covered(self) -> bool:
        return bool(self.cooperations)


@dataclass
class Coverage:
    """The coverage matrix: ``cells[(town, area)]``, rows in ``towns`` order, ``areas`` columns."""

    towns: list[str]
    areas: list[str]
    cells: dict[tuple[str, str], Cell]
    status: frozenset[str] | None

    def cell(self, town: str, area: str) -> Cell:
        return self.cells[(town, area)]

    def covered(self, town: str, area: str) -> bool:
        return self.cells[(town, area)].covered

    def to_dataframe(self, data: CooperationData):
        """The matrix as a pandas DataFrame (needs pandas): a row per town, a column per area,
        the number of cooperations in each cell (0 = gap)."""
        import pandas as pd

        return pd.DataFrame([[len(self.cells[(t, a)].cooperations) for a in self.areas] for t in self.towns],
                            index=pd.Index([data.label(t) for t in self.towns], name="town" if data.lang == "en" else "Kommune"),
                            columns=[data.label(a) for a in self.areas])


def coverage(data: CooperationData, status=EXISTING, areas: list[str] | None = None) -> Coverage:
    """Which town cooperates in which service area (narrower areas included), through which
    cooperations and, where it acts through another town's office, which office. Each cell also
    lists the proposed or planned cooperations in the area (``future``).

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> C = coverage(data)
    >>> [data.label(a) for a in C.areas]
    ['Beratung', 'Eingliederungshilfe', 'Inobhutnahme']
    >>> "".join("x" if C.covered(t, C.areas[0]) else "." for t in C.towns)
    'xxxxx.'
    """
    areas = matrix_areas(data) if areas is None else list(areas)
    wanted = statuses(status)
    found: dict[tuple[str, str], dict[str, set]] = {}
    reach_cache: dict[tuple[str, ...], set[str]] = {}
    for c in data.selected(None):
        is_selected = wanted is None or c.status in wanted
        is_future = c.status in FUTURE and not is_selected
        if not (is_selected or is_future):
            continue
        if c.areas not in reach_cache:
            reach_cache[c.areas] = set().union(*(data.areas_with_broader(a) for a in c.areas)) if c.areas else set()
        reached = reach_cache[c.areas]
        offices = dict(c.acting)
        for area in areas:
            if area not in reached:
                continue
            for town in c.towns:
                cell = found.setdefault((town, area), {"c": set(), "o": set(), "f": set()})
                if is_selected:
                    cell["c"].add(c.iri)
                    if town in offices:
                        cell["o"].add(offices[town])
                else:
                    cell["f"].add(c.iri)
    towns = data.town_order(data.towns)
    empty = Cell()
    cells = {}
    for t in towns:
        for a in areas:
            f = found.get((t, a))
            cells[(t, a)] = Cell(_tuple(f["c"]), _tuple(f["o"]), _tuple(f["f"])) if f else empty
    return Coverage(towns, areas, cells, wanted)


@dataclass(frozen=True)
class Gap:
    town: str
    area: str
    future: tuple[str, ...]   # proposed or planned cooperations that would close it


def gaps(data: CooperationData, status=EXISTING, areas: list[str] | None = None) -> list[Gap]:
    """Towns without cooperation (with ``status``) in a service area, by area then town.

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> [(data.label(g.town), data.label(g.area)) for g in gaps(data) if data.label(g.area) != "Eingliederungshilfe"]
    [('Fheim', 'Beratung'), ('Dstadt', 'Inobhutnahme'), ('Fheim', 'Inobhutnahme')]
    """
    matrix = coverage(data, status, areas)
    return [Gap(t, a, matrix.cell(t, a).future) for a in matrix.areas for t in matrix.towns if not matrix.covered(t, a)]


#: The rule of :func:`candidate_partners`, stated in the output (it is a heuristic, not a finding).
CANDIDATE_RULE = {
    "de": ("Heuristik, kein Befund: Für eine Kommune K ohne bestehende Kooperation im Aufgabengebiet A "
           "werden die Kommunen P genannt, mit denen K schon eine bestehende Kooperation teilt (gleich in "
           "welchem Gebiet) und die in A bereits kooperieren (Grundlage »kooperiert bereits in A«). Gibt es "
           "keine solche, werden die bisherigen Partner von K genannt (Grundlage »bestehende Verbindung«). "
           "Rangfolge: Zahl der gemeinsamen Kooperationen, dann Zahl der Kooperationen von P in A, dann Name. "
           "Eine Kommune ohne bestehende Verbindung erhält keinen Vorschlag."),
    "en": ("Heuristic, not a finding: for a town T without existing cooperation in service area A, the towns P "
           "are named that already share an existing cooperation with T (in any area) and that already "
           "cooperate in A (basis \"already cooperates in A\"). If there are none, T's existing partners are "
           "named (basis \"existing tie\"). Ranked by the number of shared cooperations, then by P's number of "
           "cooperations in A, then by name. A town without any existing tie gets no candidate."),
}
IN_AREA, TIE = "in-area", "tie"


@dataclass(frozen=True)
class Candidate:
    town: str                      # the town with the gap
    area: str
    partner: str
    basis: str                     # IN_AREA or TIE
    shared: int                    # existing cooperations the two share
    shared_cooperations: tuple[str, ...]
    partner_cooperations: tuple[str, ...]   # the partner's cooperations in the area (to join)
    rank: int


def candidate_partners(data: CooperationData, area: str | None = None, *, town: str | None = None,
                       status=EXISTING, limit: int | None = 3) -> list[Candidate]:
    """Candidate partners for towns with a gap in ``area`` (all matrix areas if None; ``town``:
    only this town), by the rule in :data:`CANDIDATE_RULE` (a heuristic). At most ``limit``
    per town and area (None: all).

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> inob = next(a for a in data.broader if data.label(a) == "Inobhutnahme")
    >>> [(data.label(c.partner), c.basis, c.shared) for c in candidate_partners(data, inob, town=next(
    ...     t for t in data.towns if data.label(t) == "Dstadt"))]
    [('Cdorf', 'in-area', 2), ('Edorf', 'in-area', 1)]
    """
    G = town_graph(data, status)
    matrix = coverage(data, status, [area] if area else None)
    out: list[Candidate] = []
    for a in matrix.areas:
        for t in matrix.towns:
            if matrix.covered(t, a) or (town is not None and t != town):
                continue
            partners = list(G[t]) if t in G else []
            in_area = [p for p in partners if matrix.covered(p, a)]
            basis, chosen = (IN_AREA, in_area) if in_area else (TIE, partners)
            ranked = sorted(chosen, key=lambda p: (-G[t][p]["weight"], -len(matrix.cell(p, a).cooperations),
                                                   data.label(p), p))
            for i, p in enumerate(ranked[:limit] if limit else ranked, start=1):
                out.append(Candidate(t, a, p, basis, G[t][p]["weight"], tuple(G[t][p]["cooperations"]),
                                     matrix.cell(p, a).cooperations, i))
    return out


# ---------------------------------------------------------------------------------------------
# All analyses as tables
# ---------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One analysis as a table: ``columns`` (keys of ``rows``), ``headers`` (their titles in
    the chosen language), ``rows`` (dicts of plain values), and a ``note`` (method, rule)."""

    key: str
    title: str
    columns: list[str]
    headers: list[str]
    rows: list[dict]
    note: str | None = None

    def to_dict(self) -> dict:
        return {"title": self.title, "columns": self.columns, "note": self.note, "rows": self.rows}

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs pandas)."""
        import pandas as pd

        return pd.DataFrame(self.rows, columns=self.columns)


ANALYSES = ("summary", "towns", "cut_towns", "groups", "pairs", "coverage", "gaps", "candidates")

_TEXT = {
    "summary": ("Kennzahlen", "Headline figures"),
    "towns": ("Kommunen im Netz: Partner, Kooperationen, Vermittlerrolle", "Towns in the network: partners, cooperations, brokerage"),
    "cut_towns": ("Kommunen, ohne die das Netz zerfällt", "Towns whose removal splits the network"),
    "groups": ("Gruppen, die schon zusammenarbeiten", "Groups that already work together"),
    "pairs": ("Kommunenpaare und was sie teilen", "Town pairs and what they share"),
    "coverage": ("Abdeckung Kommune × Aufgabengebiet", "Coverage town × service area"),
    "gaps": ("Lücken: Kommunen ohne Kooperation im Aufgabengebiet", "Gaps: towns without cooperation in a service area"),
    "candidates": ("Mögliche Partner (Heuristik)", "Candidate partners (heuristic)"),
    # column headers
    "figure": ("Kennzahl", "figure"), "value": ("Wert", "value"),
    "town": ("Kommune", "town"), "ags": ("AGS", "AGS"), "degree": ("Partner", "partners"),
    "weighted_degree": ("gem. Kooperationen", "shared cooperations"), "betweenness": ("Vermittlung", "betweenness"),
    "cut": ("trennt Netz", "splits network"), "parts": ("zerfällt in", "falls apart into"),
    "group": ("Gruppe", "group"), "size": ("Größe", "size"), "members": ("Kommunen", "towns"),
    "internal": ("Kooperationen in der Gruppe", "cooperations within the group"),
    "town_a": ("Kommune A", "town A"), "town_b": ("Kommune B", "town B"), "weight": ("Anzahl", "count"),
    "shared": ("gemeinsam", "shared"), "areas": ("Aufgabengebiete", "service areas"), "sources": ("Quellen", "sources"),
    "area": ("Aufgabengebiet", "service area"), "cooperations": ("Anzahl", "count"),
    "through": ("durch", "through"), "acting_through": ("handelt durch", "acting through"),
    "proposed": ("vorgeschlagen/geplant", "proposed/planned"), "partner": ("möglicher Partner", "candidate partner"),
    "basis": ("Grundlage", "basis"), "join": ("Kooperationen des Partners im Gebiet", "partner's cooperations in the area"),
    "rank": ("Rang", "rank"),
    # values
    "yes": ("ja", "yes"), "no": ("nein", "no"),
    IN_AREA: ("kooperiert bereits im Gebiet", "already cooperates in the area"),
    TIE: ("bestehende Verbindung", "existing tie"),
    "n_towns": ("Kommunen", "towns"), "n_existing": ("bestehende Kooperationen", "existing cooperations"),
    "n_proposed": ("vorgeschlagene oder geplante Kooperationen", "proposed or planned cooperations"),
    "n_ties": ("Kommunenpaare mit Zusammenarbeit", "town pairs that cooperate"),
    "n_pairs": ("mögliche Kommunenpaare", "possible town pairs"),
    "density": ("Dichte (Anteil kooperierender Paare)", "density (share of pairs that cooperate)"),
    "n_components": ("zusammenhängende Teilnetze", "connected parts"),
    "n_isolated": ("Kommunen ohne bestehende Kooperation mit anderen", "towns without existing cooperation with others"),
    "n_cut": ("Kommunen, ohne die das Netz zerfällt", "towns whose removal splits the network"),
    "n_groups": ("Gruppen (Louvain)", "groups (Louvain)"), "modularity": ("Modularität der Gruppen", "modularity of the groups"),
    "n_gaps": ("Lücken (Kommune × Aufgabengebiet)", "gaps (town × service area)"),
    "note_towns": ("Partner = Kommunen, mit denen eine bestehende Kooperation geteilt wird; Vermittlung = "
                   "Betweenness-Zentralität (Anteil der kürzesten Wege zwischen anderen Kommunen, die über "
                   "diese Kommune laufen; ungewichtet, 0–1).",
                   "Partners = towns sharing an existing cooperation; betweenness = share of shortest paths between "
                   "other towns that pass through this town (unweighted, 0–1)."),
    "note_sample": ("Bei über 1000 Kommunen ist die Vermittlung aus {k} zufälligen Startkommunen geschätzt (Startwert {seed}).",
                    "With more than 1000 towns, betweenness is estimated from {k} random source towns (seed {seed})."),
    "note_groups": ("Louvain-Gruppen auf dem gewichteten Netz (Gewicht = Zahl gemeinsamer Kooperationen), fester "
                    "Startwert {seed}; Kommunen ohne Verbindung bilden keine Gruppe.",
                    "Louvain communities on the weighted network (weight = number of shared cooperations), fixed "
                    "seed {seed}; towns without ties form no group."),
    "note_coverage": ("Zahl der Kooperationen (Status: {status}) je Kommune und Aufgabengebiet, enger gefasste "
                      "Gebiete eingeschlossen; 0 = Lücke.",
                      "Number of cooperations (status: {status}) per town and service area, narrower areas "
                      "included; 0 = gap."),
}


def text(key: str, lang: str) -> str:
    de, en = _TEXT[key]
    return en if lang == "en" else de


def _table(key: str, lang: str, columns: list[str], rows: list[dict], note: str | None = None) -> Table:
    return Table(key, text(key, lang), columns, [text(c, lang) if c in _TEXT else c for c in columns], rows, note)


def analyze(data: CooperationData, status=EXISTING, *, seed: int = DEFAULT_SEED, only=None) -> dict[str, Table]:
    """Every analysis as a :class:`Table`, keyed by name (``ANALYSES``); ``only`` picks some
    (and only what they need is computed).

    >>> tables = analyze(fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999"))
    >>> list(tables)
    ['summary', 'towns', 'cut_towns', 'groups', 'pairs', 'coverage', 'gaps', 'candidates']
    >>> tables["towns"].rows[0]["town"], tables["towns"].rows[0]["betweenness"]
    ('Cdorf', 0.4)
    """
    from functools import cache

    only = list(ANALYSES) if not only else list(only)
    unknown = [name for name in only if name not in ANALYSES]
    if unknown:
        raise AnalysisError(f"unknown analysis {unknown[0]!r}", fix=f"use one of: {', '.join(ANALYSES)}")
    lang = data.lang
    L = data.label
    yes_no = lambda v: text("yes" if v else "no", lang)  # noqa: E731
    names = lambda towns: ", ".join(L(t) for t in towns)  # noqa: E731
    status_set = statuses(status)
    status_text = ", ".join(L(s) for s in sorted(status_set)) if status_set else ("alle" if lang == "de" else "all")

    G = town_graph(data, status)
    n = G.number_of_nodes()
    sample = BETWEENNESS_SAMPLE if n > BETWEENNESS_EXACT else None
    metrics = cache(lambda: centrality(G, k=sample, seed=seed))
    cuts = cache(lambda: cut_towns(G))
    found_groups = cache(lambda: groups(G, seed=seed))
    gap_list = cache(lambda: gaps(data, status))

    tables: dict[str, Table] = {}
    if "summary" in only:
        figures = [
            ("n_towns", n),
            ("n_existing", len(data.selected(status))),
            ("n_proposed", len(data.selected(FUTURE))),
            ("n_ties", G.number_of_edges()),
            ("n_pairs", n * (n - 1) // 2),
            ("density", density(G)),
            ("n_components", nx.number_connected_components(G.subgraph([t for t in G if G.degree(t)]))),
            ("n_isolated", sum(1 for t in G if G.degree(t) == 0)),
            ("n_cut", len(cuts())),
            ("n_groups", len(found_groups())),
            ("modularity", modularity(G, found_groups())),
            ("n_gaps", len(gap_list())),
        ]
        tables["summary"] = _table("summary", lang, ["key", "figure", "value"],
                                   [{"key": k, "figure": text(k, lang), "value": v} for k, v in figures])
    if "towns" in only:
        m = metrics()
        order = sorted(G.nodes, key=lambda t: (-m[t]["betweenness"], -m[t]["weighted_degree"], -m[t]["degree"], L(t), t))
        rows = [{"town": L(t), "ags": data.towns[t].ags, "degree": m[t]["degree"],
                 "weighted_degree": int(m[t]["weighted_degree"]), "betweenness": m[t]["betweenness"],
                 "cut": yes_no(m[t]["cut"]), "iri": t} for t in order]
        note = text("note_towns", lang) + (" " + text("note_sample", lang).format(k=sample, seed=seed) if sample else "")
        tables["towns"] = _table("towns", lang, ["town", "ags", "degree", "weighted_degree", "betweenness", "cut", "iri"],
                                 rows, note)
    if "cut_towns" in only:
        rows = [{"town": L(t), "parts": " | ".join(names(p) for p in parts), "iri": t} for t, parts in cuts().items()]
        tables["cut_towns"] = _table("cut_towns", lang, ["town", "parts", "iri"], rows)
    if "groups" in only:
        rows = []
        for i, members in enumerate(found_groups(), start=1):
            inside = sorted({c for a, b in G.subgraph(members).edges for c in G[a][b]["cooperations"]})
            rows.append({"group": i, "size": len(members), "members": names(members),
                         "internal": " | ".join(L(c) for c in inside)})
        tables["groups"] = _table("groups", lang, ["group", "size", "members", "internal"], rows,
                                  text("note_groups", lang).format(seed=seed))
    if "pairs" in only:
        edges = sorted(G.edges(data=True), key=lambda e: (-e[2]["weight"], data.towns[e[0]].ags or "", data.towns[e[1]].ags or ""))
        rows = [{"town_a": L(a), "town_b": L(b), "weight": d["weight"],
                 "shared": " | ".join(L(c) for c in d["cooperations"]),
                 "areas": ", ".join(sorted({L(x) for x in d["areas"]})),
                 "sources": " | ".join(sorted({L(x) for x in d["documents"]})), "a": a, "b": b} for a, b, d in edges]
        tables["pairs"] = _table("pairs", lang, ["town_a", "town_b", "weight", "shared", "areas", "sources", "a", "b"], rows)
    if "coverage" in only:
        C = coverage(data, status)
        rows = []
        for t in C.towns:
            for a in C.areas:
                cell = C.cell(t, a)
                rows.append({"town": L(t), "area": L(a), "cooperations": len(cell.cooperations),
                             "through": " | ".join(L(c) for c in cell.cooperations),
                             "acting_through": ", ".join(L(o) for o in cell.offices),
                             "proposed": " | ".join(L(c) for c in cell.future), "ags": data.towns[t].ags, "area_iri": a})
        tables["coverage"] = _table("coverage", lang, ["town", "area", "cooperations", "through", "acting_through",
                                                      "proposed", "ags", "area_iri"], rows,
                                    text("note_coverage", lang).format(status=status_text))
    if "gaps" in only:
        rows = [{"area": L(g.area), "town": L(g.town), "proposed": " | ".join(L(c) for c in g.future),
                 "ags": data.towns[g.town].ags, "area_iri": g.area} for g in gap_list()]
        tables["gaps"] = _table("gaps", lang, ["area", "town", "proposed", "ags", "area_iri"], rows)
    if "candidates" in only:
        rows = [{"area": L(c.area), "town": L(c.town), "rank": c.rank, "partner": L(c.partner),
                 "basis": text(c.basis, lang), "weight": c.shared,
                 "join": " | ".join(L(x) for x in c.partner_cooperations)}
                for c in candidate_partners(data, status=status)]
        tables["candidates"] = _table("candidates", lang, ["area", "town", "rank", "partner", "basis", "weight", "join"],
                                      rows, CANDIDATE_RULE[lang])
    return {k: tables[k] for k in ANALYSES if k in tables}


# ---------------------------------------------------------------------------------------------
# As text
# ---------------------------------------------------------------------------------------------

FORMATS = ("table", "csv", "json", "md")
#: Longest cell in the terminal table (but the last column, which is never cut).
CELL = 60


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".") if value else "0"
    return str(value)


def _visible(table: Table, with_iris: bool) -> list[str]:
    hidden = {"iri", "a", "b", "area_iri", "key"}
    return [c for c in table.columns if with_iris or c not in hidden]


def render_tables(tables: dict[str, Table], fmt: str = "table", *, with_iris: bool = False) -> str:
    """The tables as text: ``table`` (terminal), ``csv`` (sections separated by a blank line,
    UTF-8 BOM for Excel), ``md`` (Markdown) or ``json`` (one object, a key per analysis, all
    columns). IRI columns are left out of table/csv/md unless ``with_iris``."""
    if fmt not in FORMATS:
        raise AnalysisError(f"unknown format {fmt!r}", where="--format", fix=f"use one of: {', '.join(FORMATS)}")
    if fmt == "json":
        return json.dumps({k: t.to_dict() for k, t in tables.items()}, ensure_ascii=False, indent=2) + "\n"
    out: list[str] = []
    for table in tables.values():
        cols = _visible(table, with_iris)
        heads = [table.headers[table.columns.index(c)] for c in cols]
        cells = [[_plain(r.get(c)) for c in cols] for r in table.rows]
        if fmt == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\r\n")
            writer.writerow([f"# {table.key}: {table.title}"])
            writer.writerow(heads)
            writer.writerows(cells)
            out.append(buffer.getvalue())
        elif fmt == "md":
            esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
            lines = [f"## {table.title}", ""]
            if table.note:
                lines += [f"*{table.note}*", ""]
            lines += ["| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
            lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in cells]
            out.append("\n".join(lines) + "\n")
        else:
            # long cells end in … (the full text is in csv/json/md); the last column is never cut
            short = [[c if len(c) <= CELL or i == len(row) - 1 else c[: CELL - 1] + "…" for i, c in enumerate(row)]
                     for row in cells]
            widths = [max([len(h)] + [len(r[i]) for r in short]) for i, h in enumerate(heads)]
            line = lambda row: "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()  # noqa: E731
            lines = [table.title, "=" * len(table.title)]
            if table.note:
                lines.append(table.note)
            lines += [line(heads), line(["-" * min(w, CELL) for w in widths])] + [line(r) for r in short]
            if not short:
                lines.append("–")
            out.append("\n".join(lines) + "\n")
    if fmt == "csv":
        return "\ufeff" + "\r\n".join(out)
    return "\n".join(out)



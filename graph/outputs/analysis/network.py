"""The networks of the analysis: town-facility (bipartite) and town-town (weighted), and their
metrics (centrality, cut towns, groups, modularity, density). networkx style: a graph in, plain
values out, deterministic for the same input.

>>> from graph.core.project import find_project
>>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl")
>>> G = town_graph(data)                      # existing cooperation, town-town, weighted
>>> aberg, bedorf = (f"https://example.org/ikz-test/municipality/0999900{i}" for i in (1, 2))
>>> G[aberg][bedorf]["weight"], [data.label(c) for c in G[aberg][bedorf]["cooperations"]]
(2, ['Gemeinsame Jugendschutzstelle Nord', 'Kinderschutzambulanz West (gemeinsam)'])
>>> [data.label(t) for t in cut_towns(G)]     # towns whose removal splits the network
['Cdorf', 'Dstadt', 'Edorf']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import combinations

import networkx as nx

from graph.core.project import Project
from graph.core.errors import IKZError
from graph.core.i18n import msg
from graph.core.project import find_project  # noqa: F401 - used by the doctests
from graph.facts.network import (EXISTING, Cooperation, CooperationData, PartnerFacts, fetch, fetch_partners,
                                 gc_paused, statuses)

#: Seed of the community detection (Louvain); the same seed gives the same groups.
DEFAULT_SEED = 2016


class AnalysisError(IKZError):
    """An analysis cannot be done as asked (unknown analysis, format or projection)."""




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
    for facility, kind in sorted({r[:2] for r in (data.rows("facilities") if uses else ()) if r[1]}):
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
        raise AnalysisError(msg("analysis.unknown_projection", value=via), fix=msg("analysis.unknown_projection_fix"))
    G = nx.Graph(kind="town-town", via=via, status=sorted(statuses(status) or []), district=data.district)
    _town_nodes(G, data)
    with gc_paused():
        return _add_town_edges(G, data.selected(status), via)


def _attributes(cooperations: list[Cooperation], via: str = "cooperation") -> dict:
    """An edge's attributes from the cooperations its two towns share (sorted by IRI)."""
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

    G.add_edges_from((a, b, _attributes(cs, via)) for (a, b), cs in sorted(shared.items(), key=lambda e: (rank[e[0][0]], rank[e[0][1]])))
    return G


def partner_network(source=None, *, district: str | None = None, status=EXISTING, via: str = "cooperation",
                    lang: str = "de", project: Project | str | None = None) -> nx.Graph:
    """The weighted town-town network of a graph in one call (``source`` and ``district`` as
    for :func:`fetch`): the same graph as ``town_graph(fetch(...), status, via=via)``, read
    lean. For ``via="cooperation"`` it reads the towns, the cooperations' statuses and the
    memberships only (:func:`~graph.facts.network.fetch_partners`), counts the pairs in one
    pass and builds the graph from prepared edges; what an edge shares (``cooperations``,
    ``facilities``, ``areas``, ``statuses``, ``documents``) is filled in when first read
    (:class:`PairData`). For 80,000 cooperations among the 10,978 German municipalities
    (176,719 pairs) about twice the raw-pyoxigraph-plus-numpy bound of benchmarks/run.py;
    ``town_graph(fetch(...))`` takes about seven times the bound.

    >>> G = partner_network(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> aberg, bedorf = (f"https://example.org/ikz-test/municipality/0999900{i}" for i in (1, 2))
    >>> G.size(weight="weight"), [a.rsplit("/", 1)[1] for a in G.edges[aberg, bedorf]["areas"]]
    (7.0, ['Beratung', 'Inobhutnahme'])
    """
    if via not in ("cooperation", "facility"):
        raise AnalysisError(msg("analysis.unknown_projection", value=via), fix=msg("analysis.unknown_projection_fix"))
    if via == "facility":   # weighted by distinct facilities: needs every cooperation's facility
        return town_graph(fetch(source, district=district, lang=lang, project=project), status, via=via)
    return partner_graph(fetch_partners(source, district=district, status=status, lang=lang, project=project))


def partner_graph(facts: PartnerFacts) -> nx.Graph:
    """The town-town network of :func:`~graph.facts.network.fetch_partners`' facts (see
    :func:`partner_network`): nodes as in :func:`town_graph`, an edge per pair of towns that
    share a selected cooperation, weighted by how many they share, in node order."""
    G = nx.Graph(kind="town-town", via="cooperation", status=sorted(facts.status or []), district=facts.district)
    names = list(facts.towns)
    n = len(names)
    with gc_paused():
        G.add_nodes_from((iri, {"kind": "town", "bipartite": 0, "label": town.label, "ags": town.ags,
                                "district": town.district}) for iri, town in facts.towns.items())
        keys: list[int] = []
        extend = keys.extend
        for ranks in facts.members:          # ranks ascending: a < b, and a * n + b sorts as (a, b)
            extend([a * n + b for a, b in combinations(ranks, 2)])
        keys.sort()                          # counted in key order: the items come out sorted
        shared = _SharedDetails(facts)
        adjacency = G.adj._atlas
        for key, weight in Counter(keys).items():
            data = PairData(weight=weight)
            data._lazy = (shared, key)
            a, b = names[key // n], names[key % n]
            # the prepared dict itself is the edge's attribute dict (add_edges_from would copy it
            # into a new plain dict); the graph is new, so networkx has nothing cached to clear
            adjacency[a][b] = data
            adjacency[b][a] = data
    return G


class _SharedDetails:
    """What the edges of one partner network share: the towns' cooperations (built on the first
    edge read) and the cooperations' details (:meth:`PartnerFacts.details`)."""

    def __init__(self, facts: PartnerFacts):
        self.facts = facts
        self.by_town: list[set[int]] | None = None

    def attributes(self, key: int) -> dict:
        """The attributes of the edge ``key`` (ranks a * n + b)."""
        if self.by_town is None:
            by_town: list[set[int]] = [set() for _ in self.facts.towns]
            for index, ranks in enumerate(self.facts.members):
                for rank in ranks:
                    by_town[rank].add(index)
            self.by_town = by_town
        a, b = divmod(key, len(self.by_town))
        details, iris = self.facts.details(), self.facts.cooperations
        return _attributes([details[iris[i]] for i in sorted(self.by_town[a] & self.by_town[b])])


class PairData(dict):
    """The attribute dict of an edge of :func:`partner_network`: ``weight`` at once; the rest
    (``cooperations``, ``facilities``, ``areas``, ``statuses``, ``documents``, as in
    :func:`town_graph`) filled in on the first read of anything else, so a national network
    that is only counted, grouped or measured never reads 80,000 cooperations' details. Reads
    like the dict it becomes: ``d["areas"]``, ``d.get``, ``in``, iteration, ``dict(d)``, copies.

    >>> G = partner_network(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> d = G["https://example.org/ikz-test/municipality/09999001"]["https://example.org/ikz-test/municipality/09999002"]
    >>> dict.__len__(d), d["weight"], len(d), sorted(d)[:2]
    (1, 2, 6, ['areas', 'cooperations'])
    """

    __slots__ = ("_lazy",)       # (shared details, pair key) until filled, then None

    def _fill(self) -> None:
        lazy = getattr(self, "_lazy", None)
        if lazy is not None:
            self._lazy = None
            for key, value in lazy[0].attributes(lazy[1]).items():
                dict.setdefault(self, key, value)     # what a caller set stays

    def __missing__(self, key):
        if getattr(self, "_lazy", None) is None:
            raise KeyError(key)
        self._fill()
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if getattr(self, "_lazy", None) is not None and not dict.__contains__(self, key):
            self._fill()
        return dict.get(self, key, default)

    def __contains__(self, key) -> bool:
        if getattr(self, "_lazy", None) is not None and not dict.__contains__(self, key):
            self._fill()
        return dict.__contains__(self, key)

    def copy(self) -> dict:
        self._fill()
        return dict(dict.items(self))

    def __eq__(self, other) -> bool:
        self._fill()
        if isinstance(other, PairData):
            other._fill()
        return dict.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self == other

    __hash__ = None

    def __or__(self, other):
        return self.copy() | other

    def __ror__(self, other):
        return dict(other) | self.copy()

    def __repr__(self) -> str:
        self._fill()
        return dict.__repr__(self)

    def __reduce__(self):   # pickle, copy, deepcopy: a plain dict of every attribute
        return dict, (self.copy(),)


def _filled_first(name: str):
    """``dict.NAME`` on a :class:`PairData`, after its details are filled in."""
    method = getattr(dict, name)

    def call(self, *args):
        self._fill()
        return method(self, *args)

    call.__name__ = call.__qualname__ = name
    return call


# what reads or changes the whole dict fills it first (dunders too: set on the class)
for _name in ("setdefault", "pop", "popitem", "__iter__", "__reversed__", "__len__", "keys", "values", "items"):
    setattr(PairData, _name, _filled_first(_name))


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


"""The partner network read lean (issue #14, item 3): ``partner_network`` reads only the towns,
the cooperations' statuses and the members (the derived ``ikz:partnerIn`` of a build, the
memberships of a graph without it) and fills an edge's details on first read. It must be the
same graph as ``town_graph(fetch(...))``: nodes, node attributes, edges in order, weights and
every edge attribute, for every status and scope, on either path."""

from __future__ import annotations

import copy
import pickle
from pathlib import Path

import pytest

import helpers
from graph.builder.derive import derive
from graph.facts import network as facts_network
from graph.facts.labels import read_labels
from graph.facts.source import open_source
from graph.outputs.analysis import centrality, fetch, groups, partner_network, town_graph
from graph.outputs.analysis.network import PairData
from graph.sparql.query import GraphQuery

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
T = "https://example.org/ikz-test/"
ABERG, BEDORF, CDORF, DSTADT = (f"{T}municipality/0999900{i}" for i in range(1, 5))


def snapshot(G) -> tuple:
    """Everything a caller can read of a town-town network, in order."""
    return (dict(G.graph), list(G.nodes(data=True)), [(a, b, dict(d)) for a, b, d in G.edges(data=True)])


@pytest.fixture(scope="module")
def plain():
    """The fixture as a hand-written graph: no derived facts (the memberships path)."""
    return helpers.fixture_store(FIXTURES)


@pytest.fixture(scope="module")
def derived():
    """The fixture with the derived facts of a build (the ikz:partnerIn path)."""
    store = helpers.fixture_store(FIXTURES)
    derive(store)
    return store


def recorded(monkeypatch) -> list[str]:
    """The names of the facts queries run from now on."""
    ran: list[str] = []
    original = GraphQuery.run

    def recording(self, text, bindings=None, **options):
        ran.append(Path(options.get("where", "")).stem)
        return original(self, text, bindings, **options)

    monkeypatch.setattr(GraphQuery, "run", recording)
    return ran


@pytest.mark.parametrize("status", ["existing", "all", "vorgeschlagen", "beendet", ("bestehend", "geplant")])
@pytest.mark.parametrize("district", [None, "09999"])
def test_the_lean_network_is_the_network_of_fetch(plain, derived, status, district):
    expected = snapshot(town_graph(fetch(plain, district=district), status))
    assert expected[2], "a status without edges would prove nothing"
    assert snapshot(partner_network(plain, district=district, status=status)) == expected
    assert snapshot(partner_network(derived, district=district, status=status)) == expected


def test_by_hand(plain):
    G = partner_network(plain, district="09999")
    assert (G.number_of_nodes(), G.number_of_edges(), G.size(weight="weight")) == (6, 5, 7.0)
    assert G[ABERG][BEDORF]["weight"] == 2 and G[CDORF][DSTADT]["weight"] == 2
    assert G[ABERG][BEDORF]["cooperations"] == (f"{T}cooperation/jss-nord", f"{T}cooperation/kinderschutz-west")
    assert G.nodes[ABERG] == {"kind": "town", "bipartite": 0, "label": "Aberg", "ags": "09999001", "district": f"{T}district/09999"}


def test_the_derived_facts_are_read_when_the_graph_has_them(plain, derived, monkeypatch):
    ran = recorded(monkeypatch)
    partner_network(derived)
    assert "partner-in" in ran and "memberships" not in ran
    ran.clear()
    partner_network(plain)            # no ikz:partnerIn: the memberships, the same rows
    assert ran.index("partner-in") < ran.index("memberships")


def test_details_are_read_on_first_use_only(derived, monkeypatch):
    ran = recorded(monkeypatch)
    G = partner_network(derived)
    assert "cooperations" not in ran and "labels" not in ran          # counting needs no details
    assert G.size(weight="weight") == 8 and groups(G) and centrality(G)[CDORF]["cut"]   # reads weights only
    assert "cooperations" not in ran
    assert G[CDORF][DSTADT]["facilities"] == (f"{T}facility/beratung-mitte",)
    assert ran.count("cooperations") == 1
    for _, _, d in G.edges(data=True):                                # every other edge: no new read
        assert d["documents"] is not None
    assert ran.count("cooperations") == 1


def test_an_edge_reads_like_the_dict_it_becomes(derived):
    G = partner_network(derived, district="09999")
    expected = dict(town_graph(fetch(derived, district="09999"))[ABERG][BEDORF])
    keys = ["weight", "cooperations", "facilities", "areas", "statuses", "documents"]
    readers = {
        "getitem": lambda d: {k: d[k] for k in keys},
        "get": lambda d: {k: d.get(k) for k in keys},
        "in": lambda d: all(k in d for k in keys) and {k: dict.__getitem__(d, k) for k in keys},
        "iteration": lambda d: {k: d[k] for k in d},
        "items": lambda d: dict(d.items()),
        "len": lambda d: len(d) == 6 and dict(d),
        "dict": dict,
        "copy": lambda d: d.copy(),
        "deepcopy": copy.deepcopy,
        "pickle": lambda d: pickle.loads(pickle.dumps(d)),
        "equals": lambda d: expected if d == expected else {},
        "repr": lambda d: eval(repr(d)),                               # noqa: S307 - tuples and strings only
        "union": lambda d: d | {},
    }
    for name, read in readers.items():
        fresh = partner_network(derived, district="09999")[ABERG][BEDORF]
        assert isinstance(fresh, PairData) and dict.__len__(fresh) == 1, name     # weight only, until read
        assert read(fresh) == expected, name
    # what a caller sets before the details are read stays
    d = G[ABERG][BEDORF]
    d["areas"] = ("mine",)
    assert d["areas"] == ("mine",) and d["cooperations"] == expected["cooperations"]
    with pytest.raises(KeyError):
        d["nothing"]
    assert d.get("nothing", 0) == 0 and "nothing" not in d


def test_graph_copies_and_subgraphs_carry_the_details(derived):
    G = partner_network(derived)
    expected = snapshot(town_graph(fetch(derived)))
    assert snapshot(G.copy()) == expected
    assert snapshot(G.subgraph(G.nodes)) == expected
    assert snapshot(copy.deepcopy(G)) == expected


def test_town_labels_by_union_are_the_rule_over_every_label(derived):
    gq, _ = open_source(derived)
    for lang in ("de", "en"):
        towns_only = read_labels(gq, lang, towns_only=True)
        every = read_labels(gq, lang)
        assert towns_only and towns_only == {t: every[t] for t in towns_only}
        assert set(towns_only) == set(facts_network.fetch(gq).towns)


def test_the_real_district_is_the_same_lean(gq):
    real = fetch(gq, district="Ennepe-Ruhr-Kreis")
    for status in ("existing", "all"):
        expected = snapshot(town_graph(real, status))
        assert len(expected[2]) >= 20
        assert snapshot(partner_network(gq, district="Ennepe-Ruhr-Kreis", status=status)) == expected

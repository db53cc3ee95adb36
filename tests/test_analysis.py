"""Tests of the network analysis (graph/analysis.py) and `ikz analyze` (graph/cli_analysis.py).

Every analysis runs on a small hand-built district (tests/fixtures/analysis/small.ttl) whose
answers are derived by hand in the comments; on the real graph the results must agree with
the named SPARQL questions; the same input must give the same output; and the projection must
stay fast when the graph is large.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pyoxigraph as ox
import pytest

import helpers
from click.testing import CliRunner

from graph.outputs import analysis as A
from graph.outputs.analysis import (ANALYSES, CANDIDATE_RULE, EXISTING, IN_AREA, PROPOSED, TIE, AnalysisError,
                            analyze, bipartite_graph, candidate_partners, centrality, coverage, cut_towns,
                            density, fetch, gaps, groups, modularity, render_tables, town_graph)
from graph.cli.analysis import COMMANDS, analyze_command
from graph.core.errors import IKZError
from graph.core.i18n import use
from graph.facts.network import FactsError
from graph.core.project import find_project
from graph.sparql.query import GraphQuery

FIXTURES = Path(__file__).parent / "fixtures" / "analysis"
T = "https://example.org/ikz-test/"
ABERG, BEDORF, CDORF, DSTADT, EDORF, FHEIM = (f"{T}municipality/0999900{i}" for i in range(1, 7))
GTAL = f"{T}municipality/09998001"
TESTKREIS = f"{T}district/09999"
C_ = {name: f"{T}cooperation/{name}" for name in (
    "jss-nord", "kinderschutz-west", "beratung-mitte", "jugendamt-cdorf-dstadt", "erziehungsberatung",
    "jss-ost", "eingliederungshilfe", "beratung-alt")}
F_ = {name: f"{T}facility/{name}" for name in ("jss-nord", "kinderschutz-west", "beratung-mitte", "jss-ost", "beratung-alt")}
SA = "https://w3id.org/ikz/concept/service-area/"
BERATUNG, EINGLIEDERUNG, INOBHUT, JUGENDHILFE, ERZIEHUNG = (
    SA + a for a in ("Beratung", "Eingliederungshilfe", "Inobhutnahme", "Jugendhilfe", "Erziehungsberatung"))
OFFICE_CDORF = f"{T}office/jugendamt/09999003"
BRIEF, PROTOKOLL = f"{T}doc/brief", f"{T}doc/protokoll"


def fixture_store(*names: str) -> ox.Store:
    """The ontology plus the named fixture files, in a fresh store."""
    return helpers.fixture_store(FIXTURES, *names)


@pytest.fixture(scope="module")
def store():
    return fixture_store()


@pytest.fixture(scope="module")
def everything(store):
    """All seven towns (Gtal in the Nachbarkreis included)."""
    return fetch(store)


@pytest.fixture(scope="module")
def district(store):
    """The Testkreis only: Aberg … Fheim."""
    return fetch(store, district="09999")


def pairs(G) -> dict[tuple[str, str], int]:
    return {tuple(sorted((a, b))): d["weight"] for a, b, d in G.edges(data=True)}


# -- reading the graph ---------------------------------------------------------------------------


def test_fetch_reads_towns_in_ags_order_with_district_scope(everything, district):
    assert list(everything.towns) == [GTAL, ABERG, BEDORF, CDORF, DSTADT, EDORF, FHEIM]
    assert list(district.towns) == [ABERG, BEDORF, CDORF, DSTADT, EDORF, FHEIM]
    assert district.district == TESTKREIS and everything.district is None
    assert everything.towns[GTAL].district == f"{T}district/09998"
    assert [everything.label(t) for t in district.towns] == ["Aberg", "Bedorf", "Cdorf", "Dstadt", "Edorf", "Fheim"]


def test_fetch_reads_cooperations_with_towns_status_area_facility_office_and_sources(everything, district):
    nord = everything.cooperations[C_["jss-nord"]]
    assert nord.towns == (ABERG, BEDORF, CDORF)
    assert (nord.status, nord.areas, nord.facility, nord.documents) == (EXISTING, (INOBHUT,), F_["jss-nord"], (BRIEF,))
    mitte = everything.cooperations[C_["beratung-mitte"]]
    assert mitte.acting == ((DSTADT, OFFICE_CDORF),)
    assert everything.cooperations[C_["erziehungsberatung"]].facility is None
    # the scope keeps only the towns of the Testkreis: Gtal drops out of the shared shelter East
    assert everything.cooperations[C_["jss-ost"]].towns == (GTAL, EDORF)
    assert district.cooperations[C_["jss-ost"]].towns == (EDORF,)
    assert len(everything.selected(EXISTING)) == 6
    assert [c.iri for c in everything.selected(PROPOSED)] == [C_["eingliederungshilfe"]]
    assert len(everything.selected("all")) == 8
    assert [c.iri for c in everything.selected("beendet")] == [C_["beratung-alt"]]


@pytest.mark.parametrize("name", ["09999", "Testkreis", "testkreis", "TK", "Test district", TESTKREIS])
def test_district_by_key_name_or_iri(store, name):
    assert fetch(store, district=name).district == TESTKREIS


def test_unknown_district_status_and_language_are_refused_with_a_fix(store, district):
    # the district is resolved by the one resolver (GraphQuery.term), as in `ikz query`
    with pytest.raises(IKZError) as error:
        fetch(store, district="Nirgendwo")
    assert "Nirgendwo" in str(error.value) and error.value.exit_code == 2
    with pytest.raises(FactsError, match="Den Status 'irgendwie' gibt es nicht") as error:
        town_graph(district, "irgendwie")
    assert error.value.where == "--status" and "bestehend" in error.value.fix
    with use("en"):
        assert error.value.what == "There is no status 'irgendwie'."
    with pytest.raises(FactsError, match="Die Sprache 'fr' gibt es nicht"):
        fetch(store, lang="fr")


def test_labels_follow_the_language_with_german_fallback(store):
    en = fetch(store, lang="en", district="09999")
    assert en.label(C_["jss-nord"]) == "Shared youth shelter North"
    assert en.label(EXISTING) == "existing"
    assert en.label(ABERG) == "Aberg"  # the town has a German label only


# -- the networks ------------------------------------------------------------------------------


def test_bipartite_town_facility_graph(everything):
    B = bipartite_graph(everything)
    towns = {n for n, d in B.nodes(data=True) if d["bipartite"] == 0}
    facilities = {n for n, d in B.nodes(data=True) if d["bipartite"] == 1}
    assert towns == set(everything.towns)          # every town is a node, Fheim without edges
    # existing shared facility use only: the old counselling centre (ended) is not there
    assert facilities == {F_["jss-nord"], F_["kinderschutz-west"], F_["beratung-mitte"], F_["jss-ost"]}
    assert {tuple(sorted(e)) for e in B.edges} == {tuple(sorted(e)) for e in [
        (ABERG, F_["jss-nord"]), (BEDORF, F_["jss-nord"]), (CDORF, F_["jss-nord"]),
        (ABERG, F_["kinderschutz-west"]), (BEDORF, F_["kinderschutz-west"]),
        (CDORF, F_["beratung-mitte"]), (DSTADT, F_["beratung-mitte"]),
        (EDORF, F_["jss-ost"]), (GTAL, F_["jss-ost"])]}
    assert B.nodes[F_["jss-nord"]]["facility_kind"] == "https://w3id.org/ikz/concept/facility-kind/Jugendschutzstelle"
    assert B[DSTADT][F_["beratung-mitte"]]["cooperations"] == [C_["beratung-mitte"]]
    assert B.degree(FHEIM) == 0


def test_town_graph_weights_by_hand(district):
    G = town_graph(district)
    # jss-nord: A-B, A-C, B-C; kinderschutz-west: A-B; beratung-mitte and jugendamt: C-D (twice);
    # erziehungsberatung: D-E; jss-ost has only Edorf in the Testkreis; Fheim has no tie.
    assert pairs(G) == {(ABERG, BEDORF): 2, (ABERG, CDORF): 1, (BEDORF, CDORF): 1, (CDORF, DSTADT): 2, (DSTADT, EDORF): 1}
    assert list(G.nodes) == [ABERG, BEDORF, CDORF, DSTADT, EDORF, FHEIM]
    assert G.nodes[FHEIM]["label"] == "Fheim" and G.degree(FHEIM) == 0


def test_town_graph_edges_carry_what_is_shared_and_the_source(everything):
    G = town_graph(everything)
    cd = G[CDORF][DSTADT]
    assert cd["cooperations"] == (C_["beratung-mitte"], C_["jugendamt-cdorf-dstadt"])
    assert cd["facilities"] == (F_["beratung-mitte"],)
    assert cd["areas"] == (BERATUNG, JUGENDHILFE)
    assert cd["statuses"] == (EXISTING,)
    assert cd["documents"] == (BRIEF,)
    assert G[EDORF][GTAL]["documents"] == (PROTOKOLL,)   # across the district border, from the minutes


def test_town_graph_by_status_and_via_facility(district):
    # all statuses: the proposed Eingliederungshilfe joins all six towns (15 pairs); Aberg-Bedorf
    # share 3 (2 existing + proposed), Aberg-Fheim 2 (proposed + ended counselling centre)
    everything_goes = pairs(town_graph(district, "all"))
    assert len(everything_goes) == 15
    assert everything_goes[(ABERG, BEDORF)] == 3 and everything_goes[(ABERG, FHEIM)] == 2
    assert pairs(town_graph(district, PROPOSED)) == {p: 1 for p in itertools.combinations(list(district.towns), 2)}
    # via facility: the office agreement and the counselling association have none
    assert pairs(town_graph(district, via="facility")) == {(ABERG, BEDORF): 2, (ABERG, CDORF): 1, (BEDORF, CDORF): 1,
                                                           (CDORF, DSTADT): 1}


def test_town_graph_via_facility_is_the_weighted_projection_of_the_bipartite_graph(everything):
    B = bipartite_graph(everything)
    projected = nx.bipartite.weighted_projected_graph(B, list(everything.towns))
    assert pairs(projected) == pairs(town_graph(everything, via="facility"))


# -- metrics -----------------------------------------------------------------------------------


def test_centrality_by_hand(district):
    m = centrality(town_graph(district))
    assert {district.label(t): (v["degree"], v["weighted_degree"]) for t, v in m.items()} == {
        "Aberg": (2, 3.0), "Bedorf": (2, 3.0), "Cdorf": (3, 4.0), "Dstadt": (2, 3.0), "Edorf": (1, 1.0), "Fheim": (0, 0.0)}
    # shortest paths through Cdorf: A-D, A-E, B-D, B-E (4); through Dstadt: A-E, B-E, C-E (3);
    # normalised by (n-1)(n-2)/2 = 10 pairs of other towns
    assert {district.label(t): v["betweenness"] for t, v in m.items()} == {
        "Aberg": 0.0, "Bedorf": 0.0, "Cdorf": 0.4, "Dstadt": 0.3, "Edorf": 0.0, "Fheim": 0.0}
    assert {district.label(t) for t, v in m.items() if v["cut"]} == {"Cdorf", "Dstadt"}


def test_cut_towns_and_what_falls_apart(district, everything):
    assert cut_towns(town_graph(district)) == {CDORF: [[ABERG, BEDORF], [DSTADT, EDORF]],
                                               DSTADT: [[ABERG, BEDORF, CDORF], [EDORF]]}
    # with Gtal (Nachbarkreis), Edorf also holds Gtal to the rest
    assert set(cut_towns(town_graph(everything))) == {CDORF, DSTADT, EDORF}


def _partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _partitions(rest):
        for i in range(len(partition)):
            yield partition[:i] + [[first] + partition[i]] + partition[i + 1:]
        yield [[first]] + partition


def test_groups_are_the_best_partition_by_hand(district):
    G = town_graph(district)
    found = groups(G)
    assert found == [[CDORF, DSTADT, EDORF], [ABERG, BEDORF]]    # Fheim has no tie: no group
    # m = 7; {A,B}: 2/7 - (6/14)^2, {C,D,E}: 3/7 - (8/14)^2, Fheim alone: 0
    assert modularity(G, found) == pytest.approx(2 / 7 - (6 / 14) ** 2 + 3 / 7 - (8 / 14) ** 2, abs=1e-6)
    connected = [t for t in G if G.degree(t)]
    best = max(_partitions(connected), key=lambda p: nx.community.modularity(G, p + [[FHEIM]], weight="weight"))
    assert sorted(map(sorted, best)) == sorted(map(sorted, found))


def test_groups_are_deterministic(district, store):
    G = town_graph(district)
    assert groups(G) == groups(G) == groups(town_graph(fetch(store, district="09999")))
    assert groups(G, seed=1) == groups(G, seed=1)


def test_density_by_hand(district, everything):
    assert density(town_graph(district)) == pytest.approx(5 / 15, abs=1e-6)
    assert density(town_graph(everything)) == pytest.approx(6 / 21, abs=1e-6)


# -- coverage, gaps, candidates ------------------------------------------------------------------


def test_coverage_matrix_by_hand(district):
    C = coverage(district)
    assert C.areas == [BERATUNG, EINGLIEDERUNG, INOBHUT]       # one level below the top, by label
    counts = {(district.label(t), district.label(a)): len(C.cell(t, a).cooperations) for t in C.towns for a in C.areas}
    assert counts == {
        # Beratung: kinderschutz-west (A, B), beratung-mitte (C, D), Erziehungsberatung is narrower (D, E);
        # the ended counselling centre of Aberg and Fheim does not count
        ("Aberg", "Beratung"): 1, ("Bedorf", "Beratung"): 1, ("Cdorf", "Beratung"): 1,
        ("Dstadt", "Beratung"): 2, ("Edorf", "Beratung"): 1, ("Fheim", "Beratung"): 0,
        **{(town, "Eingliederungshilfe"): 0 for town in ("Aberg", "Bedorf", "Cdorf", "Dstadt", "Edorf", "Fheim")},
        ("Aberg", "Inobhutnahme"): 1, ("Bedorf", "Inobhutnahme"): 1, ("Cdorf", "Inobhutnahme"): 1,
        ("Dstadt", "Inobhutnahme"): 0, ("Edorf", "Inobhutnahme"): 1, ("Fheim", "Inobhutnahme"): 0,
    }
    assert C.cell(DSTADT, BERATUNG).cooperations == (C_["beratung-mitte"], C_["erziehungsberatung"])
    assert C.cell(DSTADT, BERATUNG).offices == (OFFICE_CDORF,)        # acting through the Jugendamt Cdorf
    assert C.cell(CDORF, BERATUNG).offices == ()
    assert C.cell(ABERG, EINGLIEDERUNG).future == (C_["eingliederungshilfe"],)
    assert C.cell(FHEIM, BERATUNG).future == ()


def test_gaps_by_hand(district):
    found = [(district.label(g.town), district.label(g.area), len(g.future)) for g in gaps(district)]
    assert found == [("Fheim", "Beratung", 0)] + [
        (town, "Eingliederungshilfe", 1) for town in ("Aberg", "Bedorf", "Cdorf", "Dstadt", "Edorf", "Fheim")] + [
        ("Dstadt", "Inobhutnahme", 0), ("Fheim", "Inobhutnahme", 0)]
    # with proposed cooperation counted, the Eingliederungshilfe gaps close
    assert not [g for g in gaps(district, "all") if g.area == EINGLIEDERUNG]


def test_candidate_partners_by_the_stated_rule(district):
    # Dstadt has no shelter; its partners Cdorf (2 shared) and Edorf (1) both use one
    found = candidate_partners(district, INOBHUT, town=DSTADT)
    assert [(c.partner, c.basis, c.shared, c.rank) for c in found] == [(CDORF, IN_AREA, 2, 1), (EDORF, IN_AREA, 1, 2)]
    assert found[0].partner_cooperations == (C_["jss-nord"],)
    assert found[0].shared_cooperations == (C_["beratung-mitte"], C_["jugendamt-cdorf-dstadt"])
    # Fheim has no existing tie: no candidate at all
    assert candidate_partners(district, INOBHUT, town=FHEIM) == []
    assert candidate_partners(district, BERATUNG, town=FHEIM) == []
    # nobody works on Eingliederungshilfe yet: the existing partners, strongest tie first
    found = candidate_partners(district, EINGLIEDERUNG, town=ABERG)
    assert [(c.partner, c.basis, c.shared) for c in found] == [(BEDORF, TIE, 2), (CDORF, TIE, 1)]
    assert [c.partner for c in candidate_partners(district, EINGLIEDERUNG, town=CDORF, limit=None)] == [DSTADT, ABERG, BEDORF]
    assert [c.partner for c in candidate_partners(district, EINGLIEDERUNG, town=CDORF, limit=1)] == [DSTADT]


def test_candidate_rule_is_stated_as_a_heuristic(district):
    assert CANDIDATE_RULE["de"].startswith("Heuristik, kein Befund")
    assert CANDIDATE_RULE["en"].startswith("Heuristic, not a finding")
    table = analyze(district, only=["candidates"])["candidates"]
    assert table.note == CANDIDATE_RULE["de"]
    assert {row["basis"] for row in table.rows} == {"kooperiert bereits im Gebiet", "bestehende Verbindung"}


# -- all analyses as tables ---------------------------------------------------------------------


def test_analyze_summary_by_hand(district):
    tables = analyze(district)
    assert list(tables) == list(ANALYSES)
    summary = {row["key"]: row["value"] for row in tables["summary"].rows}
    assert summary == {"n_towns": 6, "n_existing": 6, "n_proposed": 1, "n_ties": 5, "n_pairs": 15,
                       "density": pytest.approx(1 / 3, abs=1e-6), "n_components": 1, "n_isolated": 1, "n_cut": 2,
                       "n_groups": 2, "modularity": pytest.approx(0.204082, abs=1e-6), "n_gaps": 9}
    towns = tables["towns"].rows
    assert [(r["town"], r["betweenness"], r["cut"]) for r in towns[:2]] == [("Cdorf", 0.4, "ja"), ("Dstadt", 0.3, "ja")]
    assert [r["parts"] for r in tables["cut_towns"].rows] == ["Aberg, Bedorf | Dstadt, Edorf", "Aberg, Bedorf, Cdorf | Edorf"]
    assert [r["members"] for r in tables["groups"].rows] == ["Cdorf, Dstadt, Edorf", "Aberg, Bedorf"]
    assert tables["pairs"].rows[0]["town_a"] == "Aberg" and tables["pairs"].rows[0]["weight"] == 2


def test_analyze_only_and_unknown_names(district):
    assert list(analyze(district, only=["gaps", "summary"])) == ["summary", "gaps"]
    with pytest.raises(AnalysisError, match="Die Analyse 'nonsense' gibt es nicht") as error:
        analyze(district, only=["nonsense"])
    assert "summary, towns" in error.value.fix
    with use("en"):
        assert str(error.value).startswith("There is no analysis 'nonsense'")


def test_render_json_is_one_object_with_a_key_per_analysis(district):
    data = json.loads(render_tables(analyze(district), "json"))
    assert list(data) == list(ANALYSES)
    assert data["candidates"]["note"] == CANDIDATE_RULE["de"]
    assert data["towns"]["rows"][0]["iri"] == CDORF


def test_render_csv_md_and_table(district):
    tables = analyze(district, only=["summary", "gaps"])
    csv_text = render_tables(tables, "csv")
    assert csv_text.startswith("\ufeff# summary: Kennzahlen\r\n")
    assert "\r\n\r\n# gaps: Lücken" in csv_text and "Fheim" in csv_text
    md = render_tables(tables, "md")
    assert "## Lücken: Kommunen ohne Kooperation im Aufgabengebiet" in md and "| Beratung | Fheim |" in md
    table = render_tables(tables, "table")
    assert table.splitlines()[0] == "Kennzahlen" and "iri" not in table
    assert "area_iri" in render_tables(tables, "table", with_iris=True)
    with pytest.raises(AnalysisError):
        render_tables(tables, "xml")


def test_same_input_same_output(store):
    first = render_tables(analyze(fetch(store, district="09999")), "json")
    second = render_tables(analyze(fetch(fixture_store(), district="09999")), "json")
    assert first == second


def test_fetch_from_a_turtle_file_equals_the_store(store):
    from_file = fetch(FIXTURES / "small.ttl")
    assert pairs(town_graph(from_file)) == pairs(town_graph(fetch(store)))


# -- the real graph: consistent with the named questions -------------------------------------------


@pytest.fixture(scope="module")
def real(gq):
    """The Ennepe-Ruhr-Kreis, the default district of the named questions."""
    return fetch(gq, district="Ennepe-Ruhr-Kreis")


def test_real_graph_is_the_district(gq, real):
    assert pairs(town_graph(fetch(gq))) == pairs(town_graph(real))
    assert pairs(A.partner_network(gq, district="05954")) == pairs(town_graph(real))


def test_real_partner_pairs_are_the_pairs_of_the_named_question(real, gq):
    """Every pair in the projection shares a cooperation per `partner-pairs`, as often."""
    rows = gq.ask("partner-pairs", {"status": "bestehend"}).rows
    expected = {tuple(sorted((str(r["a"]), str(r["b"])))): int(r["shared"]) for r in rows}
    assert pairs(town_graph(real)) == expected


def test_real_facility_pairs_are_those_of_partners_of_town(real, gq):
    """Every pair in the facility projection is a pair that shares a facility per `partners-of-town`."""
    expected = set()
    for town in real.towns:
        for row in gq.ask("partners-of-town", {"town": town}).rows:
            expected.add(tuple(sorted((town, str(row["partner"])))))
    G = town_graph(real, via="facility")
    assert set(pairs(G)) == expected
    # and each edge names the facilities the question names
    for a, b, d in G.edges(data=True):
        named = {str(r["facility"]) for r in gq.ask("partners-of-town", {"town": a}).rows if str(r["partner"]) == b}
        assert set(d["facilities"]) == named


def test_real_coverage_is_the_coverage_matrix_question(real, gq):
    rows = gq.ask("coverage-matrix", {"status": "bestehend", "lang": "de"}).rows
    expected = {(str(r["ags"]), str(r["area"])): int(r["cooperations"]) for r in rows}
    C = coverage(real)
    assert {(real.towns[t].ags, a): len(C.cell(t, a).cooperations) for t in C.towns for a in C.areas} == expected


def test_real_gaps_are_the_towns_without_cooperation_question(real, gq):
    found = gaps(real)
    for area in coverage(real).areas:
        rows = gq.ask("towns-without-cooperation", {"area": area, "status": "bestehend"}).rows
        assert [g.town for g in found if g.area == area] == [str(r["town"]) for r in rows]


def test_real_network_findings(real):
    G = town_graph(real)
    label = real.label
    assert [label(t) for t in cut_towns(G)] == ["Sprockhövel"]
    assert [[label(t) for t in g] for g in groups(G)] == [
        ["Breckerfeld", "Ennepetal", "Gevelsberg", "Schwelm", "Sprockhövel"],
        ["Hattingen", "Herdecke", "Wetter (Ruhr)", "Witten"]]
    assert density(G) == pytest.approx(20 / 36, abs=1e-6)
    top = max(G.nodes, key=lambda t: centrality(G)[t]["betweenness"])
    assert label(top) == "Sprockhövel"
    # Breckerfeld acts through the Jugendamt Ennepetal in its counselling cooperations
    beratung = next(a for a in coverage(real).areas if a.endswith("/Beratung"))
    breckerfeld = next(t for t in real.towns if label(t) == "Breckerfeld")
    assert [label(o) for o in coverage(real).cell(breckerfeld, beratung).offices] == ["Jugendamt Ennepetal"]
    heuristic = candidate_partners(real, beratung)
    assert {(label(c.town), label(c.partner)) for c in heuristic} == {
        (town, "Sprockhövel") for town in ("Hattingen", "Herdecke", "Wetter (Ruhr)", "Witten")}


def test_real_graph_on_the_rdflib_store_gives_the_same_network(project, built, real):
    """The generic path (GraphQuery.run, rdflib terms) and the fast path (pyoxigraph) agree."""
    memory = fetch(GraphQuery.open(project, "memory", graph_dir=built.output))
    assert pairs(town_graph(memory)) == pairs(town_graph(real))
    assert render_tables(analyze(memory), "json") == render_tables(analyze(real), "json")


# -- scale ----------------------------------------------------------------------------------------


def _synthetic_store(cooperations: int, towns: int = 400, seed: int = 5) -> tuple[ox.Store, dict]:
    """A graph of ``cooperations`` shared facility uses among ``towns`` towns, with the pair
    counts computed independently (the expected projection)."""
    import random

    rng = random.Random(seed)
    ikz, org, rdf = "https://w3id.org/ikz/ontology#", "http://www.w3.org/ns/org#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    base = "https://example.org/scale/"
    lines, expected = [], {}
    ident = [f"{base}district/09999"]
    lines.append(f"<{ident[0]}> <{rdf}> <{ikz}District> .")
    town_iris = [f"{base}municipality/0999{i:04d}" for i in range(towns)]
    for i, town in enumerate(town_iris):
        lines.append(f"<{town}> <{rdf}> <{ikz}Municipality> .")
        lines.append(f'<{town}> <{ikz}ags> "0999{i:04d}" .')
        lines.append(f"<{town}> <{ikz}district> <{ident[0]}> .")
    for n in range(cooperations):
        c = f"{base}cooperation/{n}"
        lines.append(f"<{c}> <{rdf}> <{ikz}SharedFacilityUse> .")
        lines.append(f"<{c}> <{ikz}status> <{EXISTING}> .")
        lines.append(f"<{c}> <{ikz}serviceArea> <{BERATUNG}> .")
        lines.append(f"<{c}> <{ikz}facility> <{base}facility/{n}> .")
        members = sorted(rng.sample(range(towns), rng.randint(2, 8)))
        for m in members:
            lines.append(f"<{base}membership/{n}-{m}> <{org}organization> <{c}> .")
            lines.append(f"<{base}membership/{n}-{m}> <{org}member> <{town_iris[m]}> .")
        for a, b in itertools.combinations(members, 2):
            expected[(town_iris[a], town_iris[b])] = expected.get((town_iris[a], town_iris[b]), 0) + 1
    store = ox.Store()
    for path in find_project().ontology_files():   # ikz:SharedFacilityUse ⊑ ikz:Cooperation
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    store.load(("\n".join(lines) + "\n").encode(), format=ox.RdfFormat.N_TRIPLES)
    return store, expected


def test_projection_is_right_at_scale():
    """20,000 cooperations, ~100,000 memberships: the partner network equals an independent
    count. (Its speed is measured by benchmarks/run.py, not asserted here: timings in unit
    tests flake on shared machines.)"""
    store, expected = _synthetic_store(20_000)
    G = town_graph(fetch(store))
    assert pairs(G) == expected
    lean = A.partner_network(store)                 # read lean, details on first read: the same graph
    assert pairs(lean) == expected and list(lean.edges) == list(G.edges) and list(lean.nodes) == list(G.nodes)
    for a, b in list(G.edges)[::997]:
        assert dict(lean[a][b]) == G[a][b] and len(G[a][b]["cooperations"]) == G[a][b]["weight"]


# -- the command ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def obj(project):
    return SimpleNamespace(project=project, lang="de")


def test_commands_are_exported_for_registration():
    assert [c.name for c in COMMANDS] == ["analyze", "report"]


def test_ikz_analyze_json(obj, built):
    result = CliRunner().invoke(analyze_command, ["--format", "json", "--graph", str(built.output)], obj=obj)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data) == list(ANALYSES)
    summary = {row["key"]: row["value"] for row in data["summary"]["rows"]}
    assert (summary["n_towns"], summary["n_existing"], summary["n_proposed"], summary["n_ties"]) == (9, 6, 1, 20)
    assert data["cut_towns"]["rows"][0]["town"] == "Sprockhövel"


def test_ikz_analyze_table_md_csv_and_language(obj, built, tmp_path):
    runner = CliRunner()
    table = runner.invoke(analyze_command, ["towns", "--graph", str(built.output)], obj=obj)
    assert table.exit_code == 0 and table.output.startswith("Kommunen im Netz") and "Sprockhövel" in table.output
    english = runner.invoke(analyze_command, ["gaps", "--format", "md", "--graph", str(built.output)],
                            obj=SimpleNamespace(project=obj.project, lang="en"))
    assert "## Gaps: towns without cooperation in a service area" in english.output and "| Counselling | Hattingen |" in english.output
    out = tmp_path / "analyse.csv"
    written = runner.invoke(analyze_command, ["--format", "csv", "-o", str(out), "--graph", str(built.output)], obj=obj)
    assert written.exit_code == 0
    assert out.read_bytes().startswith("\ufeff# summary".encode("utf-8"))
    assert "Wetter (Ruhr)" in out.read_text(encoding="utf-8")


def test_ikz_analyze_district_status_and_errors(obj, built):
    runner = CliRunner()
    scoped = runner.invoke(analyze_command, ["summary", "--format", "json", "--district", "Ennepe-Ruhr-Kreis",
                                             "--status", "all", "--graph", str(built.output)], obj=obj)
    assert scoped.exit_code == 0, scoped.output
    summary = {row["key"]: row["value"] for row in json.loads(scoped.output)["summary"]["rows"]}
    assert summary["n_ties"] == 36                    # the proposed structure joins every pair
    bad = runner.invoke(analyze_command, ["--district", "Atlantis", "--graph", str(built.output)], obj=obj)
    assert bad.exit_code == 2 and "Atlantis" in bad.output and "Traceback" not in bad.output
    missing = runner.invoke(analyze_command, ["--graph", "/nonexistent/graph"], obj=obj)
    assert missing.exit_code == 2 and "ikz build" in missing.output

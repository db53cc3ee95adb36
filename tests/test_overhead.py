"""What the query path keeps between calls, and that it is never stale: the gate's verdict,
the query form, the binding plan and the syntax check are kept per query text (a changed text
is checked anew); the resolver reads the names of a kind once into an index and resolves by
look-up (exact, prefix, ambiguous, IRI, did-you-mean as before); ``refresh()`` forgets what
was read from a store that changed. Timing is not asserted here: ``benchmarks/overhead.py``
measures it."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from graph.sparql import binding, gate as gate_module, syntax
from graph.sparql.engines import OxigraphEngine
from graph.sparql.errors import QueryRefused, QuerySyntaxError, ValueNotFound
from graph.sparql.gate import gate, query_form
from graph.sparql.memo import TextMemo
from graph.sparql.query import GraphQuery, project_prefixes

IKZ = "https://w3id.org/ikz/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TOWN = "https://w3id.org/ikz/id/municipality/"


def add_town(store: ox.Store, ags: str, label: str) -> None:
    town = ox.NamedNode(TOWN + ags)
    store.add(ox.Quad(town, ox.NamedNode(RDF_TYPE), ox.NamedNode(IKZ + "Municipality")))
    store.add(ox.Quad(town, ox.NamedNode(IKZ + "ags"), ox.Literal(ags)))
    store.add(ox.Quad(town, ox.NamedNode(SKOS + "prefLabel"), ox.Literal(label, language="de")))


@pytest.fixture
def towns(project):
    """A small graph of towns whose names collide once diacritics are dropped."""
    store = ox.Store()
    for ags, label in (("03404000", "Osnabrück"), ("05515000", "Münster"), ("03353021", "Munster"),
                       ("05954032", "Wetter (Ruhr)"), ("06440024", "Wetterau-Stadt"), ("05954004", "Breckerfeld")):
        add_town(store, ags, label)
    gq = GraphQuery(project, OxigraphEngine(store, project_prefixes(project)))
    yield gq, store
    gq.close()


def counting(gq, monkeypatch) -> list:
    """Record every query file the GraphQuery reads from the graph from now on."""
    seen = []
    select = gq.select

    def spy(query, *args, **kwargs):
        seen.append(str(query))
        return select(query, *args, **kwargs)

    monkeypatch.setattr(gq, "select", spy)
    return seen


# -- the resolver's index ----------------------------------------------------------------------

def test_names_are_read_once_per_kind_then_resolved_by_look_up(towns, monkeypatch):
    gq, _ = towns
    seen = counting(gq, monkeypatch)
    assert str(gq.resolver.resolve("municipality", "Breckerfeld")) == TOWN + "05954004"
    assert seen == ["lookup/municipality"]
    for value, ags in (("BRECKERFELD", "05954004"), ("osnabruck", "03404000"), ("03404000", "03404000"),
                       ("m:05515000", "05515000"), ("Wetter (", "05954032"), (" breckerfeld ", "05954004")):
        assert str(gq.resolver.resolve("municipality", value)) == TOWN + ags, value
    assert seen == ["lookup/municipality"]                  # nothing read again


def test_a_name_two_towns_share_without_diacritics_is_ambiguous(towns):
    """``Münster`` and ``Munster`` have the same normal form: neither spelling picks one."""
    gq, _ = towns
    for typed in ("Münster", "Munster", "MUNSTER"):
        with pytest.raises(ValueNotFound) as error:
            gq.resolver.resolve("municipality", typed, "town")
        assert error.value.suggestions == ["Munster", "Münster"]      # in IRI order, as before


def test_a_prefix_is_taken_only_when_unique_and_no_name_matches_exactly(towns):
    gq, _ = towns
    with pytest.raises(ValueNotFound) as error:                       # Wetter (Ruhr), Wetterau-Stadt
        gq.resolver.resolve("municipality", "Wetter", "town")
    assert error.value.suggestions == ["Wetter (Ruhr)", "Wetterau-Stadt"]
    assert str(gq.resolver.resolve("municipality", "Wettera")) == TOWN + "06440024"
    assert str(gq.resolver.resolve("municipality", "0595400")) == TOWN + "05954004"


def test_typos_and_unknown_iris_still_get_suggestions(towns):
    gq, _ = towns
    with pytest.raises(ValueNotFound) as error:
        gq.resolver.resolve("municipality", "Breckerfelt", "town")
    assert error.value.suggestions == ["Breckerfeld"]
    with pytest.raises(ValueNotFound) as error:
        gq.resolver.resolve("municipality", "m:05954005", "town")
    assert error.value.suggestions == ["m:05954004", "m:05954032"]


def test_refresh_sees_a_town_added_to_the_store(towns):
    gq, store = towns
    with pytest.raises(ValueNotFound):
        gq.resolver.resolve("municipality", "Gevelsberg")
    add_town(store, "05954012", "Gevelsberg")
    with pytest.raises(ValueNotFound):                      # the index is kept until refresh()
        gq.resolver.resolve("municipality", "Gevelsberg")
    gq.refresh()
    assert str(gq.resolver.resolve("municipality", "Gevelsberg")) == TOWN + "05954012"
    answer = gq.run("SELECT ?l WHERE { ?t ikz:ags ?a ; skos:prefLabel ?l }", {"a": Literal("05954012")})
    assert answer.values("l") == ["Gevelsberg"]             # a fresh worker sees the store as it is


def test_an_iri_is_looked_up_once_and_again_after_refresh(towns, monkeypatch):
    gq, store = towns
    seen = counting(gq, monkeypatch)
    town = TOWN + "05954004"
    assert str(gq.term("iri", f"<{town}>")) == town
    assert str(gq.term("iri", f"<{town}>")) == town
    assert seen == ["lookup/occurs"]
    missing = TOWN + "09999999"
    for _ in range(2):
        with pytest.raises(ValueNotFound):
            gq.term("iri", f"<{missing}>")
    assert seen == ["lookup/occurs"] * 2
    add_town(store, "09999999", "Neustadt")
    gq.refresh()
    assert str(gq.term("iri", f"<{missing}>")) == missing


def test_the_real_graph_resolves_every_default_without_reading_names_again(gq, monkeypatch):
    for question in gq.library.values():                    # warm: each kind read once
        if question.id != "evidence":
            gq.bind(question, {})
    seen = counting(gq, monkeypatch)
    for question in gq.library.values():
        if question.id != "evidence":
            gq.bind(question, {})
    assert seen == []


# -- kept per text, never per question ---------------------------------------------------------

def test_a_changed_text_is_gated_anew():
    text = "SELECT * WHERE { ?s ?p ?o }"
    gate(text)
    gate(text)
    assert (text, False) in gate_module._PASSED
    bad = text.replace("?s ?p ?o", "SERVICE <http://example.org/> { ?s ?p ?o }")
    for _ in range(2):                                      # a refusal is never remembered as a pass
        with pytest.raises(QueryRefused):
            gate(bad)
    gate(bad, allow_service=True)                           # the verdict is per allow_service
    with pytest.raises(QueryRefused):
        gate(bad)


def test_the_form_is_kept_per_text():
    assert query_form("ASK { ?s ?p ?o }") == "ASK"
    assert query_form("# ASK\nSELECT * { ?s ?p ?o }") == "SELECT"
    assert query_form("ASK { ?s ?p ?o }") == "ASK"


def test_the_binding_plan_is_kept_per_text_and_names_and_the_terms_are_fresh():
    text = "SELECT ?t ?n WHERE { ?t ikz:name ?n } ORDER BY ?t"
    first = binding.substitute(text, {"t": URIRef("urn:a")})
    second = binding.substitute(text, {"t": URIRef("urn:b")})
    assert first == "SELECT (<urn:a> AS ?t) ?n WHERE { <urn:a> ikz:name ?n } ORDER BY (<urn:a>)"
    assert second == first.replace("urn:a", "urn:b")
    both = binding.substitute(text, {"t": URIRef("urn:a"), "n": Literal('x "quoted" }')})
    assert both == 'SELECT (<urn:a> AS ?t) ("x \\"quoted\\" }" AS ?n) WHERE { <urn:a> ikz:name "x \\"quoted\\" }" } ORDER BY (<urn:a>)'
    assigned = "SELECT ?x WHERE { BIND(1 AS ?x) }"
    for _ in range(2):                                      # a refusal is raised every time
        with pytest.raises(QueryRefused):
            binding.substitute(assigned, {"x": Literal(2)})


def test_the_syntax_check_is_kept_per_text_and_prefixes():
    prefixes = {"ex": "http://example.org/"}
    good = "SELECT * WHERE { ?s ex:p ?o } # kept"
    assert not syntax.checked(good, prefixes)
    syntax.check_syntax(good, prefixes)
    assert syntax.checked(good, prefixes) and not syntax.checked(good, {})
    with pytest.raises(QuerySyntaxError):                   # the same text without the prefix
        syntax.check_syntax(good, {})
    for _ in range(2):
        with pytest.raises(QuerySyntaxError) as error:
            syntax.check_syntax("SELECT * WHERE { ?s ex:p ?o ", prefixes, "q.rq")
        assert error.value.where.startswith("q.rq:1:")


def test_an_edited_question_answers_from_its_new_text(gq):
    text = "SELECT ?l WHERE { ?t ikz:ags ?a ; skos:prefLabel ?l FILTER(LANG(?l) = 'de') }"
    one = gq.run(text, {"a": Literal("05954004")}).values("l")
    other = gq.run(text.replace("?t ikz:ags ?a", "?t ikz:ags ?a, ?a"), {"a": Literal("05954008")}).values("l")
    assert (one, other) == (["Breckerfeld"], ["Ennepetal"])
    with pytest.raises(QuerySyntaxError):                   # checked again: the worker knows only the old text
        gq.run(text.replace("FILTER", "FILTR"), {"a": Literal("05954004")})


def test_a_memo_is_bounded_and_keeps_no_long_text():
    memo = TextMemo(entries=3, longest=10)
    for number in range(5):
        memo.put(f"text {number}", number)
    assert len(memo) == 3 and memo.get("text 0") is None and memo.get("text 4") == 4
    memo.put("x" * 11, "long")
    assert memo.get("x" * 11) is None
    memo.put(("text 9", frozenset({"t"})), 9)               # a tuple key: its text counts
    assert memo.get(("text 9", frozenset({"t"}))) == 9

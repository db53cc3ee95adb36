"""The query worker's answer path: answers cross the pipe in Oxigraph's serialisation (TSV
results, N-Triples) and become rdflib terms only when read. Not timed: the benchmark
(benchmarks/run.py) measures the cost; these tests pin what comes out."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph import find_project
from graph.rdf.terms import to_rdflib
from graph.sparql.engines import OxigraphEngine
from graph.sparql.query import GraphQuery
from graph.sparql.result import Encoded, Result, plain_rows

X = "http://example.org/"
TERMS = [
    ox.Literal("tab\there, newline\nthere, \"quoted\" and back\\slash"),
    ox.Literal("Gemeinde", language="de"),
    ox.Literal("42", datatype=ox.NamedNode(str(XSD.integer))),
    ox.Literal("0.556", datatype=ox.NamedNode(str(XSD.decimal))),
    ox.Literal("true", datatype=ox.NamedNode(str(XSD.boolean))),
    ox.Literal("2024-01-31", datatype=ox.NamedNode(str(XSD.date))),
    ox.Literal("not a number", datatype=ox.NamedNode(str(XSD.integer))),
    ox.Literal(""),
    ox.Literal("Ümlaut ☃ \U0001F600"),
    ox.NamedNode(X + "ä/ö"),
    ox.BlankNode("b7"),
]


@pytest.fixture(scope="module")
def store() -> ox.Store:
    store = ox.Store()
    for number, term in enumerate(TERMS):
        store.add(ox.Quad(ox.NamedNode(f"{X}s{number:02d}"), ox.NamedNode(X + "p"), term))
    return store


SELECT = f"SELECT ?s ?o ?unbound WHERE {{ ?s <{X}p> ?o }} ORDER BY ?s"


def test_rows_stay_serialised_until_read_and_then_equal_the_terms(store):
    answer = OxigraphEngine(store, {}).run(SELECT, "SELECT")
    assert not answer.decoded and len(answer) == len(TERMS)      # counted without decoding
    assert answer.vars == ["s", "o", "unbound"]
    expected = [{"s": to_rdflib(s["s"]), "o": to_rdflib(s["o"]), "unbound": None} for s in store.query(SELECT)]
    assert answer.rows == expected                                # decoded on first read
    assert answer.decoded and answer.rows is answer.rows          # and only once
    assert answer.rows[1]["o"] == Literal("Gemeinde", lang="de")
    assert answer.rows[10]["o"] == BNode("b7") and answer.rows[9]["o"] == URIRef(X + "ä/ö")


def test_plain_tuples_from_the_serialised_form_equal_the_decoded_ones(store):
    engine = OxigraphEngine(store, {})
    lazy = engine.run(SELECT, "SELECT")
    fast = lazy.tuples()                                          # straight from the TSV
    assert not lazy.decoded
    eager = Result("SELECT", lazy.vars, engine.run(SELECT, "SELECT").rows)
    assert fast == eager.tuples()
    assert fast[0][1] == "tab\there, newline\nthere, \"quoted\" and back\\slash" and fast[0][2] is None
    assert fast[7][1] == "" and fast[10][1] == "b7"               # an empty literal is not unbound
    assert engine.tuples(SELECT) == (lazy.vars, fast)


def test_the_row_cap_is_applied_in_the_serialiser(store):
    engine = OxigraphEngine(store, {})
    for cap, rows, cut in ((3, 3, True), (len(TERMS), len(TERMS), False), (len(TERMS) - 1, len(TERMS) - 1, True),
                           (0, 0, True), (None, len(TERMS), False)):
        answer = engine.run(SELECT, "SELECT", cap)
        assert (len(answer), answer.truncated, len(answer.rows)) == (rows, cut, rows), cap
    triples = engine.run(f"CONSTRUCT {{ ?s <{X}q> ?o }} WHERE {{ ?s ?p ?o }}", "CONSTRUCT", 4)
    assert len(triples) == 4 and triples.truncated
    assert all(p == URIRef(X + "q") for _, p, _ in triples.triples)


def test_an_answer_through_the_worker_is_the_same_as_in_process(store):
    gq = GraphQuery(find_project(), OxigraphEngine(store, {}))
    try:
        through_worker = gq.run(SELECT, timeout=30, max_rows=0)
        in_process = gq.run(SELECT, timeout=None, max_rows=0)
        assert not through_worker.decoded
        assert through_worker == in_process and through_worker.rows[0]["unbound"] is None
        assert gq.run(f"ASK {{ ?s <{X}p> \"\" }}", timeout=30).boolean is True
        capped = gq.run(SELECT, timeout=30, max_rows=2)
        assert capped.truncated and [r["s"] for r in capped.rows] == [URIRef(f"{X}s00"), URIRef(f"{X}s01")]
    finally:
        gq.close()


def test_plain_rows_reads_every_field_kind():
    data = ("?a\t?b\t?c\n<http://x/1>\t<http://x/2>\t<http://x/3>\n<http://x/1>\t\t12\n"
            '"a\\tb"@de\t_:n1\t"x"^^<http://www.w3.org/2001/XMLSchema#date>\n').encode()
    assert plain_rows(data) == (["a", "b", "c"], [("http://x/1", "http://x/2", "http://x/3"),
                                                  ("http://x/1", None, "12"), ("a\tb", "n1", "x")])
    assert Result("SELECT", ["a", "b", "c"], Encoded("tsv", data)).tuples() == plain_rows(data)[1]

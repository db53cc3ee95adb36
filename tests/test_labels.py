"""One label rule: every node carries the same label in ``ikz analyze`` (json), ``ikz view``
(the view model), ``ikz report`` (the report context) and ``ikz diff``, in German and English,
on the real built graph and on a fixture whose nodes are labelled by rdfs:label, foaf:name,
schema:name, dct:title or nothing at all."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from graph.core.namespaces import base_iri, data_prefixes
from graph.core.project import find_project
from graph.facts.labels import LABEL_PROPERTIES, local_name, pick_label
from graph.facts.source import load_store
from graph.outputs import analysis as A
from graph.outputs.diff import diff_triples
from graph.outputs.report import report_context
from graph.outputs.views import view_model

FIXTURE = Path(__file__).parent / "fixtures" / "views" / "labels.ttl"
TEST = "https://example.org/ikz-test/"
LANGS = ("de", "en")


def expected_labels(graph: Graph, lang: str) -> dict[str, str]:
    """The rule, applied independently of the facts layer's SPARQL: rdflib over the same triples."""
    found: dict[str, list] = {}
    for prop in LABEL_PROPERTIES:
        for s, o in graph.subject_objects(URIRef(prop)):
            if isinstance(s, URIRef) and isinstance(o, Literal):
                found.setdefault(str(s), []).append((prop, str(o), o.language or ""))
    return {s: pick_label(c, lang) for s, c in found.items()}


@pytest.fixture(scope="module")
def fixture_graph() -> Graph:
    graph = Graph()
    graph.parse(FIXTURE, format="turtle")
    return graph


@pytest.fixture(scope="module")
def fixture_store():
    return load_store(FIXTURE, find_project())


def outputs(store: ox.Store, lang: str, triples=None, base: str = TEST) -> dict[str, dict[str, str]]:
    """IRI -> label as each output shows it."""
    data = A.fetch(store, lang=lang)
    tables = json.loads(A.render_tables(A.analyze(data), "json"))
    analyze = {row["iri"]: row["town"] for row in tables["towns"]["rows"]}
    analyze.update({row["a"]: row["town_a"] for row in tables["pairs"]["rows"]})
    model = view_model(store, "facilities", lang=lang)
    view = {n.id: n.label for n in model.nodes if n.id.startswith(("http://", "https://"))}
    if triples is None:
        triples = list(store.quads_for_pattern(None, None, None, None))
    diff = diff_triples([], triples, lang, base=base)
    expand = data_prefixes(base)
    diffed = {}
    for section in diff.sections.values():
        for item in section.get("added", []):
            prefix, _, local = item["iri"].partition(":")
            diffed[expand.get(prefix, prefix + ":") + local if prefix in expand else item["iri"]] = item["label"]
    return {"analyze": analyze, "view": view, "diff": diffed, "data": data}


@pytest.mark.parametrize("lang", LANGS)
def test_fixture_labels_of_every_kind_are_the_same_everywhere(fixture_graph, fixture_store, lang):
    expected = expected_labels(fixture_graph, lang)
    shown = outputs(fixture_store, lang)
    bedorf, uebach, grossdorf = (f"{TEST}municipality/0999900{i}" for i in (2, 4, 3))
    # the rule itself: rdfs:label only, foaf:name over a French rdfs:label, no label at all
    assert shown["analyze"][bedorf] == "Bedorf (rdfs)"
    assert shown["analyze"][uebach] == "Übach (foaf)"
    assert shown["analyze"][grossdorf] == "09999003" == local_name(grossdorf)
    assert shown["view"][f"{TEST}facility/ost"] == "Beratungsstelle Ost (schema)"
    ebs = f"{TEST}cooperation/ebs"
    assert shown["data"].label(ebs) == ("Kooperation Süd (Titel)" if lang == "de" else "Cooperation South (rdfs)")
    checked = 0
    for output in ("analyze", "view", "diff"):
        for iri, label in shown[output].items():
            assert label == expected.get(iri, local_name(iri)), (output, iri)
            checked += 1
    assert checked >= 10
    # analyze and view agree on every town they both show
    common = shown["analyze"].keys() & shown["view"].keys()
    assert {bedorf, uebach} <= common
    assert all(shown["analyze"][i] == shown["view"][i] for i in common)
    # the diff names the cooperations and facilities by the same rule
    assert shown["diff"][ebs] == shown["data"].label(ebs)
    # the report names the towns and cooperations by the same rule
    context = report_context(shown["data"], view=False)
    towns = {row["town"] for row in context["holders"]} | {row["town"] for row in context["coverage"]["rows"]}
    assert towns == {shown["data"].label(t) for t in shown["data"].towns}
    assert "Bedorf (rdfs)" in towns and "09999003" in towns
    named = {c for group in context["groups"] for c in group["cooperations"]}
    assert shown["data"].label(ebs) in named


@pytest.mark.parametrize("lang", LANGS)
def test_real_graph_labels_are_the_same_in_analyze_view_report_and_diff(built, lang):
    store = load_store(built.output / "ikz.nt")
    triples = list(store.quads_for_pattern(None, None, None, None))
    shown = outputs(store, lang, triples, base_iri())
    graph = Graph()
    graph.parse(built.output / "ikz.nt", format="nt")
    expected = expected_labels(graph, lang)
    for output in ("analyze", "view", "diff"):
        assert shown[output], output
        for iri, label in shown[output].items():
            assert label == expected.get(iri, local_name(iri)), (output, iri)
    context = report_context(shown["data"], view=False)
    assert {row["town"] for row in context["coverage"]["rows"]} == {t.label for t in shown["data"].towns.values()}

"""Derived facts (graph/builder/derive/*.rq): what each rule adds, that the ontology declares
every derived property with its rule, that the build stores them, and that the questions that
use them answer as the property paths they replace."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from graph import find_project
from graph.builder.derive import RULES, as_insert, derive, rule_files

ROOT = Path(__file__).resolve().parent.parent
IKZ = "https://w3id.org/ikz/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
ORG = "http://www.w3.org/ns/org#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"

SMALL = f"""
<urn:area/top> <{SKOS}inScheme> <urn:scheme> .
<urn:area/mid> <{SKOS}broader> <urn:area/top> .
<urn:area/leaf> <{SKOS}broader> <urn:area/mid> .
<urn:Sub> <{RDFS}subClassOf> <{IKZ}Cooperation> .
<{IKZ}Cooperation> <{RDFS}subClassOf> <{ORG}OrganizationalCollaboration> .
<urn:coop/1> <{IKZ}serviceArea> <urn:area/leaf> .
<urn:coop/2> <{IKZ}serviceArea> <urn:area/top> .
<urn:membership/1> <{ORG}member> <urn:town/a> .
<urn:membership/1> <{ORG}organization> <urn:coop/1> .
<urn:membership/2> <{ORG}member> <urn:town/b> .
<urn:membership/2> <{ORG}organization> <urn:coop/1> .
<urn:membership/3> <{ORG}member> <urn:town/a> .
"""


def objects(store: ox.Store, subject: str, prop: str) -> set[str]:
    return {q.object.value for q in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(IKZ + prop), None)}


@pytest.fixture
def small() -> ox.Store:
    store = ox.Store()
    store.load(SMALL.encode(), format=ox.RdfFormat.N_TRIPLES)
    derive(store)
    return store


def test_broader_or_self_is_the_reflexive_transitive_closure(small):
    assert objects(small, "urn:area/leaf", "broaderOrSelf") == {"urn:area/leaf", "urn:area/mid", "urn:area/top"}
    assert objects(small, "urn:area/top", "broaderOrSelf") == {"urn:area/top"}  # in a scheme: itself


def test_sub_class_of_or_self(small):
    assert objects(small, "urn:Sub", "subClassOfOrSelf") == {
        "urn:Sub", IKZ + "Cooperation", ORG + "OrganizationalCollaboration"}


def test_serves_area_follows_the_broader_areas(small):
    assert objects(small, "urn:coop/1", "servesArea") == {"urn:area/leaf", "urn:area/mid", "urn:area/top"}
    assert objects(small, "urn:coop/2", "servesArea") == {"urn:area/top"}


def test_partner_in_needs_member_and_organization_of_one_membership(small):
    assert objects(small, "urn:town/a", "partnerIn") == {"urn:coop/1"}  # membership/3 names no organization
    assert objects(small, "urn:town/b", "partnerIn") == {"urn:coop/1"}


def test_deriving_twice_adds_nothing(small):
    before = len(small)
    derive(small)
    assert len(small) == before


def test_bulk_derivation_adds_the_same_triples(small, tmp_path):
    """``derive(store, bulk=True)`` (the on-disk store's way) adds what the INSERTs add."""
    store = ox.Store(str(tmp_path / "store"))
    store.load(SMALL.encode(), format=ox.RdfFormat.N_TRIPLES)
    stated = len(store)
    assert derive(store, bulk=True) == [p.stem for p in rule_files()]
    assert len(store) > stated
    assert {str(q) for q in store} == {str(q) for q in small}


def test_a_rule_that_is_not_a_construct_is_refused():
    with pytest.raises(ValueError):
        as_insert("SELECT * WHERE { ?s ?p ?o }")


def test_every_rule_makes_a_declared_derived_property():
    """Each rule file is named by exactly one ikz:DerivedProperty (ikz:derivedBy), and each
    declared derived property's rule exists: a reader can tell derived from stated facts."""
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "ikz.ttl")
    declared = {str(o): str(s) for s, o in ontology.subject_objects(rdflib.URIRef(IKZ + "derivedBy"))}
    derived_type = rdflib.URIRef(IKZ + "DerivedProperty")
    assert set(declared) == {f"graph/builder/derive/{p.name}" for p in rule_files()}
    for path in rule_files():
        prop = declared[f"graph/builder/derive/{path.name}"]
        assert (rdflib.URIRef(prop), rdflib.RDF.type, derived_type) in ontology
        template = path.read_text(encoding="utf-8").split("WHERE", 1)[0]
        assert "ikz:" + prop[len(IKZ):] in template, (path.name, prop)
    assert RULES == ROOT / "graph" / "builder" / "derive"


def test_the_build_stores_the_derived_facts(built):
    store = ox.Store()
    store.bulk_load(path=str(built.output / "ikz.nt"), format=ox.RdfFormat.N_TRIPLES)
    base = "https://w3id.org/ikz/"
    # Erziehungsberatung lies under Beratung under Jugendhilfe (ontology/concepts.ttl)
    assert objects(store, base + "concept/service-area/Erziehungsberatung", "broaderOrSelf") == {
        base + "concept/service-area/" + a for a in ("Erziehungsberatung", "Beratung", "Jugendhilfe")}
    # every membership's member is partner in its organization, and nothing else is
    memberships = {(r["m"].value, r["c"].value) for r in store.query(
        f"SELECT ?m ?c WHERE {{ ?x <{ORG}member> ?m ; <{ORG}organization> ?c }}")}
    partner_in = {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(IKZ + "partnerIn"), None)}
    assert partner_in == memberships and memberships


@pytest.mark.parametrize("path_query, derived_query", [
    ("SELECT ?c ?a WHERE { ?c ikz:serviceArea/skos:broader* ?a }",
     "SELECT ?c ?a WHERE { ?c ikz:servesArea ?a }"),
    ("SELECT ?x WHERE { ?x a ?t . ?t rdfs:subClassOf* ikz:Cooperation }",
     "SELECT ?x WHERE { ?x a ?t . ?t ikz:subClassOfOrSelf ikz:Cooperation }"),
    ("SELECT ?k ?b WHERE { ?f ikz:facilityKind ?k . ?k skos:broader* ?b }",
     "SELECT ?k ?b WHERE { ?f ikz:facilityKind ?k . ?k ikz:broaderOrSelf ?b }"),
])
def test_derived_facts_answer_as_the_paths_they_replace(built, path_query, derived_query):
    from graph.sparql.query import project_prefixes

    store = ox.Store()
    store.bulk_load(path=str(built.output / "ikz.nt"), format=ox.RdfFormat.N_TRIPLES)
    prefixes = project_prefixes(find_project(ROOT))

    def answer(text):
        result = store.query(text, prefixes=prefixes)
        names = [v.value for v in result.variables]
        return {tuple(row[n].value for n in names) for row in result}

    expected = answer(path_query)
    assert expected and answer(derived_query) == expected


def test_the_shapes_accept_the_derived_facts(built):
    """The build validated the graph with the derived triples in it (it would have failed)."""
    assert built.report.conforms

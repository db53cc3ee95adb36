"""The vocabulary itself: header, bilingual labels and definitions, schemes, no stray IRIs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from graph.sparql.query import GraphQuery, OxigraphEngine, project_prefixes


@pytest.fixture(scope="module")
def ontology(project):
    store = ox.Store()
    for path in project.ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    return GraphQuery(project, OxigraphEngine(store, project_prefixes(project)))


def test_ontology_header(ontology):
    assert ontology.run("""ASK { <https://w3id.org/ikz/ontology> a owl:Ontology ; owl:versionInfo ?v ;
                             dct:license ?l ; dct:title ?de , ?en FILTER(LANG(?de) = "de" && LANG(?en) = "en") }""").boolean


@pytest.mark.parametrize("lang", ["de", "en"])
def test_every_term_has_label_and_definition(ontology, lang):
    missing = ontology.run("""
        SELECT ?term WHERE {
          ?term a ?kind .
          FILTER(STRSTARTS(STR(?term), "https://w3id.org/ikz/"))
          FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, skos:ConceptScheme) || EXISTS { ?term skos:inScheme ?s })
          FILTER NOT EXISTS { ?term rdfs:label|skos:prefLabel ?label FILTER(LANG(?label) = ?lang) }
        }""", {"lang": Literal(lang)})
    assert missing.rows == []
    undefined = ontology.run("""
        SELECT ?term WHERE {
          ?term a ?kind .
          FILTER(STRSTARTS(STR(?term), "https://w3id.org/ikz/"))
          FILTER(?kind IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty, skos:ConceptScheme) || EXISTS { ?term skos:inScheme ?s })
          FILTER NOT EXISTS { ?term skos:definition ?definition FILTER(LANG(?definition) = ?lang) }
        }""", {"lang": Literal(lang)})
    assert undefined.rows == []


def test_schemes_required_by_the_foundation(ontology):
    schemes = ontology.run("""SELECT ?scheme (COUNT(?c) AS ?n) WHERE { ?c skos:inScheme ?scheme } GROUP BY ?scheme""")
    counts = {str(r["scheme"]).rsplit("#", 1)[1]: int(r["n"]) for r in schemes.rows}
    assert set(counts) == {"FacilityKindScheme", "ServiceAreaScheme", "CooperationStatusScheme",
                           "LegalFormScheme", "BarrierKindScheme", "RoleScheme"}
    assert ontology.run("ASK { lf:Unbekannt skos:inScheme ikz:LegalFormScheme }").boolean
    for paragraph in ("__42", "__28", "__35a"):
        law = URIRef("https://www.gesetze-im-internet.de/sgb_8/" + paragraph + ".html")
        assert ontology.run("ASK { ?area a ikz:ServiceArea ; ikz:legalBasis ?law }", {"law": law}).boolean


def test_no_http_schema_org_and_no_example_org(project):
    for path in project.ontology_files() + project.data_files():
        text = path.read_text(encoding="utf-8")
        assert "http://schema.org" not in text, path
        assert "example.org" not in text, path

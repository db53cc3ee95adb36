"""The build's dataset description (VoID, graph/builder/void.py) and the data check that reads
it (queries/http-schema-org-violation.rq): the partitions list exactly the predicates and the
classes of the graph, whether the scan saw every input or the store had to be asked, and the
check finds an http://schema.org/ term on the small-file path and on the bulk-loaded path."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

import graph.builder.build as build_module
from graph import build
from graph.builder.build import DataCheckError, load_project
from graph.builder.void import MADE_BY, VOID, dataset_iri
from graph.sparql.query import GraphQuery, OxigraphEngine, project_prefixes

NAME, PLACE = "http://schema.org/name", "http://schema.org/Place"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CHECK = "http-schema-org-violation"


def _store(path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return store


def _used(store: ox.Store) -> tuple[set, set]:
    """What the graph really uses: the store's own answer over all triples."""
    predicates = {r["p"].value for r in store.query("SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    classes = {r["c"].value for r in store.query("SELECT DISTINCT ?c WHERE { ?s a ?c FILTER(isIRI(?c)) }")}
    return predicates, classes


def _described(store: ox.Store, base: str) -> tuple[set, set]:
    """The partitions of the dataset description, read along void:*Partition from the dataset."""
    dataset = ox.NamedNode(dataset_iri(base))
    out = []
    for link, term in (("propertyPartition", "property"), ("classPartition", "class")):
        terms = set()
        for quad in store.quads_for_pattern(dataset, ox.NamedNode(VOID + link), None):
            assert type(quad.object) is ox.NamedNode  # partitions are IRIs, never blank nodes
            assert quad.object.value.startswith(dataset.value + "/")
            terms |= {q.object.value for q in store.quads_for_pattern(quad.object, ox.NamedNode(VOID + term), None)}
        out.append(terms)
    return out[0], out[1]


def _ask(project, loaded) -> list[str]:
    gq = GraphQuery(project, OxigraphEngine(loaded.store, project_prefixes(project, loaded.base)), loaded.base)
    return [str(row["term"]) for row in gq.ask(CHECK, timeout=None).rows]


def test_description_lists_exactly_the_graphs_predicates_and_classes(built):
    store, base = _store(built.output / "ikz.nt"), built.graph.base
    predicates, classes = _used(store)
    assert len(predicates) > 50 and len(classes) > 20
    assert _described(store, base) == (predicates, classes)
    # its own terms are in it, derived facts' properties and quote positions too
    assert {VOID + "propertyPartition", VOID + "class", RDF_TYPE} <= predicates
    assert VOID + "Dataset" in classes
    assert "https://w3id.org/ikz/ontology#partnerIn" in predicates
    assert "http://www.w3.org/ns/oa#TextPositionSelector" in classes
    made_by = [str(q.object.value) for q in store.quads_for_pattern(
        ox.NamedNode(dataset_iri(base)), ox.NamedNode("https://w3id.org/ikz/ontology#derivedBy"), None)]
    assert made_by == [MADE_BY]
    assert built.summary["classes"]["void:Dataset"] == 1


def test_unscanned_input_asks_the_store_for_the_same_description(project, built, tmp_path, monkeypatch):
    """A bulk-loaded Turtle file is not scanned: the description comes from the store's query,
    with the same triples as when the scan saw everything."""
    sources = sorted(project.data_files(()), key=lambda p: p.stat().st_size)
    assert sources[-1].suffix == ".ttl"
    monkeypatch.setattr(build_module, "SMALL_FILE", sources[-2].stat().st_size)
    loaded = load_project(project)
    assert sources[-1] in loaded.big_files
    description = {str(q.triple) for q in ox.parse(path=str(built.output / "ikz.nt"), format=ox.RdfFormat.N_TRIPLES)
                   if q.subject.value.startswith(dataset_iri(built.graph.base))}
    assert len(description) > 250
    assert {str(q.triple) for q in loaded.store if q.subject.value.startswith(dataset_iri(loaded.base))} == description


def _schema_org_turtle(project_copy) -> None:
    path = project_copy.root / "data/en-kreis/cooperations.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\nf:kizz-pro-familia <http://schema.org/name> \"KIZZ\" .\n"
                    "f:jugendschutzstelle-nordkreis a <http://schema.org/Place> .\n", encoding="utf-8")


def _schema_org_ntriples(project_copy, tmp_path, monkeypatch, base) -> list:
    """A large N-Triples input (bulk-loaded and scanned) with both terms."""
    folder = tmp_path / "extra"
    folder.mkdir()
    lines = [f'<{base}facility/kizz-pro-familia> <{NAME}> "KIZZ" .',
             f"<{base}facility/jugendschutzstelle-nordkreis>\t<{RDF_TYPE}>   <{PLACE}> ."]
    biggest = max(p.stat().st_size for p in project_copy.data_files(()))
    (folder / "extra.nt").write_text("\n".join(lines * (biggest // 100 + 1)) + "\n", encoding="utf-8")
    monkeypatch.setattr(build_module, "SMALL_FILE", biggest)  # only extra.nt is bulk-loaded
    return [str(folder)]


@pytest.mark.parametrize("path", ["turtle", "ntriples"])
def test_http_schema_org_terms_are_found_and_refused(project_copy, tmp_path, monkeypatch, path):
    base = load_project(project_copy).base  # the clean copy: nothing found
    assert _ask(project_copy, load_project(project_copy)) == []
    extra = []
    if path == "turtle":
        _schema_org_turtle(project_copy)
    else:
        extra = _schema_org_ntriples(project_copy, tmp_path, monkeypatch, base)
    loaded = load_project(project_copy, extra_data=extra)  # the store before the build refuses it
    if path == "ntriples":
        assert [p.name for p in loaded.big_files] == ["extra.nt"]
    assert _ask(project_copy, loaded) == [PLACE, NAME]
    assert _described(loaded.store, loaded.base) == _used(loaded.store)
    with pytest.raises(DataCheckError) as raised:
        build(project_copy, tmp_path / "graph", extra_data=extra)
    text = str(raised.value)
    assert f"{CHECK}.rq" in text and NAME in text and PLACE in text
    assert not (tmp_path / "graph").exists()


def test_describe_without_scan_asks_the_store(project, built):
    """A graph loaded from elsewhere (no scan): describe() asks the store, same partitions."""
    from graph.builder.void import describe

    store = ox.Store()
    base = built.graph.base
    for quad in _store(built.output / "ikz.nt"):
        if not quad.subject.value.startswith(dataset_iri(base)):
            store.add(quad)
    store.add(ox.Quad(ox.NamedNode(base + "facility/kizz-pro-familia"), ox.NamedNode(NAME), ox.Literal("KIZZ")))
    assert _described(store, base) == (set(), set())
    describe(store, base)
    predicates, classes = _used(store)
    assert NAME in predicates and _described(store, base) == (predicates, classes)


def test_terms_only_spelled_in_a_literal_are_not_described(project_copy, tmp_path, monkeypatch):
    """The scan's patterns also match inside a literal's text: the description keeps only
    the terms the graph has, so the check finds nothing there."""
    base = load_project(project_copy).base
    folder = tmp_path / "extra"
    folder.mkdir()
    line = (f'<{base}facility/kizz-pro-familia> <http://www.w3.org/2000/01/rdf-schema#comment> '
            f'"x <{RDF_TYPE}> <{PLACE}> and <{RDF_TYPE}> <not an iri> ." .')
    biggest = max(p.stat().st_size for p in project_copy.data_files(()))
    (folder / "extra.nt").write_text((line + "\n") * (biggest // len(line) + 1), encoding="utf-8")
    monkeypatch.setattr(build_module, "SMALL_FILE", biggest)
    loaded = load_project(project_copy, extra_data=[str(folder)])
    assert [p.name for p in loaded.big_files] == ["extra.nt"]
    assert _ask(project_copy, loaded) == []
    assert _described(loaded.store, loaded.base) == _used(loaded.store)

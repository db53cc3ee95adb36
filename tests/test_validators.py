"""The SPARQL validator (default, scales) and pyshacl (the reference) agree."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.rdf.parse import parse_turtle
from graph.core.namespaces import DEFAULT_BASE_IRI
from graph.rdf.terms import to_rdflib_graph
from graph.builder.shacl_sparql import compile_shapes, validate_store
from graph.builder.shacl import load_shapes, validate_graph
from graph.builder.build import load_project, validate_project

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "ontology" / "examples").glob("S*.ttl"))


@pytest.fixture(scope="module")
def shapes(project):
    return load_shapes(project.shapes_file)


@pytest.fixture(scope="module")
def ontology(project):
    return [t for path in project.ontology_files() for t in parse_turtle(path, DEFAULT_BASE_IRI)[0]]


def _both(triples, shapes):
    pyshacl = {(r.shape, r.focus) for r in validate_graph(to_rdflib_graph(triples), shapes).results}
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    sparql = {(r.shape, r.focus) for r in validate_store(store, shapes).results}
    return pyshacl, sparql


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_validators_agree_on_every_shape_example(example, shapes, ontology):
    base = parse_turtle(example.parent / "_base.ttl", DEFAULT_BASE_IRI)[0]
    pyshacl, sparql = _both(ontology + base + parse_turtle(example, DEFAULT_BASE_IRI)[0], shapes)
    assert pyshacl == sparql
    assert bool(sparql) == example.stem.endswith("-invalid")


def test_validators_agree_on_the_real_data(project):
    loaded = load_project(project)
    assert validate_project(loaded, "pyshacl").results == [] == validate_project(loaded, "sparql").results


def test_every_shape_compiles(shapes):
    checks = compile_shapes(shapes)
    compiled = {c.shape for c in checks}
    messages = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(predicate=None) if "#S" in str(s)}
    assert {m for m in messages if not m.startswith("S31-operator-") and m != "S06-membership"} <= compiled | {"S06-membership"}

"""The SHACL shapes and their examples: every shape id has a valid and an invalid example in
ontology/examples/ (each merged with the ontology and examples/_base.ttl), the valid one
conforms, the invalid one breaks exactly that shape, and every shape speaks German and English.

The shape ids are read from ontology/shapes.ttl, so a new shape without examples fails here.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, Literal, URIRef
from rdflib.collection import Collection

from graph.rdf.parse import parse_turtle
from graph.core.namespaces import DEFAULT_BASE_IRI, OWN_VOCABULARIES
from graph.core.project import find_project
from graph.rdf.terms import to_rdflib_graph
from graph.builder.shacl import SH, SHAPES_NS, load_shapes, validate_graph

ROOT = Path(__file__).resolve().parent.parent
PROJECT = find_project(ROOT)
EXAMPLES = PROJECT.ontology_dir / "examples"
BASE_EXAMPLE = EXAMPLES / "_base.ttl"

_ID = re.compile(r"^S\d{2}-")
#: Shape parameters that are not constraints: a shape with only these (e.g. a node shape that
#: just targets a class and groups property shapes) reports no result of its own.
_NOT_CONSTRAINTS = {
    RDF.type, SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target,
    SH.property, SH.path, SH.message, SH.severity, SH.name, SH.description, SH.deactivated,
    SH.order, SH.group, SH.declare, SH.prefixes,
}
#: Parameters whose values are shapes used by another shape (e.g. the operands of sh:or):
#: such helper shapes report through the shape that uses them.
_SHAPE_OPERANDS = (SH["not"], SH.node, SH.qualifiedValueShape)
_SHAPE_LISTS = (SH["or"], SH["and"], SH.xone)


def _helper_shapes(shapes) -> set:
    helpers = set()
    for parameter in _SHAPE_OPERANDS:
        helpers |= set(shapes.objects(None, parameter))
    for parameter in _SHAPE_LISTS:
        for head in shapes.objects(None, parameter):
            helpers |= set(Collection(shapes, head))
    return helpers


def shape_ids(shapes) -> list[str]:
    """Ids (local names ``Snn-...``) of the shapes a result can be reported against: named
    shapes of the shapes namespace with a constraint of their own, helpers excluded."""
    helpers = _helper_shapes(shapes)
    ids = set()
    for shape in set(shapes.subjects()):
        if not isinstance(shape, URIRef) or not str(shape).startswith(SHAPES_NS) or shape in helpers:
            continue
        local = str(shape)[len(SHAPES_NS):]
        if _ID.match(local) and any(
            str(p).startswith(str(SH)) and p not in _NOT_CONSTRAINTS for p in shapes.predicates(shape)
        ):
            ids.add(local)
    return sorted(ids)


SHAPES = load_shapes(PROJECT.shapes_file)
SHAPE_IDS = shape_ids(SHAPES)


def example(shape_id: str, kind: str) -> Path:
    return EXAMPLES / f"{shape_id}-{kind}.ttl"


@lru_cache(maxsize=None)
def _parse(path: Path) -> tuple:
    triples, _ = parse_turtle(path, DEFAULT_BASE_IRI, PROJECT.relative(path))
    return tuple(triples)


@lru_cache(maxsize=None)
def _ontology() -> tuple:
    return tuple(t for path in PROJECT.ontology_files() for t in _parse(path))


def validate(*paths: Path):
    """Validate the ontology merged with ``paths`` against ontology/shapes.ttl."""
    triples = list(_ontology())
    for path in paths:
        triples += _parse(path)
    return validate_graph(to_rdflib_graph(triples), SHAPES)


def test_shape_ids_are_found():
    assert len(SHAPE_IDS) >= 20, SHAPE_IDS
    assert "S01-cooperation-partners" in SHAPE_IDS
    # helper shapes of S31 and the grouping node shape of S06 report nothing of their own
    assert not {"S31-operator-given", "S31-operator-unknown", "S06-membership"} & set(SHAPE_IDS)
    # whatever carries a message is a shape results are reported against
    with_message = {str(s)[len(SHAPES_NS):] for s in SHAPES.subjects(SH.message, None) if isinstance(s, URIRef)}
    assert with_message <= set(SHAPE_IDS)


def test_base_example_conforms():
    report = validate(BASE_EXAMPLE)
    assert report.results == [], report.format("en")


@pytest.mark.parametrize("shape_id", SHAPE_IDS)
def test_examples_exist(shape_id):
    for kind in ("valid", "invalid"):
        assert example(shape_id, kind).is_file(), f"missing {PROJECT.relative(example(shape_id, kind))}"


@pytest.mark.parametrize("shape_id", SHAPE_IDS)
def test_valid_example_conforms(shape_id):
    path = example(shape_id, "valid")
    if not path.is_file():
        pytest.fail(f"missing {PROJECT.relative(path)}")
    report = validate(BASE_EXAMPLE, path)
    assert report.results == [], report.format("en")


@pytest.mark.parametrize("shape_id", SHAPE_IDS)
def test_invalid_example_breaks_only_its_shape(shape_id):
    path = example(shape_id, "invalid")
    if not path.is_file():
        pytest.fail(f"missing {PROJECT.relative(path)}")
    report = validate(BASE_EXAMPLE, path)
    assert report.results, f"{PROJECT.relative(path)} conforms, but should break {shape_id}"
    assert not report.conforms
    assert report.shape_ids == {shape_id}, report.format("en")


@pytest.mark.parametrize("shape_id", SHAPE_IDS)
def test_shape_has_german_and_english_message(shape_id):
    shape = URIRef(SHAPES_NS + shape_id)
    holders = [shape, *SHAPES.objects(shape, SH.sparql)]  # a SPARQL constraint carries its own message
    messages = [m for holder in holders for m in SHAPES.objects(holder, SH.message)]
    languages = {m.language for m in messages if isinstance(m, Literal) and str(m).strip()}
    assert {"de", "en"} <= languages, f"{shape_id}: sh:message in {sorted(map(str, languages))}"


def test_no_stray_example_files():
    """Every example file belongs to a current shape id (a renamed shape leaves none behind)."""
    expected = {example(i, k).name for i in SHAPE_IDS for k in ("valid", "invalid")} | {BASE_EXAMPLE.name}
    stray = sorted(p.name for p in EXAMPLES.glob("*.ttl") if p.name not in expected)
    assert stray == []


def test_examples_use_declared_vocabulary():
    """A typo in an ikz: or concept term would make an example test nothing; the build refuses
    such terms in data, and so does this test in the examples."""
    declared = {t.subject.value for t in _ontology() if isinstance(t.subject, ox.NamedNode)}
    unknown = set()
    for path in sorted(EXAMPLES.glob("*.ttl")):
        for t in _parse(path):
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, ox.NamedNode) and term.value.startswith(OWN_VOCABULARIES):
                    if term.value not in declared:
                        unknown.add((path.name, term.value))
    assert sorted(unknown) == []

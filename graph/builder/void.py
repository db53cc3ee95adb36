"""The build's dataset description: which predicates and classes the graph uses, as VoID.

Questions that ask which terms the graph uses at all (``queries/http-schema-org-violation.rq``)
would otherwise make the store decode every triple. The build already sees every triple
(:class:`~graph.builder.scan.Scan`: the bytes of large N-Triples files and every triple parsed
in Python), so it writes what it saw as a standard VoID description (https://www.w3.org/TR/void/)
of a few hundred triples::

    <BASE>dataset a void:Dataset ; ikz:derivedBy "graph/builder/void.py" ;
        void:propertyPartition <BASE>dataset/property/HASH ; void:classPartition <BASE>dataset/class/HASH .
    <BASE>dataset/property/HASH void:property P .
    <BASE>dataset/class/HASH void:class C .

Like a derived property, the description is marked by ``ikz:derivedBy`` with the file that
makes it. When a file could not be scanned (bulk-loaded Turtle), the store is asked instead
(``checks/predicates.rq``, ``checks/classes.rq``): the same sets. The description's own terms
are in its partitions too, so it describes the graph it is part of.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from graph.builder.scan import Scan

__all__ = ["VOID", "MADE_BY", "dataset_iri", "describe", "description"]

VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
IKZ = "https://w3id.org/ikz/ontology#"
#: The value of the description's ``ikz:derivedBy`` (as a derived property names its rule).
MADE_BY = "graph/builder/void.py"
CHECKS = Path(__file__).parent / "checks"
#: The predicates and the classes the description itself uses.
OWN_PREDICATES = frozenset({RDF_TYPE, IKZ + "derivedBy", VOID + "propertyPartition", VOID + "property",
                            VOID + "classPartition", VOID + "class"})
OWN_CLASSES = frozenset({VOID + "Dataset"})


def dataset_iri(base: str) -> str:
    """The IRI of the graph's dataset description (under the project's base)."""
    return f"{base}dataset"


def _partition(dataset: str, kind: str, term: str) -> str:
    return f"{dataset}/{kind}/{hashlib.sha256(term.encode()).hexdigest()[:16]}"


def description(base: str, predicates, classes) -> list[ox.Triple]:
    """The VoID triples describing a graph with these predicates and classes (plus the
    description's own terms), in a fixed order.

    >>> triples = description("https://example.org/", {"urn:p"}, set())
    >>> sorted(str(t.object) for t in triples if t.predicate.value.endswith("#property"))[-1]
    '<urn:p>'
    >>> any(t.object.value == "http://rdfs.org/ns/void#Dataset" for t in triples)
    True
    """
    dataset = ox.NamedNode(dataset_iri(base))
    triples = [ox.Triple(dataset, ox.NamedNode(RDF_TYPE), ox.NamedNode(VOID + "Dataset")),
               ox.Triple(dataset, ox.NamedNode(IKZ + "derivedBy"), ox.Literal(MADE_BY))]
    for kind, link, term_property, terms in (("property", "propertyPartition", "property", set(predicates) | OWN_PREDICATES),
                                             ("class", "classPartition", "class", set(classes) | OWN_CLASSES)):
        for term in sorted(terms):
            partition = ox.NamedNode(_partition(dataset.value, kind, term))
            triples.append(ox.Triple(dataset, ox.NamedNode(VOID + link), partition))
            triples.append(ox.Triple(partition, ox.NamedNode(VOID + term_property), ox.NamedNode(term)))
    return triples


def describe(store: ox.Store, base: str, scan: Scan | None = None) -> list[ox.Triple]:
    """Add the description of ``store``'s graph to it and return its triples.

    Call after everything else is in the store: the scan knows the input's terms, the derived
    facts' properties (``ikz:DerivedProperty``) are looked up in the store. Without ``scan``
    (a graph loaded from somewhere else), or when it is incomplete, the store is asked."""
    found = scan.partitions() if scan is not None else None
    if found is None:
        predicates = {row["p"].value for row in store.query((CHECKS / "predicates.rq").read_text(encoding="utf-8"))}
        classes = {row["class"].value for row in store.query((CHECKS / "classes.rq").read_text(encoding="utf-8"))}
    else:  # the scan's candidates (and the derived facts' properties) that the store has: one lookup each
        type_ = ox.NamedNode(RDF_TYPE)
        candidates, classes = found
        candidates |= {q.subject.value for q in store.quads_for_pattern(None, type_, ox.NamedNode(IKZ + "DerivedProperty"))
                       if type(q.subject) is ox.NamedNode}
        predicates = {p for p in candidates if _has(store, _node(p))}
        classes = {c for c in classes if _node(c) is not None and _has(store, type_, _node(c))}
    triples = description(base, predicates, classes)
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return triples


def _node(iri: str) -> ox.NamedNode | None:
    try:
        return ox.NamedNode(iri)
    except ValueError:  # a scan candidate from a literal's text, no IRI: the graph has no such term
        return None


def _has(store: ox.Store, predicate: ox.NamedNode | None, obj: ox.NamedNode | None = None) -> bool:
    """Whether the store has a triple ``?s predicate obj`` (``obj`` None: any object)."""
    return predicate is not None and next(store.quads_for_pattern(None, predicate, obj), None) is not None

"""Conversions between pyoxigraph and rdflib terms (the build reads with pyoxigraph; pyshacl
and notebooks work with rdflib)."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from graph.core.namespaces import XSD

_XSD_STRING = str(XSD.string)


def to_rdflib(term):
    """Convert one pyoxigraph term to rdflib, keeping the lexical form of literals."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def to_rdflib_graph(triples, graph: Graph | None = None) -> Graph:
    """Add pyoxigraph triples to an rdflib graph (a new in-memory one by default)."""
    graph = Graph() if graph is None else graph
    add = graph.add
    for t in triples:
        add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph

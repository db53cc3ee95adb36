"""The one label rule: how every output names a node.

Every output (``ikz analyze``, ``ikz view``, ``ikz report``, ``ikz diff``) names a term by
:func:`pick_label` over the same candidates (``queries/facts/labels.rq``, or the triples in
hand for the diff):

1. the language: the one asked for, then German (``@de``), then untagged, then any other;
2. within a language, the property: ``skos:prefLabel``, then ``dct:title``, then
   ``rdfs:label``, then ``foaf:name``, then ``schema:name`` (:data:`LABEL_PROPERTIES`);
3. among equals, the smallest text (so the choice is stable);
4. no label at all: the IRI's last segment (:func:`local_name`).

>>> P = LABEL_PROPERTIES
>>> pick_label([(P[2], "Aberg (rdfs)", ""), (P[0], "Aberg", "de"), (P[0], "Aberg town", "en")], "en")
'Aberg town'
>>> pick_label([(P[2], "Aberg (rdfs)", "de"), (P[0], "Aberg", "de")], "en")
'Aberg'
>>> pick_label([(P[3], "Träger e. V.", "")], "de")
'Träger e. V.'
>>> label_of({}, "https://example.org/id/facility/jss-nord")
'jss-nord'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib.namespace import DCTERMS, FOAF, RDFS, SKOS

from graph.core.namespaces import SDO

#: The label properties in the order of the rule (queries/facts/labels.rq lists the same).
LABEL_PROPERTIES = (str(SKOS.prefLabel), str(DCTERMS.title), str(RDFS.label), str(FOAF.name), str(SDO.name))
_PROPERTY_RANK = {p: i for i, p in enumerate(LABEL_PROPERTIES)}


def local_name(value: str) -> str:
    """The last segment of an IRI.

    >>> local_name("https://w3id.org/ikz/concept/facility-kind/Jugendschutzstelle")
    'Jugendschutzstelle'
    """
    return re.split(r"[/#]", value.rstrip("/#"))[-1]


def _rank(prop: str, label_lang: str | None, lang: str) -> tuple[int, int]:
    tag = (label_lang or "").lower()
    language = 0 if tag == lang else 1 if tag == "de" else 2 if tag == "" else 3
    return language, _PROPERTY_RANK.get(prop, len(LABEL_PROPERTIES))


def pick_label(candidates: Iterable[tuple[str, str, str | None]], lang: str) -> str | None:
    """The label chosen by the rule from ``(property, text, language)`` candidates of one term
    (None when there are none)."""
    best = None
    for prop, label, label_lang in candidates:
        if label is None:
            continue
        key = (_rank(prop, label_lang, lang), label)
        if best is None or key < best:
            best = key
    return None if best is None else best[1]


def pick_labels(rows: Iterable[tuple[str, str, str, str | None]], lang: str) -> dict[str, str]:
    """term -> label from ``(term, property, text, language)`` rows (the columns of
    ``queries/facts/labels.rq``), by the rule of :func:`pick_label`, in one pass."""
    best: dict[str, tuple] = {}
    for term, prop, label, label_lang in rows:
        if term is None or label is None:
            continue
        key = (_rank(prop, label_lang, lang), label)
        current = best.get(term)
        if current is None or key < current:
            best[term] = key
    return {term: key[1] for term, key in best.items()}


def label_of(labels: dict[str, str], term: str | None, default: str | None = None) -> str:
    """The label of ``term`` from a :func:`pick_labels` dict, else ``default``, else the IRI's
    last segment ('' for None)."""
    if term is None:
        return default or ""
    return labels.get(term) or default or local_name(term)


def read_labels(gq, lang: str, *, towns_only: bool = False) -> dict[str, str]:
    """Every term's label in ``lang`` (``towns_only``: the towns' only) from the graph of ``gq``."""
    from graph.facts.source import rows

    return pick_labels(rows(gq, "town-labels" if towns_only else "labels"), lang)

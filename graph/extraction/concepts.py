"""Concepts of ``ontology/concepts.ttl`` (facility kinds, service areas, ...) with their labels
and the synonyms texts use for them."""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import graph.core.namespaces as _ns
from graph.core.text import fold

IKZ = str(_ns.IKZ)
CONCEPT = _ns.CONCEPT
SKOS = str(_ns.SKOS)


#: Written forms the concept labels do not cover (surface → concept local name).
FACILITY_SYNONYMS = {
    "Beratungszentrum": "Beratungsstelle",
    "Familienberatungsstelle": "Erziehungsberatungsstelle",
    "Psychologische Beratungsstelle": "Erziehungsberatungsstelle",
    "Psychologischen Beratungsstelle": "Erziehungsberatungsstelle",
    "Erziehungs- und Familienberatungsstelle": "Erziehungsberatungsstelle",
    "Jugendschutzambulanz": "Kinderschutzambulanz",
    "Kinderschutzambulanz": "Kinderschutzambulanz",
    "Inobhutnahmestelle": "Jugendschutzstelle",
    "Kinderschutzstelle": "Jugendschutzstelle",
}
AREA_SYNONYMS = {"Kinder- und Jugendhilfe": "Jugendhilfe", "Jugendhilfe": "Jugendhilfe", "Familienberatung": "Erziehungsberatung"}


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str  # "facility-kind" | "service-area" | ...
    label: str  # the German preferred label
    service_area: str | None = None  # for facility kinds: their ikz:serviceArea
    labels: tuple[str, ...] = ()  # every label, German and English

    @property
    def local(self) -> str:
        return self.iri.rsplit("/", 1)[1]

    @property
    def prefixed(self) -> str:
        return {"facility-kind": "fk", "service-area": "sa", "status": "status", "legal-form": "lf", "role": "role"}[self.scheme] + ":" + self.local


@functools.lru_cache(maxsize=8)
def load_concepts(path: Path, stamp: float = 0.0) -> dict[str, dict[str, Concept]]:
    """Concepts of ``ontology/concepts.ttl`` by scheme and local name (German labels)."""
    import pyoxigraph as ox

    triples = [q.triple for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE)]
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    areas: dict[str, str] = {}
    for t in triples:
        s = t.subject.value
        if not s.startswith(CONCEPT):
            continue
        if t.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel") and getattr(t.object, "language", None) in ("de", "en"):
            labels[s][t.object.language].append(t.object.value)
        elif t.predicate.value == IKZ + "serviceArea":
            areas[s] = t.object.value
    concepts: dict[str, dict[str, Concept]] = defaultdict(dict)
    for iri, by_lang in labels.items():
        scheme = iri[len(CONCEPT):].split("/")[0]
        label = (by_lang.get("de") or by_lang.get("en"))[0]
        concepts[scheme][iri.rsplit("/", 1)[1]] = Concept(iri, scheme, label, areas.get(iri),
                                                          tuple(by_lang.get("de", []) + by_lang.get("en", [])))
    return {k: dict(v) for k, v in concepts.items()}


def concept_labels(concepts: dict, scheme: str) -> dict[str, Concept]:
    """All German (and English) labels of a scheme's concepts, folded → concept."""
    table: dict[str, Concept] = {}
    for concept in concepts.get(scheme, {}).values():
        table[fold(concept.label)] = concept
        table[fold(concept.local)] = concept
        plain = re.sub(r"\s*\(.*?\)", "", concept.label).strip()
        table.setdefault(fold(plain), concept)
    return table

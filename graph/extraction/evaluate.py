"""Measuring: precision and recall of an extraction against hand-encoded expectations."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import graph.core.namespaces as _ns
from graph.extraction.findings import CooperationCandidate, Extraction
from graph.extraction.places import PlaceIndex
from graph.extraction.scoring import Score, status_matches

IKZ = str(_ns.IKZ)
SKOS = str(_ns.SKOS)
RDF_TYPE = str(_ns.RDF.type)


@dataclass
class Expected:
    """What a person encoding a document by hand recorded (from tests/documents/*.expected.json
    or, for a document already in the graph, from its hand-encoded statements)."""

    towns: set[str]
    districts: set[str]
    people: list[set[str]]  # one set of names (aliases) per person
    cooperations: list[dict]  # {"partners": set of AGS, "facility": [labels] or None, "status": str}
    ambiguous: set[str] = field(default_factory=set)

    @classmethod
    def from_file(cls, path: str | Path) -> "Expected":
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(set(data["towns"]), set(data.get("districts", {})), [{name} for name in data.get("people", [])],
                   [{"partners": set(c["partners"]), "facility": [c["facility"]] if c.get("facility") else None,
                     "status": c.get("status")} for c in data["cooperations"]],
                   set(data.get("ambiguous", [])))

    @classmethod
    def from_graph(cls, triples, document: str, base: str) -> "Expected":
        """The hand-encoded statements derived from ``document`` (a full IRI)."""
        props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            props[t.subject.value][t.predicate.value].append(t.object.value)
        derived = {s for s, p in props.items() if document in p.get(str(_ns.PROV.wasDerivedFrom), [])}
        cooperation_classes = {IKZ + "Cooperation"}
        for _ in range(3):
            cooperation_classes |= {s for s, p in props.items()
                                    if set(p.get(str(_ns.RDFS.subClassOf), [])) & cooperation_classes}
        members: dict[str, set[str]] = defaultdict(set)
        for s, p in props.items():
            for org in p.get(str(_ns.ORG.organization), []):
                members[org] |= set(p.get(str(_ns.ORG.member), []))
        town, district = base + "municipality/", base + "district/"
        cooperations, towns, districts, people = [], set(), set(), []
        for s in sorted(derived):
            p = props[s]
            values = [v for vs in p.values() for v in vs] + sorted(members.get(s, ()))
            towns |= {v[len(town):] for v in values if v.startswith(town)}
            districts |= {v[len(district):] for v in values if v.startswith(district)}
            if set(p.get(RDF_TYPE, [])) & cooperation_classes:
                facility = p.get(IKZ + "facility", [])
                labels = [l for f in facility for l in props[f].get(SKOS + "prefLabel", []) + props[f].get(SKOS + "altLabel", [])]
                cooperations.append({"partners": {m[len(town):] for m in members.get(s, ()) if m.startswith(town)},
                                     "facility": (labels + facility) if facility else None,
                                     "status": (p.get(IKZ + "status") or [""])[0].rsplit("/", 1)[-1], "iri": s})
            if str(_ns.FOAF.Person) in p.get(RDF_TYPE, []):
                people.append(set(p.get(str(_ns.FOAF.name), []) + p.get(SKOS + "altLabel", [])))
        return cls(towns, districts, people, cooperations)


_GENERIC = {"fuer", "für", "des", "der", "die", "dem", "den", "und", "mit", "einer", "eine", "stadt", "kreises", "kreis"}


def _facility_words(labels, index: PlaceIndex) -> set[str]:
    words = set()
    for label in labels:
        for word in re.findall(r"\w+", label.casefold()):
            if len(word) >= 4 and word not in _GENERIC and (word.capitalize(),) not in index.forms:
                words.add(word)
    return words


def _same_facility(predicted: CooperationCandidate, expected: dict, base: str, index: PlaceIndex) -> bool:
    if expected["facility"] is None or predicted.facility is None:
        return expected["facility"] is None and predicted.facility is None
    if predicted.facility.existing and predicted.facility.existing in expected["facility"]:
        return True
    return bool(_facility_words([predicted.facility.label], index) & _facility_words(expected["facility"], index))


def evaluate(extraction: Extraction, expected: Expected, index: PlaceIndex, base: str = "") -> dict:
    """Precision and recall of towns, districts, people and cooperations, and how many matched
    cooperations have the expected status. A cooperation matches when its municipal partners are
    exactly the expected ones and it names the same facility (a shared significant word), or
    neither names one."""
    def sets(found: set, wanted: set) -> Score:
        return Score(len(found & wanted), len(found - wanted), len(wanted - found))

    people = {" ".join(p.name.split()) for p in extraction.people}
    known = set().union(*expected.people) if expected.people else set()
    person_score = Score(sum(1 for aliases in expected.people if aliases & people), len(people - known),
                         sum(1 for aliases in expected.people if not aliases & people))
    remaining = list(expected.cooperations)
    score, status_ok = Score(), 0
    for c in extraction.cooperations:
        towns = frozenset(p.place.key for p in c.partners if p.place.kind == "municipality")
        match = next((e for e in remaining if e["partners"] == towns and _same_facility(c, e, base, index)), None)
        if match is None:
            score.extra += 1
            continue
        remaining.remove(match)
        score.found += 1
        status_ok += status_matches(c.status, match.get("status"))
    score.missed += len(remaining)
    return {
        "towns": sets({p.key for p in extraction.towns()}, expected.towns),
        "districts": sets({p.key for p in extraction.districts()}, expected.districts),
        "people": person_score,
        "cooperations": score,
        "status_ok": status_ok,
        "ambiguous_flagged": expected.ambiguous <= set(extraction.ambiguous()),
    }

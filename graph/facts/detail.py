"""The facts in full detail, as the network views draw them: every town with its centre and
offices, every cooperation with its facets, every membership with role and office, every
facility with kinds, areas and operators, quotes, sources, document dates and concepts.

Read once per view, through the same queries and the same label rule as the analysis
(:mod:`graph.facts.network`), into plain Python objects, sorted, so that a view is
deterministic.

>>> from graph.core.project import find_project
>>> facts = Facts(find_project().root / "tests/fixtures/views/small.ttl", "en")
>>> sorted(t.label for t in facts.towns.values())[:2]
['Aberg', 'Bedorf']
"""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict
from dataclasses import dataclass, field

from graph.facts.concepts import read_concepts
from graph.facts.evidence import Quote, read_derived, read_documents, read_quotes
from graph.facts.labels import label_of, read_labels
from graph.facts.source import iri, open_source, select, text
from graph.facts.towns import Town, read_towns

__all__ = ["Cooperation", "Facility", "Facts", "Membership", "Quote", "Town"]


@dataclass
class Cooperation:
    iri: str
    classes: list[str] = field(default_factory=list)
    status: str | None = None
    areas: list[str] = field(default_factory=list)
    legal_form: str | None = None
    facilities: list[str] = field(default_factory=list)

    @property
    def shares_facility(self) -> bool:
        return bool(self.facilities)


@dataclass(frozen=True)
class Membership:
    cooperation: str
    iri: str
    member: str
    member_class: str | None
    role: str | None
    office: str | None
    office_town: str | None


@dataclass
class Facility:
    iri: str
    kinds: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    operators: list[tuple[str, str | None]] = field(default_factory=list)  # (IRI, class)
    operator_unknown: bool = False


def _add(values: list, value) -> None:
    if value is not None and value not in values:
        values.append(value)


def _sorted_add(values: list, value) -> None:
    _add(values, value)
    values.sort()


class Facts:
    """Everything the views read from one graph, in one language. ``source``: anything
    :func:`graph.facts.source.open_source` opens (a GraphQuery, a store, a graph file)."""

    def __init__(self, source, lang: str = "de", project=None):
        self.query, self.version = open_source(source, project)
        gq = self.query
        self.lang = lang
        self.labels = read_labels(gq, lang)
        self.towns: dict[str, Town] = read_towns(gq, self.labels)
        self.cooperations = self._cooperations(gq)
        self.memberships = self._memberships(gq)
        self.memberships_of: dict[str, list[Membership]] = defaultdict(list)   # by cooperation
        self.memberships_by_member: dict[str, list[Membership]] = defaultdict(list)
        for m in self.memberships:
            self.memberships_of[m.cooperation].append(m)
            self.memberships_by_member[m.member].append(m)
        self.pairs = self._pairs(gq)
        self.facilities = self._facilities(gq)
        self.quotes: dict[str, list[Quote]] = read_quotes(gq, self.label)
        self.derived = read_derived(gq)
        self.documents = {d: (dates.not_before, dates.not_after) for d, dates in read_documents(gq).items()}
        self._concepts = read_concepts(gq)
        self.concepts = {c: (scheme, list(broader)) for c, (scheme, broader) in self._concepts.tree.items()}

    # -- reading ------------------------------------------------------------------------------

    @staticmethod
    def _cooperations(gq) -> dict[str, Cooperation]:
        result: dict[str, Cooperation] = {}
        names, found = select(gq, "cooperations")
        for row in sorted(found, key=lambda r: tuple(str(r.get(v) or "") for v in names)):
            c = result.setdefault(iri(row["cooperation"]), Cooperation(iri(row["cooperation"])))
            _add(c.classes, iri(row["class"]))
            c.status = c.status or iri(row["status"])
            _add(c.areas, iri(row["area"]))
            c.legal_form = c.legal_form or iri(row["legalForm"])
            _add(c.facilities, iri(row["facility"]))
        return dict(sorted(result.items()))

    @staticmethod
    def _memberships(gq) -> list[Membership]:
        seen: dict[tuple, Membership] = {}
        for row in select(gq, "membership-details")[1]:
            m = Membership(iri(row["cooperation"]), iri(row["membership"]) or "", iri(row["member"]),
                           iri(row["memberClass"]), iri(row["role"]), iri(row["office"]), iri(row["officeTown"]))
            if m.member is None:
                continue
            key = (m.cooperation, m.iri, m.member)
            # one row per membership; prefer the row that knows the member's class
            if key not in seen or (seen[key].member_class is None and m.member_class is not None):
                seen[key] = m
        return sorted(seen.values(), key=lambda m: (m.cooperation, m.member, m.iri))

    @staticmethod
    def _pairs(gq) -> list[tuple[str, str, str]]:
        """(town a, town b, cooperation): one per pair and cooperation, the pair by AGS."""
        rows = [(iri(r["a"]), iri(r["b"]), iri(r["cooperation"]), text(r.get("agsA")), text(r.get("agsB")))
                for r in select(gq, "partner-pairs")[1]]
        return [(a, b, c) for a, b, c, _, _ in sorted(set(rows), key=lambda r: (r[3] or "", r[4] or "", r[2]))]

    @staticmethod
    def _facilities(gq) -> dict[str, Facility]:
        result: dict[str, Facility] = {}
        names, found = select(gq, "facilities")
        for row in sorted(found, key=lambda r: tuple(str(r.get(v) or "") for v in names)):
            f = result.setdefault(iri(row["facility"]), Facility(iri(row["facility"])))
            _add(f.kinds, iri(row["kind"]))
            _add(f.areas, iri(row["area"]))
            operator = iri(row["operator"])
            if operator:
                cls = iri(row["operatorClass"])
                known = [o for o in f.operators if o[0] == operator]
                if not known:
                    f.operators.append((operator, cls))
                elif known[0][1] is None and cls:
                    f.operators[f.operators.index(known[0])] = (operator, cls)
            f.operator_unknown = f.operator_unknown or text(row["operatorUnknown"]) == "true"
        return dict(sorted(result.items()))

    # -- helpers ------------------------------------------------------------------------------

    def label(self, term: str | None, default: str | None = None) -> str:
        """The label of ``term`` by the one label rule (:mod:`graph.facts.labels`)."""
        return label_of(self.labels, term, default)

    def ancestors(self, concept: str) -> list[str]:
        return self._concepts.ancestors(concept)

    def is_under(self, concept: str, top: str) -> bool:
        return self._concepts.is_under(concept, top)

    def root(self, concept: str) -> str:
        return self._concepts.root(concept)

    def below_root(self, concept: str) -> str:
        return self._concepts.below_root(concept)

    def scheme_members(self, scheme: str) -> list[str]:
        return self._concepts.scheme_members(scheme)

    def as_of(self, documents: set[str]) -> str | None:
        """The latest date (ISO) that bounds any of ``documents``: notAfter, else notBefore."""
        valid = []
        for doc in documents:
            not_before, not_after = self.documents.get(doc, (None, None))
            value = not_after or not_before
            if not value:
                continue
            try:
                valid.append(_dt.date.fromisoformat(value[:10]))
            except ValueError:
                continue
        return max(valid).isoformat() if valid else None

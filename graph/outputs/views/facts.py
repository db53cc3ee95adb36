"""What the views need to know from the graph, read with the SPARQL of ``queries/views/``.

The queries live in files (``queries/views/*.rq``); parameters (the language) are bound with
pyoxigraph's ``substitutions=``, never formatted into the query text. Everything is read once
per view into plain Python objects, sorted, so that building the view is deterministic.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import IKZError, ProjectError
from graph.core.namespaces import IKZ

#: Scheme of the facility kinds / service areas (for filters and value checks).
FACILITY_KIND_SCHEME = str(IKZ.FacilityKindScheme)
SERVICE_AREA_SCHEME = str(IKZ.ServiceAreaScheme)

_WKT_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.I)


class ViewError(IKZError):
    """A view cannot be made as asked (unknown kind, unknown filter value, no data)."""


def query_dir() -> Path:
    """``queries/views/`` of the checkout this package belongs to (else of the project)."""
    here = Path(__file__).resolve().parents[3] / "queries" / "views"
    if here.is_dir():
        return here
    from graph.core.project import find_project

    try:
        candidate = find_project().queries_dir / "views"
    except ProjectError:
        candidate = here
    if not candidate.is_dir():
        raise ProjectError("the SPARQL of the views is missing", where=str(candidate),
                           fix="run from a checkout of IKZ-Graph (queries/views/*.rq)")
    return candidate


@lru_cache(maxsize=None)
def query_text(name: str) -> str:
    return (query_dir() / f"{name}.rq").read_text(encoding="utf-8")


def select(store: ox.Store, name: str, **params: str) -> list[dict]:
    """Run ``queries/views/NAME.rq``; ``params`` bind variables (as plain literals) through
    pyoxigraph's ``substitutions``. Rows are dicts of variable name to pyoxigraph term."""
    substitutions = {ox.Variable(k): ox.Literal(v) for k, v in sorted(params.items())}
    solutions = store.query(query_text(name), substitutions=substitutions or None)
    names = [v.value for v in solutions.variables]
    return [dict(zip(names, row)) for row in solutions]


def iri(term) -> str | None:
    return term.value if isinstance(term, ox.NamedNode) else None


def text(term) -> str | None:
    return None if term is None else term.value


def local_name(value: str) -> str:
    """The last segment of an IRI.

    >>> local_name("https://w3id.org/ikz/concept/facility-kind/Jugendschutzstelle")
    'Jugendschutzstelle'
    """
    return re.split(r"[/#]", value.rstrip("/#"))[-1]


def parse_point(wkt: str | None) -> tuple[float, float] | None:
    """(lon, lat) of a WKT point.

    >>> parse_point("POINT(7.35258 51.44362)")
    (7.35258, 51.44362)
    """
    if not wkt:
        return None
    match = _WKT_POINT.match(wkt)
    return (float(match.group(1)), float(match.group(2))) if match else None


@dataclass(frozen=True)
class Quote:
    iri: str
    text: str
    document: str | None
    line: int | None


@dataclass
class Town:
    iri: str
    ags: str | None
    point: tuple[float, float] | None
    district: str | None
    offices: list[str] = field(default_factory=list)


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


class Facts:
    """Everything the views read from one graph, in one language."""

    def __init__(self, store: ox.Store, lang: str = "de"):
        self.lang = lang
        self.labels = self.read_labels(store, lang)
        self.towns = self._towns(store)
        self.cooperations = self._cooperations(store)
        self.memberships = self._memberships(store)
        self.memberships_of: dict[str, list[Membership]] = defaultdict(list)   # by cooperation
        self.memberships_by_member: dict[str, list[Membership]] = defaultdict(list)
        for m in self.memberships:
            self.memberships_of[m.cooperation].append(m)
            self.memberships_by_member[m.member].append(m)
        self.pairs = [(iri(r["a"]), iri(r["b"]), iri(r["cooperation"])) for r in select(store, "partner-pairs")]
        self.facilities = self._facilities(store)
        self.quotes = self._quotes(store)
        self.derived = self._derived(store)
        self.documents = self._documents(store)
        self.concepts = self._concepts(store)

    # -- reading ------------------------------------------------------------------------------

    iri_of = staticmethod(iri)

    @staticmethod
    def read_labels(store, lang) -> dict[str, str]:
        labels: dict[str, str] = {}
        for row in select(store, "labels", lang=lang):
            term, label = iri(row["term"]), text(row["label"])
            if term is None or label is None:
                continue
            if term not in labels or label < labels[term]:
                labels[term] = label
        return labels

    @staticmethod
    def _towns(store) -> dict[str, Town]:
        towns: dict[str, Town] = {}
        for row in select(store, "towns"):
            town = towns.setdefault(iri(row["town"]), Town(
                iri(row["town"]), text(row["ags"]), parse_point(text(row["wkt"])), iri(row["district"])))
            _add(town.offices, iri(row["office"]))
        return towns

    @staticmethod
    def _cooperations(store) -> dict[str, Cooperation]:
        result: dict[str, Cooperation] = {}
        for row in select(store, "cooperations"):
            c = result.setdefault(iri(row["cooperation"]), Cooperation(iri(row["cooperation"])))
            _add(c.classes, iri(row["class"]))
            c.status = c.status or iri(row["status"])
            _add(c.areas, iri(row["area"]))
            c.legal_form = c.legal_form or iri(row["legalForm"])
            _add(c.facilities, iri(row["facility"]))
        return result

    @staticmethod
    def _memberships(store) -> list[Membership]:
        seen: dict[tuple, Membership] = {}
        for row in select(store, "memberships"):
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
    def _facilities(store) -> dict[str, Facility]:
        result: dict[str, Facility] = {}
        for row in select(store, "facilities"):
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
        return result

    @staticmethod
    def _quotes(store) -> dict[str, list[Quote]]:
        result: dict[str, list[Quote]] = defaultdict(list)
        for row in select(store, "quotes"):
            line = text(row["line"])
            quote = Quote(iri(row["quote"]) or "", text(row["exact"]) or "", iri(row["document"]),
                          int(line) if line and line.isdigit() else None)
            if quote not in result[iri(row["subject"])]:
                result[iri(row["subject"])].append(quote)
        return dict(result)

    @staticmethod
    def _derived(store) -> dict[str, list[str]]:
        result: dict[str, list[str]] = defaultdict(list)
        for row in select(store, "derived-from"):
            _add(result[iri(row["subject"])], iri(row["document"]))
        return dict(result)

    @staticmethod
    def _documents(store) -> dict[str, tuple[str | None, str | None]]:
        result = {}
        for row in select(store, "documents"):
            result[iri(row["document"])] = (text(row["notBefore"]), text(row["notAfter"]))
        return result

    @staticmethod
    def _concepts(store) -> dict[str, tuple[str, list[str]]]:
        result: dict[str, tuple[str, list[str]]] = {}
        for row in select(store, "concepts"):
            concept = iri(row["concept"])
            scheme, broader = result.setdefault(concept, (iri(row["scheme"]), []))
            _add(broader, iri(row["broader"]))
        return result

    # -- helpers ------------------------------------------------------------------------------

    def label(self, term: str | None, default: str | None = None) -> str:
        """The label of ``term`` in the view's language (German, any as fallbacks)."""
        if term is None:
            return default or ""
        return self.labels.get(term) or default or local_name(term)

    def ancestors(self, concept: str) -> list[str]:
        """``concept`` and all its broader concepts, nearest first."""
        seen, todo = [], [concept]
        while todo:
            current = todo.pop(0)
            if current in seen:
                continue
            seen.append(current)
            todo.extend(sorted(self.concepts.get(current, ("", []))[1]))
        return seen

    def is_under(self, concept: str, top: str) -> bool:
        return top in self.ancestors(concept)

    def root(self, concept: str) -> str:
        """The top concept above ``concept`` (itself when it has no broader)."""
        chain = self._chain(concept)
        return chain[-1]

    def below_root(self, concept: str) -> str:
        """The concept just below the top concept on ``concept``'s path (itself when it is a
        top concept): service areas are grouped at this level in the page's filters."""
        chain = self._chain(concept)
        return chain[-2] if len(chain) >= 2 else chain[-1]

    def _chain(self, concept: str) -> list[str]:
        chain = [concept]
        while True:
            broader = sorted(self.concepts.get(chain[-1], ("", []))[1])
            if not broader or broader[0] in chain:
                return chain
            chain.append(broader[0])

    def scheme_members(self, scheme: str) -> list[str]:
        return sorted(c for c, (s, _) in self.concepts.items() if s == scheme)

    def as_of(self, documents: set[str]) -> str | None:
        """The latest date (ISO) that bounds any of ``documents``: notAfter, else notBefore."""
        dates = []
        for doc in documents:
            not_before, not_after = self.documents.get(doc, (None, None))
            if not_after or not_before:
                dates.append(not_after or not_before)
        valid = []
        for value in dates:
            try:
                valid.append(_dt.date.fromisoformat(value[:10]))
            except ValueError:
                continue
        return max(valid).isoformat() if valid else None

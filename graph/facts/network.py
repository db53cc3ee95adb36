"""The facts as the network analysis and the report need them: towns, cooperations with their
member towns, labels and quotes, read *once* into a :class:`CooperationData`.

Memberships are fetched in one flat SELECT and aggregated here in Python: a town-town
self-join in SPARQL takes minutes at national scale; this takes seconds at 80,000
cooperations. Town labels are read eagerly, the labels of everything else, the quotes and
the document dates on first use.

>>> from graph.core.project import find_project
>>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
>>> [t.label for t in data.towns.values()]
['Aberg', 'Bedorf', 'Cdorf', 'Dstadt', 'Edorf', 'Fheim']
>>> data.label(EXISTING), len(data.selected(EXISTING)), len(data.selected(PROPOSED))
('bestehend', 6, 1)
"""

from __future__ import annotations

import gc
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import NamedTuple

from graph.core.errors import IKZError
from graph.core.i18n import LANGS, msg
from graph.core.namespaces import IKZ, STATUS
from graph.facts.concepts import read_concepts
from graph.facts.evidence import Quote, read_documents, read_quotes
from graph.facts.labels import label_of, read_labels
from graph.facts.source import TIMEOUT, open_source, query_path, rows, version_of
from graph.facts.towns import Town, read_towns

EXISTING = str(STATUS.bestehend)
PROPOSED = str(STATUS.vorgeschlagen)
PLANNED = str(STATUS.geplant)
ENDED = str(STATUS.beendet)
#: Statuses that would close a gap if realised (shown next to each gap).
FUTURE = (PROPOSED, PLANNED)
_STATUS_WORDS = {"existing": "bestehend", "proposed": "vorgeschlagen", "planned": "geplant", "ended": "beendet"}


class FactsError(IKZError):
    """The facts cannot be read as asked (unknown status or language)."""


class Cooperation(NamedTuple):
    """A cooperation as the analysis sees it; ``towns`` are its member towns in scope, in the
    order of the network's nodes (by AGS). A named tuple: 80,000 of them are made per fetch."""

    iri: str
    status: str | None
    classes: tuple[str, ...]
    areas: tuple[str, ...]
    facility: str | None
    towns: tuple[str, ...]
    acting: tuple[tuple[str, str], ...] = ()     # (town, office it acts through)
    documents: tuple[str, ...] = ()              # prov:wasDerivedFrom


def statuses(status) -> frozenset[str] | None:
    """Normalise a status argument: an IRI, a local name (``bestehend``, ``vorgeschlagen``), an
    English word (``existing``, ``proposed``), a collection of these, or None / ``"all"`` (any).

    >>> sorted(statuses("existing")), statuses("all")
    (['https://w3id.org/ikz/concept/status/bestehend'], None)
    """
    if status is None or status in ("all", "*", "alle"):
        return None
    if isinstance(status, str):
        status = [status]
    out = set()
    for value in status:
        value = _STATUS_WORDS.get(value, value)
        out.add(value if "://" in value else str(STATUS) + value)
    known = {str(STATUS) + word for word in _STATUS_WORDS.values()}
    unknown = sorted(v for v in out if v.startswith(str(STATUS)) and v not in known)
    if unknown:
        raise FactsError(msg("facts.unknown_status", value=unknown[0][len(str(STATUS)):]), where="--status",
                         fix=msg("facts.unknown_status_fix"))
    return frozenset(out)


@dataclass
class CooperationData:
    """What the analyses need, read once from the graph (see :func:`fetch`)."""

    lang: str
    district: str | None
    towns: dict[str, Town]
    cooperations: dict[str, Cooperation]
    broader: dict[str, tuple[str, ...]]          # service area -> its broader areas
    labels: dict[str, str]
    query: object | None = field(default=None, repr=False)
    source_version: str | None = field(default=None, repr=False)
    _all_labels: bool = field(default=False, repr=False)
    _evidence: dict[str, list[Quote]] | None = field(default=None, repr=False)
    _dates: dict[str, str] | None = field(default=None, repr=False)

    def label(self, iri: str | None) -> str:
        """The label of ``iri`` by the one label rule (:mod:`graph.facts.labels`). Labels other
        than the towns' are read once, on first use."""
        if iri is None:
            return ""
        if iri not in self.labels and not self._all_labels and self.query is not None:
            self._all_labels = True
            self.labels = {**read_labels(self.query, self.lang), **self.labels}
        return label_of(self.labels, iri)

    def town_order(self, iris) -> list[str]:
        """Towns sorted by AGS (then IRI), the order of the named questions."""
        return sorted(iris, key=lambda t: (self.towns[t].ags or "", t) if t in self.towns else ("~", t))

    def selected(self, status=EXISTING) -> list[Cooperation]:
        """The cooperations with ``status`` (see :func:`statuses`), sorted by IRI."""
        wanted = statuses(status)
        return [c for _, c in sorted(self.cooperations.items()) if wanted is None or c.status in wanted]

    def areas_with_broader(self, area: str) -> set[str]:
        """``area`` and every broader area (transitively)."""
        seen, todo = set(), [area]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.broader.get(current, ()))
        return seen

    def version(self) -> str:
        """'IKZ-Graph 0.1.0 · Graph 6cc4f93bc2a5' (package and digest of the graph read)."""
        if self.source_version is None:
            self.source_version = version_of(self.query)
        return self.source_version

    def quotes(self, *statements: str) -> list[Quote]:
        """The quotes behind ``statements`` (cooperations, memberships, barriers, ...), in order
        of document title and line, each once."""
        if self._evidence is None:
            self._evidence = read_quotes(self.query, self.label)
        seen: dict[str, Quote] = {}
        for statement in statements:
            for quote in self._evidence.get(statement, ()):
                seen.setdefault(quote.iri, quote)
        return sorted(seen.values(), key=lambda q: (q.title, q.line or 0, q.iri))

    def document_dates(self) -> dict[str, str]:
        """Document IRI → the latest date that bounds it (dct:date, else notAfter, else notBefore)."""
        if self._dates is None:
            self._dates = {d: dates.latest for d, dates in read_documents(self.query).items() if dates.latest}
        return self._dates

    def rows(self, name: str, bindings: dict | None = None) -> list[tuple]:
        """Rows of another facts query (``queries/facts/NAME.rq``) over the same graph."""
        return plain_rows(self.query, name, bindings)


def plain_rows(gq, name: str, bindings: dict | None = None) -> list[tuple]:
    """Like :func:`graph.facts.source.rows` (tuples of plain strings, None where unbound), but
    read through :meth:`GraphQuery.tuples`: the answer crosses the worker's pipe as TSV and
    becomes strings without rdflib terms (the national memberships: 400,000 rows)."""
    return gq.tuples(query_path(gq, name), bindings, timeout=TIMEOUT)


def _tuple(values) -> tuple:
    return tuple(values) if len(values) < 2 else tuple(sorted(values))


def _first(values):
    return next(iter(values)) if len(values) == 1 else min(values, default=None)


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while hundreds of thousands of rows are turned into
    tuples (it would rescan them again and again, doubling the time); restore it after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_towns(gq, lang: str, scope: str | None) -> tuple[dict[str, str], dict[str, Town]]:
    """The towns' labels and the towns in scope (the nodes of the networks), in node order."""
    town_labels = read_labels(gq, lang, towns_only=True)
    towns = read_towns(gq, town_labels, district=scope)
    if scope is None:  # as before: a town is a node of the network when it has a district
        towns = {iri: town for iri, town in towns.items() if town.district}
    return town_labels, towns


def _read_cooperations(gq, members: dict[str, list[str]], acting: dict[str, set], rank: dict[str, int]) -> dict[str, Cooperation]:
    """The cooperations (``cooperations.rq``) that have members in ``members``, aggregated: one
    :class:`Cooperation` each, sorted by IRI, their towns in the order of ``rank``."""
    status_of: dict[str, set] = defaultdict(set)
    other: dict[str, list[set]] = {}
    for cooperation, cls, status, area, _legal, facility, document in plain_rows(gq, "cooperations"):
        if cooperation not in members:
            continue
        sets = other.get(cooperation)
        if sets is None:
            sets = other[cooperation] = [set(), set(), set(), set()]
        sets[0].add(cls)
        if status is not None:
            status_of[cooperation].add(status)
        if area is not None:
            sets[1].add(area)
        if facility is not None:
            sets[2].add(facility)
        if document is not None:
            sets[3].add(document)

    cooperations: dict[str, Cooperation] = {}
    by_rank = rank.__getitem__
    for iri in sorted(other):
        classes, areas, facilities, documents = other[iri]
        cooperations[iri] = Cooperation(
            iri, _first(status_of[iri]), _tuple(classes), _tuple(areas), _first(facilities),
            tuple(sorted(set(members[iri]), key=by_rank)),
            _tuple(acting[iri]) if iri in acting else (), _tuple(documents),
        )
    return cooperations


def fetch(source=None, *, district: str | None = None, lang: str = "de", project=None) -> CooperationData:
    """Read what the analyses need from a graph, once.

    ``source``: see :func:`graph.facts.source.open_source`. ``district`` (an IRI, or a key or
    name resolved by :meth:`GraphQuery.term`) restricts the towns to one district: only their
    memberships count. ``lang`` chooses the labels (by the one label rule).
    """
    if lang not in LANGS:
        raise FactsError(msg("facts.unknown_language", value=lang), where="--lang", fix=msg("facts.unknown_language_fix"))
    gq, version = open_source(source, project)
    scope = str(gq.term("district", district, "district")) if district else None
    with gc_paused():
        town_labels, towns = _read_towns(gq, lang, scope)
        rank = {t: i for i, t in enumerate(towns)}

        members: dict[str, list[str]] = defaultdict(list)
        for cooperation, member in plain_rows(gq, "memberships"):
            if member in rank:
                members[cooperation].append(member)
        acting: dict[str, set[tuple[str, str]]] = defaultdict(set)
        for cooperation, member, office in plain_rows(gq, "acting"):
            if member in rank:
                acting[cooperation].add((member, office))

        cooperations = _read_cooperations(gq, members, acting, rank)

    concepts = read_concepts(gq)
    broader = {a: concepts.broader(a) for a in concepts.scheme_members(str(IKZ.ServiceAreaScheme))}
    return CooperationData(
        lang=lang, district=scope, towns=towns, cooperations=cooperations,
        broader=dict(sorted(broader.items())), labels=dict(town_labels), query=gq, source_version=version,
    )


@dataclass
class PartnerFacts:
    """What the town-town network needs and nothing more (see :func:`fetch_partners`): the
    towns in node order and the selected cooperations (sorted by IRI), each with the node
    ranks of its towns in scope. The rest of a cooperation (areas, facility, sources) is read
    on first use by :meth:`details`.

    >>> from graph.core.project import find_project
    >>> facts = fetch_partners(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> names = [t.label for t in facts.towns.values()]
    >>> len(facts.cooperations), facts.cooperations[0].rsplit("/", 1)[1], [names[r] for r in facts.members[0]]
    (6, 'beratung-mitte', ['Cdorf', 'Dstadt'])
    >>> facts.details()[facts.cooperations[0]].facility.rsplit("/", 1)[1]
    'beratung-mitte'
    """

    lang: str
    district: str | None
    status: frozenset[str] | None
    towns: dict[str, Town]
    cooperations: list[str]
    members: list[tuple[int, ...]]               # per cooperation: node ranks, ascending, distinct
    query: object | None = field(default=None, repr=False)
    _details: dict[str, Cooperation] | None = field(default=None, repr=False)

    def details(self) -> dict[str, Cooperation]:
        """The selected cooperations as :class:`Cooperation` (status, classes, areas, facility,
        documents; towns as IRIs), read once, on first use (``cooperations.rq``)."""
        if self._details is None:
            names = list(self.towns)
            members = {iri: [names[r] for r in ranks] for iri, ranks in zip(self.cooperations, self.members)}
            with gc_paused():
                self._details = _read_cooperations(self.query, members, {}, {t: i for i, t in enumerate(names)})
        return self._details


def fetch_partners(source=None, *, district: str | None = None, status=EXISTING, lang: str = "de",
                   project=None) -> PartnerFacts:
    """Read what the town-town network needs, from the selective side: the towns in scope
    (as :func:`fetch`), the cooperations with ``status`` (``cooperation-status.rq``, one row
    each) and their members among those towns (``partner-in.rq``, the derived facts of a
    build; ``memberships.rq`` for a graph without them: the same rows). Plain rows only; no
    cooperation details, no labels beyond the towns'.
    """
    if lang not in LANGS:
        raise FactsError(msg("facts.unknown_language", value=lang), where="--lang", fix=msg("facts.unknown_language_fix"))
    wanted = statuses(status)
    gq, _ = open_source(source, project)
    scope = str(gq.term("district", district, "district")) if district else None
    with gc_paused():
        _, towns = _read_towns(gq, lang, scope)
        rank = {t: i for i, t in enumerate(towns)}
        status_of: dict[str, set] = {}
        for cooperation, value in plain_rows(gq, "cooperation-status"):
            found = status_of.setdefault(cooperation, set())
            if value is not None:
                found.add(value)
        chosen = {c for c, found in status_of.items() if wanted is None or _first(found) in wanted}
        del status_of
        # the derived ikz:partnerIn when the graph has it (every build does), else the memberships
        rows = plain_rows(gq, "partner-in") or plain_rows(gq, "memberships")
        members: dict[str, list[int]] = {}
        town_rank, coop_members = rank.get, members.get
        for cooperation, member in rows:
            r = town_rank(member)
            if r is not None:
                found = coop_members(cooperation)
                if found is None:
                    members[cooperation] = [r]
                else:
                    found.append(r)
        del rows
        iris = sorted(c for c in members if c in chosen)
        ranks = [tuple(sorted(set(members[iri]))) for iri in iris]
    return PartnerFacts(lang=lang, district=scope, status=wanted, towns=towns, cooperations=iris, members=ranks, query=gq)

"""One resolver for what users type: towns, districts, concepts and documents, by one set of
rules in every command.

A value names a thing of a kind (``municipality``, ``district``, ``facility-kind``,
``service-area``, ``status``, ``legal-form``, ``document``) by any of its names: its label(s)
in German or English, its key (AGS, Kreisschlüssel, a concept's or document's local name) or
its IRI (``<https://...>`` or compact, ``m:05954004``, ``doc:votum-2016``). The rules, in
order:

1. an IRI must name a thing of that kind in the graph;
2. an exact match of a name, ignoring case and diacritics (``muenster`` is not ``Münster``,
   but ``MÜNSTER`` and ``munster`` are);
3. else a unique prefix of a name (``Wetter`` → Wetter (Ruhr), ``Ennepe`` → Ennepe-Ruhr-Kreis,
   ``Jugendschutz`` → Jugendschutzstelle);
4. else a :class:`~graph.sparql.errors.ValueNotFound` error with did-you-mean suggestions:
   distinct labels, each thing once, with its key where a label repeats
   ("Breckerfeld (05954004)").

A value that matches nothing is always an error, never an empty answer.

>>> normal("  Münster  (Westf.) ")
'munster (westf.)'
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from dataclasses import dataclass, field

from rdflib import URIRef

from graph.core.i18n import current, msg
from graph.core.namespaces import IKZ
from graph.sparql.errors import QuestionError, ValueNotFound

#: Concept schemes behind the concept-valued parameter types.
CONCEPT_SCHEMES = {
    "facility-kind": IKZ.FacilityKindScheme,
    "service-area": IKZ.ServiceAreaScheme,
    "status": IKZ.CooperationStatusScheme,
    "legal-form": IKZ.LegalFormScheme,
}
#: Every kind the resolver knows, and the lookup query (``queries/lookup/NAME.rq``) behind it.
KINDS = {"municipality": "municipality", "district": "district", "document": "document",
         **{kind: "concepts" for kind in CONCEPT_SCHEMES}}
#: Similarity (difflib ratio) from which a name is suggested: catches typos such as
#: "Beratng", "bestehnd", "Breckerfelt", "Jugendschutzstele".
CUTOFF = 0.72
#: Suggestions and known values shown at most.
SHOWN = 5
KNOWN_SHOWN = 12


def normal(text: str) -> str:
    """A name as compared: case-folded, without diacritics, inner spaces collapsed."""
    folded = text.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded).translate(_COMBINING)
    return " ".join(folded.split())


class _Combining(dict):
    """For ``str.translate``: drops combining characters (``unicodedata.combining``), keeps
    every other; each character is looked up once."""

    def __missing__(self, code: int):
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_COMBINING = _Combining()


@dataclass
class Candidate:
    """One thing a value can name: its IRI, its names by role, and how it is shown."""

    iri: str
    keys: list[str] = field(default_factory=list)
    labels: dict[str, list[str]] = field(default_factory=dict)  # language -> labels
    alts: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return self.keys + [n for names in self.labels.values() for n in names] + self.alts

    @property
    def key(self) -> str:
        return self.keys[0] if self.keys else self.iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    def label(self, lang: str | None = None) -> str:
        """The label shown: the preferred label in ``lang``, else German, else any, else an
        alternative name, else the key: never empty."""
        lang = lang or current()
        for choice in (lang, "de", "", *sorted(self.labels)):
            if self.labels.get(choice):
                return min(self.labels[choice], key=lambda n: (len(n), n))
        return self.alts[0] if self.alts else self.key


def shown(candidates: list[Candidate], lang: str | None = None) -> list[str]:
    """Distinct labels of ``candidates`` (in their order); where two things share a label,
    each gets its key: ``Breckerfeld (05954004)``."""
    labels = [c.label(lang) for c in candidates]
    repeated = {label for label in labels if labels.count(label) > 1}
    out: list[str] = []
    for candidate, label in zip(candidates, labels):
        text = f"{label} ({candidate.key})" if label in repeated else label
        if text not in out:
            out.append(text)
    return out


class Index:
    """The names of every thing of one kind, read once per open graph and looked up by their
    normal form (:func:`normal`): an exact name is one dictionary look-up, a prefix a binary
    search in the sorted names. Resolving a value reads nothing from the graph again."""

    def __init__(self, candidates: list[Candidate]):
        self.candidates = candidates
        self.by_iri = {c.iri: c for c in candidates}
        #: normal name -> positions in ``candidates`` (ascending, each once)
        self.by_name: dict[str, list[int]] = {}
        for position, candidate in enumerate(candidates):
            for name in candidate.names:
                at = self.by_name.setdefault(normal(name), [])
                if not at or at[-1] != position:
                    at.append(position)
        self.names = sorted(self.by_name)

    def exact(self, wanted: str) -> list[Candidate]:
        """The things with a name whose normal form is ``wanted``, in IRI order."""
        return [self.candidates[p] for p in self.by_name.get(wanted, ())]

    def prefixed(self, wanted: str) -> list[Candidate]:
        """The things with a name whose normal form starts with ``wanted``, in IRI order."""
        positions: set[int] = set()
        at = bisect.bisect_left(self.names, wanted)
        while at < len(self.names) and self.names[at].startswith(wanted):
            positions.update(self.by_name[self.names[at]])
            at += 1
        return [self.candidates[p] for p in sorted(positions)]


class Resolver:
    """Resolve typed values against one open graph (a :class:`~graph.sparql.query.GraphQuery`);
    the candidates of each kind are read once, through the gate and the worker, into an
    :class:`Index` (``GraphQuery.refresh`` starts afresh)."""

    def __init__(self, gq):
        self.gq = gq
        self._cache: dict[str, Index] = {}

    def index(self, kind: str) -> Index:
        """The :class:`Index` of ``kind``, read from the graph on first use."""
        if kind not in KINDS:
            raise QuestionError(msg("sparql.resolve.unknown_kind", kind=kind),
                                fix=msg("sparql.resolve.unknown_kind_fix", known=", ".join(KINDS)))
        index = self._cache.get(kind)
        if index is None:
            bindings = {"scheme": URIRef(CONCEPT_SCHEMES[kind])} if kind in CONCEPT_SCHEMES else None
            result = self.gq.select(f"lookup/{KINDS[kind]}", bindings)
            found: dict[str, Candidate] = {}
            for item, name, role, lang in result.tuples():
                if not name:
                    continue
                candidate = found.get(item)
                if candidate is None:
                    candidate = found[item] = Candidate(item)
                if role == "key":
                    candidate.keys.append(name)
                elif role == "label":
                    candidate.labels.setdefault(lang or "", []).append(name)
                else:
                    candidate.alts.append(name)
            index = self._cache[kind] = Index([found[iri] for iri in sorted(found)])
        return index

    def candidates(self, kind: str) -> list[Candidate]:
        """Everything a value of ``kind`` can name, sorted by IRI."""
        return self.index(kind).candidates

    def values(self, kind: str, lang: str | None = None) -> list[tuple[str, str, str]]:
        """``(label, key, IRI)`` of every known value of ``kind``, sorted by label."""
        return sorted((c.label(lang), c.key, c.iri) for c in self.candidates(kind))

    def resolve(self, kind: str, value: str, name: str = "value") -> URIRef:
        """The IRI ``value`` names among the things of ``kind`` (rules in the module's
        description); :class:`ValueNotFound` with suggestions when it names none or several."""
        value = value.strip()
        index = self.index(kind)
        if self.gq.looks_like_iri(value):
            iri = str(self.gq.iri(value, name))
            if iri in index.by_iri:
                return URIRef(iri)
            local = iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            raise self._not_found(kind, value, name, index, local, as_iri=True)
        wanted = normal(value)
        exact = index.exact(wanted)
        if not exact and wanted:
            exact = index.prefixed(wanted)
        if len(exact) == 1:
            return URIRef(exact[0].iri)
        if len(exact) > 1:
            options = shown(exact)
            raise ValueNotFound(msg("sparql.resolve.ambiguous", name=name, value=value,
                                    options=", ".join(options[:KNOWN_SHOWN])),
                                suggestions=options, fix=msg("sparql.resolve.ambiguous_fix"))
        raise self._not_found(kind, value, name, index, value)

    def _not_found(self, kind, value, name, index: Index, typed, as_iri=False) -> ValueNotFound:
        candidates = index.candidates
        near_names = difflib.get_close_matches(normal(typed), index.names, n=SHOWN * 2, cutoff=CUTOFF)
        near: list[Candidate] = []
        for n in near_names:
            for candidate in index.exact(n):
                if candidate not in near:
                    near.append(candidate)
        suggestions = ([self.gq.compact(c.iri) for c in near] if as_iri else shown(near))[:SHOWN]
        suggest = msg("sparql.resolve.suggest", near=", ".join(suggestions)) if suggestions else ""
        known = shown(sorted(candidates, key=lambda c: c.label()))
        if known:
            more = msg("sparql.resolve.more", count=len(known)) if len(known) > KNOWN_SHOWN else ""
            listed = msg("sparql.resolve.known", known=", ".join(known[:KNOWN_SHOWN]), more=more)
        else:
            listed = msg("sparql.resolve.nothing_known")
        return ValueNotFound(msg("sparql.resolve.not_found", name=name, kind=msg(f"sparql.kind.{kind}"), value=value),
                             suggestions=suggestions, fix=msg("sparql.resolve.fix", suggest=suggest, known=listed))


def resolve(gq, kind: str, value: str, name: str = "value") -> URIRef:
    """Shorthand: ``gq.resolver.resolve(kind, value, name)``.

    >>> resolve(gq, "district", "Ennepe")            # doctest: +SKIP
    rdflib.term.URIRef('https://w3id.org/ikz/id/district/05954')
    """
    return gq.resolver.resolve(kind, value, name)


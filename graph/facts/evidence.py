"""What backs a statement: the verbatim quotes (``queries/facts/quotes.rq``), the documents
it is derived from (``derived-from.rq``) and the dates of the documents (``documents.rq``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from graph.facts.source import rows


@dataclass(frozen=True)
class Quote:
    """A verbatim sentence behind a statement, and where it stands (``title``: the document's
    label by the one label rule, '' without a document)."""

    iri: str
    text: str
    document: str | None
    title: str
    line: int | None


def _line(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def read_quotes(gq, labels) -> dict[str, list[Quote]]:
    """Statement IRI -> its quotes, each once, by document title, line and IRI. ``labels`` is a
    callable naming a document."""
    found: dict[str, set[Quote]] = defaultdict(set)
    for subject, quote, exact, document, line in rows(gq, "quotes"):
        found[subject].add(Quote(quote or "", exact or "", document, labels(document) if document else "", _line(line)))
    return {s: sorted(q, key=lambda q: (q.title, q.line or 0, q.iri)) for s, q in sorted(found.items())}


def read_derived(gq) -> dict[str, list[str]]:
    """Subject IRI -> the documents it is derived from (prov:wasDerivedFrom), sorted."""
    found: dict[str, set[str]] = defaultdict(set)
    for subject, document in rows(gq, "derived-from"):
        found[subject].add(document)
    return {s: sorted(d) for s, d in sorted(found.items())}


@dataclass(frozen=True)
class DocumentDates:
    date: str | None
    not_before: str | None
    not_after: str | None

    @property
    def latest(self) -> str | None:
        """The latest date that bounds the document: dct:date, else notAfter, else notBefore."""
        value = self.date or self.not_after or self.not_before
        return value[:10] if value else None


def read_documents(gq) -> dict[str, DocumentDates]:
    """Source document IRI -> its dates (the latest of each when there are several)."""
    found: dict[str, DocumentDates] = {}
    for document, date, not_before, not_after in rows(gq, "documents"):
        old = found.get(document, DocumentDates(None, None, None))
        found[document] = DocumentDates(max(filter(None, (old.date, date)), default=None),
                                        max(filter(None, (old.not_before, not_before)), default=None),
                                        max(filter(None, (old.not_after, not_after)), default=None))
    return dict(sorted(found.items()))

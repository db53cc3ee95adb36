"""Check that every quote occurs verbatim in its source text, and record where.

A quote matches when its words occur in the document's text file in the same order with the
same characters; line breaks and runs of spaces count as one space (letters are wrapped
differently in different copies). It must occur exactly once, so that its place is certain.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import QuoteError, SourceDataError
from .load import read_text
from .namespace import IKZ, OA

_XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
QUOTED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasQuotedFrom")
EXACT = ox.NamedNode(OA.exact)
TEXT_FILE = ox.NamedNode(IKZ.textFile)
_WS = re.compile(r"\s+")


@dataclass(frozen=True)
class Position:
    """Where a quote stands: character offsets (code points, as Web Annotation counts) and line."""

    start: int
    end: int
    line: int


class NormalizedText:
    """A text with whitespace runs collapsed, mapping positions back to the original."""

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        origin: list[int] = []
        for match in re.finditer(r"\s+|\S", text):
            chars.append(" " if match.group().isspace() else match.group())
            origin.append(match.start())
        self.normal = "".join(chars)
        self.origin = origin + [len(text)]

    def find_all(self, quote: str) -> list[Position]:
        needle = normalize(quote)
        found, start = [], self.normal.find(needle)
        while needle and start != -1:
            first = self.origin[start]
            last = self.origin[start + len(needle) - 1] + 1
            found.append(Position(first, last, self.text.count("\n", 0, first) + 1))
            start = self.normal.find(needle, start + 1)
        return found

    def nearest(self, quote: str) -> str | None:
        """The sentence or line of the text closest to ``quote`` (for error messages)."""
        candidates = [normalize(s) for s in re.split(r"(?<=[.:!?])\s+|\n", self.text) if s.strip()]
        match = difflib.get_close_matches(normalize(quote), candidates, n=1, cutoff=0.5)
        return match[0] if match else None


def normalize(text: str) -> str:
    """Collapse whitespace runs to one space and strip the ends.

    >>> normalize("Fachbereich\\n  Soziales ")
    'Fachbereich Soziales'
    """
    return _WS.sub(" ", text).strip()


def check_quotes(triples, data_dir: Path, where) -> list:
    """Check every quote in ``triples``; return the triples that record their positions.

    ``where(iri)`` gives ``file:line`` of a node for messages; ``data_dir`` is where the
    documents' ``ikz:textFile`` paths start.
    """
    exact: dict = {}
    quoted_from: dict = {}
    text_file: dict = {}
    for t in triples:
        if t.predicate == EXACT:
            exact.setdefault(t.subject, []).append(t.object)
        elif t.predicate == QUOTED_FROM:
            quoted_from.setdefault(t.subject, []).append(t.object)
        elif t.predicate == TEXT_FILE:
            text_file[t.subject] = t.object.value
    texts: dict = {}
    added: list = []
    for quote in sorted(exact, key=lambda n: n.value):
        if len(exact[quote]) != 1 or len(quoted_from.get(quote, [])) != 1:
            continue  # the shapes report quotes without exactly one text and one document
        document = quoted_from[quote][0]
        if document not in text_file:
            continue  # an external document: nothing local to check against
        if document not in texts:
            path = data_dir / text_file[document]
            if not path.is_file():
                raise SourceDataError(
                    f"source text {text_file[document]!r} of <{document.value}> is missing",
                    where=where(document.value),
                    fix=f"put the document's text at data/{text_file[document]} or correct ikz:textFile",
                )
            texts[document] = NormalizedText(read_text(path, f"data/{text_file[document]}"))
        text = texts[document]
        found = text.find_all(exact[quote][0].value)
        if len(found) != 1:
            doc_name = f"data/{text_file[document]}"
            if not found:
                nearest = text.nearest(exact[quote][0].value)
                hint = f"; the closest passage there is: {nearest!r}" if nearest else ""
                raise QuoteError(
                    f"quote <{quote.value}> does not occur verbatim in {doc_name}{hint}",
                    where=where(quote.value),
                    fix="copy the sentence exactly from the source text (spelling, punctuation, quotes)",
                )
            raise QuoteError(
                f"quote <{quote.value}> occurs {len(found)} times in {doc_name} "
                f"(lines {', '.join(str(p.line) for p in found)})",
                where=where(quote.value),
                fix="quote more of the sentence so that it occurs only once",
            )
        position = found[0]
        added += [
            ox.Triple(quote, RDF_TYPE, ox.NamedNode(OA.TextPositionSelector)),
            ox.Triple(quote, ox.NamedNode(OA.start), ox.Literal(str(position.start), datatype=ox.NamedNode(_XSD + "nonNegativeInteger"))),
            ox.Triple(quote, ox.NamedNode(OA.end), ox.Literal(str(position.end), datatype=ox.NamedNode(_XSD + "nonNegativeInteger"))),
            ox.Triple(quote, ox.NamedNode(IKZ.line), ox.Literal(str(position.line), datatype=ox.NamedNode(_XSD + "integer"))),
        ]
    return added

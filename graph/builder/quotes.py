"""Check that every quote occurs verbatim in its source text, and record where.

A quote matches when its words occur in the document's text file in the same order with the
same characters; line breaks and runs of spaces count as one space (letters are wrapped
differently in different copies). It must occur exactly once, so that its place is certain.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import QuoteError, SourceDataError
from graph.rdf.parse import read_text
from graph.core.namespaces import IKZ, OA

_XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
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
        pieces: list[str] = []
        self._normal_at: list[int] = []  # breakpoints: normalized offset ...
        self._original_at: list[int] = []  # ... and the original offset it stands for
        normal = last = 0
        for match in _WS.finditer(text):
            pieces.append(text[last:match.start()])
            normal += match.start() - last
            last = match.end()
            pieces.append(" ")
            if match.group() != " ":  # a run that shrinks (or a newline/tab): a breakpoint
                self._normal_at += [normal, normal + 1]
                self._original_at += [match.start(), match.end()]
            normal += 1
        pieces.append(text[last:])
        self.normal = "".join(pieces)

    def _original(self, offset: int) -> int:
        i = bisect.bisect_right(self._normal_at, offset) - 1
        return offset if i < 0 else self._original_at[i] + (offset - self._normal_at[i])

    def find_all(self, quote: str) -> list[Position]:
        needle = normalize(quote)
        found, start = [], self.normal.find(needle)
        while needle and start != -1:
            first = self._original(start)
            last = self._original(start + len(needle) - 1) + 1
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


def check_quotes(rows, data_dirs, where) -> list:
    """Check quotes; return the triples that record their positions.

    ``rows`` are ``(quote, exact, document, text_file)`` pyoxigraph terms (text_file may be
    None: an external document, nothing local to check). ``data_dirs`` are the folders where
    ``ikz:textFile`` paths may start (``data/`` first); ``where(iri)`` locates nodes for messages.
    """
    roots = [Path(data_dirs)] if isinstance(data_dirs, (str, Path)) else [Path(d) for d in data_dirs]
    texts: dict = {}
    added: list = []
    integer = ox.NamedNode(_XSD + "integer")
    non_negative = ox.NamedNode(_XSD + "nonNegativeInteger")
    for quote, exact, document, text_file in rows:
        if text_file is None:
            continue
        name = text_file.value
        if document not in texts:
            path = next((root / name for root in roots if (root / name).is_file()), roots[0] / name)
            if not path.is_file():
                raise SourceDataError(
                    f"source text {name!r} of <{document.value}> is missing",
                    where=where(document.value),
                    fix=f"put the document's text at data/{name} or correct ikz:textFile",
                )
            texts[document] = (NormalizedText(read_text(path, f"data/{name}")), f"data/{name}")
        text, doc_name = texts[document]
        found = text.find_all(exact.value)
        if len(found) != 1:
            if not found:
                nearest = text.nearest(exact.value)
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
            ox.Triple(quote, ox.NamedNode(OA.start), ox.Literal(str(position.start), datatype=non_negative)),
            ox.Triple(quote, ox.NamedNode(OA.end), ox.Literal(str(position.end), datatype=non_negative)),
            ox.Triple(quote, ox.NamedNode(IKZ.line), ox.Literal(str(position.line), datatype=integer)),
        ]
    return added

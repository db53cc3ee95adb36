"""Text helpers shared by the build, extraction and ingest: whitespace normalising, folding
for comparison, IRI slugs and Turtle string literals.

One rule each, in one place: a quote is found in its source text, a label matched against
what a user typed and a draft's IRI minted with the same functions everywhere.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from dataclasses import dataclass

_WS = re.compile(r"\s+")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def normalize(text: str) -> str:
    """Collapse whitespace runs to one space and strip the ends.

    >>> normalize("Fachbereich\\n  Soziales ")
    'Fachbereich Soziales'
    """
    return _WS.sub(" ", text).strip()


def fold(text: str) -> str:
    """A label folded for comparison: whitespace normalised, case folded.

    >>> fold("  Stadt  WETTER ") == fold("stadt wetter")
    True
    """
    return normalize(text).casefold()


def slug(text: str, limit: int = 60) -> str:
    """A readable IRI slug: lower case, umlauts spelled out, dashes between words.

    >>> slug("Jugendschutzstelle für Hattingen, Wetter (Ruhr)")
    'jugendschutzstelle-fuer-hattingen-wetter-ruhr'
    """
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0]
    return text or "x"


def turtle_string(text: str) -> str:
    """``text`` as a Turtle string literal (quotes, backslashes and line breaks escaped).

    >>> print(turtle_string('Sie sagte "ja"'))
    "Sie sagte \\"ja\\""
    """
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


@dataclass(frozen=True)
class Position:
    """Where a passage stands: character offsets (code points, as Web Annotation counts) and line."""

    start: int
    end: int
    line: int


class NormalizedText:
    """A text with whitespace runs collapsed, mapping positions back to the original.

    >>> text = NormalizedText("Die Städte\\n  Kamen und Bergkamen")
    >>> text.find_all("Städte Kamen")
    [Position(start=4, end=18, line=1)]
    """

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
        """Every place where ``quote`` occurs (whitespace runs count as one space)."""
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

"""Read Turtle files strictly, with every failure turned into a located error.

Files are parsed with pyoxigraph (a strict, fast RDF 1.1 parser whose errors carry line and
column) into a fresh list per file, so a failed parse never leaves half a file behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import SourceDataError

_PREFIX_RE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)


@dataclass
class SourceFile:
    """A parsed file: its display name, text and prefixes, to point at lines in messages."""

    path: Path
    display: str
    text: str
    base: str
    prefixes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, ns in _PREFIX_RE.findall(self.text):
            self.prefixes[name] = ns if "://" in ns else self.base + ns

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def written_forms(self, iri: str) -> list[str]:
        """The ways ``iri`` can be written in this file (full, relative, prefixed)."""
        forms = [f"<{iri}>"]
        if iri.startswith(self.base):
            forms.append(f"<{iri[len(self.base):]}>")
        for name, ns in self.prefixes.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                forms.append(f"{name}:{iri[len(ns):]}")
        return forms

    def _matches(self, iri: str):
        forms = self.written_forms(iri)
        if not any(form in self.text for form in forms):
            return
        patterns = [re.compile(r"(?<![\w:<-])" + re.escape(form) + r"(?![\w-])") for form in forms]
        for number, line in enumerate(self.lines, start=1):
            for pattern in patterns:
                match = pattern.search(line)
                if match and "#" not in line[: match.start()].replace("#>", ""):
                    yield number, match.start() == 0
                    break

    def subject_line(self, iri: str) -> int | None:
        """Line (from 1) where a description of ``iri`` starts (written at column 1)."""
        return next((number for number, at_start in self._matches(iri) if at_start), None)

    def locate(self, iri: str) -> int | None:
        """Line where ``iri`` is described, else where it is first written."""
        first = None
        for number, at_start in self._matches(iri):
            if at_start:
                return number
            first = first or number
        return first

    def where(self, iri: str) -> str:
        """``file:line`` of ``iri``, or just the file."""
        line = self.locate(iri)
        return f"{self.display}:{line}" if line else self.display


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 text file, with located errors for a missing or mis-encoded file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceDataError(
            "file not found", where=display, fix="check the path, or restore the file from git"
        ) from None
    except OSError as error:
        raise SourceDataError(f"cannot read the file: {error.strerror}", where=display) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceDataError(
            f"not UTF-8 (byte 0x{raw[error.start]:02x})",
            where=f"{display}:{line}",
            fix="save the file as UTF-8",
        ) from None


def parse_turtle(path: Path, base: str, display: str | None = None, *, allow_blank_nodes: bool = False):
    """Parse one Turtle file; return ``(triples, SourceFile)``.

    Relative IRIs (also in ``@prefix`` lines) resolve against ``base``. Blank nodes are refused
    unless allowed: data nodes need IRIs so that builds are byte-identical and every statement
    can be cited.
    """
    display = display or str(path)
    text = read_text(Path(path), display)
    source = SourceFile(Path(path), display, text, base)
    try:
        triples = [q.triple for q in ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE, base_iri=base)]
    except SyntaxError as error:
        raise _located_syntax_error(error, source) from None
    if not allow_blank_nodes:
        for triple in triples:
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                line = next(
                    (n for n, l in enumerate(source.lines, 1) if re.search(r"\[|_:", l.split("#", 1)[0])), None
                )
                raise SourceDataError(
                    "blank node ([ ... ] or _:x) in a data file",
                    where=f"{display}:{line}" if line else display,
                    fix="give the node an IRI (e.g. <quote/my-quote>) so it can be cited and builds stay byte-identical",
                )
    return triples, source


def _located_syntax_error(error: SyntaxError, source: SourceFile) -> SourceDataError:
    line = error.lineno or 0
    column = error.offset or 0
    message = str(error.msg or error)
    message = re.sub(r"^Parser error (between|at) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    excerpt = ""
    if 0 < line <= len(source.lines):
        text = source.lines[line - 1]
        excerpt = f"\n  {line:>4} | {text}\n       | {' ' * max(column - 1, 0)}^"
    return SourceDataError(
        f"Turtle syntax error: {message}{excerpt}",
        where=f"{source.display}:{line}:{column}",
        fix="correct the Turtle at that place (a missing '.', ';' or quote is the usual cause)",
    )

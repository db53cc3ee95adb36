"""Read input files strictly, with every failure turned into a located error.

Files are parsed with pyoxigraph (a strict, fast RDF 1.1 parser whose errors carry line and
column) into a fresh list per file, so a failed parse never leaves half a file behind. Before
parsing, nesting of ``[ ]`` / ``( )`` is bounded (:data:`graph.core.limits.MAX_TURTLE_DEPTH`). Any
other failure of a parser (an exception it does not document) also becomes a
:class:`~graph.core.errors.SourceDataError` naming the file, never a traceback.

Only the formats analysts need are read (:func:`load_file`): Turtle, N-Triples, CSV and XLSX.
RDF/XML (entity expansion: minutes in rdflib, gigabytes in pyoxigraph from under 1 KB) and
JSON-LD (remote contexts are fetched) are refused, and nothing an input file says
(``owl:imports``, an ``@context`` IRI) is ever fetched.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import IKZError, SourceDataError
from graph.core.i18n import msg
from graph.core.limits import MAX_TURTLE_DEPTH
from graph.rdf.registers import is_register, load_register
from graph.rdf.tables import read_table
from graph.rdf.textfile import read_text

#: A ``@prefix`` / ``PREFIX`` declaration: groups (name, namespace IRI).
PREFIX_RE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M)


@dataclass
class SourceFile:
    """A parsed file: its display name, text and prefixes, to point at lines in messages."""

    path: Path
    display: str
    text: str
    base: str
    prefixes: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, ns in PREFIX_RE.findall(self.text):
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


#: Input formats read, by file suffix.
FORMATS = {".ttl": "Turtle", ".nt": "N-Triples", ".csv": "CSV", ".xlsx": "XLSX"}
#: Formats refused on purpose, with the reason given to the user.
REFUSED_FORMATS = {
    ".rdf": "RDF/XML", ".owl": "RDF/XML", ".xml": "RDF/XML", ".jsonld": "JSON-LD", ".json": "JSON-LD",
    ".trig": "TriG", ".nq": "N-Quads", ".n3": "Notation3", ".trix": "TriX", ".html": "RDFa", ".htm": "RDFa",
}

_TURTLE_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>[\[(])
  | (?P<close>[\])])
  | (?P<other>[^\#'"<\[\]()]+|.)
    """,
    re.X | re.S,
)


def check_nesting(text: str, display: str, limit: int = MAX_TURTLE_DEPTH) -> None:
    """Refuse Turtle nesting ``[ ]`` / ``( )`` deeper than ``limit`` (outside strings, IRIs and
    comments), before any parser sees it.

    >>> check_nesting("<a> <b> ( ( 1 ) ) .", "x.ttl")
    >>> check_nesting("<a> <b> " + "(" * 65 + ")" * 65 + " .", "x.ttl")
    Traceback (most recent call last):
    ...
    graph.core.errors.SourceDataError: x.ttl:1:73: Verschachtelung tiefer als 64 Ebenen aus [ ] / ( ).
      Behebung: Schreiben Sie die verschachtelten Knoten als eigene Subjekte mit IRIs.
    """
    if "[" not in text and "(" not in text:
        return
    depth = 0
    for match in _TURTLE_TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "open":
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
                raise SourceDataError(msg("rdf.turtle.too-deep", limit=limit), where=f"{display}:{line}:{column}",
                                      fix=msg("rdf.turtle.too-deep-fix"))
        elif kind == "close":
            depth = max(depth - 1, 0)


@contextmanager
def located(display: str, what=None):
    """Turn any failure inside the block into a :class:`SourceDataError` naming ``display``:
    errors of IKZ-Graph pass unchanged, anything else (a parser's undocumented exception, a
    recursion or memory error) is reported as the file being unreadable, without a traceback.
    ``what`` names the thing read (a catalogue message; default: the file)."""
    what = what if what is not None else msg("rdf.read.the-file")
    try:
        yield
    except IKZError:
        raise
    except RecursionError:
        raise SourceDataError(msg("rdf.read.too-deep", what=what), where=display,
                              fix=msg("rdf.read.too-deep-fix")) from None
    except MemoryError:
        raise SourceDataError(msg("rdf.read.no-memory", what=what), where=display,
                              fix=msg("rdf.read.no-memory-fix")) from None
    except SyntaxError as error:  # a parser's syntax error without the usual place
        line, column = getattr(error, "lineno", None), getattr(error, "offset", None)
        reason = str(error.msg if getattr(error, "msg", None) else error)[:500]
        raise SourceDataError(msg("rdf.read.syntax", reason=reason),
                              where=f"{display}:{line}:{column}" if line else display,
                              fix=msg("rdf.read.syntax-fix")) from None
    except Exception as error:  # noqa: BLE001 - the point: no traceback for a bad input file
        kind = type(error).__name__
        module = type(error).__module__.lstrip("_")
        if module not in ("builtins", ""):
            kind = f"{module}.{kind}"
        raise SourceDataError(msg("rdf.read.failed", what=what, reason=f"{kind}: {error}"[:500]), where=display,
                              fix=msg("rdf.read.failed-fix")) from None


def parse_turtle(path: Path, base: str, display: str | None = None, *, allow_blank_nodes: bool = False):
    """Parse one Turtle (or, for ``.nt``, N-Triples) file; return ``(triples, SourceFile)``.

    Relative IRIs (also in ``@prefix`` lines) resolve against ``base``. Blank nodes are refused
    unless allowed: data nodes need IRIs so that builds are byte-identical and every statement
    can be cited. Every failure is a :class:`SourceDataError` with file (and line:column where
    the parser gives one).
    """
    display = display or str(path)
    text = read_text(Path(path), display)
    with located(display):
        check_nesting(text, display)
        source = SourceFile(Path(path), display, text, base)
        fmt = ox.RdfFormat.N_TRIPLES if Path(path).suffix == ".nt" else ox.RdfFormat.TURTLE
        try:
            triples = [q.triple for q in ox.parse(text.encode("utf-8"), format=fmt, base_iri=base)]
        except SyntaxError as error:
            raise _located_syntax_error(error, source) from None
        if not allow_blank_nodes:
            for triple in triples:
                if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                    line = next(
                        (n for n, l in enumerate(source.lines, 1) if re.search(r"\[|_:", l.split("#", 1)[0])), None
                    )
                    raise SourceDataError(
                        msg("rdf.turtle.blank-node"),
                        where=f"{display}:{line}" if line else display,
                        fix=msg("rdf.turtle.blank-node-fix"),
                    )
    return triples, source


def load_file(path: Path, base: str, display: str | None = None, **options):
    """Read any input file IKZ-Graph accepts, chosen by its suffix; every failure is a located
    :class:`SourceDataError`.

    * ``.ttl`` / ``.nt``: ``(triples, SourceFile)`` (:func:`parse_turtle`);
    * ``.csv`` with an ``ags`` column: a municipality register (:func:`graph.rdf.registers.load_register`);
    * ``.csv`` / ``.xlsx`` otherwise: a table (:func:`graph.rdf.tables.read_table`).

    RDF/XML, JSON-LD and the other RDF formats are refused with the reason.
    """
    path = Path(path)
    display = display or str(path)
    suffix = path.suffix.casefold()
    if suffix in REFUSED_FORMATS:
        raise SourceDataError(msg("rdf.file.refused-format", format=REFUSED_FORMATS[suffix]), where=display,
                              fix=msg("rdf.file.refused-format-fix"))
    if suffix not in FORMATS:
        raise SourceDataError(msg("rdf.file.unknown-kind", suffix=path.suffix or str(msg("rdf.file.no-suffix"))),
                              where=display,
                              fix=msg("rdf.file.unknown-kind-fix", formats=", ".join(f"{v} ({k})" for k, v in FORMATS.items())))
    with located(display):
        if suffix in (".ttl", ".nt"):
            return parse_turtle(path, base, display, **options)
        if suffix == ".csv" and is_register(read_text(path, display)):
            return load_register(path, base, display)
        return read_table(path, **options)  # the analysts' spreadsheets (CSV, XLSX)


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
        msg("rdf.turtle.syntax", reason=message, excerpt=excerpt),
        where=f"{source.display}:{line}:{column}",
        fix=msg("rdf.turtle.syntax-fix"),
    )

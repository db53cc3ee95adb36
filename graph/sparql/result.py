"""A query answer, the same whichever engine gave it.

An answer from the embedded store travels from the query worker as the engine's own
serialisation (SPARQL TSV results for SELECT, N-Triples for CONSTRUCT/DESCRIBE): bytes that
Oxigraph writes and reads in Rust, with no Python object per row on either side of the pipe.
The rows become rdflib terms only when they are read (:attr:`Result.rows`), once.
"""

from __future__ import annotations

from rdflib import Literal

from graph.core.i18n import current, t

#: Encodings of a lazy answer (see :class:`Encoded`).
TSV, NTRIPLES = "tsv", "nt"


class Encoded:
    """A serialised answer: ``data`` (bytes) in ``kind`` (:data:`TSV` or :data:`NTRIPLES`)."""

    __slots__ = ("kind", "data")

    def __init__(self, kind: str, data: bytes):
        self.kind, self.data = kind, data

    def decode(self) -> list:
        """SELECT: a list of row dicts; CONSTRUCT: a list of triples; all as rdflib terms."""
        import pyoxigraph as ox

        from graph.rdf.terms import to_rdflib

        if self.kind == TSV:
            solutions = ox.parse_query_results(self.data, ox.QueryResultsFormat.TSV)
            names = [v.value for v in solutions.variables]
            convert = _converter()
            return [{n: convert(term) for n, term in zip(names, solution)} for solution in solutions]
        return [(to_rdflib(x.subject), to_rdflib(x.predicate), to_rdflib(x.object))
                for x in ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES)]


def _converter():
    """``to_rdflib`` with a cache for IRIs (an answer repeats the same IRIs many times)."""
    from rdflib import URIRef
    import pyoxigraph as ox

    from graph.rdf.terms import to_rdflib

    iris: dict[str, URIRef] = {}

    def convert(term):
        if term is None:
            return None
        if type(term) is ox.NamedNode:
            value = term.value
            iri = iris.get(value)
            if iri is None:
                iri = iris[value] = URIRef(value)
            return iri
        return to_rdflib(term)

    return convert


class Result:
    """A query answer: ``vars`` and ``rows`` (dicts of rdflib terms) for SELECT, ``boolean``
    for ASK, ``triples`` for CONSTRUCT/DESCRIBE.

    ``rows`` and ``triples`` may be given as lists or as an :class:`Encoded` answer that is
    decoded on first access (an answer nobody reads costs no conversion).
    """

    def __init__(self, form: str, vars: list[str] | None = None, rows=None, boolean: bool | None = None,
                 triples=None, truncated: bool = False, limit: int | None = None, count: int | None = None):
        self.form = form
        self.vars = list(vars or [])
        self.boolean = boolean
        #: True when the query had more rows (triples) than ``limit`` and only ``limit`` are here.
        self.truncated = truncated
        self.limit = limit
        self._rows = rows if rows is not None else []
        self._triples = triples if triples is not None else []
        self._count = count

    @property
    def rows(self) -> list[dict]:
        if isinstance(self._rows, Encoded):
            self._rows = self._rows.decode()
        return self._rows

    @rows.setter
    def rows(self, value) -> None:
        self._rows, self._count = value, None

    @property
    def triples(self) -> list:
        if isinstance(self._triples, Encoded):
            self._triples = self._triples.decode()
        return self._triples

    @triples.setter
    def triples(self, value) -> None:
        self._triples, self._count = value, None

    @property
    def decoded(self) -> bool:
        """False while the rows (triples) are still in their serialised form."""
        return not isinstance(self._rows, Encoded) and not isinstance(self._triples, Encoded)

    def __repr__(self) -> str:
        if self.form == "ASK":
            return f"Result('ASK', boolean={self.boolean})"
        return f"Result({self.form!r}, vars={self.vars}, {len(self)} {'rows' if self.form == 'SELECT' else 'triples'})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Result):
            return NotImplemented
        return (self.form, self.vars, self.boolean, self.truncated, self.limit, self.rows, self.triples) == \
               (other.form, other.vars, other.boolean, other.truncated, other.limit, other.rows, other.triples)

    __hash__ = None

    def truncation_note(self, lang: str | None = None) -> str | None:
        """A one-line note for stderr when the answer was cut at the row cap, else None
        (in ``lang``, default the language in force).

        >>> Result("SELECT", truncated=True, limit=100000).truncation_note("de")[:42]
        'Hinweis: Antwort nach 100.000 Zeilen abges'
        """
        if not self.truncated:
            return None
        lang = lang or current()
        number = f"{self.limit:,}"
        if lang == "de":
            number = number.replace(",", ".")
        return t("sparql.run.truncated", lang, limit=number)

    def __len__(self) -> int:
        if self._count is not None and not self.decoded:
            return self._count
        return len(self.rows) if self.form == "SELECT" else len(self.triples)

    def values(self, var: str) -> list:
        """The values of one column, as Python strings (None where unbound)."""
        return [None if r.get(var) is None else str(r[var]) for r in self.rows]

    def tuples(self) -> list[tuple]:
        """The rows as tuples of Python strings in column order (None where unbound). Rows
        not read yet are taken from their serialised form directly (no rdflib terms)."""
        if isinstance(self._rows, Encoded) and self._rows.kind == TSV:
            return plain_rows(self._rows.data)[1]
        return [tuple(None if r.get(v) is None else str(r[v]) for v in self.vars) for r in self.rows]

    def to_dataframe(self):
        """The rows as a pandas DataFrame (needs pandas); values as Python values."""
        import pandas as pd  # optional dependency

        return pd.DataFrame(
            [{v: (None if r.get(v) is None else (r[v].toPython() if isinstance(r[v], Literal) else str(r[v]))) for v in self.vars} for r in self.rows],
            columns=self.vars,
        )

    def graph(self):
        """CONSTRUCT/DESCRIBE triples as an rdflib Graph."""
        from rdflib import Graph

        g = Graph()
        for triple in self.triples:
            g.add(triple)
        return g


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(text: str) -> str:
    import re

    def one(match):
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, code)

    return re.sub(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", one, text)


def plain_value(field: str) -> str | None:
    """The plain value of one TSV results field: an IRI without brackets, a literal's lexical
    form, a blank node's id; None for an empty (unbound) field.

    >>> [plain_value(f) for f in ('<http://x/a>', '"a\\\\tb"@de', '"2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date>', '12', '_:b0', '')]
    ['http://x/a', 'a\\tb', '2020-01-01', '12', 'b0', None]
    """
    if not field:
        return None
    first = field[0]
    if first == "<":
        return field[1:-1]
    if first == '"':
        value = field[1:field.rindex('"')]
        return _unescape(value) if "\\" in value else value
    if first == "_" and field.startswith("_:"):
        return field[2:]
    return field


def plain_rows(data: bytes) -> tuple[list[str], list[tuple]]:
    """SPARQL TSV results as (variables, rows as tuples of plain strings, None where unbound):
    the fast path for reading hundreds of thousands of rows (no term objects)."""
    lines = data.decode("utf-8").split("\n")
    header = lines[0]
    names = [name[1:] for name in header.split("\t")] if header else []
    out = []
    append = out.append
    width = len(names)
    for line in lines[1:]:
        if not line and width:
            continue
        if line[:1] == "<" and line[-1:] == ">" and '"' not in line:  # perhaps IRIs only (most rows)
            parts = line[1:-1].split(">\t<")
            if len(parts) == width:
                append(tuple(parts))
                continue
        append(tuple(map(plain_value, line.split("\t"))))
    return names, out

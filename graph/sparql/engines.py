"""The engines that answer SPARQL: the embedded Oxigraph store (default), rdflib (on Oxigraph
or in memory), and any SPARQL 1.1 Protocol endpoint (:mod:`graph.sparql.endpoint`). Each gets
text that has passed the gate and has its parameters bound (:mod:`graph.sparql.binding`), and returns a :class:`Result`."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import XSD

from graph.core.i18n import msg
from graph.sparql.endpoint import EndpointEngine, json_term, prologue  # noqa: F401 - re-exported
from graph.sparql.errors import QueryRefused
from graph.sparql.result import NTRIPLES, TSV, Encoded, Result, plain_rows
from graph.sparql.syntax import capped, check_syntax, syntax_error  # noqa: F401 - re-exported


class _Full(Exception):
    """Raised inside Oxigraph's serialiser to stop it at the row cap."""


class _CappedWriter:
    """A binary sink for ``QueryResults.serialize`` that keeps at most ``limit`` lines after
    ``skip`` header lines (one line per row in TSV and N-Triples: both escape newlines), and
    notes whether more followed. Raising :class:`_Full` stops the evaluation there."""

    def __init__(self, limit: int | None, skip: int):
        self.limit, self.skip = limit, skip
        self.chunks: list[bytes] = []
        self.lines = 0
        self.cut = False

    def write(self, data) -> int:
        data = bytes(data)
        wanted = None if self.limit is None else self.limit + self.skip
        newlines = data.count(b"\n")
        if wanted is not None and self.lines + newlines >= wanted:
            end = -1
            for _ in range(wanted - self.lines):
                end = data.index(b"\n", end + 1)
            self.chunks.append(data[:end + 1])
            self.lines = wanted
            if end + 1 < len(data):  # a further row began
                self.cut = True
                raise _Full
            return len(data)
        if wanted is not None and self.lines == wanted and data:
            self.cut = True
            raise _Full
        self.chunks.append(data)
        self.lines += newlines
        return len(data)

    def flush(self) -> None:
        pass


def serialize_capped(answer, fmt, max_rows: int | None, header: bool) -> tuple[bytes, int, bool]:
    """Serialise a query answer in ``fmt``, at most ``max_rows`` rows: (bytes, rows, cut)."""
    writer = _CappedWriter(max_rows, 1 if header else 0)
    try:
        answer.serialize(writer, format=fmt)
    except _Full:
        pass
    return b"".join(writer.chunks), writer.lines - (1 if header else 0), writer.cut


class OxigraphEngine:
    """The built graph in an in-memory pyoxigraph store (default)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, prefixes: dict[str, str]):
        self.store, self.prefixes = store, prefixes

    def check(self, text: str, where: str = "query") -> None:
        check_syntax(text, self.prefixes, where)

    def run(self, text: str, form: str, max_rows: int | None = None) -> Result:
        """The answer in Oxigraph's own serialisation (TSV results, N-Triples), written in Rust
        and cut at ``max_rows``: it crosses the worker's pipe as bytes, and the rows become
        rdflib terms only when read (:class:`~graph.sparql.result.Result`)."""
        answer = self.store.query(text, prefixes=self.prefixes)
        if form == "ASK" or isinstance(answer, ox.QueryBoolean):
            return Result("ASK", boolean=bool(answer))
        if form in ("CONSTRUCT", "DESCRIBE") or isinstance(answer, ox.QueryTriples):
            data, count, cut = serialize_capped(answer, ox.RdfFormat.N_TRIPLES, max_rows, header=False)
            return Result(form, triples=Encoded(NTRIPLES, data), truncated=cut, limit=max_rows, count=count)
        names = [v.value for v in answer.variables]
        data, count, cut = serialize_capped(answer, ox.QueryResultsFormat.TSV, max_rows, header=True)
        return Result(form, vars=names, rows=Encoded(TSV, data), truncated=cut, limit=max_rows, count=count)

    def tuples(self, text: str) -> tuple[list[str], list[tuple]]:
        """A SELECT's columns and rows as tuples of plain strings (through TSV results, no
        term objects: the fast path for large internal reads)."""
        answer = self.store.query(text, prefixes=self.prefixes)
        names = [v.value for v in answer.variables]
        data, _, _ = serialize_capped(answer, ox.QueryResultsFormat.TSV, None, header=True)
        return names, plain_rows(data)[1]


class RdflibEngine:
    """rdflib's SPARQL engine over the Oxigraph store (``rdflib``) or rdflib memory (``memory``)."""

    def __init__(self, graph, prefixes: dict[str, str], name: str):
        self.graph, self.prefixes, self.name = graph, prefixes, name

    def check(self, text: str, where: str = "query") -> None:
        check_syntax(text, self.prefixes, where)

    def run(self, text: str, form: str, max_rows: int | None = None, allow_service: bool = False) -> Result:
        if self.name == "memory":
            # rdflib evaluates itself: parse once, refuse what reaches out (a second line of
            # defence behind the gate), then evaluate the parsed query
            from rdflib.plugins.sparql import prepareQuery

            query = prepareQuery(text, initNs=self.prefixes)
            refuse_remote_algebra(query.algebra, allow_service)
            answer = self.graph.query(query)
        else:
            answer = self.graph.query(text, initNs=self.prefixes)
        if form == "ASK":
            return Result(form, boolean=bool(answer.askAnswer))
        if form in ("CONSTRUCT", "DESCRIBE"):
            triples, cut = capped(iter(answer), max_rows)
            return Result(form, triples=[tuple(plain(x) for x in t) for t in triples], truncated=cut, limit=max_rows)
        names = [str(v) for v in answer.vars]
        rows, cut = capped(iter(answer), max_rows)
        return Result(form, vars=names, rows=[{n: plain(row[n]) for n in names} for row in rows],
                      truncated=cut, limit=max_rows)

    def tuples(self, text: str) -> tuple[list[str], list[tuple]]:
        result = self.run(text, "SELECT")
        return result.vars, result.tuples()


def refuse_remote_algebra(algebra, allow_service: bool = False) -> None:
    """Refuse a parsed rdflib query that would call out: SERVICE or a dataset clause."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern" and not allow_service:
                raise QueryRefused(msg("sparql.gate.service"), fix=msg("sparql.gate.service_fix"))
            if dict.get(node, "datasetClause"):  # CompValue.get() answers the key when missing
                raise QueryRefused(msg("sparql.gate.from"), fix=msg("sparql.gate.from_fix"))
            stack.extend(dict.values(node))
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


def plain(term):
    """RDF 1.1: "x"^^xsd:string is "x". oxrdflib spells it out, the others don't; one form."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term

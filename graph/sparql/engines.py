"""The engines that answer SPARQL: the embedded Oxigraph store (default), rdflib (on Oxigraph
or in memory), and any SPARQL 1.1 Protocol endpoint. Each gets text that has passed the gate
and has its parameters bound (:mod:`graph.sparql.binding`), and returns a :class:`Result`."""

from __future__ import annotations

import itertools
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.core import limits
from graph.core.i18n import msg, t
from graph.rdf.terms import to_rdflib
from graph.sparql.errors import QueryFailure, QueryRefused, QuerySyntaxError, QueryTimeout
from graph.sparql.result import NTRIPLES, TSV, Encoded, Result, plain_rows


def capped(items, max_rows: int | None) -> tuple[list, bool]:
    """At most ``max_rows`` items of an iterator, and whether there were more."""
    if max_rows is None:
        return list(items), False
    taken = list(itertools.islice(items, max_rows + 1))
    return taken[:max_rows], len(taken) > max_rows


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


def syntax_error(message: str, text: str, where: str = "query") -> QuerySyntaxError:
    """A located syntax error (``where:line:col``) with the line and a caret."""
    match = re.search(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not match:
        return QuerySyntaxError(msg("sparql.run.syntax", detail=message), where=where)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    expected = re.fullmatch(r"expected (one of )?(.*)", detail, re.S)  # the parser's words, in ours
    if expected:
        detail = t("sparql.run.expected_one_of" if expected.group(1) else "sparql.run.expected",
                   what=expected.group(2))
    lines = text.splitlines()
    excerpt = ""
    if 0 < line <= len(lines):
        excerpt = f"\n  {line:>4} | {lines[line - 1]}\n       | {' ' * max(column - 1, 0)}^"
    return QuerySyntaxError(msg("sparql.run.syntax", detail=detail + excerpt), where=f"{where}:{line}:{column}",
                            fix=msg("sparql.run.syntax_fix"))


def check_syntax(text: str, prefixes: dict[str, str], where: str = "query") -> None:
    """Syntax-check ``text`` on an empty store (a located :class:`QuerySyntaxError`).
    pyoxigraph evaluates ASK eagerly: call it in the worker (``GraphQuery.run`` does)."""
    try:
        ox.Store().query(text, prefixes=prefixes)
    except SyntaxError as error:
        raise syntax_error(str(error), text, where) from None


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


def prologue(prefixes: dict[str, str], text: str) -> str:
    """PREFIX lines for an endpoint: the project's own prefixes (names and IRIs checked, so
    nothing but a prefix declaration can come out of them)."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", text, re.I)}
    safe = {k: v for k, v in prefixes.items()
            if re.fullmatch(r"[A-Za-z][\w.-]*|", k) and re.fullmatch(r"[^<>\"{}|^`\\\x00-\x20]*", v)}
    return " ".join(f"PREFIX {k}: <{v}>" for k, v in safe.items() if k.lower() not in declared)


class EndpointEngine:
    """Any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, GraphDB, QLever)."""

    def __init__(self, url: str, prefixes: dict[str, str], timeout: float | None):
        self.url, self.prefixes, self.timeout, self.name = url, prefixes, timeout, "endpoint"

    def check(self, text: str, where: str = "query") -> None:
        check_syntax(text, self.prefixes, where)

    def run(self, text: str, form: str, max_rows: int | None = None, timeout: float | None = None) -> Result:
        timeout = timeout if timeout is not None else self.timeout
        full = prologue(self.prefixes, text) + "\n" + text
        accept = "application/n-triples" if form in ("CONSTRUCT", "DESCRIBE") else "application/sparql-results+json"
        request = urllib.request.Request(
            self.url, data=urllib.parse.urlencode({"query": full}).encode(),
            headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"},
        )
        deadline = time.monotonic() + timeout if timeout else None
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body = _read_capped(response, deadline, self.url)
        except urllib.error.HTTPError as error:
            detail = error.read(2000).decode("utf-8", "replace")[:500]
            raise QueryFailure(msg("sparql.endpoint.http", code=error.code, detail=detail), where=self.url) from None
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), TimeoutError) or isinstance(error, TimeoutError):
                raise QueryTimeout(msg("sparql.endpoint.timeout", seconds=f"{timeout:g}"), where=self.url,
                                   fix=msg("sparql.run.timeout_fix")) from None
            raise QueryFailure(msg("sparql.endpoint.unreachable", reason=str(getattr(error, "reason", error))),
                               where=self.url, fix=msg("sparql.endpoint.unreachable_fix")) from None
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                parsed, cut = capped(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), max_rows)
                triples = [tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)) for t in parsed]
                return Result(form, triples=triples, truncated=cut, limit=max_rows)
            data = json.loads(body)
            if form == "ASK":
                return Result(form, boolean=bool(data["boolean"]))
            names = data["head"]["vars"]
            bindings, cut = capped(iter(data["results"]["bindings"]), max_rows)
            return Result(form, vars=names, rows=[{n: json_term(b.get(n)) for n in names} for b in bindings],
                          truncated=cut, limit=max_rows)
        except (ValueError, KeyError, TypeError, SyntaxError) as error:
            raise QueryFailure(msg("sparql.endpoint.bad_answer", detail=f"{type(error).__name__}: {error}"[:500]),
                               where=self.url) from None

    def tuples(self, text: str) -> tuple[list[str], list[tuple]]:
        result = self.run(text, "SELECT")
        return result.vars, result.tuples()


def _read_capped(response, deadline: float | None, url: str) -> bytes:
    """The response body, read in blocks: a wall-clock deadline for the whole answer (a socket
    timeout only bounds each read) and at most ``MAX_RESPONSE_BYTES``."""
    chunks, size = [], 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout(msg("sparql.endpoint.slow_answer"), where=url, fix=msg("sparql.run.timeout_fix"))
        block = response.read(1 << 16)
        if not block:
            return b"".join(chunks)
        size += len(block)
        if size > limits.MAX_RESPONSE_BYTES:
            raise QueryFailure(msg("sparql.endpoint.too_large", megabytes=limits.MAX_RESPONSE_BYTES >> 20), where=url,
                               fix=msg("sparql.endpoint.too_large_fix"))
        chunks.append(block)


def plain(term):
    """RDF 1.1: "x"^^xsd:string is "x". oxrdflib spells it out, the others don't; one form."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def json_term(value):
    """A term of SPARQL 1.1 JSON results as an rdflib term."""
    if value is None:
        return None
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype != str(XSD.string):
        return Literal(value["value"], datatype=URIRef(datatype), normalize=False)
    return Literal(value["value"])

"""Any SPARQL 1.1 Protocol endpoint as an engine: the query goes out over HTTP (the project's
prefixes prepended), the answer comes back as SPARQL 1.1 JSON results (or N-Triples for a
graph) read under a wall-clock deadline and a size cap.

Tested against the Oxigraph server (``ikz serve``) and Virtuoso Open Source 7.2. The endpoint
URL may carry the protocol's own parameters, e.g. ``?default-graph-uri=IRI`` for a server
whose default graph is the union of every graph (Virtuoso).

Answers are read as the embedded store gives them where RDF lets servers spell the same term
differently: booleans and integers in their canonical lexical form (Virtuoso writes
``"1"^^xsd:boolean``), language tags in lower case, an ASK answer written as ``1``/``0``.
Nothing else is changed: a different value stays a different answer.
"""

from __future__ import annotations

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
from graph.core.i18n import msg
from graph.rdf.terms import to_rdflib
from graph.sparql.errors import QueryFailure, QueryTimeout
from graph.sparql.result import Result
from graph.sparql.syntax import capped, check_syntax


def prologue(prefixes: dict[str, str], text: str) -> str:
    """PREFIX lines for an endpoint: the project's own prefixes (names and IRIs checked, so
    nothing but a prefix declaration can come out of them)."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", text, re.I)}
    safe = {k: v for k, v in prefixes.items()
            if re.fullmatch(r"[A-Za-z][\w.-]*|", k) and re.fullmatch(r"[^<>\"{}|^`\\\x00-\x20]*", v)}
    return " ".join(f"PREFIX {k}: <{v}>" for k, v in safe.items() if k.lower() not in declared)


class EndpointEngine:
    """Any SPARQL 1.1 Protocol endpoint (Oxigraph server, Virtuoso, Fuseki, GraphDB, QLever)."""

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
                return Result(form, boolean=ask_answer(data["boolean"]))
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


def ask_answer(value) -> bool:
    """An ASK answer: JSON ``true``/``false`` by the protocol; ``1``/``0`` or the strings
    ``"true"``/``"1"`` as some servers write them (never ``bool("false")``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    raise ValueError(f"not a boolean: {value!r}")


#: Datatypes whose values have several lexical forms (XSD 1.1: ``1`` and ``true`` are the same
#: boolean, ``+05`` and ``5`` the same integer); a server may answer any of them (Virtuoso writes
#: booleans as ``1``/``0``), so they are read in their canonical form, as the embedded store
#: gives them. Only the spelling changes, never the value or the type.
INTEGER_TYPES = {str(XSD[name]) for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}


def canonical(lexical: str, datatype: str) -> str:
    """The canonical lexical form of a boolean or integer (anything else unchanged)."""
    text = lexical.strip()
    if datatype == str(XSD.boolean) and text in ("1", "0", "true", "false"):
        return "true" if text in ("1", "true") else "false"
    if datatype in INTEGER_TYPES and re.fullmatch(r"[+-]?\d+", text):
        return str(int(text))
    return lexical


def json_term(value):
    """A term of SPARQL 1.1 JSON results (or SPARQL 1.0's ``typed-literal``) as an rdflib
    term, booleans and integers in their canonical form (:func:`canonical`)."""
    if value is None:
        return None
    if value["type"] == "uri":
        return URIRef(value["value"])
    if value["type"] == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"].lower())  # tags are case-insensitive
    datatype = value.get("datatype")
    if datatype and datatype != str(XSD.string):
        return Literal(canonical(value["value"], datatype), datatype=URIRef(datatype), normalize=False)
    return Literal(value["value"])

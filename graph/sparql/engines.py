"""The engines that answer SPARQL: the embedded Oxigraph store (default), rdflib (on Oxigraph
or in memory), and any SPARQL 1.1 Protocol endpoint (:mod:`graph.sparql.endpoint`). Each gets
text that has passed the gate and has its parameters bound (:mod:`graph.sparql.binding`), and returns a :class:`Result`."""

from __future__ import annotations

import pyoxigraph as ox
from rdflib import Literal
from rdflib.namespace import XSD

from graph.core.i18n import msg
from graph.rdf.terms import to_rdflib
from graph.sparql.endpoint import EndpointEngine, json_term, prologue  # noqa: F401 - re-exported
from graph.sparql.errors import QueryRefused
from graph.sparql.result import Result
from graph.sparql.syntax import capped, check_syntax, syntax_error  # noqa: F401 - re-exported


class OxigraphEngine:
    """The built graph in an in-memory pyoxigraph store (default)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, prefixes: dict[str, str]):
        self.store, self.prefixes = store, prefixes

    def check(self, text: str, where: str = "query") -> None:
        check_syntax(text, self.prefixes, where)

    def run(self, text: str, form: str, max_rows: int | None = None) -> Result:
        answer = self.store.query(text, prefixes=self.prefixes)
        if form == "ASK" or isinstance(answer, ox.QueryBoolean):
            return Result("ASK", boolean=bool(answer))
        if form in ("CONSTRUCT", "DESCRIBE") or isinstance(answer, ox.QueryTriples):
            triples, cut = capped(answer, max_rows)
            return Result(form, triples=[tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)) for t in triples],
                          truncated=cut, limit=max_rows)
        names = [v.value for v in answer.variables]
        solutions, cut = capped(answer, max_rows)
        rows = [{n: (None if solution[n] is None else to_rdflib(solution[n])) for n in names} for solution in solutions]
        return Result(form, vars=names, rows=rows, truncated=cut, limit=max_rows)

    def tuples(self, text: str) -> tuple[list[str], list[tuple]]:
        """A SELECT's columns and rows as tuples of plain strings (no rdflib terms: the fast
        path for large internal reads)."""
        answer = self.store.query(text, prefixes=self.prefixes)
        names = [v.value for v in answer.variables]
        return names, [tuple(None if term is None else term.value for term in row) for row in answer]


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

"""Run SPARQL: named questions, files or text, on the embedded store or any endpoint.

Every query passes the gate first (no SERVICE unless allowed, no FROM, no update, bounded
nesting and length), gets the project's prefixes without PREFIX lines, has its parameters bound
by a VALUES block (terms escaped by rdflib, never formatted into the text), and is checked and
run in a forked worker with a wall-clock timeout, an address-space cap and no network (a seccomp
filter refuses Internet sockets, whatever the engine's own HTTP client would do); at most
``max_rows`` rows come back, and ``Result.truncated`` says when there were more. A crash or kill
of the worker is a :class:`QueryFailure`; the next query runs in a fresh worker. Limits:
:mod:`graph.core.limits`.

>>> from graph.sparql.query import GraphQuery
>>> gq = GraphQuery.open()                                  # doctest: +SKIP
>>> gq.ask("partners-of-town", town="Breckerfeld").rows      # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import itertools
import json
import multiprocessing
import os
import re
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from graph.core import limits
from graph.core.errors import IKZError
from graph.core.limits import DEFAULT_TIMEOUT  # noqa: F401 - re-exported (graph.cli.main imports it from here)
from graph.rdf.parse import read_text
from graph.core.namespaces import base_iri as resolve_base
from graph.core.namespaces import data_prefixes
from graph.core.project import Project, find_project
from graph.sparql.questions import ANY, CONCEPT_SCHEMES, Question, QuestionError, get_question, load_library
from graph.rdf.terms import to_rdflib
from graph.sparql.gate import QueryRefused, bind_values, gate, query_form
from graph.sparql.stores import STORES, built_file, open_oxigraph, open_rdflib
from graph.sparql.worker import PersistentWorker


class QuerySyntaxError(IKZError):
    """The SPARQL does not parse."""


class QueryTimeout(IKZError):
    """The query ran longer than allowed."""

    exit_code = 3


class QueryFailure(IKZError):
    """The query could not be answered (endpoint unreachable, worker crashed)."""

    exit_code = 3


@dataclass
class Result:
    """A query answer: ``vars`` and ``rows`` (dicts of rdflib terms) for SELECT, ``boolean``
    for ASK, ``triples`` for CONSTRUCT/DESCRIBE."""

    form: str
    vars: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    #: True when the query had more rows (triples) than ``limit`` and only ``limit`` are here.
    truncated: bool = False
    limit: int | None = None

    def truncation_note(self, lang: str = "en") -> str | None:
        """A one-line note for stderr when the answer was cut at the row cap, else None."""
        if not self.truncated:
            return None
        if lang == "de":
            return (f"Hinweis: Antwort nach {self.limit:,} Zeilen abgeschnitten (Obergrenze); "
                    "mit LIMIT/Filtern eingrenzen oder $IKZ_MAX_ROWS erhöhen").replace(",", ".")
        return (f"note: answer truncated after {self.limit:,} rows (the row cap); "
                "narrow the query (LIMIT, filters) or raise $IKZ_MAX_ROWS")

    def __len__(self) -> int:
        return len(self.rows) if self.form == "SELECT" else len(self.triples)

    def values(self, var: str) -> list:
        """The values of one column, as Python strings (None where unbound)."""
        return [None if r.get(var) is None else str(r[var]) for r in self.rows]

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


def project_prefixes(project: Project, base: str | None = None) -> dict[str, str]:
    """The prefixes usable without PREFIX lines: those of ontology/*.ttl plus the data's."""
    prefixes: dict[str, str] = {}
    for path in sorted(project.ontology_dir.glob("*.ttl")):
        for name, ns in re.findall(r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", read_text(path, str(path)), re.M):
            if "://" in ns:
                prefixes.setdefault(name, ns)
    prefixes.update(data_prefixes(resolve_base(base)))
    return dict(sorted(prefixes.items()))


def _prologue(prefixes: dict[str, str], text: str) -> str:
    """PREFIX lines for an endpoint: the project's own prefixes (names and IRIs checked, so
    nothing but a prefix declaration can come out of them)."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", text, re.I)}
    safe = {k: v for k, v in prefixes.items()
            if re.fullmatch(r"[A-Za-z][\w.-]*|", k) and re.fullmatch(r"[^<>\"{}|^`\\\x00-\x20]*", v)}
    return " ".join(f"PREFIX {k}: <{v}>" for k, v in safe.items() if k.lower() not in declared)


# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------


def _capped(items, max_rows: int | None) -> tuple[list, bool]:
    """At most ``max_rows`` items of an iterator, and whether there were more."""
    if max_rows is None:
        return list(items), False
    taken = list(itertools.islice(items, max_rows + 1))
    return taken[:max_rows], len(taken) > max_rows


class OxigraphEngine:
    """The built graph in an in-memory pyoxigraph store (default)."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, prefixes: dict[str, str]):
        self.store, self.prefixes = store, prefixes

    def check(self, text: str, where: str = "query") -> None:
        """Syntax-check ``text`` (a located :class:`QuerySyntaxError`). On an empty store, but
        pyoxigraph evaluates ASK eagerly: call it in the worker (``GraphQuery.run`` does)."""
        try:
            ox.Store().query(text, prefixes=self.prefixes)
        except SyntaxError as error:
            raise _syntax_error(str(error), text, where) from None

    def run(self, text: str, form: str, max_rows: int | None = None) -> Result:
        answer = self.store.query(text, prefixes=self.prefixes)
        if form == "ASK" or isinstance(answer, ox.QueryBoolean):
            return Result("ASK", boolean=bool(answer))
        if form in ("CONSTRUCT", "DESCRIBE") or isinstance(answer, ox.QueryTriples):
            triples, cut = _capped(answer, max_rows)
            return Result(form, triples=[tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)) for t in triples],
                          truncated=cut, limit=max_rows)
        names = [v.value for v in answer.variables]
        solutions, cut = _capped(answer, max_rows)
        rows = [{n: (None if solution[n] is None else to_rdflib(solution[n])) for n in names} for solution in solutions]
        return Result(form, vars=names, rows=rows, truncated=cut, limit=max_rows)


class RdflibEngine:
    """rdflib's SPARQL engine over the Oxigraph store (``rdflib``) or rdflib memory (``memory``)."""

    def __init__(self, graph, prefixes: dict[str, str], name: str):
        self.graph, self.prefixes, self.name = graph, prefixes, name

    def check(self, text: str, where: str = "query") -> None:
        OxigraphEngine(ox.Store(), self.prefixes).check(text, where)

    def run(self, text: str, form: str, max_rows: int | None = None, allow_service: bool = False) -> Result:
        if self.name == "memory":
            # rdflib evaluates itself: parse once, refuse what reaches out (a second line of
            # defence behind the gate), then evaluate the parsed query
            from rdflib.plugins.sparql import prepareQuery

            query = prepareQuery(text, initNs=self.prefixes)
            _refuse_remote_algebra(query.algebra, allow_service)
            answer = self.graph.query(query)
        else:
            answer = self.graph.query(text, initNs=self.prefixes)
        if form == "ASK":
            return Result(form, boolean=bool(answer.askAnswer))
        if form in ("CONSTRUCT", "DESCRIBE"):
            triples, cut = _capped(iter(answer), max_rows)
            return Result(form, triples=[tuple(_plain(x) for x in t) for t in triples], truncated=cut, limit=max_rows)
        names = [str(v) for v in answer.vars]
        rows, cut = _capped(iter(answer), max_rows)
        return Result(form, vars=names, rows=[{n: _plain(row[n]) for n in names} for row in rows],
                      truncated=cut, limit=max_rows)


def _refuse_remote_algebra(algebra, allow_service: bool = False) -> None:
    """Refuse a parsed rdflib query that would call out: SERVICE or a dataset clause."""
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [algebra]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern" and not allow_service:
                raise QueryRefused("SERVICE (a federated query to another server) is refused",
                                   fix="run the query without SERVICE")
            if dict.get(node, "datasetClause"):  # CompValue.get() answers the key when missing
                raise QueryRefused("FROM / FROM NAMED is refused: the graph is one dataset and nothing is fetched",
                                   fix="remove the FROM clause")
            stack.extend(dict.values(node))
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(node.values())


class EndpointEngine:
    """Any SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, GraphDB, QLever)."""

    def __init__(self, url: str, prefixes: dict[str, str], timeout: float | None):
        self.url, self.prefixes, self.timeout, self.name = url, prefixes, timeout, "endpoint"

    def check(self, text: str, where: str = "query") -> None:
        OxigraphEngine(ox.Store(), self.prefixes).check(text, where)

    def run(self, text: str, form: str, max_rows: int | None = None, timeout: float | None = None) -> Result:
        timeout = timeout if timeout is not None else self.timeout
        full = _prologue(self.prefixes, text) + "\n" + text
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
            raise QueryFailure(f"the endpoint answered HTTP {error.code}: {detail}", where=self.url) from None
        except (urllib.error.URLError, OSError) as error:
            if isinstance(getattr(error, "reason", None), TimeoutError) or isinstance(error, TimeoutError):
                raise QueryTimeout(f"the endpoint did not answer within {timeout:g} s", where=self.url,
                                   fix="narrow the query (LIMIT, more specific patterns) or raise --timeout") from None
            raise QueryFailure(f"cannot reach the endpoint: {getattr(error, 'reason', error)}", where=self.url,
                               fix="check the URL (e.g. http://127.0.0.1:7878/query) and that the server runs") from None
        try:
            if form in ("CONSTRUCT", "DESCRIBE"):
                parsed, cut = _capped(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), max_rows)
                triples = [tuple(to_rdflib(x) for x in (t.subject, t.predicate, t.object)) for t in parsed]
                return Result(form, triples=triples, truncated=cut, limit=max_rows)
            data = json.loads(body)
            if form == "ASK":
                return Result(form, boolean=bool(data["boolean"]))
            names = data["head"]["vars"]
            bindings, cut = _capped(iter(data["results"]["bindings"]), max_rows)
            return Result(form, vars=names, rows=[{n: _json_term(b.get(n)) for n in names} for b in bindings],
                          truncated=cut, limit=max_rows)
        except (ValueError, KeyError, TypeError, SyntaxError) as error:
            raise QueryFailure(f"the endpoint's answer is not valid SPARQL results: {type(error).__name__}: {error}"[:500],
                               where=self.url) from None


def _read_capped(response, deadline: float | None, url: str) -> bytes:
    """The response body, read in blocks: a wall-clock deadline for the whole answer (a socket
    timeout only bounds each read) and at most ``MAX_RESPONSE_BYTES``."""
    chunks, size = [], 0
    while True:
        if deadline is not None and time.monotonic() > deadline:
            raise QueryTimeout("the endpoint's answer took longer than the timeout", where=url,
                               fix="narrow the query (LIMIT, more specific patterns) or raise --timeout")
        block = response.read(1 << 16)
        if not block:
            return b"".join(chunks)
        size += len(block)
        if size > limits.MAX_RESPONSE_BYTES:
            raise QueryFailure(f"the endpoint's answer is larger than {limits.MAX_RESPONSE_BYTES >> 20} MiB", where=url,
                               fix="narrow the query (LIMIT, more specific patterns)")
        chunks.append(block)


def _plain(term):
    """RDF 1.1: "x"^^xsd:string is "x". oxrdflib spells it out, the others don't; one form."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _json_term(value):
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


def _syntax_error(message: str, text: str, where: str = "query") -> QuerySyntaxError:
    match = re.search(r"error at (\d+):(\d+): (.*)", message, re.S)
    if not match:
        return QuerySyntaxError(f"SPARQL syntax error: {message}", where=where)
    line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3).strip()
    lines = text.splitlines()
    excerpt = ""
    if 0 < line <= len(lines):
        excerpt = f"\n  {line:>4} | {lines[line - 1]}\n       | {' ' * max(column - 1, 0)}^"
    return QuerySyntaxError(f"SPARQL syntax error: {detail}{excerpt}", where=f"{where}:{line}:{column}",
                            fix="correct the query at that place")


# ---------------------------------------------------------------------------------------------
# Running with a timeout
# ---------------------------------------------------------------------------------------------


def _quiet_stderr() -> None:
    """The worker's own stderr goes nowhere: its errors come back through the pipe, and a Rust
    abort's backtrace would only clutter the terminal (the parent explains the death)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _prepare_worker(memory_mb: int | None, offline: bool) -> None:
    """In a freshly forked worker: quiet crash reports, cap memory, cut the network."""
    import faulthandler

    faulthandler.disable()  # a crash of the worker is reported by the parent
    _quiet_stderr()
    if memory_mb:
        limits.cap_memory(memory_mb)
    if offline:
        limits.deny_network()


def _answer(connection, function, memory_mb: int | None) -> bool:
    """Send ``function()``'s value, or its exception, to the parent; False after running out
    of memory (the worker should then end)."""
    try:
        connection.send((True, function()))
    except MemoryError:
        connection.send((False, QueryFailure(
            f"the query needed more memory than the worker may use ({memory_mb} MiB)",
            fix="narrow the query (LIMIT, more specific patterns) or raise $IKZ_QUERY_MEMORY_MB")))
        return False
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
        try:
            connection.send((False, error))
        except Exception:  # the error itself does not pickle
            connection.send((False, QueryFailure(f"{type(error).__name__}: {error}")))
    return True


def _child(function, connection, memory_mb: int | None, offline: bool):
    """A worker for one call (forked per query)."""
    try:
        _prepare_worker(memory_mb, offline)
        _answer(connection, function, memory_mb)
    finally:
        connection.close()


def _death(exitcode: int | None, memory_mb: int | None) -> QueryFailure:
    """A clear message for a worker that ended without an answer."""
    fix = "the query may be too large for this machine; simplify it (the next query runs in a fresh worker)"
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        name = signal.Signals(number).name if number in set(signal.Signals) else f"signal {number}"
        if number == signal.SIGABRT and memory_mb:
            return QueryFailure(f"the query worker was stopped ({name}): most likely it reached the memory cap "
                                f"of {memory_mb} MiB", fix="narrow the query, or raise $IKZ_QUERY_MEMORY_MB")
        if number == signal.SIGKILL:
            return QueryFailure(f"the query worker was killed ({name}), e.g. by the system running out of memory",
                                fix=fix)
        return QueryFailure(f"the query worker crashed ({name})", fix=fix)
    return QueryFailure(f"the query worker died (exit code {exitcode if exitcode is not None else 'unknown'})", fix=fix)


def run_with_timeout(function, timeout: float | None, *, memory_mb: int | None = None, offline: bool = True):
    """Call ``function`` in a forked worker; kill it after ``timeout`` seconds.

    The worker may grow its address space by at most ``memory_mb`` MiB (default
    :func:`graph.core.limits.memory_mb`, 0 for no cap) and, when ``offline``, cannot open an
    Internet socket. A worker that crashes, is killed or runs out of memory is reported as a
    :class:`QueryFailure`; this process is not affected. With ``timeout=None``, or where
    ``fork`` is unavailable (Windows), the function runs in this process without these limits.
    """
    if not timeout or "fork" not in multiprocessing.get_all_start_methods():
        return function()
    memory_mb = limits.memory_mb() if memory_mb is None else memory_mb
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(function, sender, memory_mb, offline), daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped",
                               fix="narrow the query (LIMIT, more specific patterns) or raise --timeout")
        try:
            ok, value = receiver.recv()
        except (EOFError, OSError):
            worker.join(5)
            raise _death(worker.exitcode, memory_mb) from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if ok:
        return value
    raise value


# ---------------------------------------------------------------------------------------------
# The facade
# ---------------------------------------------------------------------------------------------


class GraphQuery:
    """Ask a built graph questions: the library behind ``ikz query`` and the notebooks.

    ``GraphQuery.open()`` loads the last build of the project into the default store.
    """

    def __init__(self, project: Project, engine, base: str | None = None):
        self.project = project
        self.engine = engine
        self.base = resolve_base(base)
        self.prefixes = engine.prefixes
        self._library: dict[str, Question] | None = None
        self._lookup_cache: dict = {}
        self._worker = None

    @classmethod
    def open(cls, project: Project | str | None = None, store: str = "oxigraph", *,
             graph_dir: str | Path | None = None, endpoint: str | None = None,
             base: str | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> "GraphQuery":
        """Open the built graph (``store`` oxigraph|rdflib|memory) or an ``endpoint`` URL."""
        if not isinstance(project, Project):
            project = find_project(project)
        prefixes = project_prefixes(project, base)
        if endpoint:
            return cls(project, EndpointEngine(endpoint, prefixes, timeout), base)
        if store not in STORES:
            raise IKZError(f"unknown store {store!r}", fix=f"use one of: {', '.join(STORES)}")
        path = built_file(project, graph_dir)
        if store == "oxigraph":
            return cls(project, OxigraphEngine(open_oxigraph(path), prefixes), base)
        return cls(project, RdflibEngine(open_rdflib(path, store), prefixes, store), base)

    @property
    def library(self) -> dict[str, Question]:
        if self._library is None:
            self._library = load_library(self.project)
        return self._library

    # -- running ------------------------------------------------------------------------------

    def run(self, text: str, bindings: dict | None = None, *, where: str = "query",
            allow_service: bool = False, timeout: float | None = DEFAULT_TIMEOUT,
            max_rows: int | None = None, memory_mb: int | None = None) -> Result:
        """Run SPARQL ``text`` with ``bindings`` (variable name → rdflib term).

        Gated here; checked and run in a worker with ``timeout`` (seconds), ``memory_mb`` and
        no network (see :func:`run_with_timeout`). At most ``max_rows`` rows (default
        :func:`graph.core.limits.max_rows`; 0 for all) come back, with ``truncated`` set when there
        were more.
        """
        gate(text, allow_service=allow_service, where=where)
        form = query_form(text)
        bound = bind_values(text, {k: v.n3() for k, v in (bindings or {}).items()})
        cap = limits.max_rows() if max_rows is None else (max_rows or None)
        engine = self.engine
        if isinstance(engine, EndpointEngine):
            # the syntax check may evaluate (ASK): in a worker too; the HTTP request has its
            # own deadline for the whole answer
            run_with_timeout(lambda: engine.check(text, where), timeout, memory_mb=memory_mb)
            return engine.run(bound, form, cap, timeout=timeout)

        def work():
            engine.check(text, where)
            if isinstance(engine, RdflibEngine):
                return engine.run(bound, form, cap, allow_service=allow_service)
            return engine.run(bound, form, cap)

        if timeout and not allow_service and memory_mb is None and PersistentWorker.available():
            # the usual case: a long-lived worker (same limits, no fork per query)
            if self._worker is None:
                self._worker = PersistentWorker(self._handle, memory_mb=limits.memory_mb(), offline=True)
            return self._worker.call((text, where, bound, form, cap), timeout)
        return run_with_timeout(work, timeout, memory_mb=memory_mb, offline=not allow_service)

    def _handle(self, request):
        """Runs in the persistent worker: check, then answer."""
        text, where, bound, form, cap = request
        self.engine.check(text, where)
        return self.engine.run(bound, form, cap)

    def close(self) -> None:
        """Stop the query worker (it also stops with this process)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def run_file(self, path: str | Path, bindings: dict | None = None, **options) -> Result:
        path = Path(path)
        return self.run(read_text(path, str(path)), bindings, where=str(path), **options)

    def ask(self, qid: str, params: dict | None = None, **options) -> Result:
        """Answer a named question; ``params`` maps parameter names to values as a user
        would type them (a town's name or AGS, a concept's label, ...)."""
        question = get_question(self.library, qid)
        bindings = self.bind(question, params or {})
        return self.run(question.text, bindings, where=self.project.relative(question.path), **options)

    # -- parameters ---------------------------------------------------------------------------

    def bind(self, question: Question, params: dict) -> dict:
        """Turn user-typed parameter values into RDF terms, checking names and types."""
        unknown = [name for name in params if question.param(name) is None]
        if unknown:
            names = ", ".join(p.name for p in question.params) or "none"
            raise QuestionError(f"question {question.id!r} has no parameter {unknown[0]!r}",
                                fix=f"its parameters are: {names}")
        bindings = {}
        for param in question.params:
            value = params.get(param.name, param.default)
            if value is None:
                raise QuestionError(
                    f"question {question.id!r} needs the parameter {param.name!r} ({param.type})",
                    fix=f"add -p {param.name} VALUE  (expected: {param.type})",
                )
            if value == ANY:
                continue
            bindings[param.name] = self.term(param.type, str(value), param.name)
        return bindings

    def term(self, kind: str, value: str, name: str = "value"):
        """Interpret ``value`` as an RDF term of parameter type ``kind``."""
        value = value.strip()
        if kind == "string":
            return Literal(value)
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise QuestionError(f"parameter {name!r} expects an integer, got {value!r}", fix="write digits only, e.g. 2")
            return Literal(int(value))
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise QuestionError(f"parameter {name!r} expects a date YYYY-MM-DD, got {value!r}", fix="e.g. 2016-03-21")
            return Literal(value, datatype=XSD.date)
        if kind == "iri":
            return self._iri(value, name)
        if kind == "municipality":
            return self._lookup("municipality", value, name)
        if kind == "district":
            return self._lookup("district", value, name)
        return self._lookup(kind, value, name)

    def _iri(self, value: str, name: str) -> URIRef:
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        prefix, _, local = value.partition(":")
        if prefix in self.prefixes and not value.startswith(("http://", "https://", "urn:")):
            value = self.prefixes[prefix] + local
        if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]*", value, re.I):
            raise QuestionError(f"parameter {name!r} expects an IRI, got {value!r}",
                                fix="write <https://...> or a prefixed name such as doc:votum-2016")
        return URIRef(value)

    def _candidates(self, kind: str) -> list[tuple[str, list[str]]]:
        """(IRI, names) of the things a parameter of ``kind`` can name, from lookup queries."""
        if kind not in self._lookup_cache:
            lookup = self.project.queries_dir / "lookup"
            if kind in CONCEPT_SCHEMES:
                result = self.run_file(lookup / "concepts.rq", {"scheme": URIRef(CONCEPT_SCHEMES[kind])})
            else:
                result = self.run_file(lookup / f"{kind}.rq")
            names: dict[str, list[str]] = {}
            for row in result.rows:
                names.setdefault(str(row["item"]), []).append(str(row["name"]))
            self._lookup_cache[kind] = sorted(names.items())
        return self._lookup_cache[kind]

    def _lookup(self, kind: str, value: str, name: str) -> URIRef:
        if value.startswith(("<", "http://", "https://")) or (":" in value and value.split(":")[0] in self.prefixes):
            return self._iri(value, name)
        wanted = value.casefold()
        candidates = self._candidates(kind)
        exact = [iri for iri, names in candidates if any(n.casefold() == wanted for n in names)]
        if not exact:  # a unique start ("Wetter" for "Wetter (Ruhr)")
            exact = [iri for iri, names in candidates if any(n.casefold().startswith(wanted) for n in names)]
        if len(exact) == 1:
            return URIRef(exact[0])
        all_names = sorted({n for _, names in candidates for n in names})
        shown = sorted(min((n for n in names if not n.isdigit()), key=len, default=names[0]) for _, names in candidates)
        if len(exact) > 1:
            options = sorted({names[0] for iri, names in candidates if iri in exact})
            raise QuestionError(f"parameter {name!r}: {value!r} is ambiguous ({', '.join(options)})",
                                fix="give the full name or the key")
        near = difflib.get_close_matches(value, all_names, n=3, cutoff=0.5)
        raise QuestionError(
            f"parameter {name!r} expects a {kind}, and {value!r} is not one",
            fix=(f"did you mean {', '.join(near)}? " if near else "") + f"Known: {', '.join(shown[:12])}"
            + (f" ... ({len(shown)} in all)" if len(shown) > 12 else ""),
        )


def _adhoc(self, value: str):
    """A parameter of an ad-hoc query (--file/--text): an IRI if it looks like one
    (<...>, http(s)://..., a known prefix), else a plain string literal."""
    if value.startswith("<") or value.startswith(("http://", "https://")):
        return self._iri(value, "value")
    prefix = value.split(":", 1)[0]
    if ":" in value and prefix in self.prefixes:
        return self._iri(value, "value")
    return Literal(value)


GraphQuery.adhoc_term = _adhoc

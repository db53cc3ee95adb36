"""Run SPARQL: named questions, internal query files or text, on the embedded store or any
endpoint, all through one path.

Every query passes the gate first (no SERVICE unless allowed, no FROM, no update, bounded
nesting and length), gets the project's prefixes without PREFIX lines, has its parameters bound
by tokens (:mod:`graph.sparql.binding`: the term replaces the variable everywhere, sub-SELECTs
included; never formatted from a user's text), and is checked and run in a forked worker with
a wall-clock timeout, an address-space cap and no network (:mod:`graph.sparql.worker`); at
most ``max_rows`` rows come back, and ``Result.truncated`` says when there were more. Values
users type are resolved by :mod:`graph.sparql.resolve`. Limits: :mod:`graph.core.limits`.

>>> from graph.sparql.query import GraphQuery
>>> gq = GraphQuery.open()                                  # doctest: +SKIP
>>> gq.ask("partners-of-town", {"town": "Breckerfeld"}).rows  # doctest: +SKIP
>>> gq.select("analysis/towns", {"lang": Literal("de")}).tuples()  # doctest: +SKIP
"""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from graph.core import limits
from graph.core.errors import IKZError, ProjectError
from graph.core.i18n import msg
from graph.core.limits import DEFAULT_TIMEOUT  # noqa: F401 - re-exported (graph.cli.main imports it from here)
from graph.core.namespaces import base_iri as resolve_base
from graph.core.namespaces import data_prefixes
from graph.core.project import Project, find_project
from graph.rdf.parse import read_text
from graph.sparql.binding import substitute
from graph.sparql.engines import EndpointEngine, OxigraphEngine, RdflibEngine
from graph.sparql.errors import (QueryFailure, QueryRefused, QuerySyntaxError, QueryTimeout,  # noqa: F401 - re-exported
                                 QuestionError, ValueNotFound)
from graph.sparql.gate import gate, query_form
from graph.sparql.memo import TextMemo
from graph.sparql.questions import ANY, Question, get_question, load_library
from graph.sparql.resolve import Resolver
from graph.sparql.result import Result  # noqa: F401 - re-exported
from graph.sparql.stores import STORES, built_file, open_oxigraph, open_rdflib, open_store_dir
from graph.sparql.syntax import checked
from graph.sparql.worker import PersistentWorker, run_with_timeout  # noqa: F401 - re-exported

__all__ = ["GraphQuery", "Result", "project_prefixes", "run_with_timeout", "QueryFailure", "QueryRefused",
           "QuerySyntaxError", "QueryTimeout", "QuestionError", "ValueNotFound", "OxigraphEngine",
           "RdflibEngine", "EndpointEngine", "DEFAULT_TIMEOUT"]


def project_prefixes(project: Project, base: str | None = None) -> dict[str, str]:
    """The prefixes usable without PREFIX lines: those of ontology/*.ttl plus the data's."""
    prefixes: dict[str, str] = {}
    for path in sorted(project.ontology_dir.glob("*.ttl")):
        for name, ns in re.findall(r"^\s*@prefix\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", read_text(path, str(path)), re.M):
            if "://" in ns:
                prefixes.setdefault(name, ns)
    prefixes.update(data_prefixes(resolve_base(base)))
    return dict(sorted(prefixes.items()))


class GraphQuery:
    """Ask a built graph questions: the library behind ``ikz query``, the notebooks, and every
    internal reader (analysis, views, report, build checks).

    ``GraphQuery.open()`` loads the last build of the project into the default store.
    """

    def __init__(self, project: Project, engine, base: str | None = None):
        self.project = project
        self.engine = engine
        self.base = resolve_base(base)
        self.prefixes = engine.prefixes
        self._library: dict[str, Question] | None = None
        self._worker = None
        self.resolver = Resolver(self)
        self._shown = TextMemo(entries=1024)       # a query file's path as shown in messages
        self._occurs = TextMemo(entries=4096)      # IRI -> does it occur in the graph

    @classmethod
    def open(cls, project: Project | str | None = None, store: str = "oxigraph", *,
             graph_dir: str | Path | None = None, endpoint: str | None = None,
             base: str | None = None, timeout: float | None = DEFAULT_TIMEOUT,
             store_dir: str | Path | None = None) -> "GraphQuery":
        """Open the built graph (``store`` oxigraph|rdflib|memory), an ``endpoint`` URL, or the
        on-disk store of ``ikz build --store-dir`` (``store_dir``; the oxigraph store of a
        build that wrote one opens it by itself)."""
        if not isinstance(project, Project):
            project = find_project(project)
        prefixes = project_prefixes(project, base)
        if endpoint:
            return cls(project, EndpointEngine(endpoint, prefixes, timeout), base)
        if store_dir is not None:
            return cls(project, OxigraphEngine(open_store_dir(store_dir), prefixes), base)
        if store not in STORES:
            raise IKZError(msg("sparql.run.unknown_store", store=repr(store)),
                           fix=msg("sparql.run.unknown_store_fix", known=", ".join(STORES)))
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
        no network (see :func:`~graph.sparql.worker.run_with_timeout`). At most ``max_rows``
        rows (default :func:`graph.core.limits.max_rows`; 0 for all) come back, with
        ``truncated`` set when there were more.
        """
        cap = limits.max_rows() if max_rows is None else (max_rows or None)
        return self._execute(text, bindings, where=where, allow_service=allow_service,
                             timeout=timeout, cap=cap, memory_mb=memory_mb)

    def _execute(self, text, bindings, *, where, allow_service, timeout, cap, memory_mb):
        # the gate's verdict, the form, where the parameters go and (in the worker) the syntax
        # check are worked out once per text (graph.sparql.memo); a call only looks them up
        gate(text, allow_service=allow_service, where=where)
        form = query_form(text)
        bound = substitute(text, bindings or {})
        engine = self.engine
        if isinstance(engine, EndpointEngine):
            # the syntax check may evaluate (ASK): in a worker too, once per text; the HTTP
            # request has its own deadline for the whole answer
            if not checked(text, engine.prefixes):
                run_with_timeout(lambda: engine.check(text, where), timeout, memory_mb=memory_mb)
                checked(text, engine.prefixes, passed=True)
            return engine.run(bound, form, cap, timeout=timeout)
        request = (text, where, bound, form, cap, allow_service)
        if timeout and not allow_service and memory_mb is None and PersistentWorker.available():
            # the usual case: a long-lived worker (same limits, no fork per query)
            if self._worker is None:
                self._worker = PersistentWorker(self._handle, memory_mb=limits.memory_mb(), offline=True)
            return self._worker.call(request, timeout)
        return run_with_timeout(lambda: self._handle(request), timeout, memory_mb=memory_mb,
                                offline=not allow_service)

    def _handle(self, request):
        """Runs in the worker: check, then answer (the embedded store's answer stays in its
        serialised form until it is read: :class:`~graph.sparql.result.Result`)."""
        text, where, bound, form, cap, allow_service = request
        self.engine.check(text, where)
        if isinstance(self.engine, RdflibEngine):
            return self.engine.run(bound, form, cap, allow_service=allow_service)
        return self.engine.run(bound, form, cap)

    def close(self) -> None:
        """Stop the query worker (it also stops with this process)."""
        if self._worker is not None:
            self._worker.stop()
            self._worker = None

    def refresh(self) -> None:
        """Forget what was read from the graph once and kept (the names the resolver knows,
        which IRIs occur) and stop the worker, so that the next question sees the store as it
        is now. Only needed after changing a store this object was given (a built graph
        never changes under an open ``GraphQuery``)."""
        self.close()
        self.resolver = Resolver(self)
        self._occurs.clear()

    def run_file(self, path: str | Path, bindings: dict | None = None, **options) -> Result:
        """Run a query file (gated, bound, in the worker like :meth:`run`)."""
        path = Path(path)
        return self.run(read_text(path, str(path)), bindings, where=self._display(path), **options)

    def query_path(self, query: str | Path) -> Path:
        """A query file by path, or by name under the project's ``queries/`` folder
        (``"analysis/towns"``, ``"lookup/district"``, ``"views/labels.rq"``)."""
        path = Path(query)
        if path.suffix != ".rq" and not path.is_file():
            path = path.with_name(path.name + ".rq")
        if not path.is_absolute() and not path.is_file():
            try:  # the project's own file, else the packaged one (product queries: always packaged)
                path = self.project.query_file(path.as_posix())
            except ProjectError:
                path = self.project.queries_dir / path
        if not path.is_file():
            raise QuestionError(msg("sparql.run.no_query_file", name=str(query)), where=str(path),
                                fix=msg("sparql.run.no_query_file_fix", folder=self._display(self.project.queries_dir)))
        return path

    def select(self, query: str | Path, bindings: dict | None = None, *, timeout: float | None = DEFAULT_TIMEOUT,
               max_rows: int | None = 0, **options) -> Result:
        """The entry point for internal readers: run a query file (a path, or a name under
        ``queries/`` such as ``"analysis/towns"``) with ``bindings`` (name → rdflib term),
        gated and in the worker, with no row cap by default."""
        return self.run_file(self.query_path(query), bindings, timeout=timeout, max_rows=max_rows, **options)

    def tuples(self, query: str | Path, bindings: dict | None = None, *,
               timeout: float | None = DEFAULT_TIMEOUT) -> list[tuple]:
        """Like :meth:`select`, but the rows as tuples of plain strings in column order (None
        where unbound), without rdflib terms: the fast path for large reads (hundreds of
        thousands of rows), through the same gate and worker."""
        return self.run_file(self.query_path(query), bindings, timeout=timeout, max_rows=0).tuples()

    def _display(self, path: Path) -> str:
        shown = self._shown.get(str(path))
        if shown is None:
            try:
                shown = self.project.relative(path)
            except (ValueError, AttributeError):
                shown = str(path)
            self._shown.put(str(path), shown)
        return shown

    def ask(self, qid: str, params: dict | None = None, **options) -> Result:
        """Answer a named question; ``params`` maps parameter names to values as a user
        would type them (a town's name or AGS, a concept's label, ...)."""
        question = get_question(self.library, qid)
        bindings = self.bind(question, params or {})
        return self.run(question.text, bindings, where=self._display(question.path), **options)

    # -- parameters ---------------------------------------------------------------------------

    def bind(self, question: Question, params: dict) -> dict:
        """Turn user-typed parameter values into RDF terms, checking names and types."""
        unknown = [name for name in params if question.param(name) is None]
        if unknown:
            names = ", ".join(p.name for p in question.params) or msg("sparql.param.none")
            raise QuestionError(msg("sparql.param.unknown", question=repr(question.id), name=repr(unknown[0])),
                                fix=msg("sparql.param.unknown_fix", names=names))
        bindings = {}
        for param in question.params:
            value = params.get(param.name, param.default)
            if value is None:
                raise QuestionError(
                    msg("sparql.param.missing", question=repr(question.id), name=repr(param.name), kind=param.type),
                    fix=msg("sparql.param.missing_fix", name=param.name, kind=param.type),
                )
            if value == ANY:
                continue
            bindings[param.name] = self.term(param.type, str(value), param.name)
        return bindings

    def term(self, kind: str, value: str, name: str = "value"):
        """Interpret ``value`` as an RDF term of parameter type ``kind``: literals are checked
        here, things (towns, districts, concepts, documents) are resolved by
        :class:`~graph.sparql.resolve.Resolver`, and an IRI must occur in the graph."""
        value = value.strip()
        if kind == "string":
            return Literal(value)
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d+", value):
                raise QuestionError(msg("sparql.param.integer", name=repr(name), value=repr(value)),
                                    fix=msg("sparql.param.integer_fix"))
            return Literal(int(value))
        if kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise QuestionError(msg("sparql.param.date", name=repr(name), value=repr(value)),
                                    fix=msg("sparql.param.date_fix"))
            return Literal(value, datatype=XSD.date)
        if kind == "iri":
            iri = self.iri(value, name)
            if str(iri).startswith(self.base + "doc/"):
                return self.resolver.resolve("document", value, name)
            if not self.occurs(iri):
                raise ValueNotFound(msg("sparql.param.iri_unknown", name=repr(name), value=value),
                                    fix=msg("sparql.param.iri_unknown_fix"))
            return iri
        return self.resolver.resolve(kind, value, name)

    def occurs(self, iri: URIRef) -> bool:
        """Whether ``iri`` occurs in the graph (as a subject or an object): asked once per IRI
        (``queries/lookup/occurs.rq``) and remembered until :meth:`refresh`."""
        known = self._occurs.get(str(iri))
        if known is None:
            known = bool(self.select("lookup/occurs", {"iri": iri}).boolean)
            self._occurs.put(str(iri), known)
        return known

    def looks_like_iri(self, value: str) -> bool:
        """``<...>``, ``http(s)://...``, ``urn:...`` or a prefixed name with a known prefix."""
        if value.startswith(("<", "http://", "https://", "urn:")):
            return True
        prefix, colon, _ = value.partition(":")
        return bool(colon) and prefix in self.prefixes

    def iri(self, value: str, name: str = "value") -> URIRef:
        """An IRI as typed (``<...>``, full, or prefixed with a project prefix), checked."""
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        prefix, _, local = value.partition(":")
        if prefix in self.prefixes and not value.startswith(("http://", "https://", "urn:")):
            value = self.prefixes[prefix] + local
        if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|^`\\]*", value, re.I):
            raise QuestionError(msg("sparql.param.iri", name=repr(name), value=repr(value)),
                                fix=msg("sparql.param.iri_fix"))
        return URIRef(value)

    def compact(self, iri: str) -> str:
        """An IRI as a prefixed name where a project prefix fits (``doc:votum-2016``)."""
        best = max((ns for ns in self.prefixes.values() if iri.startswith(ns)), key=len, default=None)
        if best is None:
            return f"<{iri}>"
        name = next(k for k, v in self.prefixes.items() if v == best)
        return f"{name}:{iri[len(best):]}"

    def adhoc_term(self, value: str):
        """A parameter of an ad-hoc query (--file/--text): an IRI if it looks like one
        (<...>, http(s)://..., a known prefix), else a plain string literal."""
        if self.looks_like_iri(value) and not value.startswith("urn:"):
            return self.iri(value, "value")
        return Literal(value)

"""The workbench's pages: the question library, a page per question, a page per IRI, own
SPARQL and the network views, rendered on the server from jinja2 templates (autoescaped).

:class:`Workbench` answers one request at a time (``handle(method, path, query, headers,
body)`` → :class:`Response`) and knows nothing about sockets: the gateway of
:mod:`graph.outputs.serve` calls it, the tests may too. Every query goes through
:class:`~graph.sparql.query.GraphQuery` (gate, worker, timeout, row cap), exactly as
``ikz query`` runs it, so a page's answer and its CSV equal the command's.
"""

from __future__ import annotations

import re
import threading
import tomllib
import traceback
import urllib.parse
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from rdflib import Literal, URIRef

from graph.core import limits, resources
from graph.core.errors import IKZError
from graph.core.i18n import LANGS, has, msg, t, use
from graph.sparql import formats
from graph.sparql.errors import QueryTimeout, QuestionError, ValueNotFound
from graph.sparql.gate import query_form
from graph.sparql.questions import ANY, Question, get_question
from graph.sparql.resolve import KINDS

from .downloads import GRAPH_DOWNLOADS, TABLE_DOWNLOADS, table_download

HERE = importlib_resources.files("graph.outputs.workbench")  # templates and style, inside the wheel too
#: Rows shown in a page's table (the downloads hold the whole answer).
SHOWN_ROWS = 1000
#: The views reachable from the pages (graph.outputs.views.KINDS).
VIEWS = ("facilities", "partners")
#: Content-Security-Policy of every workbench page: no script at all, styles from here only.
CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
#: RDF media types a client may ask a resource IRI for (content negotiation) → format.
RDF_TYPES = {"text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt",
             "application/ld+json": "jsonld"}
ISA = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
MUNICIPALITY = "https://w3id.org/ikz/ontology#Municipality"
#: Named questions whose ``town`` parameter a town page offers.
TOWN_QUESTIONS = ("town-profile", "cooperations-of-town", "partners-of-town")


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


class Page(Exception):
    """An error shown as a page: ``status`` and an :class:`IKZError`-like what/fix."""

    def __init__(self, status: int, error: IKZError):
        super().__init__(str(error))
        self.status, self.error = status, error


def parse_accept(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (stable for equal q).

    >>> parse_accept("text/html;q=0.9, text/turtle")
    ['text/turtle', 'text/html']
    """
    ranked = []
    for index, part in enumerate((header or "").split(",")):
        kind, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if kind and q > 0:
            ranked.append((-q, index, kind.casefold()))
    return [kind for _, _, kind in sorted(ranked)]


def negotiated_rdf(header: str | None) -> str | None:
    """The RDF format an Accept header asks for ahead of HTML, else None."""
    for kind in parse_accept(header):
        if kind in RDF_TYPES:
            return RDF_TYPES[kind]
        if kind in ("text/html", "application/xhtml+xml", "*/*", "text/*"):
            return None
    return None


class Workbench:
    """The pages over one built graph. ``gq_factory`` opens the
    :class:`~graph.sparql.query.GraphQuery` on first use; ``graph_file`` is the build's
    ``ikz.nt`` (for the views)."""

    def __init__(self, project, graph_file: Path, *, timeout_s: int = 30, endpoint_path: str = "/query"):
        self.project, self.graph_file = project, Path(graph_file)
        self.timeout_s, self.endpoint_path = timeout_s, endpoint_path
        self.lock = threading.RLock()
        self._gq = None
        self._labels: dict[str, dict[str, str]] = {}
        self._views: dict[tuple, bytes] = {}
        self._store = None
        self.env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                               autoescape=select_autoescape(default=True, default_for_string=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals.update(t=t)

    # -- the graph ----------------------------------------------------------------------------

    @property
    def gq(self):
        if self._gq is None:
            from graph.sparql.query import GraphQuery

            self._gq = GraphQuery.open(self.project, graph_dir=self.graph_file.parent, timeout=self.timeout_s)
        return self._gq

    def close(self) -> None:
        if self._gq is not None:
            self._gq.close()

    def _internal(self, name: str, bindings: dict):
        return self.gq.select(resources.query_file(f"workbench/{name}.rq"), bindings, timeout=self.timeout_s)

    def labels(self, lang: str) -> dict[str, str]:
        """IRI → its label in ``lang`` (best of queries/workbench/labels.rq), read once."""
        if lang not in self._labels:
            best: dict[str, tuple[int, str]] = {}
            rows = self.gq.tuples(resources.query_file("workbench/labels.rq"), {"lang": Literal(lang)},
                                  timeout=self.timeout_s)
            for iri, rank, label in rows:
                rank = int(rank)
                if iri not in best or (rank, label) < best[iri]:
                    best[iri] = (rank, label)
            self._labels[lang] = {iri: label for iri, (_, label) in best.items()}
        return self._labels[lang]

    def compact(self, iri: str) -> str:
        return formats.shorten(URIRef(iri), self.gq.prefixes)

    # -- requests -----------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: str = "", headers=None, body: bytes = b"") -> Response:
        """Answer one request; never raises (errors become German or English pages)."""
        headers = headers or {}
        params = urllib.parse.parse_qsl(query, keep_blank_values=True)
        if method == "POST":
            params += urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        values = dict(params)
        lang = values.get("lang") if values.get("lang") in LANGS else "de"
        with use(lang), self.lock:
            try:
                return self._route(method, path, values, headers, lang)
            except Page as page:
                return self._error_page(page.status, page.error, lang)
            except QueryTimeout as error:
                return self._error_page(503, error, lang)
            except IKZError as error:
                return self._error_page(400, error, lang)
            except Exception as error:  # noqa: BLE001 - a page, never a traceback, for the user
                traceback.print_exc()
                return self._error_page(500, IKZError(msg("workbench.error.internal", kind=type(error).__name__),
                                                      fix=msg("workbench.error.internal_fix")), lang)

    def _route(self, method, path, values, headers, lang) -> Response:
        if path == "/sparql":
            return self.sparql_page(values, lang)
        if method not in ("GET", "HEAD"):
            raise Page(405, IKZError(msg("workbench.error.method")))
        if path in ("/", "/fragen"):
            return self.library_page(values, lang)
        if path.startswith("/frage/"):
            return self.question_page(urllib.parse.unquote(path[len("/frage/"):]), values, lang)
        if path == "/r":
            return self.resource_page(values, headers, lang)
        if path.startswith("/ansicht/"):
            return self.view_page(path[len("/ansicht/"):], values, lang)
        if path == "/static/workbench.css":
            return Response(200, (HERE / "static" / "workbench.css").read_bytes(), "text/css; charset=utf-8",
                            [("Cache-Control", "max-age=300")])
        raise Page(404, IKZError(msg("workbench.error.not_found", path=path), fix=msg("workbench.error.not_found_fix")))

    # -- rendering ----------------------------------------------------------------------------

    def link(self, path: str, lang: str, **params) -> str:
        """A link to ``path`` with ``params`` (None left out) and the language when not German."""
        items = [(k, v) for k, v in params.items() if v is not None]
        if lang != "de":
            items.append(("lang", lang))
        return path + ("?" + urllib.parse.urlencode(items) if items else "")

    def resource_link(self, iri: str, lang: str) -> str:
        return self.link("/r", lang, iri=iri)

    def page(self, template: str, lang: str, status: int = 200, **context) -> Response:
        other = "en" if lang == "de" else "de"
        here = context.pop("here", "/")
        switch = context.pop("switch", None) or here
        switch_params = dict(context.pop("switch_params", {}))
        html = self.env.get_template(template).render(
            lang=lang, other=other, link=lambda p, **kw: self.link(p, lang, **kw),
            switch_link=self.link(switch, other, **switch_params), **context)
        return Response(status, html.encode("utf-8"), headers=[("Content-Security-Policy", CSP),
                                                               ("Referrer-Policy", "no-referrer")])

    def _error_page(self, status: int, error: IKZError, lang: str) -> Response:
        suggestions = getattr(error, "suggestions", [])
        return self.page("error.html.j2", lang, status, error=error, what=error.what, where=error.where,
                         fix=error.fix, suggestions=suggestions, here="/")

    def cell(self, term, lang: str) -> dict:
        """One value as the pages show it: text, and for an IRI its label and a link."""
        if term is None:
            return {"value": "", "text": ""}
        value = str(term)
        if isinstance(term, URIRef):
            label = self.labels(lang).get(value)
            return {"value": value, "text": label or self.compact(value), "iri": self.compact(value),
                    "href": self.resource_link(value, lang), "labelled": bool(label)}
        return {"value": value, "text": value}

    def table(self, result, lang: str) -> dict:
        rows = [[self.cell(row.get(v), lang) for v in result.vars] for row in result.rows[:SHOWN_ROWS]]
        return {"vars": result.vars, "rows": rows, "count": len(result.rows), "shown": len(rows),
                "truncated": result.truncated, "limit": result.limit}

    # -- the library --------------------------------------------------------------------------

    def topics(self) -> list[tuple[str, list[Question]]]:
        """(topic, questions) in the order of queries/workbench/topics.toml; the rest after."""
        mapping = tomllib.loads(resources.query_file("workbench/topics.toml").read_text(encoding="utf-8"))
        library = self.gq.library
        placed: set[str] = set()
        groups = []
        for topic, entry in mapping.items():
            questions = [library[q] for q in entry.get("questions", []) if q in library]
            placed.update(q.id for q in questions)
            groups.append((topic, questions))
        rest = [q for q in library.values() if q.id not in placed]
        groups.append(("more", [q for q in rest if not q.is_violation_check]))
        groups.append(("checks", [q for q in rest if q.is_violation_check]))
        return [(topic, questions) for topic, questions in groups if questions]

    def library_page(self, values, lang) -> Response:
        search = values.get("q", "").strip()
        groups = self.topics()
        total = sum(len(questions) for _, questions in groups)
        if search:
            words = [w.casefold() for w in search.split()]

            def matches(q: Question) -> bool:
                text = " ".join([q.id, *q.title.values(), *q.question.values(),
                                 *(f"{p.name} {p.type} {t('workbench.kind.' + p.type)}" for p in q.params)]).casefold()
                return all(w in text for w in words)

            groups = [(topic, [q for q in questions if matches(q)]) for topic, questions in groups]
            groups = [(topic, questions) for topic, questions in groups if questions]
        found = sum(len(questions) for _, questions in groups)
        return self.page("library.html.j2", lang, groups=groups, search=search, found=found, total=total,
                         views=VIEWS, shown_params=self.shown_params, here="/",
                         switch_params={"q": search} if search else {})

    @staticmethod
    def shown_params(question: Question):
        """The parameters a user sets (``lang`` follows the page's language)."""
        return [p for p in question.params if p.name != "lang"]

    # -- a question ---------------------------------------------------------------------------

    def question_page(self, qid: str, values, lang) -> Response:
        try:
            question = get_question(self.gq.library, qid)
        except QuestionError as error:
            raise Page(404, error) from None
        fmt = values.get("format")
        if fmt and fmt not in TABLE_DOWNLOADS:
            raise Page(400, IKZError(msg("workbench.error.unknown_format", format=repr(fmt)),
                                     fix=msg("workbench.error.unknown_format_fix", known=", ".join(TABLE_DOWNLOADS))))
        shown = self.shown_params(question)
        given = {p.name: values[p.name].strip() for p in shown if values.get(p.name, "").strip()}
        chosen = {p.name: given.get(p.name, p.default) for p in shown}
        missing = [p.name for p in shown if chosen[p.name] is None]
        fields = [self.field(p, chosen[p.name], lang) for p in shown]
        permalink_params = {name: value for name, value in chosen.items() if value is not None}
        permalink = self.link(f"/frage/{question.id}", lang, **permalink_params)
        context = dict(question=question, title=question.title_in(lang), text=question.question_in(lang),
                       fields=fields, permalink=permalink, here=f"/frage/{question.id}",
                       switch_params=permalink_params, downloads=[], table=None, boolean=None, error=None,
                       missing=", ".join(missing), cli=self.cli_line(question, chosen, lang),
                       sparql_link=self.link("/sparql", lang, query=question.text))
        if missing:
            return self.page("question.html.j2", lang, **context)
        params = {name: value for name, value in chosen.items()}
        if question.param("lang"):
            params["lang"] = lang
        try:
            result = self.gq.ask(question.id, params, timeout=self.timeout_s)
        except ValueNotFound as error:
            suggestions = [(s, self.link(f"/frage/{question.id}", lang,
                                         **{**permalink_params, self._param_of(error, shown): s}))
                           for s in error.suggestions]
            context.update(error=error, suggestions=suggestions)
            return self.page("question.html.j2", lang, 400, **context)
        except QuestionError as error:
            context.update(error=error, suggestions=[])
            return self.page("question.html.j2", lang, 400, **context)
        if fmt:
            media, suffix = TABLE_DOWNLOADS[fmt]
            return Response(200, table_download(result, fmt, self.gq.prefixes), media,
                            [("Content-Disposition", f'attachment; filename="{question.id}.{suffix}"')])
        context["downloads"] = [(f, t(f"workbench.format.{f}"), self.link(f"/frage/{question.id}", lang,
                                                                         **permalink_params, format=f))
                                for f in TABLE_DOWNLOADS]
        if result.form == "ASK":
            context["boolean"] = result.boolean
        else:
            context["table"] = self.table(result, lang)
        return self.page("question.html.j2", lang, **context)

    @staticmethod
    def _param_of(error: ValueNotFound, shown) -> str:
        """The parameter a did-you-mean belongs to (the resolver names it in the message)."""
        text = error.format("en")
        for param in shown:
            if param.name in text:
                return param.name
        return shown[0].name if shown else "value"

    def field(self, param, value, lang) -> dict:
        options = []
        if param.type in KINDS:
            known = self.gq.resolver.values(param.type, lang)
            if param.type == "document":
                options = [self.compact(iri) for _, _, iri in known]
            else:
                options = [label for label, _, _ in known]
        elif param.name in ("doc",) and param.type == "iri":
            options = [self.compact(iri) for _, _, iri in self.gq.resolver.values("document", lang)]
        if param.default == ANY:
            options = [ANY] + options
        return {"name": param.name, "kind": t(f"workbench.kind.{param.type}"), "value": "" if value is None else value,
                "required": param.required, "any": param.default == ANY, "options": list(dict.fromkeys(options)),
                "default": param.default}

    @staticmethod
    def cli_line(question: Question, chosen: dict, lang: str) -> str:
        parts = ["ikz"] + (["--lang", lang] if lang != "de" else []) + ["query", question.id]
        for name, value in chosen.items():
            if value is not None and value != question.param(name).default:
                parts += ["-p", name, _shell(value)]
        return " ".join(parts) + " --format csv"

    # -- a resource ---------------------------------------------------------------------------

    def resource_page(self, values, headers, lang) -> Response:
        raw = values.get("iri", "").strip()
        if not raw:
            raise Page(400, IKZError(msg("workbench.error.no_iri"), fix=msg("workbench.error.unknown_iri_fix")))
        try:
            iri = self.gq.iri(raw, "iri")
        except QuestionError as error:
            raise Page(400, error) from None
        if not self.gq.select("lookup/occurs", {"iri": iri}, timeout=self.timeout_s).boolean:
            raise Page(404, IKZError(msg("workbench.error.unknown_iri", iri=str(iri)),
                                     fix=msg("workbench.error.unknown_iri_fix")))
        fmt = values.get("format") or negotiated_rdf(headers.get("Accept"))
        if fmt:
            if fmt not in GRAPH_DOWNLOADS:
                raise Page(400, IKZError(msg("workbench.error.unknown_format", format=repr(fmt)),
                                         fix=msg("workbench.error.unknown_format_fix", known=", ".join(GRAPH_DOWNLOADS))))
            result = self._internal("describe", {"resource": iri})
            media, _ = GRAPH_DOWNLOADS[fmt]
            return Response(200, formats.graph_text(result, fmt, self.gq.prefixes).encode("utf-8"), media,
                            [("Vary", "Accept")])
        language = Literal(lang)
        facts = self._internal("subject", {"resource": iri, "lang": language})
        incoming = self._internal("incoming", {"resource": iri, "lang": language})
        quotes = self._internal("quotes", {"resource": iri, "lang": language})
        labels = self.labels(lang)
        label = labels.get(str(iri)) or self.compact(str(iri))
        types = [self.cell(row["o"], lang) for row in facts.rows if str(row["p"]) == ISA]
        rows = [(self.predicate(row["p"], row.get("pLabel"), lang), self.cell(row["o"], lang)) for row in facts.rows
                if str(row["p"]) != ISA]
        links = [(self.cell(row["s"], lang), self.predicate(row["p"], row.get("pLabel"), lang)) for row in incoming.rows]
        evidence = [{"exact": str(row["exact"]), "line": row.get("line"),
                     "quote": self.resource_link(str(row["quote"]), lang),
                     "document": self.cell(row.get("document"), lang) if row.get("document") else None}
                    for row in quotes.rows]
        is_town = any(str(row["o"]) == MUNICIPALITY for row in facts.rows if str(row["p"]) == ISA)
        town_questions = []
        if is_town:
            library = self.gq.library
            key = next((str(row["o"]) for row in facts.rows if str(row["p"]).endswith("#ags")), self.compact(str(iri)))
            town_questions = [(library[q].title_in(lang), self.link(f"/frage/{q}", lang, town=key))
                              for q in TOWN_QUESTIONS if q in library]
        rdf = [(t(f"workbench.format.{f}"), self.link("/r", lang, iri=str(iri), format=f)) for f in GRAPH_DOWNLOADS]
        return self.page("resource.html.j2", lang, label=label, iri=str(iri), compact=self.compact(str(iri)),
                         types=types, rows=rows, links=links, more_links=len(incoming.rows) >= 500, evidence=evidence,
                         town_questions=town_questions, views=VIEWS if is_town else (), rdf=rdf,
                         here="/r", switch_params={"iri": str(iri)})

    def predicate(self, term, label, lang) -> dict:
        compact = self.compact(str(term))
        key = f"workbench.predicate.{compact}"
        text = str(label) if label is not None else (t(key) if has(key) else compact)
        return {"text": text, "iri": compact, "href": self.resource_link(str(term), lang)}

    # -- own SPARQL ---------------------------------------------------------------------------

    def sparql_page(self, values, lang) -> Response:
        text = values.get("query", "")
        fmt = values.get("format")
        context = dict(query=text, prefixes=sorted(self.gq.prefixes.items()), table=None, boolean=None, graph=None,
                       error=None, position=None, downloads=[], endpoint=self.endpoint_path, here="/sparql",
                       timeout=self.timeout_s, switch_params={"query": text} if text else {})
        if not text.strip():
            context["query"] = EXAMPLE
            return self.page("sparql.html.j2", lang, **context)
        try:
            result = self.gq.run(text, where="SPARQL", timeout=self.timeout_s, max_rows=limits.max_rows())
        except QueryTimeout:
            raise
        except IKZError as error:
            position = re.fullmatch(r"SPARQL:(\d+):(\d+)", error.where or "")
            context.update(error=error, position=position.groups() if position else None)
            return self.page("sparql.html.j2", lang, 400, **context)
        form = query_form(text)
        if fmt:
            if form in ("CONSTRUCT", "DESCRIBE"):
                if fmt not in GRAPH_DOWNLOADS:
                    raise Page(400, IKZError(msg("workbench.error.unknown_format", format=repr(fmt)),
                                             fix=msg("workbench.error.unknown_format_fix",
                                                     known=", ".join(GRAPH_DOWNLOADS))))
                media, suffix = GRAPH_DOWNLOADS[fmt]
                body = formats.graph_text(result, fmt, self.gq.prefixes).encode("utf-8")
            else:
                if fmt not in TABLE_DOWNLOADS:
                    raise Page(400, IKZError(msg("workbench.error.unknown_format", format=repr(fmt)),
                                             fix=msg("workbench.error.unknown_format_fix",
                                                     known=", ".join(TABLE_DOWNLOADS))))
                media, suffix = TABLE_DOWNLOADS[fmt]
                body = table_download(result, fmt, self.gq.prefixes)
            return Response(200, body, media, [("Content-Disposition", f'attachment; filename="abfrage.{suffix}"')])
        offered = GRAPH_DOWNLOADS if form in ("CONSTRUCT", "DESCRIBE") else TABLE_DOWNLOADS
        context["downloads"] = [(f, t(f"workbench.format.{f}"), self.link("/sparql", lang, query=text, format=f))
                                for f in offered]
        if form in ("CONSTRUCT", "DESCRIBE"):
            context["graph"] = (formats.graph_text(result, "ttl", self.gq.prefixes), len(result.triples))
        elif result.form == "ASK":
            context["boolean"] = result.boolean
        else:
            context["table"] = self.table(result, lang)
        return self.page("sparql.html.j2", lang, **context)

    # -- the views ----------------------------------------------------------------------------

    def view_page(self, kind: str, values, lang) -> Response:
        if kind not in VIEWS:
            raise Page(404, IKZError(msg("workbench.error.unknown_view", kind=repr(kind)),
                                     fix=msg("workbench.error.unknown_view_fix", known=", ".join(VIEWS))))
        area = values.get("area") or None
        facility_kind = values.get("kind") or None
        key = (kind, lang, area, facility_kind)
        if key not in self._views:
            from graph.outputs.views import graph_version, open_graph, render_html, view_model

            if self._store is None:
                self._store, _ = open_graph(self.graph_file)
            model = view_model(self._store, kind, lang=lang, service_area=area, facility_kind=facility_kind,
                               version=graph_version(self.graph_file))
            self._views[key] = render_html(model).encode("utf-8")
        # the view carries its own Content-Security-Policy (hashes of its inline script)
        return Response(200, self._views[key], headers=[("Referrer-Policy", "no-referrer"),
                                                        ("Content-Security-Policy", "frame-ancestors 'none'")])


def _shell(value: str) -> str:
    return value if re.fullmatch(r"[\w.:/@+-]+", value) else "'" + value.replace("'", "'\\''") + "'"


#: The query the own-SPARQL page starts with.
EXAMPLE = """SELECT ?town ?name ?ags WHERE {
  ?town a ikz:Municipality ;
        skos:prefLabel ?name ;
        ikz:ags ?ags .
}
ORDER BY ?name
LIMIT 20
"""


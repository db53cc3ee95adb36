"""A SHACL validator that runs as SPARQL on the Oxigraph store, for graphs too large for pyshacl.

It compiles the shapes of ``ontology/shapes.ttl`` into SPARQL queries from the templates in
``graph/shacl/*.rq``: one query per constraint, over all focus nodes at once. Only the shape
terms of the trusted shapes file are filled in (as escaped RDF terms); no user input is.
It covers the SHACL Core features the shapes use (targets by class and subjects-of; IRI and
inverse paths; min/max count, class, datatype, pattern, min length, languageIn, uniqueLang,
hasValue, ``sh:not`` of hasValue, a qualified language count, ``sh:or`` of node shapes or of
datatypes) and SHACL-SPARQL constraints. A shape using anything else is refused with a clear
message, so nothing is silently unchecked. pyshacl stays the reference: the tests require
both validators to give the same results on every shape example and on the real data.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.collection import Collection

from graph.builder.shacl import SHAPES_NS, Report, Result
from graph.core.errors import IKZError
from graph.core.i18n import msg
from graph.core.namespaces import SH
from graph.rdf.terms import to_rdflib

TEMPLATES = Path(__file__).parent / "shacl"

#: Shape terms the compiler understands; anything else in a shape is refused.
KNOWN = {SH.targetClass, SH.targetSubjectsOf, SH.path, SH.property, SH.message, SH.minCount, SH.maxCount,
         SH["class"], SH.datatype, SH.pattern, SH.minLength, SH.languageIn, SH.uniqueLang, SH.hasValue,
         SH["not"], SH["or"], SH.sparql, SH.qualifiedValueShape, SH.qualifiedMinCount, SH.declare, SH.prefixes,
         SH.name, SH.description, RDF.type, SH.severity, SH.deactivated}


class UnsupportedShape(IKZError):
    """A shape uses a SHACL feature the SPARQL validator does not implement."""


@dataclass
class Check:
    """One compiled constraint: a query giving (focus, value) violations."""

    shape: str
    query: str
    path: str | None = None
    messages: dict = field(default_factory=dict)


@dataclass
class OrCheck:
    """``sh:or`` of node shapes: a focus node violates when it violates every alternative."""

    shape: str
    targets: str
    alternatives: list[list[Check]]
    messages: dict = field(default_factory=dict)
    target: str = ""


def _template(name: str) -> str:
    return (TEMPLATES / f"{name}.rq").read_text(encoding="utf-8")


def _fill(name: str, **values: str) -> str:
    text = _template(name)
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return _template("prefixes") + text


def _shape_id(node) -> str:
    text = str(node)
    return text[len(SHAPES_NS):] if text.startswith(SHAPES_NS) else text


def _messages(shapes: Graph, node) -> dict:
    found = {}
    for message in shapes.objects(node, SH.message):
        found.setdefault(message.language or "en", str(message))
    return found


class ShapesCompiler:
    """Compiles shapes to checks. ``closure(cls)`` gives the subclass closure of a class (the
    class included) as the store holds it; with it every target and ``sh:class`` starts from
    ``?this a C`` for those few classes. Without it the queries follow ``rdfs:subClassOf*``."""

    def __init__(self, shapes: Graph, closure=None):
        self.shapes = shapes
        self.closure = closure
        self.checks: list = []

    def compile(self) -> list:
        g = self.shapes
        top = set(g.subjects(SH.targetClass, None)) | set(g.subjects(SH.targetSubjectsOf, None))
        for shape in sorted(top, key=str):
            if (shape, SH.deactivated, Literal(True)) in g:
                continue
            self._check_known(shape)
            target = self._target(shape)
            messages = _messages(g, shape)
            if (shape, SH.path, None) in g:
                self.checks += self._property(shape, target, _shape_id(shape), messages)
            for prop in sorted(g.objects(shape, SH.property), key=str):
                self._check_known(prop)
                self.checks += self._property(prop, target, _shape_id(prop), _messages(g, prop) or messages)
            for constraint in g.objects(shape, SH.sparql):
                self.checks.append(self._sparql(shape, constraint, target))
            or_list = g.value(shape, SH["or"])
            if or_list is not None and (shape, SH.path, None) not in g:
                alternatives = []
                for alternative in Collection(g, or_list):
                    self._check_known(alternative)
                    checks = []
                    for prop in g.objects(alternative, SH.property):
                        self._check_known(prop)
                        checks += self._property(prop, target, _shape_id(shape), messages)
                    alternatives.append(checks)
                self.checks.append(OrCheck(_shape_id(shape), _fill("targets", TARGET=target), alternatives, messages, target))
        return self.checks

    def _check_known(self, node) -> None:
        for predicate in self.shapes.predicates(node, None):
            if predicate not in KNOWN:
                raise UnsupportedShape(msg("build.shacl.unsupported-term", shape=_shape_id(node), term=predicate.n3()),
                                       where="ontology/shapes.ttl", fix=msg("build.shacl.unsupported-term-fix"))

    def _instances(self, node: str, cls, var: str) -> str:
        """``node a cls`` (or a subclass): from the class's small closure to its instances."""
        if self.closure is None:
            return _template("instances-path").replace("{{VAR}}", var).replace("{{CLASS}}", cls.n3()).replace("{{NODE}}", node)
        classes = " ".join(c.n3() for c in self.closure(cls))
        return _template("instances").replace("{{VAR}}", var).replace("{{CLASSES}}", classes).replace("{{NODE}}", node)

    def _target(self, shape) -> str:
        # from the (small) closure of the class to its instances: not a path from every node
        parts = ["{ " + self._instances("?this", c, f"shTargetClass{i}") + " }"
                 for i, c in enumerate(sorted(self.shapes.objects(shape, SH.targetClass)))]
        parts += [f"{{ ?this {p.n3()} ?targetObject }}" for p in sorted(self.shapes.objects(shape, SH.targetSubjectsOf))]
        return " UNION ".join(parts)

    def _path(self, node) -> tuple[str, str]:
        path = self.shapes.value(node, SH.path)
        if isinstance(path, URIRef):
            return path.n3(), path.n3(self.shapes.namespace_manager)
        inverse = self.shapes.value(path, SH.inversePath)
        if isinstance(inverse, URIRef):
            return "^" + inverse.n3(), "^" + inverse.n3(self.shapes.namespace_manager)
        raise UnsupportedShape(msg("build.shacl.unsupported-path", shape=_shape_id(node)),
                               where="ontology/shapes.ttl", fix=msg("build.shacl.unsupported-path-fix"))

    def _property(self, node, target: str, shape_id: str, messages: dict) -> list[Check]:
        g = self.shapes
        path, shown = self._path(node)
        common = {"TARGET": target, "PATH": path}
        checks = []

        def add(template: str, **values):
            checks.append(Check(shape_id, _fill(template, **common, **values), shown, messages))

        lows, highs = list(g.objects(node, SH.minCount)), list(g.objects(node, SH.maxCount))
        if len(lows) == 1 and len(highs) == 1:  # both bounds in one grouping pass
            add("count", MIN=Literal(int(lows[0])).n3(), MAX=Literal(int(highs[0])).n3())
        else:
            for n in lows:
                add("min-count", N=Literal(int(n)).n3())
            for n in highs:
                add("max-count", N=Literal(int(n)).n3())
        for cls in g.objects(node, SH["class"]):
            add("class", INSTANCES=self._instances("?value", cls, "shValueClass"))
        for datatype in g.objects(node, SH.datatype):
            add("datatype", DATATYPES=datatype.n3())
        for pattern in g.objects(node, SH.pattern):
            add("pattern", PATTERN=Literal(str(pattern)).n3())
        for n in g.objects(node, SH.minLength):
            add("min-length", N=Literal(int(n)).n3())
        for languages in g.objects(node, SH.languageIn):
            add("language-in", LANGS=", ".join(Literal(str(x).lower()).n3() for x in Collection(g, languages)))
        if (node, SH.uniqueLang, Literal(True)) in g:
            add("unique-lang")
        for value in g.objects(node, SH.hasValue):
            add("has-value", VALUE=value.n3())
        for negated in g.objects(node, SH["not"]):
            values = list(g.objects(negated, SH.hasValue))
            if len(values) != 1 or len(set(g.predicates(negated, None))) != 1:
                raise UnsupportedShape(msg("build.shacl.only", shape=shape_id, feature="sh:not [ sh:hasValue X ]"),
                                       where="ontology/shapes.ttl", fix=msg("build.shacl.unsupported-term-fix"))
            add("not-has-value", VALUE=values[0].n3())
        qualified = g.value(node, SH.qualifiedValueShape)
        if qualified is not None:
            languages = g.value(qualified, SH.languageIn)
            if languages is None or len(set(g.predicates(qualified, None))) != 1:
                raise UnsupportedShape(msg("build.shacl.only", shape=shape_id, feature="sh:qualifiedValueShape [ sh:languageIn ... ]"),
                                       where="ontology/shapes.ttl", fix=msg("build.shacl.unsupported-term-fix"))
            add("qualified-languages", N=Literal(int(g.value(node, SH.qualifiedMinCount) or 0)).n3(),
                LANGS=", ".join(Literal(str(x).lower()).n3() for x in Collection(g, languages)))
        or_list = g.value(node, SH["or"])
        if or_list is not None:
            datatypes = []
            for alternative in Collection(g, or_list):
                datatype = g.value(alternative, SH.datatype)
                if datatype is None or len(set(g.predicates(alternative, None))) != 1:
                    raise UnsupportedShape(msg("build.shacl.only", shape=shape_id, feature="sh:or ( [ sh:datatype ... ] ... )"),
                                           where="ontology/shapes.ttl", fix=msg("build.shacl.unsupported-term-fix"))
                datatypes.append(datatype.n3())
            add("datatype", DATATYPES=", ".join(datatypes))
        return checks

    def _sparql(self, shape, constraint, target: str) -> Check:
        g = self.shapes
        select = str(g.value(constraint, SH.select))
        prefixes = ""
        for declaration_holder in g.objects(constraint, SH.prefixes):
            for declaration in g.objects(declaration_holder, SH.declare):
                prefixes += f"PREFIX {g.value(declaration, SH.prefix)}: <{g.value(declaration, SH.namespace)}>\n"
        messages = _messages(g, constraint) or _messages(g, shape)
        return Check(_shape_id(shape), prefixes + select.replace("$this", "?this"), None, messages)


def compile_shapes(shapes: Graph, closure=None) -> list:
    """The checks for every shape with a target (``closure``: see :class:`ShapesCompiler`)."""
    return ShapesCompiler(shapes, closure).compile()


def store_closure(store, prefixes: dict | None = None):
    """``closure(cls)`` for :func:`compile_shapes`: a class's subclass closure in ``store``
    (the class itself included), asked once per class."""
    known: dict = {}

    def closure(cls) -> list:
        if cls not in known:
            answer = store.query(_fill("subclasses", CLASS=cls.n3()), prefixes=prefixes or {})
            known[cls] = sorted({URIRef(row["class"].value) for row in answer if isinstance(row["class"], ox.NamedNode)}
                                | {cls})
        return known[cls]

    return closure


def _rows(store, query: str, prefixes: dict) -> list[tuple]:
    answer = store.query(query, prefixes=prefixes)
    names = [v.value for v in answer.variables]
    has_value = "value" in names
    return [(s["this"], s["value"] if has_value else None) for s in answer]


#: Up to this many candidate focus nodes, the next alternative of an ``sh:or`` is asked for them
#: only (a VALUES block instead of the shape's targets).
FOCUS_LIMIT = 2000


def _only(query: str, target: str, focus: set | None) -> str:
    """``query`` restricted to the focus nodes ``focus`` (when few), else as it is."""
    if focus is None or len(focus) > FOCUS_LIMIT or target not in query:
        return query
    nodes = " ".join(sorted(to_rdflib(node).n3() for node in focus))
    return query.replace(target, _template("focus").strip().replace("{{NODES}}", nodes), 1)


def validate_store(store, shapes: Graph, prefixes: dict | None = None, where=None, limit_where: int = 200) -> Report:
    """Validate an Oxigraph store against ``shapes``; the same Report as pyshacl's path."""
    prefixes = prefixes or {}

    def run(check) -> list[Result]:
        if isinstance(check, OrCheck):
            # A focus node violates sh:or when it fails every alternative: the nodes failing the
            # first alternative are the candidates (every part query starts from the targets),
            # and as soon as none is left the rest need not run (at national scale the first
            # alternative usually holds everywhere).
            focus = None if check.alternatives else {row[0] for row in _rows(store, check.targets, prefixes)}
            for alternative in check.alternatives:
                failing = set()
                for part in alternative:
                    failing |= {row[0] for row in _rows(store, _only(part.query, check.target, focus), prefixes)}
                focus = failing if focus is None else focus & failing
                if not focus:
                    return []
            return [Result(focus=str(to_rdflib(node)), shape=check.shape, messages=check.messages,
                           value=str(to_rdflib(node))) for node in focus or ()]
        return [Result(focus=str(to_rdflib(node)), shape=check.shape, messages=check.messages,
                       path=check.path, value=None if value is None else str(to_rdflib(value)))
                for node, value in _rows(store, check.query, prefixes)]

    with ThreadPoolExecutor(2) as pool:  # Oxigraph releases the GIL while it evaluates
        results = [r for part in pool.map(run, compile_shapes(shapes, store_closure(store, prefixes))) for r in part]
    results.sort(key=lambda r: (r.shape, r.focus, r.value or ""))
    if where:
        results = [Result(r.focus, r.shape, r.messages, r.path, r.value, r.severity,
                          where(r.focus) if i < limit_where else None) for i, r in enumerate(results)]
        results.sort(key=lambda r: (r.where or "~", r.shape, r.focus, r.value or ""))
    return Report(results)

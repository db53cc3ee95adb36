"""SHACL validation with readable, located results in German or English."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, URIRef

from graph.core.i18n import current, t
from graph.core.namespaces import SH, SHAPES
from graph.rdf.textfile import read_text

SHAPES_NS = str(SHAPES)


@dataclass(frozen=True)
class Result:
    """One SHACL result: the offending node, the shape id, messages by language, location."""

    focus: str
    shape: str
    messages: dict = field(default_factory=dict, hash=False, compare=False)
    path: str | None = None
    value: str | None = None
    severity: str = "Violation"
    where: str | None = None

    def message(self, lang: str | None = None) -> str:
        """The shape's ``sh:message`` in ``lang`` (default: the language in force), else English."""
        lang = lang or current()
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


@dataclass
class Report:
    """All results of a validation; ``conforms`` is true when there are none."""

    results: list[Result]

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    @property
    def shape_ids(self) -> set[str]:
        return {r.shape for r in self.results}

    def format(self, lang: str | None = None) -> str:
        """The report as text, one block per result, in ``lang`` (default: the language in force).
        The frame comes from the catalogue, the messages from the shapes' ``sh:message``."""
        lang = lang or current()
        if not self.results:
            return t("build.report.conforms", lang)
        blocks = [t("build.report.head-one" if len(self.results) == 1 else "build.report.head", lang,
                    count=len(self.results))]
        for r in self.results:
            lines = [f"{r.where or '?'}: [{r.shape}] {r.message(lang)}", f"    {t('build.report.node', lang)}: <{r.focus}>"]
            if r.path:
                lines.append(f"    {t('build.report.property', lang)}: {r.path}")
            if r.value:
                lines.append(f"    {t('build.report.value', lang)}: {r.value}")
            blocks.append("\n".join(lines))
        return "\n".join(blocks)


def load_shapes(path: Path) -> Graph:
    """Parse the shapes file (blank nodes are fine there)."""
    shapes = Graph()
    shapes.parse(data=read_text(Path(path), str(path)), format="turtle")
    return shapes


def _shape_id(shapes: Graph, node) -> str:
    """A stable id for a result's source shape: its IRI local name, or the named shape that
    holds a blank-node shape."""
    seen = set()
    while not isinstance(node, URIRef) and node not in seen:
        seen.add(node)
        parents = [s for s, _, _ in shapes.triples((None, None, node))]
        if not parents:
            break
        node = parents[0]
        if shapes.value(node, RDF.first) is not None or shapes.value(node, RDF.rest) is not None:
            continue
    text = str(node)
    return text[len(SHAPES_NS):] if text.startswith(SHAPES_NS) else text


def _short_path(data: Graph, results: Graph, path) -> str | None:
    """A result path as a prefixed name; an inverse path as ``^name``."""
    if path is None:
        return None
    if isinstance(path, URIRef):
        try:
            return data.namespace_manager.normalizeUri(path)
        except Exception:  # pragma: no cover - rdflib refuses some IRIs as qnames
            return str(path)
    inverse = results.value(path, SH.inversePath)
    return "^" + _short_path(data, results, inverse) if inverse is not None else str(path)


def validate_graph(data: Graph, shapes: Graph, where=None) -> Report:
    """Validate ``data`` against ``shapes``; ``where(iri)`` locates nodes for messages."""
    _, results_graph, _ = shacl_validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
    )
    results = []
    for node in results_graph.subjects(RDF.type, SH.ValidationResult):
        focus = str(results_graph.value(node, SH.focusNode))
        messages = {}
        for message in results_graph.objects(node, SH.resultMessage):
            lang = message.language if isinstance(message, Literal) and message.language else "en"
            messages.setdefault(lang, str(message))
        path = results_graph.value(node, SH.resultPath)
        value = results_graph.value(node, SH.value)
        severity = str(results_graph.value(node, SH.resultSeverity)).rsplit("#", 1)[-1]
        results.append(
            Result(
                focus=focus,
                shape=_shape_id(shapes, results_graph.value(node, SH.sourceShape)),
                messages=messages,
                path=_short_path(data, results_graph, path),
                value=str(value) if value is not None else None,
                severity=severity,
                where=where(focus) if where else None,
            )
        )
    results.sort(key=lambda r: (r.where or "", r.shape, r.focus, r.value or ""))
    return Report(results)

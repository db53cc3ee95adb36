"""Build the graph: load ontology and data, check terms, keys and quotes, validate with SHACL,
write Turtle, N-Triples and JSON-LD atomically, and summarise.

Same input, same bytes: triples are sorted before writing and nothing time-dependent is
written. The previous output stays untouched until the new one is complete (build aside,
then swap).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import SourceDataError, ValidationError
from .load import SourceFile, parse_turtle
from .namespace import IKZ, OWN_VOCABULARIES, base_iri as resolve_base
from .project import OPTIONAL_LAYERS, Project, find_project
from .quotes import check_quotes
from .rdfterms import to_rdflib_graph
from .reference import load_register
from .validate import Report, load_shapes, validate_graph

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OUTPUT_FILES = ("ikz.ttl", "ikz.nt", "ikz.jsonld", "summary.json")


@dataclass
class LoadedGraph:
    """Ontology and data triples of a project, checked, with where each node comes from."""

    project: Project
    base: str
    triples: list
    sources: list[SourceFile] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    _defined_in: dict = field(default_factory=dict, repr=False)
    #: What SHACL validates: ontology, Turtle data and the register rows the data refers to.
    shacl_scope: list = field(default_factory=list, repr=False)

    def where(self, iri: str) -> str:
        """``file:line`` where the node ``iri`` is described (or first mentioned).

        Looked up only when a message needs it, so loading stays fast."""
        if iri in self._defined_in:
            return self._defined_in[iri]
        for candidate in self.sources:
            line = candidate.subject_line(iri)
            if line:
                return f"{candidate.display}:{line}"
        for candidate in self.sources:
            line = candidate.locate(iri)
            if line:
                return f"{candidate.display}:{line}"
        return f"<{iri}>"

    def rdflib_graph(self):
        """The triples as an rdflib graph with the project's prefixes bound."""
        graph = to_rdflib_graph(self.triples)
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        return graph


@dataclass
class BuildResult:
    """What ``build`` produced: the checked graph, its validation report and the summary."""

    graph: LoadedGraph
    report: Report
    summary: dict
    output: Path | None = None


def load_project(project: Project | None = None, base: str | None = None, layers=()) -> LoadedGraph:
    """Parse and check a project's ontology, registers and data; quotes get their positions.

    Raises :class:`~graph.errors.SourceDataError` (with file:line and a fix) on malformed
    Turtle, unknown vocabulary terms, unknown municipality keys, references to nodes defined
    nowhere, and quotes not found in their source text.
    """
    project = project or find_project()
    base = resolve_base(base)
    loaded = LoadedGraph(project, base, [])
    ontology_triples: list = []
    for path in project.ontology_files():
        triples, source = parse_turtle(path, base, project.relative(path))
        ontology_triples += triples
        loaded.sources.append(source)
        loaded.prefixes.update({k: v for k, v in source.prefixes.items() if "://" in v and not v.startswith(base)})
    registers = []
    unknown = [layer for layer in layers if layer not in OPTIONAL_LAYERS]
    if unknown:
        raise SourceDataError(f"unknown data layer {unknown[0]!r}", fix=f"use one of: {', '.join(OPTIONAL_LAYERS)}")
    for path in project.register_files(layers):
        register = load_register(path, base, project.relative(path))
        registers.append(register)
        for ags, line in register.lines.items():
            loaded._defined_in.setdefault(f"{base}municipality/{ags}", f"{project.relative(path)}:{line}")
    data_triples: list = []
    for path in project.data_files(layers):
        triples, source = parse_turtle(path, base, project.relative(path))
        data_triples += triples
        loaded.sources.append(source)
    loaded.triples = ontology_triples + [t for r in registers for t in r.triples] + data_triples
    loaded.shacl_scope = ontology_triples + data_triples + _referenced_register_triples(registers, data_triples)
    _check_vocabulary(loaded, ontology_triples, data_triples)
    _check_municipality_keys(loaded, registers, data_triples)
    _check_references(loaded)
    loaded.triples += check_quotes(loaded.triples, project.data_dir, loaded.where)
    loaded.prefixes.update({"ikzsh": "https://w3id.org/ikz/shapes#"})
    for name, namespace in _data_prefixes(base).items():
        loaded.prefixes.setdefault(name, namespace)
    return loaded


def _referenced_register_triples(registers: list, data: list) -> list:
    """The register rows (municipalities, their geometry and population, districts) that the
    Turtle data refers to. Registers are checked row by row by their loader; SHACL sees the
    rows the data uses, so validation does not grow with the national register."""
    mentioned = {t.object.value for t in data if isinstance(t.object, ox.NamedNode)}
    mentioned |= {t.subject.value for t in data}
    keep = []
    for register in registers:
        for t in register.triples:
            subject = t.subject.value
            if subject in mentioned or subject.rsplit("/", 1)[0] in mentioned or subject.rsplit("/", 2)[0] in mentioned:
                keep.append(t)
    return keep


def _data_prefixes(base: str) -> dict[str, str]:
    from .namespace import data_prefixes

    return data_prefixes(base)


def _check_vocabulary(loaded: LoadedGraph, ontology: list, data: list) -> None:
    """Every term of our own vocabularies used in data must be declared in ontology/."""
    declared = {t.subject.value for t in ontology if isinstance(t.subject, ox.NamedNode)}
    for t in data:
        for term in (t.predicate, t.object, t.subject):
            if isinstance(term, ox.NamedNode) and term.value.startswith(OWN_VOCABULARIES) and term.value not in declared:
                guess = difflib.get_close_matches(term.value, sorted(declared), n=1, cutoff=0.8)
                where = next((s.where(term.value) for s in loaded.sources if s.locate(term.value)), f"<{term.value}>")
                raise SourceDataError(
                    f"unknown vocabulary term <{term.value}>: it is not declared in ontology/",
                    where=where,
                    fix=(f"did you mean <{guess[0]}>?" if guess else "use a term of ontology/ikz.ttl or ontology/concepts.ttl, or declare the new term there"),
                )


def _check_municipality_keys(loaded: LoadedGraph, registers: list, data: list) -> None:
    known = {ags for r in registers for ags in r.municipalities}
    prefix = loaded.base + "municipality/"
    for t in data:
        for term in (t.subject, t.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
                key = term.value[len(prefix):].split("/", 1)[0]
                if key not in known:
                    where = next((s.where(term.value) for s in loaded.sources if s.locate(term.value)), f"<{term.value}>")
                    raise SourceDataError(
                        f"unknown municipality key {key!r}: no municipality with this AGS in data/reference/",
                        where=where,
                        fix="check the 8-digit AGS (e.g. 05954004 for Breckerfeld) or add the municipality to a register in data/reference/",
                    )


def _check_references(loaded: LoadedGraph) -> None:
    """A node under the base IRI that is referred to must be described somewhere."""
    subjects = {t.subject.value for t in loaded.triples if isinstance(t.subject, ox.NamedNode)}
    for t in loaded.triples:
        o = t.object
        if isinstance(o, ox.NamedNode) and o.value.startswith(loaded.base) and o.value not in subjects:
            where = next((s.where(o.value) for s in loaded.sources if s.locate(o.value)), loaded.where(t.subject.value))
            local = o.value[len(loaded.base):]
            guess = difflib.get_close_matches(o.value, sorted(subjects), n=1, cutoff=0.85)
            raise SourceDataError(
                f"<{local}> is referred to but described nowhere (no triple has it as subject)",
                where=where,
                fix=(f"did you mean <{guess[0][len(loaded.base):]}>?" if guess else f"describe <{local}> in a data file or correct the reference"),
            )


def validate_project(loaded: LoadedGraph) -> Report:
    """Validate a loaded project with ``ontology/shapes.ttl``."""
    shapes = load_shapes(loaded.project.shapes_file)
    graph = to_rdflib_graph(loaded.shacl_scope or loaded.triples)
    for prefix, namespace in loaded.prefixes.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return validate_graph(graph, shapes, where=loaded.where)


class DataCheckError(ValidationError):
    """A ``queries/*-violation.rq`` data check returned rows."""


def violation_checks(project: Project) -> list[str]:
    """Ids of the data checks (``queries/*-violation.rq``)."""
    return sorted(p.stem for p in project.queries_dir.glob("*-violation.rq"))


def check_violations(loaded: LoadedGraph) -> list:
    """Run every ``queries/*-violation.rq`` on the loaded graph; return ``(question, result)``
    for each check that found something (an empty list means all checks pass)."""
    from .query import GraphQuery, OxigraphEngine, project_prefixes
    from .questions import load_library

    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in set(loaded.triples))
    gq = GraphQuery(loaded.project, OxigraphEngine(store, project_prefixes(loaded.project, loaded.base)), loaded.base)
    failures = []
    for question in load_library(loaded.project).values():
        if question.is_violation_check:
            result = gq.ask(question.id, timeout=None)
            if result.rows:
                failures.append((question, result))
    return failures


def _violations_message(loaded: LoadedGraph, failures: list) -> str:
    lines = []
    for question, result in failures:
        lines.append(f"{loaded.project.relative(question.path)}: {question.title_in('en')} ({len(result.rows)} row(s))")
        for row in result.rows[:10]:
            first = next((v for v in row.values() if v is not None and str(v).startswith(loaded.base)), None)
            at = f"{loaded.where(str(first))}: " if first is not None else ""
            lines.append("    " + at + ", ".join(f"{k}={v}" for k, v in row.items() if v is not None))
    return "\n".join(lines)


def summarize(loaded: LoadedGraph) -> dict:
    """Counts by class, by source document and in total (deterministic)."""
    types = Counter(t.object.value for t in set(loaded.triples) if t.predicate == RDF_TYPE)
    ontology_subjects = {t.subject for t in loaded.triples if t.subject.value.startswith(OWN_VOCABULARIES)}
    quoted = Counter()
    titles = {}
    for t in loaded.triples:
        if t.predicate.value == "http://www.w3.org/ns/prov#wasQuotedFrom":
            quoted[t.object.value] += 1
        if t.predicate.value == "http://purl.org/dc/terms/title" and getattr(t.object, "language", None) in ("de", None):
            titles.setdefault(t.subject.value, t.object.value)
    documents = sorted(
        s.value for s, in {(t.subject,) for t in loaded.triples if t.predicate == RDF_TYPE and t.object.value == str(IKZ.SourceDocument)}
    )
    return {
        "ikz_graph_version": __version__,
        "base_iri": loaded.base,
        "triples": len(set(loaded.triples)),
        "classes": {_short(c, loaded.prefixes): n for c, n in sorted(types.items()) if not c.startswith("http://www.w3.org/2002/07/owl#")},
        "vocabulary_terms": len(ontology_subjects),
        "sources": [
            {"iri": d, "title": titles.get(d, ""), "quotes": quoted.get(d, 0)} for d in documents
        ],
    }


def _short(iri: str, prefixes: dict) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    name = next(k for k, v in prefixes.items() if v == best)
    return f"{name}:{iri[len(best):]}"


def _sort_key(t):
    return (t.subject.value, t.predicate != RDF_TYPE, t.predicate.value, str(t.object))


def serialize(loaded: LoadedGraph, directory: Path) -> dict[str, str]:
    """Write the graph as Turtle, N-Triples and JSON-LD into ``directory``; return digests."""
    triples = sorted(set(loaded.triples), key=_sort_key)
    prefixes = dict(sorted(loaded.prefixes.items()))
    digests = {}
    for name, fmt, kwargs in (
        ("ikz.ttl", ox.RdfFormat.TURTLE, {"prefixes": prefixes}),
        ("ikz.nt", ox.RdfFormat.N_TRIPLES, {}),
        ("ikz.jsonld", ox.RdfFormat.JSON_LD, {}),
    ):
        data = ox.serialize(triples, format=fmt, **kwargs)
        (directory / name).write_bytes(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    return digests


def build(
    project: Project | str | os.PathLike | None = None,
    output: str | os.PathLike | None = None,
    base: str | None = None,
    layers=(),
) -> BuildResult:
    """Load, check, validate and write the graph; return the result.

    On any error nothing is written and the previous output stays as it was. Validation
    errors raise :class:`~graph.errors.ValidationError` carrying the report.
    """
    if not isinstance(project, Project):
        project = find_project(project)
    loaded = load_project(project, base, layers)
    report = validate_project(loaded)
    if not report.conforms:
        raise ValidationError(
            f"the graph does not conform to the shapes ({len(report.results)} result(s)):\n" + report.format("en"),
            report=report,
            fix="correct the data at the places named above; `ikz validate` shows the report in German",
        )
    failures = check_violations(loaded)
    if failures:
        raise DataCheckError(
            f"{len(failures)} data check(s) in queries/*-violation.rq found problems:\n" + _violations_message(loaded, failures),
            fix="correct the data; each check's header says what it looks for",
        )
    summary = summarize(loaded)
    summary["data_checks_passed"] = violation_checks(project)
    output = Path(output) if output else project.default_output
    with _atomic_directory(output) as staging:
        summary["files"] = serialize(loaded, staging)
        (staging / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return BuildResult(loaded, report, summary, output)


class _atomic_directory:
    """Write a directory aside and swap it in only when complete.

    The new files go to a sibling temporary folder; on success the old folder is renamed
    away, the new one renamed into place and the old one removed. If the process dies
    between the two renames, the next build restores the old folder first.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.backup = self.target.with_name(f".{self.target.name}.old")

    def __enter__(self) -> Path:
        self.target.parent.mkdir(parents=True, exist_ok=True)
        if self.backup.exists() and not self.target.exists():
            self.backup.rename(self.target)  # recover from an interrupted swap
        elif self.backup.exists():
            shutil.rmtree(self.backup)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}.new-", dir=self.target.parent))
        return self.staging

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            return False
        for path in self.staging.iterdir():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())
        if self.target.exists():
            self.target.rename(self.backup)
        self.staging.rename(self.target)
        shutil.rmtree(self.backup, ignore_errors=True)
        return False

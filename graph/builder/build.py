"""Build the graph: load ontology and data, check terms, keys and quotes, validate with SHACL,
write Turtle, N-Triples and JSON-LD atomically, and summarise.

Same input, same bytes: triples are sorted before writing and nothing time-dependent is
written. The previous output stays untouched until the new one is complete (build aside,
then swap).
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import json
import os
import re
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph import __version__
from graph.builder.derive import derive
from graph.builder.quotes import check_quotes
from graph.builder.scan import Scan
from graph.builder.shacl import Report, load_shapes, validate_graph
from graph.builder.shacl_sparql import validate_store
from graph.builder.void import CHECKS, describe
from graph.core.errors import SourceDataError, ValidationError
from graph.core.i18n import Message, current, msg, t
from graph.core.namespaces import OWL, RDF, SHAPES, data_prefixes
from graph.core.namespaces import base_iri as resolve_base
from graph.core.project import OPTIONAL_LAYERS, Project, find_project
from graph.rdf.parse import SourceFile, located, parse_turtle
from graph.rdf.registers import load_register
from graph.rdf.terms import to_rdflib_graph
from graph.sparql.gate import bind_values
from graph.sparql.query import GraphQuery, OxigraphEngine, project_prefixes
from graph.sparql.questions import load_library
from graph.sparql.stores import STORE_MARK

RDF_TYPE = ox.NamedNode(RDF.type)
OUTPUT_FILES = ("ikz.ttl", "ikz.nt", "ikz.jsonld", "summary.json")


@dataclass
class LoadedGraph:
    """A project's ontology and data in an in-memory Oxigraph store, checked, with the parsed
    small files kept to point at file:line in messages."""

    project: Project
    base: str
    store: ox.Store
    sources: list[SourceFile] = field(default_factory=list)
    prefixes: dict[str, str] = field(default_factory=dict)
    big_files: list[Path] = field(default_factory=list)
    _defined_in: dict = field(default_factory=dict, repr=False)

    @property
    def triples(self) -> list:
        """All triples (for small graphs; large ones are better queried in ``store``)."""
        return [q.triple for q in self.store]

    def __len__(self) -> int:
        return len(self.store)

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
        for path in self.big_files:
            line = _grep_line(path, iri)
            if line:
                return f"{self.project.relative(path)}:{line}"
        return f"<{iri}>"

    def rdflib_graph(self):
        """The graph as an rdflib graph with the project's prefixes bound."""
        graph = to_rdflib_graph(q.triple for q in self.store)
        for prefix, namespace in self.prefixes.items():
            graph.bind(prefix, namespace, override=True, replace=True)
        return graph

    def select(self, name: str, bindings: dict | None = None):
        """Run a build query (``graph/checks/NAME.rq``) on the store."""
        text = (CHECKS / f"{name}.rq").read_text(encoding="utf-8")
        text = bind_values(text, {k: v.n3() for k, v in (bindings or {}).items()})
        return self.store.query(text, prefixes=self.prefixes)


@dataclass
class BuildResult:
    """What ``build`` produced: the checked graph, its validation report and the summary."""

    graph: LoadedGraph
    report: Report
    summary: dict
    output: Path | None = None


def _grep_line(path: Path, iri: str) -> int | None:
    needle = f"<{iri}>".encode()
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            if needle in line:
                return number
    return None


def load_project(project: Project | None = None, base: str | None = None, layers=(), extra_data=(),
                 progress=None, store: ox.Store | None = None) -> LoadedGraph:
    """Parse and check a project's ontology, registers and data; quotes get their positions.

    Raises :class:`~graph.core.errors.SourceDataError` (with file:line and a fix) on malformed
    Turtle, unknown vocabulary terms, unknown municipality keys, references to nodes described
    nowhere, blank nodes, and quotes not found in their source text. ``extra_data`` are further
    folders of ``*.ttl``/``*.nt`` (e.g. synthetic benchmark data); ``progress(message)`` is
    called at each step. ``store`` is the (empty) store to fill: default a new in-memory one
    (``build(store_dir=...)`` passes an on-disk store).
    """
    project = project or find_project()
    base = resolve_base(base)
    say = progress or (lambda message: None)
    unknown = [layer for layer in layers if layer not in OPTIONAL_LAYERS]
    if unknown:
        raise SourceDataError(msg("build.layer.unknown", layer=unknown[0]),
                              fix=msg("build.layer.unknown-fix", layers=", ".join(OPTIONAL_LAYERS)))
    on_disk = store is not None  # build(store_dir=...) passes its on-disk store: bulk loads there
    store = ox.Store() if store is None else store
    loaded = LoadedGraph(project, base, store)
    declared: set[str] = set()
    scan = Scan(base)
    say(msg("build.step.ontology"))
    for path in project.ontology_files():
        triples, source = parse_turtle(path, base, project.relative(path))
        store.extend(ox.Quad(x.subject, x.predicate, x.object) for x in triples)
        scan.triples(triples)
        declared |= {x.subject.value for x in triples if isinstance(x.subject, ox.NamedNode)}
        loaded.sources.append(source)
        loaded.prefixes.update({k: v for k, v in source.prefixes.items() if "://" in v and not v.startswith(base)})
    for name, namespace in data_prefixes(base).items():
        loaded.prefixes.setdefault(name, namespace)
    loaded.prefixes.setdefault("ikzsh", str(SHAPES))
    # Large files are bulk-loaded by Oxigraph on one core (and their bytes scanned on the other)
    # while Python parses the registers and the small files; those are added after the large
    # ones, in file order: the same store order on every run.
    extra_files = [p for d in extra_data for p in sorted(Path(d).rglob("*")) if p.suffix in (".ttl", ".nt")]
    files = project.data_files(layers) + extra_files
    big = [path for path in files if path.stat().st_size > SMALL_FILE]
    with ThreadPoolExecutor(2) as pool:
        loading = pool.submit(_bulk_load_all, store, big, base, project) if big else None
        scanning = [pool.submit(scan.file, path) for path in big]
        try:
            parsed = _parse_small(loaded, project, layers, files, set(big), scan, say)
        except BaseException:
            wait([job for job in [loading, *scanning] if job is not None])  # the small file's error first
            raise
        for job in [loading, *scanning]:
            if job is not None:
                job.result()
    for triples in parsed:
        store.extend(ox.Quad(x.subject, x.predicate, x.object) for x in triples)
    loaded.big_files.extend(big)
    say(msg("build.step.checks"))
    _check_loaded(loaded, declared, scan)
    say(msg("build.step.quotes"))
    rows = [tuple(s) for s in loaded.select("quotes")]  # (quote, exact, document, file): the query's order
    # The quotes are matched in Python while Oxigraph derives facts on the other core (the
    # rules read stated facts, never the positions); the positions are added after the derived
    # facts, as one N-Triples text: the same order on every run.
    with ThreadPoolExecutor(1) as pool:
        derived = pool.submit(derive, store, on_disk)  # derived facts (graph/builder/derive/*.rq), validated and written with the rest
        try:
            positions = check_quotes(rows, [project.data_dir, *map(Path, extra_data)], loaded.where)
        finally:
            derived.result()
    if positions:
        (store.bulk_load if on_disk else store.load)(_ntriples(positions), format=ox.RdfFormat.N_TRIPLES)
        scan.triples(positions)
    describe(store, base, scan)  # the dataset description (VoID): the predicates and classes used
    return loaded


def _ntriples(triples) -> bytes:
    """Triples as N-Triples bytes (pyoxigraph writes each term in N-Triples syntax)."""
    return "".join(f"{x.subject} {x.predicate} {x.object} .\n" for x in triples).encode()


def _parse_small(loaded: LoadedGraph, project: Project, layers, files: list[Path], big: set, scan: Scan, say) -> list:
    """Parse the registers and the small data files (checked, scanned, sources kept); return
    their triples, one list per file, in file order."""
    base, parsed, registers = loaded.base, [], []
    for path in project.register_files(layers):
        say(msg("build.step.register", path=project.relative(path)))
        with located(project.relative(path)):
            register = load_register(path, base, project.relative(path))
        registers.append(register)
        parsed.append(register.triples)
        scan.triples(register.triples)
        display = project.relative(path)
        for ags, line in register.lines.items():
            loaded._defined_in.setdefault(f"{base}municipality/{ags}", f"{display}:{line}")
    registered = {ags for r in registers for ags in r.municipalities}
    for path in files:
        display = project.relative(path)
        say(msg("build.step.data", path=display))
        if path not in big:
            triples, source = parse_turtle(path, base, display)
            _check_municipality_keys(triples, registered, base, source)
            parsed.append(triples)
            scan.triples(triples)
            loaded.sources.append(source)
    return parsed


def _bulk_load_all(store: ox.Store, paths: list[Path], base: str, project: Project) -> None:
    for path in paths:
        _bulk_load(store, path, base, project.relative(path))


#: Files up to this size are parsed in Python (to point at lines in messages); larger ones are
#: bulk-loaded by Oxigraph directly.
SMALL_FILE = 4 * 1024 * 1024


def _bulk_load(store: ox.Store, path: Path, base: str, display: str) -> None:
    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    with located(display):  # syntax errors with file:line:column, anything else without a traceback
        store.bulk_load(path=str(path), format=fmt, base_iri=base)


def _check_loaded(loaded: LoadedGraph, declared: set[str], scan: Scan) -> None:
    """Blank nodes, vocabulary and references. What the scan of the files (:mod:`scan`) finds
    suspicious, or everything when a file could not be scanned, the store's queries decide."""
    if not scan.complete or scan.blank:
        _check_blank_nodes(loaded)
    if scan.complete and not scan.undeclared(declared) and not scan.undescribed(loaded.store):
        return
    with ThreadPoolExecutor(2) as pool:  # Oxigraph releases the GIL: both cores scan
        vocabulary = pool.submit(lambda: sorted(s["term"].value for s in loaded.select("vocabulary-terms")))
        dangling = pool.submit(lambda: [(s["node"].value, s["subject"].value) for s in
                                        loaded.select("dangling-references", {"base": ox_literal(loaded.base)})])
        _check_vocabulary(loaded, declared, vocabulary.result())
        _check_references(loaded, dangling.result())


def _check_blank_nodes(loaded: LoadedGraph) -> None:
    """Small files refuse blank nodes when parsed; this catches them in bulk-loaded ones."""
    if loaded.big_files and bool(loaded.select("blank-nodes")):
        for path in loaded.big_files:
            with open(path, "rb") as handle:
                for number, line in enumerate(handle, start=1):
                    if b"_:" in line or re.search(rb"\[\s*[^\]]*\]", line.split(b'"')[0]):
                        raise SourceDataError(msg("rdf.turtle.blank-node"), where=f"{loaded.project.relative(path)}:{number}",
                                              fix=msg("rdf.turtle.blank-node-fix"))


def _check_vocabulary(loaded: LoadedGraph, declared: set[str], used: list[str]) -> None:
    """Every term of our own vocabularies the graph uses must be declared in ontology/."""
    for term in used:
        if term not in declared:
            guess = difflib.get_close_matches(term, sorted(declared), n=1, cutoff=0.8)
            raise SourceDataError(
                msg("build.vocabulary.unknown", term=term),
                where=loaded.where(term),
                fix=msg("build.did-you-mean", guess=guess[0]) if guess else msg("build.vocabulary.unknown-fix"),
            )


def _check_municipality_keys(triples: list, registered: set[str], base: str, source: SourceFile) -> None:
    """Municipality IRIs in a data file must be keyed by an AGS of a register."""
    prefix = base + "municipality/"
    for triple in triples:
        for term in (triple.subject, triple.object):
            if isinstance(term, ox.NamedNode) and term.value.startswith(prefix):
                key = term.value[len(prefix):].split("/", 1)[0]
                if key not in registered:
                    raise SourceDataError(
                        msg("build.municipality.unknown", ags=key),
                        where=source.where(term.value),
                        fix=msg("build.municipality.unknown-fix"),
                    )


def _check_references(loaded: LoadedGraph, dangling: list[tuple[str, str]]) -> None:
    """A node under the base IRI that is referred to must be described somewhere."""
    for node, subject in dangling:
        local = node[len(loaded.base):]
        where = _first_known(loaded.where(node), loaded.where(subject))
        if node.startswith(loaded.base + "municipality/"):
            raise SourceDataError(msg("build.municipality.unknown", ags=local.split("/")[1]),
                                  where=where, fix=msg("build.municipality.unknown-fix"))
        siblings = [x["subject"].value for x in loaded.select("siblings", {"stem": ox_literal(node.rsplit("/", 1)[0] + "/")})]
        guess = difflib.get_close_matches(node, siblings, n=1, cutoff=0.85)
        raise SourceDataError(
            msg("build.reference.dangling", node=local),
            where=where,
            fix=(msg("build.did-you-mean", guess=guess[0][len(loaded.base):]) if guess
                 else msg("build.reference.dangling-fix", node=local)),
        )


def _first_known(*places: str) -> str:
    return next((p for p in places if not p.startswith("<")), places[-1])


def ox_literal(text: str):
    from rdflib import Literal

    return Literal(text)


def validate_project(loaded: LoadedGraph, validator: str = "sparql") -> Report:
    """Validate a loaded project with ``ontology/shapes.ttl``: by default with the SPARQL
    validator on the store (scales to millions of triples), or with pyshacl (the reference)."""
    shapes = load_shapes(loaded.project.shapes_file)
    if validator == "pyshacl":
        return validate_graph(loaded.rdflib_graph(), shapes, where=loaded.where)
    if validator != "sparql":
        raise SourceDataError(msg("build.validator.unknown", validator=validator), fix=msg("build.validator.unknown-fix"))
    return validate_store(loaded.store, shapes, loaded.prefixes, where=loaded.where)


class ShapesReportMessage(Message):
    """"The graph does not conform to the shapes", with the report, in the language in force."""

    def __init__(self, report: Report, key: str = "build.shapes.failed"):  # noqa: D107
        self.key, self.values, self.report = key, {}, report

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, count=len(self.report.results)) + "\n" + self.report.format(lang)


class ChecksMessage(Message):
    """"N data checks found problems", with their rows, in the language in force."""

    def __init__(self, loaded: LoadedGraph, failures: list, key: str = "build.check.failed", edit=None):  # noqa: D107
        self.key, self.values = key, {}
        edit = edit or (lambda text: text)
        self.text = {lang: edit(violations_text(loaded, failures, lang)) for lang in ("de", "en")}
        self.count = len(failures)

    def render(self, lang: str | None = None) -> str:
        return t(self.key, lang, count=self.count) + "\n" + self.text[lang if lang in self.text else current()]


class DataCheckError(ValidationError):
    """A ``queries/*-violation.rq`` data check returned rows."""


def violation_checks(project: Project) -> list[str]:
    """Ids of the data checks (``queries/*-violation.rq``)."""
    return sorted(p.stem for p in project.queries_dir.glob("*-violation.rq"))


def check_violations(loaded: LoadedGraph) -> list:
    """Run every ``queries/*-violation.rq`` on the loaded graph; return ``(question, result)``
    for each check that found something (an empty list means all checks pass)."""
    gq = GraphQuery(loaded.project, OxigraphEngine(loaded.store, project_prefixes(loaded.project, loaded.base)), loaded.base)
    failures = []
    for question in load_library(loaded.project).values():
        if question.is_violation_check:
            result = gq.ask(question.id, timeout=None)
            if result.rows:
                failures.append((question, result))
    return failures


def violations_text(loaded: LoadedGraph, failures: list, lang: str | None = None) -> str:
    """The findings of the data checks (``check_violations``) as text: per check its file,
    title and row count, then up to ten rows, each located at file:line."""
    lines = []
    for question, result in failures:
        lines.append(t("build.check.found", lang, path=loaded.project.relative(question.path),
                       title=question.title_in(lang or "de"), rows=len(result.rows)))
        for row in result.rows[:10]:
            first = next((v for v in row.values() if v is not None and str(v).startswith(loaded.base)), None)
            at = f"{loaded.where(str(first))}: " if first is not None else ""
            lines.append("    " + at + ", ".join(f"{k}={v}" for k, v in row.items() if v is not None))
    return "\n".join(lines)


def summarize(loaded: LoadedGraph) -> dict:
    """Counts by class, by source document and in total (deterministic)."""
    classes = {s["class"].value: int(s["n"].value) for s in loaded.select("class-counts")}
    sources = [{"iri": s["document"].value, "title": s["label"].value if s["label"] else "",
                "quotes": int(s["quotes"].value)} for s in loaded.select("sources")]
    return {
        "ikz_graph_version": __version__,
        "base_iri": loaded.base,
        "triples": len(loaded.store),
        "classes": {_short(c, loaded.prefixes): n for c, n in sorted(classes.items())
                    if not c.startswith(str(OWL))},
        "sources": sources,
    }


def _short(iri: str, prefixes: dict) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    name = next(k for k, v in prefixes.items() if v == best)
    return f"{name}:{iri[len(best):]}"


def _sort_key(t):
    return (t.subject.value, t.predicate != RDF_TYPE, t.predicate.value, str(t.object))


#: Up to this many triples the output is sorted (readable, and independent of file order);
#: larger graphs are written in the store's order, which is the same for the same input.
SORTED_OUTPUT_LIMIT = 50_000


#: Graphs up to this many triples get ikz.jsonld by default; larger ones only when asked
#: (``jsonld=True``, ``ikz build --jsonld``): the workbench serves JSON-LD on demand anyway.
JSONLD_DEFAULT_LIMIT = 1_000_000


def serialize(loaded: LoadedGraph, directory: Path, jsonld: bool | None = None, parallel: bool = True) -> dict[str, str]:
    """Write the graph as Turtle, N-Triples and (``jsonld``; default: for graphs up to
    :data:`JSONLD_DEFAULT_LIMIT` triples) JSON-LD into ``directory``; return digests.
    ``parallel``: a large graph's files are written at the same time (one core each)."""
    prefixes = dict(sorted(loaded.prefixes.items()))
    size = len(loaded.store)
    source = sorted((q.triple for q in loaded.store), key=_sort_key) if size <= SORTED_OUTPUT_LIMIT else None
    jobs = [("ikz.ttl", ox.RdfFormat.TURTLE, {"prefixes": prefixes}), ("ikz.nt", ox.RdfFormat.N_TRIPLES, {})]
    if jsonld or (jsonld is None and size <= JSONLD_DEFAULT_LIMIT):
        jobs.append(("ikz.jsonld", ox.RdfFormat.JSON_LD, {}))

    def one(job):
        name, fmt, kwargs = job
        if source is None:  # the store's order: Oxigraph writes the file itself (no Python per chunk) ...
            loaded.store.dump(output=str(directory / name), format=fmt, from_graph=ox.DefaultGraph(), **kwargs)
            return name, _digest(directory / name)  # ... and the digest is read back (hashlib frees the GIL)
        with open(directory / name, "wb") as handle:
            sink = _HashingWriter(handle)
            ox.serialize(source, output=sink, format=fmt, **kwargs)  # digested while written
        return name, sink.digest.hexdigest()

    if source is not None or not parallel:
        return dict(one(job) for job in jobs)
    with ThreadPoolExecutor(len(jobs)) as pool:  # the dumps release the GIL: one core each
        return dict(pool.map(one, jobs))


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


class _HashingWriter:
    """A binary sink that writes to ``handle`` and digests (SHA-256) what passes."""

    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def write(self, data) -> int:
        self.digest.update(data)
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()


def build(
    project: Project | str | os.PathLike | None = None,
    output: str | os.PathLike | None = None,
    base: str | None = None,
    layers=(),
    extra_data=(),
    validator: str = "sparql",
    progress=None,
    store_dir: str | os.PathLike | None = None,
    jsonld: bool | None = None,
) -> BuildResult:
    """Load, check, validate and write the graph; return the result.

    On any error nothing is written and the previous output stays as it was. Validation
    errors raise :class:`~graph.core.errors.ValidationError` carrying the report.

    ``store_dir``: build in pyoxigraph's on-disk store in that folder (for graphs beyond
    memory) instead of in memory; it is swapped in atomically like the output folder, and
    :func:`graph.sparql.stores.open_oxigraph` opens it instead of loading ``ikz.nt`` while
    both belong to the same build. ``jsonld``: see :func:`serialize`.
    """
    if not isinstance(project, Project):
        project = find_project(project)
    say = progress or (lambda message: None)
    output = Path(output) if output else project.default_output
    if store_dir is None:
        return _build(project, output, base, layers, extra_data, validator, say, None, None, jsonld)
    with _atomic_directory(Path(store_dir)) as staging:
        result = _build(project, output, base, layers, extra_data, validator, say, staging, Path(store_dir), jsonld)
        result.graph.store = None  # close the on-disk store before its folder is renamed
        gc.collect()
    result.graph.store = ox.Store.read_only(str(store_dir))
    return result


def _build(project, output, base, layers, extra_data, validator, say, store_dir, store_final, jsonld) -> BuildResult:
    store = ox.Store(str(store_dir)) if store_dir is not None else None
    loaded = load_project(project, base, layers, extra_data, progress=say, store=store)
    del store
    say(msg("build.step.validation"))
    with _atomic_directory(output) as staging:
        # A large graph is written aside while it is validated (the dumps, the SHACL queries and
        # the data checks each keep a core busy while Python waits); the folder is swapped in
        # only after both passed, and thrown away otherwise.
        with ThreadPoolExecutor(2) as pool:
            data_checks = pool.submit(check_violations, loaded)
            written = (pool.submit(serialize, loaded, staging, jsonld, parallel=False)
                       if len(loaded.store) > SORTED_OUTPUT_LIMIT else None)
            try:
                report = validate_project(loaded, validator)
                failures = data_checks.result()
            finally:
                files = written.result() if written is not None else None
        if not report.conforms:
            raise ValidationError(ShapesReportMessage(report), report=report, fix=msg("build.shapes.fix"))
        if failures:
            raise DataCheckError(ChecksMessage(loaded, failures), fix=msg("build.check.fix"))
        summary = summarize(loaded)
        summary["data_checks_passed"] = violation_checks(project)
        say(msg("build.step.writing"))
        summary["files"] = files if files is not None else serialize(loaded, staging, jsonld)
        if store_dir is not None:
            summary["store"] = str(store_final.resolve())
            loaded.store.flush()
            (Path(store_dir) / STORE_MARK).write_text(json.dumps({"ikz.nt": summary["files"]["ikz.nt"]}) + "\n",
                                                      encoding="utf-8")
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
        swapped = False
        try:  # an interrupt (Ctrl-C) during the fsyncs or between the renames: the old folder stays
            for path in self.staging.iterdir():
                if path.is_file():
                    with open(path, "rb") as handle:
                        os.fsync(handle.fileno())
            if self.target.exists():
                self.target.rename(self.backup)
            self.staging.rename(self.target)
            swapped = True
        except BaseException:
            if not swapped:
                if self.backup.exists() and not self.target.exists():
                    self.backup.rename(self.target)
                shutil.rmtree(self.staging, ignore_errors=True)
            raise
        shutil.rmtree(self.backup, ignore_errors=True)
        return False

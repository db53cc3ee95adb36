"""What changed between two versions of the graph: cooperations (with their partners),
facilities and source documents added, removed or changed.

A version is a build folder (``build/graph`` or any folder with ``ikz.nt``), an N-Triples or
Turtle file of a build, a project folder (built afresh into a temporary folder: ``.`` is the
working tree), or a git revision of the project (``HEAD``, ``v0.1``, ``main~3``), whose
``ontology/``, ``data/`` and ``queries/`` are exported with ``git archive`` into a temporary
folder and built there; the working tree and the repository are not touched.

>>> from graph.outputs.diff import diff_triples, format_diff
>>> format_diff(diff_triples([], []), "en").splitlines()[0]
'No changes in cooperations, facilities or sources.'
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SKOS

from graph.core.errors import IKZError, ProjectError
from graph.core.i18n import msg, t
from graph.core.namespaces import IKZ, ORG, SDO, base_iri, data_prefixes
from graph.core.project import Project
from graph.facts.labels import LABEL_PROPERTIES, pick_label

# plain strings of the namespaces (the diff compares the triples' IRIs as text)
IKZ, ORG, SCHEMA = str(IKZ), str(ORG), str(SDO)
SKOS, DCT, PROV = str(SKOS), str(DCTERMS), str(PROV)
RDF_TYPE = str(RDF.type)
SUBCLASS = str(RDFS.subClassOf)
SECTIONS = ("cooperations", "facilities", "sources")

# ---------------------------------------------------------------------------------------------
# Versions of the graph
# ---------------------------------------------------------------------------------------------


@dataclass
class Version:
    """One side of a diff: its triples and how it was given."""

    spec: str
    description: str
    triples: list


def _read_graph_file(path: Path) -> list:
    fmt = ox.RdfFormat.N_TRIPLES if path.suffix == ".nt" else ox.RdfFormat.TURTLE
    try:
        return [q.triple for q in ox.parse(path.read_bytes(), format=fmt)]
    except SyntaxError as error:
        raise IKZError(msg("diff.error.unreadable", detail=str(error)), where=str(path),
                       fix=msg("diff.error.unreadable_fix")) from None


def _built_triples(project: Project, base: str | None) -> list:
    from graph.builder.build import build

    with tempfile.TemporaryDirectory(prefix="ikz-diff-") as tmp:
        result = build(project, Path(tmp) / "graph", base)
        return _read_graph_file(result.output / "ikz.nt")


def _git(root: Path, *args, binary: bool = False):
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False, text=not binary, timeout=120)
    except FileNotFoundError:
        raise IKZError(msg("diff.error.no_git"), fix=msg("diff.error.no_git_fix")) from None


def load_version(spec: str, project: Project | None = None, base: str | None = None) -> Version:
    """Read a version of the graph: a build folder, a graph file, a project folder or a git revision."""
    path = Path(spec)
    if path.is_dir():
        for candidate in (path / "ikz.nt", path / "graph" / "ikz.nt"):
            if candidate.is_file():
                return Version(spec, f"{candidate}", _read_graph_file(candidate))
        if (path / "ontology" / "ikz.ttl").is_file() and (path / "data").is_dir():
            return Version(spec, f"{spec} (built now)", _built_triples(Project(path.resolve()), base))
        raise IKZError(msg("diff.error.not_a_build", spec=spec), where=spec, fix=msg("diff.error.version_fix"))
    if path.is_file():
        return Version(spec, spec, _read_graph_file(path))
    if project is None:
        raise ProjectError(msg("diff.error.no_project", spec=spec), where=spec, fix=msg("diff.error.version_fix"))
    return _revision(spec, project, base)


def _revision(spec: str, project: Project, base: str | None) -> Version:
    from graph.builder.build import build

    root = project.root
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}")
    if commit.returncode != 0:
        raise IKZError(msg("diff.error.no_version", spec=spec), where=spec, fix=msg("diff.error.version_fix"))
    commit = commit.stdout.strip()
    top = _git(root, "rev-parse", "--show-toplevel").stdout.strip()
    prefix = str(root.resolve().relative_to(Path(top).resolve())) if top else ""
    prefix = "" if prefix == "." else prefix + "/"
    present = set(_git(root, "ls-tree", "--name-only", commit, prefix or ".").stdout.split())
    folders = [f"{prefix}{name}" for name in ("ontology", "data", "queries") if f"{prefix}{name}" in present or name in present]
    if not any(f.endswith("ontology") for f in folders) or not any(f.endswith("data") for f in folders):
        raise IKZError(msg("diff.error.not_a_project", spec=spec), where=spec, fix=msg("diff.error.later_revision"))
    archive = _git(top or root, "archive", "--format=tar", commit, *folders, binary=True)
    if archive.returncode != 0:
        raise IKZError(msg("diff.error.archive", detail=archive.stderr.decode(errors="replace").strip()), where=spec)
    with tempfile.TemporaryDirectory(prefix="ikz-rev-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(tmp, filter="data")
        tree = Path(tmp) / prefix if prefix else Path(tmp)
        try:
            result = build(Project(tree), Path(tmp) / "_build" / "graph", base)
        except IKZError as error:
            raise IKZError(msg("diff.error.does_not_build", spec=spec, commit=commit[:10], detail=error.message),
                           where=spec, fix=error.fix_message) from None
        triples = _read_graph_file(result.output / "ikz.nt")
    return Version(spec, f"{spec} ({commit[:10]})", triples)


# ---------------------------------------------------------------------------------------------
# What a version says about cooperations, facilities and sources
# ---------------------------------------------------------------------------------------------


class _Graph:
    def __init__(self, triples):
        self.props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        self.members: dict[str, list[str]] = defaultdict(list)
        for tr in triples:
            if isinstance(tr.subject, ox.NamedNode):
                self.props[tr.subject.value][tr.predicate.value].append(tr.object)
        for s, p in self.props.items():
            for org in p.get(ORG + "organization", []):
                self.members[org.value].append(s)

    def values(self, s: str, p: str) -> list[str]:
        return sorted({o.value for o in self.props.get(s, {}).get(p, [])})

    def label(self, s: str, lang: str) -> str:
        """The label of ``s`` by the one label rule of every output (:mod:`graph.facts.labels`);
        '' when it has none."""
        props = self.props.get(s, {})
        return pick_label(((p, o.value, getattr(o, "language", None) or "") for p in LABEL_PROPERTIES
                           for o in props.get(p, ()) if isinstance(o, ox.Literal)), lang) or ""

    def subclasses(self, root: str) -> set[str]:
        found = {root}
        changed = True
        while changed:
            changed = False
            for s, p in self.props.items():
                if s not in found and any(o.value in found for o in p.get(SUBCLASS, [])):
                    found.add(s)
                    changed = True
        return found

    def of_type(self, classes: set[str]) -> list[str]:
        return sorted(s for s, p in self.props.items() if any(o.value in classes for o in p.get(RDF_TYPE, [])))


def _records(triples, lang: str, short=lambda iri: iri) -> dict[str, dict[str, dict]]:
    """Per section, IRI → fields. Things that have their own entry (facilities, documents) are
    referred to by IRI, so renaming a facility is one change, not one per cooperation."""
    g = _Graph(triples)
    name = lambda iri: g.label(iri, lang) or iri  # noqa: E731
    cooperations = {}
    for c in g.of_type(g.subclasses(IKZ + "Cooperation")):
        partners = []
        for membership in g.members.get(c, []):
            for member in g.values(membership, ORG + "member"):
                role = ", ".join(name(r) for r in g.values(membership, ORG + "role"))
                through = ", ".join(name(o) for o in g.values(membership, IKZ + "actingThrough"))
                partners.append(name(member) + (f" ({role}" + (f"; {t('diff.through', lang)} {through}" if through else "") + ")" if role or through else ""))
        types = [ty for ty in g.values(c, RDF_TYPE) if ty.startswith(IKZ)]
        cooperations[c] = {
            "label": g.label(c, lang),
            "type": ", ".join(name(ty) for ty in types),
            "status": ", ".join(name(s) for s in g.values(c, IKZ + "status")),
            "legal_form": ", ".join(name(s) for s in g.values(c, IKZ + "legalForm")),
            "service_areas": sorted(name(s) for s in g.values(c, IKZ + "serviceArea")),
            "facility": ", ".join(short(f) for f in g.values(c, IKZ + "facility")),
            "partners": sorted(partners),
            "sources": sorted(short(d) for d in g.values(c, PROV + "wasDerivedFrom")),
        }
    facilities = {}
    for f in g.of_type(g.subclasses(IKZ + "Facility")):
        facilities[f] = {
            "label": g.label(f, lang),
            "kind": ", ".join(name(k) for k in g.values(f, IKZ + "facilityKind")),
            "service_areas": sorted(name(s) for s in g.values(f, IKZ + "serviceArea")),
            "operator": ", ".join(name(o) for o in g.values(f, IKZ + "operatedBy")),
            "address": ", ".join(g.values(f, SCHEMA + "address")),
            "unknown": sorted(name(u) for u in g.values(f, IKZ + "unknown")),
            "sources": sorted(short(d) for d in g.values(f, PROV + "wasDerivedFrom")),
        }
    sources = {}
    for d in g.of_type(g.subclasses(IKZ + "SourceDocument")):
        sources[d] = {
            "label": g.label(d, lang),
            "date": ", ".join(g.values(d, DCT + "date")),
            "not_before": ", ".join(g.values(d, IKZ + "notBefore")),
            "not_after": ", ".join(g.values(d, IKZ + "notAfter")),
            "text_file": ", ".join(g.values(d, IKZ + "textFile")),
            "creators": sorted(name(c) for c in g.values(d, DCT + "creator")),
        }
    return {"cooperations": cooperations, "facilities": facilities, "sources": sources}


@dataclass
class Diff:
    """Added, removed and changed nodes per section; ``changed`` items list their fields."""

    sections: dict[str, dict[str, list]] = field(default_factory=dict)
    old: str = ""
    new: str = ""

    @property
    def empty(self) -> bool:
        return not any(items for section in self.sections.values() for items in section.values())

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, **self.sections}


def diff_triples(old, new, lang: str = "de", base: str | None = None) -> Diff:
    """Compare two graphs (lists of triples)."""
    prefixes = data_prefixes(base_iri(base))
    short = lambda iri: next((f"{p}:{iri[len(ns):]}" for p, ns in sorted(prefixes.items(), key=lambda x: -len(x[1]))  # noqa: E731
                              if iri.startswith(ns) and p != "id"), iri)
    before, after = _records(old, lang, short), _records(new, lang, short)
    sections = {}
    for section in SECTIONS:
        a, b = before[section], after[section]
        added = [{"iri": short(i), **b[i]} for i in sorted(b.keys() - a.keys())]
        removed = [{"iri": short(i), **a[i]} for i in sorted(a.keys() - b.keys())]
        changed = []
        for i in sorted(a.keys() & b.keys()):
            fields = {}
            for key in a[i]:
                old_value, new_value = a[i][key], b[i][key]
                if old_value == new_value:
                    continue
                if isinstance(old_value, list):
                    fields[key] = {"added": sorted(set(new_value) - set(old_value)), "removed": sorted(set(old_value) - set(new_value))}
                else:
                    fields[key] = {"old": old_value, "new": new_value}
            if fields:
                changed.append({"iri": short(i), "label": b[i]["label"], "changes": fields})
        sections[section] = {"added": added, "removed": removed, "changed": changed}
    return Diff(sections)


def diff_versions(old: str, new: str = ".", project: Project | None = None, lang: str = "de", base: str | None = None) -> Diff:
    """``ikz diff OLD NEW``: load both versions and compare them."""
    before = load_version(old, project, base)
    after = load_version(new, project, base)
    result = diff_triples(before.triples, after.triples, lang, base)
    result.old, result.new = before.description, after.description
    return result


def format_diff(diff: Diff, lang: str = "de") -> str:
    """The diff as text: per section a count line, then + added, − removed, ~ changed (with fields)."""
    lines = []
    if diff.old or diff.new:
        lines.append(f"{t('diff.from', lang)}: {diff.old}    {t('diff.to', lang)}: {diff.new}")
    if diff.empty:
        return "\n".join(lines + [t("diff.none", lang)])
    for section in SECTIONS:
        items = diff.sections.get(section, {})
        counts = {k: len(items.get(k, [])) for k in ("added", "removed", "changed")}
        if not any(counts.values()):
            continue
        lines.append(f"{t('diff.' + section, lang)}: " + ", ".join(f"{n} {t('diff.' + k, lang)}" for k, n in counts.items()))
        for item in items.get("added", []):
            lines.append(f"  + {item['iri']}  {item['label']}")
            if item.get("partners"):
                lines.append(f"      {t('diff.partners', lang)}: " + "; ".join(item["partners"]))
        for item in items.get("removed", []):
            lines.append(f"  - {item['iri']}  {item['label']}")
            if item.get("partners"):
                lines.append(f"      {t('diff.partners', lang)}: " + "; ".join(item["partners"]))
        for item in items.get("changed", []):
            lines.append(f"  ~ {item['iri']}  {item['label']}")
            for key, change in item["changes"].items():
                if "old" in change:
                    lines.append(f"      {t('diff.' + key, lang)}: {change['old'] or '–'} → {change['new'] or '–'}")
                else:
                    parts = [f"+ {v}" for v in change["added"]] + [f"- {v}" for v in change["removed"]]
                    lines.append(f"      {t('diff.' + key, lang)}: " + "; ".join(parts))
    return "\n".join(lines)


def diff_json(diff: Diff) -> str:
    return json.dumps(diff.to_json(), indent=2, ensure_ascii=False)

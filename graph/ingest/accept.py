"""``ikz accept``: merge a reviewed draft into ``data/documents/`` after every check of the build."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import SourceDataError
from graph.core.i18n import msg
from graph.core.namespaces import IKZ as IKZ_NS, OA as OA_NS, ORG, PROV as PROV_NS, RDF, base_iri
from graph.core.project import Project
from graph.core.text import NormalizedText, slug
from graph.extraction.context import ProjectContext
from graph.extraction.drafts import ACCEPTED, REVIEW_PREDICATE
from graph.ingest.additions import register_additions
from graph.ingest.changes import Changes, ListMessage, ReviewError, check_changes, write_changes
from graph.ingest.sources import DOCUMENTS
from graph.rdf.parse import PREFIX_RE, SourceFile, parse_turtle
from graph.rdf.textfile import read_text

RDF_TYPE = str(RDF.type)
IKZ = str(IKZ_NS)
OA = str(OA_NS)
PROV = str(PROV_NS)
QUOTE = IKZ + "quote"
PARTS = {IKZ + "Quote", str(ORG.Membership)}


@dataclass
class AcceptResult:
    target: Path
    candidates: int
    quotes: int
    added_places: list[str]


def _subjects(triples) -> dict[str, dict[str, list]]:
    found: dict[str, dict[str, list]] = {}
    for t in triples:
        if isinstance(t.subject, ox.NamedNode):
            found.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    return found


def _declares_review_status(project: Project) -> bool:
    return any(re.search(r"^ikz:reviewStatus\s", p.read_text(encoding="utf-8"), re.M) for p in project.ontology_files())


def accept_draft(project: Project, draft: str | Path, *, base: str | None = None) -> AcceptResult:
    """Validate a reviewed draft together with the project's data and merge it into
    ``data/documents/DOC.ttl``. Refused (nothing written) while any candidate is not marked
    ``ikz:reviewStatus "accepted"``, has no quote, or anything fails the build's checks."""
    base = base_iri(base)
    draft = Path(draft)
    display = str(draft)
    text = read_text(draft, display)
    triples, source = parse_turtle(draft, base, display)
    subjects = _subjects(triples)
    status_iri = REVIEW_PREDICATE
    problems, candidates = [], []
    for iri, props in subjects.items():
        types = {o.value for o in props.get(RDF_TYPE, [])}
        statuses = [o.value for o in props.get(status_iri, [])]
        if statuses or (types and not types <= PARTS):
            candidates.append(iri)
            local = iri[len(base):] if iri.startswith(base) else iri
            if statuses != [ACCEPTED]:
                problems.append(msg("ingest.accept.not-reviewed" if statuses else "ingest.accept.no-status",
                                    where=source.where(iri), node=local, status=", ".join(f'"{s}"' for s in statuses)))
            elif QUOTE not in props:
                problems.append(msg("ingest.accept.no-quote", where=source.where(iri), node=local))
    if problems:
        raise ReviewError(msg("ingest.accept.not-accepted", count=len(problems), problems=ListMessage(problems)),
                          where=display, fix=msg("ingest.accept.not-accepted-fix", accepted=ACCEPTED))
    if not candidates:
        raise ReviewError(msg("ingest.accept.empty"), where=display, fix=msg("ingest.accept.empty-fix"))
    if not _declares_review_status(project):
        raise SourceDataError(msg("ingest.accept.no-review-term"), where="ontology/ikz.ttl",
                              fix=msg("ingest.accept.no-review-term-fix"))
    quotes = [i for i, p in subjects.items() if IKZ + "Quote" in {o.value for o in p.get(RDF_TYPE, [])}]
    used = {o.value for t in triples if t.predicate.value == QUOTE for o in [t.object]}
    orphans = [q for q in quotes if q not in used]
    if orphans:
        raise ReviewError(msg("ingest.accept.orphan-quotes",
                              quotes="\n  ".join(f"{source.where(q)}: <{q[len(base):]}>" for q in orphans)),
                          where=display, fix=msg("ingest.accept.orphan-quotes-fix"))
    ctx = ProjectContext.for_project(project, base)
    present = ctx.subjects
    again = [i for i in subjects if i in present and (i in candidates or i in quotes
             or str(ORG.Membership) in {o.value for o in subjects[i].get(RDF_TYPE, [])})]
    if again:
        raise ReviewError(msg("ingest.accept.again", nodes=", ".join(f"<{i[len(base):]}>" for i in again[:5])
                              + (" …" if len(again) > 5 else "")), where=display, fix=msg("ingest.accept.again-fix"))
    documents = [t.object.value for t in triples if t.predicate.value == PROV + "wasDerivedFrom" and t.subject.value in candidates]
    doc = max(sorted(set(documents)), key=documents.count) if documents else None
    if doc is None or not doc.startswith(base):
        raise ReviewError(msg("ingest.accept.no-document"), where=display, fix=msg("ingest.accept.no-document-fix"))
    doc_path = doc[len(base):]
    target_rel = Path(DOCUMENTS) / f"{slug(doc_path.split('/', 1)[-1], 80)}.ttl"
    target = project.data_dir / target_rel
    review_rel = Path("_review") / draft.name

    def remap(where: str) -> str:
        return where.replace(f"data/{review_rel.as_posix()}", display)

    changes = Changes()
    mentioned = {o.value for t in triples for o in (t.subject, t.object) if isinstance(o, ox.NamedNode)}
    added = register_additions(project, mentioned, present, base, changes)
    _check_positions(project, ctx, triples, base, source)
    review = Changes(dict(changes.files))
    review.add(review_rel, text)
    check_changes(project, review, base=base, remap=remap)
    existing = target.read_text(encoding="utf-8") if target.is_file() else None
    merged = merge_turtle(existing, text, note=f"accepted from {draft.name} on {_dt.date.today().isoformat()} after review",
                          where=display, target=f"data/{target_rel.as_posix()}")
    changes.add(target_rel, merged)
    check_changes(project, changes, base=base)
    write_changes(project, changes)
    return AcceptResult(target, len(candidates), len(quotes), added)


def _check_positions(project: Project, ctx: ProjectContext, triples, base: str, source: SourceFile) -> None:
    """oa:start / oa:end in a draft must be where the quote stands (a reviewer who edited a
    quote must correct or delete them: the build computes them anyway)."""
    given: dict[str, dict[str, str]] = {}
    exact: dict[str, str] = {}
    document: dict[str, str] = {}
    for t in triples:
        if t.predicate.value in (OA + "start", OA + "end"):
            given.setdefault(t.subject.value, {})[t.predicate.value[len(OA):]] = t.object.value
        elif t.predicate.value == OA + "exact":
            exact[t.subject.value] = t.object.value
        elif t.predicate.value == PROV + "wasQuotedFrom":
            document[t.subject.value] = t.object.value
    text_files = {doc: tf for tf, doc in ctx.documents.items()}
    for quote, positions in given.items():
        text_file = text_files.get(document.get(quote))
        if quote not in exact or text_file is None or not (project.data_dir / text_file).is_file():
            continue
        found = NormalizedText(read_text(project.data_dir / text_file, f"data/{text_file}")).find_all(exact[quote])
        if len(found) == 1:
            start, end = str(found[0].start), str(found[0].end)
            if positions.get("start", start) != start or positions.get("end", end) != end:
                raise ReviewError(
                    msg("ingest.accept.moved-quote", quote=quote[len(base):], start=start, end=end, path=f"data/{text_file}",
                        old_start=positions.get("start"), old_end=positions.get("end")), where=source.where(quote),
                    fix=msg("ingest.accept.moved-quote-fix", start=start, end=end))


def merge_turtle(existing: str | None, draft: str, *, note: str, where: str, target: str) -> str:
    """The draft's statements appended to ``existing`` (its prefixes merged): the draft's header
    comment and its "PRÜFEN" notes are dropped."""
    lines = draft.splitlines()
    first_prefix = next((i for i, l in enumerate(lines) if PREFIX_RE.match(l)), 0)
    body_lines = [re.sub(r"\s+# PRÜFEN\b.*$", "", l) for l in lines[first_prefix:]
                  if not PREFIX_RE.match(l) and not re.match(r"\s*# PRÜFEN", l)]
    body = "\n".join(body_lines).strip("\n")
    draft_prefixes = dict(PREFIX_RE.findall("\n".join(lines)))
    if existing is None:
        prefix_lines = [l for l in lines if PREFIX_RE.match(l)]
        return "\n".join([f"# Statements {note}.", ""] + prefix_lines + ["", body]) + "\n"
    current = dict(PREFIX_RE.findall(existing))
    missing = []
    for name, iri in draft_prefixes.items():
        if name in current and current[name] != iri:
            raise SourceDataError(msg("ingest.accept.prefix-clash", prefix=name, draft=iri, existing=current[name], target=target),
                                  where=where, fix=msg("ingest.accept.prefix-clash-fix"))
        if name not in current:
            missing.append(f"@prefix {(name + ':').ljust(8)}<{iri}> .")
    existing_lines = existing.rstrip("\n").splitlines()
    last_prefix = max((i for i, l in enumerate(existing_lines) if PREFIX_RE.match(l)), default=-1)
    merged = existing_lines[:last_prefix + 1] + missing + existing_lines[last_prefix + 1:]
    return "\n".join(merged + ["", f"# --- {note} " + "-" * 20, body]) + "\n"

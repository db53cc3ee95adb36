"""Growing the graph safely: register documents, accept reviewed drafts, import spreadsheets.

Every function here follows the same rule: the change is first applied to a temporary copy of
the project and checked exactly as ``ikz build`` checks (strict Turtle, declared vocabulary,
known municipality keys, no dangling references, verbatim quotes, SHACL shapes, the data
checks in ``queries/*-violation.rq``). Only if everything passes are the files written into
``data/``, each atomically (a temporary file renamed over the target). A refused change leaves
``data/`` exactly as it was.

* :func:`add_source` (``ikz add-source``): copy a letter's text to ``data/sources/`` and
  describe it (title, date or date range, authors, language) in ``data/documents/SLUG.ttl``,
  the file its statements will go to.
* :func:`accept_draft` (``ikz accept``): merge a reviewed draft of ``ikz extract``; refuses a
  draft that still has unreviewed candidates, candidates without a quote, stale quote
  positions, or anything the build would refuse.
* :func:`import_table` (``ikz import``): turn a spreadsheet (CSV or XLSX) of cooperations or
  facilities into ``data/imports/NAME.ttl``, a source and a quote per row; errors name the
  row and the column; a file with any error imports nothing.

Municipalities outside the project's registers (a draft naming Unna or Altena) are copied row
by row from the national register into ``data/reference/added-municipalities.csv``, so the
default build knows them (see docs/ingest.md).
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as _dt
import difflib
import io
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import IKZError, SourceDataError, ValidationError
from graph.extraction.extract import (ACCEPTED, DRAFT_PREFIXES, REVIEW_PREDICATE, ProjectContext, _fold, slug,
                      turtle_string)
from graph.rdf.parse import _PREFIX_RE, SourceFile, parse_turtle, read_text
from graph.core.namespaces import base_iri
from graph.core.project import Project
from graph.builder.quotes import NormalizedText, normalize

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
IKZ = "https://w3id.org/ikz/ontology#"
OA = "http://www.w3.org/ns/oa#"
PROV = "http://www.w3.org/ns/prov#"
QUOTE = IKZ + "quote"
DOCUMENTS = "documents"
IMPORTS = "imports"
ADDED_REGISTER = Path("reference") / "added-municipalities.csv"
ADDED_REGISTER_TTL = Path("reference") / "added-municipalities.ttl"
NATIONAL_HEADER = ["ags", "name", "kreis_key", "kreis_name", "nuts3", "land"]
#: Nodes that need no review status of their own: they belong to a reviewed candidate.
PARTS = {IKZ + "Quote", "http://www.w3.org/ns/org#Membership"}
LANGUAGES = {"de": "DEU", "deu": "DEU", "ger": "DEU", "en": "ENG", "eng": "ENG", "fr": "FRA", "fra": "FRA",
             "nl": "NLD", "nld": "NLD", "it": "ITA", "ita": "ITA", "pl": "POL", "pol": "POL", "tr": "TUR",
             "tur": "TUR", "es": "SPA", "spa": "SPA"}
LANGUAGE_TAGS = {"DEU": "de", "ENG": "en", "FRA": "fr", "NLD": "nl", "ITA": "it", "POL": "pl", "TUR": "tr", "SPA": "es"}


class ReviewError(SourceDataError):
    """A draft still has unreviewed candidates (or candidates without a source)."""


class ImportTableError(SourceDataError):
    """A spreadsheet has errors; ``problems`` lists each with its row and column."""

    def __init__(self, message: str, problems: list[str] | None = None, **kwargs):
        self.problems = problems or []
        super().__init__(message, **kwargs)


@dataclass
class Changes:
    """Files to write below ``data/`` (relative path → new text), in writing order."""

    files: dict[str, str] = field(default_factory=dict)

    def add(self, relative: str | Path, text: str) -> None:
        self.files[str(relative)] = text


# ---------------------------------------------------------------------------------------------
# Check in a temporary copy, then write atomically
# ---------------------------------------------------------------------------------------------


def _copy_project(project: Project, target: Path) -> Project:
    for name in ("ontology", "data", "queries"):
        source = project.root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns(".*.tmp-*"))
    return Project(target)


def check_changes(project: Project, changes: Changes, *, base: str | None = None, remap=None) -> None:
    """Apply ``changes`` to a temporary copy of the project and run every check of the build.

    Raises the build's errors (located, with a fix); ``remap(where)`` rewrites locations in
    the temporary copy into what the user knows (a draft's own path, a spreadsheet row).
    """
    from graph.builder.build import DataCheckError, _violations_message, check_violations, load_project, validate_project

    remap = remap or (lambda where: where)
    with tempfile.TemporaryDirectory(prefix="ikz-check-") as tmp:
        copy = _copy_project(project, Path(tmp))
        for relative, text in changes.files.items():
            path = copy.data_dir / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            loaded = load_project(copy, base)
        except IKZError as error:
            raise _relocated(error, remap) from None
        report = validate_project(loaded)
        if not report.conforms:
            report.results[:] = [dataclasses.replace(r, where=remap(r.where or "")) for r in report.results]
            raise ValidationError(
                f"the data would not conform to the shapes ({len(report.results)} result(s)):\n" + report.format("en"),
                report=report, fix="correct the places named above and try again; nothing was written to data/")
        failures = check_violations(loaded)
        if failures:
            raise DataCheckError(
                f"{len(failures)} data check(s) in queries/*-violation.rq would fail:\n" + remap_text(_violations_message(loaded, failures), remap),
                fix="correct the data; nothing was written to data/")


def remap_text(text: str, remap) -> str:
    return re.sub(r"(data/[^\s:]+(?::\d+)?)", lambda m: remap(m.group(1)), text)


def _relocated(error: IKZError, remap) -> IKZError:
    relocated = type(error).__new__(type(error))
    relocated.__dict__.update(error.__dict__)
    IKZError.__init__(relocated, remap_text(error.what, remap), where=remap(error.where) if error.where else None, fix=error.fix)
    return relocated


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(temporary, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        if temporary.exists():
            temporary.unlink()


def write_changes(project: Project, changes: Changes) -> list[Path]:
    """Write the checked changes into ``data/`` (register additions first, each file atomic)."""
    written = []
    for relative, text in changes.files.items():
        path = project.data_dir / relative
        atomic_write(path, text)
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# Municipalities and districts from the national register
# ---------------------------------------------------------------------------------------------


def _registered_keys(project: Project) -> set[str]:
    keys = set()
    for path in (project.data_dir / "reference").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            keys.add((row.get("ags") or "").strip())
    return keys


def register_additions(project: Project, iris, described: set[str], base: str, changes: Changes) -> list[str]:
    """Add to ``changes`` the register rows (and district descriptions) that ``iris`` need:
    municipalities not in ``data/reference/*.csv`` are copied from the national register into
    ``data/reference/added-municipalities.csv``; districts described nowhere get a description
    in ``added-municipalities.ttl``. Return what was added, for the report."""
    national = project.data_dir / "national" / "de-municipalities-2024.csv"
    if not national.is_file():
        return []
    rows = {r["ags"]: r for r in csv.DictReader(io.StringIO(national.read_text(encoding="utf-8")))}
    registered = _registered_keys(project)
    register = project.data_dir / ADDED_REGISTER
    existing = register.read_text(encoding="utf-8") if register.is_file() else ""
    already = {r["kreis_key"] for r in csv.DictReader(io.StringIO(existing))} if existing else set()
    towns = sorted({i[len(base + "municipality/"):].split("/")[0] for i in iris if i.startswith(base + "municipality/")})
    missing = [a for a in towns if a not in registered and a in rows]
    districts = sorted({i[len(base + "district/"):].split("/")[0] for i in iris if i.startswith(base + "district/")})
    covered = already | {rows[a]["kreis_key"] for a in missing}
    by_key = {r["kreis_key"]: r for r in rows.values()}
    lonely = [k for k in districts if base + f"district/{k}" not in described and k not in covered and k in by_key]
    description = project.data_dir / ADDED_REGISTER_TTL
    if lonely or (missing and not description.is_file()):
        ttl = description.read_text(encoding="utf-8") if description.is_file() else _ADDED_TTL_HEADER
        for key in lonely:
            row = by_key[key]
            ttl += (f"\nd:{key} a ikz:District ; skos:prefLabel {turtle_string(row['kreis_name'])}@de ; ikz:districtKey \"{key}\" ;"
                    + (f" ikz:nuts3 \"{row['nuts3']}\" ;" if row.get("nuts3") else "")
                    + " prov:wasDerivedFrom src:added-municipalities .\n")
        changes.add(ADDED_REGISTER_TTL, ttl)
    if missing:
        out = io.StringIO()
        writer = csv.DictWriter(out, NATIONAL_HEADER, lineterminator="\n")
        if not existing:
            writer.writeheader()
        for ags in missing:
            writer.writerow({k: rows[ags][k] for k in NATIONAL_HEADER})
        changes.add(ADDED_REGISTER, existing + out.getvalue())
    return [f"{rows[a]['name']} ({a})" for a in missing] + [f"{by_key[k]['kreis_name']} ({k})" for k in lonely]


_ADDED_TTL_HEADER = """\
# Municipalities and districts outside the district register that accepted drafts, imports or
# documents refer to. `ikz accept`, `ikz import` and `ikz add-source` copy their rows verbatim
# from the national register (data/national/de-municipalities-2024.csv) into
# added-municipalities.csv beside this file, so that the default build knows them.

@prefix ikz:    <https://w3id.org/ikz/ontology#> .
@prefix src:    <source/> .
@prefix d:      <district/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix prov:   <http://www.w3.org/ns/prov#> .

src:added-municipalities a ikz:SourceDocument ;
    dct:title "Weitere Kommunen und Kreise (Auszug aus dem Gemeindeverzeichnis 2024)"@de ,
              "Further municipalities and districts (extract of the 2024 municipality register)"@en ;
    ikz:textFile "reference/added-municipalities.csv" ;
    dct:source src:destatis-lau-2024 ;
    dct:rights "© European Union (Eurostat LAU 2024); Destatis-Daten unter dl-de/by-2-0"@de ;
    dct:license <https://www.govdata.de/dl-de/by-2-0> .
"""


# ---------------------------------------------------------------------------------------------
# ikz add-source
# ---------------------------------------------------------------------------------------------


@dataclass
class AddSourceResult:
    doc: str  # prefixed, e.g. doc:kreis-unna-protokoll-2019
    text_file: Path
    data_file: Path
    added_places: list[str]


def parse_german_date(value: str) -> tuple[str, str]:
    """A date as (xsd datatype local name, lexical form): 2016-04-12, 12.04.2016, 12. April 2016,
    April 2016 (a month), 2016 (a year).

    >>> parse_german_date("12.04.2016"), parse_german_date("April 2016")
    (('date', '2016-04-12'), ('gYearMonth', '2016-04'))
    """
    from graph.extraction.extract import find_dates

    value = value.strip()
    if re.fullmatch(r"\d{4}", value):
        return "gYear", value
    if re.fullmatch(r"\d{4}-\d{2}", value):
        return "gYearMonth", value
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        _dt.date.fromisoformat(value)
        return "date", value
    found = find_dates(value)
    if len(found) == 1 and found[0].surface == value:
        kind = "date" if len(found[0].value) == 10 else "gYearMonth"
        if kind == "date":
            try:
                _dt.date.fromisoformat(found[0].value)
            except ValueError:
                raise ValueError(f"{value!r} is no calendar date") from None
        return kind, found[0].value
    raise ValueError(f"{value!r} is not a date (expected e.g. 2016-04-12, 12.04.2016, 12. April 2016, April 2016)")


def _month_bounds(kind: str, value: str) -> tuple[str, str]:
    if kind == "date":
        return value, value
    if kind == "gYear":
        return f"{value}-01-01", f"{value}-12-31"
    year, month = map(int, value.split("-"))
    last = (_dt.date(year + (month == 12), month % 12 + 1, 1) - _dt.timedelta(days=1)).isoformat()
    return f"{value}-01", last


def resolve_organisation(name: str, ctx: ProjectContext) -> str:
    """An author organisation as an IRI path: a town or district by name or key, "Jugendamt X"
    (its office, if the data describes it), or an IRI the data describes (doc:..., ja:...)."""
    name = name.strip()
    prefixes = {k: v for k, v in DRAFT_PREFIXES.items() if "://" not in v}
    prefixes.update({"src": "source/", "prv": "provider/", "unit": "unit/"})
    match = re.fullmatch(r"([a-z]+):(\S+)", name)
    if match and match.group(1) in prefixes:
        path = prefixes[match.group(1)] + match.group(2)
        if not (ctx.described(path) or (path.startswith("municipality/") and ctx.index.lookup(match.group(2)))):
            raise SourceDataError(f"{name} is described nowhere in data/", where="--author",
                                  fix="name a town or district, or an IRI that data/ describes")
        return path
    office = re.fullmatch(r"Jugendamt\s+(?:der\s+Stadt\s+|der\s+Gemeinde\s+|des\s+)?(.+)", name)
    plain = re.sub(r"^(?:Stadt|Gemeinde|Hansestadt|Kreisstadt)\s+", "", office.group(1) if office else name)
    places = ctx.index.lookup(plain)
    if len(places) > 1:
        in_context = [p for p in places if p.key in ctx.registered or p.district_key in ctx.home_districts]
        places = in_context if len(in_context) == 1 else places
    if not places:
        close = difflib.get_close_matches(plain, sorted({" ".join(k) for k in ctx.index.forms}), n=1, cutoff=0.85)
        raise SourceDataError(f"{name!r} is no municipality or district of the register", where="--author",
                              fix=(f"did you mean {close[0]!r}? " if close else "") + "write the name as in the register, or its AGS")
    if len(places) > 1:
        raise SourceDataError(f"{name!r} is ambiguous: " + "; ".join(p.describe() for p in places[:8]), where="--author",
                              fix="write the 8-digit AGS instead")
    place = places[0]
    if office:
        path = f"office/jugendamt/{place.key}"
        if not ctx.described(path):
            raise SourceDataError(f"the data describes no youth welfare office <{path}>", where="--author",
                                  fix=f"name the town itself ({place.label}) or describe the office first")
        return path
    return place.path


def add_source(project: Project, file: str | Path, *, title: str, title_en: str | None = None, date: str | None = None,
               not_before: str | None = None, not_after: str | None = None, authors=(), language: str = "de",
               name: str | None = None, base: str | None = None) -> AddSourceResult:
    """Register a document: copy its text to ``data/sources/NAME.txt`` and describe it in
    ``data/documents/NAME.ttl`` (where its accepted statements will go)."""
    base = base_iri(base)
    file = Path(file)
    text = read_text(file, str(file))
    if not text.strip():
        raise SourceDataError("the document is empty", where=str(file), fix="give the text of the letter or minutes")
    if not title or not title.strip():
        raise SourceDataError("a document needs a title", where="--title", fix="e.g. --title 'Protokoll der AG Jugendhilfe vom 12.03.2019'")
    name = slug(name or file.stem, 80)
    ctx = ProjectContext.for_project(project, base)
    text_rel = Path("sources") / (name + (file.suffix if file.suffix in (".txt", ".md") else ".txt"))
    data_rel = Path(DOCUMENTS) / f"{name}.ttl"
    target = project.data_dir / text_rel
    if ctx.described(f"doc/{name}"):
        raise SourceDataError(f"doc:{name} is already registered", where=str(file),
                              fix="choose another --name, or extract from it: ikz extract " + str(target))
    for registered, doc in ctx.documents.items():
        other = project.data_dir / registered
        if other.is_file() and other.read_bytes() == file.read_bytes():
            raise SourceDataError(f"this text is already registered as <{doc[len(base):]}> (data/{registered})",
                                  where=str(file), fix=f"extract from it: ikz extract data/{registered}")
    if target.exists() and target.resolve() != file.resolve() and target.read_bytes() != file.read_bytes():
        raise SourceDataError(f"data/{text_rel} exists with other content", where=str(file), fix="choose another --name")
    if (project.data_dir / data_rel).exists():
        raise SourceDataError(f"data/{data_rel} exists already", where=str(file), fix="choose another --name")
    lang = LANGUAGES.get(language.strip().casefold())
    if lang is None:
        raise SourceDataError(f"unknown language {language!r}", where="--language", fix="use de, en, fr, nl, it, pl, tr or es")
    tag = LANGUAGE_TAGS[lang]
    dating = []
    try:
        if date and ".." in date:
            not_before, not_after = (part.strip() for part in date.split("..", 1))
            date = None
        if date:
            kind, value = parse_german_date(date)
            if kind == "date":
                dating.append(f'    dct:date "{value}"^^xsd:date ;')
            else:  # a month or year: a range, never an invented day
                first, last = _month_bounds(kind, value)
                dating += [f'    ikz:notBefore "{first}"^^xsd:date ;', f'    ikz:notAfter "{last}"^^xsd:date ;']
        if not_before:
            dating.append(f'    ikz:notBefore "{_month_bounds(*parse_german_date(not_before))[0]}"^^xsd:date ;')
        if not_after:
            dating.append(f'    ikz:notAfter "{_month_bounds(*parse_german_date(not_after))[1]}"^^xsd:date ;')
    except ValueError as error:
        raise SourceDataError(str(error), where="--date", fix="write a date as 2016-04-12 or 12.04.2016, a range as 21.03.2016..30.04.2016") from None
    creators = [resolve_organisation(a, ctx) for a in authors if a.strip()]
    today = _dt.date.today().isoformat()
    lines = [
        f"# {title.strip()}",
        f"# Text: data/{text_rel.as_posix()} (registered with `ikz add-source` on {today}).",
        f"# Statements drawn from it go below: `ikz extract data/{text_rel.as_posix()}` drafts candidates into",
        f"# build/drafts/{name}.ttl; after review `ikz accept build/drafts/{name}.ttl` appends them here.",
        "",
        "@prefix ikz:    <https://w3id.org/ikz/ontology#> .",
        "@prefix doc:    <doc/> .",
        "@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .",
        "@prefix dct:    <http://purl.org/dc/terms/> .",
        "@prefix lang:   <http://publications.europa.eu/resource/authority/language/> .",
        "",
        f"doc:{name} a ikz:SourceDocument ;",
        f"    dct:title {turtle_string(title.strip())}@{tag} ;",
    ]
    if title_en:
        lines[-1] = lines[-1][:-2] + f", {turtle_string(title_en.strip())}@en ;"
    lines += [f"    dct:language lang:{lang} ;", f'    ikz:textFile "{text_rel.as_posix()}" ;'] + dating
    if creators:
        lines.append("    dct:creator " + " , ".join(f"<{c}>" for c in creators) + " ;")
    lines[-1] = lines[-1][:-2] + " ."
    scaffold = "\n".join(lines) + "\n"
    changes = Changes()
    added = register_additions(project, [base + c for c in creators], ctx.subjects, base, changes)
    if target.resolve() != file.resolve():
        changes.add(text_rel, text)
    changes.add(data_rel, scaffold)
    check_changes(project, changes, base=base)
    if target.resolve() != file.resolve():
        # the text is copied byte for byte (quotes are checked against it)
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        shutil.copyfile(file, temporary)
        os.replace(temporary, target)
        del changes.files[str(text_rel)]
    write_changes(project, changes)
    return AddSourceResult(f"doc:{name}", target, project.data_dir / data_rel, added)


# ---------------------------------------------------------------------------------------------
# ikz accept
# ---------------------------------------------------------------------------------------------


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
                shown = ", ".join(f'"{s}"' for s in statuses) or "no ikz:reviewStatus"
                problems.append(f"{source.where(iri)}: <{local}> is {shown}, not reviewed")
            elif QUOTE not in props:
                problems.append(f"{source.where(iri)}: <{local}> has no ikz:quote: nothing enters the graph without a source")
    if problems:
        raise ReviewError(
            f"{len(problems)} candidate(s) of the draft are not accepted:\n  " + "\n  ".join(problems),
            where=display,
            fix=f'review each candidate: delete wrong ones (the whole block), correct the rest and set ikz:reviewStatus "{ACCEPTED}"; '
                f'every candidate keeps its ikz:quote',
        )
    if not candidates:
        raise ReviewError("the draft has no candidates to accept", where=display, fix="run `ikz extract` on a registered document first")
    if not _declares_review_status(project):
        raise SourceDataError("the ontology does not declare ikz:reviewStatus, which accepted candidates keep",
                              where="ontology/ikz.ttl", fix="add the ikz:reviewStatus declaration given in docs/ingest.md")
    quotes = [i for i, p in subjects.items() if IKZ + "Quote" in {o.value for o in p.get(RDF_TYPE, [])}]
    used = {o.value for t in triples if t.predicate.value == QUOTE for o in [t.object]}
    orphans = [q for q in quotes if q not in used]
    if orphans:
        raise ReviewError("quote(s) that no candidate uses are left in the draft:\n  "
                          + "\n  ".join(f"{source.where(q)}: <{q[len(base):]}>" for q in orphans),
                          where=display, fix="delete these quotes too (they belonged to deleted candidates)")
    ctx = ProjectContext.for_project(project, base)
    present = ctx.subjects
    again = [i for i in subjects if i in present and (i in candidates or i in quotes
             or "http://www.w3.org/ns/org#Membership" in {o.value for o in subjects[i].get(RDF_TYPE, [])})]
    if again:
        raise ReviewError("the graph already has " + ", ".join(f"<{i[len(base):]}>" for i in again[:5])
                          + (" …" if len(again) > 5 else ""), where=display,
                          fix="this draft (or part of it) was accepted before: delete what is already there, or extract again")
    documents = [t.object.value for t in triples if t.predicate.value == PROV + "wasDerivedFrom" and t.subject.value in candidates]
    doc = max(sorted(set(documents)), key=documents.count) if documents else None
    if doc is None or not doc.startswith(base):
        raise ReviewError("no candidate names its document (prov:wasDerivedFrom)", where=display,
                          fix="keep the prov:wasDerivedFrom lines of the draft")
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
                    f"quote <{quote[len(base):]}> stands at {start}–{end} in data/{text_file}, not at "
                    f"{positions.get('start')}–{positions.get('end')} (was its text edited?)", where=source.where(quote),
                    fix=f'set oa:start "{start}" and oa:end "{end}", or delete the oa:start/oa:end line (the build computes them)')


def merge_turtle(existing: str | None, draft: str, *, note: str, where: str, target: str) -> str:
    """The draft's statements appended to ``existing`` (its prefixes merged): the draft's header
    comment and its "PRÜFEN" notes are dropped."""
    lines = draft.splitlines()
    first_prefix = next((i for i, l in enumerate(lines) if _PREFIX_RE.match(l)), 0)
    body_lines = [re.sub(r"\s+# PRÜFEN\b.*$", "", l) for l in lines[first_prefix:]
                  if not _PREFIX_RE.match(l) and not re.match(r"\s*# PRÜFEN", l)]
    body = "\n".join(body_lines).strip("\n")
    draft_prefixes = dict(_PREFIX_RE.findall("\n".join(lines)))
    if existing is None:
        prefix_lines = [l for l in lines if _PREFIX_RE.match(l)]
        return "\n".join([f"# Statements {note}.", ""] + prefix_lines + ["", body]) + "\n"
    current = dict(_PREFIX_RE.findall(existing))
    missing = []
    for name, iri in draft_prefixes.items():
        if name in current and current[name] != iri:
            raise SourceDataError(f"prefix {name}: means <{iri}> in the draft but <{current[name]}> in {target}",
                                  where=where, fix=f"rename the prefix in the draft or write full IRIs")
        if name not in current:
            missing.append(f"@prefix {(name + ':').ljust(8)}<{iri}> .")
    existing_lines = existing.rstrip("\n").splitlines()
    last_prefix = max((i for i, l in enumerate(existing_lines) if _PREFIX_RE.match(l)), default=-1)
    merged = existing_lines[:last_prefix + 1] + missing + existing_lines[last_prefix + 1:]
    return "\n".join(merged + ["", f"# --- {note} " + "-" * 20, body]) + "\n"


# ---------------------------------------------------------------------------------------------
# ikz import
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    german: str
    aliases: tuple[str, ...]
    required: bool
    expected: str


def _columns(*specs) -> dict[str, Column]:
    return {s[0]: Column(*s) for s in specs}


TEMPLATES: dict[str, dict[str, Column]] = {
    "cooperations": _columns(
        ("id", "ID", ("id", "kennung", "schluessel"), False, "a short name for the IRI (letters, digits, dashes); default: from Bezeichnung"),
        ("label", "Bezeichnung", ("bezeichnung", "label", "name", "titel", "kooperation"), True, "the cooperation's name"),
        ("partners", "Kommunen", ("kommunen", "kommune", "partner", "partners", "mitglieder", "beteiligte"), True,
         "at least two municipalities or districts, by name or key (AGS), separated by ';'"),
        ("service_area", "Aufgabengebiet", ("aufgabengebiet", "servicearea", "aufgabe", "bereich", "aufgabenbereich"), True,
         "a service area of ontology/concepts.ttl, e.g. Inobhutnahme, Beratung; several separated by ';'"),
        ("status", "Status", ("status", "stand"), True, "bestehend, vorgeschlagen, geplant or beendet"),
        ("legal_form", "Rechtsform", ("rechtsform", "legalform", "form"), False,
         "e.g. öffentlich-rechtliche Vereinbarung, Zweckverband, informell; empty: unbekannt"),
        ("facility", "Einrichtung", ("einrichtung", "facility"), False,
         "the facility used together: a name (new, or as the data describes it) or its IRI (f:...)"),
        ("facility_kind", "Einrichtungsart", ("einrichtungsart", "art", "facilitykind"), False,
         "a facility kind, e.g. Jugendschutzstelle (needed for a new Einrichtung)"),
        ("operator", "Träger", ("traeger", "operator", "betreiber"), False,
         "the operator of a new Einrichtung: a town or district, or an IRI; empty: unknown"),
        ("role", "Rolle", ("rolle", "role"), False, "Nutzer, Partner or Vertragspartner; default Nutzer with an Einrichtung, else Partner"),
        ("start", "Beginn", ("beginn", "seit", "start", "startdate"), False, "a date (12.04.2016) or a year (2016)"),
        ("source", "Quelle", ("quelle", "source", "dokument", "document"), True,
         "a registered document: its IRI (doc:votum-2016) or its title"),
        ("quote", "Zitat", ("zitat", "quote", "beleg"), True, "the sentence of the document that states it, verbatim"),
        ("note", "Bemerkung", ("bemerkung", "anmerkung", "note", "notes", "kommentar"), False, "free text (kept as skos:note)"),
    ),
    "facilities": _columns(
        ("id", "ID", ("id", "kennung", "schluessel"), False, "a short name for the IRI; default: from Bezeichnung"),
        ("label", "Bezeichnung", ("bezeichnung", "label", "name", "einrichtung"), True, "the facility's name"),
        ("facility_kind", "Einrichtungsart", ("einrichtungsart", "art", "facilitykind", "kind"), True,
         "a facility kind of ontology/concepts.ttl, e.g. Jugendschutzstelle, Erziehungsberatungsstelle"),
        ("service_area", "Aufgabengebiet", ("aufgabengebiet", "servicearea", "aufgabe", "bereich"), False,
         "a service area; default: the one of the facility kind"),
        ("operator", "Träger", ("traeger", "operator", "betreiber"), False,
         "a town or district (name or key) or an IRI the data describes (prv:...); empty or 'unbekannt': unknown"),
        ("address", "Adresse", ("adresse", "anschrift", "address"), False, "postal address, e.g. Hauptstraße 92, 58332 Schwelm"),
        ("source", "Quelle", ("quelle", "source", "dokument", "document"), True, "a registered document: IRI or title"),
        ("quote", "Zitat", ("zitat", "quote", "beleg"), True, "the sentence of the document that states it, verbatim"),
        ("note", "Bemerkung", ("bemerkung", "anmerkung", "note", "notes", "kommentar"), False, "free text"),
    ),
}
KINDS = tuple(TEMPLATES)
_LEGAL_FORM_WORDS = {"örv": "OeffentlichRechtlicheVereinbarung", "oerv": "OeffentlichRechtlicheVereinbarung",
                     "öffentlich-rechtliche vereinbarung": "OeffentlichRechtlicheVereinbarung",
                     "zweckverband": "Zweckverband", "arbeitsgemeinschaft": "Arbeitsgemeinschaft", "informell": "Informell",
                     "unbekannt": "Unbekannt", "unknown": "Unbekannt", "privatrechtlich": "Privatrechtlich", "vertrag": "Privatrechtlich",
                     "gemeinsames kommunalunternehmen": "GemeinsamesKommunalunternehmen"}


def _header_key(text: str) -> str:
    return re.sub(r"[\s_.\-/()]+", "", str(text or "").translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})).casefold())


@dataclass
class Table:
    """A read spreadsheet: header cells and rows (row number as the user sees it → cells)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


def read_table(path: str | Path, sheet: str | None = None) -> Table:
    """Read a CSV (comma or semicolon, UTF-8 with or without BOM, or Windows-1252 as Excel
    writes it) or an XLSX sheet (needs openpyxl). Every cell is text."""
    path = Path(path)
    if path.suffix.casefold() in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if path.suffix.casefold() not in (".csv", ".tsv", ".txt"):
        raise ImportTableError(f"cannot read {path.suffix or 'this'} files", where=str(path),
                               fix="save the spreadsheet as CSV (UTF-8) or XLSX")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportTableError(f"cannot read the file: {error.strerror}", where=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV (Trennzeichen-getrennt)"
    first = text.split("\n", 1)[0]
    delimiter = "\t" if path.suffix.casefold() == ".tsv" else (";" if first.count(";") > first.count(",") else ",")
    reader = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not reader:
        raise ImportTableError("the file is empty", where=str(path), fix="the first row names the columns (see docs/ingest.md)")
    rows = [(n, [c.strip() for c in row]) for n, row in enumerate(reader[1:], start=2) if any(c.strip() for c in row)]
    return Table(path.name, [h.strip() for h in reader[0]], rows)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:
        raise ImportTableError("reading .xlsx needs the package openpyxl", where=str(path),
                               fix="pip install openpyxl, or save the sheet as CSV (UTF-8)") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # a damaged or foreign file: say what openpyxl said
        raise ImportTableError(f"cannot read the workbook: {error}", where=str(path), fix="open and save it again in Excel") from None
    if sheet and sheet not in book.sheetnames:
        raise ImportTableError(f"no sheet {sheet!r}", where=str(path), fix="sheets: " + ", ".join(book.sheetnames))
    ws = book[sheet] if sheet else book.worksheets[0]

    def cell(value) -> str:
        if value is None:
            return ""
        if isinstance(value, _dt.datetime):
            return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
        if isinstance(value, _dt.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    values = [[cell(v) for v in row] for row in ws.iter_rows(values_only=True)]
    book.close()
    if not values:
        raise ImportTableError("the sheet is empty", where=f"{path}:{ws.title}", fix="the first row names the columns")
    rows = [(n, row) for n, row in enumerate(values[1:], start=2) if any(row)]
    return Table(f"{path.name} [{ws.title}]", values[0], rows)


@dataclass
class ImportResult:
    target: Path
    rows: int
    statements: int
    added_places: list[str]


class _Problems:
    def __init__(self, table: Table):
        self.table = table
        self.items: list[str] = []

    def add(self, row: int | None, column: Column | str | None, message: str, expected: str | None = None) -> None:
        where = f"row {row}" if row else "header (row 1)"
        if column is not None:
            where += f", column {(column.german if isinstance(column, Column) else column)!r}"
        text = f"{where}: {message}"
        if expected:
            text += f" — expected: {expected}"
        self.items.append(text)


def _concept(value: str, scheme: str, ctx: ProjectContext) -> str | None:
    """A concept's local name from a cell: German or English label, local name, prefixed name."""
    concepts = ctx.concepts.get(scheme, {})
    value = value.strip()
    local = value.split(":", 1)[1] if ":" in value else value
    if local in concepts:
        return local
    folded = _fold(value)
    for c in concepts.values():
        names = {_fold(c.local)} | {_fold(l) for l in c.labels} | {_fold(re.sub(r"\s*\(.*?\)", "", l)) for l in c.labels}
        if folded in names:
            return c.local
    if scheme == "legal-form":
        return _LEGAL_FORM_WORDS.get(folded)
    return None


def _choices(ctx: ProjectContext, scheme: str) -> str:
    return ", ".join(c.label for c in ctx.concepts.get(scheme, {}).values())


def _find_document(value: str, ctx: ProjectContext, base: str) -> str | None:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    for prefix, path in (("doc:", "doc/"), ("src:", "source/")):
        if value.startswith(prefix):
            value = path + value[len(prefix):]
    iri = value if "://" in value else base + value
    if iri in ctx.types and IKZ + "SourceDocument" in ctx.types[iri]:
        return iri
    folded = _fold(value)
    for doc, types in ctx.types.items():
        if IKZ + "SourceDocument" in types and any(_fold(label) == folded for label in ctx.titles.get(doc, [])):
            return doc
    for text_file, doc in ctx.documents.items():
        if folded in (_fold(text_file), _fold(Path(text_file).name), _fold("data/" + text_file)):
            return doc
    return None


def _place_path(value: str, ctx: ProjectContext) -> tuple[str | None, str | None]:
    """(IRI path, error) for a partner cell item: a name, an AGS or district key, or m:/d: IRIs."""
    value = value.strip()
    match = re.fullmatch(r"([md]):(\d+)", value)
    if match:
        value = match.group(2)
    plain = re.sub(r"^(?:Stadt|Gemeinde|Hansestadt|Kreisstadt)\s+", "", value)
    places = ctx.index.lookup(plain)
    if len(places) > 1:
        home = [p for p in places if p.key in ctx.registered or p.district_key in ctx.home_districts]
        places = home if len(home) == 1 else places
    if not places:
        close = difflib.get_close_matches(plain, sorted({" ".join(k) for k in ctx.index.forms if len(k) <= 3}), n=1, cutoff=0.8)
        return None, f"{value!r} is no municipality or district of the register" + (f" (did you mean {close[0]!r}?)" if close else "")
    if len(places) > 1:
        return None, f"{value!r} is ambiguous: " + "; ".join(p.describe() for p in places[:6]) + " — write the AGS"
    return places[0].path, None


def _org_path(value: str, ctx: ProjectContext) -> tuple[str | None, str | None]:
    value = value.strip()
    match = re.fullmatch(r"([a-z]+):(\S+)", value)
    if match:
        prefixes = {k: v for k, v in DRAFT_PREFIXES.items() if "://" not in v}
        prefixes.update({"prv": "provider/", "unit": "unit/", "src": "source/"})
        if match.group(1) in prefixes and ctx.described(prefixes[match.group(1)] + match.group(2)):
            return prefixes[match.group(1)] + match.group(2), None
        if match.group(1) not in ("m", "d"):
            return None, f"{value} is described nowhere in data/"
    return _place_path(value, ctx)


def import_table(project: Project, file: str | Path, kind: str, *, name: str | None = None, sheet: str | None = None,
                 base: str | None = None) -> ImportResult:
    """Import a spreadsheet of ``kind`` (cooperations or facilities) into
    ``data/imports/NAME.ttl``; re-importing the same NAME replaces that file. All rows are
    checked; with any error nothing is written and the error lists every problem."""
    if kind not in TEMPLATES:
        raise ImportTableError(f"unknown kind {kind!r}", where="--kind", fix="use one of: " + ", ".join(KINDS))
    base = base_iri(base)
    table = read_table(file, sheet)
    template = TEMPLATES[kind]
    ctx = ProjectContext.for_project(project, base)
    problems = _Problems(table)
    positions: dict[str, int] = {}
    aliases = {_header_key(a): c for c in template.values() for a in (*c.aliases, c.german, c.key)}
    for i, head in enumerate(table.header):
        if not head.strip():
            continue
        column = aliases.get(_header_key(head))
        if column is None:
            close = difflib.get_close_matches(_header_key(head), list(aliases), n=1, cutoff=0.7)
            problems.add(None, head, "unknown column" + (f" (did you mean {aliases[close[0]].german!r}?)" if close else ""),
                         "the columns of the template: " + ", ".join(c.german for c in template.values()))
        elif column.key in positions:
            problems.add(None, head, f"a second column for {column.german}")
        else:
            positions[column.key] = i
    for column in template.values():
        if column.required and column.key not in positions:
            problems.add(None, column, "missing", column.expected)
    if problems.items:
        raise ImportTableError(f"the header does not fit the {kind} template:\n  " + "\n  ".join(problems.items),
                               problems=problems.items, where=table.name, fix="see the template in docs/ingest.md")
    if not table.rows:
        raise ImportTableError(f"{table.name} has no rows", where=table.name, fix="one row per " + kind[:-1].replace("ie", "y"))
    name = slug(name or Path(file).stem, 80)
    target_rel = Path(IMPORTS) / f"{name}.ttl"
    previous = project.data_dir / target_rel
    replaced: set[str] = set()
    if previous.is_file():
        replaced = {t.subject.value for t in parse_turtle(previous, base, project.relative(previous))[0]}
    builder = _Rows(ctx, base, problems, replaced)
    for row_number, cells in table.rows:
        values = {key: (cells[i].strip() if i < len(cells) else "") for key, i in positions.items()}
        if kind == "cooperations":
            builder.cooperation(row_number, values, template)
        else:
            builder.facility(row_number, values, template)
    if problems.items:
        raise ImportTableError(
            f"{len(problems.items)} error(s); nothing was imported:\n  " + "\n  ".join(problems.items),
            problems=problems.items, where=table.name, fix="correct the cells named above (docs/ingest.md has the template)")
    text, line_rows = builder.turtle(table.name, kind)
    changes = Changes()
    added = register_additions(project, builder.places, ctx.subjects, base, changes)
    changes.add(target_rel, text)
    shown = f"data/{target_rel.as_posix()}"

    def remap(where: str) -> str:
        match = re.match(re.escape(shown) + r":(\d+)", where or "")
        if not match:
            return where
        row = max((r for line, r in line_rows if line <= int(match.group(1))), default=None)
        return f"{table.name}, row {row}" if row else where

    check_changes(project, changes, base=base, remap=remap)
    write_changes(project, changes)
    return ImportResult(project.data_dir / target_rel, len(table.rows), builder.statements, added)


class _Rows:
    """Turns checked rows into Turtle blocks (one block per row, its line remembered)."""

    def __init__(self, ctx: ProjectContext, base: str, problems: _Problems, replaced: set[str]):
        self.ctx, self.base, self.problems, self.replaced = ctx, base, problems, replaced
        self.blocks: list[tuple[int, str]] = []
        self.minted: set[str] = set()
        self.places: set[str] = set()
        self.new_facilities: dict[str, str] = {}
        self.statements = 0
        self.texts: dict[str, NormalizedText | None] = {}

    def _id(self, row: int, values: dict, column: Column, namespace: str) -> str | None:
        local = values.get("id") or slug(values.get("label", ""), 70)
        if values.get("id") and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", values["id"]):
            self.problems.add(row, column, f"{values['id']!r} cannot be part of an IRI", "letters, digits, '.', '_' and '-'")
            return None
        path = namespace + local
        if path in self.minted:
            self.problems.add(row, column, f"{local!r} is used by an earlier row", "a different ID or Bezeichnung per row")
            return None
        if self.ctx.described(path) and self.base + path not in self.replaced:
            self.problems.add(row, column, f"<{path}> is already described elsewhere in data/", "a new ID")
            return None
        self.minted.add(path)
        return path

    def _source(self, row: int, values: dict, template: dict) -> tuple[str | None, str | None]:
        doc = _find_document(values.get("source", ""), self.ctx, self.base)
        if doc is None:
            registered = sorted(f"{d[len(self.base):]} ({t})" for t, d in self.ctx.documents.items() if not t.startswith("reference/"))
            self.problems.add(row, template["source"], f"{values.get('source')!r} is no registered document",
                              "doc:... or the title of a document in data/ (register new ones with ikz add-source); known: "
                              + "; ".join(registered[:5]))
            return None, None
        quote = values.get("quote", "")
        if len(quote) < 3:
            self.problems.add(row, template["quote"], "empty", template["quote"].expected)
            return doc, None
        text_file = next((t for t, d in self.ctx.documents.items() if d == doc), None)
        if text_file:
            if text_file not in self.texts:
                path = self.ctx.data_dir / text_file
                self.texts[text_file] = NormalizedText(path.read_text(encoding="utf-8")) if path.is_file() else None
            text = self.texts[text_file]
            found = text.find_all(quote) if text else []
            if text is not None and len(found) != 1:
                if found:
                    self.problems.add(row, template["quote"], f"occurs {len(found)} times in data/{text_file}",
                                      "a longer passage that occurs once")
                else:
                    nearest = text.nearest(quote)
                    self.problems.add(row, template["quote"], f"does not occur verbatim in data/{text_file}"
                                      + (f"; closest: {nearest!r}" if nearest else ""), template["quote"].expected)
                return doc, None
        return doc, normalize(quote)

    def _quote_node(self, doc: str, local: str, exact: str) -> tuple[str, str]:
        lang = LANGUAGE_TAGS.get(self.ctx.languages.get(doc, "DEU"), "de")
        iri = f"{doc[len(self.base):]}/quote/import-{local}"
        return f"<{iri}>", (f"<{iri}> a ikz:Quote ; prov:wasQuotedFrom <{doc[len(self.base):]}> ;\n"
                            f"    oa:exact {turtle_string(exact)}@{lang} .")

    def _service_areas(self, row, values, template, default=None) -> list[str]:
        cells = [v for v in re.split(r"\s*;\s*", values.get("service_area", "")) if v]
        if not cells and default:
            return [default]
        found = []
        for cell in cells:
            local = _concept(cell, "service-area", self.ctx)
            if local is None:
                self.problems.add(row, template["service_area"], f"{cell!r} is no service area", _choices(self.ctx, "service-area"))
            else:
                found.append(f"sa:{local}")
        if not found and template["service_area"].required and not cells:
            self.problems.add(row, template["service_area"], "empty", template["service_area"].expected)
        return found

    def _operator(self, row, values, template) -> str | None | bool:
        value = values.get("operator", "")
        if not value or _fold(value) in ("unbekannt", "unknown", "?"):
            return None
        path, error = _org_path(value, self.ctx)
        if error:
            self.problems.add(row, template["operator"], error, template["operator"].expected)
            return False
        if path.startswith(("municipality/", "district/")):
            self.places.add(self.base + path)
        return path

    def _date(self, row, values, template) -> str | None:
        if not values.get("start"):
            return None
        try:
            kind, value = parse_german_date(values["start"])
        except ValueError as error:
            self.problems.add(row, template["start"], str(error), template["start"].expected)
            return None
        return f'"{value}"^^xsd:{kind}'

    def cooperation(self, row: int, values: dict, t: dict) -> None:
        before = len(self.problems.items)
        if not values.get("label"):
            self.problems.add(row, t["label"], "empty", t["label"].expected)
        path = self._id(row, values, t["id"] if "id" in values else t["label"], "cooperation/") if values.get("label") else None
        partners = []
        for item in [v for v in re.split(r"\s*;\s*|\n", values.get("partners", "")) if v.strip()]:
            place, error = _place_path(item, self.ctx)
            if error:
                self.problems.add(row, t["partners"], error, t["partners"].expected)
            elif place in partners:
                self.problems.add(row, t["partners"], f"{item!r} is named twice")
            else:
                partners.append(place)
        if len(partners) < 2 and len(self.problems.items) == before:
            self.problems.add(row, t["partners"], f"{len(partners)} partner(s)", t["partners"].expected)
        areas = self._service_areas(row, values, t)
        status = _concept(values.get("status", ""), "status", self.ctx) if values.get("status") else None
        if status is None:
            self.problems.add(row, t["status"], f"{values.get('status', '')!r} is no status" if values.get("status") else "empty",
                              t["status"].expected)
        legal = _concept(values["legal_form"], "legal-form", self.ctx) if values.get("legal_form") else "Unbekannt"
        if legal is None:
            self.problems.add(row, t["legal_form"], f"{values['legal_form']!r} is no legal form", _choices(self.ctx, "legal-form"))
        facility = None
        if values.get("facility"):
            facility = self._facility_ref(row, values, t)
        role = _concept(values["role"], "role", self.ctx) if values.get("role") else ("Nutzer" if facility else "Partner")
        if role is None:
            self.problems.add(row, t["role"], f"{values['role']!r} is no role", "Nutzer, Partner or Vertragspartner")
        start = self._date(row, values, t)
        doc, exact = self._source(row, values, t)
        if len(self.problems.items) != before or path is None:
            return
        local = path.split("/", 1)[1]
        q_iri, q_block = self._quote_node(doc, local, exact)
        lines = [f"# row {row}", f"<{path}> a {'ikz:SharedFacilityUse' if facility else 'ikz:Cooperation'} ;",
                 f"    skos:prefLabel {turtle_string(values['label'])}@de ;"]
        if facility:
            lines.append(f"    ikz:facility <{facility[0]}> ;")
        lines += [f"    ikz:serviceArea {' , '.join(areas)} ;", f"    ikz:status status:{status} ;", f"    ikz:legalForm lf:{legal} ;"]
        if start:
            lines.append(f"    schema:startDate {start} ;")
        if values.get("note"):
            lines.append(f"    skos:note {turtle_string(values['note'])}@de ;")
        lines.append(f"    prov:wasDerivedFrom <{doc[len(self.base):]}> ; ikz:quote {q_iri} .")
        for partner in partners:
            self.places.add(self.base + partner)
            member = f"membership/{local}-{partner.rsplit('/', 1)[1]}"
            lines.append(f"<{member}> a org:Membership ; org:organization <{path}> ; org:member <{partner}> ; org:role role:{role} .")
        if facility and facility[1]:
            lines.append(facility[1].replace("QUOTE", q_iri).replace("DOC", f"<{doc[len(self.base):]}>"))
        lines.append(q_block)
        self.blocks.append((row, "\n".join(lines)))
        self.statements += 1

    def _facility_ref(self, row, values, t) -> tuple[str, str | None] | None:
        value = values["facility"].strip()
        match = re.fullmatch(r"f:(\S+)|<?(facility/\S+?)>?", value)
        if match:
            path = "facility/" + match.group(1) if match.group(1) else match.group(2)
            if not self.ctx.described(path) and path not in self.new_facilities:
                self.problems.add(row, t["facility"], f"<{path}> is described nowhere", t["facility"].expected)
                return None
            return path, None
        existing = self.ctx.facility_named(value)
        if existing and existing not in self.replaced:
            return existing[len(self.base):], None
        key = _fold(value)
        if key in self.new_facilities:
            return self.new_facilities[key], None
        kind = _concept(values.get("facility_kind", ""), "facility-kind", self.ctx) if values.get("facility_kind") else None
        if kind is None:
            self.problems.add(row, t["facility_kind"], (f"{values['facility_kind']!r} is no facility kind" if values.get("facility_kind")
                              else f"needed for the new Einrichtung {value!r}"), _choices(self.ctx, "facility-kind"))
            return None
        operator = self._operator(row, values, t)
        if operator is False:
            return None
        path = f"facility/{slug(value, 70)}"
        if self.ctx.described(path) and self.base + path not in self.replaced:
            path = f"facility/{slug(value, 60)}-{row}"
        self.new_facilities[key] = path
        concept = self.ctx.concepts["facility-kind"][kind]
        area = f"sa:{concept.service_area.rsplit('/', 1)[1]}" if concept.service_area else None
        block = [f"<{path}> a ikz:Facility ;", f"    skos:prefLabel {turtle_string(value)}@de ;", f"    ikz:facilityKind fk:{kind} ;"]
        if area:
            block.append(f"    ikz:serviceArea {area} ;")
        block.append(f"    ikz:operatedBy <{operator}> ;" if operator else "    ikz:unknown ikz:operatedBy ;")
        block.append("    prov:wasDerivedFrom DOC ; ikz:quote QUOTE .")
        return path, "\n".join(block)

    def facility(self, row: int, values: dict, t: dict) -> None:
        before = len(self.problems.items)
        if not values.get("label"):
            self.problems.add(row, t["label"], "empty", t["label"].expected)
        path = self._id(row, values, t["id"] if "id" in values else t["label"], "facility/") if values.get("label") else None
        kind = _concept(values.get("facility_kind", ""), "facility-kind", self.ctx) if values.get("facility_kind") else None
        if kind is None:
            self.problems.add(row, t["facility_kind"], f"{values.get('facility_kind', '')!r} is no facility kind" if values.get("facility_kind")
                              else "empty", _choices(self.ctx, "facility-kind"))
        concept = self.ctx.concepts["facility-kind"].get(kind) if kind else None
        default = f"sa:{concept.service_area.rsplit('/', 1)[1]}" if concept is not None and concept.service_area else None
        areas = self._service_areas(row, values, t, default)
        operator = self._operator(row, values, t)
        doc, exact = self._source(row, values, t)
        if len(self.problems.items) != before or path is None:
            return
        local = path.split("/", 1)[1]
        q_iri, q_block = self._quote_node(doc, local, exact)
        lines = [f"# row {row}", f"<{path}> a ikz:Facility ;", f"    skos:prefLabel {turtle_string(values['label'])}@de ;",
                 f"    ikz:facilityKind fk:{kind} ;"]
        if areas:
            lines.append(f"    ikz:serviceArea {' , '.join(areas)} ;")
        lines.append(f"    ikz:operatedBy <{operator}> ;" if operator else "    ikz:unknown ikz:operatedBy ;")
        if values.get("address"):
            lines.append(f"    schema:address {turtle_string(values['address'])}@de ;")
        if values.get("note"):
            lines.append(f"    skos:note {turtle_string(values['note'])}@de ;")
        lines.append(f"    prov:wasDerivedFrom <{doc[len(self.base):]}> ; ikz:quote {q_iri} .")
        lines.append(q_block)
        self.blocks.append((row, "\n".join(lines)))
        self.statements += 1

    def turtle(self, source: str, kind: str) -> tuple[str, list[tuple[int, int]]]:
        header = [
            f"# Imported from {source} ({kind}) by `ikz import` on {_dt.date.today().isoformat()}: {len(self.blocks)} row(s).",
            "# Re-importing the spreadsheet under the same name replaces this file; edit the spreadsheet, not this file.",
            "",
            "@prefix ikz:    <https://w3id.org/ikz/ontology#> .",
            "@prefix fk:     <https://w3id.org/ikz/concept/facility-kind/> .",
            "@prefix sa:     <https://w3id.org/ikz/concept/service-area/> .",
            "@prefix status: <https://w3id.org/ikz/concept/status/> .",
            "@prefix lf:     <https://w3id.org/ikz/concept/legal-form/> .",
            "@prefix role:   <https://w3id.org/ikz/concept/role/> .",
            "@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .",
            "@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .",
            "@prefix org:    <http://www.w3.org/ns/org#> .",
            "@prefix prov:   <http://www.w3.org/ns/prov#> .",
            "@prefix schema: <https://schema.org/> .",
            "@prefix oa:     <http://www.w3.org/ns/oa#> .",
        ]
        lines = list(header)
        line_rows = []
        for row, block in self.blocks:
            lines.append("")
            line_rows.append((len(lines) + 1, row))
            lines += block.split("\n")
        return "\n".join(lines) + "\n", line_rows

"""``ikz add-source``: register a source document (copy its text under ``data/sources/`` and
describe it in ``data/documents/``)."""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import SourceDataError
from graph.core.i18n import msg
from graph.core.namespaces import base_iri, turtle_prefixes
from graph.core.project import Project
from graph.core.text import slug, turtle_string
from graph.extraction.context import ProjectContext
from graph.extraction.drafts import DRAFT_PREFIXES
from graph.extraction.mentions import find_dates
from graph.ingest.additions import register_additions
from graph.ingest.changes import Changes, check_changes, write_changes
from graph.rdf.textfile import read_text

DOCUMENTS = "documents"
LANGUAGES = {"de": "DEU", "deu": "DEU", "ger": "DEU", "en": "ENG", "eng": "ENG", "fr": "FRA", "fra": "FRA",
             "nl": "NLD", "nld": "NLD", "it": "ITA", "ita": "ITA", "pl": "POL", "pol": "POL", "tr": "TUR",
             "tur": "TUR", "es": "SPA", "spa": "SPA"}
LANGUAGE_TAGS = {"DEU": "de", "ENG": "en", "FRA": "fr", "NLD": "nl", "ITA": "it", "POL": "pl", "TUR": "tr", "SPA": "es"}


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
                raise ValueError(msg("ingest.date.not-in-calendar", value=value)) from None
        return kind, found[0].value
    raise ValueError(msg("ingest.date.unknown", value=value))


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
            raise SourceDataError(msg("ingest.author.not-described", name=name), where="--author",
                                  fix=msg("ingest.author.not-described-fix"))
        return path
    office = re.fullmatch(r"Jugendamt\s+(?:der\s+Stadt\s+|der\s+Gemeinde\s+|des\s+)?(.+)", name)
    plain = re.sub(r"^(?:Stadt|Gemeinde|Hansestadt|Kreisstadt)\s+", "", office.group(1) if office else name)
    places = ctx.index.lookup(plain)
    if len(places) > 1:
        in_context = [p for p in places if p.key in ctx.registered or p.district_key in ctx.home_districts]
        places = in_context if len(in_context) == 1 else places
    if not places:
        close = difflib.get_close_matches(plain, sorted({" ".join(k) for k in ctx.index.forms}), n=1, cutoff=0.85)
        raise SourceDataError(msg("ingest.author.unknown", name=name), where="--author",
                              fix=msg("ingest.author.unknown-fix-close", close=close[0]) if close else msg("ingest.author.unknown-fix"))
    if len(places) > 1:
        raise SourceDataError(msg("ingest.author.ambiguous", name=name, places="; ".join(p.describe() for p in places[:8])),
                              where="--author", fix=msg("ingest.author.ambiguous-fix"))
    place = places[0]
    if office:
        path = f"office/jugendamt/{place.key}"
        if not ctx.described(path):
            raise SourceDataError(msg("ingest.author.no-office", path=path), where="--author",
                                  fix=msg("ingest.author.no-office-fix", town=place.label))
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
        raise SourceDataError(msg("ingest.source.empty"), where=str(file), fix=msg("ingest.source.empty-fix"))
    if not title or not title.strip():
        raise SourceDataError(msg("ingest.source.no-title"), where="--title", fix=msg("ingest.source.no-title-fix"))
    name = slug(name or file.stem, 80)
    ctx = ProjectContext.for_project(project, base)
    text_rel = Path("sources") / (name + (file.suffix if file.suffix in (".txt", ".md") else ".txt"))
    data_rel = Path(DOCUMENTS) / f"{name}.ttl"
    target = project.data_dir / text_rel
    if ctx.described(f"doc/{name}"):
        raise SourceDataError(msg("ingest.source.registered", name=name), where=str(file),
                              fix=msg("ingest.source.registered-fix", path=str(target)))
    for registered, doc in ctx.documents.items():
        other = project.data_dir / registered
        if other.is_file() and other.read_bytes() == file.read_bytes():
            raise SourceDataError(msg("ingest.source.same-text", document=doc[len(base):], path=f"data/{registered}"),
                                  where=str(file), fix=msg("ingest.source.same-text-fix", path=f"data/{registered}"))
    if target.exists() and target.resolve() != file.resolve() and target.read_bytes() != file.read_bytes():
        raise SourceDataError(msg("ingest.source.other-content", path=f"data/{text_rel}"), where=str(file),
                              fix=msg("ingest.source.other-name"))
    if (project.data_dir / data_rel).exists():
        raise SourceDataError(msg("ingest.source.exists", path=f"data/{data_rel}"), where=str(file),
                              fix=msg("ingest.source.other-name"))
    lang = LANGUAGES.get(language.strip().casefold())
    if lang is None:
        raise SourceDataError(msg("ingest.source.language", language=language), where="--language",
                              fix=msg("ingest.source.language-fix"))
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
        raise SourceDataError(error.args[0], where="--date", fix=msg("ingest.date.fix")) from None
    creators = [resolve_organisation(a, ctx) for a in authors if a.strip()]
    today = _dt.date.today().isoformat()
    lines = [
        f"# {title.strip()}",
        f"# Text: data/{text_rel.as_posix()} (registered with `ikz add-source` on {today}).",
        f"# Statements drawn from it go below: `ikz extract data/{text_rel.as_posix()}` drafts candidates into",
        f"# build/drafts/{name}.ttl; after review `ikz accept build/drafts/{name}.ttl` appends them here.",
        "",
        turtle_prefixes(["ikz"]),
        "@prefix doc:    <doc/> .",
        turtle_prefixes(["xsd", "dct"]),
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

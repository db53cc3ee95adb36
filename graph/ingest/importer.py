"""``ikz import``: a spreadsheet (CSV or XLSX, one row per cooperation or facility) as Turtle,
checked like a build; every problem is reported with its row and column."""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from dataclasses import dataclass
from pathlib import Path

from graph.core.i18n import Message, msg
from graph.core.namespaces import IKZ as IKZ_NS, base_iri, turtle_prefixes
from graph.core.project import Project
from graph.core.text import NormalizedText, fold, normalize, slug, turtle_string
from graph.extraction.context import ProjectContext
from graph.extraction.drafts import DRAFT_PREFIXES
from graph.ingest.additions import register_additions
from graph.ingest.changes import Changes, ImportTableError, ListMessage, check_changes, write_changes
from graph.ingest.sources import LANGUAGE_TAGS, parse_german_date
from graph.ingest.templates import KINDS, LEGAL_FORM_WORDS, RECORD_TEXTS, TEMPLATES, Column, header_key
from graph.rdf.parse import parse_turtle
from graph.rdf.tables import Table, TableError, read_table

IKZ = str(IKZ_NS)
IMPORTS = "imports"


@dataclass
class ImportResult:
    target: Path
    rows: int
    statements: int
    added_places: list[str]


class _Problems:
    """The problems of a spreadsheet, each located at its row and column."""

    def __init__(self, table: Table):
        self.table = table
        self.items: list[Message] = []

    def add(self, row: int | None, column: Column | str | None, message, expected=None) -> None:
        name = column.german if isinstance(column, Column) else column
        if row:
            where = msg("ingest.import.at-cell", row=row, column=name) if column is not None else msg("ingest.import.at-row", row=row)
        else:
            where = msg("ingest.import.at-header-column", column=name) if column is not None else msg("ingest.import.at-header")
        if expected:
            self.items.append(msg("ingest.import.problem-expected", where=where, problem=message, expected=expected))
        else:
            self.items.append(msg("ingest.import.problem", where=where, problem=message))



def _concept(value: str, scheme: str, ctx: ProjectContext) -> str | None:
    """A concept's local name from a cell: German or English label, local name, prefixed name."""
    concepts = ctx.concepts.get(scheme, {})
    value = value.strip()
    local = value.split(":", 1)[1] if ":" in value else value
    if local in concepts:
        return local
    folded = fold(value)
    for c in concepts.values():
        names = {fold(c.local)} | {fold(l) for l in c.labels} | {fold(re.sub(r"\s*\(.*?\)", "", l)) for l in c.labels}
        if folded in names:
            return c.local
    if scheme == "legal-form":
        return LEGAL_FORM_WORDS.get(folded)
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
    folded = fold(value)
    for doc, types in ctx.types.items():
        if IKZ + "SourceDocument" in types and any(fold(label) == folded for label in ctx.titles.get(doc, [])):
            return doc
    for text_file, doc in ctx.documents.items():
        if folded in (fold(text_file), fold(Path(text_file).name), fold("data/" + text_file)):
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
        return None, (msg("ingest.import.no-place-close", value=value, close=close[0]) if close
                      else msg("ingest.import.no-place", value=value))
    if len(places) > 1:
        return None, msg("ingest.import.ambiguous", value=value, places="; ".join(p.describe() for p in places[:6]))
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
            return None, msg("ingest.author.not-described", name=value)
    return _place_path(value, ctx)


def import_table(project: Project, file: str | Path, kind: str, *, name: str | None = None, sheet: str | None = None,
                 base: str | None = None) -> ImportResult:
    """Import a spreadsheet of ``kind`` (cooperations or facilities) into
    ``data/imports/NAME.ttl``; re-importing the same NAME replaces that file. All rows are
    checked; with any error nothing is written and the error lists every problem."""
    if kind not in TEMPLATES:
        raise ImportTableError(msg("ingest.import.kind", kind=kind), where="--kind",
                               fix=msg("ingest.import.kind-fix", kinds=", ".join(KINDS)))
    base = base_iri(base)
    try:
        table = read_table(file, sheet)
    except TableError as error:
        raise ImportTableError(error.message, where=error.where, fix=error.fix_message) from None
    template = TEMPLATES[kind]
    ctx = ProjectContext.for_project(project, base)
    problems = _Problems(table)
    positions: dict[str, int] = {}
    aliases = {header_key(a): c for c in template.values() for a in (*c.aliases, c.german, c.key)}
    for i, head in enumerate(table.header):
        if not head.strip():
            continue
        column = aliases.get(header_key(head))
        if column is None:
            close = difflib.get_close_matches(header_key(head), list(aliases), n=1, cutoff=0.7)
            problems.add(None, head, msg("ingest.import.column-close", close=aliases[close[0]].german) if close
                         else msg("ingest.import.column"),
                         msg("ingest.import.column-expected", columns=", ".join(c.german for c in template.values())))
        elif column.key in positions:
            problems.add(None, head, msg("ingest.import.column-twice", column=column.german))
        else:
            positions[column.key] = i
    for column in template.values():
        if column.required and column.key not in positions:
            problems.add(None, column, msg("ingest.import.missing"), column.expected)
    if problems.items:
        raise ImportTableError(msg("ingest.import.header", kind=kind, problems=ListMessage(problems.items)),
                               problems=problems.items, where=table.name, fix=msg("ingest.import.header-fix"))
    if not table.rows:
        raise ImportTableError(msg("ingest.import.no-rows", table=table.name), where=table.name,
                               fix=msg(f"ingest.import.no-rows-fix.{kind}"))
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
        raise ImportTableError(msg("ingest.import.errors", count=len(problems.items), problems=ListMessage(problems.items)),
                               problems=problems.items, where=table.name, fix=msg("ingest.import.errors-fix"))
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
            self.problems.add(row, column, msg("ingest.import.bad-id", value=values["id"]), msg("ingest.import.bad-id-expected"))
            return None
        path = namespace + local
        if path in self.minted:
            self.problems.add(row, column, msg("ingest.import.id-used", value=local), msg("ingest.import.id-used-expected"))
            return None
        if self.ctx.described(path) and self.base + path not in self.replaced:
            self.problems.add(row, column, msg("ingest.import.id-described", path=path), msg("ingest.import.id-described-expected"))
            return None
        self.minted.add(path)
        return path

    def _source(self, row: int, values: dict, template: dict) -> tuple[str | None, str | None]:
        doc = _find_document(values.get("source", ""), self.ctx, self.base)
        if doc is None:
            registered = sorted(f"{d[len(self.base):]} ({t})" for t, d in self.ctx.documents.items() if not t.startswith("reference/"))
            self.problems.add(row, template["source"], msg("ingest.import.no-document", value=values.get("source")),
                              msg("ingest.import.document-expected", known="; ".join(registered[:5])))
            return None, None
        quote = values.get("quote", "")
        if len(quote) < 3:
            self.problems.add(row, template["quote"], msg("ingest.import.empty"), template["quote"].expected)
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
                    self.problems.add(row, template["quote"], msg("ingest.import.quote-repeated", count=len(found), path=f"data/{text_file}"),
                                      msg("ingest.import.quote-repeated-expected"))
                else:
                    nearest = text.nearest(quote)
                    self.problems.add(row, template["quote"], msg("ingest.import.quote-missing-nearest", path=f"data/{text_file}",
                                                                      nearest=repr(nearest)) if nearest
                                      else msg("ingest.import.quote-missing", path=f"data/{text_file}"), template["quote"].expected)
                return doc, None
        return doc, normalize(quote)

    def _verbatim(self, row: int, column: Column, doc: str, value: str) -> str | None:
        """A record field (Anlass, Ziel, ...) is a quote: its text must occur once in the source."""
        text_file = next((t for t, d in self.ctx.documents.items() if d == doc), None)
        text = self.texts.get(text_file) if text_file else None
        if text_file and text_file not in self.texts:
            path = self.ctx.data_dir / text_file
            text = self.texts[text_file] = NormalizedText(path.read_text(encoding="utf-8")) if path.is_file() else None
        if text is not None and len(text.find_all(value)) != 1:
            self.problems.add(row, column, msg("ingest.import.record-text-missing", path=f"data/{text_file}"),
                              msg("ingest.import.record-text-expected"))
            return None
        return normalize(value)

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
                self.problems.add(row, template["service_area"], msg("ingest.import.no-area", value=cell), _choices(self.ctx, "service-area"))
            else:
                found.append(f"sa:{local}")
        if not found and template["service_area"].required and not cells:
            self.problems.add(row, template["service_area"], msg("ingest.import.empty"), template["service_area"].expected)
        return found

    def _operator(self, row, values, template) -> str | None | bool:
        value = values.get("operator", "")
        if not value or fold(value) in ("unbekannt", "unknown", "?"):
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
            self.problems.add(row, template["start"], error.args[0], template["start"].expected)
            return None
        return f'"{value}"^^xsd:{kind}'

    def cooperation(self, row: int, values: dict, t: dict) -> None:
        before = len(self.problems.items)
        if not values.get("label"):
            self.problems.add(row, t["label"], msg("ingest.import.empty"), t["label"].expected)
        path = self._id(row, values, t["id"] if "id" in values else t["label"], "cooperation/") if values.get("label") else None
        partners = []
        for item in [v for v in re.split(r"\s*;\s*|\n", values.get("partners", "")) if v.strip()]:
            place, error = _place_path(item, self.ctx)
            if error:
                self.problems.add(row, t["partners"], error, t["partners"].expected)
            elif place in partners:
                self.problems.add(row, t["partners"], msg("ingest.import.partner-twice", value=item))
            else:
                partners.append(place)
        if len(partners) < 2 and len(self.problems.items) == before:
            self.problems.add(row, t["partners"], msg("ingest.import.partners", count=len(partners)), t["partners"].expected)
        areas = self._service_areas(row, values, t)
        status = _concept(values.get("status", ""), "status", self.ctx) if values.get("status") else None
        if status is None:
            self.problems.add(row, t["status"], msg("ingest.import.no-status", value=values.get("status", "")) if values.get("status")
                              else msg("ingest.import.empty"),
                              t["status"].expected)
        legal = _concept(values["legal_form"], "legal-form", self.ctx) if values.get("legal_form") else "Unbekannt"
        if legal is None:
            self.problems.add(row, t["legal_form"], msg("ingest.import.no-legal-form", value=values["legal_form"]), _choices(self.ctx, "legal-form"))
        facility = None
        if values.get("facility"):
            facility = self._facility_ref(row, values, t)
        role = _concept(values["role"], "role", self.ctx) if values.get("role") else ("Nutzer" if facility else "Partner")
        if role is None:
            self.problems.add(row, t["role"], msg("ingest.import.no-role", value=values["role"]), msg("ingest.import.role-expected"))
        start = self._date(row, values, t)
        lead = None
        if values.get("lead"):
            lead, error = _place_path(values["lead"], self.ctx)
            if error:
                self.problems.add(row, t["lead"], error, t["lead"].expected)
            elif lead not in partners:
                self.problems.add(row, t["lead"], msg("ingest.import.lead-not-partner", value=values["lead"]), t["lead"].expected)
        doc, exact = self._source(row, values, t)
        texts = {key: self._verbatim(row, t[key], doc, values[key]) for key in RECORD_TEXTS if values.get(key) and doc}
        if len(self.problems.items) != before or path is None:
            return
        local = path.split("/", 1)[1]
        q_iri, q_block = self._quote_node(doc, local, exact)
        record_blocks = []
        for key, text in texts.items():
            iri, block = self._quote_node(doc, f"{local}-{key}", text)
            record_blocks.append((RECORD_TEXTS[key], iri, block))
        lines = [f"# row {row}", f"<{path}> a {'ikz:SharedFacilityUse' if facility else 'ikz:Cooperation'} ;",
                 f"    skos:prefLabel {turtle_string(values['label'])}@de ;"]
        if facility:
            lines.append(f"    ikz:facility <{facility[0]}> ;")
        lines += [f"    ikz:serviceArea {' , '.join(areas)} ;", f"    ikz:status status:{status} ;", f"    ikz:legalForm lf:{legal} ;"]
        if start:
            lines.append(f"    schema:startDate {start} ;")
        if values.get("note"):
            lines.append(f"    skos:note {turtle_string(values['note'])}@de ;")
        if lead:
            lines.append(f"    ikz:leadPartner <{lead}> ;")
        if values.get("others"):
            lines.append(f"    ikz:participantsDescribedAs {turtle_string(values['others'])}@de ;")
        for prop, iri, _ in record_blocks:
            lines.append(f"    {prop} {iri} ;")
        contact = _person_name(values.get("contact", ""))
        if contact:
            lines.append(f"    ikz:contactPerson <person/import-{local}-ansprechperson> ;")
        lines.append(f"    prov:wasDerivedFrom <{doc[len(self.base):]}> ; ikz:quote {q_iri} .")
        if contact:
            lines.append(f"<person/import-{local}-ansprechperson> a foaf:Person ; foaf:name {turtle_string(contact[0])} ;\n"
                         f"    skos:note {turtle_string(values['contact'])}@de .")
        lines += [block for _, _, block in record_blocks]
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
                self.problems.add(row, t["facility"], msg("ingest.import.not-described", path=path), t["facility"].expected)
                return None
            return path, None
        existing = self.ctx.facility_named(value)
        if existing and existing not in self.replaced:
            return existing[len(self.base):], None
        key = fold(value)
        if key in self.new_facilities:
            return self.new_facilities[key], None
        kind = _concept(values.get("facility_kind", ""), "facility-kind", self.ctx) if values.get("facility_kind") else None
        if kind is None:
            self.problems.add(row, t["facility_kind"], (msg("ingest.import.no-kind", value=values["facility_kind"]) if values.get("facility_kind")
                              else msg("ingest.import.kind-needed", value=value)), _choices(self.ctx, "facility-kind"))
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
            self.problems.add(row, t["label"], msg("ingest.import.empty"), t["label"].expected)
        path = self._id(row, values, t["id"] if "id" in values else t["label"], "facility/") if values.get("label") else None
        kind = _concept(values.get("facility_kind", ""), "facility-kind", self.ctx) if values.get("facility_kind") else None
        if kind is None:
            self.problems.add(row, t["facility_kind"], msg("ingest.import.no-kind", value=values.get("facility_kind", "")) if values.get("facility_kind")
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
            *turtle_prefixes(["ikz", "fk", "sa", "status", "lf", "role", "xsd", "skos", "org", "prov", "schema", "oa", "foaf"]).split("\n"),
        ]
        lines = list(header)
        line_rows = []
        for row, block in self.blocks:
            lines.append("")
            line_rows.append((len(lines) + 1, row))
            lines += block.split("\n")
        return "\n".join(lines) + "\n", line_rows


def _person_name(value: str) -> tuple[str, str] | None:
    """"Frau Dr. Katja Nowak, Sachgebietsleiterin ..." → ("Katja Nowak", the rest)."""
    value = " ".join(value.split())
    if not value:
        return None
    name, _, rest = value.partition(",")
    name = re.sub(r"^(?:(?:Frau|Herrn?|Dr\.|Prof\.)\s+)+", "", name.strip())
    return (name, rest.strip()) if name else None


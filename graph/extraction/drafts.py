"""The draft: candidates as Turtle in the project's own format, each marked unreviewed."""

from __future__ import annotations

from dataclasses import dataclass

import graph.core.namespaces as _ns
from graph.core.text import NormalizedText, fold, normalize, slug, turtle_string
from graph.extraction.context import ProjectContext
from graph.extraction.findings import Extraction, Segment
from graph.extraction.places import Place

CONCEPT = _ns.CONCEPT
SKOS = str(_ns.SKOS)
IKZ = str(_ns.IKZ)

#: The review status a draft's candidates carry until a reviewer accepts them.
REVIEW_PREDICATE = IKZ + "reviewStatus"
UNREVIEWED = "unreviewed"
ACCEPTED = "accepted"


DRAFT_PREFIXES = {
    "ikz": str(_ns.IKZ),
    "fk": CONCEPT + "facility-kind/",
    "sa": CONCEPT + "service-area/",
    "status": CONCEPT + "status/",
    "lf": CONCEPT + "legal-form/",
    "role": CONCEPT + "role/",
    "doc": "doc/",
    "m": "municipality/",
    "d": "district/",
    "ja": "office/jugendamt/",
    "c": "cooperation/",
    "mem": "membership/",
    "f": "facility/",
    "p": "person/",
    "ev": "event/",
    "xsd": str(_ns.XSD),
    "skos": SKOS,
    "dct": str(_ns.DCTERMS),
    "org": str(_ns.ORG),
    "prov": str(_ns.PROV),
    "foaf": str(_ns.FOAF),
    "schema": str(_ns.SDO),
    "oa": str(_ns.OA),
}

REVIEW_HELP_DE = """\
# PRÜFEN (Review-Protokoll):
#   1. Jeden Kandidaten (Block zwischen zwei Trennlinien) mit seinem Zitat vergleichen.
#   2. Falsche Kandidaten ganz löschen (den ganzen Block); Fehler korrigieren (Partner,
#      Einrichtung, Status, Rechtsform, Aufgabengebiet). Zeilen »# PRÜFEN« sagen, was geraten ist.
#   3. Bei jedem behaltenen Kandidaten ikz:reviewStatus "unreviewed" → "accepted" setzen.
#   4. ikz accept DIESE-DATEI  (prüft alles mit den Shapes und übernimmt erst dann nach data/).
# REVIEW: delete wrong candidates, correct the rest, set ikz:reviewStatus to "accepted",
# then run `ikz accept THIS-FILE`. Nothing marked "unreviewed" is ever merged."""


@dataclass
class DraftDocument:
    """The registered document a draft's quotes come from."""

    iri: str  # full IRI
    slug: str  # doc/<slug>
    text_file: str  # relative to data/


class _Draft:
    def __init__(self, extraction: Extraction, doc: DraftDocument, ctx: ProjectContext):
        self.x = extraction
        self.doc = doc
        self.ctx = ctx
        self.text = NormalizedText(extraction.text)
        self.blocks: list[str] = []
        self.quotes: dict[str, str] = {}  # normalized exact → prefixed quote IRI
        self.quote_blocks: list[str] = []
        self.minted: set[str] = set()
        self.notes: list[str] = []

    def mint(self, prefix: str, local: str) -> str:
        namespace = f"doc/{self.doc.slug}/quote/" if prefix == "q" else DRAFT_PREFIXES[prefix]
        name, n = local, 2
        while f"{prefix}:{name}" in self.minted or self.ctx.described(namespace + name):
            name = f"{local}-{n}"
            n += 1
        self.minted.add(f"{prefix}:{name}")
        return f"{prefix}:{name}"

    def quote(self, segment: Segment, name: str) -> str | None:
        exact = normalize(segment.text)
        start, end = segment.start, segment.end
        positions = self.text.find_all(exact)
        # extend a sentence that occurs more than once with its neighbours until it is unique
        if len(positions) != 1:
            for other in self.x.segments:
                if other.start >= segment.end:
                    exact = normalize(self.x.text[segment.start:other.end])
                    positions = self.text.find_all(exact)
                    if len(positions) == 1:
                        break
        if len(positions) != 1:
            self.notes.append(f"kein eindeutiges Zitat für Zeile {segment.line}")
            return None
        existing = self.ctx.quotes.get((self.doc.iri, exact))
        if existing:
            return "<" + existing[len(self.ctx.base):] + ">" if existing.startswith(self.ctx.base) else f"<{existing}>"
        if exact in self.quotes:
            return self.quotes[exact]
        iri = self.mint("q", name)
        self.quotes[exact] = iri
        position = positions[0]
        self.quote_blocks.append(
            f"{iri} a ikz:Quote ; prov:wasQuotedFrom doc:{self.doc.slug} ;\n"
            f"    oa:exact {turtle_string(exact)}@de ;\n"
            f"    oa:start \"{position.start}\"^^xsd:nonNegativeInteger ; oa:end \"{position.end}\"^^xsd:nonNegativeInteger .  # Zeile {position.line}"
        )
        return iri

    def provenance(self, quotes: list[str]) -> str:
        quotes = [q for q in dict.fromkeys(quotes) if q]
        text = f"    prov:wasDerivedFrom doc:{self.doc.slug}"
        if quotes:
            text += " ; ikz:quote " + " , ".join(quotes)
        return text


def _place_ref(place: Place) -> str:
    return place.prefix_name


def write_draft(extraction: Extraction, doc: DraftDocument, ctx: ProjectContext, *, source_display: str = "",
                mentions: bool = True) -> str:
    """The draft Turtle for ``extraction``: every candidate with its quote and position, marked
    ``ikz:reviewStatus "unreviewed"``, IRIs relative to the base IRI, no blank nodes."""
    draft = _Draft(extraction, doc, ctx)
    status = f'    ikz:reviewStatus "{UNREVIEWED}"'
    ds = doc.slug
    for number, coop in enumerate(extraction.cooperations, start=1):
        facility = coop.facility
        local = slug(f"{ds}-{facility.label if facility else coop.label}", 70)
        c_iri = draft.mint("c", local)
        quotes = [draft.quote(coop.segment, f"{c_iri.split(':')[1]}")]
        if coop.lead is not None:
            quotes.append(draft.quote(coop.lead, f"{ds}-einleitung-{coop.lead.line}"))
        lines = [f"# --- Kooperation {number}: Zeile {coop.segment.line} (Regel {coop.rule}) " + "-" * 20]
        for note in coop.notes:
            lines.append(f"# PRÜFEN: {note}")
        f_iri = None
        if facility is not None:
            if facility.existing:
                f_iri = "<" + facility.existing[len(ctx.base):] + ">"
            else:
                f_iri = draft.mint("f", slug(f"{ds}-{facility.label}", 70))
        ctype = "ikz:SharedFacilityUse" if facility is not None and coop.rule != "joint-operation" else "ikz:Cooperation"
        lines.append(f"{c_iri} a {ctype} ;")
        lines.append(status + " ;")
        lines.append(f"    skos:prefLabel {turtle_string(coop.label)}@de ;")
        if f_iri:
            lines.append(f"    ikz:facility {f_iri} ;")
        if coop.service_areas:
            lines.append("    ikz:serviceArea " + " , ".join(a.prefixed for a in coop.service_areas) + " ;")
        lines.append(f"    ikz:status status:{coop.status} ;")
        lines.append(f"    ikz:legalForm lf:{coop.legal_form} ;")
        lines.append(draft.provenance(quotes) + " .")
        for partner in coop.partners:
            m_iri = draft.mint("mem", f"{c_iri.split(':', 1)[1]}-{partner.place.key}")
            line = (f"{m_iri} a org:Membership ; org:organization {c_iri} ; org:member {_place_ref(partner.place)} ; "
                    f"org:role role:{coop.role}")
            comment = f"  # {partner.place.describe()}"
            if partner.acting_through is not None:
                office = f"office/jugendamt/{partner.acting_through.key}"
                if (ctx.base + office, ctx.base + partner.place.path) in ctx.services:
                    line += f" ;\n    ikz:actingThrough ja:{partner.acting_through.key}"
                else:
                    comment += f"; PRÜFEN: handelt durch {partner.acting_through.label} (»{partner.acting_through.label} mit {partner.place.label}«)"
            lines.append(line + " ." + comment)
        if facility is not None and not facility.existing:
            lines.append(f"{f_iri} a ikz:Facility ;")
            lines.append(status + " ;")
            lines.append(f"    skos:prefLabel {turtle_string(facility.label)}@de ;")
            if facility.kind is not None:
                lines.append(f"    ikz:facilityKind {facility.kind.prefixed} ;" + ("  # PRÜFEN: Art geraten" if facility.kind_guessed else ""))
            if facility.service_area is not None:
                lines.append(f"    ikz:serviceArea {facility.service_area.prefixed} ;")
            if coop.rule == "joint-operation":
                lines.append("    ikz:operatedBy " + " , ".join(_place_ref(p.place) for p in coop.partners) + " ;")
            elif facility.operator is not None:
                lines.append(f"    ikz:operatedBy {_place_ref(facility.operator)} ;  # PRÜFEN: Träger aus dem Namen")
            else:
                lines.append("    ikz:unknown ikz:operatedBy ;")
            lines.append(draft.provenance(quotes[:1]) + " .")
        elif facility is not None:
            lines.append(f"# Einrichtung {f_iri} ist schon im Graph beschrieben.")
        draft.blocks.append("\n".join(lines))
    _people_blocks(draft, extraction, status)
    _event_blocks(draft, extraction, status)
    if mentions:
        _mention_blocks(draft, extraction, status)
    return _assemble(draft, extraction, source_display)


def _people_blocks(draft: _Draft, extraction: Extraction, status: str) -> None:
    ctx, ds = draft.ctx, draft.doc.slug
    for person in extraction.people:
        if person.segment is None:
            continue
        existing = ctx.person_names.get(fold(person.name))
        p_iri = ("<" + existing[len(ctx.base):] + ">") if existing else f"p:{slug(person.name)}"
        if p_iri in draft.minted:
            continue
        lines = [f"# --- Person: {person.name} (Zeile {person.segment.line}) " + "-" * 20]
        if existing:
            if not person.signatory:
                continue  # already described; nothing new to propose
            lines.append(f"# {p_iri} ist schon im Graph beschrieben.")
        quote = draft.quote(person.segment, f"{ds}-person-{slug(person.name)}")
        draft.minted.add(p_iri)
        if not existing:
            lines.append(f"{p_iri} a foaf:Person ;")
            lines.append(status + " ;")
            lines.append(f"    foaf:name {turtle_string(person.name)} ;")
            if person.places and not person.signatory:
                lines.append("    org:memberOf " + " , ".join(_place_ref(p) for p in person.places) + " ;"
                             + f"  # {person.organisation}")
            elif person.organisation and not person.signatory:
                lines.append(f"    # Organisation laut Text: {person.organisation}")
            lines.append(draft.provenance([quote]) + " .")
        if person.signatory:
            sig = f"<doc/{ds}/signature/{slug(person.name)}>"
            lines.append(f"{sig} a prov:Attribution ;")
            lines.append(status + " ;")
            lines.append(f"    prov:agent {p_iri} ; prov:hadRole role:Unterzeichner ;")
            if person.places:
                lines.append("    ikz:onBehalfOf " + " , ".join(_place_ref(p) for p in person.places) + " ;  # " + person.organisation)
            elif person.organisation:
                lines.append(f"    # PRÜFEN: im Namen von »{person.organisation}« (keine Kommune erkannt)")
            lines.append(draft.provenance([quote]) + " .")
            lines.append(f"doc:{ds} prov:qualifiedAttribution {sig} .")
        draft.blocks.append("\n".join(lines))


def _event_blocks(draft: _Draft, extraction: Extraction, status: str) -> None:
    ds = draft.doc.slug
    for event in extraction.events:
        iri = draft.mint("ev", slug(f"{event.date.value}-{event.label}", 60))
        quote = draft.quote(event.segment, f"{ds}-{iri.split(':')[1]}")
        draft.blocks.append("\n".join([
            f"# --- {'Sitzung' if event.kind == 'Meeting' else 'Abfrage'} am {event.date.surface} (Zeile {event.segment.line}) " + "-" * 20,
            f"{iri} a ikz:{event.kind} ;",
            status + " ;",
            f"    skos:prefLabel {turtle_string(event.label)}@de ;",
            f"    schema:startDate \"{event.date.value}\"^^xsd:date ;",
            draft.provenance([quote]) + " .",
        ]))


def _mention_blocks(draft: _Draft, extraction: Extraction, status: str) -> None:
    ds = draft.doc.slug
    seen = set()
    lines = ["# --- Genannte Kommunen und Kreise (oa:identifying: der Text nennt diesen Ort) " + "-" * 10]
    for m in extraction.mentions:
        if not m.accepted or m.place is None or (m.place.kind, m.place.key) in seen:
            continue
        segment = next((s for s in extraction.segments if s.start <= m.start < s.end), None)
        if segment is None:
            continue
        seen.add((m.place.kind, m.place.key))
        quote = draft.quote(segment, f"{ds}-nennung-{m.place.key}")
        note = f"  # {m.place.describe()}" + (f", »{m.surface}«" if m.surface != m.place.label else "") \
            + (" — aus dem Kontext bestimmt" if m.reason == "resolved by context" else "")
        lines.append(f"<doc/{ds}/mention/{m.place.key}> a oa:Annotation ;{note}")
        lines.append(status + " ;")
        lines.append(f"    oa:motivatedBy oa:identifying ; oa:hasBody {_place_ref(m.place)} ; oa:hasTarget doc:{ds} ;")
        lines.append(draft.provenance([quote]) + " .")
    if len(lines) > 1:
        draft.blocks.append("\n".join(lines))


def _assemble(draft: _Draft, extraction: Extraction, source_display: str) -> str:
    x = extraction
    header = [
        f"# ENTWURF / DRAFT — Kandidaten aus {source_display or draft.doc.text_file} (doc:{draft.doc.slug}), von `ikz extract`.",
        "# Nichts hiervon ist geprüft. Der Build liest diese Datei nicht; erst `ikz accept` übernimmt sie.",
        REVIEW_HELP_DE,
        "#",
        "# Gefunden / found:",
        "#   Kommunen:  " + (", ".join(p.describe() for p in x.towns()) or "–"),
        "#   Kreise:    " + (", ".join(p.describe() for p in x.districts()) or "–"),
    ]
    for surface, places in x.ambiguous().items():
        header.append(f"#   MEHRDEUTIG, nicht aufgenommen: »{surface}« = " + " | ".join(p.describe() for p in places[:6])
                      + (" | …" if len(places) > 6 else ""))
    header += [
        "#   Daten:     " + (", ".join(f"{d.surface} (Z. {x.line_of(d.start)})" for d in x.dates) or "–"),
        "#   Adressen:  " + ("; ".join(f"{a.text} (Z. {x.line_of(a.start)})" for a in x.addresses) or "–"),
        "#   Personen:  " + (", ".join(p.name + (f" ({p.organisation})" if p.organisation else "") for p in x.people) or "–"),
        "#   Begriffe:  " + (", ".join(sorted({c.concept.prefixed for c in x.concepts})) or "–"),
    ]
    for note in draft.notes:
        header.append(f"#   HINWEIS: {note}")
    prefixes = dict(DRAFT_PREFIXES)
    prefixes["q"] = f"doc/{draft.doc.slug}/quote/"
    width = max(len(k) for k in prefixes) + 2
    prefix_lines = [f"@prefix {(k + ':').ljust(width)}<{v}> ." for k, v in prefixes.items()]
    body = []
    for block in draft.blocks:
        body += [block, ""]
    if draft.quote_blocks:
        body.append("# --- Zitate (wörtlich; Position in Zeichen ab 0, wie der Build sie berechnet) " + "-" * 10)
        body += draft.quote_blocks
    return "\n".join(header + [""] + prefix_lines + [""] + body).rstrip() + "\n"

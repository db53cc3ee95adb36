"""Propose candidate facts from a German administrative text (letter, minutes), offline.

Pure Python and regular expressions, no model: what it finds, it finds by rules a reviewer can
read (docs/ingest.md lists them and what they miss). Nothing found here enters the graph by
itself: :func:`write_draft` writes a draft Turtle file whose every candidate carries
``ikz:reviewStatus "unreviewed"``, and only ``ikz accept`` (graph.ingest.workflow) merges reviewed
drafts into ``data/``.

What it finds:

* **places**: municipalities and districts anywhere in Germany, matched against the national
  register (``data/national/de-municipalities-2024.csv``) and the project's registers,
  tolerant of official-name suffixes ("Altena, Stadt"), parenthesised or slashed qualifiers
  ("Wetter" for "Wetter (Ruhr)"), genitive -s ("Wittens"), town adjectives ("Wittener"),
  district forms ("Kreis Unna", "Ennepe-Ruhr-Kreises", "EN-Kreis", "Märkischen Kreis").
  Names that are also common words ("Wetter", "Stelle", "Essen") count only with a cue
  ("Stadt Wetter", a list of towns). Names shared by several municipalities are resolved by
  the other places in the text (same district, same Land) or flagged;
* **dates** in German formats, **people** with the organisation in parentheses or after them,
  **addresses** (street, postcode, town);
* **cooperations**: sentences stating joint use or cooperation ("Gemeinsame Inanspruchnahme
  einer Jugendschutzstelle durch die Kommunen ...", "Kooperationen der Städte ... mit ...",
  "... betreiben gemeinsam ...", "öffentlich-rechtliche Vereinbarung", district-wide
  structures), with their partners ("Ennepetal mit Breckerfeld": Breckerfeld acting through
  Ennepetal's office), the facility or provider named, status and legal form cues;
* **facility kinds and service areas** from the labels of ``ontology/concepts.ttl``.

The rules live in modules by concept: :mod:`~graph.extraction.places` (the register index),
:mod:`~graph.extraction.concepts`, :mod:`~graph.extraction.mentions` (segments, dates,
addresses, people, places), :mod:`~graph.extraction.cooperations` (cooperations, events),
:mod:`~graph.extraction.drafts` (the draft Turtle), :mod:`~graph.extraction.evaluate`
(precision and recall) and :mod:`~graph.extraction.context` (the project as context). This
module puts them together: :func:`extract` and :func:`extract_file`.

>>> ctx = ProjectContext.offline()
>>> found = extract("Die Städte Kamen und Bergkamen nutzen gemeinsam die Jugendschutzstelle in Kamen.", ctx)
>>> sorted(p.label for p in found.places())
['Bergkamen', 'Kamen']
>>> [sorted(p.place.label for p in c.partners) for c in found.cooperations]
[['Bergkamen', 'Kamen']]
"""

from __future__ import annotations

import re
from pathlib import Path

from graph.core.errors import SourceDataError
from graph.core.i18n import msg
from graph.extraction.context import ProjectContext
from graph.extraction.cooperations import find_cooperations, find_events
from graph.extraction.drafts import ACCEPTED, REVIEW_PREDICATE, UNREVIEWED, DraftDocument, write_draft
from graph.extraction.evaluate import Expected, Score, evaluate
from graph.extraction.findings import Extraction
from graph.extraction.mentions import check_context, find_addresses, find_concepts, find_dates, find_people, find_places, resolve, segments
from graph.extraction.names import district_lists, drop_name_parts, inside, no_town_spans
from graph.extraction.places import PLACE_CUES
from graph.extraction.records import date_role, find_records
from graph.rdf.textfile import read_text

__all__ = [
    "ACCEPTED", "REVIEW_PREDICATE", "UNREVIEWED", "DraftDocument", "Expected", "Extraction", "ProjectContext", "Score",
    "evaluate", "extract", "extract_file", "find_addresses", "find_dates", "segments", "write_draft",
]


def extract(text: str, ctx: ProjectContext | None = None) -> Extraction:
    """Find places, dates, people, addresses, concepts, cooperations and events in ``text``."""
    ctx = ctx or ProjectContext.offline()
    segs = segments(text)
    addresses = find_addresses(text)
    people = find_people(text, ctx.index)
    street_spans = [(a.start, a.start + len(a.street) + 1) for a in addresses if a.street]
    person_spans = [(p.start, p.start + len(p.name)) for p in people]
    # "Herr Brügge", and the surnames of the people named, are no towns (unless "Stadt Brügge")
    surnames = {p.name.split()[-1] for p in people}
    for m in re.finditer(r"\b(?:Frau|Herrn?)\s+(?:(?:Dr\.|Prof\.)\s+)*([A-ZÄÖÜ][\wäöüß-]+)", text):
        person_spans.append((m.start(1), m.end(1)))
    for name in surnames:
        for m in re.finditer(r"\b" + re.escape(name) + r"\b", text):
            if not PLACE_CUES.search(text[max(0, m.start() - 40):m.start()]):
                person_spans.append((m.start(), m.end()))
    mentions = find_places(text, ctx.index, exclude=street_spans + person_spans)
    for m in mentions:  # the town after a postcode
        if any(a.start <= m.start < a.end for a in addresses):
            m.accepted = True
    check_context(text, mentions)
    district_lists(text, mentions, ctx.index)
    names = no_town_spans(text)
    for m in mentions:  # "Schleswig-Holstein", "Landratsamt Bautzen", "... Herne & Wanne-Eickel gGmbH"
        reason = inside(m, names) if all(p.kind == "municipality" for p in m.candidates) else None
        if reason:
            m.accepted, m.reason = False, reason
    resolve(mentions, ctx)
    for a in addresses:
        inside_ = [m for m in mentions if a.start <= m.start < a.end and m.place is not None]
        a.place = inside_[-1].place if inside_ else None
    drop_name_parts(text, mentions, addresses)
    for person in people:
        org_start = text.find(person.organisation, person.start) if person.organisation else -1
        if org_start >= 0:
            person.places = [m.place for m in mentions if m.accepted and m.place is not None and org_start <= m.start < org_start + len(person.organisation)]
        person.segment = next((s for s in segs if s.start <= person.start < s.end), None)
    concepts = find_concepts(text, ctx)
    cooperations = find_cooperations(text, segs, mentions, concepts, ctx)
    dates = find_dates(text)
    events = find_events(segs, dates)
    cooperations = merge_records(cooperations, find_records(text, segs, mentions, dates))
    roles = {d.start: date_role(text, d) for d in dates}
    return Extraction(text, segs, mentions, dates, people, addresses, concepts, cooperations, events, roles)


def merge_records(sentences: list, records: list) -> list:
    """The sentence rules' candidates and the official-text records.

    Candidates of the sentences a record reads with the record's partners take its lead, legal
    form, start date and status (one per facility); those with fewer partners are parts of the
    record and go; a record no candidate matches is added."""
    merged = list(sentences)
    for record in records:
        own = {(st.start, st.end) for st in record.statements}
        inside = [c for c in merged if c.rule != "official-text" and (c.segment.start, c.segment.end) in own]
        same = [c for c in inside if c.partner_keys == record.partner_keys]
        for c in inside:
            if c.partner_keys < record.partner_keys and c.rule != "office-serves":
                merged.remove(c)
        if not same:
            merged.append(record)
            continue
        seen = set()
        for c in same:
            facility = c.facility.label if c.facility else None
            if facility in seen:
                merged.remove(c)
                continue
            seen.add(facility)
            c.lead_partner = c.lead_partner or record.lead_partner
            c.legal_form_concept = c.legal_form_concept or record.legal_form_concept
            c.legal_form_text = c.legal_form_text or record.legal_form_text
            c.start_date = c.start_date or record.start_date
            c.status = record.status
    return merged


def extract_file(project, path: str | Path, output: str | Path | None = None, *, base: str | None = None,
                 mentions: bool = True) -> tuple[Path, Extraction]:
    """``ikz extract``: read a registered document's text, write its draft; return (draft path, extraction).

    The document must be registered (``ikz add-source``) so that the draft's quotes can be
    checked against its text file under ``data/``.
    """
    ctx = ProjectContext.for_project(project, base)
    path = Path(path)
    text = read_text(path, str(path))
    try:
        relative = str(path.resolve().relative_to(project.data_dir.resolve()))
    except ValueError:
        relative = None
    doc_iri = ctx.document_for(relative) if relative else None
    if doc_iri is None:  # the same text registered under data/ (e.g. the original outside the project)
        same = [tf for tf in sorted(ctx.documents) if (project.data_dir / tf).is_file()
                and (project.data_dir / tf).read_bytes() == path.read_bytes()]
        if same:
            relative, doc_iri = same[0], ctx.documents[same[0]]
    if doc_iri is None:
        raise SourceDataError(msg("extract.not-registered"), where=str(path),
                              fix=msg("extract.not-registered-fix", path=str(path)))
    if not doc_iri.startswith(ctx.base + "doc/"):
        raise SourceDataError(msg("extract.reference-source", document=doc_iri), where=str(path),
                              fix=msg("extract.reference-source-fix"))
    doc_slug = doc_iri[len(ctx.base) + len("doc/"):]
    extraction = extract(text, ctx)
    draft = write_draft(extraction, DraftDocument(doc_iri, doc_slug, relative), ctx,
                        source_display=f"data/{relative}", mentions=mentions)
    output = Path(output) if output else project.root / "build" / "drafts" / f"{doc_slug}.ttl"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(draft, encoding="utf-8")
    return output, extraction

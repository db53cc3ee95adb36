"""What an extraction finds: segments, mentions of places, dates, people, addresses and concepts,
and candidate facilities, cooperations and events."""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.core.text import normalize
from graph.extraction.concepts import Concept
from graph.extraction.places import Place


@dataclass(frozen=True)
class Segment:
    """A sentence, list item or line of the text, with its position (code points) and line."""

    start: int
    end: int
    text: str
    line: int
    lead: bool = False  # ends with ':' (introduces a list)


@dataclass
class Mention:
    """A written place name and what it refers to."""

    start: int
    end: int
    surface: str
    candidates: list[Place]
    form: str = "name"
    place: Place | None = None
    accepted: bool = True
    reason: str = ""

    @property
    def ambiguous(self) -> bool:
        return self.accepted and self.place is None and len(self.candidates) > 1


@dataclass
class DateMention:
    start: int
    end: int
    surface: str
    value: str  # ISO date, or YYYY-MM for a month
    range_end: str | None = None


@dataclass
class PersonMention:
    start: int
    end: int
    name: str
    organisation: str = ""
    places: list[Place] = field(default_factory=list)
    signatory: bool = False
    segment: Segment | None = None
    title: str | None = None  # "Dr."
    office: str = ""  # "Landrätin", "Leiter des Jugendamtes"


@dataclass
class AddressMention:
    start: int
    end: int
    street: str
    postcode: str
    town: str
    place: Place | None = None

    @property
    def text(self) -> str:
        return f"{self.street}, {self.postcode} {self.town}" if self.street else f"{self.postcode} {self.town}"


@dataclass
class ConceptMention:
    start: int
    end: int
    surface: str
    concept: Concept


@dataclass
class Partner:
    place: Place
    acting_through: Place | None = None  # "Ennepetal mit Breckerfeld": Breckerfeld through Ennepetal


@dataclass
class FacilityCandidate:
    label: str
    kind: Concept | None
    service_area: Concept | None = None
    operator: Place | None = None
    existing: str | None = None  # IRI of a facility the data already describes
    kind_guessed: bool = False
    address: str | None = None
    indefinite: bool = False  # "einer Jugendschutzstelle": no name of its own


@dataclass
class CooperationCandidate:
    """A cooperation a sentence states, with partners, facility, status and legal form."""

    rule: str
    label: str
    partners: list[Partner]
    segment: Segment
    shared_use: bool = False
    facility: FacilityCandidate | None = None
    service_areas: list[Concept] = field(default_factory=list)
    status: str = "bestehend"
    legal_form: str = "Unbekannt"
    role: str = "Partner"
    lead: Segment | None = None
    notes: list[str] = field(default_factory=list)
    lead_partner: Place | None = None  # "federführend", "übernimmt ... für", "nimmt ... wahr"
    legal_form_concept: str | None = None  # a Land's legal form (concept local name), e.g. "nw-oeffentlich-rechtliche-vereinbarung"
    legal_form_text: str | None = None  # the text's own words for it
    start_date: str | None = None  # ISO date the cooperation starts (never a "Stand" reference date)
    quote: str | None = None
    statements: list[Segment] = field(default_factory=list)  # every sentence an official-text record read

    @property
    def partner_keys(self) -> frozenset[str]:
        return frozenset(p.place.key for p in self.partners)


@dataclass
class EventCandidate:
    kind: str  # "Meeting" | "Survey"
    label: str
    date: DateMention
    segment: Segment


@dataclass
class Extraction:
    """Everything :func:`extract` found in one text."""

    text: str
    segments: list[Segment]
    mentions: list[Mention]
    dates: list[DateMention]
    people: list[PersonMention]
    addresses: list[AddressMention]
    concepts: list[ConceptMention]
    cooperations: list[CooperationCandidate]
    events: list[EventCandidate]
    date_roles: dict[int, str] = field(default_factory=dict)  # date start offset → role ("start", "reference", ...)

    def places(self, kind: str | None = None) -> list[Place]:
        """The distinct places the text names (resolved, accepted mentions), in text order."""
        seen: dict[tuple, Place] = {}
        for m in self.mentions:
            if m.accepted and m.place is not None and (kind is None or m.place.kind == kind):
                seen.setdefault((m.place.kind, m.place.key), m.place)
        return list(seen.values())

    def towns(self) -> list[Place]:
        return self.places("municipality")

    def districts(self) -> list[Place]:
        return self.places("district")

    def ambiguous(self) -> dict[str, list[Place]]:
        """Names that could not be resolved: surface → the places it may mean."""
        found: dict[str, list[Place]] = {}
        for m in self.mentions:
            if m.ambiguous:
                found.setdefault(m.surface, m.candidates)
        return found

    def line_of(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def summary(self) -> dict:
        """A JSON-able summary (for ``ikz extract --json`` and the benchmark)."""
        return {
            "towns": [{"ags": p.key, "label": p.label} for p in self.towns()],
            "districts": [{"key": p.key, "label": p.label} for p in self.districts()],
            "ambiguous": {k: [p.key for p in v] for k, v in self.ambiguous().items()},
            "dates": [{"text": d.surface, "value": d.value, "until": d.range_end, "role": self.date_roles.get(d.start, "event"),
                       "line": self.line_of(d.start)} for d in self.dates],
            "people": [{"name": p.name, "organisation": p.organisation, "places": [x.key for x in p.places],
                        "signatory": p.signatory, "line": self.line_of(p.start)} for p in self.people],
            "addresses": [{"text": a.text, "ags": a.place.key if a.place else None, "line": self.line_of(a.start)} for a in self.addresses],
            "concepts": sorted({c.concept.prefixed for c in self.concepts}),
            "cooperations": [{
                "rule": c.rule, "label": c.label, "partners": [p.place.key for p in c.partners],
                "acting_through": {p.place.key: p.acting_through.key for p in c.partners if p.acting_through},
                "facility": c.facility.label if c.facility else None,
                "facility_kind": c.facility.kind.prefixed if c.facility and c.facility.kind else None,
                "service_areas": [a.prefixed for a in c.service_areas], "status": c.status, "legal_form": c.legal_form,
                "lead_partner": c.lead_partner.key if c.lead_partner else None, "legal_form_concept": c.legal_form_concept,
                "start_date": c.start_date,
                "line": c.segment.line, "quote": normalize(c.segment.text),
            } for c in self.cooperations],
            "events": [{"kind": e.kind, "label": e.label, "date": e.date.value, "line": e.segment.line} for e in self.events],
        }

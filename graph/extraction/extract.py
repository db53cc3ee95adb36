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

>>> ctx = ProjectContext.offline()
>>> found = extract("Die Städte Kamen und Bergkamen nutzen gemeinsam die Jugendschutzstelle in Kamen.", ctx)
>>> sorted(p.label for p in found.places())
['Bergkamen', 'Kamen']
>>> [sorted(p.place.label for p in c.partners) for c in found.cooperations]
[['Bergkamen', 'Kamen']]
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.errors import SourceDataError
from graph.builder.quotes import NormalizedText, normalize

ROOT = Path(__file__).resolve().parents[2]
NATIONAL_REGISTER = Path("national") / "de-municipalities-2024.csv"

IKZ = "https://w3id.org/ikz/ontology#"
CONCEPT = "https://w3id.org/ikz/concept/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

#: The review marker every candidate carries in a draft; ``ikz accept`` takes only "accepted".
REVIEW_PREDICATE = IKZ + "reviewStatus"
UNREVIEWED = "unreviewed"
ACCEPTED = "accepted"

# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------

_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


def slug(text: str, limit: int = 60) -> str:
    """A readable IRI slug: lower case, umlauts spelled out, dashes between words.

    >>> slug("Jugendschutzstelle für Hattingen, Wetter (Ruhr)")
    'jugendschutzstelle-fuer-hattingen-wetter-ruhr'
    """
    text = unicodedata.normalize("NFKD", text.translate(_UMLAUTS)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(text) > limit:
        text = text[:limit].rsplit("-", 1)[0]
    return text or "x"


def turtle_string(text: str) -> str:
    """``text`` as a Turtle string literal (quotes, backslashes and line breaks escaped)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "") + '"'


def _fold(text: str) -> str:
    """Compare labels case- and whitespace-insensitively."""
    return normalize(text).casefold()


# ---------------------------------------------------------------------------------------------
# The place register and its index of written forms
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A municipality (``key`` = 8-digit AGS) or a district (``key`` = 5-digit district key)."""

    key: str
    kind: str  # "municipality" | "district"
    label: str
    official: str
    district_key: str
    district_name: str
    land: str
    nuts3: str = ""
    city: bool = False

    @property
    def prefix_name(self) -> str:
        return f"m:{self.key}" if self.kind == "municipality" else f"d:{self.key}"

    @property
    def path(self) -> str:
        """The IRI path under the base IRI."""
        return f"municipality/{self.key}" if self.kind == "municipality" else f"district/{self.key}"

    def describe(self) -> str:
        where = self.district_name if self.kind == "municipality" else self.land
        return f"{self.label} ({self.key}, {where})"


#: Municipality names that are also ordinary German words (or first names). They count as a
#: place only with a cue: "Stadt Wetter", "in Wetter", a list of other towns, a postcode.
COMMON_WORDS = frozenset("""
Acht Alpen Anger Au Aue Bann Berg Berge Bergen Besitz Binnen Boden Bogen Brand Breit Bruch Buch
Buchen Burg Damme Dill Dingen Eck Eich Eichen Einig Elbe Ernst Essen Fahren Feucht Fell Felde Fisch
Forst Gering Graben Grube Haar Hahn Halle Hammer Harz Hasel Hausen Hecken Heide Heiden Hof Holm Horn
Horst Hütten Kalt Kappel Karl Kommen Korb Kuchen Lachen Lage Lager Lahn Langen Lauf Laufen Lauter
Leck Leer Lehre Linden Loop Mandel Mantel March Mark Mauer Mauern Moos Much Müssen Nagel Nahe Nebel
Norden Ohne Osten Otter Perl Pracht Rain Regen Reich Ringe Rohr Rom Rust Saal Salz Schuld Schutz
Seelen Selb Senden Singen Sinn Sonnen Stein Stelle Tann Treuen Waren Wald Wehr Weil Welle Wellen
Welt Wenden Werben Werder Wetter Wiesen Winden Winkel Wissen Zell Brake Lieg Kosel Plate Rade
Bunde Kirchen Feld Brunn
""".split())

#: Words right before a place name that make it a place for sure.
_PLACE_CUES = re.compile(
    r"(?:\b(?:Stadt|Gemeinde|Kommune|Städte|Städten|Gemeinden|Kommunen|Hansestadt|Kreisstadt|Ortsgemeinde|"
    r"Jugendamt|Jugendamtes|Jugendamts|Jugendämter|Bürgermeister|Bürgermeisterin|in|aus|nach)\s+"
    r"|\b\d{5}\s+)$"
)
#: Between two places of one list (a list of towns makes each of them a place).
_LIST_GAP = re.compile(
    r"^\s*(?:,\s*(?:und\s+|sowie\s+)?|und\s+|sowie\s+|mit\s+|bzw\.\s+|/\s*|;\s*)"
    r"(?:(?:der|die|den|dem|des)\s+)?(?:(?:Stadt|Gemeinde|Städte|Städten|Gemeinden|Kommune|Kommunen|Hansestadt|Kreis)\s+)?$"
)
_SHORTEN = re.compile(r"\s+(?:am|an der|an den|in|im|bei|b\.|a\.\s?d\.|ob der|vor der|v\.\s?d\.)\s*.*$")
_TOKEN = re.compile(r"\w+(?:-\w+)*|[()/]")
#: A few district abbreviations in common use (vehicle codes + "-Kreis").
DISTRICT_ALIASES = {"EN-Kreis": "05954", "HSK": "05958"}


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(m.group() for m in _TOKEN.finditer(text))


@dataclass
class PlaceIndex:
    """Every way a place is written, as token tuples → [(Place, form kind)]."""

    places: dict[str, Place]
    forms: dict[tuple, list] = field(default_factory=lambda: defaultdict(list))
    longest: dict[str, int] = field(default_factory=dict)
    by_district: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    district_names: set[str] = field(default_factory=set)  # "Marburg-Biedenkopf": no town "Marburg" in it

    def add(self, text: str, place: Place, kind: str) -> None:
        tokens = _tokens(text)
        if not tokens:
            return
        entries = self.forms[tokens]
        if any(p.key == place.key and p.kind == place.kind for p, _ in entries):
            return
        entries.append((place, kind))
        self.longest[tokens[0]] = max(self.longest.get(tokens[0], 0), len(tokens))

    def lookup(self, name: str) -> list[Place]:
        """Places written exactly ``name`` (any form), e.g. for spreadsheet cells."""
        name = name.strip()
        if re.fullmatch(r"\d{8}", name):
            return [self.places[name]] if name in self.places else []
        if re.fullmatch(r"\d{5}", name):
            return [p for p in self.places.values() if p.kind == "district" and p.key == name]
        found = [p for p, kind in self.forms.get(_tokens(name), []) if kind not in ("genitive", "adjective")]
        if not found:  # tolerate case differences in spreadsheets
            folded = _fold(name)
            found = [p for tokens, entries in self.forms.items() if _fold(" ".join(tokens)) == _fold(" ".join(_tokens(folded)))
                     for p, kind in entries if kind not in ("genitive", "adjective")]
        unique = {(p.kind, p.key): p for p in found}
        return list(unique.values())


def _read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.lru_cache(maxsize=8)
def _build_index(national: Path, references: tuple[Path, ...], district_labels: tuple, stamp: tuple) -> PlaceIndex:
    places: dict[str, Place] = {}
    rows = _read_csv(national) if national.is_file() else []
    reference_rows = [row for path in references for row in _read_csv(path)]
    labels = {r["ags"].strip(): r["label"].strip() for r in reference_rows if r.get("ags") and r.get("label")}
    districts: dict[str, dict] = {}
    for row in rows + reference_rows:
        ags = (row.get("ags") or "").strip()
        name = (row.get("name") or row.get("official_name") or row.get("label") or "").strip()
        if not re.fullmatch(r"\d{8}", ags) or not name or ags in places:
            continue
        base = name.split(",")[0].strip()
        suffix = name.split(",", 1)[1].strip() if "," in name else ""
        kreis_name = (row.get("kreis_name") or "").strip()
        city = "stadt" in suffix.casefold() or "Kreisfreie Stadt" in kreis_name
        places[ags] = Place(ags, "municipality", labels.get(ags, base), name, ags[:5],
                            _district_label(kreis_name) if kreis_name else "", (row.get("land") or "").strip(),
                            (row.get("nuts3") or "").strip(), city)
        if row.get("kreis_key"):
            districts.setdefault(ags[:5], row)
    for key, row in districts.items():
        kreis = row["kreis_name"].strip()
        places[key] = Place(key, "district", _district_label(kreis), kreis, key, kreis, row["land"].strip(),
                            (row.get("nuts3") or "").strip())
    index = PlaceIndex(places)
    names: set[str] = set()
    municipalities = [p for p in places.values() if p.kind == "municipality"]
    for place in municipalities:
        index.by_district[place.district_key].append(place)
        for form in _municipality_forms(place):
            names.add(form)
            index.add(form, place, "name")
    for place in municipalities:  # inflected forms, unless they collide with a name
        for form in _municipality_forms(place):
            if form in COMMON_WORDS:
                continue
            if form[-1] not in "sßxz)" and form + "s" not in names:
                index.add(form + "s", place, "genitive")
            if place.city and " " not in form and "/" not in form and "(" not in form and len(form) >= 4:
                adjective = form[:-2] + "er" if form.endswith("ingen") else (form + "r" if form.endswith("e") else form + "er")
                if adjective not in names and adjective not in COMMON_WORDS:
                    index.add(adjective, place, "adjective")
    for place in places.values():
        if place.kind == "district":
            index.district_names.add(place.official.split(",")[0].strip())
            for form in _district_forms(place):
                index.add(form, place, "name")
    aliases = [(alias, key) for alias, key in DISTRICT_ALIASES.items() if key] + list(district_labels)
    for alias, key in aliases:
        if key in places:
            index.add(alias, places[key], "name")
            if alias.endswith(("Kreis", "kreis")):
                index.add(alias + "es", places[key], "name")
    return index


def _district_label(kreis: str) -> str:
    """A readable district name: "Unna" → "Kreis Unna", "Coburg, Landkreis" → "Landkreis Coburg"."""
    kreis = kreis.strip()
    if kreis.endswith(", Landkreis"):
        return "Landkreis " + kreis.split(",")[0].strip()
    if re.search(r"[Kk]reis\b|kreis$|^Region |^Städteregion |^Regionalverband |Kreisfreie Stadt", kreis):
        return kreis
    return f"Kreis {kreis}"


def _municipality_forms(place: Place) -> list[str]:
    base = place.official.split(",")[0].strip()
    forms = [base]
    if "(" in base:
        short = re.sub(r"\s*\(.*?\)", "", base).strip()
        inner = re.search(r"\((.*?)\)", base).group(1)
        forms += [short, f"{short}/{inner}"]
    if "/" in base:
        forms.append(base.split("/")[0].strip())
    shorter = _SHORTEN.sub("", forms[-1] if "(" in base else base).strip()
    if shorter and shorter != base:
        forms.append(shorter)
    if place.label not in forms:
        forms.append(place.label)
    return [f for f in dict.fromkeys(forms) if f]


def _district_forms(place: Place):
    name = place.official
    if "Kreisfreie Stadt" in name:
        return
    base = name.split(",")[0].strip()
    if name.endswith(", Landkreis"):
        for prefix in ("Landkreis", "Landkreises", "Kreis", "Kreises"):
            yield f"{prefix} {base}"
        return
    if re.search(r"(?:^|[-\s])Kreis\b|kreis$", base):
        yield base
        adjective = re.match(r"^(\w+)er Kreis$", base)
        if adjective:
            for form in (f"{adjective.group(1)}en Kreis", f"{adjective.group(1)}en Kreises", f"{adjective.group(1)}en Kreise"):
                yield form
        elif base.endswith(("Kreis", "kreis")):
            yield base + "es"
        else:  # "Rhein-Kreis Neuss"
            yield base.replace("Kreis ", "Kreises ", 1)
        return
    if base.startswith(("Region ", "Städteregion ", "Regionalverband ")):
        yield base
        return
    for prefix in ("Kreis", "Kreises", "Landkreis", "Landkreises"):
        yield f"{prefix} {base}"


# ---------------------------------------------------------------------------------------------
# Concepts: facility kinds and service areas from ontology/concepts.ttl
# ---------------------------------------------------------------------------------------------

#: Written forms the concept labels do not cover (surface → concept local name).
FACILITY_SYNONYMS = {
    "Beratungszentrum": "Beratungsstelle",
    "Familienberatungsstelle": "Erziehungsberatungsstelle",
    "Psychologische Beratungsstelle": "Erziehungsberatungsstelle",
    "Psychologischen Beratungsstelle": "Erziehungsberatungsstelle",
    "Erziehungs- und Familienberatungsstelle": "Erziehungsberatungsstelle",
    "Jugendschutzambulanz": "Kinderschutzambulanz",
    "Kinderschutzambulanz": "Kinderschutzambulanz",
    "Inobhutnahmestelle": "Jugendschutzstelle",
    "Kinderschutzstelle": "Jugendschutzstelle",
}
AREA_SYNONYMS = {"Kinder- und Jugendhilfe": "Jugendhilfe", "Jugendhilfe": "Jugendhilfe", "Familienberatung": "Erziehungsberatung"}


@dataclass(frozen=True)
class Concept:
    iri: str
    scheme: str  # "facility-kind" | "service-area" | ...
    label: str  # the German preferred label
    service_area: str | None = None  # for facility kinds: their ikz:serviceArea
    labels: tuple[str, ...] = ()  # every label, German and English

    @property
    def local(self) -> str:
        return self.iri.rsplit("/", 1)[1]

    @property
    def prefixed(self) -> str:
        return {"facility-kind": "fk", "service-area": "sa", "status": "status", "legal-form": "lf", "role": "role"}[self.scheme] + ":" + self.local


@functools.lru_cache(maxsize=8)
def load_concepts(path: Path, stamp: float = 0.0) -> dict[str, dict[str, Concept]]:
    """Concepts of ``ontology/concepts.ttl`` by scheme and local name (German labels)."""
    import pyoxigraph as ox

    triples = [q.triple for q in ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE)]
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    areas: dict[str, str] = {}
    for t in triples:
        s = t.subject.value
        if not s.startswith(CONCEPT):
            continue
        if t.predicate.value in (SKOS + "prefLabel", SKOS + "altLabel") and getattr(t.object, "language", None) in ("de", "en"):
            labels[s][t.object.language].append(t.object.value)
        elif t.predicate.value == IKZ + "serviceArea":
            areas[s] = t.object.value
    concepts: dict[str, dict[str, Concept]] = defaultdict(dict)
    for iri, by_lang in labels.items():
        scheme = iri[len(CONCEPT):].split("/")[0]
        label = (by_lang.get("de") or by_lang.get("en"))[0]
        concepts[scheme][iri.rsplit("/", 1)[1]] = Concept(iri, scheme, label, areas.get(iri),
                                                          tuple(by_lang.get("de", []) + by_lang.get("en", [])))
    return {k: dict(v) for k, v in concepts.items()}


def concept_labels(concepts: dict, scheme: str) -> dict[str, Concept]:
    """All German (and English) labels of a scheme's concepts, folded → concept."""
    table: dict[str, Concept] = {}
    for concept in concepts.get(scheme, {}).values():
        table[_fold(concept.label)] = concept
        table[_fold(concept.local)] = concept
        plain = re.sub(r"\s*\(.*?\)", "", concept.label).strip()
        table.setdefault(_fold(plain), concept)
    return table


# ---------------------------------------------------------------------------------------------
# The project as context: registers, concepts, what the data already describes
# ---------------------------------------------------------------------------------------------


class ProjectContext:
    """What extraction needs to know about a project (or, offline, about this checkout).

    Build it once per project and pass it to :func:`extract`; it reads the registers and
    concepts, and, with ``loaded``, the documents, facilities, people and offices the data
    already describes (so that drafts refer to them instead of inventing duplicates).
    """

    def __init__(self, data_dir: Path, ontology_dir: Path, loaded=None, base: str = "https://w3id.org/ikz/id/"):
        self.data_dir = Path(data_dir)
        self.ontology_dir = Path(ontology_dir)
        self.base = base
        self.loaded = loaded
        self.references = tuple(sorted((self.data_dir / "reference").glob("*.csv")))
        concepts_file = self.ontology_dir / "concepts.ttl"
        self.concepts = load_concepts(concepts_file, concepts_file.stat().st_mtime)
        self.kinds = concept_labels(self.concepts, "facility-kind")
        self.areas = concept_labels(self.concepts, "service-area")
        self.subjects: set[str] = set()
        self.labels: dict[str, list[str]] = defaultdict(list)
        self.types: dict[str, set[str]] = defaultdict(set)
        self.documents: dict[str, str] = {}  # textFile → doc IRI
        self.services: set[tuple[str, str]] = set()  # (office IRI, town IRI)
        self.quotes: dict[tuple[str, str], str] = {}
        self.person_names: dict[str, str] = {}
        self.titles: dict[str, list[str]] = defaultdict(list)
        self.languages: dict[str, str] = {}
        district_labels = []
        if loaded is not None:
            self._read_graph(loaded.triples)
            # "EN-Kreis" is a name of d:05954; a register label such as "Unna" (for the Kreis Unna) is not
            district_labels = [(label, iri.rsplit("/", 1)[1]) for iri, labels in self.labels.items()
                               if iri.startswith(base + "district/") for label in labels
                               if re.search(r"[Kk]reis|^Region |^Städteregion ", label)]
        national = self.data_dir / NATIONAL_REGISTER
        stamp = tuple(p.stat().st_mtime for p in (national, *self.references) if p.is_file())
        self.index = _build_index(national, self.references, tuple(sorted(district_labels)), stamp)
        self.own_office: dict[str, bool] = {}
        self.registered: set[str] = set()
        for path in self.references:
            for row in _read_csv(path):
                ags = (row.get("ags") or "").strip()
                self.registered.add(ags)
                if (row.get("own_jugendamt") or "").strip() in ("yes", "no"):
                    self.own_office[ags] = row["own_jugendamt"].strip() == "yes"
        self.home_districts = {a[:5] for a in self.registered if a}
        self.home_lands = {self.index.places[a].land for a in self.registered if a in self.index.places}

    @classmethod
    def for_project(cls, project, base: str | None = None) -> "ProjectContext":
        from graph.builder.build import load_project
        from graph.core.namespaces import base_iri

        base = base_iri(base)
        return cls(project.data_dir, project.ontology_dir, load_project(project, base), base)

    @classmethod
    def offline(cls) -> "ProjectContext":
        """Registers and concepts of this checkout, without loading its data."""
        return cls(ROOT / "data", ROOT / "ontology")

    def _read_graph(self, triples) -> None:
        base = self.base
        competent, served = defaultdict(set), defaultdict(set)
        exact, quoted = {}, {}
        for t in triples:
            s, p, o = t.subject.value, t.predicate.value, t.object
            self.subjects.add(s)
            if p in (SKOS + "prefLabel", SKOS + "altLabel", "http://xmlns.com/foaf/0.1/name"):
                self.labels[s].append(o.value)
            elif p == RDF_TYPE:
                self.types[s].add(o.value)
            elif p == IKZ + "textFile":
                self.documents[o.value] = s
            elif p == "http://purl.org/dc/terms/title":
                self.titles[s].append(o.value)
            elif p == "http://purl.org/dc/terms/language":
                self.languages[s] = o.value.rsplit("/", 1)[-1]
            elif p == "http://data.europa.eu/m8g/hasCompetentAuthority":
                competent[s].add(o.value)
            elif p == "https://schema.org/areaServed":
                served[s].add(o.value)
            elif p == "http://www.w3.org/ns/oa#exact":
                exact[s] = o.value
            elif p == "http://www.w3.org/ns/prov#wasQuotedFrom":
                quoted[s] = o.value
        for service, offices in competent.items():
            for office in offices:
                for town in served.get(service, ()):
                    self.services.add((office, town))
        for quote, text in exact.items():
            if quote in quoted:
                self.quotes[(quoted[quote], normalize(text))] = quote
        for iri, types in self.types.items():
            if "http://xmlns.com/foaf/0.1/Person" in types:
                for name in self.labels.get(iri, ()):
                    self.person_names[_fold(name)] = iri

    def described(self, path: str) -> bool:
        return (self.base + path) in self.subjects

    def facility_named(self, label: str) -> str | None:
        """The IRI of a facility the data already describes under this label."""
        folded = _fold(label)
        for iri, labels in self.labels.items():
            if IKZ + "Facility" in self.types.get(iri, ()) and any(_fold(l) == folded for l in labels):
                return iri
        return None

    def document_for(self, text_file: str) -> str | None:
        return self.documents.get(text_file)


# ---------------------------------------------------------------------------------------------
# What extraction finds
# ---------------------------------------------------------------------------------------------


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
            "dates": [{"text": d.surface, "value": d.value, "until": d.range_end, "line": self.line_of(d.start)} for d in self.dates],
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
                "line": c.segment.line, "quote": normalize(c.segment.text),
            } for c in self.cooperations],
            "events": [{"kind": e.kind, "label": e.label, "date": e.date.value, "line": e.segment.line} for e in self.events],
        }


# ---------------------------------------------------------------------------------------------
# Segmentation: sentences, list items, short lines
# ---------------------------------------------------------------------------------------------

_ABBREVIATIONS = {"z.b", "b", "ev", "kath", "bzw", "ca", "nr", "dr", "prof", "st", "str", "abs", "vgl", "ggf", "inkl",
                  "evtl", "u.a", "d.h", "i.a", "gez", "fr", "hr", "hrsg", "e.v", "jg", "tel", "std", "mio", "mrd", "gem",
                  "lt", "max", "min", "ff", "s", "u", "o", "a", "d", "v", "i", "z", "zzgl", "bspw", "sog", "insb"}
_BULLET = re.compile(r"^\s*(?:[-–•*·▪]|\d{1,2}[.)]|[a-z]\))\s+")
_SENTENCE_END = re.compile(r"[.!?]+\s+(?=[A-ZÄÖÜ„\"(])")


def segments(text: str) -> list[Segment]:
    """Split ``text`` into sentences, list items and (in address or signature blocks) lines.

    >>> [s.text for s in segments("Frau\\nAstrid Hinterthür\\n\\nDas ist gut. Die ev. Stelle am 1. Mai.\\n- Punkt eins")]
    ['Frau', 'Astrid Hinterthür', 'Das ist gut.', 'Die ev. Stelle am 1. Mai.', 'Punkt eins']
    """
    units: list[tuple[int, int]] = []
    for paragraph in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", text):
        lines = [(m.start() + paragraph.start(), m.end() + paragraph.start()) for m in re.finditer(r"[^\n]+", paragraph.group())]
        lines = [(a, b) for a, b in lines if text[a:b].strip()]
        if not lines:
            continue
        if max(len(text[a:b].strip()) for a, b in lines) < 60 and len(lines) > 1:
            units += lines  # an address, a signature block, a list of short lines
            continue
        current = None
        for a, b in lines:
            if current is None or _BULLET.match(text[a:b]) or text[current[0]:current[1]].rstrip().endswith(":"):
                if current:
                    units.append(current)
                current = (a, b)
            else:
                current = (current[0], b)
        units.append(current)
    found: list[Segment] = []
    for a, b in units:
        bullet = _BULLET.match(text[a:b])
        if bullet:
            a += bullet.end()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        start = a
        for match in _SENTENCE_END.finditer(text, a, b):
            before = re.search(r"(\S+?)[.!?]+$", text[start:match.start() + len(match.group().rstrip())])
            word = (before.group(1) if before else "").casefold().strip("(")
            if word in _ABBREVIATIONS or re.fullmatch(r"\d{1,2}", word) or re.fullmatch(r"[a-zäöü]\.[a-zäöü]", word):
                continue
            end = match.start() + len(match.group().rstrip())
            found.append(_segment(text, start, end))
            start = match.end()
        if start < b:
            found.append(_segment(text, start, b))
    return found


def _segment(text: str, start: int, end: int) -> Segment:
    part = text[start:end]
    return Segment(start, end, part, text.count("\n", 0, start) + 1, part.rstrip().endswith(":"))


# ---------------------------------------------------------------------------------------------
# Finders
# ---------------------------------------------------------------------------------------------

MONTHS = {"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "mai": 5, "juni": 6, "juli": 7,
          "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12}
_MONTH = "(" + "|".join(m.capitalize() for m in MONTHS) + ")"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<d>\d{1,2})\.\s?(?P<m>\d{1,2})\.\s?(?P<y>\d{4}|\d{2})(?!\d|\.\d)"),
    re.compile(r"\b(?P<d>\d{1,2})\.\s?" + _MONTH.replace("(", "(?P<mn>", 1) + r"\s+(?P<y>\d{4})\b"),
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(r"(?<![\d.]\s)(?<!\d\.)\b" + _MONTH.replace("(", "(?P<mn>", 1) + r"\s+(?P<y>\d{4})\b"),
]


def find_dates(text: str) -> list[DateMention]:
    """Dates in German formats: 21.03.2016, 9. März 2016, März 2016, 2016-03-21; ranges with "bis".

    >>> [(d.surface, d.value) for d in find_dates("am 09.03.2016 und für Mai 2016, vom 1. April 2016")]
    [('09.03.2016', '2016-03-09'), ('Mai 2016', '2016-05'), ('1. April 2016', '2016-04-01')]
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            groups = m.groupdict()
            year = int(groups["y"])
            if year < 100:
                year += 2000 if year < 50 else 1900
            month = MONTHS[groups["mn"].casefold()] if groups.get("mn") else int(groups["m"])
            if not 1 <= month <= 12 or not 1900 <= year <= 2100:
                continue
            if groups.get("d"):
                day = int(groups["d"])
                if not 1 <= day <= 31:
                    continue
                value = f"{year:04d}-{month:02d}-{day:02d}"
            else:
                value = f"{year:04d}-{month:02d}"
            found.append(DateMention(m.start(), m.end(), m.group(), value))
            taken.append((m.start(), m.end()))
    found.sort(key=lambda d: d.start)
    for first, second in zip(found, found[1:]):
        if re.fullmatch(r"\s*(?:bis(?: zum)?|–|-)\s*", text[first.end:second.start]):
            first.range_end = second.value
    return found


_STREET = (r"(?P<street>(?:[A-ZÄÖÜ][\wäöüß.-]*[ \t])?(?:[A-ZÄÖÜ][\wäöüß-]*(?:straße|strasse|str\.|weg|platz|allee|gasse|"
           r"ring|damm|ufer|markt|wall|graben|pfad|chaussee|steig)|[A-ZÄÖÜ][\wäöüß-]*-(?:Straße|Weg|Platz|Allee|Ring|Markt)|"
           r"Straße|Str\.|Weg|Platz|Allee|Ring|Markt)"
           r"\s+\d+\s?[a-z]?(?:\s?[-–]\s?\d+)?)")
_ADDRESS = re.compile(_STREET + r"[ \t]*(?:,[ \t]*|\n\s*)(?P<plz>\d{5})[ \t]+(?P<town>[A-ZÄÖÜ][\wäöüß.-]*(?:[ \t]*\([^)\n]+\))?)")
_POSTCODE = re.compile(r"(?<![\d.])(?P<plz>\d{5})[ \t]+(?P<town>[A-ZÄÖÜ][\wäöüß.-]*(?:[ \t]*\([^)\n]+\))?)")


def find_addresses(text: str) -> list[AddressMention]:
    """Postal addresses: street and number, postcode and town (one line or two).

    >>> [a.text for a in find_addresses("Hauptstraße 92\\n58332 Schwelm")]
    ['Hauptstraße 92, 58332 Schwelm']
    """
    found = [AddressMention(m.start(), m.end() - len(m.group("town")) + len(m.group("town").rstrip(".")),
                            " ".join(m.group("street").split()), m.group("plz"), m.group("town").rstrip("."))
             for m in _ADDRESS.finditer(text)]
    for m in _POSTCODE.finditer(text):
        if not any(a.start <= m.start() < a.end for a in found) and not re.search(r"(?:Tel|Fax|Nr)\.?:?\s*$", text[max(0, m.start() - 8):m.start()]):
            found.append(AddressMention(m.start(), m.end() - len(m.group("town")) + len(m.group("town").rstrip(".")), "",
                                        m.group("plz"), m.group("town").rstrip(".")))
    return sorted(found, key=lambda a: a.start)


_NAME_WORD = r"[A-ZÄÖÜ][a-zäöüß]+(?:-[A-ZÄÖÜ][a-zäöüß]+)?"
_NAME = rf"{_NAME_WORD}(?:[ \t]+(?:von[ \t]+|van[ \t]+|de[ \t]+|zu[ \t]+)?{_NAME_WORD}){{1,2}}"
_TITLE = r"(?:(?:Frau|Herrn?)[ \t]+)?(?:(?:Dr\.|Prof\.|Dipl\.-\w+\.?)[ \t]+)*"
_PERSON_PAREN = re.compile(rf"{_TITLE}(?P<name>{_NAME})[ \t]*\((?P<org>[^()\n]{{3,90}})\)")
_PERSON_TITLED = re.compile(rf"\b(?:Frau|Herrn?)[ \t]+(?:(?:Dr\.|Prof\.)[ \t]+)*(?P<name>{_NAME})(?:[ \t]*,[ \t]*(?P<org>[^.;:\n()]{{3,100}}))?")
_PERSON_LINE = re.compile(rf"^[ \t]*(?:(?:gez\.|i\.[ \t]?A\.|Frau|Herrn?|Dr\.|Prof\.)[ \t]*)*(?P<name>{_NAME})[ \t]*(?:[,–-][ \t]*(?P<org>[^\n()]{{3,100}}))?[ \t]*$", re.M)
_ORG_WORDS = re.compile(
    r"\b(?:Stadt|Gemeinde|Kreis\w*|Landkreis\w*|Jugendamt\w*|Jugendämter|Amt|Fachbereich|Fachdienst|Verwaltung|"
    r"Kreisverwaltung|Bezirksregierung|Ministerium|Landschaftsverband|LWL|LVR|e\.\s?V\.|g?GmbH|Diakonie|Caritas\w*|AWO|"
    r"Beratungsstelle|Beratungszentrum|Sozialamt|Dezernat|Referat|Abteilung)\b|-Kreis\b|kreis\b"
)
_NOT_NAME = {"Stadt", "Gemeinde", "Kreis", "Jugendamt", "Frau", "Herr", "Herrn", "Sehr", "Mit", "Freundliche",
             "Grüßen", "Fachbereich", "Leitung", "Leiterin", "Leiter", "Soziales", "Gesundheit", "Gemeinsame",
             "Gemeinsamen", "Die", "Der", "Das", "Den", "Dem", "Des", "Im", "In", "Am", "Und", "Ihre", "Unsere",
             "Jugendhilfe", "Protokoll", "Sitzung", "Teilnehmende", "Anwesend", "Entschuldigt", "Datum", "Ort",
             "Betreff", "Tagesordnung", "Top", "Stand", "Anlage", "Anlagen", "Hansestadt", "Kreisstadt", "Bürgermeister",
             "Bürgermeisterin", "Landrat", "Landrätin", "Dezernent", "Dezernentin", "Amtsleitung", "Abteilungsleitung",
             "Sachgebietsleitung", "Kinder", "Jugend", "Familie", "Familien", "Schule", "Soziale", "Dienste", "Allgemeiner",
             "Sozialer", "Dienst", "Verwaltung", "Landkreis", "Städteregion", "Region", "Ev", "Evangelisches",
             "Katholische", "Psychologische", "Beratung", "Beratungsstelle", "Gez", "Gezeichnet", "Kooperation", "Hinweis",
             "Vielen", "Dank", "Ergebnis", "Beschluss", "Aufgabe", "Protokollführung", "Vorsitz", "Leiterinnen"}
_NOUN_ENDINGS = ("ung", "heit", "keit", "schaft", "stelle", "amt", "tion", "tät", "hilfe", "kreis", "zentrum", "straße",
                 "bereich", "dienst", "leitung", "verwaltung", "gruppe", "kreise", "ämter", "stellen", "ungen", "arbeit",
                 "leiterin", "nahme", "wesen", "gesetz", "stadt", "gemeinde", "kommune", "ordnung", "sitzung", "nisse")
_CLOSING = re.compile(r"^\s*(?:Mit freundlichen Grüßen|Mit freundlichem Gruß|Freundliche Grüße|Viele Grüße|gez\.|"
                      r"Im Auftrag|i\.\s?A\.|Für die Richtigkeit|Unterschriften)", re.M)


def _name_ok(name: str, index: PlaceIndex) -> bool:
    words = name.split()
    if any(w in _NOT_NAME for w in words) or _tokens(name) in index.forms:
        return False
    if any(w.casefold().endswith(_NOUN_ENDINGS) for w in words):
        return False
    return not all(_tokens(w) in index.forms for w in words)  # a run of town names is no person


def _has_place(text: str, index: PlaceIndex) -> bool:
    return any((t,) in index.forms for t in _tokens(text))


def find_people(text: str, index: PlaceIndex) -> list[PersonMention]:
    """People: "Vorname Name (Organisation)", "Frau/Herr Vorname Name, Organisation", an
    addressee block ("Frau" / role / name / unit on separate lines) and the name lines after
    the closing formula (signatories, with their organisation on the same or the next line).

    >>> [(p.name, p.organisation, p.signatory) for p in find_people("Mit freundlichen Grüßen\\nOlaf Menke (Stadt Schwelm)", ProjectContext.offline().index)]
    [('Olaf Menke', 'Stadt Schwelm', True)]
    """
    closing = _CLOSING.search(text)
    signature_from = closing.start() if closing else len(text)
    found: list[PersonMention] = []

    def add(start: int, end: int, name: str, org: str | None, parenthesised: bool = False) -> None:
        name = " ".join(name.split())
        if not _name_ok(name, index) or any(p.start <= start < p.end or start <= p.start < end for p in found):
            return
        org = re.split(r",\s+(?=[a-zäöü])", " ".join((org or "").split()))[0].strip(" ,–-")
        if org and not (_ORG_WORDS.search(org) or _has_place(org, index)):
            if parenthesised:
                return  # "Wetter (Ruhr)"-like: parentheses that name no organisation
            org = ""
        found.append(PersonMention(start, end, name, org, signatory=start >= signature_from))

    for m in _PERSON_PAREN.finditer(text):
        add(m.start("name"), m.end(), m.group("name"), m.group("org"), parenthesised=True)
    for m in _PERSON_TITLED.finditer(text):
        add(m.start("name"), m.end(), m.group("name"), m.group("org"))
    lines = [(m.start(), m.group()) for m in re.finditer(r"[^\n]*", text)]
    lines = [(s, l) for s, l in lines if l.strip() or s == 0]
    for i, (start, line) in enumerate(lines):
        addressee = line.strip() in ("Frau", "Herr", "Herrn")
        if not addressee and start < signature_from:
            continue
        for j in (range(i + 1, min(i + 4, len(lines))) if addressee else [i]):
            candidate = _PERSON_LINE.match(lines[j][1])
            if candidate and _name_ok(" ".join(candidate.group("name").split()), index):
                org = candidate.group("org") or ""
                following = lines[j + 1][1].strip() if j + 1 < len(lines) else ""
                next_person = _PERSON_LINE.match(following)
                if not org and following and _ORG_WORDS.search(following) and not _PERSON_PAREN.search(following) \
                        and not (next_person and _name_ok(" ".join(next_person.group("name").split()), index)):
                    org = following
                add(lines[j][0] + candidate.start("name"), lines[j][0] + candidate.end(), candidate.group("name"), org)
                break
    return sorted(found, key=lambda p: p.start)


def find_places(text: str, index: PlaceIndex, exclude: list[tuple[int, int]] = ()) -> list[Mention]:
    """Every written place name (longest match first), before context checks."""
    tokens = [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]
    found: list[Mention] = []
    i = 0
    while i < len(tokens):
        word, start, _ = tokens[i]
        probe = word if word in index.longest else (word.title() if word.isupper() and len(word) > 3 else None)
        match = None
        if probe in index.longest:
            for length in range(min(index.longest[probe], len(tokens) - i), 0, -1):
                key = (probe,) + tuple(t[0] for t in tokens[i + 1:i + length])
                if key in index.forms:
                    match = (length, index.forms[key])
                    break
        if match:
            length, entries = match
            end = tokens[i + length - 1][2]
            if not any(a < end and start < b for a, b in exclude):
                found.append(Mention(start, end, text[start:end], [p for p, _ in entries], entries[0][1]))
            i += length
            continue
        if "-" in word and word not in index.district_names:  # "Witten-Herbede": a part of a town
            head = word.split("-")[0]
            entries = [e for e in index.forms.get((head,), []) if e[1] == "name"]
            if entries and head not in COMMON_WORDS and not any(a < start + len(head) and start < b for a, b in exclude):
                found.append(Mention(start, start + len(head), head, [p for p, _ in entries], "part"))
        i += 1
    return found


def _check_context(text: str, mentions: list[Mention]) -> None:
    """Names that are also ordinary words, and town adjectives, count only with a cue."""
    for m in mentions:
        if m.form == "adjective":
            m.accepted = bool(re.match(r"\s+[A-ZÄÖÜ]", text[m.end:m.end + 3])) and \
                not re.match(r"\s+(?:Straße|Str\.|Weg|Platz|Allee|Ring)\b", text[m.end:m.end + 10])
            m.reason = "" if m.accepted else "adjective without a noun"
        elif m.surface in COMMON_WORDS:
            cue = bool(_PLACE_CUES.search(text[max(0, m.start - 40):m.start]))
            m.accepted = cue
            m.reason = "" if cue else "common word without a cue"
    changed = True
    while changed:  # a list of towns makes each of its names a town
        changed = False
        for first, second in zip(mentions, mentions[1:]):
            if first.accepted != second.accepted and _LIST_GAP.match(text[first.end:second.start]):
                for m in (first, second):
                    if not m.accepted and m.form != "adjective":
                        m.accepted, m.reason, changed = True, "in a list of towns", True


def _resolve(mentions: list[Mention], ctx: ProjectContext) -> None:
    """Pick the place an ambiguous name means from the other places of the text (same
    district, same Land), or leave it flagged (``place`` None)."""
    for m in mentions:
        if len({(p.kind, p.key) for p in m.candidates}) == 1:
            m.place = m.candidates[0]
    for _ in range(3):
        districts, lands, named = Counter(), Counter(), set()
        for m in mentions:
            if m.accepted and m.place is not None:
                if m.place.kind == "district":
                    named.add(m.place.key)
                districts[m.place.district_key] += 1
                lands[m.place.land] += 1
        for m in mentions:
            if m.place is not None or not m.accepted:
                continue
            scored = sorted(((3 * bool(districts.get(p.district_key)) + 2 * (p.district_key in named)
                              + 1 * bool(lands.get(p.land)) + 0.5 * (p.district_key in ctx.home_districts)
                              + 0.25 * (p.land in ctx.home_lands) + 0.25 * p.city, p) for p in m.candidates),
                            key=lambda sp: -sp[0])
            if scored and scored[0][0] >= 1 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 1):
                m.place = scored[0][1]
                m.reason = "resolved by context"
    chosen = {m.surface: m.place for m in mentions if m.place is not None and len(m.candidates) > 1}
    for m in mentions:  # one name, one place throughout a text
        if m.place is None and m.surface in chosen:
            m.place = chosen[m.surface]


def _concept_tables(ctx: ProjectContext) -> tuple[dict, dict]:
    kinds = dict(ctx.kinds)
    for surface, local in FACILITY_SYNONYMS.items():
        if local in ctx.concepts.get("facility-kind", {}):
            kinds[_fold(surface)] = ctx.concepts["facility-kind"][local]
    areas = dict(ctx.areas)
    for surface, local in AREA_SYNONYMS.items():
        if local in ctx.concepts.get("service-area", {}):
            areas[_fold(surface)] = ctx.concepts["service-area"][local]
    return kinds, areas


def find_concepts(text: str, ctx: ProjectContext) -> list[ConceptMention]:
    """Facility kinds and service areas named by their concept labels, inflected ("Jugendschutzstellen")
    or inside compounds ("Erziehungsberatungsstelle", "Beratungszentrum")."""
    found: list[ConceptMention] = []
    folded = text.casefold()
    for scheme, table in zip(("facility-kind", "service-area"), _concept_tables(ctx)):
        taken: list[tuple[int, int]] = []
        for phrase in sorted((k for k in table if " " in k or "-" in k), key=len, reverse=True):
            for m in re.finditer(r"(?<!\w)" + re.escape(phrase) + r"\w*", folded):
                if not any(a < m.end() and m.start() < b for a, b in taken):
                    found.append(ConceptMention(m.start(), m.end(), text[m.start():m.end()], table[phrase]))
                    taken.append((m.start(), m.end()))
        words = [k for k in table if " " not in k and "-" not in k and len(k) >= 5]
        for m in re.finditer(r"\w+", text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            word = m.group().casefold()
            best = None
            for label in words:
                if re.fullmatch(re.escape(label) + r"(?:en|n|s|e|es)?", word) or (word.endswith(label) and len(word) > len(label)) \
                        or (scheme == "service-area" and word.startswith(label + "s") and len(word) > len(label) + 3):
                    if best is None or len(label) > len(best):
                        best = label
            if best:
                found.append(ConceptMention(m.start(), m.end(), m.group(), table[best]))
    return sorted(found, key=lambda c: c.start)


# ---------------------------------------------------------------------------------------------
# Cooperation sentences
# ---------------------------------------------------------------------------------------------

_TRIGGER = re.compile(r"\b(?:[Gg]emeinsam\w*|Inanspruchnahme|Kooperation\w*|kooperier\w*|[Zz]usammenarbeit\w*|"
                      r"arbeiten\b[^.]*\bzusammen|öffentlich-rechtlich\w*\s+Vereinbarung\w*|Zweckverband\w*|"
                      r"Arbeitsgemeinschaft\w*|Verbund\w*|mitgenutzt|mitnutz\w*|teilen sich|in Anspruch (?:genommen|nehmen))")
_SHARED_USE = re.compile(r"\b(?:Inanspruchnahme|nutz\w*|genutzt|mitgenutzt|belegen|teilen sich|in Anspruch)\b")
_JOINT_OPERATION = re.compile(r"\bbetreib\w*\b[^.]*\bgemeinsam|\bgemeinsam\b[^.]*\bbetreib\w*|\bgemeinsam betrieben\w*|\bTräger\w* sind\b")
_DISTRICT_WIDE = re.compile(r"\bkreis(?:einheitlich|weit)\w*|\baller? (?:Kommunen|Städte und Gemeinden|Städte|Gemeinden) (?:des|im)\b")
_STRUCTURE = re.compile(r"\b(?:kreis\w*\s+)?(?:gemeinsame\w*\s+)?[\wäöüß-]*(?:[Ss]truktur|[Ee]inrichtung|[Vv]erbund|[Zz]weckverband|[Dd]ienst)\w*")
_STATUS_CUES = [
    ("beendet", re.compile(r"\b(?:beendet|aufgelöst|eingestellt|gekündigt|ausgelaufen|nicht mehr)\b")),
    ("geplant", re.compile(r"\b(?:geplant\w*|soll\w*\b[^.]*\b(?:eingerichtet|aufgebaut|gegründet|eröffnet|beginnen|starten|übernehmen)|"
                           r"beschlossen\w*|(?:wird|werden)\b[^.]*\bab (?:dem )?\d)")),
    ("vorgeschlagen", re.compile(r"\b(?:könnte\w*|vorgeschlagen\w*|[Vv]orschlag\w*|schlagen\b[^.]*\bvor|angeregt|denkbar|prüf\w*|geprüft|sollte\w*|"
                                 r"wünschenswert|Überlegung\w*|erwogen)\b")),
    ("bestehend", re.compile(r"\b(?:bestehend\w*|bereits|seit|besteht|bestehen|nutz\w*|genutzt|gelebt\w*)\b")),
]
_REFUSAL = re.compile(r"\b(?:abgelehnt|kommt nicht in Frage|nicht weiterverfolgt)\b")
_LEGAL_FORMS = [
    ("OeffentlichRechtlicheVereinbarung", re.compile(r"öffentlich-rechtliche\w*\s+Vereinbarung|\bÖRV\b")),
    ("Zweckverband", re.compile(r"Zweckverband")),
    ("GemeinsamesKommunalunternehmen", re.compile(r"gemeinsame\w*\s+Kommunalunternehmen|\bAnstalt des öffentlichen Rechts\b")),
    ("Arbeitsgemeinschaft", re.compile(r"kommunale\w*\s+Arbeitsgemeinschaft|Arbeitsgemeinschaft nach § 2")),
    ("Privatrechtlich", re.compile(r"\bg?GmbH\b|privatrechtlich\w*")),
]
_ARTICLES = ("der", "die", "das", "den", "dem", "des", "einer", "einem", "eines", "einen", "eine", "ein")
_OBLIQUE = ("der", "dem", "des", "den", "einer", "einem", "eines", "einen")
_ADJECTIVE = re.compile(r"^(?:[a-zäöü][\wäöüß-]*(?:e|en|es|er|em)|[A-ZÄÖÜ][\wäöüß-]*(?:isch|lich|ig|sam|al)(?:e|en|es|er|em)|ev\.|kath\.)$")
_FEMININE = ("stelle", "ambulanz", "einrichtung", "beratung", "hilfe", "gruppe", "familia", "agentur", "schule", "praxis")
_NEUTER = ("zentrum", "haus", "büro", "amt", "heim", "projekt", "angebot", "team")
_PARTNER_CUE = re.compile(r"(?:Kommunen|Städte|Städten|Gemeinden|Kreise|Kreisen|zwischen|durch|Stadt|Gemeinde|Partner\w*)"
                          r"(?:\s+(?:der|die|den|dem))?\s*$")


def _nominative(phrase: str) -> str:
    """Drop the article and put adjectives in the nominative: "der Psychologischen
    Beratungsstelle des Kreises" → "Psychologische Beratungsstelle des Kreises"."""
    words = phrase.strip(" ,.;:").split()
    if not words or words[0].casefold() not in _ARTICLES:
        return " ".join(words)
    oblique = words[0].casefold() in _OBLIQUE
    words = words[1:]
    if oblique:
        head = next((i for i, w in enumerate(words) if not _ADJECTIVE.match(w)), None)
        if head is not None:
            noun = words[head].casefold()
            ending = "e" if noun.endswith(_FEMININE) else ("es" if noun.endswith(_NEUTER) else "er")
            for i in range(head):
                if words[i].endswith("en") and len(words[i]) > 4:
                    words[i] = words[i][:-2] + ending
    return " ".join(words)


def _split_list(text: str) -> list[tuple[int, int]]:
    """Spans of "A, B und C" (not split at "Kinder- und Jugend..." nor inside parentheses)."""
    spans, start, depth, i = [], 0, 0, 0
    while i < len(text):
        ch = text[i]
        depth += (ch == "(") - (ch == ")")
        sep = 0
        if depth == 0:
            if ch in ",;":
                sep = 1
            else:
                m = re.match(r" (?:und|sowie|bzw\.) ", text[i:])
                if m and not text[:i].endswith("-"):
                    sep = len(m.group())
        if sep:
            spans.append((start, i))
            i += sep
            start = i
            continue
        i += 1
    spans.append((start, len(text)))
    return [(a, b) for a, b in spans if text[a:b].strip()]


class _Sentence:
    """A segment with its accepted, resolved place mentions and its concept mentions."""

    def __init__(self, text: str, segment: Segment, mentions: list[Mention], concepts: list[ConceptMention]):
        self.full = text
        self.segment = segment
        self.text = segment.text
        self.mentions = [m for m in mentions if m.accepted and m.place is not None and segment.start <= m.start < segment.end]
        self.concepts = [c for c in concepts if segment.start <= c.start < segment.end]

    def groups(self) -> list[list[tuple[Mention, str]]]:
        """Places written as one list: [(mention, joiner)], joiner "mit" in "A mit B"."""
        result: list[list[tuple[Mention, str]]] = []
        for m in self.mentions:
            if result:
                gap = self.full[result[-1][-1][0].end:m.start]
                if _LIST_GAP.match(gap):
                    result[-1].append((m, "mit" if re.fullmatch(r"\s*mit\s+", gap) else ""))
                    continue
            result.append([(m, "")])
        return result


def _facility_spans(sentence: _Sentence) -> list[tuple[int, int, Concept]]:
    """Facility phrases around facility-kind words: "der Psychologischen Beratungsstelle des
    Ennepe-Ruhr-Kreises", "dem ev. Beratungszentrum Ennepetal", "die Jugendschutzstelle in Kamen"."""
    spans = []
    text, seg = sentence.full, sentence.segment
    for c in sentence.concepts:
        if c.concept.scheme != "facility-kind":
            continue
        start = c.start
        for count, word in enumerate(reversed(list(re.finditer(r"\S+", text[seg.start:c.start])))):
            w = word.group()
            if w.casefold() in _ARTICLES:  # extend over adjectives only up to an article
                start = seg.start + word.start()
                break
            if count >= 3 or not _ADJECTIVE.match(w):
                break
        end = c.end
        tail = re.match(r"(?:\s+(?:des|der)\s+(?:(?:Stadt|Gemeinde|Kreises|Landkreises)\s+)?[A-ZÄÖÜ][\w.-]*(?:\s+[A-ZÄÖÜ][\w-]*)?"
                        r"|\s+(?:in|für)\s+(?:der\s+Stadt\s+|der\s+Gemeinde\s+)?[A-ZÄÖÜ][\w-]*(?:\s*\([^)]*\))?"
                        r"|\s+[A-ZÄÖÜ][\w-]+(?=[\s,.;]|$))", text[c.end:seg.end])
        if tail:
            end = c.end + tail.end()
        spans.append((start, end, c.concept))
    return spans


def _status(text: str, lead: str = "") -> str:
    for source in (text, lead):
        for status, pattern in _STATUS_CUES:
            if pattern.search(source):
                return status
    return "bestehend"


def _legal_form(text: str) -> str:
    return next((form for form, pattern in _LEGAL_FORMS if pattern.search(text)), "Unbekannt")


def _area_of(kind: Concept | None, sentences, ctx: ProjectContext) -> tuple[list[Concept], bool]:
    """The service area: the facility kind's, else the most specific one named in the sentence
    (or its list's lead), else general youth welfare (guessed)."""
    if kind is not None and kind.service_area:
        return [ctx.concepts["service-area"][kind.service_area.rsplit("/", 1)[1]]], False
    for source in sentences:
        if source is None:
            continue
        areas = [c.concept for c in source.concepts if c.concept.scheme == "service-area"]
        if areas:
            specific = [a for a in areas if a.local != "Jugendhilfe"] or areas
            return [max(specific, key=lambda a: len(a.label))], False
    general = ctx.concepts.get("service-area", {}).get("Jugendhilfe")
    return ([general] if general else []), True


def _is_item(text: str, seg: Segment) -> bool:
    """Does the segment fill its line (a list item), as opposed to a sentence in a paragraph?"""
    line_start = text.rfind("\n", 0, seg.start) + 1
    line_end = text.find("\n", seg.end)
    return not text[line_start:seg.start].strip(" \t-–•*·▪0123456789.)") and not text[seg.end:line_end if line_end != -1 else len(text)].strip()


def find_cooperations(text: str, segs: list[Segment], mentions: list[Mention], concepts: list[ConceptMention],
                      ctx: ProjectContext) -> list[CooperationCandidate]:
    """Cooperation candidates from the sentences that state joint use or cooperation."""
    found: list[CooperationCandidate] = []
    lead: _Sentence | None = None
    lead_age = 0
    pairs: dict[tuple[str, str], Segment] = {}
    for seg in segs:
        sentence = _Sentence(text, seg, mentions, concepts)
        if seg.lead:
            lead = sentence if len(normalize(seg.text)) >= 30 else None
            lead_age = 0
            continue
        if lead is not None:
            lead_age += 1
            if not _is_item(text, seg) or lead_age > 12:
                lead = None
        body = seg.text
        if not _TRIGGER.search(body) or _REFUSAL.search(body):
            continue
        lead_text = lead.text if lead else ""
        facilities = _facility_spans(sentence)
        partners: list[Partner] = []
        partners_end = None
        for group in sentence.groups():
            members = [(m, j) for m, j in group if not any(a <= m.start < b for a, b, _ in facilities)]
            cue = members and _PARTNER_CUE.search(text[max(seg.start, members[0][0].start - 30):members[0][0].start])
            if len(members) >= 2 or cue:
                previous = None
                for m, joiner in members:
                    through = previous.place if joiner == "mit" and previous is not None else None
                    if through is not None and through.kind == m.place.kind == "municipality":
                        pairs.setdefault((through.key, m.place.key), seg)
                    else:
                        through = None
                    if all(p.place.key != m.place.key for p in partners):
                        partners.append(Partner(m.place, through))
                    previous = m
                partners_end = members[-1][0].end
        if len(partners) < 2:
            found += _district_wide(sentence, lead, ctx)
            continue
        status, legal_form = _status(body, lead_text), _legal_form(body)
        joint_operation = bool(_JOINT_OPERATION.search(body))
        shared_use = bool(_SHARED_USE.search(body)) and not joint_operation
        role = "Nutzer" if shared_use else ("Vertragspartner" if legal_form in ("OeffentlichRechtlicheVereinbarung", "Zweckverband") else "Partner")
        # counterparts: "Kooperationen der Städte A mit B, C und D mit KIZZ, dem ev. Beratungszentrum ..."
        counterparts: list[FacilityCandidate] = []
        rest = text[partners_end:seg.end]
        mit = re.match(r"\s+mit\s+(?!(?:der|den|dem)\s+(?:Stadt|Gemeinde|Städten|Gemeinden|Kreis)\b)", rest)
        if mit:
            items = rest[mit.end():].rstrip(" .;:")
            stop = re.search(r"\s+(?:zusammen|zur|zum|im Bereich|in der|bei der|für die|für den|über|wird|werden|wurde|wurden|ist|"
                             r"sind|war|waren|hat|haben|hatte|soll|sollen|kann|können|besteht|bestehen|seit|ab)\b", items)
            items = items[:stop.start()] if stop else items
            offset = partners_end + mit.end()
            for a, b in _split_list(items):
                counterparts.append(_facility_from_phrase(items[a:b].strip(), ctx, text, offset + a, offset + b, mentions))
        if not counterparts:
            unique: dict[str, FacilityCandidate] = {}
            for start, end, kind in facilities:
                facility = _facility_from_phrase(text[start:end], ctx, text, start, end, mentions, kind)
                unique.setdefault(_fold(facility.label), facility)
            counterparts = list(unique.values())
        names = ", ".join(p.place.label for p in partners)
        rule = "joint-operation" if joint_operation else ("shared-use" if shared_use else "cooperation-with")
        lead_segment = lead.segment if lead is not None else None
        if not counterparts:
            areas, guessed = _area_of(None, (sentence, lead), ctx)
            area_label = re.sub(r"\s*\(.*?\)", "", areas[0].label) if areas else ""
            found.append(CooperationCandidate(
                "cooperation", f"Zusammenarbeit {area_label}: {names}".replace("  ", " "), list(partners), seg,
                service_areas=areas, status=status, legal_form=legal_form, role=role, lead=lead_segment,
                notes=["Aufgabengebiet geraten"] if guessed else []))
            continue
        fallback = next((f.kind for f in counterparts if f.kind is not None), None) or _default_kind(sentence, lead, ctx)
        for facility in counterparts:
            if facility.kind is None:
                facility.kind, facility.kind_guessed = fallback, True
            kind_word = facility.kind.label if facility.kind else "Einrichtung"
            generic = facility.label.casefold() in (kind_word.casefold(), _fold(kind_word) + "n") or facility.indefinite
            if generic:
                facility.label = f"{kind_word} für {names}"
                facility.existing = ctx.facility_named(facility.label)
            areas, guessed = _area_of(facility.kind, (sentence, lead), ctx)
            facility.service_area = areas[0] if areas else None
            if joint_operation:
                label = f"Gemeinsamer Betrieb: {facility.label}"
            elif shared_use:
                label = f"Gemeinsame Inanspruchnahme einer {kind_word}: {names}" if generic else f"Gemeinsame Inanspruchnahme: {facility.label} ({names})"
            else:
                label = f"Kooperation: {facility.label} ({names})"
            found.append(CooperationCandidate(
                rule, label, list(partners), seg, shared_use=not joint_operation, facility=facility, service_areas=areas,
                status=status, legal_form=legal_form, role=role, lead=lead_segment,
                notes=(["Aufgabengebiet geraten"] if guessed else []) + (["Art der Einrichtung geraten"] if facility.kind_guessed else [])))
    # "Ennepetal mit Breckerfeld" where Breckerfeld has no youth welfare office of its own
    area = ctx.concepts.get("service-area", {}).get("Jugendhilfe")
    for (through_key, town_key), seg in sorted(pairs.items()):
        if ctx.own_office.get(town_key) is False and ctx.own_office.get(through_key) is True:
            through, town = ctx.index.places[through_key], ctx.index.places[town_key]
            found.append(CooperationCandidate(
                "office-serves", f"Jugendamt {through.label} für {town.label}", [Partner(through), Partner(town, through)], seg,
                service_areas=[area] if area else [], status="bestehend", role="Vertragspartner",
                notes=[f"{town.label} hat laut data/reference kein eigenes Jugendamt; der Text schreibt »{through.label} mit {town.label}«; "
                       "Rechtsform und weitere Vertragspartner (Kreis?) prüfen"]))
    return found


def _district_wide(sentence: _Sentence, lead: _Sentence | None, ctx: ProjectContext) -> list[CooperationCandidate]:
    """"eine kreiseinheitliche gemeinsame Organisationsstruktur im Ennepe-Ruhr-Kreis": all towns
    of the district (from the register) as partners."""
    body = sentence.text
    districts = [m.place for m in sentence.mentions if m.place.kind == "district"]
    structure = _STRUCTURE.search(body)
    if not (_DISTRICT_WIDE.search(body) and districts and structure):
        return []
    district = districts[0]
    towns = sorted(ctx.index.by_district.get(district.key, []), key=lambda p: p.key)
    areas, guessed = _area_of(None, (sentence, lead), ctx)
    label = structure.group().strip()
    label = label[0].upper() + label[1:] + (f" ({areas[0].label})" if areas and not guessed else "")
    return [CooperationCandidate(
        "district-wide", label, [Partner(t) for t in towns], sentence.segment, service_areas=areas,
        status=_status(body, lead.text if lead else ""), legal_form=_legal_form(body),
        notes=[f"Partner: alle {len(towns)} Kommunen des Kreises {district.label} laut Register; prüfen, ob der Text sie alle meint"]
        + (["Aufgabengebiet geraten"] if guessed else []))]


def _default_kind(sentence: _Sentence, lead: _Sentence | None, ctx: ProjectContext) -> Concept | None:
    areas, guessed = _area_of(None, (sentence, lead), ctx)
    kinds = ctx.concepts.get("facility-kind", {})
    if not guessed and areas:
        match = next((k for k in kinds.values() if k.service_area == areas[0].iri), None)
        if match:
            return match
    return kinds.get("Beratungsstelle")


def _facility_from_phrase(raw: str, ctx: ProjectContext, text: str, start: int, end: int, mentions: list[Mention],
                          kind: Concept | None = None) -> FacilityCandidate:
    label = _nominative(raw)
    if label and label[0].islower() and not label.startswith(("ev.", "kath.")):
        label = label[0].upper() + label[1:]
    if kind is None:
        kinds = [c.concept for c in find_concepts(raw, ctx) if c.concept.scheme == "facility-kind"]
        kind = max(kinds, key=lambda k: len(k.label)) if kinds else None
    operator = None
    owner = re.search(r"\b(?:des|der)\s+(\S.*)$", raw)
    if owner:
        inside = [m for m in mentions if m.accepted and m.place is not None and start + owner.start(1) <= m.start < end]
        operator = inside[-1].place if inside else None
    facility = FacilityCandidate(label, kind, operator=operator, existing=ctx.facility_named(label) or ctx.facility_named(raw))
    facility.indefinite = bool(re.match(r"(?:einer|eines|eine|ein|einen|einem)\s", raw.strip(), re.I))
    return facility


_EVENT_NOUN = re.compile(r"(?:\b\d{1,2}\.\s+)?\b(?P<noun>Sitzung|Arbeitskreissitzung|Treffen|Besprechung|Konferenz|Fachtag|Abfrage|Umfrage)\b"
                         r"(?:\s+(?:der|des|zur|zum|in der|im|an die|an den|für die)\s+[\w-]+){0,5}")


def find_events(segs: list[Segment], dates: list[DateMention]) -> list[EventCandidate]:
    """Dated meetings ("Sitzung ... am 09.03.2016") and surveys ("Abfrage ... vom 21.03.2016")."""
    found: dict[tuple, EventCandidate] = {}
    for seg in segs:
        for date in (d for d in dates if seg.start <= d.start < seg.end and len(d.value) == 10):
            nouns = [((date.start - seg.start - m.end()) if seg.start + m.end() <= date.start else (seg.start + m.start() - date.end), m)
                     for m in _EVENT_NOUN.finditer(seg.text)]
            nouns = [n for n in nouns if 0 <= n[0] < 120]
            if not nouns:
                continue
            m = min(nouns, key=lambda n: n[0])[1]
            kind = "Survey" if m.group("noun") in ("Abfrage", "Umfrage") else "Meeting"
            found.setdefault((kind, date.value), EventCandidate(kind, " ".join(m.group().split()), date, seg))
    return list(found.values())


# ---------------------------------------------------------------------------------------------
# The whole extraction
# ---------------------------------------------------------------------------------------------


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
            if not _PLACE_CUES.search(text[max(0, m.start() - 40):m.start()]):
                person_spans.append((m.start(), m.end()))
    mentions = find_places(text, ctx.index, exclude=street_spans + person_spans)
    for m in mentions:  # the town after a postcode
        if any(a.start <= m.start < a.end for a in addresses):
            m.accepted = True
    _check_context(text, mentions)
    _resolve(mentions, ctx)
    for a in addresses:
        inside = [m for m in mentions if a.start <= m.start < a.end and m.place is not None]
        a.place = inside[-1].place if inside else None
    for person in people:
        org_start = text.find(person.organisation, person.start) if person.organisation else -1
        if org_start >= 0:
            person.places = [m.place for m in mentions if m.accepted and m.place is not None and org_start <= m.start < org_start + len(person.organisation)]
        person.segment = next((s for s in segs if s.start <= person.start < s.end), None)
    concepts = find_concepts(text, ctx)
    cooperations = find_cooperations(text, segs, mentions, concepts, ctx)
    dates = find_dates(text)
    events = find_events(segs, dates)
    return Extraction(text, segs, mentions, dates, people, addresses, concepts, cooperations, events)


# ---------------------------------------------------------------------------------------------
# The draft: candidates as Turtle in the project's own format, each marked unreviewed
# ---------------------------------------------------------------------------------------------

DRAFT_PREFIXES = {
    "ikz": "https://w3id.org/ikz/ontology#",
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
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": SKOS,
    "dct": "http://purl.org/dc/terms/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "oa": "http://www.w3.org/ns/oa#",
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
        existing = ctx.person_names.get(_fold(person.name))
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


def extract_file(project, path: str | Path, output: str | Path | None = None, *, base: str | None = None,
                 mentions: bool = True) -> tuple[Path, Extraction]:
    """``ikz extract``: read a registered document's text, write its draft; return (draft path, extraction).

    The document must be registered (``ikz add-source``) so that the draft's quotes can be
    checked against its text file under ``data/``.
    """
    from graph.rdf.parse import read_text

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
        raise SourceDataError(
            "the text is not a registered source document (no ikz:textFile names it)",
            where=str(path),
            fix=f"register it first: ikz add-source {path} --title '...' (copies it to data/sources/ and describes it)",
        )
    if not doc_iri.startswith(ctx.base + "doc/"):
        raise SourceDataError(
            f"<{doc_iri}> is a reference source, not a letter or minutes to extract from",
            where=str(path), fix="extract from documents registered with `ikz add-source` (IRIs doc/...)")
    doc_slug = doc_iri[len(ctx.base) + len("doc/"):]
    extraction = extract(text, ctx)
    draft = write_draft(extraction, DraftDocument(doc_iri, doc_slug, relative), ctx,
                        source_display=f"data/{relative}", mentions=mentions)
    output = Path(output) if output else project.root / "build" / "drafts" / f"{doc_slug}.ttl"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(draft, encoding="utf-8")
    return output, extraction



# ---------------------------------------------------------------------------------------------
# Measuring: precision and recall against hand-encoded expectations
# ---------------------------------------------------------------------------------------------


@dataclass
class Expected:
    """What a person encoding a document by hand recorded (from tests/documents/*.expected.json
    or, for a document already in the graph, from its hand-encoded statements)."""

    towns: set[str]
    districts: set[str]
    people: list[set[str]]  # one set of names (aliases) per person
    cooperations: list[dict]  # {"partners": set of AGS, "facility": [labels] or None, "status": str}
    ambiguous: set[str] = field(default_factory=set)

    @classmethod
    def from_file(cls, path: str | Path) -> "Expected":
        import json

        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(set(data["towns"]), set(data.get("districts", {})), [{name} for name in data.get("people", [])],
                   [{"partners": set(c["partners"]), "facility": [c["facility"]] if c.get("facility") else None,
                     "status": c.get("status")} for c in data["cooperations"]],
                   set(data.get("ambiguous", [])))

    @classmethod
    def from_graph(cls, triples, document: str, base: str) -> "Expected":
        """The hand-encoded statements derived from ``document`` (a full IRI)."""
        props: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for t in triples:
            props[t.subject.value][t.predicate.value].append(t.object.value)
        derived = {s for s, p in props.items() if document in p.get("http://www.w3.org/ns/prov#wasDerivedFrom", [])}
        cooperation_classes = {IKZ + "Cooperation"}
        for _ in range(3):
            cooperation_classes |= {s for s, p in props.items()
                                    if set(p.get("http://www.w3.org/2000/01/rdf-schema#subClassOf", [])) & cooperation_classes}
        members: dict[str, set[str]] = defaultdict(set)
        for s, p in props.items():
            for org in p.get("http://www.w3.org/ns/org#organization", []):
                members[org] |= set(p.get("http://www.w3.org/ns/org#member", []))
        town, district = base + "municipality/", base + "district/"
        cooperations, towns, districts, people = [], set(), set(), []
        for s in sorted(derived):
            p = props[s]
            values = [v for vs in p.values() for v in vs] + sorted(members.get(s, ()))
            towns |= {v[len(town):] for v in values if v.startswith(town)}
            districts |= {v[len(district):] for v in values if v.startswith(district)}
            if set(p.get(RDF_TYPE, [])) & cooperation_classes:
                facility = p.get(IKZ + "facility", [])
                labels = [l for f in facility for l in props[f].get(SKOS + "prefLabel", []) + props[f].get(SKOS + "altLabel", [])]
                cooperations.append({"partners": {m[len(town):] for m in members.get(s, ()) if m.startswith(town)},
                                     "facility": (labels + facility) if facility else None,
                                     "status": (p.get(IKZ + "status") or [""])[0].rsplit("/", 1)[-1], "iri": s})
            if "http://xmlns.com/foaf/0.1/Person" in p.get(RDF_TYPE, []):
                people.append(set(p.get("http://xmlns.com/foaf/0.1/name", []) + p.get(SKOS + "altLabel", [])))
        return cls(towns, districts, people, cooperations)


@dataclass
class Score:
    found: int = 0  # true positives
    extra: int = 0  # false positives
    missed: int = 0  # false negatives

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.extra) if self.found + self.extra else 1.0

    @property
    def recall(self) -> float:
        return self.found / (self.found + self.missed) if self.found + self.missed else 1.0

    def __add__(self, other: "Score") -> "Score":
        return Score(self.found + other.found, self.extra + other.extra, self.missed + other.missed)


_GENERIC = {"fuer", "für", "des", "der", "die", "dem", "den", "und", "mit", "einer", "eine", "stadt", "kreises", "kreis"}


def _facility_words(labels, index: PlaceIndex) -> set[str]:
    words = set()
    for label in labels:
        for word in re.findall(r"\w+", label.casefold()):
            if len(word) >= 4 and word not in _GENERIC and (word.capitalize(),) not in index.forms:
                words.add(word)
    return words


def _same_facility(predicted: CooperationCandidate, expected: dict, base: str, index: PlaceIndex) -> bool:
    if expected["facility"] is None or predicted.facility is None:
        return expected["facility"] is None and predicted.facility is None
    if predicted.facility.existing and predicted.facility.existing in expected["facility"]:
        return True
    return bool(_facility_words([predicted.facility.label], index) & _facility_words(expected["facility"], index))


def evaluate(extraction: Extraction, expected: Expected, index: PlaceIndex, base: str = "") -> dict:
    """Precision and recall of towns, districts, people and cooperations, and how many matched
    cooperations have the expected status. A cooperation matches when its municipal partners are
    exactly the expected ones and it names the same facility (a shared significant word), or
    neither names one."""
    def sets(found: set, wanted: set) -> Score:
        return Score(len(found & wanted), len(found - wanted), len(wanted - found))

    people = {" ".join(p.name.split()) for p in extraction.people}
    known = set().union(*expected.people) if expected.people else set()
    person_score = Score(sum(1 for aliases in expected.people if aliases & people), len(people - known),
                         sum(1 for aliases in expected.people if not aliases & people))
    remaining = list(expected.cooperations)
    score, status_ok = Score(), 0
    for c in extraction.cooperations:
        towns = frozenset(p.place.key for p in c.partners if p.place.kind == "municipality")
        match = next((e for e in remaining if e["partners"] == towns and _same_facility(c, e, base, index)), None)
        if match is None:
            score.extra += 1
            continue
        remaining.remove(match)
        score.found += 1
        status_ok += match.get("status") in (None, c.status)
    score.missed += len(remaining)
    return {
        "towns": sets({p.key for p in extraction.towns()}, expected.towns),
        "districts": sets({p.key for p in extraction.districts()}, expected.districts),
        "people": person_score,
        "cooperations": score,
        "status_ok": status_ok,
        "ambiguous_flagged": expected.ambiguous <= set(extraction.ambiguous()),
    }

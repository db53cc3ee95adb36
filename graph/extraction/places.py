"""Places: the national and project registers as an index of the ways a municipality or
district is written (official suffixes, genitive -s, adjectives, district forms)."""

from __future__ import annotations

import csv
import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from graph.core.text import fold


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
PLACE_CUES = re.compile(
    r"(?:\b(?:Stadt|Gemeinde|Kommune|Städte|Städten|Gemeinden|Kommunen|Hansestadt|Kreisstadt|Ortsgemeinde|"
    r"Jugendamt|Jugendamtes|Jugendamts|Jugendämter|Bürgermeister|Bürgermeisterin|in|aus|nach)\s+"
    r"|\b\d{5}\s+)$"
)
#: Between two places of one list (a list of towns makes each of them a place).
LIST_GAP = re.compile(
    r"^\s*(?:,\s*(?:und\s+|sowie\s+)?|und\s+|sowie\s+|mit\s+|bzw\.\s+|/\s*|;\s*)"
    r"(?:(?:der|die|den|dem|des)\s+)?(?:(?:Stadt|Gemeinde|Städte|Städten|Gemeinden|Kommune|Kommunen|Hansestadt|Kreis)\s+)?$"
)
_SHORTEN = re.compile(r"\s+(?:am|an der|an den|in|im|bei|b\.|a\.\s?d\.|ob der|vor der|v\.\s?d\.)\s*.*$")
TOKEN = re.compile(r"\w+(?:-\w+)*|[()/]")
#: A few district abbreviations in common use (vehicle codes + "-Kreis").
DISTRICT_ALIASES = {"EN-Kreis": "05954", "HSK": "05958"}


def word_tokens(text: str) -> tuple[str, ...]:
    return tuple(m.group() for m in TOKEN.finditer(text))


@dataclass
class PlaceIndex:
    """Every way a place is written, as token tuples → [(Place, form kind)]."""

    places: dict[str, Place]
    forms: dict[tuple, list] = field(default_factory=lambda: defaultdict(list))
    longest: dict[str, int] = field(default_factory=dict)
    by_district: dict[str, list] = field(default_factory=lambda: defaultdict(list))
    district_names: set[str] = field(default_factory=set)  # "Marburg-Biedenkopf": no town "Marburg" in it

    def add(self, text: str, place: Place, kind: str) -> None:
        tokens = word_tokens(text)
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
        found = [p for p, kind in self.forms.get(word_tokens(name), []) if kind not in ("genitive", "adjective")]
        if not found:  # tolerate case differences in spreadsheets
            folded = fold(name)
            found = [p for tokens, entries in self.forms.items() if fold(" ".join(tokens)) == fold(" ".join(word_tokens(folded)))
                     for p, kind in entries if kind not in ("genitive", "adjective")]
        unique = {(p.kind, p.key): p for p in found}
        return list(unique.values())


def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.lru_cache(maxsize=8)
def build_index(national: Path, references: tuple[Path, ...], district_labels: tuple, stamp: tuple) -> PlaceIndex:
    places: dict[str, Place] = {}
    rows = read_csv(national) if national.is_file() else []
    reference_rows = [row for path in references for row in read_csv(path)]
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
                if form not in names:
                    index.add(form, place, "name")
                    index.district_names.add(form)
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
    if re.match(r"^\w+kreis\s+\S", base):  # "Eifelkreis Bitburg-Prüm", "Altmarkkreis Salzwedel"
        head, rest = base.split(None, 1)
        yield base
        yield f"{head}es {rest}"
        yield rest
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
        head, rest = base.split(None, 1)
        if head == "Städteregion":
            yield f"StädteRegion {rest}"
        if head == "Regionalverband":
            yield f"Regionalverbandes {rest}"
        return
    for prefix in ("Kreis", "Kreises", "Landkreis", "Landkreises"):
        yield f"{prefix} {base}"
    if len(base) >= 5 and base not in COMMON_WORDS:  # "Teltow-Fläming", "Stormarn": the bare name is the district
        yield base

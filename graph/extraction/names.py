"""Where a town's name is part of another name: a Land ("Schleswig-Holstein", "Land
Brandenburg"), an authority ("Landratsamt Bautzen", "Regierungsbezirk Gießen"), a provider
("Jugendhilfe Herne & Wanne-Eickel gGmbH"), a facility ("LWL-Jugendhilfezentrum Marl") or a
postal address. Such a name is no mention of the town (issue 15); the rules are general, by the
form of the name, never by a list of towns.

>>> [(text, reason) for _, _, text, reason in no_town_spans("Das Land Brandenburg und die Caritas Hilfe Arnsberg gGmbH.")]
[('Land Brandenburg', 'land-name'), ('Caritas Hilfe Arnsberg gGmbH', 'provider-name')]
"""

from __future__ import annotations

import re

from graph.extraction.findings import Mention
from graph.extraction.places import PLACE_CUES


def cued(text: str, mention: Mention) -> bool:
    """Is the name preceded by a word that makes it a town ("Stadt Trier", "in Konz")?"""
    return bool(PLACE_CUES.search(text[max(0, mention.start - 40):mention.start]))

_LAENDER = ("Baden-Württemberg", "Bayern", "Brandenburg", "Hessen", "Mecklenburg-Vorpommern", "Niedersachsen",
            "Nordrhein-Westfalen", "Rheinland-Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein",
            "Thüringen")
#: A Land by its name: always when the name is no town's ("Schleswig-Holstein"), after "Land",
#: "Freistaat" or a Land authority when it is ("Land Brandenburg", "Freistaates Sachsen").
_LAND = re.compile(
    r"\b(?:(?:Land(?:es)?|Freistaat(?:es)?|Landesdirektion|Landesamt\w*|Landesregierung|Landtag\w*)\s+(?:" + "|".join(_LAENDER)
    + r")\b|\b(?:Baden-Württemberg|Mecklenburg-Vorpommern|Nordrhein-Westfalen|Rheinland-Pfalz|Sachsen-Anhalt|"
    r"Schleswig-Holstein|Niedersachsen)\b|\bSachsen\b(?!\s+b\.))")
#: An authority named after its seat or area: the name that follows is not a town mention.
_AUTHORITY = re.compile(
    r"\b(?:Landratsamt(?:es|s)?|Kreisverwaltung(?:en)?|Regierungsbezirk(?:s|es)?|Bezirksregierung|Regierungspräsidium|"
    r"Kreishaus|Amtsgericht(?:s|es)?|Landgericht(?:s|es)?|Agentur für Arbeit|Jobcenter)\s+"
    r"(?P<name>[A-ZÄÖÜ][\w.-]*(?:\s+(?:und|a\.|an der|am|im)\s+[A-ZÄÖÜ][\w.-]*|\s+\([^)]{1,30}\))?)")
#: A provider: a run of capitalised words (and "&", "für", "und") ending in its legal form.
_PROVIDER = re.compile(
    r"(?P<name>(?:[A-ZÄÖÜ][\w.-]*|&)(?:[ \t]+(?:[A-ZÄÖÜ][\w.-]*|&|für|und|der|des|im|am))*[ \t]+(?:gGmbH|GmbH|gAöR|AöR|e\.[ \t]?V\.|eG|mbH))")
#: A facility whose name carries a town: "LWL-Jugendhilfezentrum Marl", "Jugendhilfezentrum Marl".
_FACILITY = re.compile(
    r"\b(?:[A-ZÄÖÜ]{2,6}-)?[A-ZÄÖÜ][\wäöüß-]*(?:zentrum|heim|klinik|haus|werk|dienst|stift)\s+"
    r"(?P<name>[A-ZÄÖÜ][\w-]*)")


def no_town_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, text, reason) of the names inside which a town name is no town mention."""
    spans = []
    for m in _LAND.finditer(text):
        spans.append((m.start(), m.end(), m.group(), "land-name"))
    for m in _AUTHORITY.finditer(text):
        spans.append((m.start("name"), m.end("name"), m.group(), "authority-name"))
    for m in _PROVIDER.finditer(text):
        name = m.group("name")
        # start at the organisation's first word: skip a leading sentence word ("Die", "Der", ...)
        lead = re.match(r"(?:(?:Die|Der|Das|Den|Dem|Des|Träger|Mit|Von|Bei)\s+)+", name)
        start = m.start("name") + (lead.end() if lead else 0)
        spans.append((start, m.end("name"), text[start:m.end("name")], "provider-name"))
    for m in _FACILITY.finditer(text):
        if not re.match(r"(?:Stadt|Gemeinde|Kreis|Landkreis)\b", m.group("name")):
            spans.append((m.start("name"), m.end("name"), m.group(), "facility-name"))
    return sorted(spans)


def inside(mention: Mention, spans) -> str | None:
    """The reason a mention lies inside one of ``spans``, or None."""
    return next((reason for a, b, _, reason in spans if a <= mention.start and mention.end <= b), None)


_DISTRICT_LIST = re.compile(r"\b(?:Land)?[Kk]reise(?:n)?\s+$")
_LIST_JOIN = re.compile(r"^\s*(?:,|und|sowie)\s*$")


def district_lists(text: str, mentions: list[Mention], index) -> None:
    """"die Landkreise Leipzig und Nordsachsen": every name of the list is a district, also
    one that is a town's name too (Leipzig)."""
    previous = None
    for m in mentions:
        listed = _DISTRICT_LIST.search(text[max(0, m.start - 20):m.start]) or (
            previous is not None and _LIST_JOIN.match(text[previous.end:m.start]))
        previous = None
        if not listed:
            continue
        districts = [p for p in index.places.values() if p.kind == "district"
                     and p.official.split(",")[0].strip() == m.surface and "Kreisfreie Stadt" not in p.official]
        if districts:
            m.candidates, m.place, m.form, m.accepted = districts, districts[0], "name", True
            previous = m
        elif m.candidates and m.candidates[0].kind == "district":
            previous = m


def drop_name_parts(text: str, mentions: list[Mention], addresses) -> None:
    """After resolving: a town named only in a postal address, or only as the first part of a
    district's name the text uses ("Vogelsberg" of the Vogelsbergkreis), is no town mention."""
    in_address = [m for m in mentions if any(a.start <= m.start < a.end for a in addresses)]
    elsewhere = {m.place.key for m in mentions if m.accepted and m.place is not None and m not in in_address}
    for m in in_address:
        if m.place is not None and m.place.kind == "municipality" and m.place.key not in elsewhere:
            m.accepted, m.reason = False, "address"
    districts = [m for m in mentions if m.accepted and m.place is not None and m.place.kind == "district"]
    for m in mentions:
        if m.accepted and m.place is not None and m.place.kind == "municipality" and not cued(text, m) and any(
                d.surface.startswith(m.surface) and d.surface != m.surface and m.place.district_key != d.place.key
                for d in districts):
            m.accepted, m.reason = False, "district-name"

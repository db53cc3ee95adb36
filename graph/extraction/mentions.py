"""Finding mentions in a text: segments (sentences, list items), dates, addresses, people,
places and concepts."""

from __future__ import annotations

import re
from collections import Counter

from graph.core.text import fold
from graph.extraction.concepts import AREA_SYNONYMS, FACILITY_SYNONYMS
from graph.extraction.context import ProjectContext
from graph.extraction.findings import AddressMention, ConceptMention, DateMention, Mention, PersonMention, Segment
from graph.extraction.places import COMMON_WORDS, LIST_GAP, PLACE_CUES, PlaceIndex, TOKEN, word_tokens


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


_NAME_WORD = r"[A-ZÄÖÜ][^\W\d_A-ZÄÖÜ]+(?:-[A-ZÄÖÜ][^\W\d_A-ZÄÖÜ]+)?"
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
#: Offices a person holds in a council paper, minutes or a press release.
_OFFICE = (r"(?:Ober)?[Bb]ürgermeister(?:in)?|Landr(?:at|ätin)|Städteregionsr(?:at|ätin)|Regionspräsident(?:in)?|"
           r"Kreisdirektor(?:in)?|Beigeordnete[r]?|Kreisbeigeordnete[r]?|Kreistagsabgeordnete[r]?|Stadtverordnete[r]?|"
           r"Ratsmitglied|Ausschussmitglied|Kreistagsvorsitzende[r]?|Vorsitzende[r]?|Schriftführer(?:in)?|Dezernent(?:in)?|"
           r"Sachgebietsleiter(?:in)?|Amtsleiter(?:in)?|Fachbereichsleiter(?:in)?|Leiter(?:in)?|Sozialdezernent(?:in)?|"
           r"Jugenddezernent(?:in)?|Präsident(?:in)?|Geschäftsführer(?:in)?")
_OFFICE_WORDS = set(re.findall(r"[A-ZÄÖÜa-zäöüß]+", _OFFICE.replace("(?:in)?", "in").replace("[r]?", "r")))
_HONORIFIC = r"(?:(?P<title>Dr\.|Prof\.(?:[ \t]+Dr\.)?)[ \t]+)?"
#: "Landrat Frank Lindemann", "Herr Landrat Dr. Jörg Bergemann", "Frau Kreistagsabgeordnete Anke Wiese"
_PERSON_OFFICE = re.compile(rf"\b(?:(?:Frau|Herrn?)[ \t]+)?(?P<office>{_OFFICE})[ \t]+{_HONORIFIC}(?P<name>{_NAME})\b")
#: "die Landrätin des Landkreises Teltow-Fläming, Dr. Birgit Pohlmann"
_PERSON_OFFICE_OF = re.compile(rf"\b(?P<office>{_OFFICE})[ \t]+(?P<org>(?:des|der|vom)[ \t]+[^,.;\n]{{3,70}}),[ \t]+{_HONORIFIC}(?P<name>{_NAME})\b")
#: a line "Sönke Jessen, Landrat" or "gez. Dr. Markus Kiefer, Landrat" or "Dirk Lammers, Bürgermeister der Stadt Langenhagen"
_PERSON_LINE_OFFICE = re.compile(rf"^[ \t]*(?:gez\.[ \t]+)?{_HONORIFIC}(?P<name>{_NAME})[ \t]*,[ \t]*(?P<office>(?:{_OFFICE})\b[^\n]{{0,80}})$", re.M)
#: a name line followed by an office line ("Tobias Hergenröder" / "Landrat")
_PERSON_LINE_THEN_OFFICE = re.compile(rf"^[ \t]*(?:gez\.[ \t]+)?{_HONORIFIC}(?P<name>{_NAME})[ \t]*\n[ \t]*(?P<office>(?:{_OFFICE})\b[^\n]{{0,80}})$", re.M)
#: "Bearbeitung: Kessler, Monika" in the header of a council paper
_PERSON_INVERTED = re.compile(r"\b(?:Sachbearbeitung|Bearbeitung|Bearbeiter(?:in)?|Ansprechpartner(?:in)?|Verfasser(?:in)?|Auskunft)"
                              rf":[ \t]*(?P<last>{_NAME_WORD}),[ \t]*(?P<first>{_NAME_WORD})(?:[ \t]*\((?P<org>[^()\n]{{3,90}})\))?")
_CLOSING = re.compile(r"^\s*(?:Mit freundlichen Grüßen|Mit freundlichem Gruß|Freundliche Grüße|Viele Grüße|gez\.|"
                      r"Im Auftrag|i\.\s?A\.|Für die Richtigkeit|Unterschriften)", re.M)


def _name_ok(name: str, index: PlaceIndex) -> bool:
    words = name.split()
    if any(w in _NOT_NAME or w in _OFFICE_WORDS for w in words) or word_tokens(name) in index.forms:
        return False
    if any(w.casefold().endswith(_NOUN_ENDINGS) for w in words):
        return False
    return not all(word_tokens(w) in index.forms for w in words)  # a run of town names is no person


def _has_place(text: str, index: PlaceIndex) -> bool:
    return any((t,) in index.forms for t in word_tokens(text))


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

    def add(start: int, end: int, name: str, org: str | None, parenthesised: bool = False, office: str = "",
            title: str | None = None) -> None:
        name = " ".join(name.split())
        if not _name_ok(name, index) or any(p.start <= start < p.end or start <= p.start < end for p in found):
            return
        org = re.split(r",\s+(?=[a-zäöü])", " ".join((org or "").split()))[0].strip(" ,–-")
        if org and not (_ORG_WORDS.search(org) or _has_place(org, index)):
            if parenthesised:
                return  # "Wetter (Ruhr)"-like: parentheses that name no organisation
            org = ""
        if title is None:
            before = re.search(r"(Dr\.|Prof\.)[ \t]*$", text[max(0, start - 8):start])
            title = before.group(1) if before else None
        found.append(PersonMention(start, end, name, org, signatory=start >= signature_from, title=title, office=office))

    def office_and_body(words: str) -> tuple[str, str]:
        """"Bürgermeister der Stadt Langenhagen" → ("Bürgermeister", "Stadt Langenhagen")."""
        words = " ".join(words.split()).strip(" ,")
        m = re.match(r"(.+?)\s+(?:des|der|vom|für)\s+((?:Stadt|Gemeinde|Landkreises|Kreises|Landkreis|Kreis|Region|StädteRegion)\b.*)$", words)
        return (m.group(1), m.group(2)) if m else (words, "")

    for m in _PERSON_LINE_OFFICE.finditer(text):
        office, body = office_and_body(m.group("office"))
        add(m.start("name"), m.end("name"), m.group("name"), body, office=office, title=m.group("title"))
    for m in _PERSON_LINE_THEN_OFFICE.finditer(text):
        office, body = office_and_body(m.group("office"))
        add(m.start("name"), m.end("name"), m.group("name"), body, office=office, title=m.group("title"))
    for m in _PERSON_OFFICE_OF.finditer(text):
        org = re.sub(r"^(?:des|der|vom)\s+", "", m.group("org"))
        add(m.start("name"), m.end("name"), m.group("name"), org, office=m.group("office"), title=m.group("title"))
    for m in _PERSON_OFFICE.finditer(text):
        org = re.match(r"\s+(?:vom|von der|des|der)\s+((?:Landkreis|Kreis|Stadt|StädteRegion|Region)\w*\s+[A-ZÄÖÜ][\w-]*(?:\s+[A-ZÄÖÜ][\w-]*)?)",
                       text[m.end("name"):m.end("name") + 80])
        add(m.start("name"), m.end("name"), m.group("name"), org.group(1) if org else "", office=m.group("office"), title=m.group("title"))
    for m in _PERSON_INVERTED.finditer(text):
        add(m.start("last"), m.end("first"), f"{m.group('first')} {m.group('last')}", m.group("org") or "", office="Sachbearbeitung")

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
    tokens = [(m.group(), m.start(), m.end()) for m in TOKEN.finditer(text)]
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


def check_context(text: str, mentions: list[Mention]) -> None:
    """Names that are also ordinary words, and town adjectives, count only with a cue."""
    for m in mentions:
        if m.form == "adjective":
            m.accepted = bool(re.match(r"\s+[A-ZÄÖÜ]", text[m.end:m.end + 3])) and \
                not re.match(r"\s+(?:Straße|Str\.|Weg|Platz|Allee|Ring)\b", text[m.end:m.end + 10])
            m.reason = "" if m.accepted else "adjective without a noun"
        elif m.surface in COMMON_WORDS:
            cue = bool(PLACE_CUES.search(text[max(0, m.start - 40):m.start]))
            m.accepted = cue
            m.reason = "" if cue else "common word without a cue"
    changed = True
    while changed:  # a list of towns makes each of its names a town
        changed = False
        for first, second in zip(mentions, mentions[1:]):
            if first.accepted != second.accepted and LIST_GAP.match(text[first.end:second.start]):
                for m in (first, second):
                    if not m.accepted and m.form != "adjective":
                        m.accepted, m.reason, changed = True, "in a list of towns", True


def resolve(mentions: list[Mention], ctx: ProjectContext) -> None:
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
            kinds[fold(surface)] = ctx.concepts["facility-kind"][local]
    areas = dict(ctx.areas)
    for surface, local in AREA_SYNONYMS.items():
        if local in ctx.concepts.get("service-area", {}):
            areas[fold(surface)] = ctx.concepts["service-area"][local]
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

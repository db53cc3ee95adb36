"""Cooperations as official texts state them (issue 15): council papers, minutes, public notices
of agreements, statutes, press releases and portal project profiles.

A text states a cooperation in several sentences: the parties ("zwischen dem Landkreis A und der
Stadt B", "Die Städte A, B und C halten ... vor"), who leads ("federführend", "übernimmt ... für",
"nimmt ... wahr", "führt ... im Namen"), the legal form in its Land's words, when it starts, and
the modality that gives its status (existing, planned, considered, recommended, decided subject
to funding, ended, rejected). The rules here read such sentences (*statements*) and group them
into cooperation records: a statement whose parties are among those of a record of the same
agenda item adds to it; "auch die Stadt X soll dazukommen" extends a record into a new one.

Places that are only named ("Sitz in Eschweiler", "Außensprechstunden in Konz"), places in a
relative clause ("der Kreis, dessen Jugendamt für die Stadt X zuständig ist") and places the text
says are not party ("ist an der Vereinbarung nicht beteiligt") are no partners. "Die Stadt",
"der Landkreis" and "die Verwaltung" stand for the body named before (or in the letterhead).

>>> from graph.extraction.extract import extract
>>> found = extract("Stadt Witten\\n\\nDie Stadt Witten übernimmt die Erziehungsberatung für die Stadt Herdecke. "
...                 "Die Vereinbarung soll am 1. Januar 2027 in Kraft treten.")
>>> [(sorted(p.place.label for p in c.partners), c.lead_partner.label, c.status, c.start_date) for c in found.cooperations]
[(['Herdecke', 'Witten'], 'Witten', 'geplant', '2027-01-01')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.core.text import normalize
from graph.extraction.findings import CooperationCandidate, DateMention, Mention, Partner, Segment
from graph.extraction.places import Place

# --- modality: the status a statement gives, strongest first ------------------------------------
STATUS_ORDER = ("abgelehnt", "beendet", "beschlossen-vorbehaltlich", "empfohlen", "erwogen", "bestehend-sicher", "geplant")
_STATUS = {
    "abgelehnt": re.compile(r"\blehn\w*\b[^.]*\bab\b|\babgelehnt|\bnicht\s+weiter(?:zu)?verfolg\w*|\bnicht\b[^.]{0,60}\bzu beteiligen\b"
                            r"|\bverzichtet\b"),
    "beendet": re.compile(r"\bbeendet\b|\baufgelöst\b|\bausgelaufen\b|\bgekündigt\s+(?:wurde|worden)|\beingestellt\s+(?:wurde|worden)"),
    "beschlossen-vorbehaltlich": re.compile(r"\bvorbehaltlich\b|\bunter\s+(?:dem\s+)?Vorbehalt\b"),
    "empfohlen": re.compile(r"\bempfiehlt\b|\bempfehlen\b"),
    "erwogen": re.compile(r"\b[Aa]ngedacht\b|\bprüf(?:t|en)\b|\bgeprüft\b|\bmögliche\w*\s+Zusammenarbeit|\bInteresse\b|\bangefragt\b"
                          r"|\bdenk\w*\b[^.]*\bnach\b|\berwog\w*|\berwogen\b|\bÜberlegung\w*"),
    "bestehend-sicher": re.compile(r"\bseit\b|\bbestand\b|\bbesteht\b|\bbetreib\w*\b|\bgeschlossen\b|\bgenehmigt\b|\btritt\b[^.]*\bin Kraft\b"
                                   r"|\bArbeit aufgenommen\b|\barbeitet\b|\bunterzeichnet\b|\bschließen sich\b|\bhalten\b"),
    "geplant": re.compile(r"\bplan\w*\b|\bgeplant\w*|\bsoll\w*\b(?![^.]*\b(?:fortgesetzt|fortgeführt|weitergeführt|beibehalten|verlängert)\b)|\bwoll\w*\b|\bkünftig\b|\bwird\b[^.]*\bsein\b|\bbereiten\b[^.]*\bvor\b"
                          r"|\bEntwurf\w*\b|\bbeschließt\b[^.]*\babzuschließen\b"),
}
_TRIGGER = re.compile(
    r"[Gg]emeinsam\w*|Zusammenarbeit|zusammen\b|zusammenleg\w*|Vereinbarung\w*|Vertrag\w*|Verbandssatzung|Zweckverband\w*|"
    r"übernimmt|übernehmen|\bnimmt\b[^.]*\bwahr\b|im Namen|Mitbenutzung|beteilig\w*|Beteiligung|anschließ\w*|einzubeziehen|"
    r"dazukommen|[Kk]ooperation\w*|kooperier\w*|bündeln|[Ff]ederführ\w*|\bzwischen\b")
_EXTENSION = re.compile(r"\bauch\b[^.]*\b(?:dazukommen|einzubeziehen|einbezogen|beitreten|anschließ\w*)|\banschließ\w*|\beinzubeziehen\b"
                        r"|\bdazukommen\b|\ban\s+(?:den|dem|der)\s+gemeinsamen\b[^.]*\bbeteilig\w*|\bnicht\b[^.]{0,60}\bzu beteiligen\b"
                        r"|\bBeteiligung\b")
_NOT_PARTY = re.compile(r"\bnicht\s+(?:Beteiligte\w*|beteiligt|Partner\w*|Vertragspartner\w*|Mitglied\w*)\b")
_RELATIVE = re.compile(r",\s+(?:(?:dessen|deren)\s|(?:die|der|das|welche[rsn]?)\s+(?=[a-zäöü]|ein))[^,.;]*[,.;]")
#: "Die Region Hannover hat als Kommunalaufsichtsbehörde ... genehmigt": an authority, no party
_AUTHORITY_ROLE = re.compile(r"^[^.;]{0,12}?\bals\s+(?:\w+\s+){0,3}?(?:Kommunalaufsichtsbehörde|Aufsichtsbehörde|Verwaltungsbehörde|"
                             r"Rechtsaufsicht\w*|Genehmigungsbehörde)")
_SECTION = re.compile(r"^\s*(?:TOP|Tagesordnungspunkt)\s*\d+", re.M)
_RECOMMENDATION = re.compile(r"\bempfiehlt\s+dem\s+(?:Rat|Kreistag|Stadtrat|Gemeinderat|Kreisausschuss|Ausschuss|Regionsversammlung|"
                             r"Stadtverordnetenversammlung|Städteregionstag)\b|Beschlussvorschlag:\s*\n[^\n]*\b(?:beschließt|stimmt)\b")
# "der Landkreis", "die Stadt" without a name: the body named before
_ANAPHOR = re.compile(r"\b(?P<art>[Dd]er|[Dd]ie|[Dd]en|[Dd]em|[Dd]es|[Ii]hr|[Ss]ein)\s+(?:übernehmende\w*\s+|abgebende\w*\s+)?"
                      r"(?P<noun>Landkreis(?:es)?|Kreis(?:es)?|Stadt|Gemeinde|Verwaltung|Ausschuss|Kreistag|Rat)\b(?!\s+[A-ZÄÖÜ])")
_PLACE_ONLY = re.compile(r"(?:\b(?:in|nach|aus|bei|Sitz in|Standort)\s+|"
                         r"(?<![Gg]emeinsame )(?<![Gg]emeinsames )(?<![Gg]emeinsamen )\b[A-ZÄÖÜ]\w*(?:stelle|zentrum|haus|dienst\w*|einrichtung|notaufnahme|heim)\s+(?:des|der)\s+(?:Stadt\s+|Gemeinde\s+)?)$")
_LEAD_SUBJECT = re.compile(r"\b(?:übernimmt|übernehmen|nimmt\b[^.;]*\bwahr|führt\b[^.;]*\bim Namen|führt\s+die\s+Stadt|"
                           r"Verwaltungs-\s+und\s+Kassengeschäfte|Träger\s+der\s+Einrichtung\s+ist|als\s+Schwerpunktjugendamt)\b")
_LEAD_NAMED = re.compile(r"[Ff]ederführ\w*|Federführung")
_OBJECT = re.compile(r"(?:\bfür|\bim Namen|\bvon|\bmit|\bdem|\bden|\bin|\baus)\s+(?:(?:der|die|den|dem|des|das)\s+)?"
                     r"(?:(?:Stadt|Gemeinde|Städte|Landkreis\w*|Kreis\w*)\s+)?$")

# --- legal forms by Land: (pattern, {Land: concept}, concept in any other Land) -----------------------
_LAND_CODES = {"Schleswig-Holstein": "sh", "Niedersachsen": "ni", "Nordrhein-Westfalen": "nw", "Hessen": "he",
               "Rheinland-Pfalz": "rp", "Bayern": "by", "Saarland": "sl", "Brandenburg": "bb", "Sachsen": "sn"}
LEGAL_FORMS = [
    (re.compile(r"Zweckverband\w*|Verbandssatzung"), {"by": "by-zweckverband", "sh": "sh-zweckverband"}, "Zweckverband"),
    (re.compile(r"Zweckvereinbarung\w*"), {"rp": "rp-zweckvereinbarung", "sn": "sn-zweckvereinbarung", "ni": "ni-zweckvereinbarung",
                                           "by": "by-zweckvereinbarung"}, "oeffentlich-rechtliche-vereinbarung"),
    (re.compile(r"[Öö]ffentlich-rechtlich\w*\s+(?:Vereinbarung|Vertrag)\w*|\bÖRV\b"),
     {"nw": "nw-oeffentlich-rechtliche-vereinbarung", "he": "he-oeffentlich-rechtliche-vereinbarung",
      "sh": "sh-oeffentlich-rechtliche-vereinbarung", "bb": "bb-oeffentlich-rechtliche-vereinbarung"},
     "oeffentlich-rechtliche-vereinbarung"),
    (re.compile(r"\bgemeinsame[nrs]?\s+Vertrag\w*"), {}, "gemeinsamer-vertrag"),
]

# --- dates and their role ---------------------------------------------------------------------
_DATE_ROLES = [
    ("reference", re.compile(r"\bStand\s*$|\(Stand\s*$")),
    ("document", re.compile(r"(?:^|\n)\s*(?:Datum|Stand(?: des Profils)?):\s*$")),
    ("start", re.compile(r"\b(?:[Ss]eit|ab)(?:\s+dem)?\s*$")),
    ("deadline", re.compile(r"\berstmals\s+zum\s*$")),
    ("end", re.compile(r"\bbis\s+zum\s*$")),
    ("signature", re.compile(r"(?:^|\n)[^\n]{0,60},\s+den\s*$")),
    ("publication", re.compile(r"(?:Pressemitteilung|Amtsblatt|Ausgabe|Nr\.)[^\n]*\bvom\s*$|[Bb]ekannt gemacht[^\n]*\s*$|^\s*$")),
    ("meeting", re.compile(r"\bSitzung\w*\b[^.\n]*\bam\s*$|\bNiederschrift\s+vom\s*$|(?:^|\n)[^\n]*\s–\s*$")),
    ("decision", re.compile(r"\bBeschluss\s+vom\s*$")),
]
_DATE_AFTER = [
    ("start", re.compile(r"^[^.]*\b(?:in Kraft|wirksam|Arbeit\s+(?:aufgenommen|aufnehmen)|ihre Arbeit)")),
    ("end", re.compile(r"^[^.]{0,12}\bbeendet\b")),
    ("approval", re.compile(r"^[^.]{0,20}\bgenehmigt\b")),
    ("signature", re.compile(r"^[^.]{0,20}\b(?:unterzeichnet|geschlossen)\b")),
    ("decision", re.compile(r"^[^.]{0,80}\b(?:Beschluss\s+gefasst|gefasst|zugestimmt|beschlossen)\b")),
    ("meeting", re.compile(r"^[^.]{0,12}\bstatt\b")),
]


def date_role(text: str, date: DateMention) -> str:
    """The role of a date from its words: "Stand 31.12.2023" is a reference date, "seit dem
    1. April 2025" and "tritt am ... in Kraft" a start, "Für den Kreis X, den ..." a signature.

    >>> t = "Einwohner (Stand 31.12.2023). Die Vereinbarung tritt am 1. Januar 2025 in Kraft."
    >>> from graph.extraction.mentions import find_dates
    >>> [date_role(t, d) for d in find_dates(t)]
    ['reference', 'start']
    """
    line_start = text.rfind("\n", 0, date.start) + 1
    before = text[max(0, date.start - 80):date.start]
    sentence_start = max(text.rfind(". ", 0, date.start), line_start - 1)
    after = text[date.end:date.end + 120]
    for role, pattern in _DATE_ROLES:
        if role == "publication" and pattern.pattern.endswith("|^\\s*$"):
            if re.search(r"(?:Pressemitteilung|Amtsblatt|Ausgabe|Nr\.)[^\n]*\bvom\s*$|[Bb]ekannt gemacht[^\n]*$", before):
                return "publication"
            if not text[line_start:date.start].strip() and line_start > 0 and "Pressemitteilung" in text[max(0, line_start - 200):line_start]:
                return "publication"
            continue
        if pattern.search(before):
            if role == "start" and re.search(r"\bAbschläge|\bbis\b", text[sentence_start:date.start]):
                continue
            return role
    if re.search(r"\bvom\s*$", before) and re.search(r"(?:Verbandssatzung|Satzung|Vereinbarung)[^\n]*\n\s*vom\s*$", before):
        return "signature"
    for role, pattern in _DATE_AFTER:
        if pattern.search(after):
            if role == "start" and re.search(r"\bbis\s+zum\s*$", before):
                return "end"
            return role
    if re.search(r"\bBeginn\b[^.]*$", text[sentence_start:date.start]):
        return "start"
    if re.search(r"\bgenehmigt\b", text[date.end:text.find(".", date.end) if "." in text[date.end:] else len(text)]):
        return "approval"
    if re.search(r"\bbeendet\b", after[:60]):
        return "end"
    return "event"


# --- statements and records -------------------------------------------------------------------

@dataclass
class _Statement:
    segment: Segment
    places: list[Place]
    status: str | None
    lead: Place | None
    lead_named: bool
    extension: bool
    section: int


@dataclass
class _Record:
    places: list[Place]
    statements: list[_Statement] = field(default_factory=list)
    section: int = 0
    extension: bool = False
    lead: Place | None = None
    lead_named: bool = False

    @property
    def keys(self) -> frozenset:
        return frozenset(p.key for p in self.places)


def _home(text: str, mentions: list[Mention]) -> Place | None:
    """The body in the letterhead: the first place named in the text's first lines, or the
    lead of a portal profile."""
    lead = re.search(r"^Federführende\w*\s+Kommune:\s*(.+)$", text, re.M)
    if lead:
        inside = [m for m in mentions if lead.start(1) <= m.start < lead.end(1) and m.accepted and m.place]
        if inside:
            return inside[0].place
    head = text[:400]
    for m in mentions:
        if m.start < len(head) and m.accepted and m.place is not None and not _PLACE_ONLY.search(text[max(0, m.start - 12):m.start]):
            return m.place
    return None


def _land(places: list[Place], home: Place | None) -> str | None:
    lands = {p.land for p in places} or ({home.land} if home else set())
    return _LAND_CODES.get(next(iter(lands))) if len(lands) == 1 else (_LAND_CODES.get(home.land) if home else None)


def legal_form_concept(text: str, land: str | None) -> tuple[str, str] | None:
    """(concept, the text's words) of the first legal form named in ``text``, for a Land code.

    >>> legal_form_concept("eine Zweckvereinbarung nach § 12 KomZG", "rp")
    ('rp-zweckvereinbarung', 'Zweckvereinbarung')
    """
    hits = []
    for pattern, by_land, default in LEGAL_FORMS:
        m = pattern.search(text)
        if m:
            hits.append((m.start(), by_land.get(land or "", default), m.group()))
    return min(hits)[1:] if hits else None


def _status_of(text: str) -> str | None:
    """A sentence's modality: within one sentence a plan ("soll ... unterzeichnet werden")
    outweighs the words of a concluded agreement."""
    order = [s for s in STATUS_ORDER if s != "bestehend-sicher"] + ["bestehend-sicher"]
    return next((status for status in order if _STATUS[status].search(text)), None)


def find_records(text: str, segs: list[Segment], mentions: list[Mention], dates: list[DateMention]) -> list[CooperationCandidate]:
    """Cooperation records of an official text (see the module's docstring)."""
    accepted = [m for m in mentions if m.accepted and m.place is not None]
    home = _home(text, accepted)
    sections = [m.start() for m in _SECTION.finditer(text)]
    excluded: set[str] = set()
    for seg in segs:
        if _NOT_PARTY.search(seg.text) and not re.search(r"\bzu beteiligen\b", seg.text):
            excluded |= {m.place.key for m in accepted if seg.start <= m.start < seg.end}
    last: dict[str, Place] = {}
    if home is not None:
        last["district" if home.kind == "district" else "municipality"] = home
    portal = re.search(r"^Beteiligte\w*\s+Kommunen:\s*(.+)$", text, re.M)
    statements: list[_Statement] = []
    for seg in segs:
        section = sum(1 for s in sections if s <= seg.start)
        relative = [(seg.start + r.start(), seg.start + r.end()) for r in _RELATIVE.finditer(seg.text)]
        own = [m for m in accepted if seg.start <= m.start < seg.end
               and not any(a <= m.start < b for a, b in relative)
               and not _PLACE_ONLY.search(text[max(0, m.start - 40):m.start])
               and not _AUTHORITY_ROLE.search(text[m.end:m.end + 80])]
        # anaphors: the body of that kind named last
        found: list[tuple[int, Place]] = [(m.start, m.place) for m in own]
        for a in _ANAPHOR.finditer(seg.text):
            noun = a.group("noun")
            kind = "district" if noun.startswith(("Landkreis", "Kreis")) else "municipality"
            if noun in ("Verwaltung", "Ausschuss", "Kreistag", "Rat"):
                place = home
            elif a.group("art").lower() in ("ihr", "sein"):
                continue
            else:
                place = last.get(kind)
            if place is not None and not any(a.start() + seg.start <= m.start < a.end() + seg.start for m in own):
                found.append((seg.start + a.start(), place))
        found.sort(key=lambda x: x[0])
        for m in own:
            last["district" if m.place.kind == "district" else "municipality"] = m.place
        places: list[Place] = []
        for _, place in found:
            if place.key not in {p.key for p in places} and place.key not in excluded:
                places.append(place)
        body = seg.text
        if not places or not _TRIGGER.search(body) or (_NOT_PARTY.search(body) and not re.search(r"\bzu beteiligen\b", body)):
            continue
        if len(places) == 1 and home is not None and places[0].key != home.key and re.search(
                r"\bmit\s+(?:dem|der|den)\s+(?:Stadt|Gemeinde|Landkreis|Kreis|\w+kreis|StädteRegion|Region)", body):
            places.insert(0, home)
        lead, named = _lead(text, seg, found)
        statements.append(_Statement(seg, places, _status_of(body), lead, named, bool(_EXTENSION.search(body)), section))
    records: list[_Record] = []
    if portal:
        inside = [m.place for m in accepted if portal.start(1) <= m.start < portal.end(1)]
        if len(inside) >= 2:
            records.append(_Record(list(dict.fromkeys(inside)), section=-1, lead=home, lead_named=True))
    for st in statements:
        keys = frozenset(p.key for p in st.places)
        target = next((r for r in reversed(records) if keys <= r.keys and (r.section in (st.section, -1))), None)
        if st.extension and target is None:
            base = next((r for r in reversed(records) if not r.extension and not keys <= r.keys), None)
            if base is not None:
                new = [p for p in st.places if p.key not in base.keys]
                if new:
                    records.append(_Record(base.places + new, [st], st.section, extension=True))
                    continue
        if target is None and len(st.places) >= 2:
            target = _Record(list(st.places), [], st.section)
            records.append(target)
        if target is None:
            continue
        target.statements.append(st)
        if st.lead is not None and st.lead.key in target.keys and (target.lead is None or (st.lead_named and not target.lead_named)):
            target.lead, target.lead_named = st.lead, st.lead_named
    return _candidates(text, records, home, dates)


def _lead(text: str, seg: Segment, found: list[tuple[int, Place]]) -> tuple[Place | None, bool]:
    """The lead partner a sentence names, and whether it says "federführend"."""
    for clause in re.finditer(r"[^;:]+", seg.text):
        a, b = seg.start + clause.start(), seg.start + clause.end()
        inside = [(pos, p) for pos, p in found if a <= pos < b]
        if not inside:
            continue
        named = _LEAD_NAMED.search(clause.group())
        if named:
            cue = a + named.start()
            return min(inside, key=lambda x: abs(x[0] - cue))[1], True
        if _LEAD_SUBJECT.search(clause.group()) or re.search(r"\(übernehmende\w*", clause.group()):
            subjects = [(pos, p) for pos, p in inside if not _OBJECT.search(text[max(a, pos - 40):pos])]
            if re.search(r"\(übernehmende\w*", clause.group()):
                cue = a + clause.group().index("(übernehmende")
                subjects = [(pos, p) for pos, p in inside if pos < cue][-1:]
            if subjects:
                return subjects[0][1], False
    return None, False


def _candidates(text, records: list[_Record], home, dates) -> list[CooperationCandidate]:
    recommended = bool(_RECOMMENDATION.search(text))
    found = []
    main_done = False
    for rec in records:
        body = " ".join(st.segment.text for st in rec.statements)
        statuses = [st.status for st in rec.statements if st.status]
        status = min(statuses, key=STATUS_ORDER.index) if statuses else None
        if rec.extension and status in (None, "bestehend-sicher"):
            status = "geplant"
        main = not rec.extension and status not in ("abgelehnt", "beendet", "erwogen") and not main_done
        if main and recommended and status in (None, "geplant", "bestehend-sicher"):
            status = "empfohlen"
        status = {"bestehend-sicher": "bestehend", None: "bestehend"}.get(status, status)
        form = legal_form_concept(body, _land(rec.places, home))
        if form is None and main:
            form = legal_form_concept(text, _land(rec.places, home))
        own_dates = [d for d in dates if any(st.segment.start <= d.start < st.segment.end for st in rec.statements)]
        starts = [d for d in own_dates if date_role(text, d) == "start"]
        if not starts and main:
            others = [st.segment for r in records if r is not rec for st in r.statements]
            starts = [d for d in dates if date_role(text, d) == "start" and len(d.value) == 10
                      and not any(s.start <= d.start < s.end for s in others)]
        start = next((d.value for d in starts if len(d.value) == 10), None)
        if main and status == "bestehend" and not statuses and start:
            # no modality in the record's own sentences: the sentence that dates its start says
            # whether it is in force ("tritt ... in Kraft") or still to come ("soll ... in Kraft treten")
            dated = next((s for s in _sentences_of(text, starts) if s), "")
            status = {"geplant": "geplant"}.get(_status_of(dated), status)
        seg = rec.statements[0].segment if rec.statements else Segment(0, 0, "", 1)
        names = ", ".join(p.label for p in rec.places)
        found.append(CooperationCandidate(
            "official-text", f"Kooperation: {names}", [Partner(p) for p in rec.places], seg, status=status,
            legal_form=_generic_form(form[0]) if form else "Unbekannt", role="Vertragspartner" if form else "Partner",
            lead_partner=rec.lead, legal_form_concept=form[0] if form else None, legal_form_text=form[1] if form else None,
            start_date=start, quote=normalize(seg.text), statements=[st.segment for st in rec.statements]))
        main_done = main_done or main
    return found


def _sentences_of(text: str, dates) -> list[str]:
    """The sentence around each date (from the last full stop before it to the next one)."""
    out = []
    for d in dates:
        begin = text.rfind(".", 0, d.start)
        begin = max(begin, text.rfind("\n\n", 0, d.start)) + 1
        end = text.find(".", d.end)
        out.append(text[begin:end if end >= 0 else len(text)])
    return out


def _generic_form(concept: str) -> str:
    if "zweckverband" in concept.casefold():
        return "Zweckverband"
    if concept == "gemeinsamer-vertrag":
        return "Unbekannt"
    return "OeffentlichRechtlicheVereinbarung"

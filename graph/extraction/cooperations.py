"""Finding cooperations: sentences stating joint use or cooperation, with their partners, the
facility or provider named, status and legal-form cues; and events (meetings, surveys)."""

from __future__ import annotations

import re

from graph.core.text import fold, normalize
from graph.extraction.concepts import Concept
from graph.extraction.context import ProjectContext
from graph.extraction.findings import ConceptMention, CooperationCandidate, DateMention, EventCandidate, FacilityCandidate, Mention, Partner, Segment
from graph.extraction.mentions import find_concepts
from graph.extraction.places import LIST_GAP


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
                if LIST_GAP.match(gap):
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
                unique.setdefault(fold(facility.label), facility)
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
            generic = facility.label.casefold() in (kind_word.casefold(), fold(kind_word) + "n") or facility.indefinite
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

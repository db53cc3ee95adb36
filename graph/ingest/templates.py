"""The spreadsheet templates of ``ikz import``: their columns (German headings, accepted
aliases, what each expects)."""

from __future__ import annotations

import re
from dataclasses import dataclass



@dataclass(frozen=True)
class Column:
    key: str
    german: str
    aliases: tuple[str, ...]
    required: bool
    expected: str


def _columns(*specs) -> dict[str, Column]:
    return {s[0]: Column(*s) for s in specs}


TEMPLATES: dict[str, dict[str, Column]] = {
    "cooperations": _columns(
        ("id", "ID", ("id", "kennung", "schluessel"), False, "a short name for the IRI (letters, digits, dashes); default: from Bezeichnung"),
        ("label", "Bezeichnung", ("bezeichnung", "label", "name", "titel", "kooperation"), True, "the cooperation's name"),
        ("partners", "Kommunen", ("kommunen", "kommune", "partner", "partners", "mitglieder", "beteiligte"), True,
         "at least two municipalities or districts, by name or key (AGS), separated by ';'"),
        ("service_area", "Aufgabengebiet", ("aufgabengebiet", "servicearea", "aufgabe", "bereich", "aufgabenbereich"), True,
         "a service area of ontology/concepts.ttl, e.g. Inobhutnahme, Beratung; several separated by ';'"),
        ("status", "Status", ("status", "stand"), True, "bestehend, vorgeschlagen, geplant or beendet"),
        ("legal_form", "Rechtsform", ("rechtsform", "legalform", "form"), False,
         "e.g. öffentlich-rechtliche Vereinbarung, Zweckverband, informell; empty: unbekannt"),
        ("facility", "Einrichtung", ("einrichtung", "facility"), False,
         "the facility used together: a name (new, or as the data describes it) or its IRI (f:...)"),
        ("facility_kind", "Einrichtungsart", ("einrichtungsart", "art", "facilitykind"), False,
         "a facility kind, e.g. Jugendschutzstelle (needed for a new Einrichtung)"),
        ("operator", "Träger", ("traeger", "operator", "betreiber"), False,
         "the operator of a new Einrichtung: a town or district, or an IRI; empty: unknown"),
        ("role", "Rolle", ("rolle", "role"), False, "Nutzer, Partner or Vertragspartner; default Nutzer with an Einrichtung, else Partner"),
        ("start", "Beginn", ("beginn", "seit", "start", "startdate"), False, "a date (12.04.2016) or a year (2016)"),
        ("source", "Quelle", ("quelle", "source", "dokument", "document"), True,
         "a registered document: its IRI (doc:votum-2016) or its title"),
        ("quote", "Zitat", ("zitat", "quote", "beleg"), True, "the sentence of the document that states it, verbatim"),
        ("note", "Bemerkung", ("bemerkung", "anmerkung", "note", "notes", "kommentar"), False, "free text (kept as skos:note)"),
    ),
    "facilities": _columns(
        ("id", "ID", ("id", "kennung", "schluessel"), False, "a short name for the IRI; default: from Bezeichnung"),
        ("label", "Bezeichnung", ("bezeichnung", "label", "name", "einrichtung"), True, "the facility's name"),
        ("facility_kind", "Einrichtungsart", ("einrichtungsart", "art", "facilitykind", "kind"), True,
         "a facility kind of ontology/concepts.ttl, e.g. Jugendschutzstelle, Erziehungsberatungsstelle"),
        ("service_area", "Aufgabengebiet", ("aufgabengebiet", "servicearea", "aufgabe", "bereich"), False,
         "a service area; default: the one of the facility kind"),
        ("operator", "Träger", ("traeger", "operator", "betreiber"), False,
         "a town or district (name or key) or an IRI the data describes (prv:...); empty or 'unbekannt': unknown"),
        ("address", "Adresse", ("adresse", "anschrift", "address"), False, "postal address, e.g. Hauptstraße 92, 58332 Schwelm"),
        ("source", "Quelle", ("quelle", "source", "dokument", "document"), True, "a registered document: IRI or title"),
        ("quote", "Zitat", ("zitat", "quote", "beleg"), True, "the sentence of the document that states it, verbatim"),
        ("note", "Bemerkung", ("bemerkung", "anmerkung", "note", "notes", "kommentar"), False, "free text"),
    ),
}
KINDS = tuple(TEMPLATES)
LEGAL_FORM_WORDS = {"örv": "OeffentlichRechtlicheVereinbarung", "oerv": "OeffentlichRechtlicheVereinbarung",
                     "öffentlich-rechtliche vereinbarung": "OeffentlichRechtlicheVereinbarung",
                     "zweckverband": "Zweckverband", "arbeitsgemeinschaft": "Arbeitsgemeinschaft", "informell": "Informell",
                     "unbekannt": "Unbekannt", "unknown": "Unbekannt", "privatrechtlich": "Privatrechtlich", "vertrag": "Privatrechtlich",
                     "gemeinsames kommunalunternehmen": "GemeinsamesKommunalunternehmen"}


def header_key(text: str) -> str:
    return re.sub(r"[\s_.\-/()]+", "", str(text or "").translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})).casefold())

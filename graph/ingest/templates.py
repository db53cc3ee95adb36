"""The spreadsheet templates of ``ikz import``: their columns (German headings, accepted
aliases, what each expects)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.core.i18n import Message, msg



@dataclass(frozen=True)
class Column:
    key: str
    german: str
    aliases: tuple[str, ...]
    required: bool
    expected: Message  # what the column expects, from the catalogue


def _columns(*specs) -> dict[str, Column]:
    return {s[0]: Column(*s) for s in specs}


TEMPLATES: dict[str, dict[str, Column]] = {
    "cooperations": _columns(
        ("id", "ID", ("id", "kennung", "schluessel"), False, msg("ingest.column.cooperations.id")),
        ("label", "Bezeichnung", ("bezeichnung", "label", "name", "titel", "kooperation"), True, msg("ingest.column.cooperations.label")),
        ("partners", "Kommunen", ("kommunen", "kommune", "partner", "partners", "mitglieder", "beteiligte", "beteiligtekommunen"), True,
         msg("ingest.column.cooperations.partners")),
        ("service_area", "Aufgabengebiet", ("aufgabengebiet", "servicearea", "aufgabe", "bereich", "aufgabenbereich", "thema", "themen"),
         True, msg("ingest.column.cooperations.service_area")),
        ("status", "Status", ("status", "stand"), True, msg("ingest.column.cooperations.status")),
        ("legal_form", "Rechtsform", ("rechtsform", "legalform", "form"), False,
         msg("ingest.column.cooperations.legal_form")),
        ("facility", "Einrichtung", ("einrichtung", "facility"), False,
         msg("ingest.column.cooperations.facility")),
        ("facility_kind", "Einrichtungsart", ("einrichtungsart", "art", "facilitykind"), False,
         msg("ingest.column.cooperations.facility_kind")),
        ("operator", "Träger", ("traeger", "operator", "betreiber"), False,
         msg("ingest.column.cooperations.operator")),
        ("role", "Rolle", ("rolle", "role"), False, msg("ingest.column.cooperations.role")),
        ("start", "Beginn", ("beginn", "seit", "start", "startdate"), False, msg("ingest.column.cooperations.start")),
        ("source", "Quelle", ("quelle", "source", "dokument", "document"), True,
         msg("ingest.column.cooperations.source")),
        ("quote", "Zitat", ("zitat", "quote", "beleg"), True, msg("ingest.column.cooperations.quote")),
        ("note", "Bemerkung", ("bemerkung", "anmerkung", "note", "notes", "kommentar"), False, msg("ingest.column.cooperations.note")),
        # the fields of a state portal's project record (interkommunales.nrw: Federführung, Anlass, Ziel, ...)
        ("lead", "Federführung", ("federfuehrung", "federfuehrendekommune", "federfuehrend", "lead", "leadpartner"), False,
         msg("ingest.column.cooperations.lead")),
        ("others", "weitere Beteiligte", ("weiterebeteiligte", "sonstigebeteiligte", "others"), False,
         msg("ingest.column.cooperations.others")),
        ("reason", "Anlass", ("anlass", "reason"), False, msg("ingest.column.cooperations.reason")),
        ("goal", "Ziel", ("ziel", "ziele", "goal"), False, msg("ingest.column.cooperations.goal")),
        ("implementation", "Umsetzung", ("umsetzung", "implementation"), False, msg("ingest.column.cooperations.implementation")),
        ("financing", "Finanzierung", ("finanzierung", "financing", "kosten"), False, msg("ingest.column.cooperations.financing")),
        ("contact", "Ansprechperson", ("ansprechperson", "ansprechpartner", "ansprechpartnerin", "kontakt", "contact"), False,
         msg("ingest.column.cooperations.contact")),
    ),
    "facilities": _columns(
        ("id", "ID", ("id", "kennung", "schluessel"), False, msg("ingest.column.facilities.id")),
        ("label", "Bezeichnung", ("bezeichnung", "label", "name", "einrichtung"), True, msg("ingest.column.facilities.label")),
        ("facility_kind", "Einrichtungsart", ("einrichtungsart", "art", "facilitykind", "kind"), True,
         msg("ingest.column.facilities.facility_kind")),
        ("service_area", "Aufgabengebiet", ("aufgabengebiet", "servicearea", "aufgabe", "bereich"), False,
         msg("ingest.column.facilities.service_area")),
        ("operator", "Träger", ("traeger", "operator", "betreiber"), False,
         msg("ingest.column.facilities.operator")),
        ("address", "Adresse", ("adresse", "anschrift", "address"), False, msg("ingest.column.facilities.address")),
        ("source", "Quelle", ("quelle", "source", "dokument", "document"), True, msg("ingest.column.facilities.source")),
        ("quote", "Zitat", ("zitat", "quote", "beleg"), True, msg("ingest.column.facilities.quote")),
        ("note", "Bemerkung", ("bemerkung", "anmerkung", "note", "notes", "kommentar"), False, msg("ingest.column.facilities.note")),
    ),
}
KINDS = tuple(TEMPLATES)
LEGAL_FORM_WORDS = {"örv": "OeffentlichRechtlicheVereinbarung", "oerv": "OeffentlichRechtlicheVereinbarung",
                     "öffentlich-rechtliche vereinbarung": "OeffentlichRechtlicheVereinbarung",
                     "zweckverband": "Zweckverband", "arbeitsgemeinschaft": "Arbeitsgemeinschaft", "informell": "Informell",
                     "unbekannt": "Unbekannt", "unknown": "Unbekannt", "privatrechtlich": "Privatrechtlich", "vertrag": "Privatrechtlich",
                     "gemeinsames kommunalunternehmen": "GemeinsamesKommunalunternehmen",
                     "zweckvereinbarung": "oeffentlich-rechtliche-vereinbarung", "gemeinsamer vertrag": "gemeinsamer-vertrag"}
#: Record fields written as quotes of the source (column key → property).
RECORD_TEXTS = {"reason": "ikz:reason", "goal": "ikz:goal", "implementation": "ikz:implementation", "financing": "ikz:financing"}


def header_key(text: str) -> str:
    return re.sub(r"[\s_.\-/()]+", "", str(text or "").translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})).casefold())

"""UI texts of the network views, German first, English available."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    # titles
    "title_facilities": {"de": "Gemeinsam genutzte Einrichtungen", "en": "Shared facilities"},
    "title_partners": {"de": "Zusammenarbeit der Kommunen", "en": "Cooperation between towns"},
    "about_facilities": {
        "de": "Welche Kommunen nutzen welche Einrichtungen gemeinsam – mit ihren Trägern und den Jugendämtern, die für eine andere Kommune handeln.",
        "en": "Which towns share which facilities – with their operators and the youth welfare offices acting for another town.",
    },
    "about_partners": {
        "de": "Eine Linie verbindet zwei Kommunen, die in einer Kooperation zusammenarbeiten; je breiter die Linie, desto mehr teilen sie.",
        "en": "A line joins two towns that work together in a cooperation; the wider the line, the more they share.",
    },
    "hint": {
        "de": "Maus über Punkt oder Linie: was es ist und welcher Satz welcher Quelle es belegt; Klick: Details rechts.",
        "en": "Hover over a point or line: what it is and which sentence of which source backs it; click: details on the right.",
    },
    # filters in the subtitle
    "filter_area": {"de": "Aufgabengebiet", "en": "Service area"},
    "filter_kind": {"de": "Einrichtungsart", "en": "Facility kind"},
    "without_proposed": {"de": "ohne vorgeschlagene Kooperationen", "en": "without proposed cooperation"},
    "with_proposed": {"de": "vorgeschlagene Kooperationen gestrichelt", "en": "proposed cooperation dashed"},
    "layout_geo": {"de": "Kommunen an ihren Ortsmittelpunkten", "en": "towns at their centres"},
    "layout_geo_facilities": {
        "de": "Kommunen an ihren Ortsmittelpunkten, Einrichtungen zwischen ihren Nutzern (nicht am Standort)",
        "en": "towns at their centres, facilities among their users (not at their address)",
    },
    "layout_force": {"de": "Kräfte-Layout (Startwert {seed})", "en": "force layout (seed {seed})"},
    "layout_force_components": {
        "de": "jede zusammenhängende Gruppe für sich, in Reihen", "en": "each connected group on its own, in rows",
    },
    "layout_geo_districts": {
        "de": "Kreise an der Mitte der bekannten Ortsmittelpunkte ihrer Kommunen",
        "en": "districts at the mean of their towns' known centres",
    },
    "layout_grid": {
        "de": "Kommunen ohne Koordinaten im Raster, nach Kreis (AGS-Reihenfolge)",
        "en": "towns without coordinates in a grid, by district (AGS order)",
    },
    "layout_grid_districts": {
        "de": "Kreise ohne Koordinaten im Raster (AGS-Reihenfolge)",
        "en": "districts without coordinates in a grid (AGS order)",
    },
    # aggregated views
    "aggregated_short": {
        "de": "zusammengefasst nach Kreisen (vollständig: ikz view {kind} --full)",
        "en": "aggregated by district (full view: ikz view {kind} --full)",
    },
    "aggregated_notice": {
        "de": "Zusammengefasst nach Kreisen: die vollständige Ansicht hätte {nodes} Knoten, mehr als {limit} – "
              "zu viele für ein flüssiges Bild. Ein Punkt ist ein Kreis mit seinen beteiligten Kommunen; "
              "die Tooltips nennen Zahlen und Beispiel-Belege. Vollständige Ansicht: ikz view {kind} --full "
              "(in Python: view_model(…, full=True)).",
        "en": "Aggregated by district: the full view would have {nodes} nodes, more than {limit} – "
              "too many for a fluent picture. A point is a district with its towns taking part; "
              "tooltips give counts and example evidence. Full view: ikz view {kind} --full "
              "(in Python: view_model(…, full=True)).",
    },
    "no_district": {"de": "ohne Kreis", "en": "no district"},
    "district_label": {"de": "{name} ({n} Kommunen)", "en": "{name} ({n} towns)"},
    "district_label_one": {"de": "{name} (1 Kommune)", "en": "{name} (1 town)"},
    "districts_many": {"de": "{n} Kreise", "en": "{n} districts"},
    "districts_one": {"de": "1 Kreis", "en": "1 district"},
    "towns": {"de": "Kommunen", "en": "Towns"},
    "towns_one": {"de": "1 Kommune", "en": "1 town"},
    "towns_many": {"de": "{n} Kommunen", "en": "{n} towns"},
    "taking_part": {
        "de": "{n} beteiligt (von {total} im Register)", "en": "{n} taking part (of {total} in the register)",
    },
    "width_note_facilities": {"de": "Linienbreite = Zahl der Einrichtungen", "en": "line width = number of facilities"},
    "towns_taking_part": {"de": "beteiligt", "en": "taking part"},
    "within_district": {"de": "Kooperationen im Kreis", "en": "Cooperations within the district"},
    "with_other_districts": {"de": "Kooperationen mit anderen Kreisen", "en": "Cooperations with other districts"},
    "partner_districts": {"de": "Partnerkreise", "en": "Partner districts"},
    "examples": {"de": "Beispiele", "en": "Examples"},
    "cooperations_heading": {"de": "Kooperationen", "en": "Cooperations"},
    "and_more": {"de": "… und {n} weitere", "en": "… and {n} more"},
    "operator_unknown_count": {"de": "{n} ohne bekannten Träger", "en": "{n} without a known operator"},
    # controls
    "search": {"de": "Suche", "en": "Search"},
    "search_placeholder": {"de": "Kommune oder Einrichtung …", "en": "Town or facility …"},
    "search_button": {"de": "Finden", "en": "Find"},
    "not_found": {"de": "Nicht gefunden: ", "en": "Not found: "},
    "hidden_by_filter": {"de": "Durch Filter ausgeblendet: ", "en": "Hidden by a filter: "},
    "filters": {"de": "Filter", "en": "Filters"},
    "status": {"de": "Status", "en": "Status"},
    "legend": {"de": "Legende", "en": "Legend"},
    "details": {"de": "Details", "en": "Details"},
    "details_hint": {
        "de": "Einen Punkt oder eine Linie anklicken oder oben suchen.",
        "en": "Click a point or a line, or search above.",
    },
    "png": {"de": "PNG", "en": "PNG"},
    "png_title": {"de": "Aktuelles Bild als PNG herunterladen", "en": "Download the current picture as PNG"},
    "reset": {"de": "Ansicht zurücksetzen", "en": "Reset view"},
    "reset_title": {"de": "Alle Punkte an ihren Platz, ganzes Bild zeigen", "en": "Put every point back and show the whole picture"},
    "network_label": {"de": "Netzwerkbild", "en": "Network picture"},
    "noscript": {
        "de": "Dieses Bild braucht JavaScript. Die Datei lädt nichts aus dem Internet.",
        "en": "This picture needs JavaScript. The file loads nothing from the internet.",
    },
    # footer
    "as_of": {"de": "Stand", "en": "As of"},
    "as_of_note": {"de": "jüngstes Datum der Quellen", "en": "latest date of the sources"},
    "unknown_date": {"de": "unbekannt", "en": "unknown"},
    "sources": {"de": "Quellen", "en": "Sources"},
    "version": {"de": "Version", "en": "Version"},
    # tooltip parts
    "quote_line": {"de": "Zeile", "en": "line"},
    "evidence": {"de": "Belege", "en": "Evidence"},
    "derived_from": {"de": "Quellen", "en": "Sources"},
    "ags": {"de": "AGS", "en": "AGS"},
    "district": {"de": "Kreis", "en": "District"},
    "office": {"de": "Jugendamt", "en": "Youth welfare office"},
    "no_own_office": {"de": "kein eigenes", "en": "none of its own"},
    "acting_through": {"de": "vertreten durch", "en": "acting through"},
    "acts_for": {"de": "handelt für", "en": "acts for"},
    "office_of": {"de": "Jugendamt von", "en": "office of"},
    "facility_kind": {"de": "Einrichtungsart", "en": "Facility kind"},
    "operator": {"de": "Träger", "en": "Operator"},
    "operator_unknown": {"de": "unbekannt (keine Quelle nennt ihn)", "en": "unknown (no source names it)"},
    "operates": {"de": "Träger von", "en": "Operates"},
    "service_area": {"de": "Aufgabengebiet", "en": "Service area"},
    "legal_form": {"de": "Rechtsform", "en": "Legal form"},
    "cooperation": {"de": "Kooperation", "en": "Cooperation"},
    "cooperation_kind": {"de": "Art", "en": "Kind"},
    "role": {"de": "Rolle", "en": "Role"},
    "used_by": {"de": "genutzt von", "en": "used by"},
    "uses": {"de": "nutzt", "en": "uses"},
    "partners": {"de": "Partner", "en": "Partners"},
    "partner_towns": {"de": "Partnerkommunen", "en": "Partner towns"},
    "facility": {"de": "Einrichtung", "en": "Facility"},
    "shared_one": {"de": "1 gemeinsame Kooperation", "en": "1 shared cooperation"},
    "shared_many": {"de": "{n} gemeinsame Kooperationen", "en": "{n} shared cooperations"},
    "cooperations_one": {"de": "1 Kooperation", "en": "1 cooperation"},
    "cooperations_many": {"de": "{n} Kooperationen", "en": "{n} cooperations"},
    "facilities_count": {"de": "Einrichtungen", "en": "Facilities"},
    "width_note": {"de": "Linienbreite = Zahl gemeinsamer Kooperationen", "en": "line width = number of shared cooperations"},
    "written": {"de": "geschrieben nach", "en": "written to"},
    "summary": {"de": "{nodes} Knoten, {edges} Linien", "en": "{nodes} nodes, {edges} lines"},
}

LANGS = ("de", "en")

#: Texts the page's script needs (tooltips, messages), passed to it as JSON.
SCRIPT_KEYS = (
    "quote_line", "evidence", "derived_from", "not_found", "hidden_by_filter", "details_hint",
    "shared_one", "shared_many", "as_of", "sources", "version", "legend",
)

#: Facts of the cooperations listed in a hover tooltip; the details panel shows all of them.
COMPACT_KEYS = ("status", "service_area", "acting_through", "facility")


def t(key: str, lang: str, **values) -> str:
    """The UI text ``key`` in ``lang`` (German when missing), with ``{name}`` filled in.

    >>> t("shared_many", "en", n=3)
    '3 shared cooperations'
    """
    text = TEXT[key].get(lang) or TEXT[key]["de"]
    return text.format(**values) if values else text


def shared(count: int, lang: str) -> str:
    """'1 gemeinsame Kooperation' / '3 gemeinsame Kooperationen'."""
    return t("shared_one", lang) if count == 1 else t("shared_many", lang, n=count)


def script_texts(lang: str) -> dict:
    texts: dict = {key: t(key, lang) for key in SCRIPT_KEYS}
    texts["compact_keys"] = [t(key, lang) for key in COMPACT_KEYS]
    return texts

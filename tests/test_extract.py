"""`ikz extract`: towns, districts, dates, people, addresses, concepts and cooperations found in
German administrative texts, the draft it writes, and the benchmark's numbers."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.extraction.extract import (REVIEW_PREDICATE, DraftDocument, Expected, ProjectContext, Score, evaluate, extract,
                           find_addresses, find_dates, segments, write_draft)
from graph.rdf.parse import parse_turtle
from graph.builder.quotes import NormalizedText

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "data" / "sources" / "2016-votum-jugendamtsleitungen-en-kreis.txt"
DOCUMENTS = ROOT / "tests" / "documents"
BASE = "https://w3id.org/ikz/id/"
EN_KREIS = {"05954004": "Breckerfeld", "05954008": "Ennepetal", "05954012": "Gevelsberg", "05954016": "Hattingen",
            "05954020": "Herdecke", "05954024": "Schwelm", "05954028": "Sprockhövel", "05954032": "Wetter (Ruhr)",
            "05954036": "Witten"}


@pytest.fixture(scope="module")
def ctx(project):
    return ProjectContext.for_project(project)


@pytest.fixture(scope="module")
def letter(ctx):
    return extract(LETTER.read_text(encoding="utf-8"), ctx)


def towns(found) -> dict[str, str]:
    return {p.key: p.label for p in found.towns()}


def cooperation(found, partners: set[str], facility_word: str | None):
    matches = [c for c in found.cooperations if {p.place.key for p in c.partners} == partners
               and (facility_word is None and c.facility is None
                    or facility_word is not None and c.facility is not None and facility_word in c.facility.label)]
    assert len(matches) == 1, [(c.label, c.partner_keys) for c in found.cooperations]
    return matches[0]


# --- the source letter ------------------------------------------------------------------------


def test_letter_finds_all_nine_towns_and_the_district(letter):
    assert towns(letter) == EN_KREIS
    assert [d.key for d in letter.districts()] == ["05954"]
    assert letter.ambiguous() == {}


def test_letter_wetter_is_resolved_by_context(letter):
    wetter = [m for m in letter.mentions if m.surface == "Wetter"]
    assert wetter and all(m.place.key == "05954032" for m in wetter)
    assert {p.key for p in wetter[0].candidates} == {"05954032", "06534021"}  # Wetter (Hessen) was a candidate


def test_letter_both_youth_shelter_cooperations(letter):
    north = cooperation(letter, {"05954016", "05954032", "05954020", "05954036", "05954028"}, "Jugendschutzstelle")
    south = cooperation(letter, {"05954012", "05954008", "05954004", "05954024"}, "Jugendschutzstelle")
    for c in (north, south):
        assert c.shared_use and c.role == "Nutzer" and c.status == "bestehend"
        assert c.facility.kind.local == "Jugendschutzstelle"
        assert [a.local for a in c.service_areas] == ["Inobhutnahme"]
        assert c.lead is not None and "bereits bestehende" in c.lead.text
    breckerfeld = next(p for p in south.partners if p.place.key == "05954004")
    assert breckerfeld.acting_through.key == "05954008"  # "Ennepetal mit Breckerfeld"
    assert all(p.acting_through is None for p in north.partners)


def test_letter_counselling_cooperation_with_its_partners_and_centres(letter):
    partners = {"05954008", "05954004", "05954012", "05954024", "05954028"}
    kizz = cooperation(letter, partners, "KIZZ")
    ebz = cooperation(letter, partners, "Beratungszentrum")
    pb = cooperation(letter, partners, "Psychologische Beratungsstelle")
    assert kizz.facility.existing == BASE + "facility/kizz-pro-familia"  # the data already describes them
    assert ebz.facility.existing == BASE + "facility/ev-beratungszentrum-ennepetal"
    assert pb.facility.existing == BASE + "facility/psychologische-beratungsstelle-en"
    assert pb.facility.kind.local == "Erziehungsberatungsstelle" and pb.facility.operator.key == "05954"
    for c in (kizz, ebz, pb):
        assert next(p for p in c.partners if p.place.key == "05954004").acting_through.key == "05954008"
        assert c.role == "Partner"
    assert "Art der Einrichtung geraten" in kizz.notes  # "KIZZ / PRO FAMILIA" names no kind


def test_letter_district_wide_proposal_and_ennepetals_office(letter):
    proposed = cooperation(letter, set(EN_KREIS), None)
    assert proposed.rule == "district-wide" and proposed.status == "vorgeschlagen"
    assert [a.local for a in proposed.service_areas] == ["Eingliederungshilfe"]
    office = cooperation(letter, {"05954008", "05954004"}, None)
    assert office.rule == "office-serves" and office.label == "Jugendamt Ennepetal für Breckerfeld"


def test_letter_people_dates_address_events(letter):
    signatories = {p.name: [x.key for x in p.places] for p in letter.people if p.signatory}
    assert len(signatories) == 8
    assert signatories["Georg Heller"] == ["05954008", "05954004"]  # "(Stadt Ennepetal und Breckerfeld)"
    assert signatories["Susanne Auschner"] == ["05954032"]
    addressee = next(p for p in letter.people if not p.signatory)
    assert (addressee.name, addressee.organisation) == ("Astrid Hinterthür", "Fachbereich Soziales und Gesundheit")
    assert [(d.surface, d.value) for d in letter.dates] == [
        ("21.03.2016", "2016-03-21"), ("09.03.2016", "2016-03-09"), ("21.03.2016", "2016-03-21"), ("Mai 2016", "2016-05")]
    assert [(a.text, a.place.key) for a in letter.addresses] == [("Hauptstraße 92, 58332 Schwelm", "05954024")]
    assert {(e.kind, e.date.value) for e in letter.events} == {("Survey", "2016-03-21"), ("Meeting", "2016-03-09")}
    assert {c.concept.prefixed for c in letter.concepts} >= {"fk:Jugendschutzstelle", "fk:Beratungsstelle", "sa:Eingliederungshilfe"}


def test_letter_against_the_hand_encoded_data(ctx, letter):
    """Precision and recall 1.0 for towns and cooperations against data/en-kreis/."""
    expected = Expected.from_graph(ctx.loaded.triples, BASE + "doc/votum-2016", BASE)
    assert len(expected.cooperations) == 7 and expected.towns == set(EN_KREIS)
    result = evaluate(letter, expected, ctx.index, BASE)
    for key in ("towns", "districts", "people", "cooperations"):
        assert (result[key].precision, result[key].recall) == (1.0, 1.0), key
    assert result["status_ok"] == 7


# --- names: inflection, suffixes, short forms, common words, ambiguity --------------------------


@pytest.mark.parametrize("text, key", [
    ("Altenas Jugendamt lädt ein.", "05962004"),  # genitive of "Altena, Stadt"
    ("Das Wittener Jugendamt lädt ein.", "05954036"),  # town adjective
    ("Die Stadt Wetter (Ruhr) lädt ein.", "05954032"),  # official name with qualifier
    ("Die Stadt Fröndenberg lädt ein.", "05978012"),  # short form of "Fröndenberg/Ruhr"
    ("Sitzung in Mülheim an der Ruhr.", "05117000"),
    ("Ein Brief aus Witten-Herbede.", "05954036"),  # part of a town
    ("Kinder aus Schwerte.", "05978028"),  # "Schwerte, Hansestadt an der Ruhr"
])
def test_town_forms(ctx, text, key):
    assert [p.key for p in extract(text, ctx).towns()] == [key]


@pytest.mark.parametrize("text, key", [
    ("die Jugendämter des EN-Kreises", "05954"),
    ("im Ennepe-Ruhr-Kreis", "05954"),
    ("der Landrätin des Märkischen Kreises", "05962"),
    ("im Kreis Unna", "05978"),
    ("des Landkreises Marburg-Biedenkopf", "06534"),
    ("die Region Hannover", "03241"),
])
def test_district_forms(ctx, text, key):
    found = extract(text, ctx)
    assert [p.key for p in found.districts()] == [key] and found.towns() == []


@pytest.mark.parametrize("text", [
    "Bei gutem Wetter findet das Fest statt.",
    "An dieser Stelle danken wir allen.",
    "Herr Brügge berichtet über die Lage.",
    "Das Essen wird geliefert.",
    "Die Wittener Straße 5 ist gesperrt.",
])
def test_common_words_and_surnames_are_no_towns(ctx, text):
    assert extract(text, ctx).towns() == []


def test_common_word_with_a_cue_is_a_town(ctx):
    assert [p.key for p in extract("Die Stadt Essen und Bochum kooperieren.", ctx).towns()] == ["05113000", "05911000"]


def test_ambiguous_names_resolved_by_context_or_flagged(ctx):
    found = extract((DOCUMENTS / "2020-vermerk-jugendamtsleitungen-marburg-biedenkopf.txt").read_text(encoding="utf-8"), ctx)
    keys = {p.key for p in found.towns()}
    assert "06534021" in keys and "05954032" not in keys  # Wetter (Hessen) here, not Wetter (Ruhr)
    assert "06534016" in keys  # Neustadt (Hessen) among three Neustadts
    assert "Neunkirchen" in found.ambiguous()  # six candidates, no context: flagged
    assert not {p.key for p in found.ambiguous()["Neunkirchen"]} & keys  # and not taken


def test_ambiguous_name_alone_is_flagged(ctx):
    found = extract("Eine Anfrage kam aus Neustadt.", ctx)
    assert found.towns() == [] and len(found.ambiguous()["Neustadt"]) > 3


# --- dates, addresses, people, segmentation -----------------------------------------------------


def test_dates_in_german_formats():
    found = find_dates("am 9. März 2016, vom 01.04.16 bis 30.04.2016, im Juni 2016, Stichtag 2016-12-31; Tel. 12.34")
    assert [(d.surface, d.value) for d in found] == [
        ("9. März 2016", "2016-03-09"), ("01.04.16", "2016-04-01"), ("30.04.2016", "2016-04-30"),
        ("Juni 2016", "2016-06"), ("2016-12-31", "2016-12-31")]
    assert found[1].range_end == "2016-04-30"
    assert find_dates("am 31.13.2016") == []


def test_addresses():
    found = find_addresses("Friedrich-Ebert-Straße 17\n59425 Unna\nund Wittener Str. 3, 58452 Witten.")
    assert [a.text for a in found] == ["Friedrich-Ebert-Straße 17, 59425 Unna", "Wittener Str. 3, 58452 Witten"]


def test_people_with_organisations(ctx):
    found = extract("Für Rückfragen steht Herr Michael Brandt, Leiter des Fachbereichs Jugend der Stadt Altena, gern zur Verfügung.\n"
                    "Teilnehmende: Nadine Vogt (Stadt Stadtallendorf)", ctx)
    people = {p.name: (p.organisation, [x.key for x in p.places]) for p in found.people}
    assert people == {"Michael Brandt": ("Leiter des Fachbereichs Jugend der Stadt Altena", ["05962004"]),
                      "Nadine Vogt": ("Stadt Stadtallendorf", ["06534018"])}
    assert {p.key for p in found.towns()} == {"05962004", "06534018"}  # "Vogt" (a town too) is her name


def test_segments_keep_positions():
    text = LETTER.read_text(encoding="utf-8")
    for segment in segments(text):
        assert text[segment.start:segment.end] == segment.text
        assert not segment.text.startswith(("-", " "))


# --- the draft ----------------------------------------------------------------------------------


def test_draft_of_the_letter_is_strict_turtle_with_marked_candidates_and_verbatim_quotes(ctx, letter, tmp_path):
    draft = write_draft(letter, DraftDocument(BASE + "doc/votum-2016", "votum-2016", "sources/" + LETTER.name), ctx)
    path = tmp_path / "draft.ttl"
    path.write_text(draft, encoding="utf-8")
    triples, _ = parse_turtle(path, BASE)  # refuses blank nodes
    subjects = {}
    for t in triples:
        subjects.setdefault(t.subject.value, {}).setdefault(t.predicate.value, []).append(t.object)
    types = lambda s: {o.value for o in subjects[s].get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", [])}  # noqa: E731
    candidates = [s for s in subjects if REVIEW_PREDICATE in subjects[s]]
    cooperations = [s for s in candidates if types(s) & {"https://w3id.org/ikz/ontology#SharedFacilityUse", "https://w3id.org/ikz/ontology#Cooperation"}]
    assert len(cooperations) == 7
    assert all([o.value for o in subjects[s][REVIEW_PREDICATE]] == ["unreviewed"] for s in candidates)
    for s in candidates:  # every candidate has a quote from the letter
        assert subjects[s]["https://w3id.org/ikz/ontology#quote"]
        assert [o.value for o in subjects[s]["http://www.w3.org/ns/prov#wasDerivedFrom"]] == [BASE + "doc/votum-2016"]
    text = NormalizedText(LETTER.read_text(encoding="utf-8"))
    quotes = [s for s in subjects if "https://w3id.org/ikz/ontology#Quote" in types(s)]
    for q in quotes:
        exact = subjects[q]["http://www.w3.org/ns/oa#exact"][0].value
        (position,) = text.find_all(exact)
        assert subjects[q]["http://www.w3.org/ns/oa#start"][0] == ox.Literal(str(position.start), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#nonNegativeInteger"))
    # the letter's existing quotes and facilities are reused, not duplicated
    assert "<doc/votum-2016/quote/jugendschutzstelle-nordkreis>" in draft
    assert "ikz:facility <facility/kizz-pro-familia>" in draft
    assert "ikz:actingThrough ja:05954008" in draft
    assert re.search(r"^# PRÜFEN", draft, re.M)


# --- the further test documents and the benchmark ----------------------------------------------


@pytest.mark.parametrize("expected", sorted(DOCUMENTS.glob("*.expected.json")), ids=lambda p: p.stem.split(".")[0])
def test_further_documents_meet_the_thresholds(ctx, expected):
    found = extract(expected.with_name(expected.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8"), ctx)
    result = evaluate(found, Expected.from_file(expected), ctx.index, BASE)
    assert result["towns"].precision >= 0.8 and result["towns"].recall >= 0.8
    assert result["ambiguous_flagged"]
    assert result["cooperations"].found >= 1


def test_benchmark_prints_the_table_and_passes(capsys):
    spec = importlib.util.spec_from_file_location("extraction_benchmark", ROOT / "benchmarks" / "extraction.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| document | towns P | towns R |")
    assert "Votum 2016 (source letter, vs. data/en-kreis) | 1.00 | 1.00 |" in out
    assert len([l for l in out.splitlines() if l.startswith("| 20")]) == len(list(DOCUMENTS.glob("*.expected.json")))
    # the thresholds bite: a letter with a missed cooperation fails
    results = module.measure()
    results[0][1]["cooperations"] = Score(6, 0, 1)
    assert any("needs 1.0" in p for p in module.failures(results))


def test_scores():
    assert (Score(3, 1, 0).precision, Score(3, 1, 0).recall) == (0.75, 1.0)
    assert (Score().precision, Score().recall) == (1.0, 1.0)


# --- official texts: the development corpus (issue 15) --------------------------------------------

CORPUS = ROOT / "tests" / "corpus"


def _corpus_scores(ctx):
    import json

    from graph.extraction import scoring

    results = []
    for expected in sorted(CORPUS.glob("*.expected.json")):
        found = extract(expected.with_name(expected.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8"), ctx)
        results.append(scoring.score_document(found, json.loads(expected.read_text(encoding="utf-8"))))
    return scoring.total(results)


def test_corpus_meets_the_issue_targets(ctx):
    """Exact partner sets, persons and status at >= 0.9, and no town read out of a name. The
    rules were written on this corpus: the held-out real texts are the real measure."""
    total = _corpus_scores(ctx)
    assert total["partners"].precision >= 0.9 and total["partners"].recall >= 0.9
    assert total["persons"].precision >= 0.9 and total["persons"].recall >= 0.9
    assert total["status_ok"] >= 0.9 * total["partners"].found
    assert total["not_towns"] == 0
    assert total["lead"].recall >= 0.8 and total["legal_form"].recall >= 0.8 and total["dates"].recall >= 0.8


@pytest.mark.parametrize("text, towns, districts", [
    ("Das Land Schleswig-Holstein fördert den Kreis Pinneberg.", set(), {"01056"}),
    ("Die Landkreise Leipzig und Nordsachsen schließen eine Zweckvereinbarung.", set(), {"14729", "14730"}),
    ("Der Eifelkreis Bitburg-Prüm, Trierer Straße 1, 54634 Bitburg, und der Kreis Herzogtum Lauenburg.", set(), {"07232", "01053"}),
    ("Die Kinder kamen in das LWL-Jugendhilfezentrum Marl; Träger ist die Jugendhilfe Herne & Wanne-Eickel gGmbH.", set(), set()),
    ("Die StädteRegion Aachen und die Stadt Eschweiler; das Landratsamt Bautzen; der Regierungsbezirk Gießen.", {"05334012"}, {"05334"}),
])
def test_no_town_read_out_of_a_district_land_provider_facility_or_address(ctx, text, towns, districts):
    found = extract(text, ctx)
    assert {p.key for p in found.towns()} == towns
    assert {p.key for p in found.districts()} == districts


def test_status_lead_legal_form_and_start_of_an_official_text(ctx):
    text = ("Kreis Segeberg\nDer Landrat\n\nÖffentlich-rechtlicher Vertrag zwischen dem Kreis Segeberg und dem Kreis Stormarn\n\n"
            "Der Kreis Segeberg übernimmt für den Kreis Stormarn die Aufgabe der Inobhutnahme. Im Kreis Stormarn leben 245.000 "
            "Menschen (Stand 31.12.2023). Der Vertrag tritt am 1. März 2025 in Kraft.\n\n"
            "Die Verwaltung prüft derzeit gemeinsam mit dem Kreis Pinneberg, ob auch die Vormundschaften gebündelt werden können.\n")
    found = extract(text, ctx)
    coops = {c.partner_keys: c for c in found.cooperations}
    main = coops[frozenset({"01060", "01062"})]
    assert (main.status, main.lead_partner.key, main.legal_form_concept, main.start_date) == (
        "bestehend", "01060", "sh-oeffentlich-rechtliche-vereinbarung", "2025-03-01")
    assert coops[frozenset({"01060", "01056"})].status == "erwogen"
    assert sorted(found.date_roles.values()) == ["reference", "start"]


@pytest.mark.parametrize("sentence, status", [
    ("Der Ausschuss lehnt den Antrag, mit dem Kreis Stormarn eine gemeinsame Jugendschutzstelle zu errichten, ab.", "abgelehnt"),
    ("Der Kreistag beschließt, mit dem Kreis Stormarn eine Vereinbarung abzuschließen, vorbehaltlich der Bereitstellung der Mittel.",
     "beschlossen-vorbehaltlich"),
    ("Die gemeinsame Beratung mit dem Kreis Stormarn wurde zum 31. Dezember 2023 beendet.", "beendet"),
    ("Angedacht ist eine Zusammenarbeit mit dem Kreis Stormarn.", "erwogen"),
    ("Der Kreis Segeberg und der Kreis Stormarn planen eine gemeinsame Clearingstelle.", "geplant"),
])
def test_status_from_the_modality(ctx, sentence, status):
    found = extract("Kreis Segeberg\n\n" + sentence, ctx)
    assert [c.status for c in found.cooperations] == [status]


def test_persons_with_office_title_and_inverted_names(ctx):
    text = ("Bearbeitung: Kessler, Monika\n\n„Gut so“, sagte die Landrätin des Landkreises Teltow-Fläming, Dr. Birgit Pohlmann. "
            "Landrat Frank Lindemann ergänzte.\n\nFür den Kreis Segeberg, den 20. Januar 2025\nSönke Jessen, Landrat\n")
    found = extract(text, ctx)
    people = {p.name: (p.title, p.office) for p in found.people}
    assert people == {"Monika Kessler": (None, "Sachbearbeitung"), "Birgit Pohlmann": ("Dr.", "Landrätin"),
                      "Frank Lindemann": (None, "Landrat"), "Sönke Jessen": (None, "Landrat")}
    assert "15091145" not in {p.key for p in found.towns()}  # Jessen (Elster), the town, is not named

"""Adding documents and spreadsheets: `ikz add-source`, `ikz extract` → review → `ikz accept`,
`ikz import`. Every refusal must leave data/ byte for byte as it was."""

from __future__ import annotations

import csv
import hashlib
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from graph import build
from graph.builder.build import DataCheckError
from graph.cli.ingest import COMMANDS, accept, add_source, extract, import_
from graph.core.errors import QuoteError, SourceDataError, ValidationError
from graph.core.i18n import use
from graph.ingest.workflow import ImportTableError, ReviewError, accept_draft, add_source as register, import_table

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "tests" / "documents"
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
UNNA = DOCUMENTS / "2019-protokoll-ag-jugendhilfe-kreis-unna.txt"
UNNA_TITLE = "Protokoll der 4. Sitzung der AG Jugendhilfeplanung im Kreis Unna"
BASE = "https://w3id.org/ikz/id/"

#: The ontology term accepted candidates keep (proposed for ontology/ikz.ttl; see docs/ingest.md).
REVIEW_STATUS_TTL = """
ikz:reviewStatus a owl:DatatypeProperty ;
    rdfs:range xsd:string ;
    rdfs:label "Prüfstatus"@de , "review status"@en ;
    skos:definition "Ob ein aus einem Text vorgeschlagener Kandidat von einem Menschen geprüft wurde: »unreviewed« (Entwurf von ikz extract, nie im Graph) oder »accepted« (geprüft und mit ikz accept übernommen)."@de ,
                    "Whether a candidate proposed from a text was checked by a person: \\"unreviewed\\" (a draft of ikz extract, never in the graph) or \\"accepted\\" (reviewed and merged with ikz accept)."@en .
"""
#: The data check that keeps unreviewed candidates out of a build (proposed for queries/).
UNREVIEWED_CHECK = """# title: Ungeprüfte Kandidaten aus Entwürfen
# title@en: Unreviewed candidates from drafts
# question@de: Welche Aussagen aus einem Entwurf von ikz extract sind nicht als geprüft markiert? (Muss leer sein.)
# question@en: Which statements from an ikz extract draft are not marked as reviewed? (Must be empty.)
SELECT ?candidate ?status WHERE {
  ?candidate ikz:reviewStatus ?status .
  FILTER(STR(?status) != "accepted")
}
ORDER BY ?candidate
"""


def digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def ingest_project(project_copy):
    """A throwaway project whose ontology declares ikz:reviewStatus (as proposed)."""
    ontology = project_copy.ontology_dir / "ikz.ttl"
    text = ontology.read_text(encoding="utf-8")
    if not re.search(r"^ikz:reviewStatus\s", text, re.M):
        ontology.write_text(text + REVIEW_STATUS_TTL, encoding="utf-8")
    return project_copy


@pytest.fixture
def unna(ingest_project):
    """The project with the Unna minutes registered."""
    register(ingest_project, UNNA, title=UNNA_TITLE, date="12.03.2019", authors=["Kreis Unna"])
    return ingest_project


def run(command, project, *args, lang="de"):
    return CliRunner().invoke(command, [str(a) for a in args], obj=SimpleNamespace(project=project, lang=lang))


def reviewed(draft: Path) -> Path:
    path = draft.with_name("reviewed-" + draft.name)
    path.write_text(draft.read_text(encoding="utf-8").replace('"unreviewed"', '"accepted"'), encoding="utf-8")
    return path


def triples_of(result):
    return {(t.subject.value, t.predicate.value, t.object.value) for t in result.graph.triples}


# --- add-source ---------------------------------------------------------------------------------


def test_add_source_copies_the_text_and_describes_it(ingest_project, tmp_path):
    result = run(add_source, ingest_project, UNNA, "--title", UNNA_TITLE, "--date", "12.03.2019", "--author", "Kreis Unna")
    assert result.exit_code == 0, result.output
    assert "Registriert: doc:2019-protokoll-ag-jugendhilfe-kreis-unna" in result.output
    copied = ingest_project.data_dir / "sources" / UNNA.name
    assert copied.read_bytes() == UNNA.read_bytes()
    data = (ingest_project.data_dir / "documents" / "2019-protokoll-ag-jugendhilfe-kreis-unna.ttl").read_text(encoding="utf-8")
    assert 'dct:date "2019-03-12"^^xsd:date' in data and "dct:creator <district/05978>" in data
    built = triples_of(build(ingest_project, tmp_path / "out"))
    doc = BASE + "doc/2019-protokoll-ag-jugendhilfe-kreis-unna"
    assert (doc, "http://purl.org/dc/terms/title", UNNA_TITLE) in built
    assert (BASE + "district/05978", "https://w3id.org/ikz/ontology#districtKey", "05978") in built  # described for the author


def test_add_source_records_a_month_as_a_range_never_as_a_day(ingest_project):
    text = DOCUMENTS / "2018-schreiben-erziehungsberatung-maerkischer-kreis.txt"
    register(ingest_project, text, title="Schreiben der Stadt Altena", date="November 2018", authors=["Stadt Altena"])
    data = (ingest_project.data_dir / "documents" / (text.stem + ".ttl")).read_text(encoding="utf-8")
    assert 'ikz:notBefore "2018-11-01"^^xsd:date' in data and 'ikz:notAfter "2018-11-30"^^xsd:date' in data
    assert "dct:date" not in data
    assert "05962004," in (ingest_project.data_dir / "reference" / "added-municipalities.csv").read_text(encoding="utf-8")


@pytest.mark.parametrize("options, german, english", [
    ({"title": "x", "date": "31.02.2019"}, "kein Kalenderdatum", "no calendar date"),
    ({"title": "x", "authors": ["Neustadt"]}, "mehrdeutig", "ambiguous"),
    ({"title": "x", "authors": ["Wettr"]}, "Meinten Sie 'Wetter'", "Did you mean 'Wetter'"),
    ({"title": "x", "language": "klingonisch"}, "Unbekannte Sprache", "Unknown language"),
    ({"title": " "}, "braucht einen Titel", "needs a title"),
])
def test_add_source_refuses_bad_metadata_and_writes_nothing(ingest_project, options, german, english):
    before = digest(ingest_project.data_dir)
    with pytest.raises(SourceDataError, match=german) as raised:
        register(ingest_project, UNNA, **options)
    assert english in raised.value.format("en")
    assert digest(ingest_project.data_dir) == before


def test_add_source_refuses_a_text_registered_already(unna):
    before = digest(unna.data_dir)
    with pytest.raises(SourceDataError, match="bereits als <doc/2019-protokoll-ag-jugendhilfe-kreis-unna> registriert"):
        register(unna, UNNA, title="again", name="anders")
    letter = unna.data_dir / "sources" / "2016-votum-jugendamtsleitungen-en-kreis.txt"
    with pytest.raises(SourceDataError) as raised:
        register(unna, letter, title="again")
    assert "already registered as <doc/votum-2016>" in raised.value.format("en")
    assert digest(unna.data_dir) == before


# --- extract, review, accept --------------------------------------------------------------------


def test_walkthrough_new_letter_to_reviewed_graph_data(ingest_project, tmp_path):
    """The README's walkthrough: add-source, extract, (review), accept, build."""
    assert run(add_source, ingest_project, UNNA, "--title", UNNA_TITLE, "--date", "12.03.2019").exit_code == 0
    text = ingest_project.data_dir / "sources" / UNNA.name
    draft = ingest_project.root / "build" / "drafts" / "2019-protokoll-ag-jugendhilfe-kreis-unna.ttl"
    result = run(extract, ingest_project, text)
    assert result.exit_code == 0, result.output
    assert draft.is_file() and "4 Kooperationen" in result.output
    # the build never reads drafts: they are outside data/
    assert not any("drafts" in str(p) for p in ingest_project.data_files())

    before = digest(ingest_project.data_dir)
    refused = run(accept, ingest_project, draft)
    assert refused.exit_code == 2
    assert re.search(r"drafts/2019-protokoll-ag-jugendhilfe-kreis-unna\.ttl:\d+: <cooperation/[^>]+> ist \"unreviewed\", nicht geprüft",
                     refused.output)
    assert digest(ingest_project.data_dir) == before

    accepted = run(accept, ingest_project, reviewed(draft))
    assert accepted.exit_code == 0, accepted.output
    assert "Übernommen:" in accepted.output and "Kamen, Stadt (05978020)" in accepted.output
    merged = (ingest_project.data_dir / "documents" / "2019-protokoll-ag-jugendhilfe-kreis-unna.ttl").read_text(encoding="utf-8")
    assert "doc:2019-protokoll-ag-jugendhilfe-kreis-unna a ikz:SourceDocument" in merged  # the scaffold stays on top
    assert '"unreviewed"' not in merged and "# PRÜFEN" not in merged

    built = triples_of(build(ingest_project, tmp_path / "out"))
    kamen = BASE + "cooperation/2019-protokoll-ag-jugendhilfe-kreis-unna-jugendschutzstelle-in-kamen"
    members = {o for s, p, o in built if p == "http://www.w3.org/ns/org#member"
               and (s, "http://www.w3.org/ns/org#organization", kamen) in built}
    assert members == {BASE + "municipality/05978020", BASE + "municipality/05978004"}
    assert (kamen, "https://w3id.org/ikz/ontology#status", "https://w3id.org/ikz/concept/status/bestehend") in built
    quote = next(o for s, p, o in built if s == kamen and p == "https://w3id.org/ikz/ontology#quote")
    assert (quote, "http://www.w3.org/ns/oa#exact",
            "Die Städte Kamen und Bergkamen nutzen seit dem 01.01.2017 gemeinsam die Jugendschutzstelle in Kamen.") in built


@pytest.fixture
def draft(unna):
    """A reviewed draft of the Unna minutes (every candidate set to accepted)."""
    text = unna.data_dir / "sources" / UNNA.name
    path = unna.root / "build" / "drafts" / "unna.ttl"
    run(extract, unna, text, "-o", path)
    return reviewed(path)


def _drop_block(text: str, header: str) -> str:
    """Delete a candidate block (from its "# ---" header to the next blank line)."""
    start = text.index(header)
    end = text.index("\n\n", start)
    return text[:start] + text[end + 2:]


CORRUPTIONS = {
    "status left unreviewed": (lambda t: re.sub(r'(?m)^(\s+)ikz:reviewStatus "accepted"', r'\1ikz:reviewStatus "unreviewed"', t, count=1), ReviewError,
                               r"unna\.ttl:\d+: .* is \"unreviewed\""),
    "rejected instead of deleted": (lambda t: re.sub(r'(?m)^(\s+)ikz:reviewStatus "accepted"', r'\1ikz:reviewStatus "rejected"', t, count=1), ReviewError,
                                    '"rejected", not reviewed'),
    "quote no longer verbatim": (lambda t: re.sub(r'oa:exact "Die Städte Kamen und Bergkamen nutzen', 'oa:exact "Die Städte Kamen und Bergkamen betreiben', t)
                                 .replace('oa:start "', 'oa:xstart "', 0), QuoteError, "does not occur verbatim"),
    "status deleted (shape S02)": (lambda t: t.replace("    ikz:status status:bestehend ;\n", "", 1), ValidationError, "S02"),
    "unknown vocabulary term": (lambda t: t.replace("ikz:legalForm lf:Unbekannt", "ikz:legalform lf:Unbekannt", 1), SourceDataError,
                                "Unknown vocabulary term"),
    "candidate without its quote": (lambda t: re.sub(r"(c:2019[^\n]*a ikz:SharedFacilityUse ;(?:\n[^\n]*){6}\n    prov:wasDerivedFrom doc:[^ ]+) ; ikz:quote [^.]+\.",
                                                     r"\1 .", t, count=1), ReviewError, "has no ikz:quote"),
    "quote left over from a deleted candidate": (lambda t: _drop_block(t, "# --- Kooperation 1:"), ReviewError, "no candidate uses"),
    "quote position edited": (lambda t: re.sub(r'oa:start "(\d+)"', lambda m: f'oa:start "{int(m.group(1)) + 1}"', t, count=1),
                              ReviewError, "was its text edited"),
    "membership of a deleted cooperation": (lambda t: re.sub(r"c:2019-protokoll-ag-jugendhilfe-kreis-unna-jugendschutzstelle-in-kamen a ikz:SharedFacilityUse ;(?:\n[^\n]*){7}\n",
                                                             "", t, count=1), SourceDataError, "referred to but described nowhere"),
}


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=list(CORRUPTIONS))
def test_accept_refuses_an_invalid_draft_and_changes_nothing(unna, draft, corruption):
    change, error, message = CORRUPTIONS[corruption]
    original = draft.read_text(encoding="utf-8")
    broken = change(original)
    assert broken != original, "the corruption did not apply"
    draft.write_text(broken, encoding="utf-8")
    before = digest(unna.data_dir)
    with pytest.raises(error) as raised:
        accept_draft(unna, draft)
    assert digest(unna.data_dir) == before
    with use("en"):  # English on request, German by default
        assert re.search(message, str(raised.value)), str(raised.value)
    assert raised.value.format("de") != raised.value.format("en"), f"not German under the default language: {raised.value}"
    if error is not ValidationError:
        assert "unna.ttl" in str(raised.value) or "data/_review" not in str(raised.value)
    else:  # SHACL findings point into the draft, not into the temporary copy
        assert all("unna.ttl" in r.where for r in raised.value.report.results)


def test_accepting_the_same_draft_twice_is_refused(unna, draft):
    accept_draft(unna, draft)
    before = digest(unna.data_dir)
    with pytest.raises(ReviewError, match="wurde bereits angenommen"):
        accept_draft(unna, draft)
    assert digest(unna.data_dir) == before


def test_accept_needs_the_ontology_term(project_copy, tmp_path):
    """Without ikz:reviewStatus in the ontology, accept says what to add (and writes nothing)."""
    register(project_copy, UNNA, title=UNNA_TITLE)
    path = tmp_path / "d.ttl"
    run(extract, project_copy, project_copy.data_dir / "sources" / UNNA.name, "-o", path)
    before = digest(project_copy.data_dir)
    if re.search(r"^ikz:reviewStatus\s", (project_copy.ontology_dir / "ikz.ttl").read_text(encoding="utf-8"), re.M):
        pytest.skip("the ontology declares ikz:reviewStatus already")
    with pytest.raises(SourceDataError, match="deklariert ikz:reviewStatus nicht"):
        accept_draft(project_copy, reviewed(path))
    assert digest(project_copy.data_dir) == before


def test_a_draft_copied_into_data_by_hand_does_not_build(ingest_project, tmp_path):
    """Unreviewed candidates never enter a build: drafts live outside data/, and one copied
    into data/ by hand fails the data check for unreviewed candidates."""
    check = ingest_project.queries_dir / "unreviewed-candidate-violation.rq"
    if not check.exists():
        check.write_text(UNREVIEWED_CHECK, encoding="utf-8")
    path = tmp_path / "d.ttl"
    assert run(extract, ingest_project, ingest_project.data_dir / "sources" / "2016-votum-jugendamtsleitungen-en-kreis.txt",
               "-o", path).exit_code == 0
    build(ingest_project, tmp_path / "before")  # builds without the draft
    shutil.copy(path, ingest_project.data_dir / "en-kreis" / "copied-by-hand.ttl")
    with pytest.raises(DataCheckError, match="unreviewed-candidate-violation"):
        build(ingest_project, tmp_path / "out")


def test_extract_refuses_an_unregistered_text(ingest_project):
    result = run(extract, ingest_project, UNNA)
    assert result.exit_code == 2 and "ikz add-source" in result.output


# --- import -------------------------------------------------------------------------------------


def test_import_good_cooperations_template(unna, tmp_path):
    result = run(import_, unna, FIXTURES / "kooperationen-kreis-unna.csv", "--kind", "cooperations")
    assert result.exit_code == 0, result.output
    assert "Importiert: 4 Zeilen" in result.output
    target = unna.data_dir / "imports" / "kooperationen-kreis-unna.ttl"
    assert target.is_file()
    built = triples_of(build(unna, tmp_path / "out"))
    c = lambda local: BASE + "cooperation/" + local  # noqa: E731
    members = lambda coop: {o.rsplit("/", 1)[1] for s, p, o in built if p == "http://www.w3.org/ns/org#member"  # noqa: E731
                            and (s, "http://www.w3.org/ns/org#organization", coop) in built}
    assert members(c("gemeinsame-jugendschutzstelle-kamen-bergkamen")) == {"05978020", "05978004"}
    assert members(c("erziehungsberatung-fuer-boenen-holzwickede-und-froendenberg")) == {"05978008", "05978016", "05978012"}
    assert members(c("interkommunale-arbeitskreise-hattingen-und-witten")) == {"05954016", "05954036"}  # by AGS
    pflege = c("pflegekinderdienst-luenen-und-selm")
    assert (pflege, "https://w3id.org/ikz/ontology#legalForm", "https://w3id.org/ikz/concept/legal-form/OeffentlichRechtlicheVereinbarung") in built
    assert (pflege, "https://schema.org/startDate", "2018-07-01") in built
    assert (c("interkommunale-arbeitskreise-hattingen-und-witten"), "http://www.w3.org/ns/prov#wasDerivedFrom",
            BASE + "doc/votum-2016") in built  # the source given by its title
    facility = BASE + "facility/erziehungsberatungsstelle-des-kreises-unna"
    assert (facility, "https://w3id.org/ikz/ontology#operatedBy", BASE + "district/05978") in built
    # every imported cooperation has a source and a verbatim quote
    for coop in {s for s, p, o in built if s.startswith(BASE + "cooperation/") and p == "http://www.w3.org/ns/prov#wasDerivedFrom"}:
        assert any(s == coop and p == "https://w3id.org/ikz/ontology#quote" for s, p, o in built)


def test_import_bad_template_names_row_and_column_and_imports_nothing(ingest_project):
    before = digest(ingest_project.data_dir)
    with pytest.raises(ImportTableError) as raised:
        import_table(ingest_project, FIXTURES / "kooperationen-mit-fehlern.csv", "cooperations")
    problems = raised.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "Zeile 2, Spalte 'Kommunen'", "Zeile 3, Spalte 'Aufgabengebiet'", "Zeile 3, Spalte 'Status'", "Zeile 4, Spalte 'Kommunen'",
        "Zeile 4, Spalte 'Rechtsform'", "Zeile 5, Spalte 'Quelle'", "Zeile 6, Spalte 'Zitat'"]
    assert "meinten Sie 'Wetter'?" in problems[0]
    assert "erwartet: bestehend, vorgeschlagen, geplant oder beendet" in problems[2]
    assert "steht nicht wörtlich in" in problems[6]
    with use("en"):
        problems = raised.value.problems
    assert problems[0].startswith("row 2, column 'Kommunen'") and "did you mean 'Wetter'" in problems[0]
    assert "expected: bestehend, vorgeschlagen, geplant or beendet" in problems[2]
    assert "does not occur verbatim" in problems[6]
    assert digest(ingest_project.data_dir) == before
    result = run(import_, ingest_project, FIXTURES / "kooperationen-mit-fehlern.csv", "--kind", "cooperations")
    assert result.exit_code == 2 and "7 Fehler; es wurde nichts importiert" in result.output
    assert digest(ingest_project.data_dir) == before


def test_import_header_errors(ingest_project, tmp_path):
    sheet = tmp_path / "falsch.csv"
    sheet.write_text("Bezeichnung,Komunen,Status,Quelle\nX,Witten; Hattingen,bestehend,doc:votum-2016\n", encoding="utf-8")
    with pytest.raises(ImportTableError) as raised:
        import_table(ingest_project, sheet, "cooperations")
    text = "\n".join(raised.value.problems)
    assert "Spalte 'Komunen': unbekannte Spalte (meinten Sie 'Kommunen'?)" in text
    assert "Spalte 'Zitat': fehlt" in text and "Spalte 'Aufgabengebiet': fehlt" in text
    with use("en"):
        assert "column 'Komunen': unknown column (did you mean 'Kommunen'?)" in "\n".join(raised.value.problems)


def test_import_xlsx(unna, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Kooperationen"
    with open(FIXTURES / "kooperationen-kreis-unna.csv", encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter=";"):
            sheet.append(row)
    path = tmp_path / "kooperationen-kreis-unna.xlsx"
    book.save(path)
    result = import_table(unna, path, "cooperations", name="liste")
    assert result.rows == 4 and result.statements == 4
    from_excel = result.target.read_text(encoding="utf-8").splitlines()[1:]
    import_table(unna, FIXTURES / "kooperationen-kreis-unna.csv", "cooperations", name="liste")
    assert result.target.read_text(encoding="utf-8").splitlines()[1:] == from_excel  # the same data as from the CSV


def test_reimport_replaces_the_previous_import(unna, tmp_path):
    import_table(unna, FIXTURES / "kooperationen-kreis-unna.csv", "cooperations", name="liste")
    rows = (FIXTURES / "kooperationen-kreis-unna.csv").read_text(encoding="utf-8").splitlines()
    shorter = tmp_path / "liste.csv"
    shorter.write_text("\n".join(rows[:2]) + "\n", encoding="utf-8")
    result = import_table(unna, shorter, "cooperations", name="liste")
    assert result.rows == 1
    text = result.target.read_text(encoding="utf-8")
    assert "pflegekinderdienst" not in text and "gemeinsame-jugendschutzstelle-kamen-bergkamen" in text
    build(unna, tmp_path / "out")


def test_import_facilities(unna, tmp_path):
    result = import_table(unna, FIXTURES / "einrichtungen-kreis-unna.csv", "facilities")
    assert result.rows == 2
    built = triples_of(build(unna, tmp_path / "out"))
    kamen = BASE + "facility/jugendschutzstelle-in-kamen"
    assert (kamen, "https://w3id.org/ikz/ontology#unknown", "https://w3id.org/ikz/ontology#operatedBy") in built
    assert (kamen, "https://w3id.org/ikz/ontology#serviceArea", "https://w3id.org/ikz/concept/service-area/Inobhutnahme") in built
    eb = BASE + "facility/erziehungsberatungsstelle-des-kreises-unna"
    assert (eb, "https://schema.org/address", "Holzwickede") in built


def test_commands_are_listed_with_help():
    assert [c.name for c in COMMANDS] == ["add-source", "extract", "accept", "import", "diff"]
    for command in COMMANDS:
        assert len(command.help or "") > 40
        result = CliRunner().invoke(command, ["--help"])
        assert result.exit_code == 0 and "Aufruf:" in result.output  # German first: click's "Usage:" in German


# --- the state portal's project record fields (issue 15) ----------------------------------------

PORTAL_HEADER = "Titel;Beteiligte Kommunen;Federführung;Thema;Status;Rechtsform;Anlass;Finanzierung;Ansprechperson;Quelle;Zitat\n"
PORTAL_ROW = ("Pflegekinderdienst Lünen und Selm;Lünen; Selm;Lünen;Kinder- und Jugendhilfe;bestehend;öffentlich-rechtliche Vereinbarung;"
              "Schwertes Jugendhilfeausschuss befasst sich im Juni 2019 mit der Frage.;{financing};Herr Jörg Wiesenthal, Stadt Lünen;"
              "doc:2019-protokoll-ag-jugendhilfe-kreis-unna;Die Städte Lünen und Selm haben zum 01.07.2018 eine öffentlich-rechtliche "
              "Vereinbarung über die gemeinsame Wahrnehmung der Aufgaben des Pflegekinderdienstes geschlossen.\n")


def test_import_reads_the_portal_record_fields(unna, tmp_path):
    sheet = tmp_path / "projektprofile.csv"
    # "Lünen; Selm" in one cell needs quotes in a ;-separated file
    row = PORTAL_ROW.replace("Lünen; Selm", '"Lünen; Selm"').format(financing="")
    sheet.write_text(PORTAL_HEADER + row, encoding="utf-8")
    import_table(unna, sheet, "cooperations")
    built = triples_of(build(unna, tmp_path / "out"))
    coop = BASE + "cooperation/pflegekinderdienst-luenen-und-selm"
    ikz = "https://w3id.org/ikz/ontology#"
    assert (coop, ikz + "leadPartner", BASE + "municipality/05978024") in built
    reason = next(o for s, p, o in built if s == coop and p == ikz + "reason")
    assert (reason, "http://www.w3.org/ns/oa#exact", "Schwertes Jugendhilfeausschuss befasst sich im Juni 2019 mit der Frage.") in built
    person = next(o for s, p, o in built if s == coop and p == ikz + "contactPerson")
    assert (person, "http://xmlns.com/foaf/0.1/name", "Jörg Wiesenthal") in built


@pytest.mark.parametrize("change, column, german, english", [
    (lambda r: r.replace(";Lünen;Kinder", ";Unna;Kinder"), "Federführung", "steht aber nicht unter den Kommunen",
     "is not among the cooperation's municipalities"),
    (lambda r: r.replace("{financing}", "Die Kosten trägt allein die Stadt Lünen."), "Finanzierung",
     "nicht genau einmal wörtlich", "does not occur exactly once, verbatim"),
])
def test_import_refuses_a_lead_outside_the_partners_and_a_record_text_not_in_the_source(unna, tmp_path, change, column, german, english):
    sheet = tmp_path / "projektprofile.csv"
    sheet.write_text(PORTAL_HEADER + change(PORTAL_ROW.replace("Lünen; Selm", '"Lünen; Selm"')).format(financing=""), encoding="utf-8")
    with pytest.raises(ImportTableError) as raised:
        import_table(unna, sheet, "cooperations")
    assert [p.split(":")[0] for p in raised.value.problems] == [f"Zeile 2, Spalte '{column}'"]
    assert german in raised.value.problems[0]
    with use("en"):
        assert english in raised.value.problems[0]

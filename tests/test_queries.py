"""The question library: every named question against its reviewed expected answer, data
checks, identical answers on every store, parameters, formats and errors of `ikz query`."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.core.i18n import use
from click.testing import CliRunner

from graph.cli.main import library_markdown, main
from graph.sparql.query import GraphQuery, OxigraphEngine, QueryTimeout
from graph.sparql.questions import PARAM_TYPES, QuestionError, load_library
from graph.sparql.gate import QueryRefused
from graph.builder.void import describe
from update_expected import EXAMPLE_PARAMS

HERE = Path(__file__).parent
ROOT = HERE.parent
LIBRARY = load_library(__import__("graph").find_project(ROOT))
QUESTIONS = sorted(q for q, v in LIBRARY.items() if not v.is_violation_check)
CHECKS = sorted(q for q, v in LIBRARY.items() if v.is_violation_check)


def _cell(text: str | None) -> str | None:
    """GROUP_CONCAT order is not defined by SPARQL: compare concatenations (in a term's N3
    text) as sorted parts."""
    if text is None:
        return None
    match = re.fullmatch(r'"(.*)"((?:@[\w-]+|\^\^<[^>]*>)?)', text, re.S)
    if not match:
        return text
    value, suffix = match.groups()
    for separator in (" | ", ", "):
        if separator in value:
            value = separator.join(sorted(value.split(separator)))
            break
    return f'"{value}"{suffix}'


def normalized(result) -> list[tuple]:
    return sorted(tuple(_cell(None if r.get(v) is None else r[v].n3()) for v in result.vars) for r in result.rows)


def read_tsv(path: Path) -> tuple[list[str], list[tuple]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    names = [v[1:] for v in lines[0].split("\t")]
    rows = sorted(tuple(_cell(c or None) for c in line.split("\t")) for line in lines[1:])
    return names, rows


# --- the library ----------------------------------------------------------------------------


def test_library_has_enough_documented_questions():
    assert len(QUESTIONS) >= 15
    for qid in QUESTIONS + CHECKS:
        q = LIBRARY[qid]
        assert q.title.get("de") and q.title.get("en"), qid
        assert q.question.get("de") and q.question.get("en"), qid
        assert all(p.type in PARAM_TYPES for p in q.params), qid


def test_queries_readme_lists_the_library():
    readme = (ROOT / "queries" / "README.md").read_text(encoding="utf-8")
    assert library_markdown(LIBRARY) in readme, "regenerate with: ikz queries --format md"


@pytest.mark.parametrize("qid", QUESTIONS)
def test_named_question_gives_the_reviewed_answer(gq, qid):
    result = gq.ask(qid, EXAMPLE_PARAMS.get(qid, {}))
    names, rows = read_tsv(HERE / "expected" / f"{qid}.tsv")
    assert result.vars == names
    assert normalized(result) == rows


@pytest.mark.parametrize("qid", CHECKS)
def test_data_check_is_clean_on_the_real_data(gq, qid):
    assert gq.ask(qid).rows == []


@pytest.mark.parametrize("qid", CHECKS)
def test_data_check_finds_its_broken_fixture(project, built, qid):
    store = ox.Store()
    store.bulk_load(path=str(built.output / "ikz.nt"), format=ox.RdfFormat.N_TRIPLES)
    fixture = HERE / "fixtures" / "violations" / f"{qid}.ttl"
    store.extend(ox.parse(path=str(fixture), base_iri="https://w3id.org/ikz/id/"))
    describe(store, "https://w3id.org/ikz/id/")  # the dataset description a build of the broken data writes
    gq = GraphQuery(project, OxigraphEngine(store, __import__("graph.sparql.query").sparql.query.project_prefixes(project)))
    assert len(gq.ask(qid).rows) >= 1


@pytest.fixture(scope="module")
def stores(project, built):
    return {name: GraphQuery.open(project, name, graph_dir=built.output) for name in ("oxigraph", "rdflib", "memory")}


@pytest.mark.parametrize("qid", QUESTIONS + CHECKS)
def test_identical_answers_on_every_store(stores, qid):
    answers = {name: normalized(gq.ask(qid, EXAMPLE_PARAMS.get(qid, {}))) for name, gq in stores.items()}
    assert answers["oxigraph"] == answers["rdflib"] == answers["memory"]


# --- parameters -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["Breckerfeld", "breckerfeld", "05954004", "Breckerfeld, Hansestadt", "m:05954004"])
def test_town_by_label_ags_or_official_name(gq, name):
    reference = normalized(gq.ask("partners-of-town", {"town": "Breckerfeld"}))
    assert normalized(gq.ask("partners-of-town", {"town": name})) == reference
    assert len(reference) > 0


def test_short_form_of_a_town_name(gq):
    assert gq.term("municipality", "Wetter").endswith("/municipality/05954032")


def test_concept_by_german_or_english_label(gq):
    by_de = normalized(gq.ask("facilities", {"kind": "Jugendschutzstelle"}))
    by_en = normalized(gq.ask("facilities", {"kind": "youth protection shelter"}))
    assert by_de == by_en and len(by_de) == 2


def test_parameter_filters_results(gq):
    counselling = gq.ask("towns-without-cooperation", {"area": "Beratung"}).values("townLabel")
    shelters = gq.ask("towns-without-cooperation", {"area": "Inobhutnahme"}).values("townLabel")
    assert counselling == ["Hattingen", "Herdecke", "Wetter (Ruhr)", "Witten"]
    assert shelters == []


def test_hostile_parameter_value_is_only_data(gq):
    """A value that looks like SPARQL stays a literal: no injection, just no match."""
    hostile = 'x" } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o'
    result = gq.run("SELECT ?t WHERE { ?t skos:prefLabel ?l FILTER(STR(?l) = ?name) }", {"name": gq.adhoc_term(hostile)})
    assert result.rows == []


# --- the CLI --------------------------------------------------------------------------------


def run(*args):
    return CliRunner().invoke(main, ["--project", str(ROOT), *args], catch_exceptions=False)


@pytest.fixture(scope="module", autouse=True)
def _build_for_cli(built):
    """The CLI reads build/graph: make sure it holds the current build."""
    result = CliRunner().invoke(main, ["--project", str(ROOT), "build"])
    assert result.exit_code == 0, result.output


def test_cli_lists_questions():
    result = run("queries")
    assert result.exit_code == 0
    for qid in QUESTIONS:
        assert qid in result.output
    assert "town: municipality = Witten" in result.output


def test_cli_table_format():
    result = run("query", "partners-of-town", "-p", "town", "Breckerfeld", "--format", "table")
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("partnerLabel")
    assert "(15 Zeilen)" in result.output


def test_cli_csv_is_excel_ready():
    result = CliRunner().invoke(main, ["--project", str(ROOT), "query", "facilities", "--format", "csv"])
    assert result.stdout_bytes.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.reader(io.StringIO(result.stdout_bytes.decode("utf-8-sig")), delimiter=";"))  # German Excel
    assert rows[0][:3] == ["facilityLabel", "kindLabel", "operatorLabel"]
    assert any("Sprockhövel" in cell for row in rows for cell in row)


def test_cli_json_is_sparql_results_json():
    data = json.loads(run("query", "competent-office", "--format", "json").output)
    assert data["head"]["vars"][0] == "townLabel"
    breckerfeld = data["results"]["bindings"][0]
    assert breckerfeld["ags"] == {"type": "literal", "value": "05954004"}
    assert breckerfeld["officeLabel"]["xml:lang"] == "de"
    assert breckerfeld["ownOffice"]["value"] == "false"


def test_cli_tsv_and_md():
    tsv = run("query", "town-profile", "-p", "town", "Witten", "--format", "tsv").output
    assert tsv.splitlines()[0].startswith("?label\t?ags")
    assert '"96459"^^<http://www.w3.org/2001/XMLSchema#integer>' in tsv
    md = run("query", "town-profile", "-p", "town", "Witten", "--format", "md").output
    assert md.splitlines()[1].startswith("|---|")


def test_cli_english_labels():
    result = run("--lang", "en", "query", "existing-vs-proposed", "--format", "tsv")
    assert '"proposed"@en' in result.output and '"vorgeschlagen"@de' not in result.output


@pytest.mark.parametrize("fmt,marker", [("ttl", "@prefix"), ("nt", "<https://w3id.org/ikz/id/municipality/05954004>"), ("jsonld", '"@id"')])
def test_cli_construct_formats(fmt, marker):
    result = run("query", "--text", "CONSTRUCT { ?t skos:prefLabel ?l } WHERE { ?t a ikz:Municipality ; skos:prefLabel ?l }", "--format", fmt)
    assert result.exit_code == 0 and marker in result.output
    assert "Breckerfeld" in result.output


def test_cli_file_and_text(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?t a ikz:Municipality }", encoding="utf-8")
    assert run("query", "--file", str(path), "--format", "csv").output.strip().endswith("9")


def test_cli_output_file(tmp_path):
    out = tmp_path / "matrix.csv"
    result = run("query", "coverage-matrix", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf") and "Breckerfeld" in out.read_text(encoding="utf-8-sig")


# --- errors ---------------------------------------------------------------------------------


def test_syntax_error_names_line_and_column_and_shows_the_line():
    result = run("query", "--text", "SELECT ?x WHERE {\n  ?x a ikz:Municipality .\n  FILTER(?x = ) }")
    assert result.exit_code == 2
    assert "--text:3:" in result.output and "FILTER(?x = ) }" in result.output and "^" in result.output


def test_unknown_question_suggests_nearest():
    result = run("query", "partners-of-twn")
    assert result.exit_code == 2 and "Meinten Sie: partners-of-town" in result.output
    with pytest.raises(QuestionError) as error:
        GraphQuery.open(ROOT).ask("partners-of-twn")
    with use("en"):
        assert "Did you mean: partners-of-town" in str(error.value)


def test_missing_parameter_names_it_and_its_type():
    result = run("query", "evidence")
    assert result.exit_code == 2
    assert "braucht den Parameter 'statement' (iri)" in result.output


@pytest.mark.parametrize("args,expected", [
    (("-p", "town", "Witen"), "Meinten Sie Witten?"),
    (("-p", "kind", "Schwimmbad"), "erwartet eine Einrichtungsart"),
    (("-p", "twn", "Witten"), "hat keinen Parameter 'twn'"),
])
def test_ill_typed_or_unknown_parameter(args, expected):
    result = run("query", "partners-of-town", *args)
    assert result.exit_code == 2 and expected in result.output


def test_timeout_stops_a_runaway_query():
    result = run("query", "--timeout", "1", "--text",
                 "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }")
    assert result.exit_code == 3 and "länger als 1 s" in result.output


def test_next_query_answers_after_a_timeout(gq):
    with pytest.raises(QueryTimeout):
        gq.run("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }", timeout=0.5)
    assert len(gq.ask("competent-office").rows) == 9


@pytest.mark.parametrize("text,fragment", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL Update"),
    ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update"),
    ("LOAD <http://127.0.0.1:9/x.ttl>", "SPARQL Update (LOAD)"),
    ("SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * WHERE " + "{" * 100 + " ?s ?p ?o " + "}" * 100, "verschachtelt"),
])
def test_refused_queries(text, fragment):
    result = run("query", "--text", text)
    assert result.exit_code == 2 and fragment in result.output


def test_gate_ignores_keywords_in_strings_and_iris(gq):
    result = gq.run('SELECT ?x WHERE { BIND("SERVICE INSERT FROM" AS ?x) FILTER(?x != <urn:LOAD>) }')
    assert result.values("x") == ["SERVICE INSERT FROM"]


def test_refusal_is_a_library_error_too(gq):
    with pytest.raises(QueryRefused):
        gq.run("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(QuestionError):
        gq.ask("no-such-question")


def test_no_query_is_string_built():
    """Query text is never assembled with f-strings, % or .format around SPARQL keywords."""
    pattern = re.compile(r"""(f["']|%\s*\(|\.format\().*\b(SELECT|CONSTRUCT|ASK|WHERE|FILTER|VALUES)\b""")
    offenders = []
    for path in (ROOT / "graph").glob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and "raise" not in line and "fix=" not in line:
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []

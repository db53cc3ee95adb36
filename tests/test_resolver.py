"""One resolver for what users type, over the real built graph: the same exact, prefix and
did-you-mean rules for every kind; a value that names nothing is an error with suggestions,
never an empty answer. And parameters bound by tokens reach sub-SELECTs, MINUS and EXISTS on
every engine."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from graph.cli.main import main
from graph.core.i18n import use
from graph.sparql.errors import QueryRefused, QuestionError, ValueNotFound
from graph.sparql.query import GraphQuery
from graph.sparql.resolve import resolve, shown, Candidate

STORES = ("oxigraph", "rdflib", "memory")


@pytest.fixture(scope="module")
def engines(project, built):
    return {name: GraphQuery.open(project, name, graph_dir=built.output) for name in STORES}


def local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


@pytest.mark.parametrize("kind,value,expected", [
    ("municipality", "Breckerfeld", "05954004"),
    ("municipality", "BRECKERFELD", "05954004"),
    ("municipality", "05954004", "05954004"),
    ("municipality", "m:05954004", "05954004"),
    ("municipality", "<https://w3id.org/ikz/id/municipality/05954004>", "05954004"),
    ("municipality", "Sprockhovel", "05954028"),    # without the umlaut
    ("municipality", "Wetter", "05954032"),          # a unique prefix
    ("district", "Ennepe", "05954"),
    ("district", "Ennepe-Ruhr", "05954"),
    ("district", "Ennepe-Ruhr-Kreis", "05954"),
    ("district", "05954", "05954"),
    ("facility-kind", "Jugendschutz", "Jugendschutzstelle"),
    ("facility-kind", "youth protection shelter", "Jugendschutzstelle"),
    ("service-area", "Beratung", "Beratung"),
    ("status", "bestehend", "bestehend"),
    ("status", "existing", "bestehend"),
    ("document", "votum-2016", "votum-2016"),
    ("document", "doc:votum-2016", "votum-2016"),
])
def test_resolves_by_name_key_prefix_or_iri(gq, kind, value, expected):
    assert local(resolve(gq, kind, value)) == expected
    assert local(gq.term(kind, value)) == expected  # the old entry point answers the same


@pytest.mark.parametrize("kind,typo,meant", [
    ("service-area", "Beratng", "Beratung"),
    ("facility-kind", "Jugendschutzstele", "Jugendschutzstelle"),
    ("status", "bestehnd", "bestehend"),
    ("municipality", "Breckerfelt", "Breckerfeld"),
    ("district", "Enepe-Ruhr-Kreis", "Ennepe-Ruhr-Kreis"),
])
def test_typos_get_did_you_mean(gq, kind, typo, meant):
    with pytest.raises(ValueNotFound) as error:
        resolve(gq, kind, typo, "p")
    assert error.value.suggestions[0] == meant
    assert len(error.value.suggestions) == len(set(error.value.suggestions))  # distinct
    assert f"Meinten Sie {meant}" in str(error.value)
    with use("en"):
        assert f"Did you mean {meant}" in str(error.value)


@pytest.mark.parametrize("kind", ["municipality", "district", "facility-kind", "service-area", "status",
                                  "legal-form", "document"])
def test_known_values_are_never_none(gq, kind):
    """The old bug: "Known: None, None, None, None, None"."""
    values = gq.resolver.values(kind)
    assert values and all(label and label != "None" for label, _, _ in values)
    with pytest.raises(ValueNotFound) as error:
        resolve(gq, kind, "zzzz-nothing", "p")
    assert "None" not in str(error.value) and "Bekannt: " in str(error.value)


def test_a_document_that_does_not_exist_is_an_error_with_suggestion(gq):
    """Issue 11: ``-p doc doc:votum-2017`` answered "(0 Zeilen)"."""
    with pytest.raises(ValueNotFound) as error:
        gq.ask("document-statements", {"doc": "doc:votum-2017"})
    assert error.value.suggestions == ["doc:votum-2016"]
    assert error.value.exit_code == 2


def test_an_unknown_iri_is_an_error(gq):
    with pytest.raises(ValueNotFound):
        gq.term("iri", "<https://w3id.org/ikz/id/nothing-here>", "statement")


def test_cli_refuses_a_value_that_names_nothing(gq):
    result = CliRunner().invoke(main, ["--project", str(gq.project.root), "query", "document-statements",
                                       "-p", "doc", "doc:votum-2017"])
    assert result.exit_code == 2
    assert "doc:votum-2016" in result.output and "Zeilen" not in result.output


def test_repeated_labels_carry_their_key():
    a = Candidate("urn:a", keys=["05954004"], labels={"de": ["Breckerfeld"]})
    b = Candidate("urn:b", keys=["05999999"], labels={"de": ["Breckerfeld"]})
    c = Candidate("urn:c", keys=["05954008"], labels={"de": ["Ennepetal"]})
    assert shown([a, b, c], "de") == ["Breckerfeld (05954004)", "Breckerfeld (05999999)", "Ennepetal"]
    # one town with two spellings is suggested once
    d = Candidate("urn:a", keys=["05954004"], labels={"de": ["Breckerfeld"]}, alts=["Breckerfeld, Hansestadt"])
    assert shown([d], "de") == ["Breckerfeld"]


def test_unknown_kind_is_a_question_error(gq):
    with pytest.raises(QuestionError):
        gq.resolver.candidates("planet")


# --- parameters reach sub-SELECTs, MINUS and EXISTS ---------------------------------------------

BRECKERFELD = URIRef("https://w3id.org/ikz/id/municipality/05954004")
#: The parameter ?town is used only inside a sub-SELECT with LIMIT: a VALUES block at the top
#: would join after the LIMIT (and answer nothing or another town).
SUB_SELECT = """SELECT ?label WHERE {
  { SELECT ?label WHERE { ?town skos:prefLabel ?label } ORDER BY ?label LIMIT 1 }
}"""
COUNT_IN_SUB_SELECT = """SELECT ?n WHERE {
  { SELECT (COUNT(*) AS ?n) WHERE { ?m org:member ?town } }
}"""
MINUS = """SELECT ?t WHERE { ?t a ikz:Municipality MINUS { ?t ikz:ags ?a FILTER(?t = ?town) } }"""


@pytest.mark.parametrize("store", STORES)
def test_parameter_used_only_in_a_sub_select_is_bound_there(engines, store):
    gq = engines[store]
    labels = gq.run(SUB_SELECT, {"town": BRECKERFELD}).values("label")
    assert labels == ["Breckerfeld"]
    count = int(gq.run(COUNT_IN_SUB_SELECT, {"town": BRECKERFELD}).values("n")[0])
    everything = int(gq.run(COUNT_IN_SUB_SELECT.replace("?town", "?anyone")).values("n")[0])
    assert 0 < count < everything
    towns = gq.run(MINUS, {"town": BRECKERFELD}).values("t")
    assert str(BRECKERFELD) not in towns and len(towns) == 8


def test_bound_parameter_keeps_its_column(gq):
    result = gq.run("SELECT ?town ?label WHERE { ?town skos:prefLabel ?label }", {"town": BRECKERFELD})
    assert result.vars == ["town", "label"] and result.rows[0]["town"] == BRECKERFELD


def test_a_query_that_assigns_the_parameter_is_refused(gq):
    with pytest.raises(QueryRefused):
        gq.run("SELECT ?x WHERE { BIND(1 AS ?x) }", {"x": Literal(2)})
    with pytest.raises(QueryRefused):
        gq.run("SELECT ?x WHERE { VALUES ?x { 1 } }", {"x": Literal(2)})


def test_internal_readers_go_through_the_gate_and_worker(gq):
    rows = gq.tuples("facts/towns", {"lang": Literal("de")})
    assert len(rows) == 9 and all(isinstance(v, (str, type(None))) for row in rows for v in row)
    result = gq.select("lookup/district")
    assert {row[0] for row in result.tuples()} == {"https://w3id.org/ikz/id/district/05954"}
    with pytest.raises(QuestionError):
        gq.select("facts/no-such-query")

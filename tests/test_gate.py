"""The query gate reads tokens: a forbidden keyword is refused where SPARQL reads a keyword,
and never where it is data (a string, an IRI, a comment, a local name, a variable, a prefix
that no parser reads as a keyword). A property test generates both placements."""

from __future__ import annotations

import os

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.core.i18n import use
from graph.sparql.gate import UPDATE_KEYWORDS, gate, tokens
from graph.sparql.errors import QueryRefused

KEYWORDS = ("SERVICE", "FROM") + UPDATE_KEYWORDS
EXAMPLES = int(os.environ.get("IKZ_GATE_EXAMPLES", "150"))
CASES = st.sampled_from(KEYWORDS).flatmap(
    lambda k: st.sampled_from([k, k.lower(), k.capitalize(), k[0].lower() + k[1:]]))
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=0, max_size=4)


def _parses(text: str) -> None:
    """The generated query is real SPARQL (so the test is about real queries)."""
    ox.Store().query(text, prefixes={"ex": "http://example.org/"})


# --- data placements: must pass --------------------------------------------------------------

@st.composite
def keyword_as_data(draw):
    keyword = draw(CASES)
    before, after = draw(WORD), draw(WORD)
    place = draw(st.sampled_from(["string1", "string2", "long1", "long2", "escaped", "iri", "comment",
                                  "local", "variable", "update-in-prefix"]))
    glued = f"{before}{keyword}{after}"
    pattern = {
        "string1": f"BIND('{glued} <x> {{ }}' AS ?v)",
        "string2": f'BIND("{glued} \\" {keyword}" AS ?v)',
        "long1": f"BIND('''{glued}\n{keyword} <http://x> {{ }}''' AS ?v)",
        "long2": f'BIND("""{keyword}\n""{glued}""" AS ?v)',
        "escaped": f'BIND("\\t{keyword}\\\\" AS ?v)',
        "iri": f"BIND(<urn:{glued}> AS ?v)",
        "comment": f"BIND(1 AS ?v) # {keyword} <http://x> {{ ?s ?p ?o }}\n",
        "local": f"?s ex:{glued} ?v",
        "variable": f"?s ?{glued} ?v",
    }.get(place)
    if place == "update-in-prefix":
        update = draw(st.sampled_from(UPDATE_KEYWORDS)).lower()
        prefix = f"{before or 'x'}{update}{after}"
        return f"PREFIX {prefix}: <http://example.org/> SELECT ?v WHERE {{ ?s {prefix}:name ?v }}"
    return f"SELECT * WHERE {{ {pattern} }}"


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(query=keyword_as_data())
def test_keywords_as_data_pass(query):
    _parses(query)
    gate(query)


# --- keyword placements: must be refused -------------------------------------------------------

@st.composite
def keyword_as_keyword(draw):
    keyword = draw(st.sampled_from(KEYWORDS))
    spelled = draw(st.sampled_from([keyword, keyword.lower(), keyword.capitalize()]))
    space = draw(st.sampled_from([" ", "\n", "\t", "  ", " # comment\n", "\r"]))
    if keyword == "SERVICE":
        return f"SELECT * WHERE {{ ?s ?p ?o{space}{spelled}{space}<http://127.0.0.1:9/> {{ ?s ?p ?o }} }}"
    if keyword == "FROM":
        return f"SELECT *{space}{spelled}{space}<http://127.0.0.1:9/> WHERE {{ ?s ?p ?o }}"
    return {
        "INSERT": f"{spelled}{space}DATA {{ <urn:a> <urn:b> <urn:c> }}",
        "DELETE": f"{spelled}{space}WHERE {{ ?s ?p ?o }}",
        "LOAD": f"{spelled}{space}<http://127.0.0.1:9/x>",
        "CLEAR": f"{spelled}{space}ALL",
        "DROP": f"{spelled}{space}ALL",
        "CREATE": f"{spelled}{space}GRAPH <urn:g>",
        "ADD": f"{spelled}{space}DEFAULT TO <urn:g>",
        "MOVE": f"{spelled}{space}DEFAULT TO <urn:g>",
        "COPY": f"{spelled}{space}DEFAULT TO <urn:g>",
        "WITH": f"{spelled}{space}<urn:g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "USING": f"DELETE {{ ?s ?p ?o }}{space}{spelled}{space}<http://127.0.0.1:9/> WHERE {{ ?s ?p ?o }}",
    }[keyword]


@settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(query=keyword_as_keyword())
def test_keywords_as_keywords_are_refused(query):
    with pytest.raises(QueryRefused) as refused:
        gate(query)
    assert ":1:" in str(refused.value) or ":2:" in str(refused.value)  # located


# --- the cases the issue names ---------------------------------------------------------------

def test_address_prefix_passes():
    """Issue 11: ``address:`` was refused as SPARQL Update (ADD)."""
    text = "PREFIX address: <https://schema.org/> SELECT ?n WHERE { ?s address:name ?n }"
    _parses(text)
    gate(text)


@pytest.mark.parametrize("text", [
    # pyoxigraph 0.5 reads each of these as SERVICE / FROM (measured): refused
    "PREFIX Area: <http://127.0.0.1:9/> SELECT * WHERE { serviceArea:x { ?s ?p ?o } }",
    "PREFIX : <http://127.0.0.1:9/> SELECT * WHERE { ?s ?p trueservice:x { ?s ?p ?o } }",
    "PREFIX age: <http://127.0.0.1:9/> SELECT * fromage:x WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p trueSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 1SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_glued_keywords_a_parser_reads_are_refused(text):
    _parses(text)  # so the refusal matters: the engine would call out (a SELECT is lazy: nothing runs)
    with pytest.raises(QueryRefused):
        gate(text)


def test_codepoint_escapes_are_decoded_before_reading_keywords():
    """SPARQL 1.1 (19.2) decodes \\u escapes before parsing: a keyword spelled with them is one."""
    with pytest.raises(QueryRefused):
        gate("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")


def test_codepoint_escape_inside_a_string_stays_data():
    gate('SELECT ?v WHERE { BIND("\\u0053ERVICE" AS ?v) }')


def test_refusal_reads_german_and_english_with_location():
    text = "SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused) as refused:
        gate(text, where="q.rq")
    assert str(refused.value).startswith("q.rq:3:3: SERVICE (eine föderierte Abfrage")
    assert "Behebung: " in str(refused.value)
    with use("en"):
        assert str(refused.value).startswith("q.rq:3:3: SERVICE (a federated query to another server) is refused.")


def test_tokens_know_strings_iris_comments_and_names():
    kinds = [(t.kind, t.text) for t in tokens('ex:a "b\\"c" <urn:d> # e\n?f _:g @de 1.5 ^^ SELECT')]
    assert kinds == [("pname", "ex:a"), ("string", '"b\\"c"'), ("iri", "<urn:d>"), ("comment", "# e"),
                     ("var", "?f"), ("bnode", "_:g"), ("langtag", "@de"), ("number", "1.5"), ("punct", "^^"),
                     ("word", "SELECT")]

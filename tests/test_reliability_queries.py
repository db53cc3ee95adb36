"""Reliability of the query path: the gate (refusals, nesting ladder to 100,000), the worker
(timeout, memory cap, row cap, crashes), a query-bomb corpus, parameter binding against a Python
oracle (hypothesis), and a walk of the source proving no query is string-built.

Every figure is also recorded for the README's scorecard (``benchmarks/reliability.py``).
"""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Literal, URIRef

from fuzz.harness import record
from graph.core.i18n import use
from graph.sparql.formats import render
from graph.core.limits import DEFAULT_MAX_ROWS, MAX_QUERY_CHARS, MAX_QUERY_DEPTH
from graph.sparql.query import GraphQuery, QueryFailure, QuerySyntaxError, QueryTimeout, run_with_timeout
from graph.sparql.questions import QuestionError
from graph.sparql.gate import QueryRefused, gate

ROOT = Path(__file__).resolve().parent.parent
CANARY = "http://127.0.0.1:9/"  # never contacted: refused before anything runs
STORES = ("oxigraph", "rdflib", "memory")


@pytest.fixture(scope="module")
def engines(project, built):
    return {name: GraphQuery.open(project, name, graph_dir=built.output) for name in STORES}


# --- the gate -------------------------------------------------------------------------------

REFUSED = [
    # SERVICE, however spelled
    ("SELECT * WHERE { SERVICE <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { SERVICE SILENT <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("select * where { service <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { SeRvIcE <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { ?s ?p trueSERVICE <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),  # pyoxigraph reads true SERVICE
    ("SELECT * WHERE { ?s ?p ?o OPTIONAL{?s ?p ?o}SERVICE<%s>{?s ?p ?o} }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { # a comment ends at CR\rSERVICE <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { \\U00000053ERVICE <%s> { ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("PREFIX : <%s> SELECT * WHERE { SERVICE:{ ?s ?p ?o } }" % CANARY, "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o . SERVICE ?endpoint { ?s ?p ?o } VALUES ?endpoint { <%s> } }" % CANARY, "SERVICE"),
    # FROM / FROM NAMED
    ("SELECT * FROM <%s> WHERE { ?s ?p ?o }" % CANARY, "FROM"),
    ("SELECT * FROM NAMED <%s> WHERE { GRAPH ?g { ?s ?p ?o } }" % CANARY, "FROM"),
    ("SELECT*FROM<%s>WHERE{?s ?p ?o}" % CANARY, "FROM"),
    ("CONSTRUCT { ?s ?p ?o } from <%s> WHERE { ?s ?p ?o }" % CANARY, "FROM"),
    ("ASK FROM <%s> { ?s ?p ?o }" % CANARY, "FROM"),
    ("DESCRIBE <urn:x> FROM <%s>" % CANARY, "FROM"),
    # every update form, LOAD in all its places
    ("LOAD <%s>" % CANARY, "LOAD"),
    ("LOAD SILENT <%s> INTO GRAPH <urn:g>" % CANARY, "LOAD"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; LOAD <%s>" % CANARY, "SPARQL Update"),
    ("SELECT * WHERE { ?s ?p ?o } ; LOAD <%s>" % CANARY, "LOAD"),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL Update"),
    ("DELETE DATA { <urn:a> <urn:b> <urn:c> }", "SPARQL Update"),
    ("DELETE WHERE { ?s ?p ?o }", "SPARQL Update"),
    ("WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }", "SPARQL Update"),
    ("CLEAR ALL", "SPARQL Update"),
    ("DROP SILENT DEFAULT", "SPARQL Update"),
    ("CREATE GRAPH <urn:g>", "SPARQL Update"),
    ("ADD DEFAULT TO <urn:g>", "SPARQL Update"),
    ("MOVE DEFAULT TO <urn:g>", "SPARQL Update"),
    ("COPY DEFAULT TO <urn:g>", "SPARQL Update"),
    ("INSERT { ?s ?p ?o } USING <%s> WHERE { ?s ?p ?o }" % CANARY, "SPARQL Update"),
    # nesting, size, control characters
    ("SELECT * WHERE " + "{" * 65 + " ?s ?p ?o " + "}" * 65, "nests deeper"),
    ("SELECT * WHERE { FILTER(" + "(" * 100 + "1" + ")" * 100 + ") }", "nests deeper"),
    ("SELECT * WHERE { ?s ?p ?o } #" + "x" * MAX_QUERY_CHARS, "longer than"),
    ("SELECT * WHERE { ?s ?p \"a\x00b\" }", "NUL"),
]


@pytest.mark.parametrize("text,fragment", REFUSED, ids=[f"refused-{i}" for i in range(len(REFUSED))])
def test_refused_on_every_engine(engines, text, fragment):
    failures = 0
    for name, gq in engines.items():
        with pytest.raises(QueryRefused) as refused:
            gq.run(text)
        with use("en"):
            message = str(refused.value)
        if fragment not in message or "fix:" not in message:
            failures += 1
    record("gate-refusals", title="Query gate: forbidden forms refused (× 3 engines)", cases=len(engines),
           failures=failures, limit="SERVICE, LOAD, FROM/FROM NAMED, every update, depth > 64, > 1 MB, NUL")
    assert failures == 0


ALLOWED = [
    'SELECT ?x WHERE { BIND("SERVICE LOAD FROM INSERT" AS ?x) }',
    "SELECT ?x WHERE { BIND('''FROM\nSERVICE''' AS ?x) }",
    "SELECT ?x WHERE { BIND(<urn:SERVICE> AS ?x) } # SERVICE <http://x> { }",
    "SELECT ?service ?from WHERE { ?service ikz:serviceArea ?from }",
    "SELECT * WHERE " + "{" * MAX_QUERY_DEPTH + " ?s ?p ?o " + "}" * MAX_QUERY_DEPTH,
]


@pytest.mark.parametrize("text", ALLOWED, ids=[f"allowed-{i}" for i in range(len(ALLOWED))])
def test_keywords_as_data_are_not_refused(gq, text):
    gq.run(text)
    record("gate-allowed", title="Query gate: keywords in strings, IRIs, comments, names still answered", cases=1,
           failures=0, limit="no false refusal", gate=False)


def test_every_named_question_passes_the_gate():
    files = sorted((ROOT / "queries").rglob("*.rq")) + sorted((ROOT / "graph").rglob("*.rq"))
    for path in files:
        gate(path.read_text(encoding="utf-8"), where=str(path))
    assert len(files) > 30


LADDER = [1, 10, 64, 65, 100, 1_000, 2_500, 10_000, 100_000]
#: shape -> (query of nesting depth n, counting every { and ( )
SHAPES = {
    "group": lambda n: "SELECT * WHERE " + "{" * n + " ?s ?p ?o " + "}" * n,
    "optional": lambda n: "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * (n - 1) + "}" * (n - 1) + " }",
    "paren": lambda n: "SELECT * WHERE { ?s ?p ?o FILTER" + "(" * (n - 1) + "true" + ")" * (n - 1) + " }",
    "unbalanced": lambda n: "SELECT * WHERE " + "{" * n,
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_query_nesting_ladder(gq, shape):
    """Depth 1 to 100,000: deep ones are refused by the lexer before any parser, in well
    under a second; shallow ones answer. The process survives all of them."""
    failures = 0
    for depth in LADDER:
        if depth < 2 and shape in ("optional", "paren"):
            depth = 2
        text = SHAPES[shape](depth)
        start = time.monotonic()
        try:
            gq.run(text, timeout=10)
            outcome = "answered"
        except QueryRefused:
            outcome = "refused"
        except QuerySyntaxError:
            outcome = "syntax"
        elapsed = time.monotonic() - start
        expected = "refused" if depth > MAX_QUERY_DEPTH else ("syntax" if shape == "unbalanced" else "answered")
        if outcome != expected or elapsed > 5:
            failures += 1
    record("query-depth-ladder", title="Query nesting ladder, depth 1 … 100,000 (4 shapes)", cases=len(LADDER),
           failures=failures, limit=f"depth ≤ {MAX_QUERY_DEPTH}; deeper refused before parsing")
    assert failures == 0


def test_unguarded_pyoxigraph_does_crash_on_deep_nesting():
    """The hazard the gate exists for, measured: raw pyoxigraph on 2,500 nested groups kills
    its process (in a subprocess here)."""
    code = ("import pyoxigraph as ox; ox.Store().query('SELECT * WHERE ' + '{' * 2500 + ' ?s ?p ?o ' + '}' * 2500)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    crashed = done.returncode < 0 or done.returncode > 128
    record("hazard-pyoxigraph-nesting", title="Hazard check: raw pyoxigraph, 2,500 nested groups, crashes its process",
           cases=1, failures=0, limit="informational", gate=False, observed=f"exit {done.returncode}")
    if not crashed:
        pytest.skip("this pyoxigraph no longer crashes on deep nesting (the gate stays anyway)")


# --- the worker -----------------------------------------------------------------------------


def _segfault():
    os.kill(os.getpid(), signal.SIGSEGV)


def _killed():
    os.kill(os.getpid(), signal.SIGKILL)


def _allocate():
    block = bytearray(8 << 30)  # 8 GiB: beyond any cap below
    return len(block)


def _exits():
    os._exit(3)


@pytest.mark.parametrize("function,fragment", [
    (_segfault, "abgestürzt (SIGSEGV)"), (_killed, "beendet (SIGKILL)"), (_allocate, "mehr Speicher"),
    (_exits, "ohne Antwort (Exit-Code 3)"),
])
def test_worker_death_is_reported_and_the_next_query_answers(gq, function, fragment):
    with pytest.raises(QueryFailure) as failure:
        run_with_timeout(function, 10, memory_mb=512)
    assert fragment in str(failure.value) and "Behebung:" in str(failure.value)
    with use("en"):
        assert "fix:" in str(failure.value)
    assert len(gq.ask("competent-office").rows) == 9
    record("worker-crashes", title="Worker crash/kill/exit/MemoryError: reported, parent answers next query",
           cases=1, failures=0, limit="parent process never affected")


BOMBS = {
    "cartesian-order": "SELECT ?a ?b ?c WHERE { ?a ?p1 ?x . ?b ?p2 ?y . ?c ?p3 ?z } ORDER BY ?a ?b ?c",
    "cartesian-count": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "cartesian-distinct": "SELECT DISTINCT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "group-concat": "SELECT (GROUP_CONCAT(?l) AS ?all) WHERE { ?a ?p ?l . ?b ?q ?m . ?c ?r ?n }",
    "path-star": "SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:none>)* ?b . ?c (!<urn:none>)* ?d }",
    "path-inverse": "SELECT ?a ?b WHERE { ?a (^!<urn:x>|!<urn:y>)+ ?b } ORDER BY ?a",
    "values-cross": "ASK { " + " ".join(f"VALUES ?v{i} {{ {' '.join(str(n) for n in range(300))} }}" for i in range(4))
                    + " FILTER(?v0 + ?v1 + ?v2 + ?v3 < 0) }",
    "regex": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?l . ?b ?q ?m FILTER(REGEX(CONCAT(STR(?l), STR(?m)), \"(a|aa)+$\")) }",
    "strings": "SELECT (MAX(STRLEN(?s)) AS ?n) WHERE { ?a ?p ?l . ?b ?q ?m . BIND(CONCAT(STR(?l), STR(?m), STR(?l)) AS ?s) }",
    "uuids": "SELECT (COUNT(DISTINCT ?u) AS ?n) WHERE { ?a ?p ?o . ?b ?q ?r . BIND(STRUUID() AS ?u) }",
    "describe-all": "DESCRIBE ?a WHERE { ?a ?b ?c . ?d ?e ?f }",
    "construct-all": "CONSTRUCT { ?a ?b ?f } WHERE { ?a ?b ?c . ?d ?e ?f }",
    "sort-rand": "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } ORDER BY RAND()",
    "subquery-cross": "SELECT * WHERE { { SELECT ?a WHERE { ?a ?b ?c } } { SELECT ?d WHERE { ?d ?e ?f } } "
                      "{ SELECT ?g WHERE { ?g ?h ?i } } }",
}


def _detonate(gq, name: str, timeout: float) -> tuple[str, float]:
    start = time.monotonic()
    outcome = "answered"
    try:
        result = gq.run(BOMBS[name], timeout=timeout, memory_mb=512)
        assert len(result) <= DEFAULT_MAX_ROWS
    except QueryTimeout:
        outcome = "timeout"
    except QueryFailure:
        outcome = "worker failure"
    return outcome, time.monotonic() - start


@pytest.mark.parametrize("store", STORES)
def test_query_bombs_are_stopped(engines, store):
    """Each bomb ends in an answer (capped), a timeout or a reported worker failure within the
    timeout plus slack, on every engine (several at once: each in its own worker); the parent
    survives and the next query answers."""
    from concurrent.futures import ThreadPoolExecutor

    gq, timeout = engines[store], 1.5
    with ThreadPoolExecutor(7) as pool:
        outcomes = dict(zip(sorted(BOMBS), pool.map(lambda name: _detonate(gq, name, timeout), sorted(BOMBS))))
    answers = len(gq.run("SELECT ?t WHERE { ?t a ikz:Municipality }", timeout=30).rows) == 9
    late = {name: round(elapsed, 1) for name, (_, elapsed) in outcomes.items() if elapsed > timeout + 5}
    for name, (outcome, elapsed) in outcomes.items():
        record("query-bombs", title="Query-bomb corpus × 3 engines: stopped, parent answers next", cases=1,
               failures=int(name in late or not answers), limit="1.5 s timeout, 512 MiB, 100,000 rows",
               outcome=outcome)
    assert late == {} and answers


def test_syntax_check_of_an_ask_bomb_runs_in_the_worker(gq):
    """pyoxigraph evaluates ASK eagerly, even on the empty store used for the syntax check: the
    check must run under the timeout too (it used to run in the parent, without one)."""
    start = time.monotonic()
    with pytest.raises(QueryTimeout):
        gq.run(BOMBS["values-cross"], timeout=1)
    assert time.monotonic() - start < 5


def test_memory_cap_stops_a_memory_bomb(gq):
    with pytest.raises(QueryFailure) as failure:
        gq.run(BOMBS["cartesian-order"], timeout=60, memory_mb=256)
    assert "Speicher" in str(failure.value)
    assert len(gq.ask("competent-office").rows) == 9
    record("worker-memory-cap", title="Memory bomb stopped by the worker's memory cap", cases=1, failures=0,
           limit="256 MiB in this test (default 2,048 MiB)")


@pytest.mark.parametrize("store", STORES)
def test_row_cap_truncates_and_says_so(engines, store):
    gq = engines[store]
    result = gq.run("SELECT ?s ?p ?o WHERE { ?s ?p ?o }", max_rows=50)
    assert result.truncated and result.limit == 50 and len(result.rows) == 50
    assert "truncated after 50 rows" in result.truncation_note("en")
    assert "abgeschnitten" in result.truncation_note("de")
    # the formats stay valid documents
    data = json.loads(render(result, "json", gq.prefixes))
    assert len(data["results"]["bindings"]) == 50
    rows = list(csv.reader(io.StringIO(render(result, "csv", gq.prefixes).lstrip("\ufeff"))))
    assert len(rows) == 51
    graph = gq.run("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", max_rows=20)
    assert graph.truncated and len(graph.triples) == 20
    small = gq.run("SELECT ?t WHERE { ?t a ikz:Municipality }", max_rows=50)
    assert not small.truncated and small.truncation_note() is None
    assert not gq.run("SELECT ?s WHERE { ?s ?p ?o }", max_rows=0).truncated  # 0: no cap
    record("row-cap", title="Row cap: answers cut and flagged, formats stay valid (× 3 engines)", cases=1,
           failures=0, limit=f"{DEFAULT_MAX_ROWS:,} rows by default ($IKZ_MAX_ROWS)")


def test_row_cap_from_the_environment(gq, monkeypatch):
    monkeypatch.setenv("IKZ_MAX_ROWS", "7")
    result = gq.run("SELECT ?s WHERE { ?s ?p ?o }")
    assert result.truncated and len(result.rows) == 7


# --- parameters: bound, never formatted in (hypothesis against a Python oracle) ---------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NASTY = st.sampled_from(['"', "'", "\\", "}", "{", ")", "(", "\n", "\r", "\t", "#", "<", ">", '"""', "'''",
                         " } ; DROP ALL ; SELECT * WHERE { ", "\\u0022", "\\n", "?x", "$x", "@de", "^^xsd:int",
                         "SERVICE <http://127.0.0.1:9/> { }", "\x00", "\u2028", "ä", "🙂", "\ufeff"])
VALUES = st.lists(st.one_of(st.text(max_size=12), NASTY), max_size=6).map("".join)
_BINDING_CASES = {"n": 0}


@settings(max_examples=int(os.environ.get("IKZ_BINDING_EXAMPLES", "60")), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(value=VALUES, lang=st.sampled_from([None, "de", "en"]))
def test_string_parameters_round_trip_exactly(gq, value, lang):
    """Whatever the text, a bound parameter is one literal: it comes back unchanged, and a
    FILTER with it matches exactly the labels Python says are equal."""
    term = Literal(value, lang=lang)
    result = gq.run("SELECT ?v ?n WHERE { BIND(?param AS ?v) "
                    "{ SELECT (COUNT(*) AS ?n) WHERE { ?t skos:prefLabel ?l FILTER(?l = ?param) } } }",
                    {"param": term})
    assert len(result.rows) == 1
    assert result.rows[0]["v"] == term  # the oracle: Python's own equality of the term
    labels = gq.run("SELECT ?l WHERE { ?t skos:prefLabel ?l }").rows
    expected = sum(1 for row in labels if row["l"] == term)
    assert int(result.rows[0]["n"]) == expected
    _BINDING_CASES["n"] += 1
    record("binding-property", title="Parameter binding vs. a Python oracle (hypothesis)", cases=1, failures=0,
           limit="values are data, never code")


@settings(max_examples=int(os.environ.get("IKZ_BINDING_EXAMPLES", "60")) // 3, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(value=VALUES)
def test_iri_and_name_parameters_are_checked_or_bound(gq, value):
    """A user-typed IRI either becomes one IRI term or is refused with a message; a town name
    either resolves to a town or is refused - never an error of another kind."""
    try:
        term = gq.iri(value, "value")
    except QuestionError:
        term = None
    if term is not None:
        assert isinstance(term, URIRef)
        assert gq.run("SELECT ?v WHERE { BIND(?x AS ?v) }", {"x": term}).rows[0]["v"] == term
    try:
        town = gq.term("municipality", value)
        assert str(town).startswith(gq.base + "municipality/")
    except QuestionError:
        pass
    record("binding-property", title="Parameter binding vs. a Python oracle (hypothesis)", cases=1, failures=0,
           limit="values are data, never code")


# --- no query is string-built (a walk of the source) ----------------------------------------

SPARQL_WORDS = re.compile(r"\b(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|FILTER|VALUES|BIND|INSERT|DELETE|PREFIX|"
                          r"SERVICE|OPTIONAL|UNION|GRAPH)\b")
#: The places allowed to assemble query text, and why (none takes a user's value):
ALLOWED_BUILDERS = {
    ("gate.py", "bind_values"),  # a VALUES block of N-Triples terms (Term.n3()), for direct store callers
    ("binding.py", "substitute"),  # the binding mechanism: a variable token replaced by its Term.n3()
    ("endpoint.py", "prologue"),  # PREFIX lines from the project's own files, names and IRIs checked
    ("derive.py", "as_insert"),  # a rule file's CONSTRUCT as an INSERT of the same template (graph/builder/derive/)
    ("shacl_sparql.py", "_sparql"),  # SHACL-SPARQL's sh:declare prefixes from ontology/shapes.ttl (the spec's way)
}
MESSAGE_CALLS = re.compile(r"(Error|Refused|Failure|Timeout|Exception|Warning)$|^(echo|print|say|warn|log\w*|_fail)$")


def _string_parts(node) -> str:
    return " ".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def _called_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else (func.id if isinstance(func, ast.Name) else "")


def string_built_queries(root: Path) -> tuple[int, list[str]]:
    """(string-building expressions looked at, offenders): f-strings, ``%``, ``+`` and
    ``.format`` whose text reads like SPARQL, outside messages and the allowed builders."""
    offenders, looked = [], 0
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        parents = {}
        for parent in ast.walk(tree):
            for child in ast.iter_child_nodes(parent):
                parents[child] = parent
        for node in ast.walk(tree):
            built = (isinstance(node, ast.JoinedStr)
                     or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add))
                         and any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in (node.left, node.right)))
                     or (isinstance(node, ast.Call) and _called_name(node) in ("format", "join")
                         and isinstance(getattr(node.func, "value", None), ast.Constant)))
            if not built or (isinstance(node, ast.BinOp) and isinstance(parents.get(node), ast.BinOp)):
                continue  # not building text, or part of a larger expression looked at as a whole
            looked += 1
            text = _string_parts(node)
            if not SPARQL_WORDS.search(text) or not re.search(r"[{?]|\bWHERE\b|\bPREFIX\b", text):
                continue
            up, function, message = node, None, False
            while up in parents:
                up = parents[up]
                if isinstance(up, ast.Call) and MESSAGE_CALLS.search(_called_name(up)):
                    message = True
                if isinstance(up, ast.keyword) and up.arg in ("fix", "help", "message", "where"):
                    message = True
                if isinstance(up, (ast.Raise, ast.Assert)):
                    message = True
                if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)) and function is None:
                    function = up.name
            if message or (path.name, function) in ALLOWED_BUILDERS:
                continue
            offenders.append(f"{path.relative_to(root.parent)}:{node.lineno}: {ast.unparse(node)[:120]}")
    return looked, offenders


def test_no_query_is_string_built_by_ast_walk():
    looked, offenders = string_built_queries(ROOT / "graph")
    record("injection-source-walk", title="Source walk: string-built queries in graph/", cases=looked,
           failures=len(offenders), limit="0 outside the VALUES binder and PREFIX declarations")
    assert offenders == []


def test_the_walk_finds_a_string_built_query(tmp_path):
    """The walk itself works: it flags the usual ways of pasting a value into a query."""
    package = tmp_path / "graph"
    package.mkdir()
    (package / "bad.py").write_text(
        "def a(town):\n    return store.query(f'SELECT ?x WHERE {{ ?x rdfs:label \"{town}\" }}')\n"
        "def b(town):\n    return 'SELECT ?x WHERE { ?x rdfs:label \"%s\" }' % town\n"
        "def c(town):\n    return 'SELECT ?x WHERE { ?x rdfs:label \"' + town + '\" }'\n"
        "def d(town):\n    return 'SELECT ?x WHERE {{ ?x rdfs:label \"{}\" }}'.format(town)\n"
        "def e(town):\n    raise ValueError(f'SELECT ... WHERE {town} failed')\n", encoding="utf-8")
    looked, offenders = string_built_queries(package)
    assert len(offenders) == 4 and looked == 5

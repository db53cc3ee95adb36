"""A second real engine: the build published to Virtuoso Open Source with ``ikz publish``
(SPARQL 1.1 Graph Store Protocol, digest authentication), then every named question and data
check asked over ``--endpoint`` gives the embedded store's answer.

Virtuoso is started by the tests on loopback (tests/virtuoso_server.py). Without virtuoso-t
the module is skipped, except in CI (``$CI`` set, where .ci/run installs it): there a missing
server fails.
"""

from __future__ import annotations

import json
import os
import re
import urllib.parse

import pytest
from click.testing import CliRunner

from graph.cli.main import main
from graph.outputs.publish import target_url
from graph.sparql.query import GraphQuery
from test_queries import CHECKS, LIBRARY, QUESTIONS, ROOT, normalized
from update_expected import EXAMPLE_PARAMS
from virtuoso_server import BINARY, installed, running_virtuoso

GRAPH = "https://w3id.org/ikz/graph/test"


@pytest.fixture(scope="module")
def virtuoso():
    if not installed():
        message = f"Virtuoso Open Source ({BINARY}, isql-vt) is not installed: apt-get install virtuoso-opensource"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run the Virtuoso round trip)")
        pytest.skip(message)
    with running_virtuoso() as server:
        yield server


def publish_cli(server, *extra, password=None):
    env = {"IKZ_PUBLISH_PASSWORD": server.password if password is None else password}
    return CliRunner().invoke(main, ["--project", str(ROOT), "publish", "--endpoint", server.graph_store, *extra],
                              env=env)


@pytest.fixture(scope="module")
def published(project, built, virtuoso):
    """The session build in the named graph GRAPH; the query URL that reads it as default graph."""
    stale = "<urn:ikz:stale> <urn:ikz:p> <urn:ikz:o> .\n"
    assert publish_cli_text(virtuoso, stale) in (200, 201, 204)
    result = publish_cli(virtuoso, "--graph", str(built.output), "--named-graph", GRAPH, "--user", "dba")
    assert result.exit_code == 0, result.output
    return virtuoso.sparql + "?" + urllib.parse.urlencode({"default-graph-uri": GRAPH})


def publish_cli_text(server, ntriples: str) -> int:
    """Something stale in the graph first, through the same module (so publishing replaces)."""
    from graph.outputs.publish import publish

    path = server.folder / "stale.nt"
    path.write_text(ntriples)
    return publish(path, server.graph_store, named_graph=GRAPH, user="dba", password=server.password)


@pytest.fixture(scope="module")
def remote(project, published):
    return GraphQuery.open(project, endpoint=published)


def test_publish_replaces_the_named_graph_with_the_build(remote, built):
    assert remote.run("ASK { <urn:ikz:stale> ?p ?o }").boolean is False
    assert remote.run("ASK { ?s a ikz:Municipality }").boolean is True
    count = remote.run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    lines = [line for line in (built.output / "ikz.nt").read_text(encoding="utf-8").splitlines() if line.strip()]
    assert int(count) == len(lines) and count.datatype.endswith("#integer")


def order_keys(text: str, result) -> list[str]:
    """The projected variables of the question's ORDER BY (empty without one)."""
    match = re.search(r"ORDER\s+BY\s+(.*)$", re.sub(r"#.*", "", text), re.S | re.I)
    if not match:
        return []
    keys = re.findall(r"[?$](\w+)", match.group(1).split("LIMIT")[0])
    return [k for k in keys if k in result.vars]


@pytest.mark.parametrize("qid", QUESTIONS + CHECKS)
def test_every_named_question_answers_as_on_the_embedded_store(gq, remote, qid):
    params = EXAMPLE_PARAMS.get(qid, {})
    here, there = gq.ask(qid, params), remote.ask(qid, params)
    assert there.vars == here.vars
    assert normalized(there) == normalized(here)
    keys = order_keys(LIBRARY[qid].text, here)
    if keys:  # the question's order too, where it has one (ties may come in any order)
        assert [[r[k] for k in keys] for r in there.rows] == [[r[k] for k in keys] for r in here.rows]


def test_truth_values_come_back_as_booleans(remote):
    assert remote.run("ASK { ?s a ikz:Municipality }").boolean is True
    assert remote.run("ASK { ?s a <urn:ikz:Nothing> }").boolean is False
    row = remote.run("SELECT (xsd:boolean(1 = 1) AS ?yes) (xsd:boolean(1 = 2) AS ?no) WHERE {}").rows[0]
    assert (row["yes"].toPython(), row["no"].toPython()) == (True, False)
    assert row["yes"].n3() == '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'


def test_ikz_query_with_endpoint_gives_the_embedded_json(published, built):
    runner = CliRunner()
    args = ["--project", str(ROOT), "query", "partners-of-town", "-p", "town", "Breckerfeld", "--format", "json"]
    there = json.loads(runner.invoke(main, args + ["--endpoint", published]).output)
    here = json.loads(runner.invoke(main, args + ["--graph", str(built.output)]).output)
    assert there["head"] == here["head"]
    assert there["results"]["bindings"] and there["results"]["bindings"] == here["results"]["bindings"]


def test_wrong_password_is_a_german_error_with_the_fix(virtuoso, built):
    result = publish_cli(virtuoso, "--graph", str(built.output), "--named-graph", GRAPH, "--user", "dba",
                         password="falsch")
    assert result.exit_code == 3
    assert "Der Server verweigert das Schreiben: HTTP 401" in result.output
    assert "$IKZ_PUBLISH_PASSWORD" in result.output


def test_without_a_user_virtuoso_asks_for_a_login(virtuoso, built):
    result = publish_cli(virtuoso, "--graph", str(built.output), "--named-graph", GRAPH)
    assert result.exit_code == 3 and "verlangt eine Anmeldung" in result.output


def test_default_graph_on_virtuoso_names_the_fix(virtuoso, built):
    result = publish_cli(virtuoso, "--graph", str(built.output), "--user", "dba")
    assert result.exit_code == 3
    assert "Virtuoso nimmt keinen Standardgraphen an" in result.output and "--named-graph" in result.output


def test_the_graph_url_is_the_protocols():
    assert target_url("http://h/sparql-graph-crud-auth", GRAPH) == \
        "http://h/sparql-graph-crud-auth?graph=https%3A%2F%2Fw3id.org%2Fikz%2Fgraph%2Ftest"
    assert target_url("http://h/store", None) == "http://h/store?default"


def test_ci_installs_virtuoso():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "apt-get install" in ci and "virtuoso-opensource" in ci


def test_only_spellings_are_normalised_never_values():
    from graph.sparql.endpoint import ask_answer, json_term

    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert json_term({"type": "typed-literal", "datatype": xsd + "boolean", "value": "1"}).n3() == f'"true"^^<{xsd}boolean>'
    assert json_term({"type": "literal", "datatype": xsd + "boolean", "value": "0"}).n3() == f'"false"^^<{xsd}boolean>'
    assert json_term({"type": "literal", "datatype": xsd + "integer", "value": "+05"}).n3() == f'"5"^^<{xsd}integer>'
    # an integer column stays an integer (0/1 are not turned into booleans), a decimal as written
    assert json_term({"type": "literal", "datatype": xsd + "integer", "value": "1"}).n3() == f'"1"^^<{xsd}integer>'
    assert json_term({"type": "literal", "datatype": xsd + "decimal", "value": "1.50"}).n3() == f'"1.50"^^<{xsd}decimal>'
    assert json_term({"type": "literal", "xml:lang": "DE", "value": "Witten"}).n3() == '"Witten"@de'
    assert [ask_answer(v) for v in (True, False, 1, 0, "true", "0")] == [True, False, True, False, True, False]
    with pytest.raises(ValueError):
        ask_answer("vielleicht")

"""The endpoint (``ikz serve``) against the W3C SPARQL 1.1 Protocol tests that apply to a
read-only service over one dataset, and its own limits: bound to loopback, CORS off unless
asked for, Host checked, request size, per-query timeout, row cap on the client.

The protocol tests that name graphs (``default-graph-uri`` / ``named-graph-uri``) are answered
with a 400 by design (the same rule as FROM: one dataset, nothing fetched); they are counted
as "refused by policy", not skipped.
"""

from __future__ import annotations

import json
import shutil
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from fuzz.harness import record
from graph.sparql.query import GraphQuery

pytestmark = pytest.mark.skipif(
    not ((Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")),
    reason="the Oxigraph server (pip install oxigraph) is not installed",
)

SELECT = "SELECT ?t WHERE { ?t a <https://w3id.org/ikz/ontology#Municipality> } ORDER BY ?t"
ASK = "ASK { ?t a <https://w3id.org/ikz/ontology#Municipality> }"
CONSTRUCT = "CONSTRUCT { ?t a <https://w3id.org/ikz/ontology#Municipality> } WHERE { ?t a <https://w3id.org/ikz/ontology#Municipality> }"
DESCRIBE = "DESCRIBE <https://w3id.org/ikz/id/municipality/05954004>"


@pytest.fixture(scope="module")
def endpoint(built, tmp_path_factory):
    from graph.outputs.serve import free_port, running_server

    location = tmp_path_factory.mktemp("protocol") / "store"
    with running_server(built.output / "ikz.nt", location, port=free_port(), timeout_s=2) as url:
        yield url


def call(url: str, *, method: str = "GET", params: dict | list | None = None, body: bytes | None = None,
         headers: dict | None = None) -> tuple[int, dict, bytes]:
    if params is not None:
        url = url + "?" + urllib.parse.urlencode(params)
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def form(query: str, **extra) -> bytes:
    return urllib.parse.urlencode({"query": query, **extra}).encode()


FORM = {"Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {"Content-Type": "application/sparql-query"}


def _rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


#: (W3C test name, request, check of (status, headers, body))
PROTOCOL = {
    "query_get": (dict(params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"}),
                  lambda s, h, b: s == 200 and _rows(b) == 9),
    "query_post_form": (dict(method="POST", body=form(SELECT), headers={**FORM, "Accept": "application/sparql-results+json"}),
                        lambda s, h, b: s == 200 and _rows(b) == 9),
    "query_post_direct": (dict(method="POST", body=SELECT.encode(), headers={**DIRECT, "Accept": "application/sparql-results+json"}),
                          lambda s, h, b: s == 200 and _rows(b) == 9),
    "query_content_type_select": (dict(params={"query": SELECT}, headers={"Accept": "application/sparql-results+xml"}),
                                  lambda s, h, b: s == 200 and "xml" in h["content-type"] and b.count(b"<result>") == 9),
    "query_content_type_select_csv": (dict(params={"query": SELECT}, headers={"Accept": "text/csv"}),
                                      lambda s, h, b: s == 200 and h["content-type"].startswith("text/csv")),
    "query_content_type_select_tsv": (dict(params={"query": SELECT}, headers={"Accept": "text/tab-separated-values"}),
                                      lambda s, h, b: s == 200 and "tab-separated" in h["content-type"]),
    "query_content_type_ask": (dict(params={"query": ASK}, headers={"Accept": "application/sparql-results+json"}),
                               lambda s, h, b: s == 200 and json.loads(b)["boolean"] is True),
    "query_content_type_describe": (dict(params={"query": DESCRIBE}, headers={"Accept": "application/n-triples"}),
                                    lambda s, h, b: s == 200 and "n-triples" in h["content-type"] and b"05954004" in b),
    "query_content_type_construct": (dict(params={"query": CONSTRUCT}, headers={"Accept": "text/turtle"}),
                                     lambda s, h, b: s == 200 and "turtle" in h["content-type"]),
    "bad_query_method": (dict(method="PUT", params={"query": SELECT}, body=b""),
                         lambda s, h, b: 400 <= s < 500),
    "bad_multiple_queries": (dict(params=[("query", ASK), ("query", SELECT)]),
                             lambda s, h, b: s == 400),
    "bad_query_wrong_media_type": (dict(method="POST", body=SELECT.encode(), headers={"Content-Type": "text/plain"}),
                                   lambda s, h, b: s in (400, 415)),
    "bad_query_missing_form_type": (dict(method="POST", body=form(SELECT), headers={"Content-Type": ""}),
                                    lambda s, h, b: s in (400, 415)),
    "bad_query_missing_direct_type": (dict(method="POST", body=SELECT.encode(), headers={"Content-Type": ""}),
                                      lambda s, h, b: s in (400, 415)),
    "bad_query_non_utf8": (dict(method="POST", body="SELECT ?x WHERE { BIND(\"ä\" AS ?x) }".encode("latin-1"),
                                headers={"Content-Type": "application/sparql-query; charset=ISO-8859-1"}),
                           lambda s, h, b: s in (400, 415)),
    "bad_query_syntax": (dict(params={"query": "SELECT ?x WHERE { ?x"}), lambda s, h, b: s == 400),
    "bad_update_get": (dict(params={"update": "CLEAR ALL"}), lambda s, h, b: 400 <= s < 500),
    "bad_update_post_form": (dict(method="POST", body=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(), headers=FORM),
                             lambda s, h, b: 400 <= s < 500),
    "update_post_direct_refused": (dict(method="POST", body=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                        headers={"Content-Type": "application/sparql-update"}),
                                   lambda s, h, b: s == 403),
    "update_endpoint_refused": (dict(method="POST", path="/update", body=b"CLEAR ALL",
                                     headers={"Content-Type": "application/sparql-update"}),
                                lambda s, h, b: s == 403),
    "graph_store_write_refused": (dict(method="PUT", path="/store?default", body=b"<urn:a> <urn:b> <urn:c> .",
                                       headers={"Content-Type": "application/n-triples"}),
                                  lambda s, h, b: s in (403, 405)),
}
#: Dataset tests of the suite: refused by policy with a 400 that says why.
DATASET = {
    "query_dataset_default_graph": dict(params={"query": SELECT, "default-graph-uri": "http://example.org/g"}),
    "query_dataset_default_graphs_get": dict(params=[("query", SELECT), ("default-graph-uri", "http://example.org/g1"),
                                                     ("default-graph-uri", "http://example.org/g2")]),
    "query_dataset_default_graphs_post": dict(method="POST", body=form(SELECT, **{"default-graph-uri": "http://example.org/g"}),
                                              headers=FORM),
    "query_dataset_named_graphs_post": dict(method="POST", body=form(SELECT, **{"named-graph-uri": "http://example.org/g"}),
                                            headers=FORM),
    "query_dataset_named_graphs_get": dict(params={"query": SELECT, "named-graph-uri": "http://example.org/g"}),
    "query_dataset_full": dict(params=[("query", SELECT), ("default-graph-uri", "http://example.org/g"),
                                       ("named-graph-uri", "http://example.org/h")]),
    "query_multiple_dataset": dict(params={"query": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"}),
}


def _request(endpoint: str, spec: dict):
    spec = dict(spec)
    url = endpoint
    if "path" in spec:
        url = endpoint.rsplit("/", 1)[0] + spec.pop("path")
    return call(url, **spec)


@pytest.mark.parametrize("name", sorted(PROTOCOL))
def test_w3c_protocol(endpoint, name):
    spec, check = PROTOCOL[name]
    status, headers, body = _request(endpoint, spec)
    ok = bool(check(status, headers, body))
    record("protocol", title="W3C SPARQL 1.1 Protocol tests for a read-only endpoint", cases=1, failures=int(not ok),
           limit="all pass", test=name)
    assert ok, (status, body[:300])


@pytest.mark.parametrize("name", sorted(DATASET))
def test_w3c_protocol_dataset_tests_refused_by_policy(endpoint, name):
    status, _, body = _request(endpoint, DATASET[name])
    ok = status == 400 and ("abgelehnt" in body.decode("utf-8"))
    record("protocol-dataset", title="W3C protocol dataset tests (default-graph-uri, named-graph-uri, FROM): "
           "refused by policy", cases=1, failures=int(not ok), limit="400 with the reason", test=name)
    assert ok, (status, body[:300])


def test_endpoint_limits(endpoint, project):
    """Loopback by default, CORS off, Host checked, big requests refused, runaway queries
    stopped by the server's timeout, and the next query still answers."""
    host = urllib.parse.urlsplit(endpoint).hostname
    assert host == "127.0.0.1"
    checks = {}
    status, headers, _ = call(endpoint, params={"query": ASK}, headers={"Origin": "http://evil.example"})
    checks["cors off"] = status == 200 and "access-control-allow-origin" not in headers
    status, _, _ = call(endpoint, method="OPTIONS", headers={"Origin": "http://evil.example",
                                                             "Access-Control-Request-Method": "POST"})
    checks["no preflight"] = status >= 400
    status, _, body = call(endpoint, params={"query": ASK}, headers={"Host": "attacker.example:7878"})
    checks["dns rebinding"] = status == 403 and b"Host" in body
    status, _, _ = call(endpoint, method="POST", body=b"x" * ((1 << 20) + 1), headers=DIRECT)
    checks["request size"] = status == 413
    start = time.monotonic()
    status, _, _ = call(endpoint, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"})
    checks["server timeout"] = status == 503 and time.monotonic() - start < 8
    status, _, body = call(endpoint, params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
    checks["answers after"] = status == 200 and _rows(body) == 9
    client = GraphQuery.open(project, endpoint=endpoint)
    capped = client.run("SELECT ?s WHERE { ?s ?p ?o }", max_rows=25)
    checks["client row cap"] = capped.truncated and len(capped.rows) == 25
    status, _, body = call(endpoint.rsplit("/", 1)[0] + "/", headers={"Accept": "text/html"})
    checks["query UI served, local scripts only"] = status == 200 and b"http://" not in body and b"https://" not in body
    failed = sorted(name for name, ok in checks.items() if not ok)
    record("endpoint-limits", title="Endpoint: loopback, CORS off, Host check, size, timeout, memory, row cap",
           cases=len(checks),
           failures=len(failed), limit="127.0.0.1, no CORS, 1 MiB, 2 s here (30 s default)")
    assert failed == []


def test_endpoint_survives_a_memory_bomb(built, tmp_path):
    """A query that exhausts the server's memory cap ends that server, not the endpoint: the
    gateway restarts it and the next query answers."""
    from graph.outputs.serve import free_port, running_server

    bomb = "SELECT ?a ?b ?c WHERE { ?a ?p1 ?x . ?b ?p2 ?y . ?c ?p3 ?z } ORDER BY ?a ?b ?c"
    with running_server(built.output / "ikz.nt", tmp_path / "store", port=free_port(), timeout_s=20,
                        memory_mb=300) as url:
        start = time.monotonic()
        status, _, body = call(url, params={"query": bomb})
        stopped = status in (502, 503) and time.monotonic() - start < 25
        status, _, answer = call(url, params={"query": SELECT}, headers={"Accept": "application/sparql-results+json"})
        ok = stopped and status == 200 and _rows(answer) == 9
    record("endpoint-limits", title="Endpoint: loopback, CORS off, Host check, size, timeout, memory, row cap",
           cases=1,
           failures=int(not ok), limit="127.0.0.1, no CORS, 1 MiB, 2 s here (30 s default)")
    assert ok, body[:300]


def test_cors_only_when_asked(built, tmp_path):
    from graph.outputs.serve import free_port, running_server

    with running_server(built.output / "ikz.nt", tmp_path / "store", port=free_port(), cors=True) as url:
        status, headers, _ = call(url, params={"query": ASK}, headers={"Origin": "http://intranet.example"})
        assert status == 200 and headers.get("access-control-allow-origin") == "*"


def test_port_in_use_is_a_clear_error(built, tmp_path):
    from graph.outputs.serve import ServerError, running_server

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        with pytest.raises(ServerError) as failure:
            with running_server(built.output / "ikz.nt", tmp_path / "store", port=port):
                pass
        assert "--port" in str(failure.value)

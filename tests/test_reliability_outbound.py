"""No outbound traffic: every vector that makes our libraries call out (SERVICE, SERVICE SILENT,
LOAD, FROM, FROM NAMED, a JSON-LD context, owl:imports, the protocol's default-graph-uri and
named-graph-uri, RDF/XML external entities) × every engine × every surface (notebook API, CLI,
endpoint client, raw HTTP to the endpoint, the build, the loaders, and the worker with the gate
bypassed on purpose), against a loopback canary that counts every connection.

Positive controls first: the same vectors on the bare libraries *do* reach the canary, so a
count of 0 means something.
"""

from __future__ import annotations

import os
import shutil
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from fuzz.harness import record
from graph import build
from graph.cli.main import main
from graph.core.errors import IKZError, SourceDataError
from graph.rdf.parse import load_file
from graph.core.project import Project
from graph.sparql.query import GraphQuery, OxigraphEngine, QueryFailure, run_with_timeout
from graph.sparql.gate import QueryRefused

ROOT = Path(__file__).resolve().parent.parent
HAS_SERVER = (Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")


class Canary:
    """An HTTP server on 127.0.0.1 that counts every connection made to it."""

    def __init__(self):
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                canary.paths.append(self.path)
                body = b'{"head":{"vars":[]},"results":{"bindings":[]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_HEAD = _answer

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def verify_request(self, request, client_address):
                canary.connections += 1
                return True

        self.connections, self.paths = 0, []
        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def hits(self) -> int:
        return self.connections

    def settle(self) -> int:
        time.sleep(0.05)
        return self.connections

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary():
    server = Canary()
    yield server
    server.close()


def vectors(url: str) -> dict[str, str]:
    """Query vectors naming the canary."""
    return {
        "SERVICE": f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SERVICE SILENT": f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SERVICE in ASK": f"ASK {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SERVICE after a CR comment": f"SELECT * WHERE {{ # note\rSERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SERVICE glued (trueSERVICE)": f"SELECT * WHERE {{ ?s ?p trueSERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "SERVICE as \\u escapes": f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        "LOAD": f"LOAD <{url}/data.ttl>",
        "LOAD after a query": f"SELECT * WHERE {{ ?s ?p ?o }} ; LOAD <{url}/data.ttl>",
        "FROM": f"SELECT * FROM <{url}/g.ttl> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED": f"SELECT * FROM NAMED <{url}/g.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    }


# --- positive controls: the canary does see the bare libraries ------------------------------


def test_canary_sees_bare_pyoxigraph_and_rdflib(canary):
    """Without IKZ-Graph in between, SERVICE reaches the canary from both libraries (run in a
    forked worker with the network allowed, so nothing leaks into this process)."""
    from rdflib import Graph

    query = vectors(canary.url)["SERVICE"]
    before = canary.hits

    def bare_oxigraph():
        try:
            list(ox.Store().query(query))
        except OSError:
            pass

    def bare_rdflib():
        try:
            list(Graph().query(query))
        except Exception:  # noqa: BLE001 - the canary's empty answer may not please rdflib
            pass

    run_with_timeout(bare_oxigraph, 20, offline=False)
    oxigraph_hits = canary.settle() - before
    run_with_timeout(bare_rdflib, 20, offline=False)
    rdflib_hits = canary.settle() - before - oxigraph_hits
    record("canary-positive-control", title="Canary positive control: bare pyoxigraph / rdflib SERVICE reach it",
           cases=2, failures=int(oxigraph_hits == 0) + int(rdflib_hits == 0), limit="≥ 1 hit each (the hazard)",
           gate=True, observed=f"pyoxigraph {oxigraph_hits}, rdflib {rdflib_hits}")
    assert oxigraph_hits >= 1 and rdflib_hits >= 1


# --- engines × surfaces ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def engines(project, built):
    return {name: GraphQuery.open(project, name, graph_dir=built.output) for name in ("oxigraph", "rdflib", "memory")}


@pytest.mark.parametrize("store", ["oxigraph", "rdflib", "memory"])
def test_api_vectors_reach_nothing(canary, engines, store):
    gq, failures = engines[store], 0
    for name, query in vectors(canary.url).items():
        before = canary.hits
        with pytest.raises(IKZError):
            gq.run(query)
        hits = canary.settle() - before
        failures += hits
        record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
               failures=hits, limit="0 requests", surface="api", engine=store, vector=name)
    assert failures == 0


@pytest.mark.parametrize("store", ["oxigraph", "rdflib", "memory"])
def test_cli_vectors_reach_nothing(canary, built, store):
    failures = 0
    for name, query in vectors(canary.url).items():
        before = canary.hits
        result = CliRunner().invoke(main, ["--project", str(ROOT), "query", "--graph", str(built.output),
                                           "--store", store, "--text", query])
        hits = canary.settle() - before
        failures += hits + int(result.exit_code != 2)
        record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
               failures=hits, limit="0 requests", surface="cli", engine=store, vector=name)
    assert failures == 0


@pytest.mark.parametrize("store", ["oxigraph", "rdflib", "memory"])
def test_worker_sandbox_holds_with_the_gate_bypassed(canary, engines, store):
    """Second line of defence: the query sent straight to the engine inside the worker (no
    gate, no rdflib algebra check): the worker's seccomp filter refuses the socket."""
    from graph.core.limits import deny_network

    gq = engines[store]
    failures = 0
    for name, query in vectors(canary.url).items():
        if not name.startswith("SERVICE") or "escapes" in name:
            continue  # LOAD / FROM: not query forms the engines run; \\u: a syntax error to pyoxigraph

        def straight():
            try:
                if store == "memory":
                    return list(gq.engine.graph.query(query))
                return gq.engine.run(query, "ASK" if query.startswith("ASK") else "SELECT")
            except Exception as error:  # noqa: BLE001 - refused sockets surface as errors
                return repr(error)

        before = canary.hits
        run_with_timeout(straight, 20)
        hits = canary.settle() - before
        failures += hits
        record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
               failures=hits, limit="0 requests", surface="worker, gate bypassed", engine=store, vector=name)
    assert failures == 0
    assert run_with_timeout(deny_network, 5), "the network sandbox is unavailable on this machine"


@pytest.mark.skipif(not HAS_SERVER, reason="the Oxigraph server (pip install oxigraph) is not installed")
def test_endpoint_vectors_reach_nothing(canary, project, built, tmp_path):
    from graph.outputs.serve import free_port, running_server

    failures = 0
    with running_server(built.output / "ikz.nt", tmp_path / "store", port=free_port()) as url:
        client = GraphQuery.open(project, endpoint=url)
        for name, query in vectors(canary.url).items():
            before = canary.hits
            with pytest.raises(IKZError):
                client.run(query)
            hits = canary.settle() - before
            # the same text straight to the endpoint, past our client's gate: GET, POST form, POST direct
            for request in _raw_requests(url, query):
                try:
                    urllib.request.urlopen(request, timeout=10).read()
                    failures += 1  # must be refused
                except urllib.error.HTTPError as error:
                    failures += int(error.code not in (400, 403))
            hits_raw = canary.settle() - before - hits
            failures += hits + hits_raw
            record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=4,
                   failures=hits + hits_raw, limit="0 requests", surface="endpoint", engine="oxigraph server",
                   vector=name)
        for parameter in ("default-graph-uri", "named-graph-uri"):
            before = canary.hits
            query = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"
            for request in _raw_requests(url, query, {parameter: canary.url + "/graph.ttl"}):
                with pytest.raises(urllib.error.HTTPError) as refused:
                    urllib.request.urlopen(request, timeout=10)
                assert refused.value.code == 400 and parameter in refused.value.read().decode()
            hits = canary.settle() - before
            failures += hits
            record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=3,
                   failures=hits, limit="0 requests", surface="endpoint", engine="oxigraph server",
                   vector=f"protocol {parameter}")
    assert failures == 0


def _raw_requests(url: str, query: str, extra: dict | None = None) -> list[urllib.request.Request]:
    params = {"query": query, **(extra or {})}
    encoded = urllib.parse.urlencode(params).encode()
    return [
        urllib.request.Request(url + "?" + urllib.parse.urlencode(params)),
        urllib.request.Request(url, data=encoded, headers={"Content-Type": "application/x-www-form-urlencoded"}),
        urllib.request.Request(url + ("?" + urllib.parse.urlencode(extra) if extra else ""), data=query.encode(),
                               headers={"Content-Type": "application/sparql-query"}),
    ]


@pytest.mark.skipif(not HAS_SERVER, reason="the Oxigraph server (pip install oxigraph) is not installed")
def test_bare_oxigraph_server_would_call_out(canary, built, tmp_path):
    """Why the gateway exists: the Oxigraph server alone runs SERVICE (positive control)."""
    import subprocess

    from graph.outputs.serve import free_port, load_store, oxigraph_binary

    location = load_store(built.output / "ikz.nt", tmp_path / "bare")
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind",
                                f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        before = canary.hits
        query = urllib.parse.urlencode({"query": vectors(canary.url)["SERVICE"]})
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/query?{query}", timeout=10).read()
        except urllib.error.HTTPError:
            pass
        hits = canary.settle() - before
    finally:
        process.terminate()
        process.wait(10)
    record("canary-positive-control", title="Canary positive control: bare pyoxigraph / rdflib SERVICE reach it",
           cases=1, failures=int(hits == 0), limit="≥ 1 hit (the hazard)", observed=f"oxigraph server {hits}")
    assert hits >= 1


# --- inputs: owl:imports, JSON-LD contexts, RDF/XML entities ---------------------------------


def test_build_follows_no_imports_or_contexts(canary, project_copy: Project, tmp_path):
    """A data file with owl:imports and a JSON-LD context IRI, and a .jsonld / .rdf file
    beside it: both validators build without a single request."""
    data = project_copy.data_dir
    (data / "imports.ttl").write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        f"<{canary.url}/self> owl:imports <{canary.url}/ontology.ttl> .\n", encoding="utf-8")
    (data / "context.jsonld").write_text(
        '{"@context": "%s/context.jsonld", "@id": "urn:x", "name": "x"}' % canary.url, encoding="utf-8")
    (data / "entities.rdf").write_text(
        f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{canary.url}/entity">]>'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&e;</rdf:RDF>', encoding="utf-8")
    failures = 0
    for validator in ("sparql", "pyshacl"):
        before = canary.hits
        try:
            build(project_copy, tmp_path / f"out-{validator}", validator=validator)
        except IKZError:
            pass  # the foreign IRI may be refused as data; what counts here is the canary
        hits = canary.settle() - before
        failures += hits
        record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
               failures=hits, limit="0 requests", surface="build", engine=validator,
               vector="owl:imports + JSON-LD context + RDF/XML entity in data/")
    assert failures == 0


def test_loader_refuses_remote_formats(canary, tmp_path):
    failures = 0
    cases = {
        "context.jsonld": '{"@context": "%s/context.jsonld", "@id": "urn:x"}' % canary.url,
        "entities.rdf": f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "{canary.url}/e">]><r>&e;</r>',
        "laughs.xml": '<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
                      + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
                      + ']><l>&i;</l>',
        "ontology.owl": "<rdf:RDF/>",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        before = canary.hits
        start = time.monotonic()
        with pytest.raises(SourceDataError) as refused:
            load_file(path, "https://w3id.org/ikz/id/")
        assert "werden nicht gelesen" in str(refused.value) and "not read" in refused.value.format("en") and time.monotonic() - start < 1
        hits = canary.settle() - before
        failures += hits
        record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
               failures=hits, limit="0 requests", surface="loader", engine="load_file", vector=name)
    assert failures == 0


# --- a fuzzer looking for a way past the gate -------------------------------------------------

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

SEPARATORS = [" ", "\n", "\r", "\t", "", "#x\r", "#x\n", ".", ";", "}", "{ }", "true", "false", "a", "1", "?x",
              ":", "ex:", "\\u0020", "\u00a0", "\u2028", "\ufeff", "/*", "*/", "\"", "'", "<urn:x>", "OPTIONAL{}",
              "UNION", "BIND(1 AS ?b)", "FILTER(true)"]
KEYWORDS = ["SERVICE", "service", "SeRvIcE", "\\u0053ERVICE", "\\U00000053ervice", "SERV\\u0049CE", "SERVICE SILENT",
            "SERVICE  SILENT"]
_GATE_FUZZ = {"cases": 0, "passed": 0, "hits": 0}


@settings(max_examples=int(os.environ.get("IKZ_GATE_FUZZ_EXAMPLES", "150")), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(before=st.lists(st.sampled_from(SEPARATORS), max_size=4), keyword=st.sampled_from(KEYWORDS),
       after=st.lists(st.sampled_from(SEPARATORS), max_size=2), prefix=st.booleans())
def test_fuzzed_service_smuggling_never_reaches_the_canary(canary, gq, before, keyword, after, prefix):
    """Random spellings and surroundings of SERVICE: whatever passes our gate is then run by
    bare pyoxigraph and bare rdflib, network allowed; the canary must see nothing."""
    head = "PREFIX ex: <urn:ex:> PREFIX : <urn:e:> " if prefix else ""
    query = (f"{head}SELECT * WHERE {{ ?s ?p ?o {''.join(before)}{keyword}{''.join(after)} "
             f"<{canary.url}/fuzz> {{ ?s ?p ?o }} }}")
    _GATE_FUZZ["cases"] += 1
    try:
        gq.run(query, timeout=5)
        passed = True
    except (QueryRefused, IKZError):
        passed = False
    hits = 0
    if passed:
        _GATE_FUZZ["passed"] += 1
        from rdflib import Graph

        def bare():
            for run in (lambda: list(ox.Store().query(query)), lambda: list(Graph().query(query))):
                try:
                    run()
                except Exception:  # noqa: BLE001
                    pass

        before_hits = canary.hits
        try:
            run_with_timeout(bare, 10, offline=False)
        except QueryFailure:
            pass
        hits = canary.settle() - before_hits
        _GATE_FUZZ["hits"] += hits
    record("gate-fuzz", title="Gate fuzz: SERVICE smuggling (hypothesis) → bare engines → canary", cases=1,
           failures=hits, limit="0 requests from anything the gate lets through")
    assert hits == 0, query


# --- the workbench of ikz serve ------------------------------------------------------------------


@pytest.mark.skipif(not HAS_SERVER, reason="the Oxigraph server (pip install oxigraph) is not installed")
def test_workbench_pages_and_own_sparql_reach_nothing(canary, project, built, tmp_path):
    """Every page the workbench offers, and every query vector through its own-SPARQL page (GET
    and POST form) and a question page's parameters: answered or refused, never a request out."""
    from graph.outputs.serve import free_port, running_server

    failures = 0
    with running_server(built.output / "ikz.nt", tmp_path / "store", port=free_port()) as url:
        site = url.rsplit("/", 1)[0]
        pages = ["/", "/?lang=en", "/?q=Kommune", "/frage/partners-of-town", "/frage/partners-of-town?format=xlsx",
                 "/r?iri=m:05954004", "/r?iri=m:05954004&format=jsonld", "/sparql", "/ansicht/facilities",
                 "/ansicht/partners?lang=en", "/static/workbench.css",
                 "/frage/evidence?" + urllib.parse.urlencode({"statement": canary.url + "/x"}),
                 "/r?" + urllib.parse.urlencode({"iri": canary.url + "/resource"})]
        for path in pages:
            before = canary.hits
            try:
                urllib.request.urlopen(site + path, timeout=60).read()
            except urllib.error.HTTPError as error:
                failures += int(error.code >= 500)
            hits = canary.settle() - before
            failures += hits
            record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=1,
                   failures=hits, limit="0 requests", surface="workbench", engine="oxigraph (in-process)",
                   vector=f"page {path.split('?')[0]}")
        for name, query in vectors(canary.url).items():
            before = canary.hits
            requests = [urllib.request.Request(site + "/sparql?" + urllib.parse.urlencode({"query": query})),
                        urllib.request.Request(site + "/sparql", data=urllib.parse.urlencode({"query": query}).encode(),
                                               headers={"Content-Type": "application/x-www-form-urlencoded"})]
            for request in requests:
                try:
                    urllib.request.urlopen(request, timeout=30).read()
                    failures += 1  # must be refused
                except urllib.error.HTTPError as error:
                    failures += int(error.code != 400)
            hits = canary.settle() - before
            failures += hits
            record("outbound", title="Outbound requests: vectors × engines × surfaces (loopback canary)", cases=2,
                   failures=hits, limit="0 requests", surface="workbench /sparql", engine="oxigraph (in-process)",
                   vector=name)
    assert failures == 0

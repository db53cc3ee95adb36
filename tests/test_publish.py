"""`ikz publish` replaces the graph on a real Graph Store Protocol server (Oxigraph; Virtuoso:
tests/test_virtuoso.py), and answers the server's authentication challenge."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli.main import main
from graph.sparql.query import GraphQuery
from graph.outputs.serve import free_port, oxigraph_binary
from test_queries import normalized

ROOT = Path(__file__).resolve().parent.parent
needs_oxigraph = pytest.mark.skipif(
    not ((Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")),
    reason="the Oxigraph server (pip install oxigraph) is not installed",
)


@pytest.fixture
def writable_server(tmp_path):
    port = free_port()
    process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(tmp_path / "store"), "--bind", f"127.0.0.1:{port}"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield base
    process.terminate()
    process.wait(timeout=10)


@needs_oxigraph
def test_publish_replaces_the_default_graph(project, built, gq, writable_server):
    # something stale on the server first
    stale = urllib.request.Request(writable_server + "/store?default", data=b"<urn:old> <urn:p> <urn:o> .\n",
                                   method="PUT", headers={"Content-Type": "application/n-triples"})
    urllib.request.urlopen(stale, timeout=5)
    result = CliRunner().invoke(main, ["--project", str(ROOT), "publish", "--endpoint", writable_server + "/store",
                                       "--graph", str(built.output)])
    assert result.exit_code == 0, result.output
    remote = GraphQuery.open(project, endpoint=writable_server + "/query")
    assert remote.run("ASK { <urn:old> ?p ?o }").boolean is False
    for qid in ("competent-office", "partner-pairs", "signatories"):
        assert normalized(remote.ask(qid)) == normalized(gq.ask(qid))


def test_publish_to_a_wrong_url_is_a_clear_error(built):
    result = CliRunner().invoke(main, ["--project", str(ROOT), "publish", "--endpoint", f"http://127.0.0.1:{free_port()}/store",
                                       "--graph", str(built.output)])
    assert result.exit_code == 3 and "Der Server ist nicht erreichbar" in result.output


def test_digest_answer_is_rfc_2617s_worked_example():
    from graph.outputs.publish import credentials

    challenge = ('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                 'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    header = credentials(challenge, "GET", "http://www.nowhere.org/dir/index.html", "Mufasa", "Circle Of Life",
                         cnonce="0a4f113b")
    assert header.startswith("Digest ")
    assert 'response="6629fae49393a05397450978507c4ef1"' in header
    assert 'uri="/dir/index.html"' in header and "qop=auth" in header and "nc=00000001" in header
    assert 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header


def test_basic_answer_when_the_server_asks_for_nothing_or_basic():
    from graph.outputs.publish import credentials

    assert credentials("", "PUT", "http://h/store?default", "Aladdin", "open sesame") == \
        "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
    assert credentials('Basic realm="x"', "PUT", "http://h/store", "Aladdin", "open sesame").startswith("Basic ")

"""`ikz publish` replaces the graph on a real Graph Store Protocol server (Oxigraph)."""

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
pytestmark = pytest.mark.skipif(
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

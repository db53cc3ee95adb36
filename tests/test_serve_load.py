"""``ikz serve`` under load (the small case of ``benchmarks/load.py``): concurrent clients over
the named-question library get every answer, the Oxigraph server's threads stay bounded, and a
runaway query beside them is answered 503 with Retry-After after the timeout while the others
see no error (the restart that stops it is transparent to them)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.core import limits
from graph.outputs.serve import free_port, running_server

ROOT = Path(__file__).resolve().parent.parent
LOAD = ROOT / "benchmarks" / "load.py"
RUNAWAY = (ROOT / "benchmarks" / "runaway.rq").read_text(encoding="utf-8")

pytestmark = pytest.mark.skipif(
    not ((Path(sys.executable).parent / "oxigraph").is_file() or shutil.which("oxigraph")),
    reason="the Oxigraph server (pip install oxigraph) is not installed",
)


def measure(graph: Path, clients: int, *, runaway: bool, seconds: float, timeout: int) -> dict:
    """One measurement of benchmarks/load.py, in a fresh process with a fresh ``ikz serve``."""
    command = [sys.executable, str(LOAD), "measure", "--graph", str(graph), "--clients", str(clients),
               "--duration", str(seconds), "--timeout", str(timeout)] + (["--runaway"] if runaway else [])
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_eight_clients_get_every_answer(built):
    figures = measure(built.output, 8, runaway=False, seconds=8, timeout=10)
    assert figures["skipped"] == [] and figures["questions"] >= 20
    assert figures["errors"] == 0, figures["error_kinds"]
    assert figures["requests"] >= 2 * figures["questions"]  # every client went through questions
    assert figures["restarts"] == 0 and figures["server_processes"] == 1
    # one thread per kept-alive connection, not one per query (the old failure: hundreds)
    assert figures["server_threads_max"] <= limits.DEFAULT_SERVER_CONNECTIONS + limits.SERVER_OWN_THREADS


def test_runaway_beside_four_clients(built):
    figures = measure(built.output, 4, runaway=True, seconds=8, timeout=2)
    answers = figures["runaway_answers"]
    assert set(answers) == {"503 Retry-After"}, answers  # never 500/502, never a dropped connection
    assert 2 <= figures["runaway_s"] < 6  # stopped at the timeout, not later
    assert "länger als 2 s" in figures["runaway_message"]
    assert figures["errors"] == 0, figures["error_kinds"]  # the others: restarts are transparent
    assert figures["restarts"] == answers["503 Retry-After"]
    assert figures["requests"] >= figures["questions"]


def _post(url: str, query: str, timeout: float = 30):
    request = urllib.request.Request(url, data=urllib.parse.urlencode({"query": query}).encode(),
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_full_queue_is_answered_busy_with_retry_after(built, tmp_path, monkeypatch):
    """One connection, no queue: while a runaway holds the connection the next query is
    answered 503 busy at once; after the timeout the endpoint answers again."""
    monkeypatch.setattr(limits, "SERVER_QUEUE", 0)
    with running_server(built.output / "ikz.nt", tmp_path / "store", port=free_port(), timeout_s=3,
                        connections=1, workbench=False) as url:
        first: dict = {}
        runaway = threading.Thread(target=lambda: first.update(answer=_post(url, RUNAWAY)))
        runaway.start()
        time.sleep(0.5)
        start = time.monotonic()
        status, headers, body = _post(url, "ASK { ?s ?p ?o }")
        assert status == 503 and time.monotonic() - start < 1
        assert headers.get("Retry-After") == str(limits.SERVER_RETRY_AFTER)
        assert "ausgelastet" in body.decode("utf-8")
        runaway.join()
        status, headers, body = first["answer"]
        assert status == 503 and headers.get("Retry-After") and "länger als 3 s" in body.decode("utf-8")
        status, _, body = _post(url, "ASK { ?s ?p ?o }")
        assert status == 200 and json.loads(body)["boolean"] is True


def test_long_query_yields_the_cpu(built, tmp_path):
    """A query running past SERVER_YIELD_S has its server thread at nice 19; short queries
    beside it are answered meanwhile."""
    if not sys.platform.startswith("linux"):
        pytest.skip("thread priorities are read from /proc")
    with running_server(built.output / "ikz.nt", tmp_path / "store", port=free_port(), timeout_s=4,
                        workbench=False) as url:
        runaway = threading.Thread(target=_post, args=(url, RUNAWAY))
        runaway.start()
        time.sleep(limits.SERVER_YIELD_S + 0.8)
        servers = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _is_server_of(p, tmp_path / "store")]
        assert len(servers) == 1
        nice = {}
        for task in (servers[0] / "task").iterdir():
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            nice[(task / "comm").read_text().strip()] = int(fields[16])
        assert sorted(nice.values()).count(19) == 1, nice  # the runaway's thread, and only it
        status, _, body = _post(url, "ASK { ?s ?p ?o }", timeout=3)
        assert status == 200 and json.loads(body)["boolean"] is True
        runaway.join()


def _is_server_of(proc: Path, store: Path) -> bool:
    try:
        command = (proc / "cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"serve-read-only" in command and str(store).encode() in command

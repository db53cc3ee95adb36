"""Serve the built graph over the SPARQL 1.1 Protocol with the Oxigraph server (PyPI
``oxigraph``), read-only and bound to 127.0.0.1 by default.

The server keeps its own store next to the build (``build/oxigraph-store``), loaded fresh
from ``ikz.nt`` each time; ``serve-read-only`` has no update route.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .errors import IKZError, ProjectError


class ServerError(IKZError):
    exit_code = 3


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` command (from the PyPI package ``oxigraph``)."""
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.is_file() else shutil.which("oxigraph")
    if not found:
        raise ProjectError("the Oxigraph server is not installed",
                           fix="pip install 'oxigraph>=0.5.13,<0.6' (it provides the `oxigraph` command)")
    return found


def load_store(graph_file: Path, location: Path) -> Path:
    """Load ``graph_file`` into a fresh Oxigraph store at ``location`` (built aside, swapped in)."""
    location = Path(location)
    location.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{location.name}.new-", dir=location.parent))
    try:
        subprocess.run([oxigraph_binary(), "load", "--location", str(staging), "--file", str(graph_file)],
                       check=True, capture_output=True, text=True)
    except subprocess.CalledProcessError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise ServerError(f"loading the graph into the Oxigraph store failed: {error.stderr.strip()}",
                          where=str(graph_file)) from None
    if location.exists():
        shutil.rmtree(location)
    staging.rename(location)
    return location


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_server(graph_file: Path, location: Path, *, host: str = "127.0.0.1", port: int = 7878,
                   cors: bool = False, timeout_s: int = 30, wait: float = 30.0):
    """Start a read-only Oxigraph server over ``graph_file``; yield the query endpoint URL;
    stop the server on exit."""
    load_store(graph_file, location)
    command = [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"{host}:{port}",
               "--timeout-s", str(timeout_s)]
    if cors:
        command.append("--cors")
    log_path = Path(location).parent / "oxigraph-server.log"
    log = open(log_path, "w", encoding="utf-8")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{host}:{port}/query"
    try:
        deadline = time.monotonic() + wait
        while True:
            if process.poll() is not None:
                raise ServerError(f"the Oxigraph server stopped at start: {log_path.read_text(encoding='utf-8').strip()}",
                                  where=f"{host}:{port}", fix="is the port in use? choose another with --port")
            try:
                with urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise ServerError("the Oxigraph server did not answer in time", where=url) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()

"""Serve the built graph over the SPARQL 1.1 Protocol with the Oxigraph server (PyPI
``oxigraph``), read-only and bound to 127.0.0.1 by default.

The server keeps its own store next to the build (``build/oxigraph-store``), loaded fresh
from ``ikz.nt`` each time; ``serve-read-only`` has no update route.

Clients never talk to the Oxigraph server directly: it listens on a private loopback port, and
a small gateway on ``HOST:PORT`` passes on only what a read-only, offline endpoint answers.
Each query goes through the same gate as ``ikz query`` (no ``SERVICE`` - the Oxigraph server
would call any URL it names -, no ``FROM``, no update, bounded nesting and length); the
protocol's ``default-graph-uri`` / ``named-graph-uri`` are refused like ``FROM``; bodies over
:data:`graph.core.limits.MAX_REQUEST_BYTES` are refused; every other method or path is refused as
read-only. CORS headers are sent only with ``cors=True``; while bound to loopback, requests
whose ``Host`` is not a loopback name are refused (DNS rebinding). The Oxigraph server gets the
per-query timeout and a memory cap (RLIMIT_DATA); its own timeout does not stop every query, so
the gateway enforces it: a query without an answer after the timeout, or one that made the
server die, restarts the server (a fresh process on the same read-only store, well under a
second) and is answered with 503 / 502 and the reason; the next query finds it answering.

The same gateway serves the analysts' workbench (:mod:`graph.outputs.workbench`): the question
library at ``/``, question, resource, own-SPARQL and view pages, answered in-process through
:class:`~graph.sparql.query.GraphQuery` (same gate, worker and limits as ``ikz query``). The
Oxigraph server's own query UI is not passed on: its page loads prefixes from the internet.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from graph.core import limits
from graph.core.errors import IKZError, ProjectError
from graph.core.i18n import msg, t
from graph.sparql.gate import QueryRefused, gate


class ServerError(IKZError):
    exit_code = 3


def oxigraph_binary() -> str:
    """Path of the ``oxigraph`` command (from the PyPI package ``oxigraph``)."""
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.is_file() else shutil.which("oxigraph")
    if not found:
        raise ProjectError(msg("serve.not_installed"), fix=msg("serve.not_installed_fix"))
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
        raise ServerError(msg("serve.load_failed", detail=error.stderr.strip()), where=str(graph_file)) from None
    if location.exists():
        shutil.rmtree(location)
    staging.rename(location)
    return location


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# The gateway
# ---------------------------------------------------------------------------------------------

#: Paths of the Oxigraph server's query UI: no longer passed on (its page calls prefix.cc);
#: ``/`` is the workbench's library, the rest is refused.
UI_PATHS = {"/", "/yasgui.min.js", "/yasgui.min.css", "/logo.svg", "/favicon.ico"}
#: Paths of the workbench's pages (exact, or a prefix ending in "/").
WORKBENCH_PATHS = ("/", "/fragen", "/sparql", "/r", "/static/workbench.css", "/frage/", "/ansicht/")
#: Protocol parameters that name graphs: refused like FROM / FROM NAMED.
GRAPH_PARAMETERS = ("default-graph-uri", "named-graph-uri")
#: The request that tells the Oxigraph server is up (``ASK {}``, URL-encoded).
_PING = "/query?query=ASK%7B%7D"
_LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def _is_loopback(host: str) -> bool:
    host = host.strip("[]").casefold()
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


class _Gateway(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, address, upstream: "_Upstream", *, cors: bool, timeout_s: int, loopback_only: bool, log=None,
                 workbench=None):
        self.upstream, self.cors, self.timeout_s, self.loopback_only, self.log = upstream, cors, timeout_s, loopback_only, log
        self.workbench = workbench
        super().__init__(address, _Handler)


def _is_workbench_path(path: str) -> bool:
    return any(path == p or (p.endswith("/") and p != "/" and path.startswith(p) and len(path) > len(p))
               for p in WORKBENCH_PATHS)


class _Handler(BaseHTTPRequestHandler):
    server: _Gateway
    server_version = "ikz-graph"
    sys_version = ""
    protocol_version = "HTTP/1.1"

    # -- replies ------------------------------------------------------------------------------

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        if self.server.log is not None:
            try:
                self.server.log.write("%s - %s\n" % (self.address_string(), format % args))
                self.server.log.flush()
            except (OSError, ValueError):
                pass

    def _cors(self) -> None:
        if self.server.cors:
            self.send_header("Access-Control-Allow-Origin", "*")

    def _reply(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8", extra=()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in extra:
            self.send_header(name, value)
        self._cors()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _refuse(self, status: int, message: str) -> None:
        self.close_connection = True
        self._reply(status, (message.rstrip() + "\n").encode("utf-8"))

    # -- requests -----------------------------------------------------------------------------

    def _check_host(self) -> None:
        if not self.server.loopback_only:
            return
        host = (self.headers.get("Host") or "").strip()
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 or host.startswith("[") else host
        if name.startswith("[") and "]" in name:
            name = name[1:name.index("]")]
        if host and not _is_loopback(name):
            raise _Refusal(403, t("serve.http.host", host=repr(host)))

    def _body(self) -> bytes:
        length = self.headers.get("Content-Length")
        if self.headers.get("Transfer-Encoding", "").casefold() == "chunked":
            raise _Refusal(411, t("serve.http.length"))
        if length is None:
            raise _Refusal(411, t("serve.http.length"))
        try:
            size = int(length)
        except ValueError:
            raise _Refusal(400, t("serve.http.bad_length")) from None
        if size < 0:
            raise _Refusal(400, t("serve.http.bad_length"))
        if size > limits.MAX_REQUEST_BYTES:
            if size <= 16 * limits.MAX_REQUEST_BYTES:  # read it away, so the client sees the answer
                remaining = size
                while remaining > 0:
                    block = self.rfile.read(min(remaining, 1 << 16))
                    if not block:
                        break
                    remaining -= len(block)
            raise _Refusal(413, t("serve.http.too_large", limit=f"{limits.MAX_REQUEST_BYTES:,}"))
        return self.rfile.read(size)

    def _query_from(self, pairs: list[tuple[str, str]]) -> str:
        graphs = [name for name, _ in pairs if name in GRAPH_PARAMETERS]
        if graphs:
            raise _Refusal(400, t("serve.http.dataset", parameter=graphs[0]))
        queries = [value for name, value in pairs if name == "query"]
        if any(name == "update" for name, _ in pairs):
            raise _Refusal(403, t("serve.http.update"))
        if len(queries) != 1:
            raise _Refusal(400, t("serve.http.one_query"))
        return queries[0]

    def _dispatch(self, method: str) -> None:
        try:
            self._check_host()
            path, _, raw_query = self.path.partition("?")
            if path == "/query":
                if method == "GET":
                    query = self._query_from(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
                elif method == "POST":
                    body = self._body()
                    kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().casefold()
                    params = urllib.parse.parse_qsl(raw_query, keep_blank_values=True)
                    if kind == "application/x-www-form-urlencoded":
                        query = self._query_from(params + urllib.parse.parse_qsl(body.decode("utf-8", "replace"),
                                                                                keep_blank_values=True))
                    elif kind == "application/sparql-query":
                        if any(name in GRAPH_PARAMETERS for name, _ in params):
                            self._query_from(params)  # refuses
                        if any(name == "query" for name, _ in params):
                            raise _Refusal(400, t("serve.http.body_or_parameter"))
                        try:
                            query = body.decode("utf-8")
                        except UnicodeDecodeError:
                            raise _Refusal(400, t("serve.http.not_utf8")) from None
                    elif kind == "application/sparql-update":
                        raise _Refusal(403, t("serve.http.update"))
                    else:
                        raise _Refusal(415, t("serve.http.media_type"))
                else:
                    raise _Refusal(405, t("serve.http.method", method=method))
                try:
                    gate(query)
                except QueryRefused as error:
                    raise _Refusal(400, str(error)) from None
                self._forward_query(query)
            elif path in ("/update", "/store") or path.startswith("/store"):
                raise _Refusal(403, t("serve.http.read_only"))
            elif self.server.workbench is not None and _is_workbench_path(path) and (
                    method in ("GET", "HEAD") or (method == "POST" and path == "/sparql")):
                self._workbench(method, path, raw_query)
            elif method in ("GET", "HEAD"):
                raise _Refusal(404, t("serve.http.not_found"))
            else:
                raise _Refusal(405 if path in UI_PATHS else 404, t("serve.http.not_served", method=method, path=path))
        except _Refusal as refusal:
            self._refuse(refusal.status, refusal.message)
        except (ConnectionError, TimeoutError):
            self.close_connection = True

    def _workbench(self, method: str, path: str, raw_query: str) -> None:
        body = b""
        if method == "POST":
            body = self._body()
            kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().casefold()
            if kind != "application/x-www-form-urlencoded":
                raise _Refusal(415, t("workbench.error.form_type"))
        answer = self.server.workbench.handle(method, path, raw_query, self.headers, body)
        self._reply(answer.status, answer.body, answer.content_type,
                    [*answer.headers, ("Cache-Control", "no-store")] if answer.status >= 400 else answer.headers)

    def _forward(self, path: str, data: bytes | None, headers: dict) -> None:
        upstream = self.server.upstream
        generation, base = upstream.generation, upstream.url
        request = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET",
                                         headers=headers)
        try:
            response = urllib.request.urlopen(request, timeout=self.server.timeout_s + 1)
        except urllib.error.HTTPError as error:
            response = error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            # The Oxigraph server's own timeout does not stop every query (a COUNT over a cross
            # product runs on, taking CPU and memory): a query past the timeout, or one that made
            # the server die (memory cap), restarts it; the next query finds it answering.
            upstream.restart(generation)
            if isinstance(reason, TimeoutError) or isinstance(error, TimeoutError):
                raise _Refusal(503, t("serve.http.timeout", seconds=self.server.timeout_s)) from None
            raise _Refusal(502, t("serve.http.server_stopped", reason=reason)) from None
        with response:
            try:
                body = response.read()
            except (OSError, TimeoutError):
                upstream.restart(generation)
                raise _Refusal(503, t("serve.http.timeout", seconds=self.server.timeout_s)) from None
            kind = response.headers.get("Content-Type", "application/octet-stream")
            self._reply(response.status if hasattr(response, "status") else response.code, body, kind)

    def _forward_query(self, query: str) -> None:
        accept = self.headers.get("Accept") or "application/sparql-results+json"
        self._forward("/query", query.encode("utf-8"),
                      {"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})

    def do_GET(self):  # noqa: N802 - the base class's names
        self._dispatch("GET")

    def do_HEAD(self):  # noqa: N802
        self._dispatch("HEAD")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_PUT(self):  # noqa: N802
        self._dispatch("PUT")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def do_PATCH(self):  # noqa: N802
        self._dispatch("PATCH")

    def do_OPTIONS(self):  # noqa: N802
        if self.server.cors:
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Methods", "GET, POST")
            self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._refuse(405, f"{t('workbench.cors_refused')} {t('workbench.cors_refused_fix')}")


def _memory_limit(megabytes: int):
    def apply() -> None:
        try:
            import resource

            limit = megabytes * (1 << 20)
            resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    return apply


class _Upstream:
    """The Oxigraph server behind the gateway, on a private loopback port; restarted when a
    query outlives the timeout or kills it."""

    def __init__(self, location: Path, *, timeout_s: int, memory_mb: int, log, log_path: Path, wait: float):
        self.location, self.timeout_s, self.memory_mb = Path(location), timeout_s, memory_mb
        self.log, self.log_path, self.wait = log, log_path, wait
        self.lock = threading.Lock()
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.generation = 0
        self.restarts = 0

    def start(self) -> None:
        port = free_port()
        command = [oxigraph_binary(), "serve-read-only", "--location", str(self.location), "--bind",
                   f"127.0.0.1:{port}", "--timeout-s", str(self.timeout_s)]
        limit = _memory_limit(self.memory_mb) if self.memory_mb and sys.platform.startswith("linux") else None
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, preexec_fn=limit)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + self.wait
        while True:
            if self.process.poll() is not None:
                raise ServerError(msg("serve.start_failed", detail=self.log_path.read_text(encoding="utf-8").strip()),
                                  where=f"127.0.0.1:{port}")
            try:
                with urllib.request.urlopen(url + _PING, timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise ServerError(msg("serve.no_answer"), where=url) from None
                time.sleep(0.05)
        self.url = url

    def restart(self, generation: int) -> None:
        """Restart the server, unless another request did so since ``generation``."""
        with self.lock:
            if generation != self.generation:
                return
            self.stop()
            self.start()
            self.generation += 1
            self.restarts += 1

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@contextmanager
def running_server(graph_file: Path, location: Path, *, host: str = "127.0.0.1", port: int = 7878,
                   cors: bool = False, timeout_s: int = 30, wait: float = 30.0,
                   memory_mb: int | None = None, project=None, workbench: bool = True):
    """Start a read-only Oxigraph server over ``graph_file`` behind the gateway on
    ``host:port``; yield the query endpoint URL; stop both on exit.

    With ``workbench`` (the default) the gateway also serves the workbench's pages at
    ``http://host:port/`` over ``graph_file``, reading the named questions of ``project``
    (default: the project ``graph_file`` lies in, else :func:`~graph.core.project.find_project`).
    """
    load_store(graph_file, location)
    log_path = Path(location).parent / "oxigraph-server.log"
    log = open(log_path, "w", encoding="utf-8")
    memory = limits.server_memory_mb() if memory_mb is None else memory_mb
    upstream = _Upstream(location, timeout_s=timeout_s, memory_mb=memory, log=log, log_path=log_path, wait=wait)
    gateway = bench = None
    try:
        upstream.start()
        if workbench:
            from graph.outputs.workbench import Workbench

            bench = Workbench(project or _project_of(graph_file), graph_file, timeout_s=timeout_s)
        try:
            gateway = _Gateway((host, port), upstream, cors=cors, timeout_s=timeout_s,
                               loopback_only=_is_loopback(host), log=log, workbench=bench)
        except OSError as error:
            raise ServerError(msg("serve.cannot_listen", address=f"{host}:{port}", reason=error.strerror or str(error)),
                              where=f"{host}:{port}", fix=msg("serve.cannot_listen_fix")) from None
        thread = threading.Thread(target=gateway.serve_forever, name="ikz-gateway", daemon=True)
        thread.start()
        shown = f"[{host}]" if ":" in host else host
        yield f"http://{shown}:{gateway.server_address[1]}/query"
    finally:
        if gateway is not None:
            gateway.shutdown()
            gateway.server_close()
        if bench is not None:
            bench.close()
        upstream.stop()
        log.close()


def _project_of(graph_file: Path):
    """The project a build lies in (``PROJECT/build/graph/ikz.nt``), else the usual search."""
    from graph.core.project import Project, find_project, is_project

    for folder in Path(graph_file).resolve().parents:
        if is_project(folder):
            return Project(folder)
    return find_project()

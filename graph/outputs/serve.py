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
whose ``Host`` is not a loopback name are refused (DNS rebinding).

Under load (:class:`~graph.outputs.upstream.Upstream`): the gateway asks the Oxigraph server
through a bounded set of kept-alive connections (``$IKZ_SERVER_CONNECTIONS``, default 4), so the
server's threads stay few and its memory cap (RLIMIT_DATA: the cap plus room for each thread's
stack) bounds the queries, not the number of clients; queries beyond that wait in a bounded
queue, and one more is answered 503 with ``Retry-After``. The gateway enforces the timeout: a
query past it restarts the server (a fresh process on the same read-only store, well under a
second) and is answered 503 with ``Retry-After``; the other queries in flight are asked again on
the fresh server, so their clients see a delay, not an error. A query the server dies under
(the memory cap) is asked once more; dying again, it is answered 503.

The same gateway serves the analysts' workbench (:mod:`graph.outputs.workbench`): the question
library at ``/``, question, resource, own-SPARQL and view pages, answered in-process through
:class:`~graph.sparql.query.GraphQuery` (same gate, worker and limits as ``ikz query``). The
Oxigraph server's own query UI is not passed on: its page loads prefixes from the internet.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import urllib.parse
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from graph.core import limits
from graph.core.i18n import msg, t
from graph.outputs.upstream import (ServerError, Upstream, UpstreamBusy, UpstreamStopped, UpstreamTimeout,
                                    free_port, load_store, oxigraph_binary)
from graph.sparql.gate import QueryRefused, gate

__all__ = ["ServerError", "free_port", "load_store", "oxigraph_binary", "running_server"]


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
    def __init__(self, status: int, message: str, headers=()):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, tuple(headers)


class _Gateway(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    request_queue_size = 256  # the listen backlog: 5 by default, and 32 clients at once were reset

    def __init__(self, address, upstream: Upstream, *, cors: bool, timeout_s: int, loopback_only: bool, log=None,
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

    def setup(self) -> None:
        super().setup()
        try:  # headers and body are two writes: without this, Nagle and the client's delayed ACK
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # add 40 ms to each answer
        except OSError:
            pass

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

    def _refuse(self, status: int, message: str, headers=()) -> None:
        self._reply(status, (message.rstrip() + "\n").encode("utf-8"), extra=[*headers, ("Connection", "close")])

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
            self._refuse(refusal.status, refusal.message, refusal.headers)
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

    def _forward_query(self, query: str) -> None:
        accept = self.headers.get("Accept") or "application/sparql-results+json"
        retry = [("Retry-After", str(limits.SERVER_RETRY_AFTER))]
        try:
            status, kind, body = self.server.upstream.query(query, accept)
        except UpstreamBusy:
            raise _Refusal(503, t("serve.http.busy"), retry) from None
        except UpstreamTimeout:
            raise _Refusal(503, t("serve.http.timeout", seconds=self.server.timeout_s), retry) from None
        except UpstreamStopped as error:
            raise _Refusal(503, t("serve.http.server_stopped", reason=error.reason), retry) from None
        self._reply(status, body, kind)

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


@contextmanager
def running_server(graph_file: Path, location: Path, *, host: str = "127.0.0.1", port: int = 7878,
                   cors: bool = False, timeout_s: int = 30, wait: float = 30.0,
                   memory_mb: int | None = None, project=None, workbench: bool = True,
                   connections: int | None = None):
    """Start a read-only Oxigraph server over ``graph_file`` behind the gateway on
    ``host:port``; yield the query endpoint URL; stop both on exit.

    With ``workbench`` (the default) the gateway also serves the workbench's pages at
    ``http://host:port/`` over ``graph_file``, reading the named questions of ``project``
    (default: the project ``graph_file`` lies in, else :func:`~graph.core.project.find_project`).
    ``connections`` queries run at once on the Oxigraph server (default
    :func:`graph.core.limits.server_connections`), under ``memory_mb`` (default
    :func:`graph.core.limits.server_memory_mb`).
    """
    load_store(graph_file, location)
    log_path = Path(location).parent / "oxigraph-server.log"
    log = open(log_path, "w", encoding="utf-8")
    memory = limits.server_memory_mb() if memory_mb is None else memory_mb
    upstream = Upstream(location, timeout_s=timeout_s, memory_mb=memory, log=log, log_path=log_path, wait=wait,
                        connections=connections)
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
        upstream.close()
        log.close()


def _project_of(graph_file: Path):
    """The project a build lies in (``PROJECT/build/graph/ikz.nt``), else the usual search."""
    from graph.core.project import Project, find_project, is_project

    for folder in Path(graph_file).resolve().parents:
        if is_project(folder):
            return Project(folder)
    return find_project()

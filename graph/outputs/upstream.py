"""The Oxigraph server behind ``ikz serve``'s gateway: its store, its process, and the bounded
set of connections the gateway asks it through (see :class:`Upstream`)."""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from graph.core import limits
from graph.core.errors import IKZError, ProjectError
from graph.core.i18n import msg

#: The request that tells the Oxigraph server is up (``ASK {}``, URL-encoded).
_PING = "/query?query=ASK%7B%7D"


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


def _memory_limit(data_bytes: int):
    def apply() -> None:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_DATA, (data_bytes, data_bytes))
        except (ImportError, ValueError, OSError):
            pass
    return apply


class UpstreamBusy(Exception):
    """Every connection is in use and the queue is full (or the wait outlasted the timeout)."""


class UpstreamTimeout(Exception):
    """The query ran past the timeout; the server was restarted to stop it."""


class UpstreamStopped(Exception):
    """The server died under the query, also when it was asked again on a fresh server."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason


class _Connection(http.client.HTTPConnection):
    """A connection that sends at once: http.client writes headers and body apart, and with
    Nagle's algorithm the body waits for the server's delayed ACK (up to 40 ms a query)."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


#: Errors of a connection whose server went away (restarted, died, closed the connection).
_CONNECTION_ERRORS = (OSError, http.client.HTTPException)


class Upstream:
    """The Oxigraph server behind the gateway, on a private loopback port.

    At most ``connections`` queries run on it at once, each on a kept-alive connection of its
    own (the server holds one thread per connection: its thread count stays bounded whatever
    the load); ``limits.SERVER_QUEUE`` more wait, the next is answered busy. The gateway, not
    the server, enforces the timeout: Oxigraph 0.5's ``--timeout-s`` starts a thread per query
    that sleeps for the whole timeout, so under load the threads pile up until the memory cap
    (thread stacks count against RLIMIT_DATA) or the system's thread limit stops the server.
    A query running longer than ``limits.SERVER_YIELD_S`` yields the CPU: its server thread
    (named after the connection's port) gets the lowest priority (nice 19), so short queries
    keep their latency beside a long one, and its connection is not kept.
    A query past the timeout restarts the server (a fresh process on the same read-only store);
    the other queries in flight on it are asked again on the fresh server, so their clients see
    a delay, not an error. A query the server died under twice is answered as stopped.
    """

    def __init__(self, location: Path, *, timeout_s: int, memory_mb: int, log, log_path: Path, wait: float,
                 connections: int | None = None):
        self.location, self.timeout_s, self.memory_mb = Path(location), timeout_s, memory_mb
        self.log, self.log_path, self.wait = log, log_path, wait
        self.connections = connections or limits.server_connections()
        self.lock = threading.Lock()
        self.slots = threading.Semaphore(self.connections)
        self.admission = threading.Lock()
        self.waiting = 0
        self.idle: list[tuple[int, http.client.HTTPConnection]] = []
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.url = ""
        self.generation = 0
        self.restarts = 0
        self.running: dict[int, list] = {}  # local port of a connection -> [started, yielded]
        self.closed = threading.Event()
        self.watch: threading.Thread | None = None

    # -- the process --------------------------------------------------------------------------

    def start(self) -> None:
        port = free_port()
        command = [oxigraph_binary(), "serve-read-only", "--location", str(self.location), "--bind",
                   f"127.0.0.1:{port}"]
        limit = None
        if self.memory_mb and sys.platform.startswith("linux"):
            limit = _memory_limit(limits.server_data_limit(self.memory_mb, self.connections))
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
                time.sleep(0.02)
        self.port, self.url = port, url
        if self.watch is None and sys.platform.startswith("linux") and hasattr(os, "setpriority"):
            self.watch = threading.Thread(target=self._watch, name="ikz-upstream-watch", daemon=True)
            self.watch.start()

    def restart(self, generation: int, reason: str) -> None:
        """Restart the server, unless another request did so since ``generation``."""
        with self.lock:
            if generation != self.generation:
                return
            self._note(f"restarting the Oxigraph server: {reason}")
            for _, connection in self.idle:
                connection.close()
            self.idle.clear()
            self.stop()
            self.start()
            self.generation += 1
            self.restarts += 1

    def _recover(self, generation: int) -> bool:
        """After a failed connection: True when the server was (or is now) restarted since
        ``generation``, False when it still runs (the connection was only stale)."""
        with self.lock:
            if generation != self.generation:
                return True
            alive = self.process is not None and self.process.poll() is None
        if alive:
            return False
        self.restart(generation, "the server stopped")
        return True

    def close(self) -> None:
        """Stop the server for good."""
        self.closed.set()
        self.stop()

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.kill()  # read-only store: nothing to save; a runaway query stops at once
        self.process.wait()
        self.process = None

    def _note(self, text: str) -> None:
        try:
            self.log.write(f"gateway: {text}\n")
            self.log.flush()
        except (OSError, ValueError):
            pass

    # -- queries ------------------------------------------------------------------------------

    def query(self, text: str, accept: str) -> tuple[int, str, bytes]:
        """Ask the server ``text`` (SPARQL 1.1 Protocol); the status, media type and body."""
        with self.admission:
            if self.waiting >= self.connections + limits.SERVER_QUEUE:
                raise UpstreamBusy()
            self.waiting += 1
        try:
            if not self.slots.acquire(timeout=self.timeout_s):
                raise UpstreamBusy()
            try:
                return self._ask(text.encode("utf-8"), accept)
            except ServerError as error:  # the restart itself failed
                raise UpstreamStopped(error.what) from None
            finally:
                self.slots.release()
        finally:
            with self.admission:
                self.waiting -= 1

    def _ask(self, body: bytes, accept: str) -> tuple[int, str, bytes]:
        restarted, reason = 0, ""
        for _ in range(6):  # stale kept-alive connections cost a try, not a restart
            generation, connection = self._connection()
            deadline = time.monotonic() + self.timeout_s
            try:
                answer = self._exchange(connection, body, accept, deadline)
            except TimeoutError:
                connection.close()
                self.restart(generation, f"a query ran past {self.timeout_s} s")
                raise UpstreamTimeout() from None
            except _CONNECTION_ERRORS as error:
                connection.close()
                reason = str(error) or type(error).__name__
                if self._recover(generation):
                    restarted += 1
                    if restarted > 1:
                        break
                continue
            status, kind, data, reusable = answer
            if reusable:
                with self.lock:
                    if generation == self.generation:
                        self.idle.append((generation, connection))
                    else:
                        connection.close()
            else:
                connection.close()
            return status, kind, data
        raise UpstreamStopped(reason)

    def _connection(self) -> tuple[int, http.client.HTTPConnection]:
        with self.lock:
            while self.idle:
                generation, connection = self.idle.pop()
                if generation == self.generation:
                    return generation, connection
                connection.close()
            return self.generation, _Connection("127.0.0.1", self.port, timeout=self.timeout_s)

    def _exchange(self, connection: http.client.HTTPConnection, body: bytes, accept: str, deadline: float):
        """One request on ``connection``, the whole answer read before ``deadline``
        (TimeoutError otherwise: a socket timeout only bounds each read)."""
        def remaining() -> float:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError()
            return left

        connection.timeout = remaining()
        if connection.sock is not None:
            connection.sock.settimeout(connection.timeout)
        connection.request("POST", "/query", body=body,
                           headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": accept})
        sock = connection.sock  # the response keeps it when the server closes the connection
        port = sock.getsockname()[1]
        entry = self.running[port] = [time.monotonic(), False]
        try:
            sock.settimeout(remaining())
            response = connection.getresponse()
            chunks = []
            while True:
                sock.settimeout(remaining())
                block = response.read(1 << 16)
                if not block:
                    break
                chunks.append(block)
        finally:
            self.running.pop(port, None)
        kind = response.getheader("Content-Type", "application/octet-stream")
        return response.status, kind, b"".join(chunks), not (response.will_close or entry[1])

    # -- long queries yield ---------------------------------------------------------------------

    def _watch(self) -> None:
        """Every 0.2 s: a query running past ``limits.SERVER_YIELD_S`` gets its server thread
        reniced to 19 (its connection is then closed after the answer, so the thread ends)."""
        while not self.closed.wait(0.2):
            now = time.monotonic()
            for port, entry in list(self.running.items()):
                if not entry[1] and now - entry[0] > limits.SERVER_YIELD_S:
                    entry[1] = True
                    process = self.process
                    tid = _server_thread(process.pid, port) if process is not None else None
                    if tid is not None:
                        try:
                            os.setpriority(os.PRIO_PROCESS, tid, 19)
                        except OSError:
                            pass


def _server_thread(pid: int, port: int) -> int | None:
    """The Oxigraph server's thread answering the connection from local ``port``: OxHTTP names
    it ``127.0.0.1:PORT: responding thread``, which Linux keeps as its first 15 characters."""
    name = f"127.0.0.1:{port}"
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm", encoding="utf-8") as handle:
                    comm = handle.read().strip()
            except OSError:
                continue
            if comm.startswith(name) and comm[len(name):len(name) + 1] in ("", ":"):
                return int(tid)
    except OSError:
        pass
    return None

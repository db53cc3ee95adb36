"""A long-lived query worker: one forked process per open graph that answers query after query.

Forking a worker for every query costs tens of milliseconds, more than most named questions
take; the persistent worker keeps the isolation (wall-clock timeout, memory cap, no network,
a crash or kill never touches the caller) at the cost of a pipe round trip. It is forked from
the process that holds the store, so it shares the store's pages copy-on-write and needs no
reload. A query that times out or kills the worker costs only the fork of the next worker.
"""

from __future__ import annotations

import multiprocessing


def _serve(handler, connection, memory_mb: int | None, offline: bool) -> None:
    from graph.sparql.query import _answer, _prepare_worker

    _prepare_worker(memory_mb, offline)
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if not _answer(connection, lambda: handler(request), memory_mb):
            return  # start afresh after running out of memory


class PersistentWorker:
    """Run ``handler(request)`` in a forked process that outlives one call.

    ``call(request, timeout)`` sends the request, waits at most ``timeout`` seconds, and
    returns the handler's value or raises its exception; on a timeout the worker is killed
    (and :class:`~graph.sparql.query.QueryTimeout` raised), on a crash a
    :class:`~graph.sparql.query.QueryFailure` explains it. The next call starts a fresh worker.
    """

    def __init__(self, handler, *, memory_mb: int | None, offline: bool = True):
        self.handler, self.memory_mb, self.offline = handler, memory_mb, offline
        self.process = None
        self.connection = None

    @staticmethod
    def available() -> bool:
        return "fork" in multiprocessing.get_all_start_methods()

    def _start(self) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(self.handler, child, self.memory_mb, self.offline),
                                       daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.connection.close()
        self.process = self.connection = None

    def call(self, request, timeout: float):
        from graph.sparql.query import QueryTimeout, _death

        if self.process is None or not self.process.is_alive():
            self.stop()
            self._start()
        try:
            self.connection.send(request)
            if not self.connection.poll(timeout):
                self.stop()
                raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped",
                                   fix="narrow the query (LIMIT, more specific patterns) or raise --timeout")
            ok, value = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.process.join(5)
            exitcode = self.process.exitcode
            self.stop()
            raise _death(exitcode, self.memory_mb) from None
        if not ok and getattr(value, "what", "").startswith("the query needed more memory"):
            self.stop()
        if ok:
            return value
        raise value

    def __del__(self):  # pragma: no cover - best effort at interpreter exit
        try:
            self.stop()
        except Exception:
            pass

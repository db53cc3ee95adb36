"""Where queries run: a forked worker with a wall-clock timeout, a memory cap and no network.

Two ways, with one setup (:func:`prepare`) and one answer path (:func:`answer`):

* :class:`PersistentWorker`: one forked process per open graph that answers query after
  query. Forking a worker for every query costs tens of milliseconds, more than most named
  questions take; the persistent worker keeps the isolation (timeout, memory cap, no network,
  a crash or kill never touches the caller) at the cost of a pipe round trip. It is forked from
  the process that holds the store, so it shares the store's pages copy-on-write and needs no
  reload. A query that times out or kills the worker costs only the fork of the next worker.
* :func:`run_with_timeout`: a worker for one call (used with ``--allow-service``, an explicit
  memory cap, or an endpoint's syntax check).
"""

from __future__ import annotations

import faulthandler
import math
import multiprocessing
import os
import select
import signal
import stat  # imported here, not in the forked worker (see graph.core.limits)

from graph.core import limits
from graph.core.i18n import msg
from graph.sparql.errors import QueryFailure, QueryTimeout


def timeout_error(seconds: float) -> QueryTimeout:
    return QueryTimeout(msg("sparql.run.timeout", seconds=f"{seconds:g}"), fix=msg("sparql.run.timeout_fix"))


def _quiet_stderr() -> None:
    """The worker's own stderr goes nowhere: its errors come back through the pipe, and a Rust
    abort's backtrace would only clutter the terminal (the parent explains the death)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass


def _close_inherited_channels(keep: int | None) -> None:
    """Close the pipes and sockets the worker inherited from its parent (but ``keep``, its own
    channel, and stdio). A worker holding the write end of a parent's pipe keeps the process at
    the other end waiting for an end that never comes (a browser driver, a server, a ``| head``).
    Regular files stay open: an on-disk store may need them."""
    for fd in _open_descriptors():
        if fd <= 2 or fd == keep:
            continue
        try:
            if stat.S_ISFIFO(os.fstat(fd).st_mode) or stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.close(fd)
        except OSError:
            pass


def _open_descriptors() -> list[int]:
    try:
        return sorted(int(name) for name in os.listdir("/proc/self/fd"))
    except OSError:  # no /proc (macOS): nothing to tidy that we can list cheaply
        return []


def prepare(memory_mb: int | None, offline: bool, keep: int | None = None) -> None:
    """In a freshly forked worker: let go of the parent's pipes, quiet crash reports, cap
    memory, cut the network."""
    _close_inherited_channels(keep)
    faulthandler.disable()  # a crash of the worker is reported by the parent
    _quiet_stderr()
    if memory_mb:
        limits.cap_memory(memory_mb)
    if offline:
        limits.deny_network()


def _out_of_memory(memory_mb: int | None) -> QueryFailure:
    return QueryFailure(msg("sparql.run.memory", megabytes=memory_mb), fix=msg("sparql.run.memory_fix"))


def answer(connection, function, memory_mb: int | None) -> bool:
    """Send ``function()``'s value, or its exception, to the parent; False after running out
    of memory (the worker should then end)."""
    try:
        connection.send((True, function()))
    except MemoryError:
        connection.send((False, _out_of_memory(memory_mb)))
        return False
    except BaseException as error:  # noqa: BLE001 - everything goes back to the parent
        try:
            connection.send((False, error))
        except Exception:  # the error itself does not pickle
            connection.send((False, QueryFailure(msg("sparql.run.unpicklable", detail=f"{type(error).__name__}: {error}"))))
    return True


def death(exitcode: int | None, memory_mb: int | None) -> QueryFailure:
    """A clear message for a worker that ended without an answer."""
    fix = msg("sparql.run.death_fix")
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        name = signal.Signals(number).name if number in set(signal.Signals) else f"signal {number}"
        if number == signal.SIGABRT and memory_mb:
            return QueryFailure(msg("sparql.run.death_memory", signal=name, megabytes=memory_mb),
                                fix=msg("sparql.run.death_memory_fix"))
        if number == signal.SIGKILL:
            return QueryFailure(msg("sparql.run.death_killed", signal=name), fix=fix)
        return QueryFailure(msg("sparql.run.death_crashed", signal=name), fix=fix)
    return QueryFailure(msg("sparql.run.death_exit", code=exitcode if exitcode is not None else "?"), fix=fix)


def _child(function, connection, memory_mb: int | None, offline: bool):
    """A worker for one call (forked per query)."""
    try:
        prepare(memory_mb, offline, connection.fileno())
        answer(connection, function, memory_mb)
    finally:
        connection.close()


def run_with_timeout(function, timeout: float | None, *, memory_mb: int | None = None, offline: bool = True):
    """Call ``function`` in a forked worker; kill it after ``timeout`` seconds.

    The worker may grow its address space by at most ``memory_mb`` MiB (default
    :func:`graph.core.limits.memory_mb`, 0 for no cap) and, when ``offline``, cannot open an
    Internet socket. A worker that crashes, is killed or runs out of memory is reported as a
    :class:`QueryFailure`; this process is not affected. With ``timeout=None``, or where
    ``fork`` is unavailable (Windows), the function runs in this process without these limits.
    """
    if not timeout or "fork" not in multiprocessing.get_all_start_methods():
        return function()
    memory_mb = limits.memory_mb() if memory_mb is None else memory_mb
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_child, args=(function, sender, memory_mb, offline), daemon=True)
    worker.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise timeout_error(timeout)
        try:
            ok, value = receiver.recv()
        except (EOFError, OSError):
            worker.join(5)
            raise death(worker.exitcode, memory_mb) from None
    finally:
        if worker.is_alive():
            worker.kill()
        worker.join()
        receiver.close()
    if ok:
        return value
    raise value


def _serve(handler, connection, memory_mb: int | None, offline: bool) -> None:
    prepare(memory_mb, offline, connection.fileno())
    while True:
        try:
            request = connection.recv()
        except (EOFError, OSError):
            return  # the parent went away
        if not answer(connection, lambda: handler(request), memory_mb):
            return  # start afresh after running out of memory


class PersistentWorker:
    """Run ``handler(request)`` in a forked process that outlives one call.

    ``call(request, timeout)`` sends the request, waits at most ``timeout`` seconds, and
    returns the handler's value or raises its exception; on a timeout the worker is killed
    (and :class:`~graph.sparql.errors.QueryTimeout` raised), on a crash a
    :class:`~graph.sparql.errors.QueryFailure` explains it. The next call starts a fresh worker.
    """

    def __init__(self, handler, *, memory_mb: int | None, offline: bool = True):
        self.handler, self.memory_mb, self.offline = handler, memory_mb, offline
        self.process = None
        self.connection = None
        self._poller = None

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
        if hasattr(select, "poll"):  # one poll object per worker, not a selector per call
            self._poller = select.poll()
            self._poller.register(self.connection.fileno(), select.POLLIN)

    def _wait(self, timeout: float) -> bool:
        """Whether the worker answered (or hung up) within ``timeout`` seconds."""
        if self._poller is None:
            return self.connection.poll(timeout)
        return bool(self._poller.poll(math.ceil(timeout * 1000)))

    def stop(self) -> None:
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join()
            self.connection.close()
        self.process = self.connection = self._poller = None

    def call(self, request, timeout: float):
        if self.process is None or not self.process.is_alive():
            self.stop()
            self._start()
        try:
            self.connection.send(request)
            if not self._wait(timeout):
                self.stop()
                raise timeout_error(timeout)
            ok, value = self.connection.recv()
        except (EOFError, OSError, BrokenPipeError):
            self.process.join(5)
            exitcode = self.process.exitcode
            self.stop()
            raise death(exitcode, self.memory_mb) from None
        if not ok and getattr(value, "message", None) == _out_of_memory(self.memory_mb).message:
            self.stop()
        if ok:
            return value
        raise value

    def __del__(self):  # pragma: no cover - best effort at interpreter exit
        try:
            self.stop()
        except Exception:
            pass

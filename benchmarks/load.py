"""The endpoint under load: ``ikz serve`` on a built graph, concurrent clients looping over the
named-question library on loopback, then the same beside one client sending a runaway query.

    python benchmarks/load.py --graph build/graph                   # 8 and 32 clients, 60 s each
    python benchmarks/load.py --graph /work/bench/L-graph/graph --timeout 30 --slow 2
    python benchmarks/load.py --graph build/graph --clients 8 --duration 10 --beside 4 --json

Every measurement runs in a fresh process of its own (``load.py measure ...``) that starts a
fresh ``ikz serve`` (the real command, on a free loopback port, over a private copy of the
store), so no figure is inherited from another: the server's peak RSS is the ``VmHWM`` of the
Oxigraph server process itself (the largest seen over its processes, when restarted), the
gateway's that of the ``ikz serve`` process. A request counts as an error unless it is answered
200 with a complete body; the runaway client's answers are listed apart (expected: 503 with
Retry-After after the timeout). The others' p95 beside the runaway is compared with the same
number of clients alone (target: at most 2x). Prints a markdown table; exits 1 when a target
is missed (any error, a server restart seen by the clients, the p95 ratio over 2).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: A query no server finishes in time on any graph of the project: a COUNT over its cube.
RUNAWAY = (ROOT / "benchmarks" / "runaway.rq").read_text(encoding="utf-8")
#: Example values for parameters without a default (as in tests/update_expected.py).
EXAMPLE_PARAMS = {"evidence": {"statement": "c:jugendschutzstelle-suedkreis"}}
#: Target: the others' p95 beside the runaway, over the same clients alone.
P95_RATIO_TARGET = 2.0


class _Connection(http.client.HTTPConnection):
    """Sends headers and body without waiting for a delayed ACK (as curl and browsers do)."""

    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- one measurement (in its own process) ------------------------------------------------------


def _status(pid: int) -> dict[str, int]:
    values = {}
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                name, _, rest = line.partition(":")
                if name in ("VmHWM", "VmRSS", "Threads"):
                    values[name] = int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return values


def _children(pid: int) -> list[int]:
    found = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(x) for x in handle.read().split()]
    except OSError:
        pass
    return found


class _Watch(threading.Thread):
    """Samples the ``ikz serve`` process and its Oxigraph server(s) twice a second."""

    def __init__(self, serve_pid: int):
        super().__init__(daemon=True)
        self.serve_pid, self.stopped = serve_pid, threading.Event()
        self.servers: dict[int, dict[str, int]] = {}
        self.gateway: dict[str, int] = {}

    def sample(self) -> None:
        for pid in _children(self.serve_pid):
            seen = _status(pid)
            if seen:
                best = self.servers.setdefault(pid, {"VmHWM": 0, "Threads": 0})
                best["VmHWM"] = max(best["VmHWM"], seen.get("VmHWM", 0))
                best["Threads"] = max(best["Threads"], seen.get("Threads", 0))
        self.gateway = _status(self.serve_pid) or self.gateway

    def run(self) -> None:
        while not self.stopped.wait(0.5):
            self.sample()


def _question_texts(project_root: Path, url: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Every named question and data check as the full text a client sends, parameters bound
    (resolved through the endpoint itself); the ids that could not be bound."""
    sys.path.insert(0, str(project_root))
    from graph.core.project import find_project
    from graph.sparql.binding import substitute
    from graph.sparql.engines import prologue
    from graph.sparql.query import GraphQuery

    gq = GraphQuery.open(find_project(project_root), endpoint=url, timeout=120)
    texts, skipped = [], []
    for qid, question in sorted(gq.library.items()):
        try:
            bound = substitute(question.text, gq.bind(question, EXAMPLE_PARAMS.get(qid, {})))
        except Exception:  # noqa: BLE001 - a value missing from this graph: measured without it
            skipped.append(qid)
            continue
        texts.append((qid, prologue(gq.prefixes, bound) + "\n" + bound))
    return texts, skipped


def _ask(connection, text: str) -> tuple[int, bytes, dict]:
    connection.request("POST", "/query", body=urllib.parse.urlencode({"query": text}).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Accept": "application/sparql-results+json"})
    response = connection.getresponse()
    body = response.read()
    if response.will_close:
        connection.close()
    return response.status, body, {k.casefold(): v for k, v in response.getheaders()}


def _complete(body: bytes) -> bool:
    return body.rstrip().endswith(b"}")


def _client(port: int, texts, offset: int, stop: float, timeout: float, out: dict) -> None:
    connection = _Connection("127.0.0.1", port, timeout=timeout)
    i = offset
    while time.monotonic() < stop:
        qid, text = texts[i % len(texts)]
        i += 1
        start = time.monotonic()
        try:
            status, body, _ = _ask(connection, text)
            ok = status == 200 and _complete(body)
            kind = "ok" if ok else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            ok, kind = False, type(error).__name__
        elapsed = time.monotonic() - start
        if ok:
            out["latencies"].append(elapsed)
        else:
            out["errors"][f"{qid}: {kind}"] = out["errors"].get(f"{qid}: {kind}", 0) + 1


def _runaway(port: int, stop: float, timeout: float, out: dict) -> None:
    connection = _Connection("127.0.0.1", port, timeout=timeout)
    while time.monotonic() < stop:
        start = time.monotonic()
        try:
            status, body, headers = _ask(connection, RUNAWAY)
            kind = f"{status}" + (" Retry-After" if "retry-after" in headers else "")
            out.setdefault("message", body.decode("utf-8", "replace").strip()[:300])
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            kind = type(error).__name__
        out["answers"][kind] = out["answers"].get(kind, 0) + 1
        out["seconds"].append(time.monotonic() - start)


def _probe(port: int, texts, timeout: int) -> dict[str, float | None]:
    """Each question once, alone (after one untimed pass): seconds, None when not answered."""
    connection = _Connection("127.0.0.1", port, timeout=timeout + 30)
    seconds: dict[str, float | None] = {}
    for rounds in range(2):
        for qid, text in texts:
            if rounds and seconds.get(qid, 0) is None:
                continue
            start = time.monotonic()
            try:
                status, body, _ = _ask(connection, text)
                ok = status == 200 and _complete(body)
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            seconds[qid] = round(time.monotonic() - start, 3) if ok else None
    return seconds


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure(graph: Path, clients: int, runaway: bool, duration: float, timeout: int, project_root: Path,
            exclude: frozenset = frozenset(), probe: bool = False) -> dict:
    """Start ``ikz serve`` over ``graph``, run ``clients`` (and the runaway) for ``duration`` s
    over the library without ``exclude``; with ``probe``, time each question once instead."""
    work = Path(tempfile.mkdtemp(prefix="ikz-load-"))
    (work / "graph").mkdir()
    (work / "graph" / "ikz.nt").symlink_to(Path(graph).resolve() / "ikz.nt")
    port = free_port()
    log = open(work / "serve.log", "w", encoding="utf-8")
    serve = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--graph", str(work / "graph"), "--port",
                              str(port), "--timeout", str(timeout)], cwd=project_root, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}/query"
    try:
        started = time.monotonic()
        while True:
            if serve.poll() is not None:
                raise SystemExit(f"ikz serve stopped: {(work / 'serve.log').read_text(encoding='utf-8')[-2000:]}")
            try:
                connection = _Connection("127.0.0.1", port, timeout=5)
                if _ask(connection, "ASK {}")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - started > 1800:
                raise SystemExit("ikz serve did not answer within 30 min")
            time.sleep(0.2)
        load_s = time.monotonic() - started
        texts, skipped = _question_texts(project_root, url)
        if probe:
            return {"seconds": _probe(port, texts, timeout), "skipped": skipped}
        texts = [(qid, text) for qid, text in texts if qid not in exclude]
        watch = _Watch(serve.pid)
        watch.sample()
        warm = _Connection("127.0.0.1", port, timeout=timeout + 30)
        for _, text in texts:  # one pass first: the store's pages in memory
            _ask(warm, text)
        warm.close()
        watch.start()
        outs = [{"latencies": [], "errors": {}} for _ in range(clients)]
        wild = {"answers": {}, "seconds": []}
        stop = time.monotonic() + duration
        threads = [threading.Thread(target=_client, args=(port, texts, i * 3, stop, timeout + 30, outs[i]))
                   for i in range(clients)]
        if runaway:
            threads.append(threading.Thread(target=_runaway, args=(port, stop, timeout + 30, wild)))
        began = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
        watch.stopped.set()
        watch.join()
        watch.sample()
    finally:
        if probe:
            shutil.rmtree(work, ignore_errors=True)
        if serve.poll() is None:
            serve.send_signal(signal.SIGTERM)
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(serve.pid, signal.SIGKILL)
                serve.wait()
        log.close()
    latencies = [x for out in outs for x in out["latencies"]]
    errors: dict[str, int] = {}
    for out in outs:
        for kind, count in out["errors"].items():
            errors[kind] = errors.get(kind, 0) + count
    restarts = (work / "oxigraph-server.log").read_text(encoding="utf-8").count("gateway: restarting")
    shutil.rmtree(work, ignore_errors=True)
    return {
        "graph": str(graph), "clients": clients, "runaway": runaway, "duration_s": round(wall, 1),
        "excluded": sorted(exclude),
        "questions": len(texts), "skipped": skipped, "requests": len(latencies) + sum(errors.values()),
        "errors": sum(errors.values()), "error_kinds": errors, "per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(1000 * _percentile(latencies, 0.5), 1), "p95_ms": round(1000 * _percentile(latencies, 0.95), 1),
        "runaway_answers": wild["answers"], "runaway_message": wild.get("message"),
        "runaway_s": round(statistics.median(wild["seconds"]), 2) if wild["seconds"] else None,
        "restarts": restarts, "server_processes": len(watch.servers),
        "server_threads_max": max((s["Threads"] for s in watch.servers.values()), default=0),
        "server_hwm_mb": round(max((s["VmHWM"] for s in watch.servers.values()), default=0) / 1024),
        "gateway_hwm_mb": round(watch.gateway.get("VmHWM", 0) / 1024), "load_s": round(load_s, 1),
    }


# -- the run: each measurement in a fresh process ----------------------------------------------


def run_one(args, clients: int, runaway: bool, exclude=(), probe: bool = False) -> dict:
    command = [sys.executable, str(Path(__file__).resolve()), "measure", "--graph", str(args.graph), "--clients",
               str(clients), "--duration", str(args.duration), "--timeout", str(args.timeout)]
    if runaway:
        command.append("--runaway")
    if exclude:
        command += ["--exclude", ",".join(exclude)]
    if probe:
        command.append("--probe")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                          timeout=args.duration + 2400)
    if done.returncode != 0:
        raise SystemExit(f"measurement failed ({' '.join(command)}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def table(rows: list[dict], ratio: float | None) -> str:
    lines = ["| graph | clients | runaway | requests | errors | answers/s | p50 ms | p95 ms | runaway answered "
             "| server restarts | server threads (max) | server VmHWM MB | gateway VmHWM MB |",
             "|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|"]
    for r in rows:
        answers = ", ".join(f"{k} x{v}" for k, v in sorted(r["runaway_answers"].items()))
        if r["runaway_s"] is not None:
            answers += f" after {r['runaway_s']} s"
        lines.append(f"| {Path(r['graph']).parent.name or r['graph']} ({r['questions']} questions) | {r['clients']} | {'yes' if r['runaway'] else 'no'} "
                     f"| {r['requests']:,} | {r['errors']} | {r['per_s']:g} | {r['p50_ms']:g} | {r['p95_ms']:g} "
                     f"| {answers or '-'} | {r['restarts']} | {r['server_threads_max']} | {r['server_hwm_mb']:,} "
                     f"| {r['gateway_hwm_mb']:,} |")
    if ratio is not None:
        lines.append("")
        lines.append(f"Others' p95 beside the runaway / alone: {ratio:.2f}x (target <= {P95_RATIO_TARGET:g}x).")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", default="run", choices=["run", "measure"])
    parser.add_argument("--graph", type=Path, required=True, help="a build folder (with ikz.nt)")
    parser.add_argument("--clients", default="8,32", help="client counts, one measurement each (default 8,32)")
    parser.add_argument("--beside", type=int, default=4, help="clients beside the runaway (default 4; 0: none)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds per measurement (default 60)")
    parser.add_argument("--timeout", type=int, default=10, help="ikz serve --timeout (default 10)")
    parser.add_argument("--slow", type=float, default=0.0,
                        help="leave out of the load the questions slower than this many seconds alone (timed once "
                             "first, in a fresh server; default 0: keep all)")
    parser.add_argument("--runaway", action="store_true", help="(measure) add the runaway client")
    parser.add_argument("--exclude", default="", help="(measure) question ids to leave out, comma-separated")
    parser.add_argument("--probe", action="store_true", help="(measure) time each question once instead")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    args = parser.parse_args(argv)
    if args.mode == "measure":
        exclude = frozenset(x for x in args.exclude.split(",") if x)
        print(json.dumps(measure(args.graph, int(args.clients), args.runaway, args.duration, args.timeout, ROOT,
                                 exclude, args.probe)))
        return 0
    exclude: list[str] = []
    if args.slow:
        probe = run_one(args, 1, False, probe=True)["seconds"]
        exclude = sorted(q for q, s in probe.items() if s is None or s > args.slow)
        print(f"Alone, one at a time (s; - = no answer within {args.timeout} s): "
              + ", ".join(f"{q} {'-' if s is None else s}" for q, s in sorted(probe.items(), key=lambda x: -(x[1] or 1e9))))
        print(f"Left out of the load (slower than {args.slow:g} s alone): {', '.join(exclude) or 'none'}\n")
    rows = [run_one(args, int(n), False, exclude) for n in args.clients.split(",") if n.strip()]
    ratio = None
    if args.beside:
        alone = run_one(args, args.beside, False, exclude)
        beside = run_one(args, args.beside, True, exclude)
        rows += [alone, beside]
        ratio = beside["p95_ms"] / alone["p95_ms"] if alone["p95_ms"] else None
    print(table(rows, ratio))
    if args.json:
        print(json.dumps({"rows": rows, "p95_ratio": ratio}))
    missed = [r for r in rows if r["errors"] or (r["restarts"] and not r["runaway"])]
    return 1 if missed or (ratio is not None and ratio > P95_RATIO_TARGET) else 0


if __name__ == "__main__":
    sys.exit(main())

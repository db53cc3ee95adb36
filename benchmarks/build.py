"""``ikz build`` against pyoxigraph's bulk load of its output, step by step (issue #14 item 4).

    python benchmarks/build.py /work/bench/L              # build with extra data from that folder
    python benchmarks/build.py /work/bench/L --store-dir  # also the on-disk store build
    python benchmarks/build.py DIR --repeat 3             # medians of three fresh runs each

The build runs as ``benchmarks/run.py`` runs it (``layers=("national",)``, ``extra_data=[DIR]``)
in a fresh interpreter, which prints the time of each step (the build's own progress messages
plus its main functions, with the thread they ran on: several overlap) and its peak memory
(``VmHWM``, reset by exec, never inherited). The bulk load of the ``ikz.nt`` it wrote runs in
another fresh interpreter. Printed: the steps, both times, the ratio (target ≤ 2×) and both
peaks (target ≤ 1.2×). The machine is shared: compare ratios, repeat.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PEAK = """
import resource

def cpu_s():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime

def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

BUILD = PEAK + """
import functools, json, sys, threading, time
sys.path.insert(0, {root!r})
import graph.builder.build as B
start = time.perf_counter()
steps = []

def timed(module, name):
    function = getattr(module, name)
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        begin = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            steps.append((name, begin - start, time.perf_counter() - begin, threading.current_thread().name, peak_mb()))
    setattr(module, name, wrapper)

for name in ("_bulk_load", "_check_loaded", "check_quotes", "derive", "validate_project", "check_violations",
             "summarize", "serialize", "load_project"):
    timed(B, name)
progress = lambda message: steps.append(("> " + message.render("en")[:60], time.perf_counter() - start, 0.0, "", peak_mb()))
result = B.build(B.find_project({root!r}), {out!r}, layers=("national",), extra_data=[{data!r}],
                 store_dir={store_dir!r}, progress=progress)
print(json.dumps({{"seconds": time.perf_counter() - start, "triples": result.summary["triples"], "rss_mb": peak_mb(), "cpu": cpu_s(),
                   "steps": steps}}))
"""

BULK = PEAK + """
import json, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(); store.bulk_load(path={path!r}, format=ox.RdfFormat.N_TRIPLES)
print(json.dumps({{"seconds": time.perf_counter() - start, "rss_mb": peak_mb(), "triples": len(store), "cpu": cpu_s()}}))
"""


def fresh(snippet: str, **values) -> dict:
    """Run ``snippet`` in a fresh interpreter; its last line of output is JSON."""
    out = subprocess.run([sys.executable, "-c", snippet.format(**values)], capture_output=True, text=True, cwd=ROOT)
    if out.returncode:
        raise SystemExit(f"measurement failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_steps(run: dict) -> None:
    print(f"{'step':62} {'start s':>8} {'took s':>7} {'VmHWM MB':>9}  thread")
    for name, begin, took, thread, peak in sorted(run["steps"], key=lambda s: s[1]):
        print(f"{name:62} {begin:8.2f} {took:7.2f} {peak:9.0f}  {thread}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", help="a size folder (e.g. /work/bench/L: cooperations.nt and sources/)")
    parser.add_argument("--repeat", type=int, default=1, help="fresh runs of each (medians are compared)")
    parser.add_argument("--store-dir", action="store_true", help="also build into an on-disk store")
    parser.add_argument("--keep", help="write the build here (default: a temporary folder, removed)")
    parser.add_argument("--root", default=str(ROOT), help="the code tree to build with (e.g. a checkout of main: before/after)")
    args = parser.parse_args(argv)
    root = str(Path(args.root).resolve())
    work = Path(args.keep or tempfile.mkdtemp(prefix="ikz-bench-build-"))
    out = work / "graph"
    try:
        builds, bulks = [], []
        for _ in range(args.repeat):
            builds.append(fresh(BUILD, root=root, out=str(out), data=str(Path(args.data).resolve()), store_dir=None))
            bulks.append(fresh(BULK, path=str(out / "ikz.nt")))
            print_steps(builds[-1])
            print(f"build {builds[-1]['seconds']:.2f} s (CPU {builds[-1]['cpu']:.1f} s), "
                  f"bulk load {bulks[-1]['seconds']:.2f} s (CPU {bulks[-1]['cpu']:.1f} s)\n")
        build_s = statistics.median(b["seconds"] for b in builds)
        bulk_s = statistics.median(b["seconds"] for b in bulks)
        build_mb = statistics.median(b["rss_mb"] for b in builds)
        bulk_mb = statistics.median(b["rss_mb"] for b in bulks)
        build_cpu = statistics.median(b["cpu"] for b in builds)
        bulk_cpu = statistics.median(b["cpu"] for b in bulks)
        print(f"triples: {builds[0]['triples']:,} (bulk-loaded: {bulks[0]['triples']:,})")
        print(f"CPU time (user+sys; steadier than wall time on a shared machine): build {build_cpu:.1f} s vs "
              f"bulk load {bulk_cpu:.1f} s = {build_cpu / bulk_cpu:.2f}x")
        print(f"build {build_s:.2f} s vs bulk load {bulk_s:.2f} s = {build_s / bulk_s:.2f}x (target <= 2x)")
        print(f"VmHWM build {build_mb:.0f} MB vs bulk-loaded store {bulk_mb:.0f} MB = {build_mb / bulk_mb:.2f}x (target <= 1.2x)")
        if args.store_dir:
            disk = work / "disk"
            on_disk = fresh(BUILD, root=root, out=str(disk / "graph"), data=str(Path(args.data).resolve()),
                            store_dir=str(disk / "store"))
            print_steps(on_disk)
            print(f"build --store-dir {on_disk['seconds']:.2f} s = {on_disk['seconds'] / bulk_s:.2f}x the bulk load, "
                  f"VmHWM {on_disk['rss_mb']:.0f} MB")
        return 0 if build_s / bulk_s <= 2 and build_mb / bulk_mb <= 1.2 else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

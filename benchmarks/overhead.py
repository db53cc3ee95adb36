"""The query path's cost over raw pyoxigraph, per named question, on one built graph.

    python benchmarks/overhead.py                       # the project's build/graph (S)
    python benchmarks/overhead.py /work/bench/L-new/graph -n 7
    python benchmarks/overhead.py GRAPH_DIR -q town-profile -q barriers

For every named question (default parameters; ``evidence`` gets a statement, as in
``benchmarks/run.py``) it prints the median of N calls of ``GraphQuery.ask(qid, params)`` and of
raw pyoxigraph on the same bound text (``store.query(text, prefixes=...)`` iterated, the
parameters substituted as the worker and ``benchmarks/run.py`` do), the difference, the rows
and whether the question is within the cost rule of ``benchmarks/run.py``: at most 1.3× raw
where raw takes more than 50 ms, else at most raw + 2 ms + 5 µs per row. Exit code 1 when a
question is beyond the rule.

Raw runs on the very store the query path opened (the same engine on the same pages: one
graph in memory, not two); ``--separate-raw`` bulk-loads a second bare store instead. As in
``benchmarks/run.py``, N calls of ours are timed, then N raw; ``--alternate`` alternates them
call by call instead (a busy machine then slows both alike, but the caller, busy with the raw
query just before, wakes later from the pipe: a few milliseconds on a loaded machine). The
first call of each question is a warm-up (the worker's fork, the first resolution of a default
value) and is not counted; ``--cold`` prints it beside the medians.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from graph.core.project import find_project  # noqa: E402
from graph.sparql.binding import substitute  # noqa: E402
from graph.sparql.query import GraphQuery  # noqa: E402
from graph.sparql.resolve import KINDS  # noqa: E402

#: The cost rule (the same figures as benchmarks/run.py's SLOW_RAW_S, SLOW_RATIO, FIXED_COST_S, ROW_COST_S).
SLOW_RAW_S, SLOW_RATIO, FIXED_COST_S, ROW_COST_S = 0.050, 1.3, 0.002, 5e-6
#: Parameters beyond the defaults (a required one has none).
PARAMS = {"evidence": {"statement": "c:jugendschutzstelle-suedkreis"}}


def allowed(t_raw: float, rows: int) -> float:
    """The most the query path may take for a question that takes ``t_raw`` raw."""
    if t_raw > SLOW_RAW_S:
        return SLOW_RATIO * t_raw
    return t_raw + FIXED_COST_S + ROW_COST_S * rows


def drain(answer) -> int:
    """Iterate a raw pyoxigraph answer as benchmarks/run.py does (``list``)."""
    if isinstance(answer, ox.QueryBoolean):
        return int(bool(answer))
    return len(list(answer))


def measure(gq: GraphQuery, raw: ox.Store, qid: str, repeat: int, alternate: bool = False) -> dict:
    question = gq.library[qid]
    params = PARAMS.get(qid, {})
    bindings = gq.bind(question, params)
    text = substitute(question.text, bindings)  # the text the worker runs
    prefixes = gq.prefixes
    start = time.perf_counter()
    rows = len(gq.ask(qid, params))
    cold = time.perf_counter() - start
    drain(raw.query(text, prefixes=prefixes))
    ours, bare = [], []

    def one_raw():
        start = time.perf_counter()
        drain(raw.query(text, prefixes=prefixes))
        bare.append(time.perf_counter() - start)

    def one_ours():
        start = time.perf_counter()
        len(gq.ask(qid, params))
        ours.append(time.perf_counter() - start)

    if alternate:
        for _ in range(repeat):
            one_raw()
            one_ours()
    else:  # as benchmarks/run.py: N calls of ours, then N raw
        for _ in range(repeat):
            one_ours()
        for _ in range(repeat):
            one_raw()
    t_ours, t_raw = statistics.median(ours), statistics.median(bare)
    return {"qid": qid, "rows": rows, "raw": t_raw, "ours": t_ours, "cold": cold,
            "allowed": allowed(t_raw, rows), "ok": t_ours <= allowed(t_raw, rows)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph_dir", nargs="?", type=Path, help="a built graph folder (default: the project's)")
    parser.add_argument("-n", "--repeat", type=int, default=7, help="calls per question (the median is shown)")
    parser.add_argument("-q", "--question", action="append", help="only these questions (repeatable)")
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--separate-raw", action="store_true", help="raw on a second, bare bulk-loaded store")
    parser.add_argument("--cold", action="store_true", help="also print each question's first call")
    parser.add_argument("--alternate", action="store_true",
                        help="alternate raw and ours call by call (default: N of ours, then N raw, as benchmarks/run.py)")
    args = parser.parse_args(argv)
    project = find_project(args.project)
    graph_dir = args.graph_dir or project.default_output
    start = time.perf_counter()
    gq = GraphQuery.open(project, graph_dir=graph_dir)
    loaded = time.perf_counter() - start
    raw = gq.engine.store
    if args.separate_raw:
        raw = ox.Store()
        raw.bulk_load(path=str(Path(graph_dir) / "ikz.nt"), format=ox.RdfFormat.N_TRIPLES)
    print(f"graph {graph_dir} ({len(raw):,} triples, opened in {loaded:.1f} s); median of {args.repeat} calls",
          flush=True)
    head = f"{'question':<48} {'rows':>7} {'raw ms':>9} {'ours ms':>9} {'extra ms':>9} {'allowed':>9}  rule"
    if args.cold:
        head += "   first ms"
    kinds = sorted({p.type for q in gq.library.values() for p in q.params if p.type in KINDS})
    built = []
    for kind in kinds:  # the resolver reads each kind's names once per open graph
        start = time.perf_counter()
        count = len(gq.resolver.index(kind).candidates)
        built.append(f"{kind} {(time.perf_counter() - start) * 1e3:.1f} ms ({count:,})")
    print("resolver index, read once per open graph: " + ", ".join(built))
    print(head)
    over = []
    try:
        for qid in args.question or list(gq.library):
            m = measure(gq, raw, qid, args.repeat, args.alternate)
            line = (f"{qid:<48} {m['rows']:>7,} {m['raw'] * 1e3:>9.2f} {m['ours'] * 1e3:>9.2f} "
                    f"{(m['ours'] - m['raw']) * 1e3:>+9.2f} {m['allowed'] * 1e3:>9.2f}  {'ok' if m['ok'] else 'OVER'}")
            if args.cold:
                line += f" {m['cold'] * 1e3:>10.1f}"
            print(line, flush=True)
            if not m["ok"]:
                over.append(qid)
    finally:
        gq.close()
    print(f"beyond the rule: {len(over)}" + (f" ({', '.join(over)})" if over else ""))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())

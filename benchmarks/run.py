"""IKZ-Graph benchmarks: one command, a markdown table, ratios against baselines measured in
the same run, and a non-zero exit when a target is missed.

    python benchmarks/run.py                 # S and M (a few minutes)
    python benchmarks/run.py --sizes S,M,L   # L adds ~2.9 M triples (10+ minutes, ~3 GB RAM)
    python benchmarks/run.py --rdflib-at-l   # also rdflib memory at L (slow: minutes, GBs)

Each size is the real national register (10,978 municipalities) plus seeded synthetic
cooperations (benchmarks/synthetic.py) plus the Ennepe-Ruhr data. Baselines in the same run:
raw pyoxigraph (bulk load; the same query text on a bare ``Store``) and rdflib's in-memory
store. Machines are noisy: compare the ratios, not the seconds.

Memory: every build and load runs in its own fresh interpreter and reports its own peak
(``VmHWM`` of /proc/self/status, which exec resets; ``ru_maxrss`` would carry the high-water
mark of a big parent into the child), and the parent holds no graph while they run.
``IKZ_BENCH_SYNTHETIC=DIR`` takes pre-generated synthetic data from ``DIR/SIZE/`` (else it is
generated under build/synthetic/). Rows of ``benchmarks/engines.py`` (other engines on the
same question texts) are added when that script exists.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pyoxigraph as ox  # noqa: E402

from graph import find_project  # noqa: E402
from graph.sparql.query import GraphQuery, QueryTimeout, project_prefixes  # noqa: E402
from graph.sparql.binding import substitute  # noqa: E402
from synthetic import SIZES, generate  # noqa: E402

#: rdflib memory gets this long per question (then counted as this long: a lower bound).
RDFLIB_LIMIT = 15.0
TARGETS = {
    "question_slowest_L_s": 1.0,      # every named question at L (its median over repeats)
    "question_over_cost_L": 0,        # questions beyond the cost rule at L (see FIXED_COST_S)
    "question_speedup_M": 20.0,       # median speed-up over rdflib memory at M
    "partners_L_s": 2.0,              # partner network at L
    "build_vs_bulk_L": 2.0,           # ikz build vs pyoxigraph bulk load at L
    "build_rss_vs_bulk_L": 1.2,       # peak RSS of the build / of the bulk-loaded store alone
    "median_vs_virtuoso_L": 1.0,      # the library's median on the embedded store / Virtuoso's
    "virtuoso_different_L": 0,        # questions Virtuoso answers differently (benchmarks/engines.py)
    "draw_1000_s": 1.5,               # views: first draw in Chromium
    "draw_5000_s": 3.0,
}
#: The cost rule of the query path over raw pyoxigraph on the same text: a question that takes
#: more than SLOW_RAW_S raw may take at most SLOW_RATIO times as long; any other at most
#: FIXED_COST_S + ROW_COST_S per result row more.
SLOW_RAW_S, SLOW_RATIO, FIXED_COST_S, ROW_COST_S = 0.050, 1.3, 0.002, 5e-6


def within_cost(t_ours: float, t_raw: float, rows: int) -> bool:
    """The cost rule (see FIXED_COST_S)."""
    if t_raw > SLOW_RAW_S:
        return t_ours <= SLOW_RATIO * t_raw
    return t_ours <= t_raw + FIXED_COST_S + ROW_COST_S * rows


def median_time(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic_folder(size: str) -> Path:
    """The synthetic data of ``size``: pre-generated in ``$IKZ_BENCH_SYNTHETIC/SIZE`` when that
    holds it, else generated once under build/synthetic/."""
    given = os.environ.get("IKZ_BENCH_SYNTHETIC")
    if given and (Path(given) / size / "cooperations.nt").is_file():
        return Path(given) / size
    folder = ROOT / "build" / "synthetic" / size
    if not (folder / "cooperations.nt").is_file():
        generate(size, folder)
    return folder


#: Peak memory of the measuring process itself: VmHWM (reset by exec, never inherited).
PEAK = """
def peak_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


BUILD_SNIPPET = """
import json, sys, time
sys.path.insert(0, {root!r})
from graph import build, find_project
start = time.perf_counter()
result = build(find_project({root!r}), {out!r}, layers=("national",), extra_data=[{data!r}], store_dir={store_dir!r})
print(json.dumps({{"seconds": time.perf_counter() - start, "triples": result.summary["triples"], "rss_mb": peak_mb()}}))
"""

BULK_SNIPPET = """
import json, time, pyoxigraph as ox
start = time.perf_counter()
store = ox.Store(); store.bulk_load(path={path!r}, format=ox.RdfFormat.N_TRIPLES)
print(json.dumps({{"seconds": time.perf_counter() - start, "rss_mb": peak_mb()}}))
"""

OXRDFLIB_SNIPPET = """
import json, time
from rdflib import Graph
start = time.perf_counter()
g = Graph(store="Oxigraph"); g.parse({path!r}, format="ox-nt")
print(json.dumps({{"seconds": time.perf_counter() - start, "rss_mb": peak_mb()}}))
"""

RDFLIB_SNIPPET = """
import json, time
from rdflib import Graph
start = time.perf_counter()
g = Graph(); g.parse({path!r}, format="nt")
print(json.dumps({{"seconds": time.perf_counter() - start, "rss_mb": peak_mb()}}))
"""

def run_python(snippet: str, **values) -> dict:
    """Run a measurement in a fresh interpreter (so peak memory is its own: VmHWM)."""
    out = subprocess.run([sys.executable, "-c", PEAK + snippet.format(**values)], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"measurement failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


MEMBERS_OF_TOWNS = """
PREFIX ikz: <https://w3id.org/ikz/ontology#>
SELECT ?cooperation ?town WHERE {
  ?town ikz:partnerIn ?cooperation .
  ?cooperation ikz:status <https://w3id.org/ikz/concept/status/bestehend>
}
"""
#: The towns, read apart: joining `?town a ikz:Municipality` into the query above costs Oxigraph
#: 0.5 about 7 s at L (of 8 s); filtering 320,000 rows against 11,000 towns costs nothing.
TOWNS = """
PREFIX ikz: <https://w3id.org/ikz/ontology#>
SELECT ?town WHERE { ?town a ikz:Municipality }
"""


def incidence_product(store: ox.Store) -> tuple:
    """The bound for the partner network: the town × cooperation incidence matrix B read from
    raw pyoxigraph, and B·Bᵀ above the diagonal (town pairs and their shared cooperations) as
    a sparse product in numpy. Returns (pair keys, weights).

    The TSV lines are read as bytes (a term is the same ``<iri>`` in both answers), numbered
    by two dicts and deduplicated as integer keys: no Python object per row beyond the
    split, no tuple-to-array conversion."""
    import numpy as np

    tsv = ox.QueryResultsFormat.TSV
    town_lines = store.query(TOWNS).serialize(format=tsv).split(b"\n")[1:]
    towns = {line: i for i, line in enumerate(line for line in town_lines if line)}
    cooperations: dict[bytes, int] = {}
    number = cooperations.setdefault
    town_of, cooperation_of = [], []
    for line in store.query(MEMBERS_OF_TOWNS).serialize(format=tsv).split(b"\n")[1:]:
        cooperation, _, town = line.partition(b"\t")
        t = towns.get(town)
        if t is not None:
            town_of.append(t)
            cooperation_of.append(number(cooperation, len(cooperations)))
    n = len(towns)

    def distinct(values):   # sorted, each once, with counts (np.unique hashes first: 5x slower here)
        values = np.sort(values)
        starts = np.flatnonzero(np.r_[True, values[1:] != values[:-1]])
        return values[starts], np.diff(np.r_[starts, len(values)])

    incidence, _ = distinct(np.array(cooperation_of, dtype=np.int64) * n + np.array(town_of, dtype=np.int64))
    coop, town = np.divmod(incidence, n)                      # sorted by cooperation, then town
    starts = np.flatnonzero(np.r_[True, coop[1:] != coop[:-1]])
    ends = np.r_[starts[1:], len(coop)]
    index = np.arange(len(coop))
    after = np.repeat(ends, ends - starts) - index - 1            # members after each one in its cooperation
    left = np.repeat(index, after)
    right = left + 1 + (np.arange(after.sum()) - np.repeat(np.cumsum(after) - after, after))
    a, b = np.minimum(town[left], town[right]), np.maximum(town[left], town[right])
    return distinct(a * n + b)


class Rows(list):
    """The table's rows, each also printed to stderr as it comes (a long run shows progress)."""

    def append(self, row) -> None:
        print("| " + " | ".join(str(c) for c in row) + " |", file=sys.stderr, flush=True)
        super().append(row)


def bench_size(size: str, repeat: int, with_rdflib: bool, rows: list, findings: dict, store_dir: bool,
               oxrdflib_load: bool = True) -> Path:
    project = find_project(ROOT)
    data = synthetic_folder(size)
    out = Path(tempfile.mkdtemp(prefix=f"ikz-bench-{size}-")) / "graph"
    built = run_python(BUILD_SNIPPET, root=str(ROOT), out=str(out), data=str(data), store_dir=None)
    nt = str(out / "ikz.nt")
    bulk = run_python(BULK_SNIPPET, path=nt)
    rows.append((size, "build (parse, checks, quotes, SHACL, data checks, write)", f"{built['seconds']:.2f} s",
                 f"bulk load {bulk['seconds']:.2f} s", f"{built['seconds'] / bulk['seconds']:.1f}×",
                 f"{built['triples']:,} triples; peak RSS {built['rss_mb']:.0f} MB vs the bulk-loaded store's "
                 f"{bulk['rss_mb']:.0f} MB ({built['rss_mb'] / bulk['rss_mb']:.2f}×)"))
    findings[f"build_vs_bulk_{size}"] = built["seconds"] / bulk["seconds"]
    findings[f"build_rss_vs_bulk_{size}"] = built["rss_mb"] / bulk["rss_mb"]
    if store_dir:
        disk = Path(tempfile.mkdtemp(prefix=f"ikz-bench-{size}-store-"))
        on_disk = run_python(BUILD_SNIPPET, root=str(ROOT), out=str(disk / "graph"), data=str(data),
                             store_dir=str(disk / "store"))
        rows.append((size, "build --store-dir (on-disk store)", f"{on_disk['seconds']:.2f} s",
                     f"bulk load {bulk['seconds']:.2f} s", f"{on_disk['seconds'] / bulk['seconds']:.1f}×",
                     f"peak RSS {on_disk['rss_mb']:.0f} MB ({on_disk['rss_mb'] / bulk['rss_mb']:.2f}× the in-memory store's)"))
        findings[f"build_store_dir_rss_{size}_mb"] = on_disk["rss_mb"]
        subprocess.run(["rm", "-rf", str(disk)], check=False)
    if oxrdflib_load:
        oxrdflib = run_python(OXRDFLIB_SNIPPET, path=nt)
        rows.append((size, "load via rdflib API on Oxigraph (oxrdflib)", f"{oxrdflib['seconds']:.2f} s",
                     f"bulk load {bulk['seconds']:.2f} s", f"{oxrdflib['seconds'] / bulk['seconds']:.1f}×",
                     f"peak RSS {oxrdflib['rss_mb']:.0f} MB"))
    if with_rdflib:
        rdflib_load = run_python(RDFLIB_SNIPPET, path=nt)
        rows.append((size, "load", f"{bulk['seconds']:.2f} s (pyoxigraph)", f"rdflib memory {rdflib_load['seconds']:.2f} s",
                     f"{rdflib_load['seconds'] / bulk['seconds']:.0f}× faster", f"peak RSS {bulk['rss_mb']:.0f} / {rdflib_load['rss_mb']:.0f} MB"))

    ours = GraphQuery.open(project, graph_dir=out.parent / "graph")
    raw = ox.Store()
    raw.bulk_load(path=nt, format=ox.RdfFormat.N_TRIPLES)
    prefixes = project_prefixes(project)
    memory = GraphQuery.open(project, "memory", graph_dir=out.parent / "graph") if with_rdflib else None
    ratios_raw, speedups, slowest, over, decode = [], [], 0.0, [], []
    for qid, question in ours.library.items():
        params = {"statement": "c:jugendschutzstelle-suedkreis"} if qid == "evidence" else {}
        bindings = ours.bind(question, params)
        text = substitute(question.text, bindings)  # the text the worker runs (and engines.py sends)
        answer = ours.ask(qid, params)  # warm-up (the first call forks the worker) and the row count
        count = len(answer)
        list(raw.query(text, prefixes=prefixes))
        t_ours = median_time(lambda: len(ours.ask(qid, params)), repeat)
        t_raw = median_time(lambda: list(raw.query(text, prefixes=prefixes)), repeat)
        start = time.perf_counter()
        answer.rows  # noqa: B018 - the lazy rows, decoded into rdflib terms once
        if count:
            decode.append((time.perf_counter() - start, count))
        ratio = t_ours / t_raw if t_raw > 0 else 1.0
        ratios_raw.append(ratio)
        slowest = max(slowest, t_ours)
        ok = within_cost(t_ours, t_raw, count)
        if not ok:
            over.append(qid)
        note = f"{count:,} rows; extra {(t_ours - t_raw) * 1000:+.1f} ms" + ("" if ok else " **beyond the cost rule**")
        if memory is not None:
            try:
                t_memory = median_time(lambda: memory.ask(qid, params, timeout=RDFLIB_LIMIT), 1)
                note += f"; rdflib memory {t_memory * 1000:.1f} ms ({t_memory / t_ours:.0f}× slower)"
            except QueryTimeout:
                t_memory = RDFLIB_LIMIT  # a lower bound of rdflib's time
                note += f"; rdflib memory > {RDFLIB_LIMIT:.0f} s (≥ {t_memory / t_ours:.0f}× slower)"
            speedups.append(t_memory / t_ours)
        rows.append((size, f"question `{qid}`", f"{t_ours * 1000:.1f} ms", f"raw pyoxigraph {t_raw * 1000:.1f} ms",
                     f"{ratio:.2f}×", note))
    findings[f"question_slowest_{size}_s"] = slowest
    findings[f"question_vs_raw_{size}"] = statistics.median(ratios_raw)
    findings[f"question_over_cost_{size}"] = len(over)
    if decode:
        seconds, count = sum(d for d, _ in decode), sum(n for _, n in decode)
        rows.append((size, "reading answers as rdflib terms (lazy, on first read)", f"{seconds / count * 1e6:.1f} µs/row",
                     "", "", f"{count:,} rows of all questions; not in the question times above"))
    if speedups:
        findings[f"question_speedup_{size}"] = statistics.median(speedups)
    if memory is not None:
        memory = None

    try:
        from graph.outputs.analysis import partner_network  # the analysis issue's projection
    except ImportError:
        partner_network = None
    if partner_network is not None:
        t_projection = median_time(lambda: partner_network(ours, district=None), max(1, repeat // 2))
        network = partner_network(ours, district=None)
        t_bound = median_time(lambda: incidence_product(raw), max(1, repeat // 2))
        keys, weights = incidence_product(raw)
        same = (len(keys), int(weights.sum())) == (network.number_of_edges(), int(network.size(weight="weight")))
        rows.append((size, "partner network (all of Germany)", f"{t_projection:.2f} s",
                     f"sparse incidence product {t_bound:.2f} s", f"{t_projection / t_bound:.1f}×",
                     f"{network.number_of_edges():,} town pairs; the product finds {'the same' if same else f'{len(keys):,}'} pairs "
                     "(raw query + numpy, no attributes)"))
        findings[f"partners_{size}_s"] = t_projection
    ours.close()
    return out


def bench_views(rows: list, findings: dict) -> None:
    """Views of ~1,000 and ~5,000 nodes: generation, and first draw in headless Chromium."""
    from graph.outputs.views import render_html, view_model

    chromium = "/usr/bin/chromium"
    for nodes, cooperations in ((1000, 170), (5000, 1200)):
        folder = Path(tempfile.mkdtemp(prefix="ikz-bench-view-"))
        import synthetic

        synthetic.SIZES["custom"] = cooperations
        generate("custom", folder)
        store = ox.Store()
        store.bulk_load(path=str(folder / "cooperations.nt"), format=ox.RdfFormat.N_TRIPLES)
        national = ROOT / "build" / "bench-national" / "ikz.nt"
        if not national.is_file():
            from graph import build

            build(find_project(ROOT), national.parent, layers=("national",))
        store.bulk_load(path=str(national), format=ox.RdfFormat.N_TRIPLES)
        start = time.perf_counter()
        model = view_model(store, "facilities", layout="geo", full=True)  # every node, not grouped
        html = render_html(model)
        generation = time.perf_counter() - start
        path = folder / "view.html"
        path.write_text(html, encoding="utf-8")
        drawn = _first_draw(path, chromium) if os.path.exists(chromium) else None
        count = len(model.nodes)
        rows.append(("views", f"facilities view, {count:,} nodes", f"generate {generation:.2f} s",
                     f"first draw {drawn:.2f} s" if drawn else "chromium missing", "", "physics off, positions from Python"))
        if drawn is not None:
            findings[f"draw_{nodes}_s"] = drawn


def _first_draw(path: Path, chromium: str) -> float:
    from playwright.sync_api import sync_playwright

    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=flags)
        page = browser.new_page()
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
        start = time.perf_counter()
        page.goto(path.as_uri())
        page.wait_for_function("window.ikzView && window.ikzView.ready", timeout=120_000)
        page.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        elapsed = time.perf_counter() - start
        browser.close()
    return elapsed


def engine_table(script: Path, graph_dir: Path, repeat: int, findings: dict, size: str) -> str:
    """``benchmarks/engines.py`` on the graph this run built: the question library on the
    embedded store, ``ikz serve`` and Virtuoso, in a fresh process. Returns its markdown and
    records the embedded median over Virtuoso's (the target: no slower); a failure there (no
    Virtuoso installed) is a line in the output, not a crash of this run."""
    saved = graph_dir.parent / "engines.json"
    out = subprocess.run([sys.executable, str(script), "--graph-dir", str(graph_dir), "--repeat", str(repeat),
                          "--json", str(saved)], capture_output=True, text=True)
    if out.returncode or not saved.is_file():
        return f"engines.py failed: {(out.stderr.strip().splitlines() or ['?'])[-1]}"
    rows = json.loads(saved.read_text(encoding="utf-8"))["rows"]
    both = [r for r in rows if r["row"] == "question" and r.get("embedded_ms") is not None
            and r.get("virtuoso_ms") is not None]
    if both:
        findings[f"median_vs_virtuoso_{size}"] = (statistics.median(r["embedded_ms"] for r in both)
                                                   / statistics.median(r["virtuoso_ms"] for r in both))
    wrong = [r for r in rows if r["row"] == "question" and r.get("virtuoso_same") is False]
    findings[f"virtuoso_different_{size}"] = float(len(wrong))
    return out.stdout[out.stdout.index("Graph: "):] if "Graph: " in out.stdout else out.stdout


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M", help="comma-separated: S, M, L (default S,M)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rdflib-at-l", action="store_true", help="also measure rdflib memory at L")
    parser.add_argument("--no-views", action="store_true")
    parser.add_argument("--no-store-dir", action="store_true", help="skip the on-disk store build")
    parser.add_argument("--no-oxrdflib", action="store_true", help="skip the load through rdflib's API")
    parser.add_argument("--no-engines", action="store_true",
                        help="skip the library on ikz serve and Virtuoso (benchmarks/engines.py)")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    args = parser.parse_args(argv)
    rows: list = Rows()
    findings: dict = {}
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    built = {}
    for size in sizes:
        if size not in SIZES:
            parser.error(f"unknown size {size}")
        built[size] = bench_size(size, args.repeat, size != "L" or args.rdflib_at_l, rows, findings,
                                 not args.no_store_dir, not args.no_oxrdflib)
    engines_text = ""
    if not args.no_engines:  # the largest size on Virtuoso and ikz serve, the same question texts
        size = sizes[-1]
        engines_text = engine_table(ROOT / "benchmarks" / "engines.py", built[size], args.repeat, findings, size)
    if not args.no_views:
        bench_views(rows, findings)
    table = ["| size | what | IKZ-Graph | baseline | ratio | notes |", "|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    checks = []
    for key, limit in TARGETS.items():
        if key in findings:
            value = findings[key]
            ok = value >= limit if key.startswith("question_speedup") else value <= limit
            checks.append((key, value, limit, ok))
    summary = ["", "| target | measured | limit | met |", "|---|---|---|---|"]
    summary += [f"| {k} | {v:.2f} | {'≥' if k.startswith('question_speedup') else '≤'} {lim} | {'yes' if ok else '**no**'} |"
                for k, v, lim, ok in checks]
    text = "\n".join(table + summary) + "\n" + (f"\n{engines_text}" if engines_text else "")
    print(text)
    args.output.write_text(f"<!-- python benchmarks/run.py --sizes {args.sizes} -->\n" + text, encoding="utf-8")
    missed = [k for k, _, _, ok in checks if not ok]
    if missed:
        print(f"targets missed: {', '.join(missed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The question library on three engines over one built graph: the embedded store
(``GraphQuery``, pyoxigraph in a worker), ``ikz serve`` (the Oxigraph server behind the
gateway) and Virtuoso Open Source (bulk-loaded; started here on loopback), with load times,
each question's median over repeats, the ratios to the embedded store and whether the
answers agree.

    python benchmarks/engines.py --graph-dir /work/bench/M-graph/graph [--repeat 5]

The embedded store is timed as users get it (``GraphQuery.run``: gate, binding, worker; the
parameters resolved once beforehand, for every engine). The endpoints get the same bound text through :class:`~graph.sparql.endpoint.EndpointEngine`
(the HTTP request and the reading of the JSON answer, as ``ikz query --endpoint`` sends it,
without the client's syntax check in a forked worker), so their figures are the server's
answer as a client sees it. Each figure is the median of ``--repeat`` calls (the first, cold
call included). Prints one JSON object per row, then a markdown table. Needs virtuoso-t
(Debian: ``virtuoso-opensource``).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from graph import find_project  # noqa: E402
from graph.core.errors import IKZError  # noqa: E402
from graph.outputs.serve import free_port, running_server  # noqa: E402
from graph.sparql.binding import substitute  # noqa: E402
from graph.sparql.endpoint import EndpointEngine  # noqa: E402
from graph.sparql.gate import query_form  # noqa: E402
from graph.sparql.query import GraphQuery  # noqa: E402
from virtuoso_server import installed, running_virtuoso  # noqa: E402

GRAPH = "https://w3id.org/ikz/graph/benchmark"
PARAMS = {"evidence": {"statement": "c:jugendschutzstelle-suedkreis"}}


def _cell(term) -> str | None:
    """A term's N-Triples text; concatenations (GROUP_CONCAT: order not defined) as sorted parts."""
    if term is None:
        return None
    text = term.n3()
    match = re.fullmatch(r'"(.*)"((?:@[\w-]+|\^\^<[^>]*>)?)', text, re.S)
    if match:
        value, suffix = match.groups()
        for separator in (" | ", ", "):
            if separator in value:
                return f'"{separator.join(sorted(value.split(separator)))}"{suffix}'
    return text


def answer_key(result):
    if result.boolean is not None:
        return result.boolean
    return sorted(tuple(_cell(row.get(v)) for v in result.vars) for row in result.rows)


def timed(function, repeat: int) -> tuple[float, object]:
    """The median seconds of ``repeat`` calls and the last answer."""
    answer, times = None, []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), answer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph-dir", type=Path, help="a built graph folder (with ikz.nt)")
    parser.add_argument("--from-json", type=Path, help="print the table of a saved run (--json) and stop")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per question and engine")
    parser.add_argument("--buffers", type=int, default=0,
                        help="Virtuoso NumberOfBuffers (8 KB each); default: sized to the graph")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    if args.from_json:
        saved = json.loads(args.from_json.read_text(encoding="utf-8"))
        print(markdown(saved["rows"], Path(saved["graph_dir"]), saved.get("repeat")))
        return 0
    if not args.graph_dir:
        parser.error("--graph-dir is required")
    graph_dir = args.graph_dir.resolve()
    nt = graph_dir / "ikz.nt"
    if not nt.is_file():
        parser.error(f"{nt} not found")
    if not installed():
        parser.error("virtuoso-t / isql-vt not installed (Debian: apt-get install virtuoso-opensource)")
    project = find_project(ROOT)
    size_mb = nt.stat().st_size / 2**20
    buffers = args.buffers or max(20000, int(size_mb * 2**20 * 1.5 / 8192))  # ~1.5× the N-Triples
    rows: list[dict] = []

    def emit(row: dict) -> None:
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)

    start = time.perf_counter()
    embedded = GraphQuery.open(project, graph_dir=graph_dir, timeout=args.timeout)
    embedded.run("ASK { ?s ?p ?o }")
    emit({"row": "load", "engine": "embedded", "seconds": round(time.perf_counter() - start, 3),
          "note": "GraphQuery.open: pyoxigraph bulk load + worker start"})

    with tempfile.TemporaryDirectory(prefix="ikz-engines-") as scratch, \
            running_virtuoso(load_dirs=[graph_dir], buffers=buffers, query_mem="2G") as virtuoso:
        start = time.perf_counter()
        virtuoso.bulk_load(graph_dir, "ikz.nt", GRAPH)
        emit({"row": "load", "engine": "virtuoso", "seconds": round(time.perf_counter() - start, 3),
              "note": f"ld_dir + rdf_loader_run + checkpoint; NumberOfBuffers {buffers}",
              "rss_mb": round(virtuoso.rss_mb())})
        start = time.perf_counter()
        serve = running_server(nt, Path(scratch) / "store", port=free_port(), timeout_s=int(args.timeout),
                               project=project, workbench=False)
        serve_url = serve.__enter__()
        try:
            emit({"row": "load", "engine": "ikz serve", "seconds": round(time.perf_counter() - start, 3),
                  "note": "load_store (pyoxigraph bulk load to disk) + Oxigraph server start"})
            url = virtuoso.sparql + "?" + urllib.parse.urlencode({"default-graph-uri": GRAPH})
            prefixes = embedded.prefixes
            endpoints = {"ikz serve": EndpointEngine(serve_url, prefixes, args.timeout),
                         "virtuoso": EndpointEngine(url, prefixes, args.timeout)}
            count = endpoints["virtuoso"].run("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT").rows[0]["n"]
            emit({"row": "triples", "engine": "virtuoso", "count": int(count)})
            for qid, question in sorted(embedded.library.items()):
                params = PARAMS.get(qid, {})
                bindings = embedded.bind(question, params)  # resolved once: the same terms for all
                bound, form = substitute(question.text, bindings), query_form(question.text)
                calls = {"embedded": lambda: embedded.run(question.text, bindings, max_rows=0)}
                calls.update({name: (lambda engine=engine: engine.run(bound, form, None))
                              for name, engine in endpoints.items()})
                row = {"row": "question", "question": qid, "check": question.is_violation_check}
                answers = {}
                for name, call in calls.items():
                    try:
                        seconds, result = timed(call, args.repeat)
                        row[name + "_ms"] = round(seconds * 1000, 2)
                        row[name + "_rows"] = len(result.rows) if result.boolean is None else result.boolean
                        answers[name] = answer_key(result)
                    except IKZError as error:
                        row[name + "_ms"] = None
                        row[name + "_error"] = str(error).splitlines()[0][:200]
                for name in ("ikz serve", "virtuoso"):
                    if name in answers and "embedded" in answers:
                        row[name + "_same"] = answers[name] == answers["embedded"]
                emit(row)
        finally:
            serve.__exit__(None, None, None)
        emit({"row": "memory", "engine": "virtuoso", "rss_mb": round(virtuoso.rss_mb())})
    embedded.close()
    print()
    print(markdown(rows, graph_dir, args.repeat))
    if args.json:
        saved = {"graph_dir": str(graph_dir), "repeat": args.repeat, "rows": rows}
        args.json.write_text(json.dumps(saved, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


def _ms(value) -> str:
    return "error" if value is None else f"{value:,.1f}"


def _ratio(value, base) -> str:
    return "" if value is None or not base else f"{value / base:.2f}×"


def markdown(rows: list[dict], graph_dir: Path, repeat: int | None = None) -> str:
    loads = {r["engine"]: r for r in rows if r["row"] == "load"}
    triples = next((r["count"] for r in rows if r["row"] == "triples"), None)
    lines = [f"Graph: `{graph_dir}`" + (f", {triples:,} triples" if triples else "")
             + (f"; each figure the median of {repeat} calls" if repeat else "") + ".", "",
             "| load | seconds | note |", "|---|---:|---|"]
    lines += [f"| {name} | {r['seconds']:.1f} | {r['note']} |" for name, r in loads.items()]
    lines += ["", "| question | embedded ms | ikz serve ms | Virtuoso ms | serve / embedded | "
              "Virtuoso / embedded | same answer (serve, Virtuoso) |", "|---|---:|---:|---:|---:|---:|---|"]
    questions = [r for r in rows if r["row"] == "question"]
    for r in questions:
        base = r.get("embedded_ms")
        same = ", ".join("yes" if r.get(f"{n}_same") else ("error" if r.get(f"{n}_ms") is None else "NO")
                         for n in ("ikz serve", "virtuoso"))
        lines.append(f"| `{r['question']}` | {_ms(base)} | {_ms(r.get('ikz serve_ms'))} | {_ms(r.get('virtuoso_ms'))} "
                     f"| {_ratio(r.get('ikz serve_ms'), base)} | {_ratio(r.get('virtuoso_ms'), base)} | {same} |")
    engines = ("embedded", "ikz serve", "virtuoso")
    both = [r for r in questions if all(r.get(n + "_ms") is not None for n in engines)]
    medians = {n: statistics.median(r[n + "_ms"] for r in both) if both else None for n in engines}
    lines.append(f"| **median of the {len(both)} questions all three answered** | {_ms(medians['embedded'])} "
                 f"| {_ms(medians['ikz serve'])} | {_ms(medians['virtuoso'])} | {_ratio(medians['ikz serve'], medians['embedded'])} "
                 f"| {_ratio(medians['virtuoso'], medians['embedded'])} | |")
    for name, label in (("ikz serve", "ikz serve"), ("virtuoso", "Virtuoso")):
        failed = [r["question"] for r in questions if r.get(name + "_ms") is None]
        wrong = [r["question"] for r in questions if r.get(name + "_same") is False]
        lines.append("")
        lines.append(f"{label}: {len(failed)} failed ({', '.join(failed) or 'none'}); "
                     f"{len(wrong)} answered differently ({', '.join(wrong) or 'none'}).")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""The reliability scorecard: run the hostile-input suites, write ``benchmarks/reliability.json``
and the README's *Reliability* section, and exit non-zero if any figure regresses.

    python benchmarks/reliability.py            # CI: a few minutes (fuzzing 30 s, every payload)
    python benchmarks/reliability.py --long     # on demand: fuzzing 10 min, more kills and examples
    python benchmarks/reliability.py --fuzz-seconds 120 --no-readme

The suites are the ``tests/test_reliability_*.py`` files, run by pytest in a child process
with ``$IKZ_RELIABILITY_RECORD`` set: each test appends its figures (cases tried, failures,
limit) as JSON lines. Regressions that fail the run: any outbound request, any crash of the
parent process, any partial build served, any script execution in a view, any uncaught loader
exception, any failing test or gated check, any check missing or with no cases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
OUTPUT = ROOT / "benchmarks" / "reliability.json"
START, END = "<!-- reliability:start -->", "<!-- reliability:end -->"
SUITES = ["tests/test_reliability_queries.py", "tests/test_reliability_outbound.py", "tests/test_reliability_inputs.py",
          "tests/test_reliability_browser.py", "tests/test_reliability_protocol.py", "tests/test_workbench_browser.py"]

#: The scorecard's rows, in order: check id (as recorded by the tests).
ORDER = ["outbound", "canary-positive-control", "gate-fuzz", "gate-refusals", "gate-allowed", "query-depth-ladder",
         "query-bombs", "worker-crashes", "worker-memory-cap", "row-cap", "binding-property", "injection-source-walk",
         "turtle-depth-ladder", "loader-seeds", "loader-fuzz", "build-corrupt-input", "build-kill", "views-hostile",
         "views-injected-markup", "protocol", "protocol-dataset", "endpoint-limits"]
#: The headline figures: name → (checks whose failures add up to it, what a case is)
HEADLINE = OrderedDict([
    ("outbound requests", (["outbound", "gate-fuzz"], "vector runs")),
    ("crashes of the parent process", (None, "hostile queries and inputs handled in-process")),
    ("partial builds served", (["build-corrupt-input", "build-kill"], "corrupted or killed builds")),
    ("script executions", (["views-hostile"], "payload placements in views")),
    ("uncaught loader exceptions", (["loader-fuzz", "loader-seeds", "turtle-depth-ladder"], "input files")),
])
IN_PROCESS = ["gate-refusals", "gate-fuzz", "query-depth-ladder", "query-bombs", "worker-crashes", "worker-memory-cap",
              "binding-property", "loader-fuzz", "loader-seeds", "turtle-depth-ladder", "build-corrupt-input"]


def run_suites(args) -> tuple[int, list[dict], float]:
    record = Path(tempfile.mkstemp(prefix="ikz-reliability-", suffix=".jsonl")[1])
    env = dict(os.environ, IKZ_RELIABILITY_RECORD=str(record), IKZ_FUZZ_SECONDS=str(args.fuzz_seconds),
               IKZ_RELIABILITY_FULL="1", IKZ_KILL_TRIALS=str(args.kill_trials),
               IKZ_BINDING_EXAMPLES=str(args.binding_examples), IKZ_GATE_FUZZ_EXAMPLES=str(args.gate_examples))
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", *SUITES]
    print("$", " ".join(command), file=sys.stderr)
    start = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env)
    seconds = time.monotonic() - start
    entries = [json.loads(line) for line in record.read_text(encoding="utf-8").splitlines() if line.strip()]
    record.unlink()
    return done.returncode, entries, seconds


def aggregate(entries: list[dict]) -> OrderedDict:
    checks: OrderedDict = OrderedDict()
    for entry in entries:
        check = checks.setdefault(entry["check"], {"title": entry["title"], "cases": 0, "failures": 0,
                                                   "limit": entry.get("limit", ""), "gate": entry.get("gate", True),
                                                   "details": {}})
        check["cases"] += entry["cases"]
        check["failures"] += entry["failures"]
        check["gate"] = check["gate"] or entry.get("gate", True)
        for key in ("outcome", "observed"):
            if key in entry:
                detail = check["details"].setdefault(key, {})
                detail[str(entry[key])] = detail.get(str(entry[key]), 0) + 1
        if "outcomes" in entry:
            detail = check["details"].setdefault("outcomes", {})
            for name, count in entry["outcomes"].items():
                detail[name] = detail.get(name, 0) + count
        if entry.get("wrapped"):
            detail = check["details"].setdefault("wrapped", {})
            for name, count in entry["wrapped"].items():
                detail[name] = detail.get(name, 0) + count
        if "surface" in entry:
            check["details"].setdefault("surfaces", set()).add(entry["surface"])
            check["details"].setdefault("engines", set()).add(entry["engine"])
            check["details"].setdefault("vectors", set()).add(entry["vector"])
    for check in checks.values():
        for key in ("surfaces", "engines", "vectors"):
            if key in check["details"]:
                check["details"][key] = sorted(check["details"][key])
    ordered = OrderedDict((name, checks[name]) for name in ORDER if name in checks)
    ordered.update((name, value) for name, value in checks.items() if name not in ordered)
    return ordered


def headline(checks: dict, returncode: int) -> OrderedDict:
    figures = OrderedDict()
    for name, (sources, unit) in HEADLINE.items():
        if sources is None:  # the pytest process ran every hostile query and input: did it die?
            crashed = int(returncode < 0 or returncode > 128)
            cases = sum(checks[c]["cases"] for c in IN_PROCESS if c in checks)
            figures[name] = {"value": crashed, "cases": cases, "unit": unit}
        else:
            figures[name] = {"value": sum(checks[c]["failures"] for c in sources if c in checks),
                             "cases": sum(checks[c]["cases"] for c in sources if c in checks), "unit": unit}
    return figures


def regressions(checks: dict, figures: dict, returncode: int, allow_missing: bool) -> list[str]:
    problems = []
    if returncode != 0:
        problems.append(f"the reliability suites failed (pytest exit {returncode})")
    for name, figure in figures.items():
        if figure["value"]:
            problems.append(f"{figure['value']} {name}")
    for name, check in checks.items():
        if check["gate"] and check["failures"]:
            problems.append(f"{name}: {check['failures']} failure(s) in {check['cases']} cases")
    if not allow_missing:
        for name in ORDER:
            if name not in checks or checks[name]["cases"] == 0:
                problems.append(f"{name}: no cases ran (a suite was skipped?)")
    return problems


def _n(value: int) -> str:
    return f"{value:,}"


def _limits() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT))
    from graph.core import limits

    return [
        ("query nesting", f"{limits.MAX_QUERY_DEPTH} levels of {{ }} / ( ), checked before any parser"),
        ("query length", f"{_n(limits.MAX_QUERY_CHARS)} characters"),
        ("query time", f"{limits.DEFAULT_TIMEOUT:g} s wall clock (`--timeout`), in a forked worker"),
        ("query memory", f"{_n(limits.DEFAULT_MEMORY_MB)} MiB address space per worker (`$IKZ_QUERY_MEMORY_MB`)"),
        ("answer size", f"{_n(limits.DEFAULT_MAX_ROWS)} rows, flagged as truncated (`$IKZ_MAX_ROWS`)"),
        ("worker network", "none: a seccomp filter refuses Internet sockets"),
        ("Turtle nesting", f"{limits.MAX_TURTLE_DEPTH} levels of [ ] / ( ), checked before parsing"),
        ("endpoint", f"127.0.0.1, CORS off, requests ≤ {_n(limits.MAX_REQUEST_BYTES)} bytes, server memory "
                     f"{_n(limits.DEFAULT_SERVER_MEMORY_MB)} MiB + {limits.SERVER_THREAD_MB} MiB per server thread "
                     f"(`$IKZ_SERVER_MEMORY_MB`), {limits.DEFAULT_SERVER_CONNECTIONS} connections "
                     f"(`$IKZ_SERVER_CONNECTIONS`), queue {limits.SERVER_QUEUE}, then 503 + Retry-After"),
    ]


def markdown(checks: dict, figures: dict, meta: dict) -> str:
    lines = [f"*Generated by `python benchmarks/reliability.py` ({meta['seconds']:.0f} s; fuzzing "
             f"{meta['fuzz_seconds']:g} s; pyoxigraph {meta['versions']['pyoxigraph']}, rdflib "
             f"{meta['versions']['rdflib']}). CI runs it and fails if any count in the first table is above 0, "
             "any gated check has a failure or any suite did not run.*", ""]
    lines += ["| what must never happen | count | over |", "|---|---:|---|"]
    for name, figure in figures.items():
        lines.append(f"| {name} | **{figure['value']}** | {_n(figure['cases'])} {figure['unit']} |")
    lines += ["", "| check | cases tried | failures | limit |", "|---|---:|---:|---|"]
    for name, check in checks.items():
        title = check["title"].replace("|", "\\|")
        marker = "" if check["gate"] else " (info)"
        lines.append(f"| {title}{marker} | {_n(check['cases'])} | {check['failures']} | {check['limit']} |")
    outbound = checks.get("outbound", {}).get("details", {})
    if outbound:
        lines += ["", f"Outbound vectors: {', '.join(outbound.get('vectors', []))}; engines: "
                      f"{', '.join(outbound.get('engines', []))}; surfaces: {', '.join(outbound.get('surfaces', []))}. "
                      "The positive controls show the canary does count: bare pyoxigraph, rdflib and the Oxigraph "
                      "server reach it with `SERVICE`."]
    kills = checks.get("build-kill", {}).get("details", {}).get("outcomes")
    if kills:
        lines += ["", "Killed builds left: " + ", ".join(f"{k} {v}" for k, v in sorted(kills.items()) if v) +
                  " (a *missing* folder - killed between the two renames of the swap - is restored by the next build)."]
    wrapped = checks.get("loader-fuzz", {}).get("details", {}).get("wrapped")
    if wrapped:
        lines += ["", "Undocumented exceptions of the underlying parsers, caught by the loader wrapper and reported "
                      "as located errors: " + ", ".join(f"{k} ×{v}" for k, v in sorted(wrapped.items())) + "."]
    lines += ["", "Limits in force (`graph/limits.py`):", ""]
    lines += [f"- **{name}**: {value}" for name, value in _limits()]
    return "\n".join(lines)


def write_readme(section: str) -> None:
    text = README.read_text(encoding="utf-8")
    if START not in text or END not in text:
        raise SystemExit(f"README.md lacks the markers {START} … {END}")
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    README.write_text(before + START + "\n" + section + "\n" + END + after, encoding="utf-8")


def versions() -> dict:
    import importlib.metadata as md

    found = {}
    for name in ("pyoxigraph", "rdflib", "oxigraph", "playwright", "hypothesis"):
        try:
            found[name] = md.version(name)
        except md.PackageNotFoundError:
            found[name] = None
    found["python"] = platform.python_version()
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--long", action="store_true", help="fuzz 10 minutes, 200 kills, more examples")
    parser.add_argument("--fuzz-seconds", type=float, default=None, help="fuzzing budget, all loaders together")
    parser.add_argument("--kill-trials", type=int, default=None)
    parser.add_argument("--no-readme", action="store_true", help="do not rewrite the README section")
    parser.add_argument("--allow-missing", action="store_true", help="do not fail on skipped suites (no Chromium)")
    args = parser.parse_args(argv)
    args.fuzz_seconds = args.fuzz_seconds or (600.0 if args.long else 30.0)
    args.kill_trials = args.kill_trials or (200 if args.long else 40)
    args.binding_examples = 2000 if args.long else 300
    args.gate_examples = 3000 if args.long else 500
    returncode, entries, seconds = run_suites(args)
    checks = aggregate(entries)
    figures = headline(checks, returncode)
    meta = {"seconds": round(seconds, 1), "fuzz_seconds": args.fuzz_seconds, "kill_trials": args.kill_trials,
            "versions": versions(), "pytest_exit": returncode}
    problems = regressions(checks, figures, returncode, args.allow_missing)
    report = {"headline": figures, "checks": checks, "run": meta, "regressions": problems}
    OUTPUT.write_text(json.dumps(report, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
    section = markdown(checks, figures, meta)
    if not args.no_readme:
        write_readme(section)
    print(section)
    if problems:
        print("\nREGRESSIONS:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"\nreliability: all figures hold ({seconds:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Precision and recall of `ikz extract` on the source letter and the test documents.

    python benchmarks/extraction.py            # prints a Markdown table; exit 1 below the thresholds
    python benchmarks/extraction.py --json     # the numbers as JSON

The source letter is measured against its hand-encoded statements in data/en-kreis/ (the
cooperations, towns, districts and people derived from doc:votum-2016); every other document
in tests/documents/ against its hand-written NAME.expected.json. Towns are the distinct
municipalities (AGS) a text names; a cooperation counts as found when its municipal partners
are exactly the expected ones and it names the same facility (or neither names one).

Thresholds (the script exits 1 below any of them):
  * the source letter: every town and every cooperation found, nothing extra (1.0 / 1.0);
  * every document: towns precision and recall >= 0.8;
  * all documents together: cooperations precision and recall >= 0.75, people recall >= 0.75.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph import find_project  # noqa: E402
from graph.extraction.extract import Expected, ProjectContext, Score, evaluate, extract  # noqa: E402

LETTER = "sources/2016-votum-jugendamtsleitungen-en-kreis.txt"
DOCUMENTS = ROOT / "tests" / "documents"
THRESHOLDS = {"letter": 1.0, "towns": 0.8, "cooperations": 0.75, "people_recall": 0.75}


def measure(project=None) -> list[tuple[str, dict]]:
    project = project or find_project(ROOT)
    ctx = ProjectContext.for_project(project)
    results = []
    doc = ctx.document_for(LETTER)
    letter = extract((project.data_dir / LETTER).read_text(encoding="utf-8"), ctx)
    results.append(("Votum 2016 (source letter, vs. data/en-kreis)",
                    evaluate(letter, Expected.from_graph(ctx.loaded.triples, doc, ctx.base), ctx.index, ctx.base)))
    for expected in sorted(DOCUMENTS.glob("*.expected.json")):
        text = expected.with_name(expected.name.replace(".expected.json", ".txt"))
        found = extract(text.read_text(encoding="utf-8"), ctx)
        results.append((text.stem, evaluate(found, Expected.from_file(expected), ctx.index, ctx.base)))
    return results


def table(results) -> str:
    lines = ["| document | towns P | towns R | districts P | districts R | people P | people R | cooperations P | cooperations R | status ok |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    total = {k: Score() for k in ("towns", "districts", "people", "cooperations")}
    status = 0
    for name, r in results:
        for k in total:
            total[k] = total[k] + r[k]
        status += r["status_ok"]
        lines.append(_row(name, r, r["status_ok"]))
    lines.append(_row("**all documents**", total, status))
    return "\n".join(lines)


def _row(name, r, status) -> str:
    c = r["cooperations"]
    return (f"| {name} | {r['towns'].precision:.2f} | {r['towns'].recall:.2f} | {r['districts'].precision:.2f} | "
            f"{r['districts'].recall:.2f} | {r['people'].precision:.2f} | {r['people'].recall:.2f} | "
            f"{c.precision:.2f} ({c.found}/{c.found + c.extra}) | {c.recall:.2f} ({c.found}/{c.found + c.missed}) | "
            f"{status}/{c.found} |")


def failures(results) -> list[str]:
    problems = []
    name, letter = results[0]
    for key in ("towns", "cooperations"):
        if letter[key].precision < THRESHOLDS["letter"] or letter[key].recall < THRESHOLDS["letter"]:
            problems.append(f"{name}: {key} P={letter[key].precision:.2f} R={letter[key].recall:.2f} (needs 1.0)")
    for name, r in results:
        if r["towns"].precision < THRESHOLDS["towns"] or r["towns"].recall < THRESHOLDS["towns"]:
            problems.append(f"{name}: towns P={r['towns'].precision:.2f} R={r['towns'].recall:.2f} (needs {THRESHOLDS['towns']})")
        if not r["ambiguous_flagged"]:
            problems.append(f"{name}: an ambiguous name was not flagged")
    coop = sum((r["cooperations"] for _, r in results), Score())
    people = sum((r["people"] for _, r in results), Score())
    if coop.precision < THRESHOLDS["cooperations"] or coop.recall < THRESHOLDS["cooperations"]:
        problems.append(f"cooperations overall P={coop.precision:.2f} R={coop.recall:.2f} (needs {THRESHOLDS['cooperations']})")
    if people.recall < THRESHOLDS["people_recall"]:
        problems.append(f"people overall R={people.recall:.2f} (needs {THRESHOLDS['people_recall']})")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    results = measure()
    if args.json:
        print(json.dumps({name: {k: ({"precision": v.precision, "recall": v.recall, "found": v.found, "extra": v.extra,
                                       "missed": v.missed} if isinstance(v, Score) else v) for k, v in r.items()}
                          for name, r in results}, indent=2, ensure_ascii=False))
    else:
        print(table(results))
    problems = failures(results)
    for problem in problems:
        print(f"BELOW THRESHOLD: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

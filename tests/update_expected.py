"""Regenerate tests/expected/*.tsv from the current build (a developer tool, not a test).

    python tests/update_expected.py

Review the diff with `git diff tests/expected` before committing: the expected files are the
reviewed answers the test suite holds the named questions to.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import build, find_project  # noqa: E402
from graph.sparql.formats import to_tsv  # noqa: E402
from graph.sparql.query import GraphQuery  # noqa: E402

#: Parameters for questions that have required ones (and the ones tested beyond defaults).
EXAMPLE_PARAMS = {"evidence": {"statement": "c:jugendschutzstelle-suedkreis"}}


def main() -> None:
    project = find_project(Path(__file__).resolve().parent.parent)
    result = build(project)
    gq = GraphQuery.open(project, graph_dir=result.output)
    for qid, question in gq.library.items():
        if question.is_violation_check:
            continue
        answer = gq.ask(qid, EXAMPLE_PARAMS.get(qid, {}))
        path = project.root / "tests" / "expected" / f"{qid}.tsv"
        path.write_text(to_tsv(answer), encoding="utf-8")
        print(f"{path.relative_to(project.root)}: {len(answer.rows)} rows")


if __name__ == "__main__":
    main()

"""The named questions rewritten for national scale answer as the formulations they replace.

The rewritten questions start from the selective side: sub-SELECTs that take each cooperation or
facility of a district once, EXISTS instead of joins that repeat rows, filters instead of
constants that would make Oxigraph 0.5 start from the whole country. Their reference is the
earlier formulation (``tests/questions_scale/ID.rq``: plain joins and property paths, slow at
national scale, answers taken as right). Both run here on one graph: the project's data, the
national register and seeded synthetic cooperations (``benchmarks/synthetic.py``, size S: 250
cooperations in districts all over Germany), with parameters that select the default district,
another district, all of Germany, other towns, areas, statuses and English.

A sub-SELECT that uses a parameter projects it, so that a VALUES binding at the top
(``graph.sparql.gate.bind_values``, what a caller running the text on a bare store does) still
joins it: the last test runs each question bound that way on a bare pyoxigraph store.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import build
from graph.sparql.gate import bind_values
from graph.sparql.query import GraphQuery, project_prefixes

ROOT = Path(__file__).resolve().parent.parent
REFERENCES = Path(__file__).parent / "questions_scale"
QUESTIONS = sorted(p.stem for p in REFERENCES.glob("*.rq"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic import generate  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from test_queries import _cell  # noqa: E402


@pytest.fixture(scope="module")
def national(project, tmp_path_factory):
    """The project plus the national register plus synthetic cooperations (size S)."""
    folder = tmp_path_factory.mktemp("questions-scale")
    generate("S", folder / "synthetic")
    build(project, folder / "graph", layers=("national",), extra_data=[str(folder / "synthetic")])
    gq = GraphQuery.open(project, graph_dir=folder / "graph")
    yield gq, folder / "graph" / "ikz.nt"
    gq.close()


def busiest(gq: GraphQuery, what: str) -> str:
    """The key of the district (or AGS of the town) with the most synthetic memberships."""
    rows = gq.run("SELECT ?x (COUNT(*) AS ?n) WHERE { ?m org:member ?t . ?t ikz:district ?d ; ikz:ags ?ags . "
                  f"FILTER(STRSTARTS(STR(?m), \"https://w3id.org/ikz/synthetic/\")) BIND({what} AS ?x) }} "
                  "GROUP BY ?x ORDER BY DESC(?n) ?x LIMIT 1").rows
    return str(rows[0]["x"])


def cases(gq: GraphQuery, qid: str) -> list[dict]:
    """Parameter sets per question: the defaults and others that select much at size S."""
    district = busiest(gq, "STRAFTER(STR(?d), \"/district/\")")
    town = busiest(gq, "?ags")
    if qid in ("cooperations-of-town", "partners-of-town"):
        sets = [{}, {"town": town}, {"town": town, "lang": "en"}, {"town": "Witten"}]
        if qid == "cooperations-of-town":
            sets += [{"town": town, "area": "Beratung"}, {"town": town, "status": "vorgeschlagen"}]
        else:
            sets += [{"town": town, "kind": "Beratungsstelle"}]
        return sets
    sets = [{}, {"district": district}, {"district": "*"}]
    if qid == "towns-without-cooperation":  # no language: it answers keys and names
        return sets + [{"district": district, "area": "Inobhutnahme", "status": "vorgeschlagen"},
                       {"district": district, "area": "Eingliederungshilfe"}]
    sets += [{"district": district, "lang": "en"}]
    if qid in ("partner-pairs", "coverage-matrix"):
        sets += [{"district": district, "status": "vorgeschlagen"}]
    if qid == "facilities":
        sets += [{"district": "*", "kind": "Jugendschutzstelle"}]
    return sets


def normalized(result) -> list[tuple]:
    return sorted(tuple(_cell(None if r.get(v) is None else r[v].n3()) for v in result.vars) for r in result.rows)


def order(text: str, result) -> list[list]:
    match = re.search(r"ORDER\s+BY\s+(.*)$", re.sub(r"#.*", "", text), re.S | re.I)
    keys = [k for k in re.findall(r"[?$](\w+)", match.group(1)) if k in result.vars] if match else []
    return [[r[k] for k in keys] for r in result.rows]


def test_the_references_are_the_rewritten_questions():
    assert set(QUESTIONS) == {"cooperations-of-town", "coverage-matrix", "existing-vs-proposed", "facilities", "partner-pairs",
                              "partners-of-town", "towns-without-cooperation", "unknowns"}


@pytest.mark.parametrize("qid", QUESTIONS)
def test_question_answers_as_its_reference(national, qid):
    gq, _ = national
    question = gq.library[qid]
    reference = (REFERENCES / f"{qid}.rq").read_text(encoding="utf-8")
    answered = 0
    for params in cases(gq, qid):
        ours = gq.ask(qid, params)
        theirs = gq.run(reference, gq.bind(question, params))
        assert ours.vars == theirs.vars, params
        assert normalized(ours) == normalized(theirs), (qid, params)
        assert order(question.text, ours) == order(question.text, theirs), (qid, params)
        answered += len(ours) > 0
    # the graph makes the comparison mean something: most parameter sets have answers
    assert answered >= len(cases(gq, qid)) - 2, qid


@pytest.mark.parametrize("qid", QUESTIONS)
def test_a_values_binding_at_the_top_gives_the_same_answer(national, project, qid):
    gq, nt = national
    store = ox.Store()
    store.bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES)
    prefixes = project_prefixes(project)
    question = gq.library[qid]
    for params in cases(gq, qid)[:2]:
        bindings = gq.bind(question, params)
        text = bind_values(question.text, {k: v.n3() for k, v in bindings.items()})
        raw = store.query(text, prefixes=prefixes)
        names = [v.value for v in raw.variables]
        rows = sorted(tuple(_cell(None if row[n] is None else str(row[n])) for n in names) for row in raw)
        ours = gq.ask(qid, params)
        assert names == list(ours.vars)
        assert len(rows) == len(ours), (qid, params)
        assert rows == sorted(tuple(_cell(None if r.get(v) is None else _ox(r[v])) for v in ours.vars)
                              for r in ours.rows), (qid, params)


def _ox(term) -> str:
    """An rdflib term in pyoxigraph's ``str`` spelling (N-Triples; plain strings without a datatype)."""
    return term.n3()

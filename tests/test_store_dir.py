"""The disk-backed build (``ikz build --store-dir``): the same graph and the same answers as
the in-memory store, swapped in atomically, and opened by ``ikz query`` instead of ikz.nt."""

from __future__ import annotations

import json
import subprocess
import sys

import pyoxigraph as ox
import pytest

from graph import build
from graph.sparql.query import GraphQuery
from graph.sparql.stores import STORE_MARK, disk_store, open_oxigraph

def triples(quads) -> set:
    return {(q.subject, q.predicate, q.object) for q in quads}


def canonical(result) -> list:
    """Rows sorted, and the parts of a GROUP_CONCAT (joined by ", " or " | ") sorted: SPARQL
    leaves their order to the engine, and the two stores order them differently."""
    def value(text):
        if not text:
            return text
        return " | ".join(sorted(", ".join(sorted(part.split(", "))) for part in text.split(" | ")))

    return sorted(tuple(value(v) for v in row) for row in result.tuples())


@pytest.fixture(scope="module")
def on_disk(project, tmp_path_factory):
    folder = tmp_path_factory.mktemp("disk")
    result = build(project, folder / "graph", store_dir=folder / "store")
    return folder, result


def test_the_on_disk_store_holds_the_same_graph(built, on_disk):
    folder, result = on_disk
    assert result.summary["triples"] == built.summary["triples"]
    assert result.summary["store"] == str((folder / "store").resolve())
    memory = triples(ox.parse(path=str(built.output / "ikz.nt")))
    assert triples(result.graph.store) == memory
    assert triples(ox.parse(path=str(folder / "graph" / "ikz.nt"))) == memory
    assert not list(folder.glob(".store.*")) and not list(folder.glob(".graph.*"))   # nothing left aside


def test_every_named_question_answers_the_same_from_disk(project, built, on_disk):
    folder, _ = on_disk
    memory = GraphQuery.open(project, graph_dir=built.output)
    disk = GraphQuery.open(project, store_dir=folder / "store")
    found = GraphQuery.open(project, graph_dir=folder / "graph")     # finds the store by itself
    assert disk_store(folder / "graph" / "ikz.nt") == (folder / "store").resolve()
    try:
        assert isinstance(found.engine.store, ox.Store) and len(found.engine.store) == built.summary["triples"]
        for qid, question in memory.library.items():
            params = {"statement": "c:jugendschutzstelle-suedkreis"} if qid == "evidence" else {}
            expected = memory.ask(qid, params, max_rows=0)
            for other in (disk, found):
                answer = other.ask(qid, params, max_rows=0)
                assert (answer.vars, answer.boolean) == (expected.vars, expected.boolean), qid
                assert canonical(answer) == canonical(expected), qid
    finally:
        for gq in (memory, disk, found):
            gq.close()


PROBE = 'ASK { <urn:ikz:probe> <urn:ikz:probe> "written into the store only" }'


def ask_cli(project, graph) -> str:
    run = subprocess.run([sys.executable, "-m", "graph", "query", "--text", PROBE, "--graph", str(graph),
                          "--format", "plain"], capture_output=True, text=True, cwd=project.root)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_ikz_query_opens_the_store_of_its_build_and_no_other(project, tmp_path):
    """A triple put into the on-disk store only is seen by ``ikz query --graph`` (it opened
    the store, not ikz.nt); once the store's mark names another ikz.nt (an interrupted swap, a
    later in-memory build), the graph file is loaded instead."""
    result = build(project, tmp_path / "graph", store_dir=tmp_path / "store")
    result.graph.store = None
    store = ox.Store(str(tmp_path / "store"))
    store.add(ox.Quad(ox.NamedNode("urn:ikz:probe"), ox.NamedNode("urn:ikz:probe"), ox.Literal("written into the store only")))
    store.flush()
    del store
    nt = tmp_path / "graph" / "ikz.nt"
    assert disk_store(nt) == (tmp_path / "store").resolve()
    yes = ask_cli(project, tmp_path / "graph")
    (tmp_path / "store" / STORE_MARK).write_text(json.dumps({"ikz.nt": "0" * 64}), encoding="utf-8")
    assert disk_store(nt) is None
    no = ask_cli(project, tmp_path / "graph")
    assert (yes.split()[-1], no.split()[-1]) == ("true", "false"), (yes, no)
    assert len(open_oxigraph(nt)) == result.summary["triples"]


def test_the_option_is_documented_in_german(project):
    help_text = subprocess.run([sys.executable, "-m", "graph", "build", "--help"], capture_output=True, text=True,
                               cwd=project.root).stdout
    assert "--store-dir" in help_text and "Festplatte" in help_text and "--jsonld" in help_text

"""The facts layer (graph/facts): one reader of the graph, through the gate and the query worker,
with query files found in the project, and one label rule."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from graph.core.errors import ProjectError
from graph.core.i18n import use
from graph.core.project import Project
from graph.facts import detail, network
from graph.facts.labels import LABEL_PROPERTIES, pick_labels
from graph.facts.source import load_store, open_source, rows
from graph.sparql.query import GraphQuery

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "analysis" / "small.ttl"
PACKAGE = ROOT / "graph"
FACTS_QUERIES = ROOT / "queries" / "facts"


def test_label_queries_list_the_properties_of_the_rule_in_its_order():
    prefixes = {"skos:": "http://www.w3.org/2004/02/skos/core#", "dct:": "http://purl.org/dc/terms/",
                "rdfs:": "http://www.w3.org/2000/01/rdf-schema#", "foaf:": "http://xmlns.com/foaf/0.1/",
                "schema:": "https://schema.org/"}
    for name in ("labels.rq", "town-labels.rq"):
        text = (FACTS_QUERIES / name).read_text(encoding="utf-8")
        values = re.search(r"VALUES \?property \{([^}]*)\}", text)   # or one UNION branch per property
        listed = values.group(1).split() if values else re.findall(r"BIND\((\S+) AS \?property\)", text)
        expanded = tuple(prefixes[p.split(":")[0] + ":"] + p.split(":")[1] for p in listed)
        assert expanded == LABEL_PROPERTIES, name


def test_the_rule_language_first_then_property_then_text():
    pref, title, rdfs, foaf, _ = LABEL_PROPERTIES
    rows_ = [("x", rdfs, "X rdfs", "en"), ("x", pref, "X de", "de"), ("x", title, "X title", "en"),
             ("y", foaf, "Y", ""), ("y", rdfs, "Y fr", "fr"), ("z", pref, "b", "de"), ("z", pref, "a", "de")]
    assert pick_labels(rows_, "en") == {"x": "X title", "y": "Y", "z": "a"}
    assert pick_labels(rows_, "de") == {"x": "X de", "y": "Y", "z": "a"}


def test_every_facts_query_goes_through_graph_query_run(monkeypatch):
    store = load_store(FIXTURE, Project(ROOT))
    ran: list[str] = []
    original = GraphQuery.run

    def recording(self, text, bindings=None, **options):
        ran.append(options.get("where", ""))
        if "/queries/facts/" in options.get("where", ""):
            assert options.get("max_rows") == 0 and options.get("timeout")   # uncapped, in the worker
        return original(self, text, bindings, **options)

    monkeypatch.setattr(GraphQuery, "run", recording)

    gq, _ = open_source(store, Project(ROOT))
    data = network.fetch(gq, district="09999")
    data.label("https://w3id.org/ikz/concept/status/bestehend")
    data.quotes(*data.cooperations)
    facts = detail.Facts(gq, "de")
    used = {Path(w).stem for w in ran if w}
    assert {"town-labels", "towns", "memberships", "acting", "cooperations", "concepts", "labels", "quotes",
            "membership-details", "facilities", "partner-pairs", "derived-from", "documents", "offices"} <= used
    assert all(Path(w).parent.name == "facts" for w in ran if w.endswith(".rq") and "lookup" not in w)
    assert len(facts.towns) == len(network.fetch(gq).towns) and facts.quotes


def test_the_outputs_read_the_graph_only_through_the_facts_layer():
    for path in sorted((PACKAGE / "outputs").rglob("*.py")) + sorted((PACKAGE / "facts").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert "Path(__file__)" not in text, path            # query files come from the project
        assert ".store.query(" not in text and "store.query(" not in text, path   # never around the gate
        assert not re.search(r"^\s*(TEXT|_TEXT|MESSAGES)\s*=", text, re.M), path   # one catalogue


def test_query_files_come_from_the_package(tmp_path, monkeypatch):
    """The facts queries are product code: a project's own queries/ cannot replace or lose
    them; a package that lacks one says so in German (English under --lang en)."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    project = Project(tmp_path)
    shutil.rmtree(tmp_path / "queries" / "facts")
    assert len(network.fetch(FIXTURE, project=project).towns) == 7
    broken = tmp_path / "package"
    for name in ("ontology", "queries"):
        shutil.copytree(ROOT / name, broken / name)
    (broken / "queries" / "facts" / "towns.rq").unlink()
    monkeypatch.setattr("graph.core.resources.root", lambda: broken)
    with pytest.raises(ProjectError) as error:
        network.fetch(FIXTURE, project=project)
    assert error.value.where.endswith("queries/facts/towns.rq")
    assert "Die mitgelieferte Datei queries/facts/towns.rq fehlt" in str(error.value)
    with use("en"):
        assert "The shipped file queries/facts/towns.rq is missing" in str(error.value)


def test_rows_are_plain_strings_and_none(tmp_path):
    gq, version = open_source(FIXTURE, Project(ROOT))
    assert version.startswith("IKZ-Graph ")
    towns = rows(gq, "towns")
    assert all(isinstance(v, (str, type(None))) for row in towns for v in row)
    assert {row[1] for row in towns if row[1]} >= {"09999001", "09999006"}

"""The foundation: the build, its checks, its output, and what it does with bad input."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph import SourceDataError, ValidationError, build
from graph.builder.build import DataCheckError
from graph.core.i18n import use
from graph.sparql.query import GraphQuery, OxigraphEngine, project_prefixes
from graph.builder.quotes import NormalizedText

FACTS = sorted((Path(__file__).parent / "facts").glob("*.rq"))


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


# --- what the graph says --------------------------------------------------------------------


@pytest.mark.parametrize("fact", FACTS, ids=[f.stem for f in FACTS])
def test_graph_states_each_item_of_the_letter(gq, fact):
    """Each item the foundation issue lists is in the graph (one ASK query per item)."""
    assert gq.run_file(fact).boolean is True


@pytest.mark.parametrize("fact", FACTS, ids=[f.stem for f in FACTS])
def test_fact_queries_can_fail(project, fact):
    """On an empty graph every fact query answers no: none of them is true by construction."""
    empty = GraphQuery(project, OxigraphEngine(ox.Store(), project_prefixes(project)))
    assert empty.run_file(fact).boolean is False


def test_every_quote_is_verbatim_in_its_source(built, project):
    """Each quote's recorded position in the text file holds the quote (whitespace aside)."""
    graph = built.graph.rdflib_graph()
    rows = graph.query("""
        SELECT ?exact ?start ?end ?line ?file WHERE {
          ?q a ikz:Quote ; oa:exact ?exact ; oa:start ?start ; oa:end ?end ; ikz:line ?line ;
             prov:wasQuotedFrom/ikz:textFile ?file }""", initNs=project_prefixes(project))
    rows = list(rows)
    assert len(rows) == 31
    for exact, start, end, line, file in rows:
        text = (project.data_dir / str(file)).read_text(encoding="utf-8")
        passage = text[int(start):int(end)]
        assert " ".join(passage.split()) == " ".join(str(exact).split())
        assert text.count("\n", 0, int(start)) + 1 == int(line)


def test_summary_counts(built):
    classes = built.summary["classes"]
    assert classes["ikz:Municipality"] == 9
    assert classes["ikz:YouthWelfareOffice"] == 8
    assert classes["ikz:Facility"] == 5
    assert classes["ikz:SharedFacilityUse"] == 5 and classes["ikz:Cooperation"] == 2
    assert classes["prov:Attribution"] == 8
    letter = next(s for s in built.summary["sources"] if s["iri"].endswith("doc/votum-2016"))
    assert letter["quotes"] == 21


def test_output_files_parse_to_the_same_graph(built):
    out = built.output
    assert sorted(p.name for p in out.iterdir()) == ["ikz.jsonld", "ikz.nt", "ikz.ttl", "summary.json"]
    graphs = [set(ox.parse(path=str(out / name))) for name in ("ikz.nt", "ikz.ttl", "ikz.jsonld")]
    assert graphs[0] == graphs[1] == graphs[2]
    assert len(graphs[0]) == built.summary["triples"]
    assert "http://schema.org/" not in (out / "ikz.nt").read_text(encoding="utf-8")
    assert "example.org" not in (out / "ikz.nt").read_text(encoding="utf-8")


def test_ags_stays_a_string_with_leading_zero(built):
    text = (built.output / "ikz.nt").read_text(encoding="utf-8")
    assert '<https://w3id.org/ikz/ontology#ags> "05954004" .' in text


def test_build_is_deterministic(project, tmp_path):
    """Two builds of the same input give the same bytes."""
    first = build(project, tmp_path / "a").output
    second = build(project, tmp_path / "b").output
    assert digests(first) == digests(second)


def test_base_iri_is_configurable(project, tmp_path):
    result = build(project, tmp_path / "g", base="https://daten.kreis.example/ikz/")
    text = (result.output / "ikz.nt").read_text(encoding="utf-8")
    assert "<https://daten.kreis.example/ikz/municipality/05954004>" in text
    assert "https://w3id.org/ikz/id/" not in text


def test_whitespace_normalised_positions():
    text = NormalizedText("Frau\nFachbereichsleiterin\nAstrid  Hinterthür\n")
    [position] = text.find_all("Fachbereichsleiterin Astrid Hinterthür")
    assert (position.start, position.end, position.line) == (5, 44, 2)


# --- bad input: a clear, located error, and the previous output untouched --------------------


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


BREAKAGES = {
    "malformed-turtle": (
        "data/en-kreis/cooperations.ttl", "ikz:status status:bestehend ;\n    ikz:legalForm lf:Unbekannt ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-nordkreis",
        "ikz:status status:bestehend\n    ikz:legalForm lf:Unbekannt ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-nordkreis",
        SourceDataError, ["data/en-kreis/cooperations.ttl:", "Turtle-Syntaxfehler", "Behebung:"], ["Turtle syntax error", "fix:"],
    ),
    "unknown-municipality-key": (
        "data/en-kreis/cooperations.ttl", "org:member m:05954016 ; org:role role:Nutzer", "org:member m:05954099 ; org:role role:Nutzer",
        SourceDataError, ["data/en-kreis/cooperations.ttl:", "Unbekannter Gemeindeschlüssel '05954099'", "Behebung:"],
        ["Unknown municipality key '05954099'", "fix:"],
    ),
    "quote-not-in-source": (
        "data/en-kreis/quotes.ttl", "durch die Kommunen Hattingen, Wetter, Herdecke", "durch die Städte Hattingen, Wetter, Herdecke",
        SourceDataError, ["data/en-kreis/quotes.ttl:", "steht nicht wörtlich in", "am nächsten kommt dort"],
        ["does not occur verbatim", "closest passage"],
    ),
    "missing-source-file": (
        "data/sources.ttl", 'ikz:textFile "sources/2016-votum-jugendamtsleitungen-en-kreis.txt"', 'ikz:textFile "sources/votum-2016.txt"',
        SourceDataError, ["data/sources.ttl:", "fehlt", "sources/votum-2016.txt"], ["is missing"],
    ),
    "unknown-vocabulary-term": (
        "data/en-kreis/cooperations.ttl", "ikz:facility f:jugendschutzstelle-nordkreis", "ikz:facilty f:jugendschutzstelle-nordkreis",
        SourceDataError, ["data/en-kreis/cooperations.ttl:", "Unbekannter Begriff", "Meinten Sie <https://w3id.org/ikz/ontology#facility>"],
        ["Unknown vocabulary term", "Did you mean <https://w3id.org/ikz/ontology#facility>"],
    ),
    "dangling-reference": (
        "data/en-kreis/cooperations.ttl", "ikz:facility f:jugendschutzstelle-nordkreis ;", "ikz:facility f:jugendschutzstelle-nord ;",
        SourceDataError, ["data/en-kreis/cooperations.ttl:", "nirgends beschrieben", "Meinten Sie"], ["described nowhere", "Did you mean"],
    ),
    "blank-node": (
        "data/en-kreis/cooperations.ttl", "ikz:unknown ikz:operatedBy , schema:address ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-nordkreis",
        "ikz:unknown ikz:operatedBy , schema:address ; schema:location [ schema:name \"x\" ] ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-nordkreis",
        SourceDataError, ["data/en-kreis/cooperations.ttl:", "Leerer Knoten"], ["Blank node"],
    ),
    "ags-lost-leading-zero": (
        "data/reference/en-kreis-municipalities.csv", ",05954004,", ",5954004,",
        SourceDataError, ["data/reference/en-kreis-municipalities.csv:2", "führende Null"], ["leading zero"],
    ),
    "shape-violation": (
        "data/en-kreis/cooperations.ttl", "    ikz:status status:bestehend ;\n    ikz:legalForm lf:Unbekannt ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-nordkreis",
        "    ikz:legalForm lf:Unbekannt ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-nordkreis",
        ValidationError, ["data/en-kreis/cooperations.ttl:", "S02-cooperation-status", "entspricht nicht den Shapes", "Knoten:"],
        ["does not conform to the shapes", "node:"],
    ),
    "data-check": (
        "data/en-kreis/cooperations.ttl", "ikz:actingThrough ja:05954008 ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-suedkreis",
        "ikz:actingThrough ja:05954012 ;\n    prov:wasDerivedFrom doc:votum-2016 ; ikz:quote q:jugendschutzstelle-suedkreis",
        DataCheckError, ["acting-through-incompetent-office-violation.rq", "data/en-kreis/cooperations.ttl:", "Datenprüfung"],
        ["data check"],
    ),
}


@pytest.mark.parametrize("case", sorted(BREAKAGES))
def test_bad_input_is_reported_and_previous_output_kept(project_copy, tmp_path, case):
    out = tmp_path / "out" / "graph"
    build(project_copy, out)
    before = digests(out)
    file, old, new, error, german, english = BREAKAGES[case]
    _replace(project_copy.root / file, old, new)
    with pytest.raises(error) as raised:
        build(project_copy, out)
    message = str(raised.value)  # German by default
    for fragment in german:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    with use("en"):
        message = str(raised.value)
    for fragment in english:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert raised.value.format("de") != raised.value.format("en")
    assert digests(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["graph"]  # no temporary leftovers


def test_malformed_turtle_names_line_and_column(project_copy):
    path = project_copy.root / "data/en-kreis/facilities-extra.ttl"
    path.write_text('@prefix ikz: <https://w3id.org/ikz/ontology#> .\n\n<facility/x> ikz:line "unterminated .\n', encoding="utf-8")
    with pytest.raises(SourceDataError) as raised:
        build(project_copy, project_copy.root / "out")
    assert "data/en-kreis/facilities-extra.ttl:3:" in str(raised.value)
    assert '<facility/x> ikz:line "unterminated .' in str(raised.value)  # the line is shown


def test_interrupted_swap_is_recovered(project, tmp_path):
    """If a build died between its two renames, the next build restores and replaces cleanly."""
    out = tmp_path / "graph"
    build(project, out)
    out.rename(tmp_path / ".graph.old")
    build(project, out)
    assert (out / "ikz.nt").is_file() and not (tmp_path / ".graph.old").exists()


def test_summary_json_is_stable_and_complete(built):
    summary = json.loads((built.output / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"]["ikz.nt"] == hashlib.sha256((built.output / "ikz.nt").read_bytes()).hexdigest()
    assert len(summary["data_checks_passed"]) >= 5


def test_national_layer_adds_germany_and_keeps_the_district_data(project, built, tmp_path):
    national = build(project, tmp_path / "national", layers=("national",))
    classes = national.summary["classes"]
    assert classes["ikz:Municipality"] == 10978
    assert classes["ikz:District"] == 400  # Kreise and kreisfreie Städte
    assert classes["ikz:State"] == 16
    without = set((built.output / "ikz.nt").read_text(encoding="utf-8").splitlines())
    with_layer = set((national.output / "ikz.nt").read_text(encoding="utf-8").splitlines())
    assert without <= with_layer  # the Ennepe-Ruhr data stays identical
    assert '<https://w3id.org/ikz/id/municipality/01058132> <http://www.w3.org/2004/02/skos/core#prefLabel> "Rade b. Rendsburg"@de .' in with_layer


def test_unknown_layer_is_refused(project, tmp_path):
    with pytest.raises(SourceDataError) as raised:
        build(project, tmp_path / "x", layers=("global",))
    assert "Unbekannte Datenebene 'global'" in str(raised.value)
    assert "Unknown data layer 'global'" in raised.value.format("en")


def test_large_build_is_deterministic_too(project, tmp_path):
    """Above the sorting limit the output follows the store's order: still the same bytes."""
    first = build(project, tmp_path / "a", layers=("national",)).output
    second = build(project, tmp_path / "b", layers=("national",)).output
    assert digests(first) == digests(second)


# --- large N-Triples files: checked by a scan of their bytes, confirmed by the store -------------

BIG_NT_CASES = {
    "vocabulary": ('<https://w3id.org/ikz/id/municipality/05954004> <https://w3id.org/ikz/ontology#nonsenseTerm> "x" .\n',
                   "nonsenseTerm"),
    "dangling": ('<https://w3id.org/ikz/id/municipality/05954004> <http://www.w3.org/2000/01/rdf-schema#seeAlso> '
                 '<https://w3id.org/ikz/id/org/nowhere-described> .\n', "nowhere-described"),
    "blank": ('_:b1 <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n', None),
}


@pytest.mark.parametrize("case", sorted(BIG_NT_CASES))
def test_a_bulk_loaded_ntriples_file_is_checked_like_a_small_one(project, tmp_path, monkeypatch, case):
    """A data file above SMALL_FILE is bulk-loaded and scanned (scan.py); what the scan flags
    the store's queries confirm, so the same errors come out as for a parsed file."""
    import graph.builder.build as build_module

    largest = max(path.stat().st_size for path in project.data_files(()))
    monkeypatch.setattr(build_module, "SMALL_FILE", largest)           # only big.nt is bulk-loaded
    extra = tmp_path / "extra"
    extra.mkdir()
    good = '<https://w3id.org/ikz/id/municipality/05954004> <http://www.w3.org/2000/01/rdf-schema#comment> "ok" .\n'
    repeat = largest // len(good) + 2
    line, needle = BIG_NT_CASES[case]
    (extra / "big.nt").write_text(good * repeat + line, encoding="utf-8")
    with pytest.raises(SourceDataError) as caught:
        build(project, tmp_path / "out", extra_data=[extra])
    where = caught.value.where or ""
    if needle:
        assert needle in str(caught.value) or needle in where
    assert "big.nt" in where or case == "vocabulary" or case == "dangling"
    (extra / "big.nt").write_text(good * repeat, encoding="utf-8")   # without the bad line: builds
    asked: list[str] = []
    original = build_module.LoadedGraph.select
    monkeypatch.setattr(build_module.LoadedGraph, "select",
                        lambda self, name, bindings=None: asked.append(name) or original(self, name, bindings))
    assert build(project, tmp_path / "out", extra_data=[extra]).summary["triples"] > 0
    assert not {"vocabulary-terms", "dangling-references", "blank-nodes"} & set(asked)   # the scan sufficed

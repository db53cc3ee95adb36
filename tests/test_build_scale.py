"""The build's large-graph path (issue #14 item 4), exercised on the real project by lowering the
thresholds: files written by Oxigraph while the graph is validated, registers and small files
parsed while a large file bulk-loads, quotes matched while facts are derived, and the SPARQL
validator starting from class closures. Each must give the same graph as the plain path, and a
failed build must leave nothing behind."""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
import pytest

import graph.builder.build as build_module
from graph import ValidationError, build
from graph.builder.shacl import load_shapes
from graph.builder.shacl_sparql import OrCheck, compile_shapes, store_closure


def _triples(path, fmt) -> set:
    return {str(q.triple) for q in ox.parse(path=str(path), format=fmt)}


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_large_path_writes_the_same_graph_with_true_digests(project, built, tmp_path, monkeypatch):
    """Above SORTED_OUTPUT_LIMIT the store writes the files (beside validation): the same
    triples as the sorted path, and summary.json's digests are those of the files written."""
    monkeypatch.setattr(build_module, "SORTED_OUTPUT_LIMIT", 10)
    out = tmp_path / "graph"
    result = build(project, out)
    expected = _triples(built.output / "ikz.nt", ox.RdfFormat.N_TRIPLES)
    assert len(expected) == built.summary["triples"] > 2000
    assert _triples(out / "ikz.nt", ox.RdfFormat.N_TRIPLES) == expected
    assert _triples(out / "ikz.ttl", ox.RdfFormat.TURTLE) == expected
    assert _triples(out / "ikz.jsonld", ox.RdfFormat.JSON_LD) == expected
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["files"] == {name: _sha(out / name) for name in ("ikz.ttl", "ikz.nt", "ikz.jsonld")}
    assert summary["files"] == result.summary["files"]
    assert (out / "ikz.ttl").read_bytes().startswith(b"@prefix")  # Turtle with the project's prefixes
    # the same input gives the same bytes on this path too
    again = build(project, tmp_path / "again")
    assert again.summary["files"] == result.summary["files"]


def test_large_path_invalid_graph_keeps_previous_output(project_copy, tmp_path, monkeypatch):
    """Files written aside during validation are thrown away when validation fails."""
    monkeypatch.setattr(build_module, "SORTED_OUTPUT_LIMIT", 10)
    out = tmp_path / "out" / "graph"
    build(project_copy, out)
    before = {p.name: _sha(p) for p in out.iterdir()}
    path = project_copy.root / "data/en-kreis/cooperations.ttl"
    text = path.read_text(encoding="utf-8")
    old = "    ikz:status status:bestehend ;\n    ikz:legalForm lf:Unbekannt ;"
    assert old in text
    path.write_text(text.replace(old, "    ikz:legalForm lf:Unbekannt ;", 1), encoding="utf-8")
    with pytest.raises(ValidationError) as raised:
        build(project_copy, out)
    assert "S02-cooperation-status" in str(raised.value)
    assert {p.name: _sha(p) for p in out.iterdir()} == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["graph"]  # no staging folder left


def test_bulk_loaded_file_beside_parsed_registers_gives_the_same_graph(project, built, tmp_path, monkeypatch):
    """A data file bulk-loaded while the registers and small files are parsed: the same triples
    as when every file is parsed (only the store's order differs), quote positions included."""
    sources = sorted(project.data_files(()), key=lambda p: p.stat().st_size)
    biggest = sources[-1]
    monkeypatch.setattr(build_module, "SMALL_FILE", sources[-2].stat().st_size)  # only the biggest is bulk-loaded
    result = build(project, tmp_path / "graph")
    assert biggest in result.graph.big_files
    assert _triples(tmp_path / "graph" / "ikz.nt", ox.RdfFormat.N_TRIPLES) == \
        _triples(built.output / "ikz.nt", ox.RdfFormat.N_TRIPLES)


def test_class_closure_targets_reach_subclass_instances(project):
    """Targets and sh:class start from the closure the store holds: an instance of a subclass
    declared only in the data is still a focus node and still a valid value."""
    shapes = load_shapes(project.shapes_file)
    store = ox.Store()
    ikz, org, rdfs = "https://w3id.org/ikz/ontology#", "http://www.w3.org/ns/org#", "http://www.w3.org/2000/01/rdf-schema#"
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    store.load((f"<urn:Sub> <{rdfs}subClassOf> <{org}Membership> .\n"
                f"<urn:m> <{rdf_type}> <urn:Sub> .\n").encode(), format=ox.RdfFormat.N_TRIPLES)
    closure = store_closure(store)
    from rdflib import URIRef
    assert URIRef("urn:Sub") in closure(URIRef(org + "Membership"))
    assert closure(URIRef(ikz + "NoSuchClass")) == [URIRef(ikz + "NoSuchClass")]
    checks = [c for c in compile_shapes(shapes, closure) if not isinstance(c, OrCheck) and c.shape == "S06-membership-member"]
    assert checks and all("<urn:Sub>" in c.query for c in checks)
    focus = {str(s["this"].value) for c in checks for s in store.query(c.query, prefixes={"rdfs": rdfs})}
    assert focus == {"urn:m"}  # the membership of the subclass lacks its member: found

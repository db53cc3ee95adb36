"""Municipalities and districts from the national register: the rows and descriptions a
draft, an import or a new document needs beyond the district register."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from graph.core.project import Project
from graph.core.text import turtle_string
from graph.ingest.changes import Changes

ADDED_REGISTER = Path("reference") / "added-municipalities.csv"
ADDED_REGISTER_TTL = Path("reference") / "added-municipalities.ttl"
NATIONAL_HEADER = ["ags", "name", "kreis_key", "kreis_name", "nuts3", "land"]


def _registered_keys(project: Project) -> set[str]:
    keys = set()
    for path in (project.data_dir / "reference").glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            keys.add((row.get("ags") or "").strip())
    return keys


def register_additions(project: Project, iris, described: set[str], base: str, changes: Changes) -> list[str]:
    """Add to ``changes`` the register rows (and district descriptions) that ``iris`` need:
    municipalities not in ``data/reference/*.csv`` are copied from the national register into
    ``data/reference/added-municipalities.csv``; districts described nowhere get a description
    in ``added-municipalities.ttl``. Return what was added, for the report."""
    national = project.data_dir / "national" / "de-municipalities-2024.csv"
    if not national.is_file():
        return []
    rows = {r["ags"]: r for r in csv.DictReader(io.StringIO(national.read_text(encoding="utf-8")))}
    registered = _registered_keys(project)
    register = project.data_dir / ADDED_REGISTER
    existing = register.read_text(encoding="utf-8") if register.is_file() else ""
    already = {r["kreis_key"] for r in csv.DictReader(io.StringIO(existing))} if existing else set()
    towns = sorted({i[len(base + "municipality/"):].split("/")[0] for i in iris if i.startswith(base + "municipality/")})
    missing = [a for a in towns if a not in registered and a in rows]
    districts = sorted({i[len(base + "district/"):].split("/")[0] for i in iris if i.startswith(base + "district/")})
    covered = already | {rows[a]["kreis_key"] for a in missing}
    by_key = {r["kreis_key"]: r for r in rows.values()}
    lonely = [k for k in districts if base + f"district/{k}" not in described and k not in covered and k in by_key]
    description = project.data_dir / ADDED_REGISTER_TTL
    if lonely or (missing and not description.is_file()):
        ttl = description.read_text(encoding="utf-8") if description.is_file() else _ADDED_TTL_HEADER
        for key in lonely:
            row = by_key[key]
            ttl += (f"\nd:{key} a ikz:District ; skos:prefLabel {turtle_string(row['kreis_name'])}@de ; ikz:districtKey \"{key}\" ;"
                    + (f" ikz:nuts3 \"{row['nuts3']}\" ;" if row.get("nuts3") else "")
                    + " prov:wasDerivedFrom src:added-municipalities .\n")
        changes.add(ADDED_REGISTER_TTL, ttl)
    if missing:
        out = io.StringIO()
        writer = csv.DictWriter(out, NATIONAL_HEADER, lineterminator="\n")
        if not existing:
            writer.writeheader()
        for ags in missing:
            writer.writerow({k: rows[ags][k] for k in NATIONAL_HEADER})
        changes.add(ADDED_REGISTER, existing + out.getvalue())
    return [f"{rows[a]['name']} ({a})" for a in missing] + [f"{by_key[k]['kreis_name']} ({k})" for k in lonely]


_ADDED_TTL_HEADER = """\
# Municipalities and districts outside the district register that accepted drafts, imports or
# documents refer to. `ikz accept`, `ikz import` and `ikz add-source` copy their rows verbatim
# from the national register (data/national/de-municipalities-2024.csv) into
# added-municipalities.csv beside this file, so that the default build knows them.

@prefix ikz:    <https://w3id.org/ikz/ontology#> .
@prefix src:    <source/> .
@prefix d:      <district/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix prov:   <http://www.w3.org/ns/prov#> .

src:added-municipalities a ikz:SourceDocument ;
    dct:title "Weitere Kommunen und Kreise (Auszug aus dem Gemeindeverzeichnis 2024)"@de ,
              "Further municipalities and districts (extract of the 2024 municipality register)"@en ;
    ikz:textFile "reference/added-municipalities.csv" ;
    dct:source src:destatis-lau-2024 ;
    dct:rights "© European Union (Eurostat LAU 2024); Destatis-Daten unter dl-de/by-2-0"@de ;
    dct:license <https://www.govdata.de/dl-de/by-2-0> .
"""

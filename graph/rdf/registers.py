"""Municipality registers (CSV) as RDF: AGS, names, district, Wikidata, coordinates, population.

Two layouts are read, told apart by their header:

* the district register ``en-kreis-municipalities.csv``: ``label, official_name, ags, wikidata,
  lat, lon, population_YYYY_MM_DD, own_jugendamt``;
* the national register ``de-municipalities-2024.csv``: ``ags, name, kreis_key, kreis_name,
  nuts3, land``.

Every value is read as a string: an AGS keeps its leading zero.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.core.errors import SourceDataError
from graph.core.i18n import msg
from graph.core.namespaces import DCTERMS, GEO, GEOCODING, IKZ, OWL, PROV, RDF, SDO, SKOS, WD, XSD
from graph.rdf.textfile import read_text

__all__ = ["COLUMN_SOURCES", "GEOCODING", "Register", "is_register", "load_register"]

RDF_TYPE = ox.NamedNode(RDF.type)
#: Which source each column of the district register comes from (see data/sources.ttl).
COLUMN_SOURCES = {"coordinates": "geonames", "population": "it-nrw-population-2019"}
_AGS = re.compile(r"^\d{8}$")
_POPULATION = re.compile(r"^population_(\d{4})_(\d{2})_(\d{2})$")


def is_register(text: str) -> bool:
    """Whether CSV text is a municipality register (its header has an ``ags`` column).

    >>> is_register("ags,label\\n05954004,Breckerfeld\\n"), is_register("Bezeichnung;Kommunen\\n")
    (True, False)
    """
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return "ags" in [cell.strip().strip('"') for cell in header.split(",")]


@dataclass
class Register:
    """A loaded register: its triples and the municipalities it defines (AGS → label)."""

    path: Path
    triples: list
    municipalities: dict[str, str]
    lines: dict[str, int]


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def load_register(path: Path, base: str, display: str | None = None) -> Register:
    """Read a municipality register CSV into triples under ``base``."""
    display = display or str(path)
    text = read_text(Path(path), display)
    try:
        rows = list(csv.reader(io.StringIO(text.replace("\x00", ""))))
    except csv.Error as error:
        raise SourceDataError(msg("rdf.register.csv-error", reason=str(error)), where=display,
                              fix=msg("rdf.table.csv-error-fix")) from None
    header = [cell.strip() for cell in rows[0]] if rows else []
    if "ags" not in header or not ({"label", "name"} & set(header)):
        raise SourceDataError(msg("rdf.register.not-a-register", header=header), where=f"{display}:1",
                              fix=msg("rdf.register.not-a-register-fix"))
    source = _n(f"{base}source/{Path(path).stem}")
    triples: list = []
    municipalities: dict[str, str] = {}
    lines: dict[str, int] = {}
    districts: dict[str, int] = {}
    population_column = next((c for c in header if _POPULATION.match(c)), None)
    add = triples.append
    for line, cells in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)}
        ags = (row.get("ags") or "").strip()
        if not _AGS.match(ags):
            raise SourceDataError(msg("rdf.register.bad-ags-zero" if ags.isdigit() else "rdf.register.bad-ags", ags=ags),
                                  where=f"{display}:{line}", fix=msg("rdf.register.bad-ags-fix"))
        if ags in municipalities:
            raise SourceDataError(msg("rdf.register.duplicate", ags=ags), where=f"{display}:{line}",
                                  fix=msg("rdf.register.duplicate-fix"))
        label = (row.get("label") or (row.get("name") or "").split(",")[0]).strip()
        if not label:
            raise SourceDataError(msg("rdf.register.no-label"), where=f"{display}:{line}", fix=msg("rdf.register.no-label-fix"))
        municipalities[ags] = label
        lines[ags] = line
        town = _n(f"{base}municipality/{ags}")
        add(ox.Triple(town, RDF_TYPE, _n(IKZ.Municipality)))
        add(ox.Triple(town, _n(SKOS.prefLabel), ox.Literal(label, language="de")))
        official = (row.get("official_name") or row.get("name") or "").strip()
        if official:
            add(ox.Triple(town, _n(IKZ.officialName), ox.Literal(official, language="de")))
        add(ox.Triple(town, _n(IKZ.ags), ox.Literal(ags)))
        add(ox.Triple(town, _n(IKZ.district), _n(f"{base}district/{ags[:5]}")))
        add(ox.Triple(town, _n(DCTERMS.spatial), _n(GEOCODING + ags)))
        add(ox.Triple(town, _n(PROV.wasDerivedFrom), source))
        qid = (row.get("wikidata") or "").strip()
        if qid:
            if not re.match(r"^Q\d+$", qid):
                raise SourceDataError(msg("rdf.register.bad-wikidata", qid=qid), where=f"{display}:{line}")
            add(ox.Triple(town, _n(OWL.sameAs), _n(WD[qid])))
        lat, lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
        if lat and lon:
            try:
                latf, lonf = float(lat), float(lon)
            except ValueError:
                raise SourceDataError(msg("rdf.register.bad-coordinates", lat=lat, lon=lon), where=f"{display}:{line}",
                                      fix=msg("rdf.register.bad-coordinates-fix")) from None
            if not (-90 <= latf <= 90 and -180 <= lonf <= 180):
                raise SourceDataError(msg("rdf.register.coordinates-range", lat=lat, lon=lon), where=f"{display}:{line}",
                                      fix=msg("rdf.register.bad-coordinates-fix"))
            geometry = _n(f"{base}municipality/{ags}/geometry")
            add(ox.Triple(town, _n(GEO.hasGeometry), geometry))
            add(ox.Triple(geometry, RDF_TYPE, _n(GEO.Geometry)))
            add(ox.Triple(geometry, _n(GEO.asWKT), ox.Literal(f"POINT({lon} {lat})", datatype=_n(GEO.wktLiteral))))
            add(ox.Triple(geometry, _n(DCTERMS.source), _n(f"{base}source/{COLUMN_SOURCES['coordinates']}")))
        if population_column and (row.get(population_column) or "").strip():
            value = row[population_column].strip()
            if not value.isdigit():
                raise SourceDataError(msg("rdf.register.bad-population", value=value), where=f"{display}:{line}",
                                      fix=msg("rdf.register.bad-population-fix"))
            year, month, day = _POPULATION.match(population_column).groups()
            figure = _n(f"{base}municipality/{ags}/population/{year}-{month}-{day}")
            add(ox.Triple(town, _n(IKZ.population), figure))
            add(ox.Triple(figure, RDF_TYPE, _n(IKZ.PopulationFigure)))
            add(ox.Triple(figure, _n(SDO.value), ox.Literal(value, datatype=_n(XSD.integer))))
            add(ox.Triple(figure, _n(DCTERMS.date), ox.Literal(f"{year}-{month}-{day}", datatype=_n(XSD.date))))
            add(ox.Triple(figure, _n(DCTERMS.source), _n(f"{base}source/{COLUMN_SOURCES['population']}")))
        kreis_key = (row.get("kreis_key") or "").strip()
        if kreis_key:  # the national register also describes districts and Länder
            if kreis_key != ags[:5]:
                raise SourceDataError(msg("rdf.register.district-mismatch", district=kreis_key, ags=ags), where=f"{display}:{line}",
                                      fix=msg("rdf.register.district-mismatch-fix"))
            if not (row.get("kreis_name") or "").strip():
                raise SourceDataError(msg("rdf.register.no-district-name"), where=f"{display}:{line}",
                                      fix=msg("rdf.register.no-district-name-fix"))
            if kreis_key not in districts:
                districts[kreis_key] = line
                _describe_district(add, base, kreis_key, row, source)
    return Register(Path(path), triples, municipalities, lines)


def _describe_district(add, base: str, key: str, row: dict, source) -> None:
    district = _n(f"{base}district/{key}")
    add(ox.Triple(district, RDF_TYPE, _n(IKZ.District)))
    add(ox.Triple(district, _n(SKOS.prefLabel), ox.Literal(row["kreis_name"].strip(), language="de")))
    add(ox.Triple(district, _n(IKZ.districtKey), ox.Literal(key)))
    if (row.get("nuts3") or "").strip():
        add(ox.Triple(district, _n(IKZ.nuts3), ox.Literal(row["nuts3"].strip())))
    add(ox.Triple(district, _n(PROV.wasDerivedFrom), source))
    if (row.get("land") or "").strip():
        state = _n(f"{base}state/{key[:2]}")
        add(ox.Triple(district, _n(IKZ.state), state))
        add(ox.Triple(state, RDF_TYPE, _n(IKZ.State)))
        add(ox.Triple(state, _n(SKOS.prefLabel), ox.Literal(row["land"].strip(), language="de")))
        add(ox.Triple(state, _n(IKZ.stateKey), ox.Literal(key[:2])))

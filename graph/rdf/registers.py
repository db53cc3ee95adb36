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
from graph.rdf.parse import read_text
from graph.core.namespaces import IKZ

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_P = {
    "prefLabel": "http://www.w3.org/2004/02/skos/core#prefLabel",
    "sameAs": "http://www.w3.org/2002/07/owl#sameAs",
    "spatial": "http://purl.org/dc/terms/spatial",
    "source": "http://purl.org/dc/terms/source",
    "date": "http://purl.org/dc/terms/date",
    "derived": "http://www.w3.org/ns/prov#wasDerivedFrom",
    "hasGeometry": "http://www.opengis.net/ont/geosparql#hasGeometry",
    "asWKT": "http://www.opengis.net/ont/geosparql#asWKT",
    "Geometry": "http://www.opengis.net/ont/geosparql#Geometry",
    "value": "https://schema.org/value",
}
#: DCAT-AP.de geocoding IRI of a municipality key, as used in German open data.
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"
#: Which source each column of the district register comes from (see data/sources.ttl).
COLUMN_SOURCES = {"coordinates": "geonames", "population": "it-nrw-population-2019"}
_AGS = re.compile(r"^\d{8}$")
_POPULATION = re.compile(r"^population_(\d{4})_(\d{2})_(\d{2})$")


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
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    if "ags" not in header or not ({"label", "name"} & set(header)):
        raise SourceDataError(
            f"not a municipality register: header is {header}",
            where=f"{display}:1",
            fix="the header needs at least the columns 'ags' and 'label' (or 'name')",
        )
    source = _n(f"{base}source/{Path(path).stem}")
    triples: list = []
    municipalities: dict[str, str] = {}
    lines: dict[str, int] = {}
    districts: dict[str, int] = {}
    population_column = next((c for c in header if _POPULATION.match(c)), None)
    add = triples.append
    for line, row in enumerate(reader, start=2):
        ags = (row.get("ags") or "").strip()
        if not _AGS.match(ags):
            hint = " (a leading zero was probably dropped: keep the column as text)" if ags.isdigit() else ""
            raise SourceDataError(
                f"AGS {ags!r} is not an 8-digit key{hint}",
                where=f"{display}:{line}",
                fix="write the official municipality key as 8 digits, e.g. 05954004",
            )
        if ags in municipalities:
            raise SourceDataError(f"AGS {ags} appears twice", where=f"{display}:{line}", fix="remove the duplicate row")
        label = (row.get("label") or (row.get("name") or "").split(",")[0]).strip()
        if not label:
            raise SourceDataError("empty label", where=f"{display}:{line}", fix="give the municipality a name")
        municipalities[ags] = label
        lines[ags] = line
        town = _n(f"{base}municipality/{ags}")
        add(ox.Triple(town, RDF_TYPE, _n(IKZ.Municipality)))
        add(ox.Triple(town, _n(_P["prefLabel"]), ox.Literal(label, language="de")))
        official = (row.get("official_name") or row.get("name") or "").strip()
        if official:
            add(ox.Triple(town, _n(IKZ.officialName), ox.Literal(official, language="de")))
        add(ox.Triple(town, _n(IKZ.ags), ox.Literal(ags)))
        add(ox.Triple(town, _n(IKZ.district), _n(f"{base}district/{ags[:5]}")))
        add(ox.Triple(town, _n(_P["spatial"]), _n(GEOCODING + ags)))
        add(ox.Triple(town, _n(_P["derived"]), source))
        qid = (row.get("wikidata") or "").strip()
        if qid:
            if not re.match(r"^Q\d+$", qid):
                raise SourceDataError(f"Wikidata id {qid!r} is not of the form Q123", where=f"{display}:{line}")
            add(ox.Triple(town, _n(_P["sameAs"]), _n("http://www.wikidata.org/entity/" + qid)))
        lat, lon = (row.get("lat") or "").strip(), (row.get("lon") or "").strip()
        if lat and lon:
            try:
                latf, lonf = float(lat), float(lon)
            except ValueError:
                raise SourceDataError(
                    f"coordinates {lat!r}, {lon!r} are not numbers", where=f"{display}:{line}",
                    fix="write decimal degrees with a point, e.g. 51.25926",
                ) from None
            if not (-90 <= latf <= 90 and -180 <= lonf <= 180):
                raise SourceDataError(f"coordinates {lat}, {lon} out of range", where=f"{display}:{line}")
            geometry = _n(f"{base}municipality/{ags}/geometry")
            add(ox.Triple(town, _n(_P["hasGeometry"]), geometry))
            add(ox.Triple(geometry, RDF_TYPE, _n(_P["Geometry"])))
            add(ox.Triple(geometry, _n(_P["asWKT"]), ox.Literal(f"POINT({lon} {lat})", datatype=_n(_P["asWKT"].replace("#asWKT", "#wktLiteral")))))
            add(ox.Triple(geometry, _n(_P["source"]), _n(f"{base}source/{COLUMN_SOURCES['coordinates']}")))
        if population_column and (row.get(population_column) or "").strip():
            value = row[population_column].strip()
            if not value.isdigit():
                raise SourceDataError(
                    f"population {value!r} is not a whole number", where=f"{display}:{line}",
                    fix="write the number without separators, e.g. 30142",
                )
            year, month, day = _POPULATION.match(population_column).groups()
            figure = _n(f"{base}municipality/{ags}/population/{year}-{month}-{day}")
            add(ox.Triple(town, _n(IKZ.population), figure))
            add(ox.Triple(figure, RDF_TYPE, _n(IKZ.PopulationFigure)))
            add(ox.Triple(figure, _n(_P["value"]), ox.Literal(value, datatype=_n(_XSD + "integer"))))
            add(ox.Triple(figure, _n(_P["date"]), ox.Literal(f"{year}-{month}-{day}", datatype=_n(_XSD + "date"))))
            add(ox.Triple(figure, _n(_P["source"]), _n(f"{base}source/{COLUMN_SOURCES['population']}")))
        kreis_key = (row.get("kreis_key") or "").strip()
        if kreis_key:  # the national register also describes districts and Länder
            if kreis_key != ags[:5]:
                raise SourceDataError(f"district key {kreis_key!r} does not match AGS {ags}", where=f"{display}:{line}",
                                      fix="the district key is the first five digits of the AGS")
            if kreis_key not in districts:
                districts[kreis_key] = line
                _describe_district(add, base, kreis_key, row, source)
    return Register(Path(path), triples, municipalities, lines)


def _describe_district(add, base: str, key: str, row: dict, source) -> None:
    district = _n(f"{base}district/{key}")
    add(ox.Triple(district, RDF_TYPE, _n(IKZ.District)))
    add(ox.Triple(district, _n(_P["prefLabel"]), ox.Literal(row["kreis_name"].strip(), language="de")))
    add(ox.Triple(district, _n(IKZ.districtKey), ox.Literal(key)))
    if (row.get("nuts3") or "").strip():
        add(ox.Triple(district, _n(IKZ.nuts3), ox.Literal(row["nuts3"].strip())))
    add(ox.Triple(district, _n(_P["derived"]), source))
    if (row.get("land") or "").strip():
        state = _n(f"{base}state/{key[:2]}")
        add(ox.Triple(district, _n(IKZ.state), state))
        add(ox.Triple(state, RDF_TYPE, _n(IKZ.State)))
        add(ox.Triple(state, _n(_P["prefLabel"]), ox.Literal(row["land"].strip(), language="de")))
        add(ox.Triple(state, _n(IKZ.stateKey), ox.Literal(key[:2])))

"""Namespaces of the IKZ-Graph vocabulary and the standard vocabularies it reuses.

The data namespace (``id/``) hangs off one configurable base IRI; the vocabulary namespaces
below are fixed, because a vocabulary's identity must not change with a deployment.
"""

from __future__ import annotations

import os

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD

#: Default base IRI of the data (municipalities, cooperations, quotes, ...). Override with
#: ``ikz build --base-iri`` or the environment variable ``IKZ_BASE_IRI``.
DEFAULT_BASE_IRI = "https://w3id.org/ikz/id/"

IKZ = Namespace("https://w3id.org/ikz/ontology#")
SHAPES = Namespace("https://w3id.org/ikz/shapes#")
CONCEPT = "https://w3id.org/ikz/concept/"
FK = Namespace(CONCEPT + "facility-kind/")
SA = Namespace(CONCEPT + "service-area/")
STATUS = Namespace(CONCEPT + "status/")
LF = Namespace(CONCEPT + "legal-form/")
BK = Namespace(CONCEPT + "barrier-kind/")
ROLE = Namespace(CONCEPT + "role/")

ORG = Namespace("http://www.w3.org/ns/org#")
CV = Namespace("http://data.europa.eu/m8g/")
CPSV = Namespace("http://purl.org/vocab/cpsv#")
OA = Namespace("http://www.w3.org/ns/oa#")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
WD = Namespace("http://www.wikidata.org/entity/")
SDO = Namespace("https://schema.org/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")

#: rdflib's bundled namespaces, re-exported so that no module spells a standard IRI itself.
DCT = DCTERMS
__all__ = [
    "BK", "CONCEPT", "CV", "CPSV", "DCT", "DCTERMS", "FOAF", "DEFAULT_BASE_IRI", "FK", "GEO", "GEOCODING", "IKZ", "LF",
    "OA", "ORG", "OWL", "OWN_VOCABULARIES", "PREFIXES", "PROV", "RDF", "RDFS", "ROLE", "SA", "SDO", "SH",
    "SHAPES", "SKOS", "STATUS", "WD", "XSD", "EXISTING", "PROPOSED", "PLANNED", "ENDED", "ELI",
    "base_iri", "data_prefixes", "turtle_prefixes",
]

#: DCAT-AP.de geocoding IRI of a municipality key (AGS), as used in German open data.
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/"

#: The statuses of a cooperation (``ontology/concepts.ttl``, scheme ``status``).
EXISTING = STATUS.bestehend
PROPOSED = STATUS.vorgeschlagen
PLANNED = STATUS.geplant
ENDED = STATUS.beendet

#: The vocabulary prefixes IKZ-Graph writes into Turtle (drafts, imports, registers), in the
#: order they are written.
PREFIXES = {
    "ikz": str(IKZ), "ikzsh": str(SHAPES), "fk": str(FK), "sa": str(SA), "status": str(STATUS), "lf": str(LF),
    "bk": str(BK), "role": str(ROLE), "rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL), "xsd": str(XSD),
    "skos": str(SKOS), "dct": str(DCTERMS), "org": str(ORG), "prov": str(PROV), "cv": str(CV), "schema": str(SDO),
    "oa": str(OA), "geo": str(GEO), "wd": str(WD), "eli": str(ELI), "foaf": str(FOAF),
}


def turtle_prefixes(names, extra: dict[str, str] | None = None) -> str:
    """``@prefix`` lines for the vocabulary prefixes ``names`` (and ``extra`` name -> IRI).

    >>> print(turtle_prefixes(["ikz", "dct"]))
    @prefix ikz:    <https://w3id.org/ikz/ontology#> .
    @prefix dct:    <http://purl.org/dc/terms/> .
    """
    table = {name: PREFIXES[name] for name in names} | dict(extra or {})
    return "\n".join(f"@prefix {name + ':':<7} <{iri}> ." for name, iri in table.items())


#: Namespaces whose terms must be declared in ontology/ (a typo there fails the build).
OWN_VOCABULARIES = (str(IKZ), CONCEPT)


def base_iri(value: str | None = None) -> str:
    """Return the data base IRI: ``value``, else ``$IKZ_BASE_IRI``, else the default.

    >>> base_iri("https://daten.example-kreis.de/ikz/")
    'https://daten.example-kreis.de/ikz/'
    """
    iri = value or os.environ.get("IKZ_BASE_IRI") or DEFAULT_BASE_IRI
    if not iri.endswith(("/", "#")):
        iri += "/"
    return iri


def data_prefixes(base: str) -> dict[str, str]:
    """Prefixes for the data namespaces under ``base`` (used when writing Turtle)."""
    return {
        "m": base + "municipality/",
        "unit": base + "unit/",
        "p": base + "person/",
        "post": base + "post/",
        "prv": base + "provider/",
        "svc": base + "service/",
        "mem": base + "membership/",
        "grp": base + "group/",
        "ev": base + "event/",
        "ini": base + "initiative/",
        "draft": base + "draft/",
        "bar": base + "barrier/",
        "d": base + "district/",
        "ja": base + "office/jugendamt/",
        "c": base + "cooperation/",
        "f": base + "facility/",
        "doc": base + "doc/",
        "src": base + "source/",
        "id": base,
    }

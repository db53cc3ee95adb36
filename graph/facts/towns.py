"""Towns, their districts and their youth welfare offices, as the facts layer reads them
(``queries/facts/towns.rq``, ``offices.rq``, ``districts.rq``).

>>> parse_point("POINT(7.35258 51.44362)")
(7.35258, 51.44362)
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from graph.facts.source import rows

_WKT_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+0-9.eE]+)\s+([-+0-9.eE]+)\s*\)\s*$", re.I)


@dataclass(frozen=True)
class Town:
    """A municipality: IRI, label (by the one label rule), AGS, district, centre (lon, lat)
    and the youth welfare offices that are its units."""

    iri: str
    label: str
    ags: str | None
    district: str | None
    point: tuple[float, float] | None = None
    offices: tuple[str, ...] = ()


def parse_point(wkt: str | None) -> tuple[float, float] | None:
    """(lon, lat) of a WKT point, None for anything else."""
    if not wkt:
        return None
    match = _WKT_POINT.match(wkt)
    return (float(match.group(1)), float(match.group(2))) if match else None


def read_towns(gq, labels: dict[str, str], *, district: str | None = None) -> dict[str, Town]:
    """Every town (of ``district`` only, when given), sorted by AGS then IRI; ``labels`` name
    them (a town without a label is named by its IRI's last segment)."""
    from graph.facts.labels import local_name

    offices: dict[str, list[str]] = defaultdict(list)
    for office, town in rows(gq, "offices"):
        offices[town].append(office)
    found: dict[str, list] = {}
    for town, ags, district_iri, wkt in rows(gq, "towns"):
        entry = found.setdefault(town, [ags, district_iri, wkt])
        entry[0] = entry[0] or ags
        entry[1] = min(filter(None, (entry[1], district_iri)), default=None)
        entry[2] = entry[2] or wkt
    towns: dict[str, Town] = {}
    for iri, (ags, district_iri, wkt) in sorted(found.items(), key=lambda item: (item[1][0] or "", item[0])):
        if district is not None and district_iri != district:
            continue
        towns[iri] = Town(iri, labels.get(iri) or local_name(iri), ags, district_iri, parse_point(wkt),
                          tuple(sorted(set(offices.get(iri, ())))))
    return towns


def read_districts(gq) -> dict[str, str | None]:
    """District IRI -> its key (``05954``), sorted by IRI."""
    keys: dict[str, str | None] = {}
    for district, key in rows(gq, "districts"):
        keys[district] = keys.get(district) or key
    return dict(sorted(keys.items()))

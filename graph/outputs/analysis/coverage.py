"""Coverage (town × service area), gaps, and candidate partners (a heuristic) of the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.core import i18n

from graph.core.project import find_project  # noqa: F401 - used by the doctests
from graph.facts.network import EXISTING, FUTURE, CooperationData, fetch, statuses  # noqa: F401
from graph.outputs.analysis.network import town_graph


def _tuple(values) -> tuple:
    return tuple(values) if len(values) < 2 else tuple(sorted(values))




def matrix_areas(data: CooperationData) -> list[str]:
    """The columns of the coverage matrix: the service areas one level below a top area (as
    queries/coverage-matrix.rq), sorted by label. A narrower area counts for its column."""
    tops = {a for a, parents in data.broader.items() if not parents}
    areas = [a for a, parents in data.broader.items() if parents and all(p in tops for p in parents)]
    return sorted(areas, key=lambda a: (data.label(a), a))


@dataclass(frozen=True)
class Cell:
    """One town × area: the cooperations (IRIs) and the offices the town acts through in them."""

    cooperations: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    future: tuple[str, ...] = ()    # proposed or planned cooperations in the area

    @property
    def covered(self) -> bool:
        return bool(self.cooperations)


@dataclass
class Coverage:
    """The coverage matrix: ``cells[(town, area)]``, rows in ``towns`` order, ``areas`` columns."""

    towns: list[str]
    areas: list[str]
    cells: dict[tuple[str, str], Cell]
    status: frozenset[str] | None

    def cell(self, town: str, area: str) -> Cell:
        return self.cells[(town, area)]

    def covered(self, town: str, area: str) -> bool:
        return self.cells[(town, area)].covered

    def to_dataframe(self, data: CooperationData):
        """The matrix as a pandas DataFrame (needs pandas): a row per town, a column per area,
        the number of cooperations in each cell (0 = gap)."""
        import pandas as pd

        return pd.DataFrame([[len(self.cells[(t, a)].cooperations) for a in self.areas] for t in self.towns],
                            index=pd.Index([data.label(t) for t in self.towns], name=i18n.t("analysis.town", data.lang)),
                            columns=[data.label(a) for a in self.areas])


def coverage(data: CooperationData, status=EXISTING, areas: list[str] | None = None) -> Coverage:
    """Which town cooperates in which service area (narrower areas included), through which
    cooperations and, where it acts through another town's office, which office. Each cell also
    lists the proposed or planned cooperations in the area (``future``).

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> C = coverage(data)
    >>> [data.label(a) for a in C.areas]
    ['Beratung', 'Eingliederungshilfe', 'Inobhutnahme']
    >>> "".join("x" if C.covered(t, C.areas[0]) else "." for t in C.towns)
    'xxxxx.'
    """
    areas = matrix_areas(data) if areas is None else list(areas)
    wanted = statuses(status)
    found: dict[tuple[str, str], dict[str, set]] = {}
    reach_cache: dict[tuple[str, ...], set[str]] = {}
    for c in data.selected(None):
        is_selected = wanted is None or c.status in wanted
        is_future = c.status in FUTURE and not is_selected
        if not (is_selected or is_future):
            continue
        if c.areas not in reach_cache:
            reach_cache[c.areas] = set().union(*(data.areas_with_broader(a) for a in c.areas)) if c.areas else set()
        reached = reach_cache[c.areas]
        offices = dict(c.acting)
        for area in areas:
            if area not in reached:
                continue
            for town in c.towns:
                cell = found.setdefault((town, area), {"c": set(), "o": set(), "f": set()})
                if is_selected:
                    cell["c"].add(c.iri)
                    if town in offices:
                        cell["o"].add(offices[town])
                else:
                    cell["f"].add(c.iri)
    towns = data.town_order(data.towns)
    empty = Cell()
    cells = {}
    for t in towns:
        for a in areas:
            f = found.get((t, a))
            cells[(t, a)] = Cell(_tuple(f["c"]), _tuple(f["o"]), _tuple(f["f"])) if f else empty
    return Coverage(towns, areas, cells, wanted)


@dataclass(frozen=True)
class Gap:
    town: str
    area: str
    future: tuple[str, ...]   # proposed or planned cooperations that would close it


def gaps(data: CooperationData, status=EXISTING, areas: list[str] | None = None) -> list[Gap]:
    """Towns without cooperation (with ``status``) in a service area, by area then town.

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> [(data.label(g.town), data.label(g.area)) for g in gaps(data) if data.label(g.area) != "Eingliederungshilfe"]
    [('Fheim', 'Beratung'), ('Dstadt', 'Inobhutnahme'), ('Fheim', 'Inobhutnahme')]
    """
    matrix = coverage(data, status, areas)
    return [Gap(t, a, matrix.cell(t, a).future) for a in matrix.areas for t in matrix.towns if not matrix.covered(t, a)]


#: The rule of :func:`candidate_partners` (a heuristic, not a finding), stated in the output:
#: the catalogue text ``analysis.candidate_rule``.
CANDIDATE_RULE_KEY = "analysis.candidate_rule"
IN_AREA, TIE = "in-area", "tie"


@dataclass(frozen=True)
class Candidate:
    town: str                      # the town with the gap
    area: str
    partner: str
    basis: str                     # IN_AREA or TIE
    shared: int                    # existing cooperations the two share
    shared_cooperations: tuple[str, ...]
    partner_cooperations: tuple[str, ...]   # the partner's cooperations in the area (to join)
    rank: int


def candidate_partners(data: CooperationData, area: str | None = None, *, town: str | None = None,
                       status=EXISTING, limit: int | None = 3) -> list[Candidate]:
    """Candidate partners for towns with a gap in ``area`` (all matrix areas if None; ``town``:
    only this town), by the rule in the catalogue text ``analysis.candidate_rule`` (a heuristic). At most ``limit``
    per town and area (None: all).

    >>> data = fetch(find_project().root / "tests/fixtures/analysis/small.ttl", district="09999")
    >>> inob = next(a for a in data.broader if data.label(a) == "Inobhutnahme")
    >>> [(data.label(c.partner), c.basis, c.shared) for c in candidate_partners(data, inob, town=next(
    ...     t for t in data.towns if data.label(t) == "Dstadt"))]
    [('Cdorf', 'in-area', 2), ('Edorf', 'in-area', 1)]
    """
    G = town_graph(data, status)
    matrix = coverage(data, status, [area] if area else None)
    out: list[Candidate] = []
    for a in matrix.areas:
        for t in matrix.towns:
            if matrix.covered(t, a) or (town is not None and t != town):
                continue
            partners = list(G[t]) if t in G else []
            in_area = [p for p in partners if matrix.covered(p, a)]
            basis, chosen = (IN_AREA, in_area) if in_area else (TIE, partners)
            ranked = sorted(chosen, key=lambda p: (-G[t][p]["weight"], -len(matrix.cell(p, a).cooperations),
                                                   data.label(p), p))
            for i, p in enumerate(ranked[:limit] if limit else ranked, start=1):
                out.append(Candidate(t, a, p, basis, G[t][p]["weight"], tuple(G[t][p]["cooperations"]),
                                     matrix.cell(p, a).cooperations, i))
    return out


"""Network analysis of intermunicipal cooperation: who holds the network together, which groups
already work together, where the gaps are, and who could close them.

Library first; ``ikz analyze`` and ``ikz report`` (graph/cli/analysis.py) are thin wrappers.

The graph is read by the facts layer (:mod:`graph.facts`, the one reader of the graph, with the
one label rule), *once*, into a :class:`CooperationData`: memberships, cooperations, towns and
labels as plain Python objects.
Every network is aggregated from these rows in Python (a town-town self-join in SPARQL takes
minutes at national scale; this takes seconds at 80,000 cooperations). The functions below are
in networkx style: a graph in, plain values out, deterministic for the same input.

(An example runs in :mod:`graph.outputs.analysis.network`.)

Functions:

* :func:`fetch` reads the graph (optionally one district: ``district="05954"``);
* :func:`bipartite_graph` (town–facility) and :func:`town_graph` (town–town, weighted, edges
  carrying the cooperations, facilities, service areas and source documents they rest on);
  :func:`partner_network` is the town–town network in one call, read lean (towns, statuses,
  memberships only; an edge's details are read when first asked for);
* :func:`centrality` (degree, weighted degree, betweenness), :func:`cut_towns`,
  :func:`groups` (Louvain with a fixed seed), :func:`density`;
* :func:`coverage` (town × service area), :func:`gaps`, :func:`candidate_partners` (a
  heuristic, its rule in :data:`CANDIDATE_RULE`);
* :func:`analyze` all of it as :class:`Table` objects; :func:`render_tables` as text.
"""

from __future__ import annotations

from graph.core.files import write_text  # noqa: F401  (re-exported: graph.outputs.analysis.write_text)
from graph.core.i18n import LANGS, t
from graph.facts.evidence import Quote
from graph.facts.network import (EXISTING, FUTURE, PLANNED, PROPOSED, Cooperation, CooperationData, FactsError, fetch,
                                 statuses)
from graph.facts.towns import Town
from graph.outputs.analysis.coverage import (CANDIDATE_RULE_KEY, IN_AREA, TIE, Candidate, Cell, Coverage, Gap,
                                             candidate_partners, coverage, gaps, matrix_areas)
from graph.outputs.analysis.network import (DEFAULT_SEED, AnalysisError, bipartite_graph, centrality, cut_towns,
                                            density, groups, modularity, partner_network, town_graph)
from graph.outputs.analysis.tables import ANALYSES, FORMATS, Table, analyze, render_tables

__all__ = [
    "ANALYSES", "CANDIDATE_RULE", "DEFAULT_SEED", "EXISTING", "FORMATS", "FUTURE", "PLANNED", "PROPOSED", "AnalysisError",
    "Candidate", "Cell", "Cooperation", "CooperationData", "Coverage", "FactsError", "Gap", "IN_AREA", "Quote", "TIE",
    "Table", "Town", "analyze", "bipartite_graph", "candidate_partners", "centrality", "coverage", "cut_towns",
    "density", "fetch", "gaps", "groups", "matrix_areas", "modularity", "partner_network", "render_tables",
    "statuses", "town_graph", "write_text",
]

#: The rule of :func:`candidate_partners` in each language (from the catalogue).
CANDIDATE_RULE = {lang: t(CANDIDATE_RULE_KEY, lang) for lang in LANGS}

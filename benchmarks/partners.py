"""The partner network of a built graph against its bound, alone (issue #14, item 3).

    python benchmarks/partners.py /work/bench/L-new/graph       # a folder with ikz.nt
    python benchmarks/partners.py build/graph --repeat 5

Loads the graph once (pyoxigraph, in this fresh process), then times, each as the median of
``--repeat`` runs: ``partner_network(graph)`` (all of Germany, existing cooperation), its two
pieces (reading the facts, building the graph), the first read of an edge's details, and the
bound ``incidence_product`` of benchmarks/run.py on the same store (raw query + numpy). Checks
that both find the same pairs and weights. Machines are noisy: compare the ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from graph import find_project  # noqa: E402
from graph.facts.network import fetch_partners  # noqa: E402
from graph.outputs.analysis import partner_network  # noqa: E402
from graph.outputs.analysis.network import partner_graph  # noqa: E402
from graph.sparql.query import GraphQuery  # noqa: E402
from run import incidence_product, median_time  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", help="a built graph folder (ikz.nt)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    gq = GraphQuery.open(find_project(ROOT), graph_dir=args.graph)
    store = gq.engine.store
    print(f"loaded {args.graph} in {time.perf_counter() - start:.1f} s", flush=True)
    gq.tuples("facts/offices")          # start the query worker before timing

    network = partner_network(gq)
    keys, weights = incidence_product(store)
    same = (len(keys), int(weights.sum())) == (network.number_of_edges(), int(network.size(weight="weight")))

    t_network = median_time(lambda: partner_network(gq), args.repeat)
    t_bound = median_time(lambda: incidence_product(store), args.repeat)
    t_facts = median_time(lambda: fetch_partners(gq), args.repeat)
    facts = fetch_partners(gq)
    t_graph = median_time(lambda: partner_graph(facts), args.repeat)
    a, b, data = next(iter(network.edges(data=True)))
    start = time.perf_counter()
    shared = len(data["cooperations"])
    t_details = time.perf_counter() - start

    print(f"partner_network  {t_network:6.2f} s  ({network.number_of_nodes():,} towns, {network.number_of_edges():,} pairs, "
          f"weight {network.size(weight='weight'):,.0f})")
    print(f"  facts          {t_facts:6.2f} s  (fetch_partners: towns, statuses, partnerIn)")
    print(f"  graph          {t_graph:6.2f} s  (partner_graph: pairs counted, edges prepared)")
    print(f"  first details  {t_details:6.2f} s  (once, on the first read of an edge's cooperations: {shared})")
    print(f"bound            {t_bound:6.2f} s  (incidence_product: raw query + numpy; "
          f"{'the same pairs and weights' if same else f'{len(keys):,} pairs, weight {int(weights.sum()):,}'})")
    print(f"ratio            {t_network / t_bound:6.2f}x")
    gq.close()
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

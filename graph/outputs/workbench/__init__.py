"""The analysts' workbench that ``ikz serve`` offers in the browser, beside the SPARQL endpoint.

Pages (German first, ``?lang=en`` for English; rendered on the server, no script, nothing
loaded from the web):

* ``/`` – the question library, grouped by topic (``queries/workbench/topics.toml``), with a
  search (``?q=``);
* ``/frage/ID`` – a question: a form with the known values, the answer as a table with links,
  downloads (``?format=csv|xlsx|json|xml|tsv``), a permanent link, the query text;
* ``/r?iri=IRI`` – a resource: its facts in words and the verbatim sentences they rest on;
  Turtle, N-Triples or JSON-LD by content negotiation (or ``?format=ttl|nt|jsonld``);
* ``/sparql`` – own SPARQL with the project's prefixes, errors with line and column;
* ``/ansicht/facilities``, ``/ansicht/partners`` – the network views.

>>> from graph.outputs.workbench import Workbench
>>> bench = Workbench(project, "build/graph/ikz.nt")          # doctest: +SKIP
>>> bench.handle("GET", "/frage/town-profile", "town=Witten").status  # doctest: +SKIP
200
"""

from graph.outputs.workbench.app import CSP, Response, Workbench

__all__ = ["CSP", "Response", "Workbench"]

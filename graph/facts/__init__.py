"""The facts layer: the one reader of the graph.

Towns, districts, cooperations, memberships, facilities, providers, quotes, documents,
concepts and labels are read here and nowhere else; the network analysis, the views, the
report and the diff build on it. Every query is a file of ``queries/facts/`` of the project
(:attr:`graph.core.project.Project.queries_dir`) and runs through
:meth:`graph.sparql.query.GraphQuery.run_file`: the gate, bound parameters, the query worker.

One label rule (:mod:`graph.facts.labels`): the language asked for, then German, then
untagged, then any; within a language ``skos:prefLabel``, ``dct:title``, ``rdfs:label``,
``foaf:name``, ``schema:name``; among equals the smallest text; without any label the IRI's
last segment.

Modules, one concept each:

* :mod:`~graph.facts.source`: opening a graph (store, file, build, GraphQuery), running a facts query;
* :mod:`~graph.facts.labels`: the label rule;
* :mod:`~graph.facts.towns`: towns, their districts, centres and offices;
* :mod:`~graph.facts.concepts`: the controlled vocabularies (scheme, broader);
* :mod:`~graph.facts.evidence`: quotes, derived-from documents, document dates;
* :mod:`~graph.facts.network`: :class:`CooperationData` for the analysis and the report (read
  once, memberships aggregated in Python: fast at 80,000 cooperations);
* :mod:`~graph.facts.detail`: :class:`Facts` for the views (everything in full detail).
"""

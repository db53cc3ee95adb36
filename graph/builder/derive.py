"""Derived facts: what the build infers once and stores as triples, so that questions join
stored facts instead of evaluating property paths over the whole country.

Each rule is a SPARQL ``CONSTRUCT`` in ``graph/builder/derive/NAME.rq`` that makes one
property; the property is declared in ``ontology/ikz.ttl`` as an ``ikz:DerivedProperty`` whose
``ikz:derivedBy`` names the rule file, so a reader of the graph can tell a stated fact from a
derived one. Rules read stated facts only (never another rule's property), so their order does
not matter, and running them twice adds nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

__all__ = ["RULES", "rule_files", "derive"]

#: The folder of the rules (``*.rq``, one CONSTRUCT each).
RULES = Path(__file__).parent / "derive"


def rule_files() -> list[Path]:
    """The rule files, sorted by name."""
    return sorted(RULES.glob("*.rq"))


def derive(store: ox.Store, bulk: bool = False) -> list[str]:
    """Run every rule on ``store`` and add what it derives; return the names of the rules.

    A rule's ``CONSTRUCT`` template is inserted by a SPARQL ``INSERT … WHERE`` with the same
    pattern, so the derived triples never leave the engine (hundreds of thousands at national
    scale). ``bulk``: the rule's answer is added by Oxigraph's bulk loader instead (for the
    on-disk store, where a transaction of that size costs far more than in memory).

    Examples
    --------
    >>> store = ox.Store()
    >>> skos = "http://www.w3.org/2004/02/skos/core#"
    >>> store.load(f"<urn:a> <{skos}broader> <urn:b> .".encode(), format=ox.RdfFormat.N_TRIPLES)
    >>> "broader-or-self" in derive(store)
    True
    >>> sorted(str(q.object) for q in store.quads_for_pattern(ox.NamedNode("urn:a"), None, None) if "ikz" in q.predicate.value)
    ['<urn:a>', '<urn:b>']
    """
    rules = rule_files()
    if not rules:  # a package built without its rules would answer questions wrongly, silently
        raise FileNotFoundError(f"no derivation rules in {RULES} (package data graph/builder/derive/*.rq)")
    names = []
    for path in rules:
        rule = path.read_text(encoding="utf-8")
        if bulk:
            store.bulk_load(store.query(rule).serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES)
        else:
            store.update(as_insert(rule))
        names.append(path.stem)
    return names


def as_insert(rule: str) -> str:
    """A rule's ``CONSTRUCT { template } WHERE { pattern } [ORDER BY …]`` as an ``INSERT`` of
    the same template. The store keeps insertion order and the build writes the store's
    order, so a rule whose pattern the engine may enumerate in a varying order (property
    paths, ``UNION``) ends with ``ORDER BY``: its solutions are inserted sorted, and the same
    input gives the same bytes. (Sorting costs time: big rules with plain joins need none.)

    >>> print(as_insert("PREFIX x: <urn:x#>\\nCONSTRUCT { ?a x:q ?b } WHERE { ?a x:p ?b }"))
    PREFIX x: <urn:x#>
    INSERT { ?a x:q ?b } WHERE { ?a x:p ?b }
    >>> print(as_insert("CONSTRUCT { ?a <urn:q> ?b } WHERE { ?a <urn:p>* ?b } ORDER BY ?a ?b"))
    INSERT { ?a <urn:q> ?b } WHERE { { SELECT * WHERE { ?a <urn:p>* ?b } ORDER BY ?a ?b } }
    """
    match = re.search(r"^CONSTRUCT\s*(\{[^{}]*\})\s*WHERE\s*(\{.*\})\s*(ORDER BY[^{}]*)?$", rule.rstrip(),
                      flags=re.M | re.S)
    if not match:
        raise ValueError("a derivation rule is one CONSTRUCT { … } WHERE { … } [ORDER BY …] query")
    template, pattern, order = match.groups()
    where = f"{{ {{ SELECT * WHERE {pattern} {order.strip()} }} }}" if order else pattern
    return f"{rule[:match.start()]}INSERT {template} WHERE {where}"

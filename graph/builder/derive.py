"""Derived facts: what the build infers once and stores as triples, so that questions join
stored facts instead of evaluating property paths over the whole country.

Each rule is a SPARQL ``CONSTRUCT`` in ``graph/builder/derive/NAME.rq`` that makes one
property; the property is declared in ``ontology/ikz.ttl`` as an ``ikz:DerivedProperty`` whose
``ikz:derivedBy`` names the rule file, so a reader of the graph can tell a stated fact from a
derived one. Rules read stated facts only (never each other's output), so their order does not
matter, and running them twice adds nothing.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

__all__ = ["RULES", "rule_files", "derive"]

#: The folder of the rules (``*.rq``, one CONSTRUCT each).
RULES = Path(__file__).parent / "derive"


def rule_files() -> list[Path]:
    """The rule files, sorted by name."""
    return sorted(RULES.glob("*.rq"))


def derive(store: ox.Store) -> dict[str, int]:
    """Run every rule on ``store`` and add what it derives; return the triples per rule.

    The rules are evaluated first and the store extended afterwards, so no rule sees another
    rule's output.

    Examples
    --------
    >>> store = ox.Store()
    >>> skos = "http://www.w3.org/2004/02/skos/core#"
    >>> store.load(f"<urn:a> <{skos}broader> <urn:b> .".encode(), format=ox.RdfFormat.N_TRIPLES)
    >>> derive(store)["broader-or-self"]
    2
    """
    made = {path.stem: list(store.query(path.read_text(encoding="utf-8"))) for path in rule_files()}
    for triples in made.values():
        store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return {name: len(triples) for name, triples in made.items()}

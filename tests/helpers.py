"""Small helpers shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from graph import find_project


def fixture_store(folder: Path, *names: str) -> ox.Store:
    """The ontology plus the named Turtle fixtures of ``folder`` (default ``small.ttl``), in a
    fresh store."""
    store = ox.Store()
    for path in find_project().ontology_files():
        store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)
    for name in names or ("small.ttl",):
        store.bulk_load(path=str(Path(folder) / name), format=ox.RdfFormat.TURTLE)
    return store

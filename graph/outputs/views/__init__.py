"""Meeting-ready network views: one self-contained, offline, interactive HTML file.

Library first; ``ikz view`` (graph/cli_view.py) is a thin wrapper.

>>> from graph.outputs.views import view_model, render_html, write_view, show
>>> write_view(None, "facilities", "build/view-facilities.html")   # doctest: +SKIP
>>> show(None, "partners", lang="en")          # in a notebook: displays inline  # doctest: +SKIP

* :func:`view_model` builds the :class:`ViewModel` (nodes, edges, legend, filters, footer);
* :func:`render_html` turns it into the HTML text (byte-identical for the same model);
* :func:`write_view` does both and writes UTF-8 atomically;
* :func:`show` returns a :class:`View` that notebooks display inline.

Views of more than :data:`MAX_NODES` nodes are aggregated to districts unless ``full=True``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox

from graph.facts.source import graph_file, graph_version, load_store, store_version
from graph.outputs.views.facts import ViewError
from graph.outputs.views.items import (DEFAULT_SEED, KINDS, LAYOUTS, MAX_NODES, Edge, FilterGroup, Footer, Info,
                                       LegendEntry, Node, QuoteRef, ViewModel)
from graph.outputs.views.model import view_model
from graph.outputs.views.render import View, render_html, write_html

__all__ = [
    "DEFAULT_SEED", "KINDS", "LAYOUTS", "MAX_NODES", "Edge", "FilterGroup", "Footer", "Info", "LegendEntry", "Node",
    "QuoteRef", "View", "ViewError", "ViewModel", "graph_version", "open_graph", "render_html",
    "show", "store_version", "view_model", "write_html", "write_view",
]

GraphSource = ox.Store | str | os.PathLike | None


def open_graph(source: GraphSource = None) -> tuple[ox.Store, str]:
    """A store and its version line from a store, a built-graph folder, an ``.nt`` or ``.ttl``
    file, or ``None`` (the project's last build)."""
    if isinstance(source, ox.Store):
        return source, store_version(source)
    if source is None:
        from graph.sparql.stores import built_file

        path = built_file()
    else:
        path = graph_file(source)
    return load_store(path), graph_version(path)


def show(source: GraphSource = None, kind: str = "facilities", *, title: str | None = None, **options) -> View:
    """Build and render a view; the result displays inline in Jupyter (``_repr_html_``)."""
    store, version = open_graph(source)
    options.setdefault("version", version)
    model = view_model(store, kind, title=title, **options)
    return View(model, render_html(model))


def write_view(source: GraphSource, kind: str, output: str | os.PathLike, *, title: str | None = None,
               **options) -> Path:
    """Build, render and write the view ``kind`` to ``output`` (UTF-8, atomically); return the
    path. ``source`` is a pyoxigraph Store, a built-graph folder, an .nt/.ttl file or None (the
    last build). ``options`` are those of :func:`view_model`."""
    return show(source, kind, title=title, **options).save(output)

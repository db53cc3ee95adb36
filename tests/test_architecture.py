"""The package's structure, checked: no import cycles, no private names imported from another
module, no import from a higher layer into a lower one, no module too long to read.

The import graph is read with ``ast`` from the source files, not by importing them, so every
import counts: at module level and inside functions, absolute and relative, ``import a.b`` and
``from a import b``. Layers, from the bottom up (a layer imports only from its own or a lower
one)::

    core < rdf < sparql < builder < facts < outputs, extraction, ingest < cli

``graph/__init__.py`` and ``graph/__main__.py`` are the package's front door (a lazy facade and
the ``python -m graph`` entry point): they may import from any layer, and their imports are not
edges of the graph (a submodule may read ``graph.__version__`` without closing a cycle).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graph"
#: Rank of each layer: a module may import from a layer of the same or a lower rank.
LAYERS = {"core": 0, "rdf": 1, "sparql": 2, "builder": 3, "facts": 4,
          "outputs": 5, "extraction": 5, "ingest": 5, "cli": 6}
ORDER = " < ".join(", ".join(n for n, r in LAYERS.items() if r == rank) for rank in sorted(set(LAYERS.values())))
FRONT_DOOR = {"graph", "graph.__main__"}
MAX_LINES = 600


@dataclass(frozen=True)
class Import:
    """One imported name (or module) of ``source``, at ``line``."""

    source: str   # importing module, e.g. graph.ingest.accept
    target: str   # imported module, e.g. graph.rdf.parse
    name: str | None  # the name taken from it (``from target import name``), None for ``import target``
    line: int

    def __str__(self) -> str:
        what = f"{self.target}.{self.name}" if self.name else self.target
        return f"{self.source} (line {self.line}) -> {what}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file."""
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py")) if "__pycache__" not in p.parts}


def _absolute(module: str, is_package: bool, level: int, target: str | None) -> str:
    """Resolve a relative import (``from ..rdf import parse``) against ``module``."""
    if level == 0:
        return target or ""
    parts = module.split(".")
    if not is_package:
        parts = parts[:-1]
    parts = parts[: len(parts) - (level - 1)]
    return ".".join(parts + ([target] if target else []))


def imports(known: dict[str, Path]) -> list[Import]:
    """Every import of a ``graph`` module by a ``graph`` module, anywhere in its source."""
    found: list[Import] = []
    for module, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name == "graph" or alias.name.startswith("graph."):
                        found.append(Import(module, _nearest(alias.name, known), None, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                base = _absolute(module, is_package, node.level, node.module)
                if not (base == "graph" or base.startswith("graph.")):
                    continue
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    if submodule in known:  # ``from graph.rdf import parse``: the module itself
                        found.append(Import(module, submodule, None, node.lineno))
                    else:
                        found.append(Import(module, _nearest(base, known), alias.name, node.lineno))
    return found


def _nearest(name: str, known: dict[str, Path]) -> str:
    """The module a dotted name lives in (``graph.a.b.C`` -> ``graph.a.b``)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in LAYERS else None


def import_graph(found: list[Import]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for item in found:
        if item.source in FRONT_DOOR or item.target == item.source:
            continue
        graph.add_edge(item.source, item.target)
    return graph


def cycles(found: list[Import]) -> list[list[str]]:
    """Each strongly connected group of modules (an import cycle), sorted."""
    graph = import_graph(found)
    return sorted(sorted(group) for group in nx.strongly_connected_components(graph) if len(group) > 1)


def private_imports(found: list[Import]) -> list[Import]:
    """Imports of a ``_name`` (not ``__dunder__``) from another module."""
    return [i for i in found if i.name and i.name.startswith("_") and not i.name.startswith("__")
            and i.target != i.source]


def upward_imports(found: list[Import]) -> list[Import]:
    """Imports from a higher layer into a lower one."""
    wrong = []
    for item in found:
        if item.source in FRONT_DOOR:
            continue
        low, high = layer(item.source), layer(item.target)
        if low and high and LAYERS[high] > LAYERS[low]:
            wrong.append(item)
    return wrong


def long_modules(known: dict[str, Path], limit: int = MAX_LINES) -> list[tuple[str, int]]:
    counted = ((m, len(p.read_text(encoding="utf-8").splitlines())) for m, p in known.items())
    return sorted(((m, n) for m, n in counted if n > limit), key=lambda x: -x[1])


@pytest.fixture(scope="module")
def known() -> dict[str, Path]:
    return modules()


@pytest.fixture(scope="module")
def found(known) -> list[Import]:
    return imports(known)


# -- the checker itself, on small made-up packages --------------------------------------------


def test_relative_imports_resolve():
    assert _absolute("graph.ingest.accept", False, 2, "rdf.parse") == "graph.rdf.parse"
    assert _absolute("graph.ingest", True, 1, "tables") == "graph.ingest.tables"
    assert _absolute("graph.ingest.accept", False, 1, None) == "graph.ingest"


def test_a_cycle_and_an_upward_and_a_private_import_are_found():
    made_up = [
        Import("graph.rdf.parse", "graph.ingest.workflow", "read_table", 10),   # upward, and a cycle
        Import("graph.ingest.workflow", "graph.rdf.parse", "_PREFIX_RE", 3),   # private
        Import("graph.builder.build", "graph.sparql.query", "GraphQuery", 5),  # fine
        Import("graph", "graph.cli.main", "main", 1),                          # front door: exempt
    ]
    assert cycles(made_up) == [["graph.ingest.workflow", "graph.rdf.parse"]]
    assert [str(i) for i in private_imports(made_up)] == ["graph.ingest.workflow (line 3) -> graph.rdf.parse._PREFIX_RE"]
    assert [i.source for i in upward_imports(made_up)] == ["graph.rdf.parse"]


def test_imports_inside_functions_count(known):
    """A late import (inside a function) is an edge like any other."""
    found = imports(known)
    assert found, "no imports found: the walker is broken"
    assert all(i.target in known for i in found), [str(i) for i in found if i.target not in known]


# -- the real package ------------------------------------------------------------------------


def test_no_import_cycles(found):
    groups = cycles(found)
    assert not groups, "import cycles between modules:\n" + "\n".join(
        "  " + " <-> ".join(group) for group in groups) + "\nedges in these cycles:\n" + "\n".join(
        f"  {i}" for i in found if any(i.source in g and i.target in g for g in groups) and i.source != i.target)


def test_no_private_names_imported_from_another_module(found):
    wrong = private_imports(found)
    assert not wrong, "private names imported across modules (make them public where the concept lives):\n" + "\n".join(
        f"  {i}" for i in wrong)


def test_lower_layers_never_import_higher_ones(found):
    wrong = upward_imports(found)
    assert not wrong, ("imports from a higher layer (order: " + ORDER + "):\n"
                       + "\n".join(f"  {i}  [{layer(i.source)} -> {layer(i.target)}]" for i in wrong))


def test_every_module_is_in_a_layer(known):
    outside = [m for m in known if m not in FRONT_DOOR and layer(m) is None]
    assert not outside, f"modules outside the layers {sorted(LAYERS)}: {outside}"


def test_no_module_over_600_lines(known):
    wrong = long_modules(known)
    assert not wrong, f"modules over {MAX_LINES} lines (split them along their seams):\n" + "\n".join(
        f"  {m}: {n} lines" for m, n in wrong)

"""Where the packaged files are: ontology, named questions, internal queries and registers.

The repository keeps one copy of ``ontology/``, ``queries/`` and ``data/{national,reference}/``
at its top level. A built wheel carries them as package data in ``graph/_resources/`` (copied
there by the build step in ``setup.py``), with the same relative paths. This module answers
"where is the packaged X" for both: the wheel's package data first (read with
:mod:`importlib.resources`), else the checkout this package runs from (a clone, an editable
install).

>>> (root() / "ontology" / "ikz.ttl").is_file()
True
>>> query_file("facts/towns.rq").name
'towns.rq'
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from graph.core.errors import ProjectError
from graph.core.i18n import msg

#: Sub-folders of ``queries/`` that are product code (the SPARQL of the facts layer, value
#: lookups and the workbench): they always come from the package, never from a project.
PRODUCT_QUERIES = ("facts", "lookup", "workbench")
#: The national register of all German municipalities (in ``data/``).
NATIONAL_REGISTER = "national/de-municipalities-2024.csv"


def _is_resource_root(path: Path) -> bool:
    return (path / "ontology" / "ikz.ttl").is_file() and (path / "queries").is_dir()


@lru_cache(maxsize=None)
def root() -> Path:
    """The folder that holds the packaged ``ontology/``, ``queries/`` and ``data/``."""
    packaged = resources.files("graph") / "_resources"
    if isinstance(packaged, Path) and _is_resource_root(packaged):
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if _is_resource_root(checkout):
        return checkout
    raise ProjectError(msg("project.resources.missing"), where=str(packaged),
                       fix=msg("project.resources.fix"))


def path(relative: str) -> Path:
    """The packaged file or folder ``relative`` (e.g. ``"ontology/shapes.ttl"``); a missing one
    is an incomplete installation (:class:`ProjectError`)."""
    found = root() / relative
    if not found.exists():
        raise ProjectError(msg("project.resources.file_missing", path=relative), where=str(found),
                           fix=msg("project.resources.fix"))
    return found


def ontology_dir() -> Path:
    return path("ontology")


def query_dir(sub: str = "") -> Path:
    """``queries/`` of the package, or a sub-folder of it (``query_dir("views")``)."""
    return path(f"queries/{sub}".rstrip("/"))


def query_file(relative: str) -> Path:
    """A packaged query, relative to ``queries/`` (``query_file("analysis/towns.rq")``)."""
    return path(f"queries/{relative}")


def data_dir(sub: str = "") -> Path:
    """``data/`` of the package (only ``national/`` and ``reference/`` are packaged)."""
    return path(f"data/{sub}".rstrip("/"))


def national_register() -> Path:
    """The packaged national register (CSV: ags, name, kreis_key, kreis_name, nuts3, land)."""
    return data_dir(NATIONAL_REGISTER)

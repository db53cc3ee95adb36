"""Where a project's ontology, data and queries are, and what comes from the package instead.

A project is a folder with ``ontology/ikz.ttl`` and ``data/`` (this repository is one; ``ikz
init`` makes new ones). Commands look for it from the current directory upwards, like git;
``--project`` or ``$IKZ_PROJECT`` point elsewhere.

Who owns which file:

* **the project** owns ``data/`` (its sources, statements and registers), ``ontology/`` (the
  vocabulary and the shapes, copied by ``ikz init`` so that a project can extend them) and the
  named questions and data checks ``queries/*.rq``;
* **the package** owns the SPARQL of the facts layer, value lookups and the workbench (``queries/facts/``,
  ``queries/lookup/``, ``queries/workbench/``: product code that must match the code reading it) and
  the national register (``data/national/``, used when a project has no copy of its own).

:meth:`Project.query_file` and :meth:`Project.query_dir` hide the difference: ask them, never
``Path(__file__)``.

>>> project = find_project()
>>> project.query_file("facts/towns.rq").name
'towns.rq'
>>> project.national_register.name
'de-municipalities-2024.csv'
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph.core import resources
from graph.core.errors import ProjectError
from graph.core.i18n import msg

#: Folders of data/ that are loaded only when asked for (``ikz build --with national``).
OPTIONAL_LAYERS = ("national",)


@dataclass(frozen=True)
class Project:
    """The files of one IKZ-Graph project."""

    root: Path

    # -- what the project owns -------------------------------------------------------------

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        """The project's named questions and data checks (``queries/*.rq``)."""
        return self.root / "queries"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def reference_dir(self) -> Path:
        """The project's municipality registers (``data/reference/*.csv``)."""
        return self.data_dir / "reference"

    @property
    def default_output(self) -> Path:
        return self.root / "build" / "graph"

    def ontology_files(self) -> list[Path]:
        """The vocabulary files (every ``ontology/*.ttl`` but the shapes), sorted."""
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != "shapes.ttl")

    # -- files that may come from the package ----------------------------------------------

    def query_dir(self, sub: str) -> Path:
        """A folder of queries: ``facts``, ``lookup`` and ``workbench`` come from the package
        (product code), any other from the project's ``queries/``."""
        if sub.strip("/").split("/")[0] in resources.PRODUCT_QUERIES:
            return resources.query_dir(sub.strip("/"))
        return self.queries_dir / sub

    def query_file(self, relative: str) -> Path:
        """A query file relative to ``queries/`` (``"facts/towns.rq"``, ``"competent-office.rq"``):
        product queries from the package; the project's own file if it has one, else the
        packaged one."""
        relative = relative.strip("/")
        if relative.split("/")[0] in resources.PRODUCT_QUERIES:
            return resources.query_file(relative)
        own = self.queries_dir / relative
        return own if own.is_file() else resources.query_file(relative)

    def layer_dir(self, layer: str) -> Path:
        """The folder of an optional data layer: the project's ``data/<layer>/`` if it has one,
        else the packaged one (a project made by ``ikz init`` uses the packaged national register)."""
        own = self.data_dir / layer
        return own if own.is_dir() else resources.data_dir(layer)

    @property
    def national_register(self) -> Path:
        """The national register of all German municipalities (CSV)."""
        return self.layer_dir("national") / Path(resources.NATIONAL_REGISTER).name

    # -- what a build reads ----------------------------------------------------------------

    def _in_layer(self, path: Path, layers) -> bool:
        relative = path.relative_to(self.data_dir).parts
        return relative[0] not in OPTIONAL_LAYERS or relative[0] in layers

    def data_files(self, layers=()) -> list[Path]:
        """Every Turtle file below ``data/``, sorted; optional layers (``data/national/``) only
        when asked for (from the package when the project has no copy)."""
        files = [p for p in self.data_dir.rglob("*.ttl") if self._in_layer(p, layers)]
        for layer in layers:
            if not (self.data_dir / layer).is_dir():
                files += self.layer_dir(layer).rglob("*.ttl")
        return sorted(files)

    def register_files(self, layers=()) -> list[Path]:
        """Municipality registers (CSV): ``data/reference/*.csv`` and those of the asked-for layers."""
        files = list(self.reference_dir.glob("*.csv"))
        for layer in layers:
            files += self.layer_dir(layer).glob("*.csv")
        return sorted(files)

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, for messages."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def is_project(path: str | os.PathLike) -> bool:
    """Whether ``path`` is a project folder (``ontology/ikz.ttl`` and ``data/``)."""
    path = Path(path)
    return (path / "ontology" / "ikz.ttl").is_file() and (path / "data").is_dir()



def find_project(start: str | os.PathLike | None = None) -> Project:
    """Find the project: ``start``, else ``$IKZ_PROJECT``, else the current directory or a
    parent of it, else the checkout this package was installed from (editable install)."""
    if start is None:
        start = os.environ.get("IKZ_PROJECT") or None
    if start is not None:
        root = Path(start).expanduser().resolve()
        if not is_project(root):
            raise ProjectError(msg("project.not_a_project"), where=str(root), fix=msg("project.not_a_project_fix"))
        return Project(root)
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents, Path(__file__).resolve().parents[2]):
        if is_project(candidate):
            return Project(candidate)
    raise ProjectError(msg("project.not_found"), where=str(here), fix=msg("project.not_found_fix"))

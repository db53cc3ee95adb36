"""Where a project's ontology, data and queries are.

A project is a folder with ``ontology/`` and ``data/`` (this repository is one). Commands look
for it from the current directory upwards, like git; ``--project`` or ``$IKZ_PROJECT`` point
elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from graph.core.errors import ProjectError


#: Folders of data/ that are loaded only when asked for (``ikz build --with national``).
OPTIONAL_LAYERS = ("national",)


@dataclass(frozen=True)
class Project:
    """The files of one IKZ-Graph project."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def shapes_file(self) -> Path:
        return self.ontology_dir / "shapes.ttl"

    @property
    def default_output(self) -> Path:
        return self.root / "build" / "graph"

    def ontology_files(self) -> list[Path]:
        """The vocabulary files (every ``ontology/*.ttl`` but the shapes), sorted."""
        return sorted(p for p in self.ontology_dir.glob("*.ttl") if p.name != "shapes.ttl")

    def _in_layer(self, path: Path, layers) -> bool:
        relative = path.relative_to(self.data_dir).parts
        return relative[0] not in OPTIONAL_LAYERS or relative[0] in layers

    def data_files(self, layers=()) -> list[Path]:
        """Every Turtle file below ``data/``, sorted; optional layers (``data/national/``) only
        when asked for."""
        return sorted(p for p in self.data_dir.rglob("*.ttl") if self._in_layer(p, layers))

    def register_files(self, layers=()) -> list[Path]:
        """Municipality registers (CSV): ``data/reference/*.csv`` and those of the asked-for layers."""
        files = list((self.data_dir / "reference").glob("*.csv"))
        for layer in layers:
            files += (self.data_dir / layer).glob("*.csv")
        return sorted(files)

    def relative(self, path: Path) -> str:
        """``path`` relative to the project root, for messages."""
        try:
            return str(Path(path).resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


def _is_project(path: Path) -> bool:
    return (path / "ontology" / "ikz.ttl").is_file() and (path / "data").is_dir()


def find_project(start: str | os.PathLike | None = None) -> Project:
    """Find the project: ``start``, else ``$IKZ_PROJECT``, else the current directory or a
    parent of it, else the checkout this package was installed from (editable install)."""
    if start is None:
        start = os.environ.get("IKZ_PROJECT")
    if start is not None:
        root = Path(start).resolve()
        if not _is_project(root):
            raise ProjectError(
                "not an IKZ-Graph project (needs ontology/ikz.ttl and data/)",
                where=str(root),
                fix="pass the folder of your clone with --project or set IKZ_PROJECT",
            )
        return Project(root)
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents, Path(__file__).resolve().parents[2]):
        if _is_project(candidate):
            return Project(candidate)
    raise ProjectError(
        "no IKZ-Graph project found in this folder or its parents",
        where=str(here),
        fix="cd into your clone of the repository, or pass --project DIR",
    )

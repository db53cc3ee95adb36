"""Build step: the top-level ontology/, queries/ and registers go into the wheel as package data.

The repository keeps one copy of each at the top level (a project is a folder with ontology/,
data/ and queries/, and this repository is one). A wheel has no top level, so ``build_py``
copies them into ``graph/_resources/`` of the built package, where
:mod:`graph.core.resources` finds them with ``importlib.resources``. An editable install skips
the copy: there the resources are read from the checkout itself.

Everything else (metadata, dependencies, package data of the subpackages) is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent

#: What ships, relative to the repository root (and to ``graph/_resources/`` in the wheel).
RESOURCES = {
    "ontology": ["*.ttl", "README.md", "glossary.md"],
    "queries": ["*.rq", "README.md", "*/*.rq", "*/*.toml"],
    "data/national": ["*.csv", "*.ttl", "README.md"],
    "data/reference": ["*.csv"],
}


class BuildWithResources(build_py):
    """``build_py`` that also copies :data:`RESOURCES` into ``graph/_resources/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's folders directly
        target = Path(self.build_lib) / "graph" / "_resources"
        shutil.rmtree(target, ignore_errors=True)  # nothing stale from an earlier build
        for path in self._resource_files():
            relative = path.relative_to(HERE)
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            self._copied.append(str(destination))

    def _resource_files(self) -> list[Path]:
        self._copied = getattr(self, "_copied", [])
        files = []
        for folder, patterns in RESOURCES.items():
            for pattern in patterns:
                files += (HERE / folder).glob(pattern)
        missing = [folder for folder in RESOURCES if not (HERE / folder).is_dir()]
        if missing:
            raise SystemExit(f"build: the folders {missing} are missing from the source tree")
        return sorted(set(files))

    def get_outputs(self, include_bytecode=True):
        return super().get_outputs(include_bytecode) + list(getattr(self, "_copied", []))


setup(cmdclass={"build_py": BuildWithResources})

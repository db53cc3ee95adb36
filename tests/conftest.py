"""Shared fixtures: the real project, one build of it per test session, and throwaway copies
of the project for tests that break the data on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import helpers
from graph import build, find_project
from graph.core.project import Project
from graph.sparql.query import GraphQuery

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def project() -> Project:
    return find_project(ROOT)


@pytest.fixture(scope="session")
def built(project, tmp_path_factory):
    """The real graph, built once into a temporary folder (build/ is left alone)."""
    output = tmp_path_factory.mktemp("build") / "graph"
    return build(project, output)


@pytest.fixture(scope="session")
def gq(project, built) -> GraphQuery:
    """The query facade over the session build, on the default (Oxigraph) store."""
    return GraphQuery.open(project, graph_dir=built.output)


@pytest.fixture(scope="session")
def site(built, tmp_path_factory):
    """``ikz serve`` over the session build: the workbench's base URL (one server for all tests)."""
    from graph.outputs.serve import free_port, running_server

    location = tmp_path_factory.mktemp("workbench") / "store"
    with running_server(built.output / "ikz.nt", location, port=free_port()) as url:
        yield url.rsplit("/", 1)[0]


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A private copy of ontology/, data/ and queries/ to break on purpose."""
    for name in ("ontology", "data", "queries"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return Project(tmp_path)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright, one per test module."""
    if not Path(helpers.CHROMIUM).exists():
        pytest.skip(f"{helpers.CHROMIUM} is missing (Debian's chromium package); no browser is downloaded")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=helpers.CHROMIUM, args=helpers.CHROMIUM_ARGS)
        yield chromium
        chromium.close()

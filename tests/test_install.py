"""Installs anywhere: the built wheel, in a fresh venv, makes and runs a project in an empty folder.

This is the path of a new user: ``pip wheel`` of this repository, ``pip install`` of the wheel
into a fresh virtual environment (no system site-packages, nothing from this checkout), then in
an empty folder ``ikz init``, ``ikz build``, ``ikz query``, ``ikz view`` and ``ikz report``.
It takes about a minute (most of it installing the dependencies); CI runs it with the rest of
the suite. Locally ``IKZ_SKIP_INSTALL_TEST=1`` skips it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from graph.cli.main import main

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(os.environ.get("IKZ_SKIP_INSTALL_TEST") == "1",
                                reason="IKZ_SKIP_INSTALL_TEST=1 (the wheel test runs in CI)")


def run(args, cwd, env=None, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv with the wheel of this checkout installed: (its bin folder, the wheel)."""
    started = time.monotonic()
    base = tmp_path_factory.mktemp("install")
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", base / "dist", ROOT], cwd=base)
    wheel = next((base / "dist").glob("ikz_graph-*.whl"))
    run([sys.executable, "-m", "venv", base / "venv"], cwd=base)
    bin_dir = base / "venv" / "bin"
    run([bin_dir / "python", "-m", "pip", "install", "-q", wheel], cwd=base, timeout=600)
    print(f"wheel built and installed in {time.monotonic() - started:.0f} s")
    return bin_dir, wheel


@pytest.fixture(scope="module")
def user_env(installed):
    env = {k: v for k, v in os.environ.items() if k not in ("IKZ_PROJECT", "IKZ_LANG", "PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = f"{installed[0]}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_the_wheel_carries_ontology_questions_queries_registers_and_templates(installed):
    names = set(zipfile.ZipFile(installed[1]).namelist())
    expected = {"graph/_resources/ontology/ikz.ttl", "graph/_resources/ontology/shapes.ttl",
                "graph/_resources/data/national/de-municipalities-2024.csv",
                "graph/_resources/data/national/README.md",
                "graph/_resources/data/reference/en-kreis-municipalities.csv",
                "graph/core/catalogue/project.toml", "graph/core/project_templates/kooperation.ttl"}
    for folder in ("queries", "queries/analysis", "queries/views", "queries/lookup"):
        expected |= {f"graph/_resources/{folder}/{p.name}" for p in (ROOT / folder).glob("*.rq")}
    for folder in ("builder/shacl", "builder/checks", "outputs/templates"):
        expected |= {f"graph/{folder}/{p.name}" for p in (ROOT / "graph" / folder).iterdir() if p.is_file()}
    assert not expected - names, sorted(expected - names)
    assert not [n for n in names if n.startswith(("tests/", "data/en-kreis", "graph/_resources/data/en-kreis"))]


def test_a_new_user_makes_and_runs_a_project_in_an_empty_folder(installed, user_env, tmp_path):
    started = time.monotonic()
    ikz = installed[0] / "ikz"
    where = run([installed[0] / "python", "-c", "import graph; print(graph.__file__)"], cwd=tmp_path, env=user_env)
    assert str(installed[0].parent) in where.stdout and str(ROOT) not in where.stdout

    help_text = run([ikz, "--help"], cwd=tmp_path, env=user_env).stdout
    for name in main.commands:
        assert f"  {name} " in help_text, f"ikz --help does not list {name}"
    assert "Ein neues Projekt für einen deutschen Kreis anlegen" in help_text

    nothing = subprocess.run([ikz, "build"], cwd=tmp_path, env=user_env, capture_output=True, text=True)
    assert nothing.returncode == 2 and "kein IKZ-Graph-Projekt" in nothing.stderr, nothing.stderr

    made = run([ikz, "init", ".", "--district", "05954"], cwd=tmp_path, env=user_env)
    assert "Neues Projekt für Ennepe-Ruhr-Kreis (05954) mit 9 Kommunen angelegt" in made.stdout
    built = run([ikz, "build"], cwd=tmp_path, env=user_env)
    assert "Graph gebaut" in built.stdout and "ikz:Municipality" in built.stdout
    answer = run([ikz, "query", "towns-without-cooperation"], cwd=tmp_path, env=user_env)
    assert "Breckerfeld" in answer.stdout and "Witten" in answer.stdout
    run([ikz, "view", "partners", "-o", "build/partner.html"], cwd=tmp_path, env=user_env)
    assert "Sprockhövel" in (tmp_path / "build" / "partner.html").read_text(encoding="utf-8")
    run([ikz, "report"], cwd=tmp_path, env=user_env)
    assert "Gevelsberg" in (tmp_path / "build" / "report.html").read_text(encoding="utf-8")

    elsewhere = tmp_path.parent  # --project from another folder
    run([ikz, "--project", tmp_path, "query", "towns-without-cooperation"], cwd=elsewhere, env=user_env)
    print(f"init, build, query, view, report from the wheel in {time.monotonic() - started:.0f} s")

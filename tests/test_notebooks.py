"""The analyst notebooks (notebooks/*.ipynb) run top to bottom without an error, and are
committed without outputs. Each runs as a user runs it after `pip install -e '.[notebooks]'`:
`jupyter nbconvert --to notebook --execute notebooks/NAME --output-dir DIR`, on a fresh kernel whose
working folder is notebooks/ (so the project is found upwards from there). Where nbconvert is not
installed (it is in the `test` and `notebooks` extras), the same executor runs through nbclient,
which nbconvert's `--execute` uses, with the same working folder."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
INSTALL = "pip install -e '.[notebooks]'"


def test_the_notebooks_extra_brings_jupyter_pandas_and_the_runner():
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    names = lambda extra: {spec.split(">")[0].split("=")[0].split("<")[0] for spec in extras[extra]}  # noqa: E731
    assert {"jupyterlab", "pandas", "ipykernel", "nbconvert"} <= names("notebooks")
    assert names("notebooks") - {"jupyterlab"} <= names("test")   # the README's test command runs the notebooks


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_first_cell_says_the_one_install_command(path):
    first = "".join(json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"])
    assert INSTALL in first and f"jupyter nbconvert --to notebook --execute notebooks/{path.name}" in first


def test_there_are_the_two_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-questions.ipynb", "02-network.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code
    assert all(c.get("outputs") == [] and c.get("execution_count") is None for c in code), \
        "clear the outputs before committing (jupyter nbconvert --clear-output --inplace)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_imports_graph_only(path):
    notebook = json.loads(path.read_text(encoding="utf-8"))
    imports = [line.strip() for c in notebook["cells"] if c["cell_type"] == "code"
               for line in "".join(c["source"]).splitlines() if line.strip().startswith(("import ", "from "))]
    assert imports and all(line.split()[1].split(".")[0] == "graph" for line in imports), imports


def execute(path: Path, output_dir: Path):
    """``path`` executed as the notebook's first cell says; the executed notebook (nbformat)."""
    nbformat = pytest.importorskip("nbformat")
    pytest.importorskip("ipykernel")
    pytest.importorskip("pandas")
    try:
        import nbconvert  # noqa: F401
    except ImportError:
        nbclient = pytest.importorskip("nbclient")
        notebook = nbformat.read(path, as_version=4)
        nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(path.parent)}}).execute()
        return notebook
    jupyter = Path(sys.executable).parent / "jupyter"   # the venv's `jupyter`, as the first cell says
    runner = [str(jupyter), "nbconvert"] if jupyter.exists() else \
        [sys.executable, "-c", "import sys; from nbconvert.nbconvertapp import main; sys.exit(main())"]
    command = [*runner, "--to", "notebook", "--execute", str(path.relative_to(ROOT)),
               "--output-dir", str(output_dir), "--ExecutePreprocessor.timeout=600"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]
    return nbformat.read(output_dir / path.name, as_version=4)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_executes(path, tmp_path):
    notebook = execute(path, tmp_path)   # raises on the first failing cell
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    outputs = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs]
    assert any("text/html" in o.get("data", {}) for o in outputs)   # DataFrames (and the view) rendered
    assert not (path.parent / "build").exists()   # files go to the project's build/, not notebooks/build

"""Every notebook under ``notebooks/`` runs from top to bottom without an error, on the project's interpreter.

The notebooks are committed without outputs; this executes them in memory (nothing is written back). The kernel is
``python3``, registered for the run (through ``JUPYTER_PATH``, which comes first in Jupyter's search) as the
interpreter running the tests, i.e. the project's virtualenv, whatever kernels the machine has installed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))
TIMEOUT_SECONDS = 180


def test_there_is_a_notebook_to_run():
    assert NOTEBOOK_FILES, f"no notebook found in {NOTEBOOKS}"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=[p.name for p in NOTEBOOK_FILES])
def test_notebook_runs_without_errors(path: Path, monkeypatch, tmp_path):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    kernel = tmp_path / "kernels" / "python3"
    kernel.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (parsurvey)", "language": "python"}
    (kernel / "kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=TIMEOUT_SECONDS, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute()  # raises CellExecutionError, naming the cell and the exception, on the first failure
    skipped = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and not c.execution_count]
    assert not skipped, f"{path.name}: code cells {skipped} never ran"


def test_notebooks_are_committed_without_outputs():
    for path in NOTEBOOK_FILES:
        notebook = nbformat.read(path, as_version=4)
        dirty = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
        assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"

"""The reference data the analysis tests read, from the repository's own ``data/reference/`` (see its README for
sources and licences): a clone with nothing beside it must run every test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

REFERENCE_DATA = Path(__file__).resolve().parents[1] / "data" / "reference"


def read_reference(name: str) -> pd.DataFrame:
    """One reference file as R would read it (``NA`` is missing)."""
    return pd.read_csv(REFERENCE_DATA / name)

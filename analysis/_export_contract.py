"""What an export is, as the readers of :mod:`analysis.io` share it: leading columns, missing codes, codebook shape.

A leaf of the reading modules: :mod:`analysis.io` and its helpers (``_export_formats``, ``_database``,
``_codebook_types``) and :mod:`analysis.labels` import these names from here, and this module imports nothing of
the package but its errors, so the readers depend one way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

# The leading columns and the system-missing codes are the record contract's, defined once in questionnaires.record;
# the readers take them from this leaf so that they depend one way.
from questionnaires.record import LEADING_COLUMNS, SYSTEM_MISSING

from .errors import ExportError

__all__ = ["LEADING_COLUMNS", "SYSTEM_MISSING", "codebook_json", "frame_codebook"]


def codebook_json(codebook, source: str = "codebook") -> dict:
    """The codebook JSON of a codebook given as JSON or as an object with ``to_json()``, checked for its shape."""
    book = codebook.to_json() if hasattr(codebook, "to_json") else codebook
    if not isinstance(book, Mapping) or not isinstance(book.get("variables"), list):
        raise ExportError(f"{source}: a codebook is an object with a 'variables' list")
    for i, variable in enumerate(book["variables"]):
        if not isinstance(variable, Mapping) or "name" not in variable or "type" not in variable:
            raise ExportError(f"{source}: variables[{i}] needs a 'name' and a 'type'")
    return dict(book)


def frame_codebook(frame: pd.DataFrame) -> dict | None:
    """The codebook JSON a frame read by :mod:`analysis.io` carries in ``frame.attrs["codebook"]``, or None."""
    book = frame.attrs.get("codebook")
    return dict(book) if isinstance(book, Mapping) and book else None

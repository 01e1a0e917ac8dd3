"""What an export is, as the readers of :mod:`analysis.io` share it: leading columns, missing codes, codebook shape.

A leaf of the reading modules: :mod:`analysis.io` and its helpers (``_export_formats``, ``_database``,
``_codebook_types``) and :mod:`analysis.labels` import these names from here, and this module imports nothing of
the package but its errors, so the readers depend one way.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .errors import ExportError

#: The columns an export starts with, before the codebook variables.
LEADING_COLUMNS: tuple[str, ...] = (
    "response_id", "survey", "questionnaire", "questionnaire_version", "unit", "unit_level", "group", "mode",
    "submitted_on",
)  # fmt: skip

#: System-missing codes of every variable: not applicable, not answered.
SYSTEM_MISSING: tuple[str, ...] = ("-97", "-99")


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

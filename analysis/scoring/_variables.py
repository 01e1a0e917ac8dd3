"""The codebook as scoring needs it: which variable feeds which criterion, and what each answer code is worth.

Scoring accepts a codebook in every form the rest of the package hands out (a `questionnaires.codebook.Codebook`,
the JSON dict kept in ``frame.attrs["codebook"]`` by `analysis.read_export`, or several of either when responses
of several forms are analysed together) and reduces it to `CodedVariable` records. Answers are read back as option
codes whatever their dtype (pandas Categorical, text, or numbers typed by hand), and every missing code of the
codebook ("don't know", -97 not applicable, -99 not answered) counts as no answer, so a frame that did not go
through `read_export` is scored the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from questionnaires.record import SYSTEM_MISSING as _SYSTEM_MISSING
from questionnaires.record import value_text

from .._export_contract import frame_codebook
from ..errors import ScoringError

SYSTEM_MISSING = frozenset(_SYSTEM_MISSING)


@dataclass(frozen=True)
class CodedVariable:
    """One categorical codebook variable: its criterion and the weight of each substantive code."""

    name: str
    criterion: str | None
    scored: bool
    scale: str | None
    weights: Mapping[str, float | None]  # substantive codes only, in codebook order
    missing: frozenset[str]


def codebook_for(responses: pd.DataFrame, codebook: object | None) -> object:
    """The codebook given, else the one the responses carry in ``attrs["codebook"]`` (as `read_export` leaves it)."""
    if codebook is not None:
        return codebook
    book = frame_codebook(responses)
    if book is None:
        raise ScoringError("the responses carry no codebook (read_export, read_database and apply_codebook keep it "
                           "in frame.attrs['codebook']); pass codebook= the questionnaire's codebook")
    return book


def coded_variables(codebook: object) -> list[CodedVariable]:
    """Every categorical variable of one codebook or several (merged by name; a name may not change meaning)."""
    books = list(codebook) if isinstance(codebook, list | tuple) else [codebook]
    merged: dict[str, CodedVariable] = {}
    for book in books:
        for variable in _variables_of(book):
            known = merged.setdefault(variable.name, variable)
            if known.criterion != variable.criterion or dict(known.weights) != dict(variable.weights):
                raise ScoringError(f"variable {variable.name} means different things in the codebooks given "
                                   f"(criterion {known.criterion!r} vs {variable.criterion!r}, or other codes)")
    return list(merged.values())


def _variables_of(book: object) -> Iterable[CodedVariable]:
    if isinstance(book, Mapping) and "variables" in book:
        entries = [_from_json(v) for v in book["variables"]]
    elif hasattr(book, "variables"):
        entries = [_from_object(v) for v in book.variables]
    else:
        raise ScoringError(f"expected a codebook (Codebook, its JSON, or a list of them), got {type(book).__name__}")
    return [e for e in entries if e is not None]


def _from_json(data: Mapping) -> CodedVariable | None:
    if data.get("type") != "categorical":
        return None
    values = data.get("values", [])
    missing = {str(c) for c in data.get("missing_codes", [])} | {str(v["code"]) for v in values if v.get("missing")}
    weights = {str(v["code"]): v.get("weight") for v in values if str(v["code"]) not in missing}
    return CodedVariable(data["name"], data.get("criterion"), bool(data.get("scored")), data.get("scale"),
                         weights, frozenset(missing) | SYSTEM_MISSING)


def _from_object(variable: object) -> CodedVariable | None:
    if variable.type != "categorical":
        return None
    missing = set(variable.missing_codes) | {v.code for v in variable.values if v.missing}
    weights = {v.code: v.weight for v in variable.values if v.code not in missing}
    return CodedVariable(variable.name, variable.criterion, bool(variable.scored), variable.scale, weights,
                         frozenset(missing) | SYSTEM_MISSING)


def answer_codes(responses: pd.DataFrame, variable: CodedVariable) -> np.ndarray:
    """The substantive answer code of each row (None for no answer); an unknown code names its row and column."""
    if variable.name not in responses.columns:
        raise ScoringError(f"column {variable.name} of the codebook is not in the responses")
    codes = np.array([_code_text(v) for v in responses[variable.name].astype(object)], dtype=object)
    unknown = [i for i, c in enumerate(codes) if c is not None and c not in variable.missing
               and c not in variable.weights]
    if unknown:
        row = responses.index[unknown[0]]
        raise ScoringError(f"row {row}, column {variable.name}: {codes[unknown[0]]!r} is not one of its codes "
                           f"{list(variable.weights)} (missing: {sorted(variable.missing)})")
    return np.array([None if c is None or c in variable.missing else c for c in codes], dtype=object)


def _code_text(value: object) -> str | None:
    """An option code as text: 4, 4.0 and "4" are the same code; NA is no answer."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value_text(value)


def require_columns(responses: pd.DataFrame, *columns: str | None) -> None:
    """Refuse a frame without the grouping columns scoring was told to use, or with gaps in them."""
    for column in (c for c in columns if c is not None):
        if column not in responses.columns:
            raise ScoringError(f"column {column!r} is not in the responses (columns: {', '.join(responses.columns)})")
        gaps = int(responses[column].isna().sum())
        if gaps:
            raise ScoringError(f"column {column!r} is empty in {gaps} row(s); every response needs one")

"""Build and validate the sampling stages of a design once, with messages an analyst can act on.

Follows R ``survey``'s ``svydesign``: stage-1 units (PSUs) sit in strata; a later stage's units sit in the unit
of the stage above; an fpc is a population size (> 1) or a sampling fraction (<= 1) per stage and must be
constant within a stratum and not smaller than the sample; a stratum with a single sampled unit is refused
unless a ``lonely_psu`` remedy is chosen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from .errors import DesignError
from .variance import Stage

LonelyPsu = Literal["fail", "certainty", "adjust", "average", "remove"]
LONELY_PSU_OPTIONS: tuple[str, ...] = ("fail", "certainty", "adjust", "average", "remove")


def column_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes (in sorted order of the values) and the sorted unique values of one column.

    Small non-negative integer columns (the usual survey codes) take a bincount path that avoids sorting a
    million rows; anything else goes through ``pandas.factorize``. Missing values get code -1.
    """
    values = column.to_numpy()
    if values.dtype.kind in "iu" and len(values):
        low, high = int(values.min()), int(values.max())
        if low >= 0 and high <= 4 * len(values) + 1024:
            present = np.bincount(values, minlength=high + 1) > 0
            lookup = np.cumsum(present) - 1
            return lookup[values].astype(np.int64), np.flatnonzero(present)
    codes, uniques = pd.factorize(column, sort=True)
    return codes.astype(np.int64), np.asarray(uniques)


def has_missing(data: pd.DataFrame, columns: Sequence[str]) -> bool:
    """Whether any of `columns` has a missing value (integer columns cannot, so they are not scanned)."""
    return any(data[c].dtype.kind not in "iub" and bool(data[c].isna().any()) for c in columns)


def codes_of(data: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, pd.DataFrame]:
    """Integer codes (sorted order) of the combinations of `columns`, and the table of their labels."""
    if len(columns) == 1:
        codes, uniques = column_codes(data[columns[0]])
        return codes, pd.DataFrame({columns[0]: uniques})
    grouped = data.groupby(list(columns), sort=True, observed=True)
    codes = grouped.ngroup().to_numpy().astype(np.int64)
    labels = pd.DataFrame(list(grouped.groups.keys()), columns=list(columns))
    return codes, labels


def pair_codes(outer: np.ndarray, inner: np.ndarray) -> np.ndarray:
    """Codes of (outer, inner) pairs, numbered 0..k-1 in sorted order."""
    combined = outer.astype(np.int64) * (int(inner.max(initial=0)) + 1) + inner
    return np.unique(combined, return_inverse=True)[1].astype(np.int64)


def check_columns(data: pd.DataFrame, columns: list[str]) -> None:
    """Refuse design columns that are absent or have missing values, naming the column and a row."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DesignError(f"column(s) {', '.join(repr(c) for c in missing)} not in the data "
                          f"(columns are: {', '.join(map(str, data.columns[:20]))}...)")
    for column in columns:
        if data[column].isna().any():
            row = int(np.flatnonzero(data[column].isna().to_numpy())[0])
            raise DesignError(f"design column '{column}' has a missing value (row {row})")


def design_weights(frame: pd.DataFrame, weights, implied: np.ndarray | None) -> np.ndarray:
    """The design weights: a column, an array, those implied by the fpc, or 1; refusing non-positive ones."""
    if weights is None:
        return implied.astype(float) if implied is not None else np.ones(len(frame))
    if isinstance(weights, str):
        values = pd.to_numeric(frame[weights], errors="coerce").to_numpy(dtype=float)
        where = f"weight column '{weights}'"
    else:
        values = np.asarray(weights, dtype=float)
        where = "weights"
        if values.shape != (len(frame),):
            raise DesignError(f"{where} must have one value per row ({len(frame)}), got shape {values.shape}")
    bad = np.flatnonzero(~np.isfinite(values) | (values <= 0))
    if bad.size:
        raise DesignError(f"{where} must be positive numbers: row {int(bad[0])} has {values[bad[0]]!r} "
                          f"({bad.size} such row(s))")
    return values


def build_stages(data: pd.DataFrame, ids: list[str], strata: str | None, fpc: list[str], nest: bool,
                 lonely_psu: str) -> tuple[tuple[Stage, ...], np.ndarray | None, int, int]:
    """Validate the design columns and precompute the stages.

    Returns
    -------
    tuple
        ``(stages, weights implied by the fpc or None, number of PSUs, number of strata)``.
    """
    n = len(data)
    if strata is None:
        stratum, stratum_labels = np.zeros(n, dtype=np.int64), ["(whole sample)"]
    else:
        stratum, table = codes_of(data, [strata])
        stratum_labels = [str(v) for v in table[strata]]
    if len(fpc) > max(len(ids), 1):
        raise DesignError(f"fpc names {len(fpc)} columns but the design has {max(len(ids), 1)} stage(s)")
    units, outers, labels = _stage_units(data, ids, stratum, stratum_labels, nest)
    stages, implied, mult = [], np.ones(n), None
    for s, (unit, outer) in enumerate(zip(units, outers, strict=True)):
        n_strata = int(outer.max(initial=-1)) + 1
        unit_stratum = np.zeros(int(unit.max(initial=-1)) + 1, dtype=np.int64)
        unit_stratum[unit] = outer
        n_sampled = np.bincount(unit_stratum, minlength=n_strata)
        population = _population(data, fpc[s], outer, n_sampled, labels[s], s) if s < len(fpc) else None
        if population is not None:
            implied = implied * (population / n_sampled)[outer]
        stage_mult = np.ones(n_strata) if s == 0 else mult
        if stage_mult is None or not np.any(stage_mult > 0):
            break
        stages.append(_stage(unit, unit_stratum, n_sampled, population, stage_mult, lonely_psu, labels[s], s))
        mult = None if population is None else (stage_mult * n_sampled / population)[unit_stratum]
    implied_weights = implied if len(fpc) == max(len(ids), 1) else None
    return tuple(stages), implied_weights, int(units[0].max(initial=-1)) + 1, len(stratum_labels)


def _stage_units(data, ids, stratum, stratum_labels, nest):
    """Per stage: row -> unit codes, row -> enclosing stratum codes, and stratum labels for messages."""
    n = len(data)
    if not ids:
        return [np.arange(n, dtype=np.int64)], [stratum], [stratum_labels]
    units, outers, labels = [], [], []
    outer, outer_labels = stratum, stratum_labels
    for s, column in enumerate(ids):
        raw = codes_of(data, [column])[0]
        unit = pair_codes(outer, raw) if (s > 0 or nest) else raw
        if s == 0 and not nest:
            _check_nested(data, column, raw, stratum, stratum_labels)
        units.append(unit)
        outers.append(outer)
        labels.append(outer_labels)
        outer = unit
        outer_labels = _UnitLabels(data[column], np.unique(unit, return_index=True)[1])
    return units, outers, labels


class _UnitLabels:
    """Names of the units of a stage ("dnum=637"), built only when a message needs one."""

    def __init__(self, column: pd.Series, first_row: np.ndarray):
        self._column, self._first_row = column, first_row

    def __getitem__(self, unit: int) -> str:
        return f"{self._column.name}={self._column.iloc[int(self._first_row[unit])]}"


def _check_nested(data, column, raw, stratum, stratum_labels):
    """Refuse PSU labels shared by two strata unless ``nest=True`` (as R's svydesign)."""
    pairs = np.unique(raw * (int(stratum.max(initial=0)) + 1) + stratum)
    if pairs.size != np.unique(raw).size:
        counts = np.bincount(pairs // (int(stratum.max(initial=0)) + 1))
        bad = int(np.flatnonzero(counts > 1)[0])
        label = data[column].to_numpy()[np.flatnonzero(raw == bad)[0]]
        raise DesignError(f"PSU {column}={label} appears in more than one stratum; PSUs must be nested in strata "
                          "(pass nest=True if PSU labels restart within each stratum)")


def _population(data, column, outer, n_sampled, labels, s):
    """Population size per stratum at stage ``s`` from an fpc column (size or sampling fraction)."""
    values = pd.to_numeric(data[column], errors="coerce").to_numpy(dtype=float)
    if np.isnan(values).any() or (values <= 0).any():
        row = int(np.flatnonzero(np.isnan(values) | (values <= 0))[0])
        raise DesignError(f"fpc column '{column}' must be a positive number in every row (row {row})")
    per_stratum = np.full(len(n_sampled), np.nan)
    per_stratum[outer] = values
    varies = np.flatnonzero(per_stratum[outer] != values)
    if varies.size:
        raise DesignError(f"fpc column '{column}' varies within stratum {labels[outer[varies[0]]]} (stage {s + 1})")
    if (values > 1).any() and (values < 1).any():
        raise DesignError(f"fpc column '{column}' mixes population sizes (> 1) and sampling fractions (< 1)")
    population = per_stratum if (values > 1).any() else n_sampled / per_stratum
    small = np.flatnonzero(population < n_sampled - 1e-9)
    if small.size:
        h = int(small[0])
        raise DesignError(f"fpc '{column}' is smaller than the sample in stratum {labels[h]} (stage {s + 1}): "
                          f"{n_sampled[h]} units sampled but a population of {population[h]:g}")
    return population


def _stage(unit, unit_stratum, n_sampled, population, mult, lonely_psu, labels, s) -> Stage:
    """Variance scale per stratum, with the lonely-PSU remedy applied."""
    f = np.ones(len(n_sampled)) if population is None else (population - n_sampled) / population
    f = np.where(f < 1e-7, 0.0, f)
    correction = np.where(n_sampled > 1, n_sampled / np.maximum(n_sampled - 1, 1), 1.0)
    scale = mult * f * correction
    lonely = (n_sampled == 1) & (scale > 0)
    scale, centred, average_factor = _lonely_remedy(scale, lonely, lonely_psu, labels, s)
    return Stage(unit=unit, n_units=len(unit_stratum), unit_stratum=unit_stratum, n_strata=len(n_sampled),
                 n_sampled=n_sampled, scale=scale, centred=centred, average_factor=average_factor,
                 averaged=lonely if lonely_psu == "average" else None,
                 row_level=bool(len(unit_stratum) == len(unit) and np.array_equal(unit, np.arange(len(unit)))))


def _lonely_remedy(scale, lonely, lonely_psu, labels, s) -> tuple[np.ndarray, np.ndarray, float]:
    """The stage's ``(scale, centred, average_factor)`` once strata with a single sampled unit are dealt with.

    A stratum whose one unit was taken with certainty (no fpc left) is not lonely: it simply adds no variance.
    At stage 1 the strata are the design strata, and "average" spreads the missing contributions over the
    strata with two or more units (for a domain: over the strata it touches, ``variance.domain_variances``, as
    R's ``svyby``). At a later stage R's ``svyrecvar`` applies the remedy within each unit of the stage above,
    which is then the only stratum: a lonely unit there leaves nothing to average, and the variance of anything
    that touches it is NaN (0 x 1/0 in ``onestage``). Both follow R, and the estimators warn why a value is NaN.
    """
    centred = np.ones(len(scale), dtype=bool)
    if not lonely.any():
        return scale, centred, 1.0
    if lonely_psu == "fail":
        h = int(np.flatnonzero(lonely)[0])
        where = f"stratum {labels[h]}" if s == 0 else f"{labels[h]} at stage {s + 1}"
        raise DesignError(f"{where} has only one sampled unit, so its variance cannot be estimated; choose "
                          f"lonely_psu= one of {', '.join(LONELY_PSU_OPTIONS[1:])}")
    if lonely_psu == "adjust":
        return scale, ~lonely, 1.0
    scale = np.where(lonely, 0.0, scale)
    if lonely_psu != "average":
        return scale, centred, 1.0
    if s > 0:  # each unit of the stage above is its own stratum: a lonely unit is NaN, the others count once
        return scale, centred, float("nan")
    n_ok = int((~lonely).sum())
    return scale, centred, len(scale) / n_ok if n_ok else float("nan")

"""Match population margins (counts per level of one or more columns) to the rows of a design.

Used by post-stratification, raking and calibration. Levels are matched by their text, so a margin read from
a CSV (strings) matches a column of numbers. Every refusal names the margin and the level.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from questionnaires.record import value_text

from .errors import DesignError
from .stages import has_missing

MarginKey = str | tuple[str, ...]
Population = Mapping | pd.Series


@dataclass(frozen=True)
class Margin:
    """A population margin matched to the sample.

    Attributes
    ----------
    name : str
        Readable name ("stype" or "stype x sch.wide").
    codes : numpy.ndarray
        Row -> index of its level in `levels`.
    levels : list
        The population's levels, in the order given.
    counts : numpy.ndarray
        Population count of each level.
    """

    name: str
    codes: np.ndarray
    levels: list
    counts: np.ndarray


def _key_text(value) -> str | tuple[str, ...]:
    if isinstance(value, tuple):
        return tuple(_key_text(v) for v in value)
    return value_text(value)


def _population_items(population: Population) -> list[tuple[object, float]]:
    if isinstance(population, pd.Series):
        return list(population.items())
    if isinstance(population, Mapping):
        return list(population.items())
    raise DesignError("a population margin must be a mapping level -> count or a pandas Series")


def match_margin(data: pd.DataFrame, key: MarginKey, population: Population, coder) -> Margin:
    """Match one margin to the data, refusing what would make weights undefined.

    Parameters
    ----------
    data : pandas.DataFrame
        The design's data.
    key : str or tuple of str
        The column, or columns of a joint margin.
    population : mapping or pandas.Series
        Population count per level (a tuple of levels for a joint margin).
    coder : callable
        ``coder(columns) -> (codes, labels)``: the design's cached `SurveyDesign.codes`.

    Returns
    -------
    Margin

    Raises
    ------
    DesignError
        Unknown column, missing values, a sampled level absent from the population (or with count 0), a
        population level with a positive count but no sampled row (an empty cell), a negative count.
    """
    columns = [key] if isinstance(key, str) else list(key)
    name = " x ".join(columns)
    absent = [c for c in columns if c not in data.columns]
    if absent:
        raise DesignError(f"margin {name}: column(s) {', '.join(absent)} not in the data")
    if has_missing(data, columns):
        raise DesignError(f"margin {name}: some rows have no value, so they cannot be weighted to this margin")
    items = _population_items(population)
    levels = [level for level, _ in items]
    counts = np.array([float(count) for _, count in items])
    if np.isnan(counts).any() or (counts < 0).any():
        raise DesignError(f"margin {name}: population counts must be non-negative numbers")
    index = {_key_text(level): i for i, level in enumerate(levels)}
    sample_codes, labels = coder(columns)
    sample_keys = [_key_text(tuple(row) if len(columns) > 1 else row[0]) for row in labels.itertuples(index=False)]
    lookup = np.empty(len(sample_keys), dtype=np.int64)
    for j, sample_key in enumerate(sample_keys):
        if sample_key not in index:
            raise DesignError(f"margin {name}: level {sample_key} is in the sample but not in the population")
        lookup[j] = index[sample_key]
    identity = len(lookup) == len(levels) and np.array_equal(lookup, np.arange(len(levels)))
    codes = sample_codes if identity else lookup[sample_codes]  # same order as the population: no row pass
    present = np.zeros(len(levels), dtype=bool)
    present[lookup] = True  # the sample's labels are exactly the levels that occur
    for i in np.flatnonzero(~present & (counts > 0)):
        raise DesignError(f"margin {name}: level {_key_text(levels[i])} has population {counts[i]:g} but no "
                          "sampled row (an empty cell); collapse it with a neighbouring level")
    for i in np.flatnonzero(present & (counts == 0)):
        raise DesignError(f"margin {name}: level {_key_text(levels[i])} is sampled but its population is 0")
    return Margin(name=name, codes=codes, levels=levels, counts=counts)


def match_margins(data: pd.DataFrame, margins: Mapping[MarginKey, Population] | Sequence[tuple[MarginKey, Population]],
                  tolerance: float, coder) -> list[Margin]:
    """Match several margins and refuse them when their totals disagree by more than `tolerance` (relative)."""
    items = list(margins.items()) if isinstance(margins, Mapping) else list(margins)
    if not items:
        raise DesignError("no margins given")
    matched = [match_margin(data, key, population, coder) for key, population in items]
    totals = np.array([m.counts.sum() for m in matched])
    if np.max(np.abs(totals - totals[0])) > tolerance * max(totals[0], 1.0):
        listing = ", ".join(f"{m.name}: {t:g}" for m, t in zip(matched, totals, strict=True))
        raise DesignError(f"the margins describe different population sizes ({listing}); they must agree")
    return matched

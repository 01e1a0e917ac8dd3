"""Shares of the categories of a variable, with R's ``svymean`` interval or one of ``svyciprop``'s.

Apart from :mod:`analysis.estimators` because the ``svyciprop`` intervals (:mod:`analysis.intervals`) are built on
the estimators' mean: this module sits above both, so neither imports the other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ._docs import fill_doc
from .errors import DesignError
from .estimators import By, Deff, mean, with_data
from .intervals import svyciprop

if TYPE_CHECKING:
    from .design import SurveyDesign


@fill_doc
def proportion(design: SurveyDesign, var: str, by: By = None, na_rm: bool = True, deff: Deff = True,
               method: str | None = None, df: float | None = None, level: float = 0.95) -> pd.DataFrame:
    """Proportion of each category of `var` (R: ``svymean(~factor(var))``), overall or by domain.

    Parameters
    ----------
    {design}
    var : str
        A categorical (or any discrete) column; missing values are left out of the denominator.
    {by}
    {na_rm}
    {deff}
    method : {{"logit", "likelihood", "asin", "beta", "mean", "xlogit"}}, optional
        Interval of each share by R's ``svyciprop`` method (``"beta"`` is Korn-Graubard), inside [0, 1] for
        all but ``"mean"``; on the design's degrees of freedom unless `df` is given. By default the normal
        interval of ``svymean``.
    df : float, optional
        Degrees of freedom of the interval when `method` is given (default: the domain's, as ``svyciprop``).
    level : float
        Confidence level of the interval when `method` is given.

    Returns
    -------
    pandas.DataFrame
        The domain columns (if any), a column named `var` with the category, then the estimate columns.
    """
    if var not in design.data.columns:
        raise DesignError(f"column '{var}' is not in the data")
    column = design.data[var]
    present = column.notna().to_numpy()
    if not present.any():
        raise DesignError(f"column '{var}' has no values")
    categories = np.sort(column[present].unique())
    # one helper design for every category (the data is copied and the domains coded once, not per category)
    indicators = {f"__indicator_{i}__": np.where(present, (column == category).to_numpy(dtype=float), np.nan)
                  for i, category in enumerate(categories)}
    probe = with_data(design, indicators)
    tables = []
    for name, category in zip(indicators, categories, strict=True):
        if method is not None:
            table = svyciprop(probe, name, method, level=level, df=df, by=by if by is not None else "__all__")
        else:
            table = mean(probe, name, by=by if by is not None else "__all__", na_rm=na_rm, deff=deff)
        table.insert(len(table.columns) - 6, var, category)
        tables.append(table)
    result = pd.concat(tables, ignore_index=True)
    keys = ([by] if isinstance(by, str) else list(by)) if by is not None else []
    result = result.sort_values(keys, kind="stable").reset_index(drop=True) if keys else result
    return result.drop(columns=["__all__"], errors="ignore")

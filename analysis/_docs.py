"""Shared parameter descriptions, written once and filled into the docstrings that use them (as pandas' ``@doc``).

A docstring names a snippet as ``{name}`` at the indentation of a numpydoc entry (4 spaces, inside a module-level
function); `fill_doc` fills it in when the module is imported, so ``help()`` shows the whole text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable)

_DESIGN = """design : SurveyDesign
        The design."""

_BY = """by : str or list of str, optional
        Domain columns: domain estimation (R's ``svyby``), one row per domain in a tidy DataFrame. A row outside
        a domain keeps its PSU and stratum with a zero score."""

_NA_RM = """na_rm : bool
        Leave rows with a missing value out of the estimate (they stay in the design with a zero score), as R's
        ``na.rm=TRUE``; with False a missing value is an error."""

_DEFF = """deff : bool or "replace"
        Design effect against simple random sampling of the same n without replacement from a population of the
        estimated size (True, R's ``deff=TRUE``) or with replacement (``"replace"``); False leaves it NaN."""

SNIPPETS = {
    "deff": _DEFF,
    "design": _DESIGN,
    "by": _BY,
    "na_rm": _NA_RM,
    "numeric_estimator_parameters": f"""Parameters
    ----------
    {_DESIGN}
    var : str
        A numeric column.
    {_BY}
    {_NA_RM}
    {_DEFF}""",
    "label_source": """source : pandas.DataFrame or dict
        A frame from :func:`read_export` / :func:`read_database`, or a codebook JSON.
    variable : str
        Variable name.""",
    "weights_to_float": """Parameters
    ----------
    weights : array-like or SurveyDesign
        Weights, or a design (its final weights).

    Returns
    -------
    float""",
}


def fill_doc(function: F) -> F:
    """Replace the ``{name}`` snippets of `function`'s docstring with their shared text."""
    function.__doc__ = function.__doc__.format(**SNIPPETS)
    return function

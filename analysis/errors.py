"""The errors the analysis raises, one per kind of input it refuses, each with a message an analyst can act on.

A leaf module: it imports nothing, so any module of the package can raise these without importing another.
"""

from __future__ import annotations


class DesignError(ValueError):
    """A survey design or weighting step cannot be built from the data as given."""


class ExportError(ValueError):
    """An export or codebook that cannot be read as parsurvey wrote it; the message names file, row and column."""


class ScoringError(ValueError):
    """Inputs that cannot be scored; the message names the sub-criterion, element, variable, row or column."""


class ConvergenceWarning(UserWarning):
    """An iterative weighting step (raking) stopped at its iteration limit before meeting its tolerance."""

"""Scoring: PAR Index survey points and SIPAS satisfaction indices from responses, a codebook and a methodology.

Pure functions over DataFrames; every number of the scoring (max points, option weights, satisfied codes,
combination rules, missing policy) comes from the methodology and the codebook.
"""

from ..errors import ScoringError
from .par import par_field_points, par_survey_points
from .sipas import sipas_indices

__all__ = ["ScoringError", "par_field_points", "par_survey_points", "sipas_indices"]

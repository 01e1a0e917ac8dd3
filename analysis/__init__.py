"""parsurvey's analysis: survey designs, weighting, estimates with standard errors, rates, reliability.

Works on pandas DataFrames; never imports Flask or the web app, so a notebook needs nothing else.
"""

from .design import DesignError, SurveyDesign
from .greg import calibrate
from .quantiles import weighted_quantile
from .results import Estimate
from .weighting import (
    RakeResult,
    base_weights,
    effective_sample_size,
    kish_deff,
    nonresponse_adjust,
    poststratify,
    rake,
    trim,
)

__all__ = [
    "DesignError",
    "Estimate",
    "RakeResult",
    "SurveyDesign",
    "base_weights",
    "calibrate",
    "effective_sample_size",
    "kish_deff",
    "nonresponse_adjust",
    "poststratify",
    "rake",
    "trim",
    "weighted_quantile",
]

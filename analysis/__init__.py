"""parsurvey's analysis: survey designs, weighting, estimates with standard errors, rates, reliability.

Works on pandas DataFrames; never imports Flask or the web app, so a notebook needs nothing else.
"""

from .calibration import calibrate
from .calibration_steps import Convergence
from .charts import likert_shares, plot_estimates, plot_likert
from .contrasts import SvyStat, svycontrast, svymean, svytotal, svyvar
from .design import SurveyDesign
from .errors import ConvergenceWarning, DesignError, ExportError, ScoringError
from .intervals import confint, proportion_intervals, svyciprop
from .io import (
    apply_codebook,
    label_categories,
    read_database,
    read_export,
    value_labels,
    variable_label,
)
from .quantiles import weighted_quantile
from .rates import aapor_category, response_rates
from .reliability import AlphaResult, cronbach_alpha, item_total_statistics
from .results import Estimate
from .scales import item_scores, scale_items, scale_scores
from .scoring import par_field_points, par_survey_points, sipas_indices
from .tables import Crosstab, RaoScottTest, crosstab, frequency_table, rao_scott
from .variance import LonelyPsuWarning
from .weighting import (
    base_weights,
    effective_sample_size,
    kish_deff,
    nonresponse_adjust,
    poststratify,
    rake,
    trim,
)

__all__ = [
    "AlphaResult",
    "Convergence",
    "ConvergenceWarning",
    "Crosstab",
    "DesignError",
    "Estimate",
    "ExportError",
    "RaoScottTest",
    "ScoringError",
    "aapor_category",
    "apply_codebook",
    "cronbach_alpha",
    "crosstab",
    "frequency_table",
    "item_scores",
    "item_total_statistics",
    "label_categories",
    "likert_shares",
    "par_field_points",
    "par_survey_points",
    "plot_estimates",
    "plot_likert",
    "rao_scott",
    "read_database",
    "read_export",
    "response_rates",
    "scale_items",
    "scale_scores",
    "sipas_indices",
    "value_labels",
    "variable_label",
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

# R-named intervals, contrasts and variances (issue 11)
__all__ += ["LonelyPsuWarning", "SvyStat", "confint", "proportion_intervals", "svyciprop", "svycontrast", "svymean",
            "svytotal", "svyvar"]

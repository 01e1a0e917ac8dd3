"""parsurvey's analysis: survey designs, weighting, estimates with standard errors, rates, reliability.

Works on pandas DataFrames; never imports Flask or the web app, so a notebook needs nothing else.

Names are imported from their module when first used (PEP 562), so that a process needing one function (the web
app needs ``response_rates``) does not load scipy, matplotlib and the rest: the app's workers and its export jobs
stay about 90 MB smaller. ``from analysis import rake`` works as before.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "calibrate": "calibration",
    "Convergence": "calibration_steps",
    "likert_shares": "charts",
    "plot_estimates": "charts",
    "plot_likert": "charts",
    "SvyStat": "contrasts",
    "svycontrast": "contrasts",
    "svymean": "contrasts",
    "svytotal": "contrasts",
    "svyvar": "contrasts",
    "SurveyDesign": "design",
    "ConvergenceWarning": "errors",
    "DesignError": "errors",
    "ExportError": "errors",
    "ScoringError": "errors",
    "confint": "intervals",
    "proportion_intervals": "intervals",
    "svyciprop": "intervals",
    "apply_codebook": "io",
    "label_categories": "io",
    "read_database": "io",
    "read_export": "io",
    "value_labels": "io",
    "variable_label": "io",
    "weighted_quantile": "quantiles",
    "aapor_category": "rates",
    "response_rates": "rates",
    "AlphaResult": "reliability",
    "cronbach_alpha": "reliability",
    "item_total_statistics": "reliability",
    "Estimate": "results",
    "item_scores": "scales",
    "scale_items": "scales",
    "scale_scores": "scales",
    "par_field_points": "scoring",
    "par_survey_points": "scoring",
    "sipas_indices": "scoring",
    "Crosstab": "tables",
    "RaoScottTest": "tables",
    "crosstab": "tables",
    "frequency_table": "tables",
    "rao_scott": "tables",
    "LonelyPsuWarning": "variance",
    "base_weights": "weighting",
    "effective_sample_size": "weighting",
    "kish_deff": "weighting",
    "nonresponse_adjust": "weighting",
    "poststratify": "weighting",
    "rake": "weighting",
    "trim": "weighting",
}


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


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

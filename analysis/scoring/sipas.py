"""SIPAS satisfaction indices: the share of satisfied answers per element, component and overall, with SEs.

The rule (domain brief §3.3; the methodology's ``sipas`` block says which codes are "satisfied" and which items
belong to which element through the codebook's ``criterion``):

- **element index** = weighted share of the element's valid item-answers that are in the satisfied codes (top-2
  box: 4 and 5 on the 1-5 scale); neutral counts as not satisfied; "no experience", not applicable and blanks are
  left out. **Our choice where the brief is silent:** items of one element are pooled answer by answer (a
  respondent who answered three of its items counts three times), not averaged per respondent first;
- **component** (POLICY, SERVICE) and **overall** index: the mean of their element indices
  (``overall="mean_of_elements"``, the default) or the share over all their item-answers (``"pooled_items"``);
- every index is a ratio of two weighted totals (satisfied answers / valid answers, per respondent), so its
  standard error is the ratio estimator's Taylor linearisation (R ``svyratio``), through the design when one is
  given (strata, clusters, fpc, calibration honoured) and as a simple random sample with unit weights otherwise;
  an index that is a mean of element ratios is linearised as the mean of their influence scores;
- the 95% interval is ``estimate -+ t * se`` with t on the design's degrees of freedom (PSUs minus strata, R's
  ``confint(est, df = degf(design))``; n - 1 for a plain DataFrame), reported in the ``df`` column: a province's
  10 to 30 PSUs make the normal interval too narrow. For intervals that stay in [0, 1] pass the table to
  `analysis.intervals.proportion_intervals` (logit, Korn-Graubard "beta", ...);
- diagnostics: the mean score (over valid answers, pooled like the index) and its 0-100 rescale
  ``(mean - 1) / 4 x 100`` on the 1-5 scale (lowest and highest valid codes in general).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from questionnaires.model import Methodology, Sipas

from ..design import SurveyDesign
from ..errors import ScoringError
from ..estimators import domain_codes
from ..intervals import t_quantile
from ._variables import answer_codes, codebook_for, coded_variables, require_columns

Overall = Literal["mean_of_elements", "pooled_items"]
OVERALL_RULES = ("mean_of_elements", "pooled_items")


@dataclass(frozen=True)
class _Answers:
    """Per respondent and element: satisfied answers, valid answers, and the sum of the valid answers' values."""

    elements: tuple[str, ...]
    satisfied: np.ndarray
    valid: np.ndarray
    values: np.ndarray


def sipas_indices(design_or_df: SurveyDesign | pd.DataFrame, methodology: Methodology, *,
                  codebook: object | None = None, by: str | Sequence[str] | None = None,
                  overall: Overall = "mean_of_elements") -> pd.DataFrame:
    """SIPAS element, component and overall indices (shares in [0, 1]) with standard errors.

    Parameters
    ----------
    design_or_df : SurveyDesign or pandas.DataFrame
        Responses (as `analysis.read_export` returns them) with their design, or alone: unweighted, with simple
        random sampling standard errors.
    methodology : Methodology
        One with a ``sipas`` block (bundled: ``sipas_2023``).
    codebook : Codebook, dict or list of them, optional
        Variables whose ``criterion`` is a SIPAS element id feed that element. **Default**: the one the responses
        carry in ``attrs["codebook"]`` (as `read_export` and `read_database` leave it).
    by : str or list of str, optional
        Domain columns (unit, sex, ...): domain estimation, every PSU stays in the variance.
    overall : {"mean_of_elements", "pooled_items"}
        How components and the overall index combine their elements.

    Returns
    -------
    pandas.DataFrame
        The `by` columns, then ``level`` (element | component | overall), ``index``, ``component``,
        ``estimate, se, ci_low, ci_high`` (95%, t on the design's degrees of freedom), ``df`` (those degrees of
        freedom), ``n`` (respondents with a valid answer), ``n_answers`` (valid
        item-answers), ``mean_score``, ``score_0_100``, ``status``.
    """
    if overall not in OVERALL_RULES:
        raise ScoringError(f"overall must be one of {', '.join(OVERALL_RULES)}, not {overall!r}")
    sipas = _sipas_block(methodology)
    design = design_or_df if isinstance(design_or_df, SurveyDesign) else SurveyDesign(design_or_df)
    by_columns = [by] if isinstance(by, str) else list(by or [])
    require_columns(design.data, *by_columns)
    answers = _answers(design.data, codebook_for(design.data, codebook), sipas, methodology.id)
    indices = _index_definitions(sipas)
    low, high = _value_range(methodology, sipas)
    domains, labels = domain_codes(design, by if by_columns else None)
    tables = []
    for d in range(len(labels)):
        table = _domain_table(design, answers, indices, domains == d, overall, low, high)
        for column in reversed(by_columns):
            table.insert(0, column, labels[column].iloc[d])
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


def _sipas_block(methodology: Methodology) -> Sipas:
    if methodology.sipas is None:
        raise ScoringError(f"methodology {methodology.id} has no sipas block (satisfied codes and elements)")
    return methodology.sipas


def _answers(data: pd.DataFrame, codebook: object, sipas: Sipas, methodology_id: str) -> _Answers:
    elements = [e.id for e in sipas.elements]
    shape = (len(data), len(elements))
    satisfied, valid, values = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    variables = [v for v in coded_variables(codebook) if v.criterion in elements]
    if not variables:
        raise ScoringError(f"no variable of the codebook belongs to a SIPAS element of {methodology_id} "
                           f"({', '.join(elements)})")
    for variable in variables:
        if not set(sipas.satisfied_codes) <= set(variable.weights):
            raise ScoringError(f"variable {variable.name} ({variable.criterion}) lacks the satisfied codes "
                               f"{list(sipas.satisfied_codes)} of the SIPAS scale; its codes are "
                               f"{list(variable.weights)}")
        codes = answer_codes(data, variable)
        e = elements.index(variable.criterion)
        answered = np.array([c is not None for c in codes])
        valid[:, e] += answered
        satisfied[:, e] += np.array([c in sipas.satisfied_codes for c in codes])
        values[:, e] += np.array([_number(c) if c is not None else 0.0 for c in codes])
    return _Answers(tuple(elements), satisfied, valid, values)


def _number(code: str) -> float:
    try:
        return float(code)
    except ValueError:
        return float("nan")


def _value_range(methodology: Methodology, sipas: Sipas) -> tuple[float, float]:
    """Lowest and highest valid code of the SIPAS scale as numbers (1 and 5), for the 0-100 rescale."""
    scale = methodology.scales.get(sipas.scale)
    numbers = [_number(o.code) for o in scale.options if not o.missing] if scale is not None else []
    numbers = [x for x in numbers if np.isfinite(x)]
    return (min(numbers), max(numbers)) if len(numbers) > 1 else (float("nan"), float("nan"))


def _index_definitions(sipas: Sipas) -> list[tuple[str, str, str | None, list[int]]]:
    """(level, id, component, element positions) for each element, each component, and the overall index."""
    elements = [("element", e.id, e.component, [i]) for i, e in enumerate(sipas.elements)]
    components = []
    for component in dict.fromkeys(e.component for e in sipas.elements if e.component):
        members = [i for i, e in enumerate(sipas.elements) if e.component == component]
        components.append(("component", component, component, members))
    return elements + components + [("overall", "SIPAS", None, list(range(len(sipas.elements))))]


def _domain_table(design: SurveyDesign, answers: _Answers, indices: list, inside: np.ndarray, overall: str,
                  low: float, high: float) -> pd.DataFrame:
    w = design.weights * inside
    y_total, x_total, v_total = w @ answers.satisfied, w @ answers.valid, w @ answers.values
    records, scores = [], []
    for level, index_id, component, members in indices:
        rule = "pooled_items" if len(members) == 1 else overall
        estimate, score, mean_score, status = _combined(answers, members, inside, y_total, x_total, v_total, rule)
        valid = answers.valid[inside][:, members]
        records.append({"level": level, "index": index_id, "component": component, "estimate": estimate,
                        "n": int((valid.sum(axis=1) > 0).sum()), "n_answers": int(valid.sum()),
                        "mean_score": mean_score, "score_0_100": (mean_score - low) / (high - low) * 100,
                        "status": status})
        scores.append(score)
    se = np.sqrt(np.maximum(np.diag(design.total_vcov(np.column_stack(scores))), 0.0))
    table = pd.DataFrame(records)
    se = np.where(table["estimate"].notna(), se, np.nan)
    table.insert(4, "se", se)
    crit = t_quantile(0.95, design.degf)
    table.insert(5, "ci_low", table["estimate"] - crit * se)
    table.insert(6, "ci_high", table["estimate"] + crit * se)
    table.insert(7, "df", design.degf)
    return table


def _combined(answers: _Answers, members: list[int], inside: np.ndarray, y_total: np.ndarray, x_total: np.ndarray,
              v_total: np.ndarray, rule: str) -> tuple[float, np.ndarray, float, str]:
    """Estimate, per-row influence score, mean score and status of one index within one domain."""
    y, x = answers.satisfied[:, members] * inside[:, None], answers.valid[:, members] * inside[:, None]
    empty = [m for m in members if x_total[m] <= 0]
    if rule == "pooled_items":
        denominator = x_total[members].sum()
        if denominator <= 0:
            return np.nan, np.zeros(len(inside)), np.nan, "no valid answer"
        ratio = y_total[members].sum() / denominator
        score = (y.sum(axis=1) - ratio * x.sum(axis=1)) / denominator
        return float(ratio), score, float(v_total[members].sum() / denominator), "ok"
    if empty:
        names = ", ".join(answers.elements[m] for m in empty)
        return np.nan, np.zeros(len(inside)), np.nan, f"no valid answer for {names}"
    ratios = y_total[members] / x_total[members]
    score = ((y - ratios * x) / x_total[members]).mean(axis=1)
    return float(ratios.mean()), score, float((v_total[members] / x_total[members]).mean()), "ok"

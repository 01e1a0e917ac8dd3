"""PAR Index survey points: from officials' answers to points per sub-criterion, per field and for the survey part.

The rule (domain brief §2.4), with every number taken from the methodology, none from code:

1. a respondent's answer ``o`` to an item of sub-criterion ``c`` scores ``M_c x w(o)`` (``M_c`` the sub-criterion's
   max points, ``w`` the option weight of the codebook: A/B/C/D = 1/0.6/0.2/0 in the bundled methodology);
2. "don't know", not applicable and not answered leave the answer out of numerator and denominator;
3. **where the brief is silent, our choice:** when several items feed one sub-criterion, each respondent's weights
   are averaged over the items that respondent answered validly, so every respondent counts once per sub-criterion
   (a respondent with no valid item is left out);
4. a group's score is the mean over its respondents with a valid answer;
5. groups are combined by the sub-criterion's ``combine`` (or the methodology's): ``pooled`` (mean over all valid
   respondents), ``group_mean`` (mean of the group scores) or ``weighted`` (``group_weights``, re-normalised over
   the groups that answered); a group without a valid answer takes no part;
6. a sub-criterion without any valid answer has no points (NaN) and says so in ``status``; `par_field_points`
   sums to fields and to the survey part of the index under the methodology's ``missing_policy``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from questionnaires.model import Combine, Methodology, MissingPolicy, Subcriterion, SubcriterionSource

from ..errors import ScoringError
from ._variables import CodedVariable, answer_codes, codebook_for, coded_variables, require_columns

NOT_ASKED = "not asked in this questionnaire"
NO_VALID_ANSWER = "no valid answer"
TOTAL = "total"


@dataclass(frozen=True)
class _Slot:
    """A survey sub-criterion with the field and criterion it belongs to."""

    field: str
    criterion: str
    sub: Subcriterion


def par_survey_points(responses: pd.DataFrame, methodology: Methodology, *, codebook: object | None = None,
                      by: str | Sequence[str] | None = None, group_col: str = "group") -> pd.DataFrame:
    """Points of every survey sub-criterion of the methodology, overall or per unit.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per response, as `analysis.read_export` returns it (option codes; NA for no answer).
    methodology : Methodology
        Max points, combination rule and groups (``bundled_methodologies()[...]`` or ``questionnaire.methodology``).
    codebook : Codebook, dict or list of them, optional
        The questionnaire's codebook; several when responses of several forms are stacked. **Default**: the one
        the responses carry in ``attrs["codebook"]`` (as `read_export` and `read_database` leave it).
    by : str or list of str, optional
        Columns to score separately, usually the assessed unit's (``by="unit"``): one block of rows per value.
    group_col : str, default "group"
        The respondent group column (the groups the methodology combines).

    Returns
    -------
    pandas.DataFrame
        One row per sub-criterion (per `by` value, after the `by` columns): ``field, criterion, subcriterion``,
        ``n_<group>`` and ``points_<group>`` for every group in the data, ``n`` (valid respondents), ``points``,
        ``max_points``, ``combine``, ``provisional``, ``status`` (``ok``, ``no valid answer``, ``not asked in this
        questionnaire``, or the groups without a valid answer). ``attrs["by"]`` records the `by` columns for
        `par_field_points`.

    Raises
    ------
    ScoringError
        A survey sub-criterion without max points, an item scored for a criterion the methodology has no survey
        sub-criterion for, a missing column, an answer code the codebook does not know, or weights missing for a
        group that answered.
    """
    by_columns = [by] if isinstance(by, str) else list(by or [])
    require_columns(responses, group_col, *by_columns)
    variables = coded_variables(codebook_for(responses, codebook))
    slots = _survey_slots(methodology)
    shares = _respondent_shares(responses, _items_by_subcriterion(variables, slots, methodology))
    groups = _group_order(responses[group_col], methodology)
    records = []
    for key, index in _blocks(responses, by_columns):
        for slot in slots:
            record = dict(zip(by_columns, key, strict=True))
            share = shares[slot.sub.id].loc[index] if slot.sub.id in shares else None
            record.update(_subcriterion_record(slot, share, responses.loc[index, group_col], groups, methodology))
            records.append(record)
    frame = pd.DataFrame(records)
    frame.attrs["by"] = by_columns
    return frame


def _blocks(frame: pd.DataFrame, by_columns: list[str]) -> list[tuple[tuple, pd.Index]]:
    """The rows of each combination of the `by` columns that occurs, sorted (all rows under ``()`` without `by`)."""
    if not by_columns:
        return [((), frame.index)]
    grouped = frame.groupby(by_columns, sort=True, observed=True)
    return [(key if isinstance(key, tuple) else (key,), rows.index) for key, rows in grouped]


def _survey_slots(methodology: Methodology) -> list[_Slot]:
    slots = [_Slot(f.id, c.id, s) for f in methodology.fields for c in f.criteria for s in c.subcriteria
             if s.source is SubcriterionSource.SURVEY]
    unknown = [s.sub.id for s in slots if s.sub.max_points is None]
    if unknown:
        raise ScoringError(f"methodology {methodology.id}: max points unknown for survey sub-criteria "
                           f"{', '.join(unknown)}; set max_points before scoring")
    if not slots:
        raise ScoringError(f"methodology {methodology.id} has no sub-criterion with source 'survey'")
    return slots


def _items_by_subcriterion(variables: list[CodedVariable], slots: list[_Slot],
                           methodology: Methodology) -> dict[str, list[CodedVariable]]:
    survey_ids = {s.sub.id for s in slots}
    items: dict[str, list[CodedVariable]] = {}
    for variable in (v for v in variables if v.scored and v.criterion):
        if variable.criterion not in survey_ids:
            other = methodology.subcriterion(variable.criterion)
            why = (f"whose source is {other.source.value}, not survey" if other is not None
                   else f"which methodology {methodology.id} does not have (is it the right methodology?)")
            raise ScoringError(f"variable {variable.name} is scored for {variable.criterion}, {why}")
        items.setdefault(variable.criterion, []).append(variable)
    if not items:
        raise ScoringError("the codebook has no scored variable with a criterion (an SPSS file without its "
                           ".codebook.json loses them); pass the questionnaire's codebook")
    return items


def _respondent_shares(responses: pd.DataFrame, items: dict[str, list[CodedVariable]]) -> pd.DataFrame:
    """Each respondent's mean option weight per sub-criterion over the items answered validly (NaN: none)."""
    columns = {}
    for sub_id, variables in items.items():
        weights = pd.DataFrame({v.name: _answer_weights(responses, v) for v in variables}, index=responses.index)
        columns[sub_id] = weights.mean(axis=1, skipna=True)
    return pd.DataFrame(columns, index=responses.index)


def _answer_weights(responses: pd.DataFrame, variable: CodedVariable) -> np.ndarray:
    codes = answer_codes(responses, variable)
    weights = [variable.weights.get(c) if c is not None else None for c in codes]
    return np.array([np.nan if w is None else float(w) for w in weights])


def _group_order(groups: pd.Series, methodology: Methodology) -> list[str]:
    """The methodology's group order, then any other group found in the data."""
    present = set(groups.astype(str))
    known = [g.id for g in methodology.respondent_groups if g.id in present]
    return known + sorted(present - set(known))


def _subcriterion_record(slot: _Slot, share: pd.Series | None, groups: pd.Series, order: list[str],
                         methodology: Methodology) -> dict:
    sub, rule = slot.sub, slot.sub.combine or methodology.combine
    if share is None:
        counts, points = pd.Series(0, index=order), pd.Series(np.nan, index=order)
    else:
        by_group = share.groupby(groups.astype(str).to_numpy())
        counts = by_group.count().reindex(order, fill_value=0)
        points = (by_group.mean() * sub.max_points).reindex(order)
    record = {"field": slot.field, "criterion": slot.criterion, "subcriterion": sub.id}
    record.update({f"n_{g}": int(counts[g]) for g in order})
    record.update({f"points_{g}": float(points[g]) for g in order})
    present = set(groups.astype(str))
    record.update(n=int(counts.sum()), points=_combine(rule, counts, points, sub), max_points=float(sub.max_points),
                  combine=rule.value, provisional=sub.provisional,
                  status=_status(share is None, counts, present))
    return record


def _combine(rule: Combine, counts: pd.Series, points: pd.Series, sub: Subcriterion) -> float:
    answered = counts.index[counts > 0]
    if len(answered) == 0:
        return float("nan")
    if rule is Combine.POOLED:
        return float((counts[answered] * points[answered]).sum() / counts[answered].sum())
    if rule is Combine.GROUP_MEAN:
        return float(points[answered].mean())
    weights = dict(sub.group_weights)
    unweighted = [g for g in answered if g not in weights]
    if unweighted:
        raise ScoringError(f"sub-criterion {sub.id} combines groups by weight, but group(s) {', '.join(unweighted)} "
                           f"answered and have no weight in its group_weights ({weights or 'none given'})")
    w = np.array([float(weights[g]) for g in answered])
    if w.sum() <= 0:
        raise ScoringError(f"sub-criterion {sub.id}: the group weights of the groups that answered sum to 0")
    return float((w * points[answered].to_numpy()).sum() / w.sum())


def _status(not_asked: bool, counts: pd.Series, present: set[str]) -> str:
    if not_asked:
        return NOT_ASKED
    if counts.sum() == 0:
        return NO_VALID_ANSWER
    silent = [g for g in counts.index if g in present and counts[g] == 0]
    return f"no valid answer from {', '.join(silent)}" if silent else "ok"


def par_field_points(points: pd.DataFrame, methodology: Methodology,
                     missing_policy: MissingPolicy | str | None = None) -> pd.DataFrame:
    """Survey points per field and for the whole survey part of the index, from `par_survey_points`.

    Parameters
    ----------
    points : pandas.DataFrame
        What `par_survey_points` returned (per unit when it was given ``by``).
    methodology : Methodology
        The same methodology; its ``missing_policy`` applies unless `missing_policy` is given.
    missing_policy : {"null", "zero", "rescale"}, optional
        A sub-criterion without a valid answer makes its field (and the total) NaN ("null", flagged in
        ``status``), counts 0 ("zero"), or the sum is re-normalised over the max points that have answers:
        ``sum(points) x max_points / answered_max_points`` ("rescale", as Hà Nội does when a survey is absent).
        The total is computed from the sub-criteria, so with "rescale" it is not the sum of rescaled fields.

    Returns
    -------
    pandas.DataFrame
        One row per field with survey sub-criteria and a last row ``field == "total"`` (per unit): ``points``,
        ``max_points``, ``answered_max_points``, ``n_subcriteria``, ``n_without_answer``, ``index_percent`` (the
        points as a percentage of the methodology's total max points, i.e. their share of the index),
        ``provisional``, ``status``.
    """
    policy = MissingPolicy(missing_policy) if missing_policy is not None else methodology.missing_policy
    by_columns = list(points.attrs.get("by") or [])
    provisional_fields = {f.id for f in methodology.fields if f.provisional}
    records = []
    for key, index in _blocks(points, by_columns):
        block = points.loc[index]
        parts = [(f.id, block[block["field"] == f.id]) for f in methodology.fields] + [(TOTAL, block)]
        for field_id, rows in parts:
            if rows.empty:
                continue
            record = dict(zip(by_columns, key, strict=True))
            record.update(_field_record(field_id, rows, policy, methodology.total_max_points))
            record["provisional"] = bool(rows["provisional"].any()) or field_id in provisional_fields or (
                field_id == TOTAL and bool(provisional_fields & set(rows["field"])))
            record["status"] = _field_status(rows, policy)
            records.append(record)
    return pd.DataFrame(records)


def _field_record(field_id: str, rows: pd.DataFrame, policy: MissingPolicy, index_max: float | None) -> dict:
    answered = rows["points"].notna()
    max_points, answered_max = float(rows["max_points"].sum()), float(rows.loc[answered, "max_points"].sum())
    total = float(rows.loc[answered, "points"].sum())
    if policy is MissingPolicy.NULL:
        value = total if answered.all() else float("nan")
    elif policy is MissingPolicy.ZERO:
        value = total
    else:
        value = total * max_points / answered_max if answered_max > 0 else float("nan")
    percent = 100 * value / index_max if index_max else float("nan")
    return {"field": field_id, "points": value, "max_points": max_points, "answered_max_points": answered_max,
            "n_subcriteria": len(rows), "n_without_answer": int((~answered).sum()), "index_percent": percent}


def _field_status(rows: pd.DataFrame, policy: MissingPolicy) -> str:
    missing = list(rows.loc[rows["points"].isna(), "subcriterion"])
    if not missing:
        return "ok"
    ids = ", ".join(missing)
    if policy is MissingPolicy.NULL:
        return f"no points: no valid answer for {ids}"
    if policy is MissingPolicy.ZERO:
        return f"counted as 0: {ids}"
    answered_max = rows.loc[rows["points"].notna(), "max_points"].sum()
    return f"rescaled over {answered_max:g} of {rows['max_points'].sum():g} points (no valid answer for {ids})"

"""AAPOR outcome rates (Standard Definitions): response, cooperation, refusal and contact rates.

One function serves the analyst's notebook and the web dashboard alike, so that a rate printed in a report and the
rate on the coordinator's screen can never disagree (the dashboard's thousands of small rows use its vectorised core,
:func:`rates_from_counts`, with the same formulas). The formulas are AAPOR's (see ``RATE_FORMULAS``); ineligible
cases (NE) are counted but enter no denominator.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

#: AAPOR final disposition categories, in the order they appear in the output.
DISPOSITIONS: tuple[str, ...] = ("I", "P", "R", "NC", "O", "UH", "UO", "NE")

#: Every rate computed, in output order.
RATES: tuple[str, ...] = (
    "RR1", "RR2", "RR3", "RR4", "RR5", "RR6",
    "COOP1", "COOP2", "COOP3", "COOP4",
    "REF1", "REF2", "REF3",
    "CON1", "CON2", "CON3",
)  # fmt: skip

#: Human-readable formulas, for documentation and for the dashboard's tooltips.
RATE_FORMULAS: Mapping[str, str] = {
    "RR1": "I / (I + P + R + NC + O + UH + UO)",
    "RR2": "(I + P) / (I + P + R + NC + O + UH + UO)",
    "RR3": "I / (I + P + R + NC + O + e (UH + UO))",
    "RR4": "(I + P) / (I + P + R + NC + O + e (UH + UO))",
    "RR5": "I / (I + P + R + NC + O)",
    "RR6": "(I + P) / (I + P + R + NC + O)",
    "COOP1": "I / (I + P + R + O)",
    "COOP2": "(I + P) / (I + P + R + O)",
    "COOP3": "I / (I + P + R)",
    "COOP4": "(I + P) / (I + P + R)",
    "REF1": "R / (I + P + R + NC + O + UH + UO)",
    "REF2": "R / (I + P + R + NC + O + e (UH + UO))",
    "REF3": "R / (I + P + R + NC + O)",
    "CON1": "(I + P + R + O) / (I + P + R + NC + O + UH + UO)",
    "CON2": "(I + P + R + O) / (I + P + R + NC + O + e (UH + UO))",
    "CON3": "(I + P + R + O) / (I + P + R + NC + O)",
}

#: AAPOR's numeric final disposition codes, by the prefix that decides the category (longest prefix wins).
AAPOR_CODE_PREFIXES: Mapping[str, str] = {
    "1.1": "I", "1.2": "P",
    "2.1": "R", "2.2": "NC", "2.3": "O",
    "3.1": "UH", "3.2": "UO", "3.3": "UO", "3.4": "UO", "3.5": "UO", "3.6": "UO", "3.7": "UO", "3.8": "UO",
    "3.9": "UO", "4": "NE",
}  # fmt: skip


def aapor_category(code: object) -> str:
    """Map an AAPOR numeric final disposition code to its category.

    Parameters
    ----------
    code : object
        A code such as ``"1.1"``, ``"2.111"``, ``"3.21"`` or ``4.7`` (numbers are read as their decimal text), or
        already a category name (``"I"``, ``"NC"``, ...).

    Returns
    -------
    str
        One of ``DISPOSITIONS``.

    Raises
    ------
    ValueError
        If the code belongs to no category.
    """
    text = str(code).strip()
    if text.upper() in DISPOSITIONS:
        return text.upper()
    for prefix in sorted(AAPOR_CODE_PREFIXES, key=len, reverse=True):
        if text == prefix or text.startswith(prefix):
            return AAPOR_CODE_PREFIXES[prefix]
    raise ValueError(f"disposition code {code!r} is neither an AAPOR category ({', '.join(DISPOSITIONS)}) "
                     "nor an AAPOR numeric code (1.1, 1.2, 2.1x, 2.2x, 2.3x, 3.1x, 3.2-3.9, 4.x)")


def response_rates(
    dispositions: Mapping[str, float] | pd.Series | pd.DataFrame,
    e: float | None = None,
    by: str | Sequence[str] | None = None,
    disposition_col: str | None = None,
    margins: bool = False,
    margins_name: str = "All",
) -> pd.DataFrame:
    """Compute AAPOR RR1-RR6, COOP1-COOP4, REF1-REF3 and CON1-CON3, overall or by group.

    Parameters
    ----------
    dispositions : mapping, Series or DataFrame
        Either counts per disposition category (a mapping or Series keyed by ``I, P, R, NC, O, UH, UO, NE``; a
        missing category counts as zero), a DataFrame whose columns are those categories (one row per group, or
        several rows that are summed within each group), or, with ``disposition_col``, a frame of cases with one
        row per sampled case.
    e : float, optional
        The share of cases of unknown eligibility (UH + UO) that are estimated to be eligible, in [0, 1]. Used by
        RR3, RR4, REF2 and CON2. **Default**: AAPOR's proportional allocation, estimated separately in each group
        as ``eligible / (eligible + NE)`` among the cases whose eligibility is known, where eligible is
        ``I + P + R + NC + O``.
    by : str or sequence of str, optional
        Grouping columns of a DataFrame input; one output row per group.
    disposition_col : str, optional
        Column of a case frame holding each case's disposition: a category name or an AAPOR numeric code (see
        :func:`aapor_category`).
    margins : bool, default False
        With ``by``, also add an overall row whose grouping columns read ``margins_name``.
    margins_name : str, default "All"
        Label of the overall row.

    Returns
    -------
    pandas.DataFrame
        One row per group (a single row without ``by``): the grouping columns, the counts ``I ... NE``, ``e`` (the
        value used) and one column per rate. A rate whose denominator is zero is NaN, without a warning.

    Raises
    ------
    ValueError
        For a negative count, an unknown category or code, an ``e`` outside [0, 1], or a missing column.
    """
    _check_e(e)
    by_cols = [by] if isinstance(by, str) else list(by or [])
    counts = _counts_frame(dispositions, by_cols, disposition_col)
    if margins and by_cols:
        total = counts[list(DISPOSITIONS)].sum().to_frame().T
        for col in by_cols:
            total[col] = margins_name
        counts = pd.concat([counts, total[counts.columns]], ignore_index=True)
    return _with_rates(counts, e)


def _counts_frame(data, by_cols: list[str], disposition_col: str | None) -> pd.DataFrame:
    """Bring every accepted input to one frame: grouping columns, then one count column per category."""
    if disposition_col is not None:
        if not isinstance(data, pd.DataFrame):
            raise ValueError("disposition_col= needs a DataFrame of cases")
        return _counts_from_cases(data, by_cols, disposition_col)
    if isinstance(data, pd.DataFrame):
        _require_columns(data, by_cols)
        unknown = [c for c in data.columns if c not in by_cols and c not in DISPOSITIONS]
        if unknown:
            raise ValueError(f"columns {unknown} are neither grouping columns nor disposition categories "
                             f"({', '.join(DISPOSITIONS)}); pass disposition_col= for a frame of cases")
        frame = data.reindex(columns=by_cols + list(DISPOSITIONS), fill_value=0)
    elif isinstance(data, Mapping | pd.Series):
        if by_cols:
            raise ValueError("by= needs a DataFrame input")
        unknown = [k for k in data if k not in DISPOSITIONS]
        if unknown:
            raise ValueError(f"unknown disposition categories {unknown}; expected {', '.join(DISPOSITIONS)}")
        frame = pd.DataFrame([{d: data.get(d, 0) for d in DISPOSITIONS}])
    else:
        raise ValueError(f"dispositions must be a mapping, Series or DataFrame, not {type(data).__name__}")
    return _checked_counts(frame, by_cols)


def _counts_from_cases(cases: pd.DataFrame, by_cols: list[str], disposition_col: str) -> pd.DataFrame:
    """Tabulate a frame of cases; a case without a disposition is an error, not a silently dropped row."""
    _require_columns(cases, by_cols + [disposition_col])
    codes = cases[disposition_col]
    if codes.isna().any():
        rows = list(cases.index[codes.isna()][:5])
        raise ValueError(f"column {disposition_col!r} has no disposition in rows {rows}")
    category = codes.map(aapor_category)
    indicators = {d: (category == d).astype(int) for d in DISPOSITIONS}
    return _checked_counts(cases[by_cols].assign(**indicators), by_cols)


def _checked_counts(frame: pd.DataFrame, by_cols: list[str]) -> pd.DataFrame:
    """Sum rows within groups (all rows without groups) and refuse counts that are not numbers >= 0."""
    counts = frame[list(DISPOSITIONS)].apply(pd.to_numeric, errors="coerce")
    bad = counts.isna() | (counts < 0)
    if bad.any().any():
        row, col = next((r, c) for r in bad.index for c in bad.columns if bad.at[r, c])
        raise ValueError(f"count of {col} in row {row} is {frame.at[row, col]!r}; counts must be numbers >= 0")
    if not by_cols:
        return counts.sum().to_frame().T
    frame = pd.concat([frame[by_cols], counts], axis=1)
    return frame.groupby(by_cols, sort=True, dropna=False, observed=True).sum().reset_index()


def _require_columns(frame: pd.DataFrame, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"columns {missing} are not in the data (it has {list(frame.columns)})")


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den, NaN where den is zero, silently (an empty group has no rate, and that is not news)."""
    out = np.full(np.shape(num), np.nan, dtype=float)
    np.divide(num, den, out=out, where=den != 0)
    return out


def rates_from_counts(counts: Mapping[str, ArrayLike], e: float | None = None) -> dict[str, np.ndarray]:
    """The rates of :func:`response_rates` for rows of counts already held as arrays, without building a frame:
    the vectorised core of :func:`response_rates`, for callers (the console's live participation page) whose
    thousands of small rows would spend more time in pandas than in the arithmetic.

    Parameters
    ----------
    counts : mapping of category to array-like
        One array per disposition category (``I, P, R, NC, O, UH, UO, NE``), all of the same length, one element
        per row; a missing category counts as zero.
    e : float, optional
        As in :func:`response_rates`.

    Returns
    -------
    dict
        ``e`` (the value used) and one float array per name of ``RATES``; NaN where a denominator is zero.

    Raises
    ------
    ValueError
        For an unknown category, arrays of different lengths, a count that is not a number >= 0, or an ``e``
        outside [0, 1].
    """
    _check_e(e)
    unknown = [k for k in counts if k not in DISPOSITIONS]
    if unknown:
        raise ValueError(f"unknown disposition categories {unknown}; expected {', '.join(DISPOSITIONS)}")
    arrays = {d: np.asarray(counts[d], dtype=float) for d in counts}
    lengths = {len(a) for a in arrays.values()}
    if len(lengths) > 1:
        raise ValueError(f"counts of every category must have one element per row, got lengths {sorted(lengths)}")
    rows = lengths.pop() if lengths else 0
    for d, values in arrays.items():
        bad = np.isnan(values) | (values < 0)
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(f"count of {d} in row {row} is {counts[d][row]!r}; counts must be numbers >= 0")
    zero = np.zeros(rows)
    return _rates({d: arrays.get(d, zero) for d in DISPOSITIONS}, e, rows)


def _check_e(e: float | None) -> None:
    if e is not None and (isinstance(e, bool) or not isinstance(e, numbers.Real) or not 0 <= e <= 1):
        raise ValueError(f"e must be a number between 0 and 1, got {e!r}")


def _with_rates(counts: pd.DataFrame, e: float | None) -> pd.DataFrame:
    rates = _rates({d: counts[d].to_numpy(dtype=float) for d in DISPOSITIONS}, e, len(counts))
    out = counts.copy()
    out["e"] = rates["e"]
    for name in RATES:
        out[name] = rates[name]
    return out


def _rates(c: Mapping[str, np.ndarray], e: float | None, rows: int) -> dict[str, np.ndarray]:
    """The one home of the AAPOR formulas (``RATE_FORMULAS``), on one float array per category."""
    interviews, i_plus_p = c["I"], c["I"] + c["P"]
    eligible = i_plus_p + c["R"] + c["NC"] + c["O"]
    unknown = c["UH"] + c["UO"]
    e_used = _ratio(eligible, eligible + c["NE"]) if e is None else np.full(rows, float(e))
    contacted = i_plus_p + c["R"] + c["O"]
    known, all_cases = eligible, eligible + unknown
    estimated = eligible + np.nan_to_num(e_used) * unknown
    estimated = np.where(np.isnan(e_used) & (unknown > 0), np.nan, estimated)
    return {
        "e": e_used,
        "RR1": _ratio(interviews, all_cases), "RR2": _ratio(i_plus_p, all_cases),
        "RR3": _ratio(interviews, estimated), "RR4": _ratio(i_plus_p, estimated),
        "RR5": _ratio(interviews, known), "RR6": _ratio(i_plus_p, known),
        "COOP1": _ratio(interviews, contacted), "COOP2": _ratio(i_plus_p, contacted),
        "COOP3": _ratio(interviews, i_plus_p + c["R"]), "COOP4": _ratio(i_plus_p, i_plus_p + c["R"]),
        "REF1": _ratio(c["R"], all_cases), "REF2": _ratio(c["R"], estimated), "REF3": _ratio(c["R"], known),
        "CON1": _ratio(contacted, all_cases), "CON2": _ratio(contacted, estimated), "CON3": _ratio(contacted, known),
    }  # fmt: skip

"""Charts for reports: estimates with confidence intervals, and diverging stacked bars for Likert items.

Both draw on a matplotlib ``Axes`` the caller may pass (to place the chart in a figure of their own) and return it,
so a notebook, a PDF report and a test can all use the same function. Nothing here picks a backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from questionnaires.record import value_text

from .results import ESTIMATE_COLUMNS

#: Matplotlib colour map of the Likert chart, negative to positive (ColorBrewer RdBu, readable in grey print).
DIVERGING_COLOURMAP = "RdBu"


def plot_estimates(
    results: pd.DataFrame,
    ax=None,
    label: str | None = None,
    estimate: str = "estimate",
    ci: tuple[str, str] = ("ci_low", "ci_high"),
    horizontal: bool = False,
    color: str = "#4878a8",
    title: str | None = None,
    value_label: str | None = None,
):
    """Bar chart of estimates with their confidence intervals, one bar per domain.

    Parameters
    ----------
    results : pandas.DataFrame
        A tidy estimate table (``estimate, se, ci_low, ci_high, deff, n`` plus domain columns), as the design's
        estimators return.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure's axes by default.
    label : str, optional
        Column naming each bar; by default the domain columns that precede the estimate columns, joined with
        " / " (so a ``by=["region", "area"]`` table reads "North / urban"), else the index.
    estimate : str, default "estimate"
        Column of bar heights.
    ci : (str, str), default ("ci_low", "ci_high")
        Columns of the interval drawn as error bars.
    horizontal : bool, default False
        Horizontal bars (better for many or long domain names).
    color : str
        Bar colour.
    title, value_label : str, optional
        Axes title and the label of the value axis (default: the estimate column's name).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    missing = [c for c in (estimate, *ci) if c not in results.columns]
    if missing:
        raise ValueError(f"results have no column {missing}; expected an estimate table with {estimate}, {ci}")
    names = _bar_names(results, label, (estimate, *ci))
    values = results[estimate].to_numpy(dtype=float)
    errors = np.vstack([values - results[ci[0]].to_numpy(dtype=float), results[ci[1]].to_numpy(dtype=float) - values])
    positions = np.arange(len(values))
    draw = ax.barh if horizontal else ax.bar
    draw(positions, values, color=color, label=value_label or estimate)
    ax.errorbar(values if horizontal else positions, positions if horizontal else values,
                xerr=errors if horizontal else None, yerr=None if horizontal else errors,
                fmt="none", ecolor="black", capsize=3)
    (ax.set_yticks if horizontal else ax.set_xticks)(positions, names)
    (ax.set_xlabel if horizontal else ax.set_ylabel)(value_label or estimate)
    if title:
        ax.set_title(title)
    return ax


def plot_likert(
    data: pd.DataFrame,
    ax=None,
    categories: Sequence[str] | None = None,
    labels: Mapping[str, str] | None = None,
    item_labels: Mapping[str, str] | None = None,
    neutral: str | None = None,
    colors: Sequence[str] | None = None,
    title: str | None = None,
):
    """Diverging stacked bar chart of Likert items: disagreement left of zero, agreement right.

    Parameters
    ----------
    data : pandas.DataFrame
        Either answers (one column per item, one row per respondent; missing answers are left out of the
        percentages) or a table of counts or shares (one row per item, one column per category). A frame whose
        columns are all among ``categories`` is a table; anything else is answers.
    ax : matplotlib.axes.Axes, optional
        Where to draw.
    categories : sequence of str, optional
        Response categories from the most negative to the most positive. Default: the columns of a table, or the
        categories of categorical answer columns, or the sorted distinct answers.
    labels : mapping, optional
        Legend text per category (e.g. from :func:`analysis.io.value_labels`).
    item_labels : mapping, optional
        Text per item for the bars' ticks.
    neutral : str, optional
        The middle category, split half left and half right of zero. Default: the middle one of an odd number.
    colors : sequence of str, optional
        One colour per category; default a red-to-blue diverging palette.
    title : str, optional
        Axes title.

    Returns
    -------
    matplotlib.axes.Axes
        One bar container per category, labelled with its legend text; widths are percentages of the item's
        answers.
    """
    ax = _axes(ax)
    shares = likert_shares(data, categories)
    cats = list(shares.columns)
    if neutral is None and len(cats) % 2 == 1:
        neutral = cats[len(cats) // 2]
    if neutral is not None and neutral not in cats:
        raise ValueError(f"neutral category {neutral!r} is not one of {cats}")
    middle = cats.index(neutral) if neutral is not None else len(cats) // 2
    palette = list(colors) if colors is not None else _palette(len(cats))
    left = -shares[cats[:middle]].sum(axis=1) - (shares[neutral] / 2 if neutral is not None else 0)
    positions = np.arange(len(shares))
    for cat, colour in zip(cats, palette, strict=False):
        width = shares[cat].to_numpy()
        ax.barh(positions, width, left=left.to_numpy(), color=colour, label=(labels or {}).get(cat, str(cat)))
        left = left + shares[cat]
    ax.axvline(0, color="black", linewidth=0.8)
    names = [(item_labels or {}).get(i, str(i)) for i in shares.index]
    ax.set_yticks(positions, names)
    ax.invert_yaxis()
    ax.set_xlabel("%")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=min(len(cats), 5), frameon=False)
    if title:
        ax.set_title(title)
    return ax


def likert_shares(data: pd.DataFrame, categories: Sequence[str] | None = None) -> pd.DataFrame:
    """Percent of each item's answers in each category, as :func:`plot_likert` draws them.

    Parameters
    ----------
    data : pandas.DataFrame
        Answers or a table of counts, as in :func:`plot_likert`.
    categories : sequence of str, optional
        Categories from the most negative to the most positive.

    Returns
    -------
    pandas.DataFrame
        Rows: items; columns: categories in order; each row sums to 100.

    Raises
    ------
    ValueError
        Answers outside the categories, or an item without any answer.
    """
    if categories is not None and set(map(str, data.columns)) <= set(map(str, categories)):
        table = data.astype(float)
        table.columns = [str(c) for c in table.columns]
        table = table.reindex(columns=[str(c) for c in categories], fill_value=0.0)
    else:
        cats = [str(c) for c in (categories or _answer_categories(data))]
        answers = data.apply(lambda col: col.astype(object).where(col.notna(), None).map(_code))
        strange = sorted({v for v in answers.stack().dropna() if v not in cats})
        if strange:
            raise ValueError(f"answers {strange[:5]} are not among the categories {cats}")
        table = pd.DataFrame({c: (answers == c).sum() for c in cats}).astype(float)
    totals = table.sum(axis=1)
    if (totals <= 0).any():
        raise ValueError(f"items {list(table.index[totals <= 0])} have no answers to chart")
    return table.div(totals, axis=0) * 100


def _answer_categories(data: pd.DataFrame) -> list[str]:
    first = data[data.columns[0]]
    if isinstance(first.dtype, pd.CategoricalDtype):
        return [str(c) for c in first.cat.categories]
    values = {_code(v) for col in data.columns for v in data[col].dropna()}
    return sorted(values, key=lambda v: (float(v), v) if _is_number(v) else (float("inf"), v))


def _code(value: object) -> str:
    if value is None:
        return None
    return value_text(value)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _palette(n: int) -> list:
    from matplotlib import colormaps

    return list(colormaps[DIVERGING_COLOURMAP](np.linspace(0.1, 0.9, n)))


def _bar_names(results: pd.DataFrame, label: str | None, stat_columns: Sequence[str]) -> list[str]:
    """The named column, else the leading domain columns joined ("North / urban"), else the index."""
    if label is not None:
        if label not in results.columns:
            raise ValueError(f"label column {label!r} is not in the results")
        return [str(v) for v in results[label]]
    stats = set(ESTIMATE_COLUMNS) | set(stat_columns)
    leading = []
    for column in results.columns:
        if column in stats:
            break
        leading.append(column)
    if not leading:
        return [str(v) for v in results.index]
    return [" / ".join(str(v) for v in row) for row in results[leading].itertuples(index=False)]


def _axes(ax):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(7, 4))[1]

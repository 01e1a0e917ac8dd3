"""Charts are checked through the artists they draw (bar sizes, error bars, labels), never through pixels."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402

from analysis.charts import likert_shares, plot_estimates, plot_likert  # noqa: E402

RESULTS = pd.DataFrame({
    "region": ["North", "Centre", "South"],
    "estimate": [3.2, 2.5, 4.0],
    "se": [0.1, 0.2, 0.15],
    "ci_low": [3.0, 2.1, 3.7],
    "ci_high": [3.4, 2.9, 4.3],
    "deff": [1.2, 1.1, 1.4],
    "n": [100, 80, 120],
})  # fmt: skip


@pytest.fixture
def ax():
    figure, axes = plt.subplots()
    yield axes
    plt.close(figure)


def _error_segments(ax) -> np.ndarray:
    container = next(c for c in ax.containers if isinstance(c, ErrorbarContainer))
    (bars,) = container.lines[2]
    return np.array(bars.get_segments())


def test_estimate_bars_have_the_estimates_as_heights_and_the_intervals_as_error_bars(ax):
    returned = plot_estimates(RESULTS, ax=ax)
    assert returned is ax
    bars = next(c for c in ax.containers if isinstance(c, BarContainer))
    assert [p.get_height() for p in bars.patches] == pytest.approx([3.2, 2.5, 4.0])
    segments = _error_segments(ax)
    assert segments[:, :, 1].min(axis=1) == pytest.approx([3.0, 2.1, 3.7])
    assert segments[:, :, 1].max(axis=1) == pytest.approx([3.4, 2.9, 4.3])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["North", "Centre", "South"]


def test_horizontal_estimates_put_domains_on_the_y_axis_with_a_title(ax):
    plot_estimates(RESULTS, ax=ax, horizontal=True, title="Satisfaction", value_label="Mean score")
    bars = next(c for c in ax.containers if isinstance(c, BarContainer))
    assert [p.get_width() for p in bars.patches] == pytest.approx([3.2, 2.5, 4.0])
    assert _error_segments(ax)[:, :, 0].min(axis=1) == pytest.approx([3.0, 2.1, 3.7])
    assert [t.get_text() for t in ax.get_yticklabels()] == ["North", "Centre", "South"]
    assert ax.get_title() == "Satisfaction" and ax.get_xlabel() == "Mean score"


def test_estimate_labels_come_from_the_named_column_or_the_index(ax):
    indexed = RESULTS.drop(columns="region").set_axis(["a", "b", "c"])
    plot_estimates(indexed, ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b", "c"]


def test_plot_estimates_without_an_axes_makes_one():
    made = plot_estimates(RESULTS)
    try:
        assert len(made.patches) == 3
    finally:
        plt.close(made.figure)


def test_estimates_without_interval_columns_are_refused(ax):
    with pytest.raises(ValueError, match=r"no column \['ci_low', 'ci_high'\]"):
        plot_estimates(RESULTS.drop(columns=["ci_low", "ci_high"]), ax=ax)


ANSWERS = pd.DataFrame({
    "Q1": ["1", "2", "3", "4", "5", "5", "4", "4", None, "2"],
    "Q2": ["1", "1", "1", "2", "3", "3", "4", "5", "5", "5"],
})  # fmt: skip


def test_likert_shares_are_percentages_of_each_items_answers():
    shares = likert_shares(ANSWERS, categories=["1", "2", "3", "4", "5"])
    # Q1: 9 answers (one missing): 1, 2, 1, 3, 2 of them in categories 1..5.
    assert shares.loc["Q1"].tolist() == pytest.approx([100 / 9, 200 / 9, 100 / 9, 300 / 9, 200 / 9])
    assert shares.loc["Q2"].tolist() == pytest.approx([30, 10, 20, 10, 30])


def test_likert_bars_diverge_around_the_middle_of_the_neutral_category(ax):
    returned = plot_likert(ANSWERS, ax=ax, categories=["1", "2", "3", "4", "5"],
                           labels={"1": "Very dissatisfied", "5": "Very satisfied"})
    assert returned is ax
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert len(bars) == 5
    q2 = [container.patches[1] for container in bars]  # the second item's segment in each category
    assert [p.get_width() for p in q2] == pytest.approx([30, 10, 20, 10, 30])
    # negative side: 30 + 10 + half of the neutral 20 = 50 left of zero
    assert q2[0].get_x() == pytest.approx(-50)
    assert q2[2].get_x() == pytest.approx(-10) and q2[3].get_x() == pytest.approx(10)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Very dissatisfied", "2", "3", "4", "Very satisfied"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Q1", "Q2"]


def test_likert_without_a_neutral_category_starts_agreement_at_zero(ax):
    answers = pd.DataFrame({"Q": ["A", "B", "C", "D", "D"]})
    plot_likert(answers, ax=ax, categories=["D", "C", "B", "A"])  # worst first
    bars = [c for c in ax.containers if isinstance(c, BarContainer)]
    assert [c.patches[0].get_x() for c in bars] == pytest.approx([-60, -20, 0, 20])


def test_likert_reads_a_table_of_counts_like_the_answers_it_counts(ax):
    table = pd.DataFrame({"no": [2, 1], "maybe": [1, 1], "yes": [1, 2]}, index=["Q1", "Q2"])
    plot_likert(table, ax=ax, categories=["no", "maybe", "yes"])
    widths = [p.get_width() for c in ax.containers if isinstance(c, BarContainer) for p in c.patches]
    assert widths == pytest.approx([50, 25, 25, 25, 25, 50])  # by category: no, maybe, yes; items Q1, Q2


def test_likert_takes_category_order_from_categorical_answers():
    order = ["no", "maybe", "yes"]
    answers = pd.DataFrame({"Q1": pd.Categorical(["yes", "no", "no", "maybe"], categories=order)})
    shares = likert_shares(answers)
    assert list(shares.columns) == order and shares.loc["Q1"].tolist() == pytest.approx([50, 25, 25])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"categories": ["1", "2", "3"]}, "answers ['4', '5'] are not among the categories"),
        ({"categories": ["1", "2", "3", "4", "5"], "neutral": "9"}, "neutral category '9' is not one of"),
    ],
)
def test_likert_refuses_answers_outside_its_categories(ax, kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        plot_likert(ANSWERS, ax=ax, **kwargs)
    assert message in str(excinfo.value)


def test_likert_refuses_an_item_without_answers(ax):
    with pytest.raises(ValueError, match=r"items \['Q9'\] have no answers"):
        plot_likert(pd.DataFrame({"Q9": [None, None]}), ax=ax, categories=["1", "2"])


def test_two_domain_columns_name_each_bar_together(ax):
    by_two = RESULTS.assign(area=["urban", "rural", "urban"])[["region", "area", *RESULTS.columns[1:]]]
    plot_estimates(by_two, ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["North / urban", "Centre / rural", "South / urban"]


def test_a_frequency_table_charts_its_percentages(ax):
    table = pd.DataFrame({"stype": ["E", "H"], "n": [3, 1], "count": [30.0, 10.0], "count_se": [1.0, 1.0],
                          "percent": [75.0, 25.0], "percent_se": [5.0, 5.0], "ci_low": [65.2, 15.2],
                          "ci_high": [84.8, 34.8], "deff": [1.0, 1.0]})
    plot_estimates(table, ax=ax, estimate="percent")
    assert [p.get_height() for p in ax.patches] == pytest.approx([75, 25])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["E", "H"]

"""Weighted frequency tables and the Rao-Scott test against R ``survey``'s printed output on the API data.

Source of the reference numbers: Thomas Lumley's R survey package site, "Tables and chi-squared tests",
http://r-survey.r-forge.r-project.org/survey/example-chisq.html, with
``dclus1 <- svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)``::

    > svytable(~sch.wide + stype, dclus1)
            stype
    sch.wide         E         H         M
         No   406.1640  101.5410  270.7760
         Yes 4467.8035  372.3170  575.3989
    > svychisq(~sch.wide + stype, dclus1)
    F = 5.1934, ndf = 1.495, ddf = 20.925, p-value = 0.02175
    > svychisq(~sch.wide + stype, dclus1, statistic = "Chisq")
    X-squared = 11.9409, df = 2, p-value = 0.005553

(with ``statistic="Chisq"`` R prints the unadjusted Pearson X^2 and the p-value of the first-order corrected one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.design import SurveyDesign
from analysis.tables import crosstab, frequency_table
from tests.reference_data import read_reference


@pytest.fixture(scope="module")
def dclus1() -> SurveyDesign:
    return SurveyDesign(read_reference("apiclus1.csv"), ids="dnum", weights="pw", fpc="fpc")


@pytest.fixture(scope="module")
def dstrat() -> SurveyDesign:
    data = read_reference("apistrat.csv")
    return SurveyDesign(data, strata="stype", weights="pw", fpc="fpc")


def test_weighted_counts_match_r_svytable(dclus1):
    counts = crosstab(dclus1, "sch.wide", "stype").counts
    assert list(counts.index) == ["No", "Yes"] and list(counts.columns) == ["E", "H", "M"]
    expected = [[406.1640, 101.5410, 270.7760], [4467.8035, 372.3170, 575.3989]]
    np.testing.assert_allclose(counts.to_numpy(dtype=float), expected, atol=5e-5)


def test_rao_scott_f_test_matches_r_svychisq_default(dclus1):
    test = crosstab(dclus1, "sch.wide", "stype").test
    assert test.statistic == pytest.approx(5.1934, abs=5e-5)
    assert test.ndf == pytest.approx(1.495, abs=5e-4)
    assert test.ddf == pytest.approx(20.925, abs=5e-4)
    assert test.p_value == pytest.approx(0.02175, abs=5e-6)


def test_first_order_chisq_matches_r_svychisq_chisq(dclus1):
    test = crosstab(dclus1, "sch.wide", "stype").test
    assert test.pearson == pytest.approx(11.9409, abs=5e-5)
    assert test.df == 2
    assert test.chisq_p_value == pytest.approx(0.005553, abs=5e-7)


def test_swapping_rows_and_columns_gives_the_same_test(dclus1):
    a = crosstab(dclus1, "sch.wide", "stype").test
    b = crosstab(dclus1, "stype", "sch.wide").test
    assert (b.statistic, b.ndf, b.p_value) == pytest.approx((a.statistic, a.ndf, a.p_value))


def test_crosstab_cells_carry_counts_and_row_and_column_percentages(dclus1):
    cells = crosstab(dclus1, "sch.wide", "stype").cells
    assert cells[["sch.wide", "stype"]].values.tolist()[:3] == [["No", "E"], ["No", "H"], ["No", "M"]]
    no_e = cells.iloc[0]
    assert no_e["count"] == pytest.approx(406.1640, abs=5e-5)
    assert no_e["col_percent"] == pytest.approx(100 * 406.1640 / (406.1640 + 4467.8035), abs=1e-5)
    assert cells.groupby("sch.wide")["row_percent"].sum().tolist() == pytest.approx([100, 100])
    assert cells["percent"].sum() == pytest.approx(100)
    assert cells["n"].sum() == 183


def test_frequency_table_agrees_with_the_design_proportion_estimator(dclus1):
    table = frequency_table(dclus1, "stype")
    reference = dclus1.proportion("stype")
    assert table["stype"].tolist() == reference["stype"].tolist() == ["E", "H", "M"]
    np.testing.assert_allclose(table["percent"], 100 * reference["estimate"])
    np.testing.assert_allclose(table["percent_se"], 100 * reference["se"])
    np.testing.assert_allclose(table["deff"], reference["deff"])
    assert table["n"].tolist() == [144, 14, 25]


def test_stratum_counts_are_known_exactly_in_a_stratified_design(dstrat):
    table = frequency_table(dstrat, "stype").set_index("stype")
    # The weights are N_h / n_h, so each stratum's weighted count is its population size, without error.
    assert table["count"].tolist() == pytest.approx([4421, 755, 1018])
    assert table["count_se"].tolist() == pytest.approx([0, 0, 0], abs=1e-6)


def test_a_categorical_keeps_its_order_and_unobserved_categories_in_a_frequency_table(dclus1):
    data = dclus1.data.assign(kind=pd.Categorical(dclus1.data["stype"], categories=["M", "H", "E", "X"]))
    design = SurveyDesign(data, ids="dnum", weights="pw", fpc="fpc")
    table = frequency_table(design, "kind")
    assert table["kind"].tolist() == ["M", "H", "E", "X"]
    assert table["n"].tolist()[-1] == 0 and table["percent"].iloc[-1] == 0
    # ...but a crosstab only tests the categories that occur, as R does
    assert crosstab(design, "kind", "sch.wide").test.statistic == pytest.approx(5.1934, abs=5e-5)


def test_missing_values_are_left_out_of_the_percentages(dclus1):
    data = dclus1.data.copy()
    data.loc[:9, "stype"] = None
    design = SurveyDesign(data, ids="dnum", weights="pw", fpc="fpc")
    table = frequency_table(design, "stype")
    assert table["n"].sum() == 173 and table["percent"].sum() == pytest.approx(100)
    with pytest.raises(ValueError, match=r"10 row\(s\) miss a value of \['stype'\]; pass na_rm=True"):
        frequency_table(design, "stype", na_rm=False)


def test_tables_explain_what_they_cannot_do(dclus1):
    with pytest.raises(ValueError, match=r"columns \['nope'\] are not in the design's data"):
        frequency_table(dclus1, "nope")
    design = SurveyDesign(dclus1.data.assign(same="x"), ids="dnum", weights="pw", fpc="fpc")
    with pytest.raises(ValueError, match="'same' has 1"):
        crosstab(design, "sch.wide", "same")


def test_after_raking_a_raked_variable_reproduces_its_margin_without_sampling_error(dclus1):
    from analysis import rake

    margins = {"stype": {"E": 4421, "H": 755, "M": 1018}, "sch.wide": {"No": 1072, "Yes": 5122}}
    raked = rake(dclus1, margins, tol=1e-10).design
    table = frequency_table(raked, "stype").set_index("stype")
    assert table["count"].tolist() == pytest.approx([4421, 755, 1018])
    # The raking is part of the design: the calibrated totals are known, so their standard errors vanish.
    assert table["count_se"].max() < 1e-6 * 6194
    assert frequency_table(dclus1, "stype")["count_se"].min() > 100


def test_many_categories_are_tabulated_in_blocks_with_the_same_result_as_one_by_one(dstrat):
    table = frequency_table(dstrat, "cname")
    reference = dstrat.proportion("cname")
    assert len(table) > 16 * 2  # more than two blocks of categories
    assert table["cname"].tolist() == reference["cname"].tolist()
    np.testing.assert_allclose(table["percent_se"], 100 * reference["se"], rtol=1e-9, atol=1e-12)

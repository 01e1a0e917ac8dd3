"""AAPOR outcome rates on a hand-built case whose every rate was worked out as an exact fraction.

The case: I=40, P=10, R=15, NC=20, O=5, UH=6, UO=4, NE=10. So the known-eligible cases are
S = 40+10+15+20+5 = 90, the unknowns U = 10, and AAPOR's proportional e = 90 / (90 + 10) = 9/10, giving
S + eU = 99. The fractions below come from the formulas in ``data/reference/README.md``.
"""

from __future__ import annotations

import warnings
from fractions import Fraction as F

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.rates import RATES, aapor_category, rates_from_counts, response_rates

CASE = {"I": 40, "P": 10, "R": 15, "NC": 20, "O": 5, "UH": 6, "UO": 4, "NE": 10}

EXPECTED_E_PROPORTIONAL = {
    "RR1": F(40, 100), "RR2": F(50, 100), "RR3": F(40, 99), "RR4": F(50, 99), "RR5": F(40, 90), "RR6": F(50, 90),
    "COOP1": F(40, 70), "COOP2": F(50, 70), "COOP3": F(40, 65), "COOP4": F(50, 65),
    "REF1": F(15, 100), "REF2": F(15, 99), "REF3": F(15, 90),
    "CON1": F(70, 100), "CON2": F(70, 99), "CON3": F(70, 90),
}  # fmt: skip


def _row(frame: pd.DataFrame) -> dict:
    assert len(frame) == 1
    return frame.iloc[0].to_dict()


def test_every_rate_matches_the_hand_computed_fraction_with_proportional_e():
    row = _row(response_rates(CASE))
    assert row["e"] == pytest.approx(float(F(9, 10)))
    for name, expected in EXPECTED_E_PROPORTIONAL.items():
        assert row[name] == pytest.approx(float(expected)), name
    assert set(RATES) == set(EXPECTED_E_PROPORTIONAL)


def test_a_given_e_changes_only_the_rates_that_use_it():
    # e = 1/2: S + eU = 90 + 5 = 95.
    row = _row(response_rates(CASE, e=0.5))
    assert row["RR3"] == pytest.approx(float(F(40, 95)))
    assert row["RR4"] == pytest.approx(float(F(50, 95)))
    assert row["REF2"] == pytest.approx(float(F(15, 95)))
    assert row["CON2"] == pytest.approx(float(F(70, 95)))
    assert row["RR1"] == pytest.approx(float(F(40, 100)))


def test_e_of_one_makes_rr3_equal_rr1_and_e_of_zero_makes_it_equal_rr5():
    one, zero = _row(response_rates(CASE, e=1)), _row(response_rates(CASE, e=0))
    assert one["RR3"] == pytest.approx(one["RR1"])
    assert zero["RR3"] == pytest.approx(zero["RR5"])


def test_ineligible_cases_enter_no_denominator_except_through_e():
    more_ineligible = dict(CASE, NE=1000)
    a, b = _row(response_rates(CASE, e=0.5)), _row(response_rates(more_ineligible, e=0.5))
    assert all(a[name] == pytest.approx(b[name]) for name in RATES)


def test_a_frame_of_cases_gives_the_same_rates_as_its_counts():
    cases = pd.DataFrame({"status": [code for code, n in CASE.items() for _ in range(n)]})
    from_cases = _row(response_rates(cases, disposition_col="status"))
    for name, expected in EXPECTED_E_PROPORTIONAL.items():
        assert from_cases[name] == pytest.approx(float(expected)), name
    assert from_cases["I"] == 40 and from_cases["NE"] == 10


def test_aapor_numeric_codes_are_read_into_their_categories():
    cases = pd.DataFrame({"code": ["1.1", "1.2", "2.11", "2.21", "2.31", "3.11", "3.21", "4.1", 1.1]})
    row = _row(response_rates(cases, disposition_col="code"))
    assert {d: row[d] for d in CASE} == {"I": 2, "P": 1, "R": 1, "NC": 1, "O": 1, "UH": 1, "UO": 1, "NE": 1}
    assert aapor_category("nc") == "NC"


def test_rates_by_group_with_an_overall_row():
    cases = pd.DataFrame({
        "province": ["A"] * 4 + ["B"] * 4,
        "status": ["I", "I", "R", "NC", "I", "NE", "UH", "UH"],
    })
    out = response_rates(cases, by="province", disposition_col="status", margins=True).set_index("province")
    assert list(out.index) == ["A", "B", "All"]
    assert out.at["A", "RR1"] == pytest.approx(2 / 4)
    # B: one eligible (I), one ineligible, so e = 1/2 and RR3 = 1 / (1 + 1/2 * 2).
    assert out.at["B", "e"] == pytest.approx(0.5)
    assert out.at["B", "RR3"] == pytest.approx(1 / 2)
    assert out.at["All", "I"] == 3 and out.at["All", "RR1"] == pytest.approx(3 / 7)


def test_a_counts_frame_with_several_rows_per_group_is_summed_within_the_group():
    counts = pd.DataFrame({"mode": ["web", "web", "paper"], "I": [3, 2, 1], "R": [1, 4, 0]})
    out = response_rates(counts, by="mode").set_index("mode")
    assert out.at["web", "I"] == 5 and out.at["web", "RR1"] == pytest.approx(5 / 10)
    assert out.at["paper", "RR1"] == pytest.approx(1.0)


def test_zero_denominators_give_nan_and_print_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        row = _row(response_rates({"NE": 5}))
        empty = _row(response_rates({}))
    assert pd.isna(row["RR1"]) and pd.isna(row["COOP1"]) and row["e"] == 0
    assert pd.isna(empty["RR3"]) and pd.isna(empty["e"])


def test_unknowns_with_no_known_case_leave_e_and_the_e_rates_undefined():
    row = _row(response_rates({"UH": 3}))
    assert pd.isna(row["e"]) and pd.isna(row["RR3"])
    assert row["RR1"] == 0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dispositions": {"I": -1}}, "counts must be numbers >= 0"),
        ({"dispositions": {"X": 3}}, "unknown disposition categories ['X']"),
        ({"dispositions": CASE, "e": 1.5}, "e must be a number between 0 and 1"),
        ({"dispositions": pd.DataFrame({"s": ["I", "9.9"]}), "disposition_col": "s"}, "'9.9'"),
        ({"dispositions": pd.DataFrame({"s": ["I", None]}), "disposition_col": "s"}, "no disposition in rows [1]"),
        ({"dispositions": pd.DataFrame({"I": [1]}), "by": "region"}, "['region'] are not in the data"),
        ({"dispositions": pd.DataFrame({"I": [1], "done": [2]})}, "['done'] are neither grouping columns"),
    ],
)
def test_bad_input_is_refused_with_a_message_naming_the_problem(kwargs, message):
    with pytest.raises(ValueError) as excinfo:
        response_rates(**kwargs)
    assert message in str(excinfo.value)


def test_rows_of_counts_held_as_arrays_get_the_rates_response_rates_gives_their_frame():
    rows = pd.DataFrame([CASE, {"I": 3, "NE": 2}, {"NE": 5}, {"UH": 3}]).fillna(0).astype(int)
    expected = response_rates(rows.assign(row=range(len(rows))), by="row")
    found = rates_from_counts({d: rows[d].tolist() for d in CASE})
    for name in ("e", *RATES):
        assert found[name] == pytest.approx(expected[name].to_numpy(), nan_ok=True), name
    assert found["RR1"][0] == pytest.approx(float(EXPECTED_E_PROPORTIONAL["RR1"]))
    assert found["RR1"][1] == 1 and pd.isna(found["RR1"][2])  # only ineligible cases: no rate


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"I": [1, -1]}, "count of I in row 1 is -1"),
        ({"I": [1], "X": [2]}, "unknown disposition categories ['X']"),
        ({"I": [1, 2], "R": [3]}, "one element per row"),
    ],
)
def test_bad_arrays_of_counts_are_refused_with_a_message_naming_the_problem(counts, message):
    with pytest.raises(ValueError) as excinfo:
        rates_from_counts(counts)
    assert message in str(excinfo.value)


counts_strategy = st.fixed_dictionaries({d: st.integers(min_value=0, max_value=10_000) for d in CASE})
# no per-example deadline: a loaded machine (a shared CI box, a benchmark beside) must not fail a correct rate
UNTIMED = settings(deadline=None)


@UNTIMED
@given(counts=counts_strategy, factor=st.integers(min_value=2, max_value=50))
def test_rates_depend_on_shares_not_on_the_size_of_the_sample(counts, factor):
    once = _row(response_rates(counts))
    scaled = _row(response_rates({d: n * factor for d, n in counts.items()}))
    for name in RATES:
        assert (pd.isna(once[name]) and pd.isna(scaled[name])) or scaled[name] == pytest.approx(once[name])


@UNTIMED
@given(counts=counts_strategy)
def test_every_rate_is_a_share_between_zero_and_one_and_rr1_is_the_most_conservative(counts):
    row = _row(response_rates(counts))
    values = [row[name] for name in RATES if not pd.isna(row[name])]
    assert all(0 <= v <= 1 for v in values)
    if not pd.isna(row["RR1"]) and not pd.isna(row["RR3"]):
        assert row["RR1"] <= row["RR3"] + 1e-12 and row["RR3"] <= row["RR5"] + 1e-12

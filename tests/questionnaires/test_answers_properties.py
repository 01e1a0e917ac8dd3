"""Whatever a browser (or a forged request) posts, check_page answers with values or problems, never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from questionnaires.answers import check_page
from questionnaires.loader import load_directory
from tests.questionnaires.broken_copies import VALID

(DEMO,) = load_directory(VALID)
TYPES = {"sex": str, "birth_year": int, "years_in_post": float, "position": str, "survey_date": str,
         "Q1": str, "Q1_why": str, "Q2": list, "Q3": str, "Q4_a": str, "Q4_b": str, "Q4_count": int, "consent": str}
posted = st.lists(st.text(max_size=30), max_size=3)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(section=st.sampled_from(DEMO.sections), data=st.data())
def test_any_posted_strings_give_typed_values_or_problems(section, data):
    names = [var for item in section.items for var in item.variables]
    form = data.draw(st.dictionaries(st.sampled_from([*names, "stray"]), posted, max_size=len(names) + 1))
    result = check_page(DEMO, section, form, {"sex": "1", "birth_year": 1970})
    for name, value in result.values.items():
        assert value is None or isinstance(value, TYPES[name]), (name, value)
    problem_vars = {p.variable for p in result.errors + result.warnings}
    assert problem_vars <= {*names, "stray"}
    assert ("stray" in form) == any(p.kind == "unknown_field" for p in result.errors)

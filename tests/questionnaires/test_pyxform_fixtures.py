"""pyxform's own test forms (tests/data/xlsform/pyxform/README.md) convert, validate and are answered alike by
the server and the browser engine: relevance, calculations and "specify other" on the same answers."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pyxform.xls2xform import convert

from questionnaires.answers import apply_relevance, check_page
from questionnaires.xlsform import convert_xlsform

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "xlsform" / "pyxform"
BATCH = Path(__file__).resolve().parents[1] / "js" / "evaluate_batch.js"
FORMS = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".xls", ".xlsx"))


@pytest.mark.parametrize("name", FORMS)
def test_each_fixture_converts_with_pyxform_and_with_us(name):
    convert(xlsform=str(FIXTURES / name), warnings=[])  # pyxform accepts it: the fixture is a real XLSForm
    conversion = convert_xlsform(FIXTURES / name)
    assert conversion.ok, [str(p) for p in conversion.problems]


def _questionnaire(name):
    conversion = convert_xlsform(FIXTURES / name)
    assert conversion.ok, [str(p) for p in conversion.problems]
    return conversion.questionnaire


def _browser(cases: list[dict]) -> list:
    node = shutil.which("node") or "/usr/bin/node"
    result = subprocess.run([node, str(BATCH)], input=json.dumps(cases), capture_output=True, text=True,
                            timeout=60, check=True)
    return [r.get("value", r) for r in json.loads(result.stdout)]


def _answer(questionnaire, posted: dict[str, str]) -> tuple[dict, frozenset[str]]:
    """One page answered on the server: typed values (calculations included) and the not-applicable items."""
    [section] = questionnaire.sections
    result = check_page(questionnaire, section, {k: [v] for k, v in posted.items()}, {})
    assert result.errors == [], result.errors
    answers = {k: v for k, v in result.values.items() if v is not None}
    return apply_relevance(questionnaire, answers)


CASCADE_CASES = [
    ({"mylga_zone": "zone_1", "mylga_state_in_zone_1": "state_2", "mylga_lga_in_state_2": "lga_4"},
     {"mylga_state": "state_2", "mylga": "lga_4"}),
    ({"mylga_zone": "zone_2", "mylga_state_in_zone_2": "state_4", "mylga_lga_in_state_4": "lga_1",
      "mylga_state_in_zone_1": "state_1"},  # an answer to a question the zone hides: dropped
     {"mylga_state": "state_4", "mylga": "lga_1"}),
    ({"mylga_zone": "zone_1"}, {"mylga_state": None, "mylga": "ERROR"}),  # no state yet: missing, not ERROR
]


@pytest.mark.parametrize(("posted", "computed"), CASCADE_CASES)
def test_the_cascade_of_relevance_and_calculations_is_judged_alike_by_both_engines(posted, computed):
    questionnaire = _questionnaire("cascading_select_test_equivalent.xls")
    answers, hidden = _answer(questionnaire, posted)
    assert {k: answers.get(k) for k in computed} == computed
    assert all(answers.get(k) == v for k, v in posted.items() if k not in hidden)
    shown = {i.id for i in questionnaire.items()} - hidden
    assert {k for k in posted if k not in shown} <= {"mylga_state_in_zone_1"}
    items = [i for i in questionnaire.items() if i.relevant or i.calculation]
    browser = _browser([{"source": i.relevant or i.calculation, "answers": answers} for i in items])
    for item, value in zip(items, browser, strict=True):
        if item.calculation:
            assert value == answers.get(item.id, ""), item.id  # "" is missing in both engines
        else:
            assert (value is True) == (item.id in shown), item.id


def test_specify_other_asks_for_the_text_only_when_other_is_chosen():
    questionnaire = _questionnaire("specify_other.xlsx")
    assert questionnaire.item("sex").scale.codes == ("male", "female", "other")
    _, hidden = _answer(questionnaire, {"sex": "female"})
    assert "sex_other" in hidden
    answers, hidden = _answer(questionnaire, {"sex": "other", "sex_other": "prefer to self-describe"})
    assert "sex_other" not in hidden and answers["sex_other"] == "prefer to self-describe"
    relevant = questionnaire.item("sex_other").relevant
    assert _browser([{"source": relevant, "answers": {"sex": "other"}},
                     {"source": relevant, "answers": {"sex": "male"}}]) == [True, False]


def test_a_form_in_english_keeps_its_language_and_its_translations():
    questionnaire = _questionnaire("field-list.xlsx")
    assert questionnaire.default_language == "en"
    assert questionnaire.sections[0].title.get("en") == "field_list"  # a group without a label
    item = questionnaire.item("table_list_question")
    assert (item.text.get("en"), item.hint.get("en")) == ("table list question", "hint")
    assert item.scale.option("yes").label.get("zh") == "是"


def test_comment_rows_are_skipped_and_an_old_xls_is_read():
    assert [i.id for i in _questionnaire("yes_or_no_question.xls").items()] == ["good_day"]
    questionnaire = _questionnaire("allow_comment_rows_test.xls")
    assert len(list(questionnaire.items())) >= 1

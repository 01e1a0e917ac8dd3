"""Piping and a province -> district -> commune cascade in a real Chromium, with JavaScript on (the same forms
are answered without script in tests/survey_app/test_cascading_choices.py and test_question_features.py)."""

from __future__ import annotations

import pytest

from tests.browser.test_par_form import press_next

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def cascade_code(app, tmp_path) -> str:
    import yaml

    from questionnaires.build import thaw
    from questionnaires.loader import load_file
    from tests.survey_app.respondent_support import make_closed_survey
    from tests.survey_app.test_cascading_choices import CASCADE, COMMUNES_CSV

    (tmp_path / "communes.csv").write_text(COMMUNES_CSV, encoding="utf-8")
    path = tmp_path / "cascade.yaml"
    path.write_text(yaml.safe_dump(CASCADE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with app.app_context():
        return make_closed_survey(thaw(load_file(path).raw), count=1)[0]


@pytest.fixture
def features_code(app) -> str:
    from tests.survey_app.respondent_support import make_closed_survey
    from tests.survey_app.test_question_features import FEATURES

    with app.app_context():
        return make_closed_survey(FEATURES, count=1)[0]


def visible_values(page, name: str) -> list[str]:
    return page.eval_on_selector_all(f"input[name={name}]",
                                     "els => els.filter(e => !e.closest('label').hidden).map(e => e.value)")


def test_the_district_list_follows_the_province_live_and_the_commune_list_follows_the_district(
        browser, base_url, cascade_code):
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/s/{cascade_code}")
    assert visible_values(page, "district") == ["hoan_kiem", "ba_dinh", "quan_1"]
    page.locator("#q-province input[value='HCM']").check()
    assert visible_values(page, "district") == ["quan_1"]
    page.locator("#q-district input[value='quan_1']").check()
    page.locator("#q-province input[value='HN']").check()  # the chosen district no longer fits: unticked
    assert visible_values(page, "district") == ["hoan_kiem", "ba_dinh"]
    assert not page.locator("#q-district input[value='quan_1']").is_checked()
    page.locator("#q-district input[value='hoan_kiem']").check()
    press_next(page)
    assert visible_values(page, "commune") == ["hk_1", "hk_2"]


def test_an_answer_is_piped_into_the_next_question_as_it_is_given(browser, base_url, features_code):
    page = browser.new_context().new_page()
    page.goto(f"{base_url}/s/{features_code}")
    assert page.locator("#country").input_value() == "Việt Nam" and not page.locator("#country").is_editable()
    page.locator("#q-consent input").check()
    assert page.locator("#q-chosen").inner_text() == "Ông/Bà đã chọn:"
    page.locator("#q-office input[value='one_stop']").check()
    assert page.locator("#q-chosen").inner_text() == "Ông/Bà đã chọn: Bộ phận Một cửa"  # piped live
    assert not page.locator("#q-office_other").is_visible()
    page.locator("#q-office input[value='other']").check()
    assert page.locator("#q-office_other").is_visible()  # or_other's "please specify", shown live
    page.locator("#q-office_other input").fill("Tòa án")
    page.locator("#visits").fill("3")
    press_next(page)
    assert page.locator("#q-rating .question-text").inner_text() == "Ông/Bà đánh giá Khác thế nào?"
    assert "Ông/Bà đã đến 3 lần (6 lượt)" in page.locator("#q-rating .hint").inner_text()

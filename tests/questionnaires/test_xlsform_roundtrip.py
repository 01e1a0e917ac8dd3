"""Real-style XLSForms round-trip: import -> YAML -> load gives the questions, options, logic and texts authored
in Excel, in both languages."""

from __future__ import annotations

import pytest

from questionnaires.answers import check_page, is_relevant
from questionnaires.model import ItemType, Required
from tests.data.xlsform import forms
from tests.data.xlsform.forms import with_cells
from tests.data.xlsform.helpers import round_trip, warnings


@pytest.fixture
def par(tmp_path):
    return round_trip(forms.PAR_DEPT_LEADER, tmp_path)


@pytest.fixture
def sipas(tmp_path):
    return round_trip(forms.SIPAS_CITIZEN, tmp_path)


@pytest.fixture
def province(tmp_path):
    return round_trip(forms.PROVINCE_ONE_STOP, tmp_path)


def test_par_form_keeps_identity_methodology_and_group_from_settings(par):
    questionnaire, _ = par
    assert questionnaire.key == "par_dept_leader_2024@2024.1"
    assert questionnaire.methodology.id == "par_province_2021"
    assert questionnaire.respondent_groups == ("dept_leader",)
    assert questionnaire.title.get("vi") == "Phiếu khảo sát lãnh đạo sở"
    assert questionnaire.title.get("en") == "Survey of department leaders"


def test_par_groups_become_sections_in_sheet_order_with_both_languages(par):
    questionnaire, _ = par
    assert [s.id for s in questionnaire.sections] == ["info", "F1", "F3"]
    f1 = questionnaire.sections[1]
    assert f1.title.get("vi") == "Công tác chỉ đạo, điều hành cải cách hành chính"
    assert f1.title.get("en") == "Steering and managing PAR"
    assert [i.id for i in f1.items] == ["Q1", "Q2", "Q3", "Q3b"]


def test_group_hint_becomes_the_section_description(tmp_path):
    form = with_cells(forms.PAR_DEPT_LEADER, survey_E7="Đánh giá năm 2024", survey_F7="Rate the year 2024")
    questionnaire, _ = round_trip(form, tmp_path)
    assert questionnaire.sections[1].description.get("en") == "Rate the year 2024"


def test_par_weighted_list_becomes_a_scored_rating_with_a_never_scored_dont_know(par):
    questionnaire, _ = par
    q1 = questionnaire.item("Q1")
    assert q1.type is ItemType.RATING
    assert q1.is_scored and q1.criterion == "F1.C3.S1"
    assert q1.required is Required.YES
    assert q1.scale.codes == ("A", "B", "C", "D", "E")
    assert [o.weight for o in q1.scale.options[:4]] == [1.0, 0.6, 0.2, 0.0]
    dont_know = q1.scale.option("E")
    assert dont_know.missing and dont_know.weight is None
    assert dont_know.label.get("en") == "Don't know"


def test_par_question_may_use_a_scale_of_the_methodology_by_list_name(par):
    questionnaire, conversion = par
    q3b = questionnaire.item("Q3b")
    assert q3b.scale.id == "opt4_effectiveness"
    assert q3b.type is ItemType.RATING
    assert "opt4_effectiveness" not in conversion.definition["scales"]


def test_par_relevance_shows_the_follow_up_only_after_yes(par):
    questionnaire, _ = par
    q3b = questionnaire.item("Q3b")
    assert q3b.relevant == "${Q3} = 'yes'"
    assert is_relevant(questionnaire, q3b, {"Q3": "yes"})
    assert not is_relevant(questionnaire, q3b, {"Q3": "no"})
    f3 = questionnaire.sections[2]
    assert not is_relevant(questionnaire, f3, {"position": "other"})
    assert is_relevant(questionnaire, f3, {"position": "director"})


def test_par_constraint_and_its_message_reach_the_respondent(par):
    questionnaire, _ = par
    item = questionnaire.item("years_in_post")
    assert item.type is ItemType.INTEGER
    assert item.hint.get("en") == "Round down"
    assert item.constraint_message.get("vi") == "Từ 0 đến 40 năm"
    info = questionnaire.sections[0]
    result = check_page(questionnaire, info, {"position": ["director"], "years_in_post": ["55"]}, {})
    assert [(e.variable, e.kind) for e in result.errors] == [("years_in_post", "constraint")]
    ok = check_page(questionnaire, info, {"position": ["director"], "years_in_post": ["12"]}, {})
    assert ok.errors == [] and ok.values["years_in_post"] == 12


def test_par_select_multiple_and_multiline_text(par):
    questionnaire, _ = par
    q4, q5 = questionnaire.item("Q4"), questionnaire.item("Q5")
    assert q4.type is ItemType.MULTIPLE_CHOICE and q4.scale.codes == ("hotline", "portal", "in_person")
    assert q4.constraint == "count-selected(.) >= 1"
    assert q5.type is ItemType.LONG_TEXT
    assert is_relevant(questionnaire, q5, {"position": "deputy", "Q4": ["hotline"]})
    assert not is_relevant(questionnaire, q5, {"position": "deputy", "Q4": ["portal"], "Q1": "A"})


def test_par_metadata_row_is_skipped_with_a_warning(par):
    _, conversion = par
    assert warnings(conversion) == ["survey!A2: metadata 'start' is skipped: parsurvey records its own times"]


def test_sipas_plain_label_column_is_vietnamese_and_english_column_is_kept(sipas):
    questionnaire, _ = sipas
    gender = questionnaire.item("gender")
    assert gender.text.get("vi") == "Giới tính" and gender.text.get("en") == "Gender"
    assert gender.scale.option("2").label.get("en") == "Female"
    assert questionnaire.title.get("vi") == "Phiếu khảo sát sự hài lòng của người dân"


def test_sipas_table_list_group_becomes_a_matrix_with_one_row_per_question(sipas):
    questionnaire, _ = sipas
    grid = questionnaire.item("sat_grid")
    assert grid.type is ItemType.MATRIX
    assert grid.text.get("en") == "How satisfied are you with:"
    assert [(r.id, r.criterion) for r in grid.rows] == [
        ("sat_access", "II.A"), ("sat_proc", "II.B"), ("sat_staff", "II.C")]
    assert grid.variables == ("sat_access", "sat_proc", "sat_staff")
    assert grid.required is Required.YES
    assert grid.scale.option("9").missing


def test_sipas_rating_section_only_for_those_who_used_a_service(sipas):
    questionnaire, _ = sipas
    section = next(s for s in questionnaire.sections if s.id == "sat")
    assert not is_relevant(questionnaire, section, {"services": []})
    assert is_relevant(questionnaire, section, {"services": ["civil"]})
    overall = questionnaire.item("sat_overall")
    assert not overall.is_scored
    assert is_relevant(questionnaire, overall, {"services": ["land", "civil"]})
    assert not is_relevant(questionnaire, overall, {"services": ["civil"]})


def test_sipas_at_most_three_priorities(sipas):
    questionnaire, _ = sipas
    section = next(s for s in questionnaire.sections if s.id == "exp")
    four = check_page(questionnaire, section, {"priorities": ["online", "time", "fees", "attitude"]}, {})
    three = check_page(questionnaire, section, {"priorities": ["online", "time", "fees"]}, {})
    assert [e.kind for e in four.errors] == ["constraint"]
    assert three.errors == []


def test_province_questions_outside_groups_get_a_section_titled_like_the_form(province):
    questionnaire, _ = province
    first = questionnaire.sections[0]
    assert first.id == "section_1"
    assert first.title.get("vi") == "Khảo sát Bộ phận Một cửa tỉnh"
    assert [(i.id, i.type) for i in first.items] == [
        ("welcome", ItemType.NOTE), ("visit_date", ItemType.DATE), ("visits", ItemType.INTEGER),
        ("wait_hours", ItemType.DECIMAL)]


def test_province_numeric_version_cell_is_read_as_text(province):
    questionnaire, _ = province
    assert questionnaire.version == "3"


def test_province_soft_required_warns_and_then_lets_the_respondent_go_on(province):
    questionnaire, _ = province
    first = questionnaire.sections[0]
    assert questionnaire.item("visit_date").required is Required.SOFT
    result = check_page(questionnaire, first, {"visits": ["2"], "wait_hours": ["1.5"]}, {})
    assert result.errors == []
    assert [(w.variable, w.kind) for w in result.warnings] == [("visit_date", "soft_required")]
    assert check_page(questionnaire, first, {"visits": ["2"]}, {}, soft_acknowledged=True).warnings == []


def test_province_date_constraint_rejects_an_earlier_visit(province):
    questionnaire, _ = province
    first = questionnaire.sections[0]
    result = check_page(questionnaire, first, {"visit_date": ["2023-12-31"], "visits": ["1"]}, {})
    assert [(e.variable, e.kind) for e in result.errors] == [("visit_date", "constraint")]
    assert result.errors[0].params["message"].get("vi") == "Chỉ tính các lần đến từ năm 2024"


def test_province_nested_group_is_flattened_with_its_relevance_and_a_heading(province):
    questionnaire, conversion = province
    feedback = questionnaire.sections[1]
    assert [i.id for i in feedback.items] == ["fee_asked", "fee_detail", "fee_amount", "fee_who"]
    assert questionnaire.item("fee_detail").type is ItemType.NOTE
    fee_who = questionnaire.item("fee_who")
    assert not is_relevant(questionnaire, fee_who, {"fee_asked": "no", "fee_amount": 500.0})
    assert not is_relevant(questionnaire, fee_who, {"fee_asked": "yes", "fee_amount": 50.0})
    assert is_relevant(questionnaire, fee_who, {"fee_asked": "yes", "fee_amount": 500.0})
    assert warnings(conversion) == [
        "survey!A8: group 'fee_detail' is flattened into section 'feedback' (sections do not nest)"]

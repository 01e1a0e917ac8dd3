"""What cannot be converted is reported as one line per problem naming sheet, row and column."""

from __future__ import annotations

from questionnaires.xlsform.workbook import language_code
from tests.data.xlsform import forms
from tests.data.xlsform.forms import with_cells
from tests.data.xlsform.helpers import convert, lines, warnings


def test_unsupported_form_lists_every_problem_at_its_cell(tmp_path):
    conversion = convert(forms.UNSUPPORTED, tmp_path)
    assert not conversion.ok and conversion.questionnaire is None
    reported = lines(conversion)
    expected_starts = [
        "survey!A3: repeat groups are not supported",
        "survey!A6: type 'geopoint' is not supported",
        "survey!D7: media column 'image' is not supported",
    ]
    assert len(reported) == len(expected_starts)
    for line, start in zip(reported, expected_starts, strict=True):
        assert line.startswith(start), line


def test_workbook_without_survey_sheet_names_the_sheets_it_found(tmp_path):
    conversion = convert(forms.NO_SURVEY_SHEET, tmp_path, name="province.xlsx")
    assert lines(conversion) == [
        "province.xlsx: the workbook has no 'survey' sheet (sheets found: 'questions', 'settings')"]


def test_unknown_list_suggests_the_close_name_and_duplicate_name_points_at_the_first(tmp_path):
    conversion = convert(forms.UNKNOWN_LIST_AND_DUPLICATE_NAME, tmp_path)
    assert lines(conversion) == [
        "survey!A2: list 'yesno' is not on the choices sheet (did you mean 'yes_no'?)",
        "survey!B4: duplicate name 'q2' (first used at survey!B3)",
    ]


def test_file_that_is_not_a_workbook_gets_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "form.xlsx"
    path.write_text("type,name,label\n", encoding="utf-8")
    from questionnaires.xlsform import convert_xlsform

    [line] = lines(convert_xlsform(path))
    assert line.startswith("form.xlsx: cannot read the workbook (is it an .xlsx file?)")


def test_problems_found_by_the_loader_point_back_to_their_cells(tmp_path):
    broken = with_cells(forms.PAR_DEPT_LEADER, choices_E5=1.5, survey_H9="${Q9} = 'A'", survey_L8="F9.C9.S9",
                        survey_I5=". >= 0 and foo(.)")
    assert lines(convert(broken, tmp_path)) == [
        "survey!I5: expression error: unknown function 'foo' at column 12",
        "survey!L8: criterion 'F9.C9.S9' is not a sub-criterion of methodology 'par_province_2021'",
        "survey!H9: unknown item 'Q9' in expression",
        "choices!E5: option weight 1.5 is outside [0, 1]",
    ]


def test_a_form_without_vietnamese_is_imported_in_its_own_language_to_be_translated(tmp_path):
    english_only = with_cells(forms.PROVINCE_ONE_STOP, survey_C1="label::English (en)",
                              survey_G1="constraint_message::English (en)",
                              choices_C1="label::English (en)", settings_C1="form_title::English (en)")
    conversion = convert(english_only, tmp_path)
    assert conversion.ok, lines(conversion)
    assert conversion.questionnaire.default_language == "en"
    assert conversion.questionnaire.item("visits").text.get("vi") == "Số lần ông/bà đến trong năm"  # the text given
    assert ("settings: the form has no Vietnamese texts: it is imported in its own language ('en'); translate "
            "every text to Vietnamese (vi) before publishing it") in warnings(conversion)


def test_a_sheet_without_a_column_in_the_forms_language_is_told_once_at_the_header(tmp_path):
    english_choices = with_cells(forms.PROVINCE_ONE_STOP, choices_C1="label::English (en)")
    assert lines(convert(english_choices, tmp_path)) == [
        "choices!C1: the sheet has label columns but none in Vietnamese: add a column 'label::Vietnamese (vi)'",
    ]


def test_one_question_without_vietnamese_text_is_named(tmp_path):
    form = with_cells(forms.PAR_DEPT_LEADER, survey_C8=None)
    assert lines(convert(form, tmp_path)) == ["survey!D8: the label of question 'Q1' has no Vietnamese text"]


def test_default_language_setting_decides_the_language_of_plain_columns(tmp_path):
    form = with_cells(forms.PROVINCE_ONE_STOP, settings_D1="default_language", settings_D2="English (en)")
    conversion = convert(form, tmp_path)
    assert conversion.ok and conversion.questionnaire.default_language == "en"
    assert conversion.questionnaire.item("welcome").text.translations == {
        "en": "Xin cảm ơn ông/bà đã tham gia khảo sát về Bộ phận Một cửa."}


def test_conditional_required_is_reported(tmp_path):
    form = with_cells(forms.PROVINCE_ONE_STOP, survey_D5="${visits} > 3")
    assert lines(convert(form, tmp_path)) == [
        "survey!D5: required must be yes, no or soft, not '${visits} > 3' (a condition cannot be converted)"]


def test_missing_version_defaults_as_pyxform_and_can_be_given_on_the_command_line(tmp_path):
    form = with_cells(forms.PROVINCE_ONE_STOP, settings_B2=None)
    conversion = convert(form, tmp_path)
    assert conversion.ok and conversion.questionnaire.version == "1"
    assert "settings: no version: the questionnaire version is '1' (add a 'version' column to the settings sheet " \
           "or give --version)" in warnings(conversion)
    assert convert(form, tmp_path, version="2024.9").questionnaire.version == "2024.9"


def test_without_form_id_the_id_comes_from_the_file_name(tmp_path):
    form = with_cells(forms.PROVINCE_ONE_STOP, settings_A2=None)
    conversion = convert(form, tmp_path, name="Quang Nam 2024.xlsx")
    assert conversion.questionnaire.id == "quang_nam_2024"
    assert "settings: no form_id: the questionnaire id 'quang_nam_2024' comes from the file name" in warnings(
        conversion)


def test_unknown_methodology_lists_the_known_ones_at_the_cell_or_option_that_named_it(tmp_path):
    in_sheet = convert(with_cells(forms.PAR_DEPT_LEADER, settings_F2="par_2099"), tmp_path)
    assert lines(in_sheet)[0] == "settings!F2: unknown methodology 'par_2099' (known: par_province_2021, sipas_2023)"
    by_option = convert(forms.PAR_DEPT_LEADER, tmp_path, methodology="par_2099")
    assert lines(by_option)[0] == "--methodology: unknown methodology 'par_2099' (known: par_province_2021, sipas_2023)"


def test_repeated_column_is_reported_at_its_header(tmp_path):
    form = with_cells(forms.PROVINCE_ONE_STOP, survey_H1="relevance")
    assert lines(convert(form, tmp_path)) == ["survey!H1: column 'relevance' repeats column E ('relevant')"]


def test_scored_column_accepts_only_yes_or_no(tmp_path):
    form = with_cells(forms.SIPAS_CITIZEN, survey_J14="maybe")
    assert lines(convert(form, tmp_path)) == ["survey!J14: scored must be yes or no, not 'maybe'"]


def test_unclosed_and_unopened_groups_are_reported(tmp_path):
    unclosed = with_cells(forms.PROVINCE_ONE_STOP, survey_A12=None)
    assert "survey!A6: group 'feedback' is never closed (no 'end group' row)" in lines(convert(unclosed, tmp_path))
    extra = {**forms.PROVINCE_ONE_STOP, "survey": [*forms.PROVINCE_ONE_STOP["survey"], ["end group"]]}
    assert lines(convert(extra, tmp_path)) == ["survey!A13: 'end group' without a matching begin row"]


def test_table_list_group_that_cannot_be_a_matrix_stays_separate_questions(tmp_path):
    form = with_cells(forms.SIPAS_CITIZEN, survey_A11="select_one gender")
    conversion = convert(form, tmp_path)
    assert conversion.ok
    assert warnings(conversion) == [
        "survey!A9: group 'sat_grid' is flattened into section 'sat' (sections do not nest)",
        "survey!I9: table-list group 'sat_grid' is kept as separate questions, not a matrix: all its questions "
        "must use the same list",
    ]
    assert conversion.questionnaire.item("sat_grid").type.value == "note"


def test_other_sheets_are_ignored_with_a_warning(tmp_path):
    form = {**forms.PROVINCE_ONE_STOP, "Hướng dẫn": [["Cách điền phiếu"]]}
    conversion = convert(form, tmp_path)
    assert conversion.ok
    assert "form.xlsx: sheet 'hướng dẫn' is ignored" in warnings(conversion)


def test_unreadable_language_column_is_reported_at_its_header(tmp_path):
    form = with_cells(forms.PAR_DEPT_LEADER, survey_D1="label::Klingon")
    assert lines(convert(form, tmp_path)) == [
        "survey!D1: cannot tell the language of column 'label::Klingon': write its code in brackets, "
        "e.g. 'label::Vietnamese (vi)'"]


def test_language_names_and_codes_are_understood():
    assert language_code("English (en)") == "en"
    assert language_code("Tiếng Việt") == "vi"
    assert language_code("vi-VN") == "vi"
    assert language_code("Français") is None


def test_survey_sheet_with_only_its_header_has_no_questions(tmp_path):
    form = {**forms.PROVINCE_ONE_STOP, "survey": [forms.PROVINCE_ONE_STOP["survey"][0]]}
    assert lines(convert(form, tmp_path)) == ["survey: the survey sheet has no questions"]


def test_names_that_cannot_be_variable_names_and_empty_groups_are_reported(tmp_path):
    rows = [["text", "so-tien", "Số tiền"], ["begin group", "empty", "Trống"], ["end group"]]
    form = {**forms.PROVINCE_ONE_STOP, "survey": [*forms.PROVINCE_ONE_STOP["survey"], *rows]}
    assert lines(convert(form, tmp_path)) == [
        "survey!B13: name 'so-tien' must start with a letter and hold only letters, digits and '_' "
        "(it becomes a variable name in SPSS and Stata)",
        "survey!A14: group 'empty' has no questions",
    ]


def test_survey_sheet_without_type_column_is_reported_at_its_header(tmp_path):
    form = {**forms.PROVINCE_ONE_STOP, "survey": [["name", "label"], ["q1", "Câu hỏi"]]}
    assert lines(convert(form, tmp_path)) == ["survey!A1: the survey sheet has no 'type' column"]

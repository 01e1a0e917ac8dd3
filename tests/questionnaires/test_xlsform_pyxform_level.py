"""Forms that pyxform accepts are accepted with the same meaning (issue 13, "Why"): one test per defect found."""

from __future__ import annotations

import warnings as python_warnings
import zipfile
from pathlib import Path

from questionnaires.expressions import parse
from questionnaires.xlsform import convert_xlsform
from tests.data.xlsform.forms import write_workbook
from tests.data.xlsform.helpers import convert, lines, round_trip, warnings

SETTINGS = [["form_id", "version", "form_title"], ["small_form", "1", "Phiếu nhỏ"]]
CHOICES = [["list_name", "name", "label"], ["yes_no", "yes", "Có"], ["yes_no", "no", "Không"]]


def _form(*rows, header=("type", "name", "label"), settings=SETTINGS, choices=CHOICES) -> dict:
    return {"survey": [list(header), *[list(r) for r in rows]], "choices": choices, "settings": settings}


def test_bind_relevant_and_bind_constraint_columns_keep_their_skip_logic(tmp_path):
    form = _form(["select_one yes_no", "q1", "Câu 1"],
                 ["integer", "q2", "Câu 2", "${q1} = 'yes'", ". > 0", "Phải lớn hơn 0"],
                 header=("type", "name", "label", "bind::relevant", "bind:constraint", "bind::jr:constraintMsg"))
    questionnaire, conversion = round_trip(form, tmp_path)
    q2 = questionnaire.item("q2")
    assert (q2.relevant, q2.constraint, q2.constraint_message.get("vi")) == ("${q1} = 'yes'", ". > 0",
                                                                             "Phải lớn hơn 0")
    assert not any("ignored" in w for w in warnings(conversion))


def test_settings_without_version_and_title_default_as_pyxform_does(tmp_path):
    form = _form(["text", "q1", "Câu 1"], settings=[["form_id"], ["my_form"]])
    questionnaire, conversion = round_trip(form, tmp_path)
    assert (questionnaire.id, questionnaire.version, questionnaire.title.get("vi")) == ("my_form", "1", "my_form")
    assert "settings: no version: the questionnaire version is '1' (add a 'version' column to the settings sheet " \
           "or give --version)" in warnings(conversion)
    assert "settings: no form_title: the title is the form id 'my_form'" in warnings(conversion)


def test_a_workbook_without_settings_sheet_is_named_after_its_file(tmp_path):
    form = {"survey": [["type", "name", "label"], ["text", "q1", "Câu 1"]]}
    conversion = convert(form, tmp_path, name="Household 2024.xlsx")
    assert conversion.ok, lines(conversion)
    assert (conversion.questionnaire.id, conversion.questionnaire.version) == ("household_2024", "1")


def test_a_group_without_a_label_becomes_a_page_titled_with_the_form_title(tmp_path):
    form = _form(["begin group", "g1"], ["text", "q1", "Câu 1"], ["end group"])
    questionnaire, conversion = round_trip(form, tmp_path)
    assert questionnaire.sections[0].id == "g1"
    assert questionnaire.sections[0].title.get("vi") == "Phiếu nhỏ"
    assert "survey!C2: group 'g1' has no label: its page is titled with the form title" in warnings(conversion)


def test_a_note_without_a_name_is_kept_with_a_generated_name(tmp_path):
    form = _form(["note", None, "Xin cảm ơn ông/bà."], ["text", "q1", "Câu 1"])
    questionnaire, conversion = round_trip(form, tmp_path)
    assert questionnaire.item("note_row2").text.get("vi") == "Xin cảm ơn ông/bà."
    assert "survey!B2: note without a name is named 'note_row2'" in warnings(conversion)


def test_a_row_without_type_name_or_label_is_a_comment_and_skipped(tmp_path):
    form = _form(["text", "q1", "Câu 1", None], [None, None, None, "ghi chú cho người soạn"],
                 header=("type", "name", "label", "hint"))
    questionnaire, conversion = round_trip(form, tmp_path)
    assert [i.id for i in questionnaire.items()] == ["q1"]
    assert "survey!A3: row without type, name or label is skipped (a comment)" in warnings(conversion)


def test_a_row_with_a_name_but_no_type_is_still_a_problem(tmp_path):
    form = _form(["text", "q1", "Câu 1"], [None, "q2", "Câu 2"])
    assert lines(convert(form, tmp_path)) == ["survey!A3: row has no type"]


def test_label_with_a_single_colon_is_a_translation(tmp_path):
    form = _form(["text", "q1", "Câu 1", "Question 1"], header=("type", "name", "label:Vietnamese (vi)",
                                                               "label:English"))
    questionnaire, _ = round_trip(form, tmp_path)
    assert questionnaire.item("q1").text.get("en") == "Question 1"


def test_curly_quotes_in_an_expression_are_straight_quotes(tmp_path):
    form = _form(["select_one yes_no", "q1", "Câu 1"], ["text", "q2", "Câu 2", "${q1}=’yes’ or ${q1} = “no”"],
                 header=("type", "name", "label", "relevant"))
    questionnaire, _ = round_trip(form, tmp_path)
    relevant = questionnaire.item("q2").relevant
    assert relevant == "${q1}='yes' or ${q1} = \"no\""
    assert parse(relevant).evaluate({"q1": "yes"}) is True


def test_three_letter_language_codes_are_kept(tmp_path):
    form = _form(["text", "q1", "Câu 1", "Lapeny 1"], header=("type", "name", "label::Vietnamese (vi)",
                                                             "label::Acoli (ach)"))
    questionnaire, _ = round_trip(form, tmp_path)
    assert questionnaire.item("q1").text.get("ach") == "Lapeny 1"


def test_the_xls_fixture_converts(tmp_path):
    fixture = Path(__file__).resolve().parents[1] / "data" / "xlsform" / "pyxform" / "yes_or_no_question.xls"
    conversion = convert_xlsform(fixture)
    assert conversion.ok, lines(conversion)
    assert [i.id for i in conversion.questionnaire.items()] == ["good_day"]


def test_an_external_search_list_is_converted_with_a_warning(tmp_path):
    form = _form(["select_one yes_no", "agency", "Cơ quan", "search('agencies')"],
                 header=("type", "name", "label", "appearance"))
    conversion = convert(form, tmp_path)
    assert conversion.ok
    assert ("survey!D2: question 'agency' takes its choices from an external file in ODK (search()): only the "
            "options of its list on the choices sheet are offered here") in warnings(conversion)


def test_a_nested_group_keeps_its_hint_under_its_heading(tmp_path):
    form = _form(["begin group", "outer", "Phần A"], ["begin group", "inner", "Chi tiết", "Trả lời nếu có"],
                 ["text", "q1", "Câu 1"], ["end group"], ["end group"], header=("type", "name", "label", "hint"))
    questionnaire, _ = round_trip(form, tmp_path)
    heading = questionnaire.item("inner")
    assert (heading.text.get("vi"), heading.hint.get("vi")) == ("Chi tiết", "Trả lời nếu có")


def test_reader_warnings_never_reach_the_author_or_the_console(tmp_path):
    """Excel's conditional-formatting extension makes openpyxl warn while it reads the sheet."""
    plain = write_workbook(_form(["select_one yes_no", "q1", "Câu 1"]), tmp_path / "plain.xlsx")
    path = tmp_path / "form.xlsx"
    extension = (b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft'
                 b'.com/office/spreadsheetml/2009/9/main"><x14:conditionalFormattings/></ext></extLst></worksheet>')
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", extension)
            target.writestr(info, data)
    with python_warnings.catch_warnings():
        python_warnings.simplefilter("error")  # any warning escaping the reader fails the test
        conversion = convert_xlsform(path)
    assert conversion.ok and conversion.problems == () and conversion.warnings == ()


def test_field_references_in_labels_and_hints_become_piping(tmp_path):
    form = _form(["select_one yes_no", "q1", "Câu 1", None], ["text", "q2", "Ông/Bà trả lời ${q1}", "Vì ${q1}?"],
                 header=("type", "name", "label", "hint"))
    questionnaire, _ = round_trip(form, tmp_path)
    from questionnaires.piping import pipe_answers

    q2 = questionnaire.item("q2")
    assert pipe_answers(q2.text.get("vi"), questionnaire, {"q1": "yes"}, "vi") == "Ông/Bà trả lời Có"
    assert pipe_answers(q2.hint.get("vi"), questionnaire, {"q1": "no"}, "vi") == "Vì Không?"


def test_a_label_that_pipes_a_later_page_is_refused_at_its_cell(tmp_path):
    form = _form(["begin group", "g1", "Phần 1"], ["text", "q1", "Trước ${q2}"], ["end group"],
                 ["begin group", "g2", "Phần 2"], ["text", "q2", "Câu 2"], ["end group"])
    assert lines(convert(form, tmp_path)) == [
        "survey!C3: '${q2}' is answered on a later page (section 'g2'): a text can only show answers given on its "
        "own page or before"]


def test_calculate_acknowledge_default_read_only_and_or_other_are_converted(tmp_path):
    form = _form(["acknowledge", "consent", "Tôi đồng ý", None, None, None],
                 ["select_one yes_no or_other", "q1", "Câu 1", None, None, None],
                 ["integer", "n", "Số lần", None, "2", None],
                 ["calculate", "twice", None, "${n} * 2", None, None],
                 ["text", "country", "Quốc gia", None, "Việt Nam", "yes"],
                 header=("type", "name", "label", "calculation", "default", "read_only"))
    questionnaire, conversion = round_trip(form, tmp_path)
    assert questionnaire.item("consent").type.value == "acknowledge"
    assert questionnaire.item("q1").scale.codes == ("yes", "no", "other")
    assert questionnaire.item("q1_other").relevant == "selected(${q1}, 'other')"
    assert (questionnaire.item("n").default, questionnaire.item("twice").calculation) == (2, "${n} * 2")
    assert questionnaire.item("twice").text.get("vi") == "twice"
    assert questionnaire.item("country").read_only and questionnaire.item("country").default == "Việt Nam"
    assert not any("ignored" in w for w in warnings(conversion))


def test_a_read_only_group_makes_its_questions_read_only(tmp_path):
    form = _form(["begin group", "g1", "Phần 1", "yes", None], ["text", "q1", "Câu 1", None, "x"], ["end group"],
                 header=("type", "name", "label", "read_only", "default"))
    questionnaire, _ = round_trip(form, tmp_path)
    assert questionnaire.item("q1").read_only


def test_a_choice_filter_and_a_list_from_a_csv_file_cascade(tmp_path):
    (tmp_path / "communes.csv").write_text("name,label,district\nc1,Xã 1,d1\nc2,Xã 2,d2\n", encoding="utf-8")
    choices = [["list_name", "name", "label", "province"], ["province", "p1", "Tỉnh 1", None],
               ["district", "d1", "Huyện 1", "p1"], ["district", "d2", "Huyện 2", "p2"]]
    form = _form(["select_one province", "province", "Tỉnh", None],
                 ["select_one district", "district", "Huyện", "province=${province}"],
                 ["select_one_from_file communes.csv", "commune", "Xã", "district = ${district}"],
                 header=("type", "name", "label", "choice_filter"), choices=choices)
    questionnaire, conversion = round_trip(form, tmp_path)
    district, commune = questionnaire.item("district"), questionnaire.item("commune")
    assert district.choice_filter == "${choice.province}=${province}"
    assert dict(district.scale.option("d2").attributes) == {"province": "p2"}
    assert commune.scale.codes == ("c1", "c2") and commune.choice_filter == "${choice.district} = ${district}"
    from questionnaires.choice_filter import allowed_codes

    assert allowed_codes(commune, {"province": "p1", "district": "d2"}) == {"c2"}


def test_a_missing_csv_of_select_one_from_file_is_named_at_the_type_cell(tmp_path):
    form = _form(["select_one_from_file agencies.csv", "agency", "Cơ quan"])
    [line] = lines(convert(form, tmp_path))
    assert line.startswith("survey!A2: question 'agency': cannot read the options file agencies.csv")


def test_a_regex_constraint_is_kept_and_a_catastrophic_one_refused_at_its_cell(tmp_path):
    form = _form(["text", "phone", "Điện thoại", "regex(., '^0[0-9]{9}$')"],
                 ["text", "code", "Mã", "regex(., '(a+)+$')"], header=("type", "name", "label", "constraint"))
    assert lines(convert(form, tmp_path)) == [
        "survey!D3: expression error: regex pattern could take very long to check: a group that repeats or has "
        "alternatives is itself repeated at column 1"]

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

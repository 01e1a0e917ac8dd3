"""Each semantic rule, tested on a broken copy of the valid fixture (one thing broken per test)."""

from __future__ import annotations

import pytest

from questionnaires.validate import validate_paths
from tests.questionnaires.broken_copies import VALID, broken, item, line_of, lines, text_edit


def test_the_valid_fixture_has_no_problem():
    report = validate_paths([VALID])
    assert report.files_checked == 2
    assert report.problems == []


def test_a_duplicate_item_id_is_reported_where_it_is_reused(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "position").update(id="sex"))
    assert lines(report) == ["sections[0].items[4].id: duplicate id 'sex' (first used at sections[0].items[1])"]


def test_a_section_id_may_not_be_reused_by_an_item(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q3").update(id="S1"))
    assert "sections[2].items[0].id: duplicate id 'S1' (first used at sections[1])" in lines(report)


def test_a_matrix_row_id_shares_the_namespace_of_items(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q4")["rows"][1].update(id="Q3"))
    assert lines(report) == [
        "sections[2].items[1].rows[1].id: duplicate id 'Q3' (first used at sections[2].items[0])",
        "sections[3].items[0].calculation: unknown item 'Q4_b' in expression (did you mean 'Q4_a'?)"]


def test_a_duplicate_option_code_in_inline_options(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "sex")["options"][1].update(code="1"))
    assert lines(report) == ["sections[0].items[1].options[1].code: duplicate option code '1'"]


def test_a_duplicate_option_code_in_a_methodology_scale(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["scales"]["opt4_quality"]["options"][1].update(code="A"))
    assert "scales.opt4_quality.options[1].code: duplicate option code 'A'" in lines(report)


def test_a_scale_defined_twice_is_a_duplicate_key_with_its_line(tmp_path):
    report = text_edit(tmp_path, "scales:\n  yes_no:", "scales:\n  yes_no: {options: []}\n  yes_no:")
    duplicate = line_of("  yes_no:") + 1
    assert [(p.line, p.path, p.message) for p in report.problems] == [
        (duplicate, "scales.yes_no", "duplicate key 'yes_no'")
    ]


def test_a_local_scale_may_not_clash_with_a_methodology_scale(tmp_path):
    report = broken(tmp_path, lambda d: d["scales"].update(opt4_quality=d["scales"]["yes_no"]))
    assert "scales.opt4_quality: local scale 'opt4_quality' clashes with the methodology's scale" in lines(report)


def test_duplicate_ids_among_fields_criteria_and_subcriteria(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["fields"][1]["criteria"][0].update(id="F1.C1"))
    assert lines(report)[0] == "fields[1].criteria[0].id: duplicate id 'F1.C1' (first used at fields[0].criteria[0])"


def test_a_questionnaire_whose_methodology_is_broken_points_to_the_methodology_file(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["fields"][1]["criteria"][0].update(id="F1.C1"))
    assert [p.file.endswith("par_demo.yaml") for p in report.problems] == [True, False]
    assert report.problems[1].message.startswith("methodology 'par_demo_2021' has problems (see ")


def test_an_unknown_scale(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q3").update(scale="yes_no_maybe"))
    assert lines(report) == ["sections[2].items[0].scale: unknown scale 'yes_no_maybe'"]


@pytest.mark.parametrize("expression", ["${Q3} = '3'", "'3' != ${Q3}", "selected(${Q3}, '3')", "${Q3} = 3"])
def test_an_option_code_that_the_referenced_item_does_not_have(tmp_path, expression):
    report = broken(tmp_path, lambda d: item(d, "Q4").update(relevant=expression))
    assert lines(report) == ["sections[2].items[1].relevant: '3' is not an option of 'Q3' (options: 1, 2)"]


def test_a_comparison_written_inside_a_string_literal_is_not_read_as_one(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q4").update(relevant="string-length(\"${Q3} = '3'\") > 0"))
    assert report.problems == []


def test_an_unknown_item_in_an_expression(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1_why").update(relevant="${Q9} = 'C'"))
    assert lines(report) == ["sections[1].items[1].relevant: unknown item 'Q9' in expression"]


def test_an_expression_syntax_error_gives_the_column(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1_why").update(relevant="${Q1} = 'C' or foo(1)"))
    assert lines(report) == ["sections[1].items[1].relevant: expression error: unknown function 'foo' at column 16"]


def test_a_reference_to_a_note_or_a_whole_matrix_says_what_to_refer_to(tmp_path):
    def edit(d):
        item(d, "Q3").update(relevant="${intro_note} = 'x'")
        d["sections"][2]["relevant"] = "${Q4} = 'A'"

    assert lines(broken(tmp_path, edit)) == [
        "sections[2].relevant: 'Q4' is a matrix: refer to one of its rows (Q4_a, Q4_b)",
        "sections[2].items[0].relevant: 'intro_note' is a note and has no answer to refer to",
    ]


def test_the_current_answer_dot_belongs_in_constraints_not_relevance(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "position").update(relevant=". != ''"))
    assert lines(report) == ["sections[0].items[4].relevant: '.' (the current answer) can only be used in a constraint"]


def test_an_item_whose_relevance_depends_on_itself(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q3").update(relevant="${Q3} = '1'"))
    assert lines(report) == [
        "sections[2].items[0].relevant: relevance cycle: Q3 -> Q3 (an element cannot depend on itself)"
    ]


def test_a_relevance_cycle_through_two_items(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1").update(relevant="${Q1_why} != ''"))
    assert [p.message for p in report.problems] == [
        "relevance cycle: Q1 -> Q1_why -> Q1 (an element cannot depend on itself)"
    ]


def test_a_relevance_cycle_through_a_section(tmp_path):
    report = broken(tmp_path, lambda d: d["sections"][2].update(relevant="${Q3} = '1'"))
    assert lines(report) == [
        "sections[2].relevant: relevance cycle: S2 -> Q3 -> S2 (an element cannot depend on itself)"
    ]


def test_a_reference_to_a_later_item_is_allowed_when_there_is_no_cycle(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "position").update(relevant="${Q3} = '1'"))
    assert report.problems == []


def test_missing_vietnamese_text_is_reported_at_its_line(tmp_path):
    report = text_edit(tmp_path, 'text: {vi: "Năm sinh", en: "Year of birth"}', 'text: {en: "Year of birth"}')
    assert [(p.line, p.path, p.message) for p in report.problems] == [
        (line_of('text: {vi: "Năm sinh"'), "sections[0].items[2].text.vi", "missing Vietnamese text (vi)")
    ]


def test_an_empty_vietnamese_text(tmp_path):
    report = broken(tmp_path, lambda d: d["title"].update(vi=""))
    assert lines(report) == ["title.vi: Vietnamese text must not be empty"]


def test_a_scored_item_without_criterion(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1").pop("criterion"))
    assert lines(report) == [
        "sections[1].items[0]: a scored item (its scale has weights) needs a 'criterion', or set 'scored: false'"
    ]


def test_a_scored_matrix_row_without_criterion(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q4")["rows"][1].pop("criterion"))
    assert lines(report) == [
        "sections[2].items[1].rows[1]: a scored row (its scale has weights) needs a 'criterion', or set 'scored: false'"
    ]


def test_an_item_declared_unscored_needs_no_criterion(tmp_path):
    def edit(d):
        item(d, "Q1").pop("criterion")
        item(d, "Q1")["scored"] = False

    assert broken(tmp_path, edit).problems == []


def test_a_criterion_that_the_methodology_does_not_define(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1").update(criterion="F9.C9.S9"))
    assert lines(report) == [
        "sections[1].items[0].criterion: criterion 'F9.C9.S9' is not a sub-criterion of methodology 'par_demo_2021'"
    ]


def test_a_criterion_rather_than_a_subcriterion_gets_a_hint(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1").update(criterion="F1.C1"))
    assert [p.message for p in report.problems] == [
        "criterion 'F1.C1' is not a sub-criterion of methodology 'par_demo_2021': name one of its sub-criteria"
    ]


def test_a_self_assessed_subcriterion_cannot_receive_survey_items(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1").update(criterion="F1.C1.S2"))
    assert [p.message for p in report.problems] == [
        "sub-criterion 'F1.C1.S2' is scored from self_assessment, not from a survey: no item can feed it"
    ]


def test_a_sipas_element_is_a_valid_criterion(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "Q1").update(criterion="II.A"))
    assert report.problems == []


@pytest.mark.parametrize("weight", [1.5, -0.2])
def test_an_inline_option_weight_outside_zero_to_one(tmp_path, weight):
    def edit(d):
        item(d, "Q3").pop("scale")
        item(d, "Q3")["options"] = [{"code": "1", "label": {"vi": "Có"}, "weight": weight},
                                    {"code": "2", "label": {"vi": "Không"}, "weight": 0}]
        item(d, "Q3")["criterion"] = "F3.C1.S1"

    assert lines(broken(tmp_path, edit)) == [f"sections[2].items[0].options[0].weight: option weight {weight:g} "
                                             "is outside [0, 1]"]


def test_a_methodology_option_weight_outside_zero_to_one(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["scales"]["opt4_quality"]["options"][0].update(weight=100))
    assert lines(report)[0] == "scales.opt4_quality.options[0].weight: option weight 100 is outside [0, 1]"


def test_an_unknown_methodology(tmp_path):
    report = broken(tmp_path, lambda d: d.update(methodology="par_province_1999"))
    assert "methodology: unknown methodology 'par_province_1999'" in lines(report)


def test_a_respondent_group_the_methodology_does_not_have(tmp_path):
    report = broken(tmp_path, lambda d: d["respondent_groups"].append("citizens"))
    assert lines(report) == [
        "respondent_groups[1]: unknown respondent group 'citizens' "
        "(methodology has: prov_council_delegate, dept_leader)"
    ]


def test_min_greater_than_max_for_a_number(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "birth_year").update(min=2010))
    assert lines(report) == ["sections[0].items[2].min: min (2010) is greater than max (2008)"]


def test_min_after_max_for_a_date_and_an_unreadable_date(tmp_path):
    def edit(d):
        item(d, "survey_date").update(min="2023-01-01")

    assert lines(broken(tmp_path, edit)) == [
        "sections[0].items[5].min: min (2023-01-01) is greater than max (2022-06-30)"
    ]
    bad = broken(tmp_path / "b", lambda d: item(d, "survey_date").update(max="30/06/2022"))
    assert lines(bad) == ["sections[0].items[5].max: 'max' must be an ISO date YYYY-MM-DD or a day relative to the "
                          "day of answering ('today', 'today - 30', 'today + 7'), got '30/06/2022'"]


def test_a_required_note(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "intro_note").update(required=True))
    assert lines(report) == ["sections[0].items[0].required: a note is display only and cannot have 'required'"]


def test_a_choice_item_without_options(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "sex").pop("options"))
    assert lines(report) == [
        "sections[0].items[1]: a single_choice item needs options: name a 'scale' or list 'options'"
    ]


def test_a_misspelt_key_is_named_with_its_line(tmp_path):
    report = text_edit(tmp_path, 'relevant: "${Q3} = \'1\'"', 'relevent: "${Q3} = \'1\'"')
    assert [(p.line, p.path, p.message) for p in report.problems] == [
        (line_of("relevant: \"${Q3} = '1'\""), "sections[2].items[1].relevent", "unknown key 'relevent'")
    ]


def test_a_yaml_syntax_error_is_one_problem_with_its_line(tmp_path):
    report = text_edit(tmp_path, "        min: 1940\n", "        min: [1940\n")
    assert len(report.problems) == 1
    assert report.problems[0].line in (line_of("min: 1940"), line_of("min: 1940") + 1)
    assert report.problems[0].message.startswith("YAML syntax error")


def test_every_problem_of_a_file_is_reported_not_just_the_first(tmp_path):
    def edit(d):
        item(d, "Q3").update(scale="nope")
        item(d, "birth_year").update(min=3000)
        item(d, "Q1_why").update(relevant="${Q99} = 'C'")

    assert [p.path for p in broken(tmp_path, edit).problems] == [
        "sections[0].items[2].min", "sections[1].items[1].relevant", "sections[2].items[0].scale",
    ]


def test_files_that_are_not_questionnaires_get_a_message_not_a_traceback(tmp_path):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    (tmp_path / "list.yaml").write_text("- a\n- b\n", encoding="utf-8")
    (tmp_path / "latin1.yaml").write_bytes("kind: questionnaire\ntitle: {vi: Phi\xe9u}\n".encode("latin-1"))
    (tmp_path / "numbers.yaml").write_text(
        'kind: questionnaire\nid: x\nversion: 1\ntitle: {vi: "Phiếu", 1: "one"}\nsections: []\n', encoding="utf-8")
    report = validate_paths([tmp_path])
    assert report.files_checked == 4
    assert [f"{p.file.rsplit('/', 1)[-1]}:{p.line}: {p.path}: {p.message}" for p in report.problems] == [
        "empty.yaml:1: : expected a mapping with 'kind: questionnaire' or 'kind: methodology'",
        "latin1.yaml:2: : the file is not UTF-8 text: save it as UTF-8",
        "list.yaml:1: : expected a mapping with 'kind: questionnaire' or 'kind: methodology'",
        "numbers.yaml:3: version: expected string, got integer 1 (put it in quotes)",
        "numbers.yaml:4: title.1: unknown key '1'",
        "numbers.yaml:5: sections: must not be empty",
    ]


def test_a_bound_that_is_not_a_number(tmp_path):
    report = broken(tmp_path, lambda d: item(d, "birth_year").update(min="1940s"))
    assert lines(report) == ["sections[0].items[2].min: 'min' of an integer item must be a number"]


def test_a_mistyped_name_gets_a_suggestion(tmp_path):
    def edit(d):
        item(d, "Q3").update(scale="yes_now")
        item(d, "position").update(relevant="${birth_yaer} > 1960")

    assert lines(broken(tmp_path, edit)) == [
        "sections[0].items[4].relevant: unknown item 'birth_yaer' in expression (did you mean 'birth_year'?)",
        "sections[2].items[0].scale: unknown scale 'yes_now' (did you mean 'yes_no'?)",
    ]

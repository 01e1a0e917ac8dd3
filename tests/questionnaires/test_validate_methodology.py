"""Rules of methodology files: every scoring number is data, so mistakes in it must be caught with a message."""

from __future__ import annotations

from tests.questionnaires.broken_copies import broken, lines


def methodology_lines(report):
    return [line for line, p in zip(lines(report), report.problems, strict=True) if p.file.endswith("par_demo.yaml")]


def test_a_duplicate_respondent_group(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["respondent_groups"][1].update(id="prov_council_delegate"))
    assert methodology_lines(report) == ["respondent_groups[1].id: duplicate respondent group 'prov_council_delegate'"]


def test_an_unknown_subcriterion_max_points_must_be_marked_provisional(tmp_path):
    def edit(d):
        sub = d["fields"][0]["criteria"][0]["subcriteria"][0]
        sub["max_points"] = None
        sub.pop("provisional")

    assert methodology_lines(broken(tmp_path, methodology=edit)) == [
        "fields[0].criteria[0].subcriteria[0].max_points: max_points is unknown: "
        "give a number or mark 'provisional: true'"
    ]


def test_a_provisional_unknown_max_points_is_accepted(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["fields"][0]["criteria"][0]["subcriteria"][0].update(
        max_points=None))
    assert report.problems == []


def test_the_sipas_scale_and_satisfied_codes_must_exist(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["sipas"].update(satisfied_codes=["4", "6"]))
    assert methodology_lines(report) == [
        "sipas.satisfied_codes[1]: '6' is not an option of scale 'likert5_satisfaction'"
    ]
    other = broken(tmp_path / "b", methodology=lambda d: d["sipas"].update(scale="likert7"))
    assert methodology_lines(other) == ["sipas.scale: unknown scale 'likert7'"]


def test_group_weights_name_known_respondent_groups(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["fields"][1]["criteria"][0]["subcriteria"][0].update(
        combine="weighted", group_weights={"dept_leader": 2, "citizen": 1}))
    assert methodology_lines(report) == [
        "fields[1].criteria[0].subcriteria[0].group_weights.citizen: unknown respondent group 'citizen'"
    ]


def test_a_dont_know_option_may_not_carry_a_weight(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["scales"]["opt4_quality"]["options"][4].update(weight=0))
    assert methodology_lines(report) == [
        "scales.opt4_quality.options[4].weight: a 'missing' option (don't know) is never scored: drop its weight"
    ]


def test_an_unknown_source_of_a_subcriterion_lists_the_allowed_ones(tmp_path):
    report = broken(tmp_path, methodology=lambda d: d["fields"][0]["criteria"][0]["subcriteria"][0].update(
        source="interview"))
    assert methodology_lines(report) == [
        'fields[0].criteria[0].subcriteria[0].source: "interview" is not one of '
        '"survey", "self_assessment", "sipas", "external_data"'
    ]

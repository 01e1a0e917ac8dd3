"""The loader returns frozen, checked objects; checksums identify versions; snapshots restore them exactly."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest
import yaml

from questionnaires.loader import (
    BUNDLED_DIR,
    QuestionnaireError,
    bundled_methodologies,
    bundled_questionnaires,
    from_snapshot,
    load_directory,
    load_file,
    load_methodologies,
    questionnaire_from_dict,
    snapshot,
)
from questionnaires.model import ItemType, Methodology, Questionnaire, Required
from questionnaires.problems import Problem
from tests.questionnaires.broken_copies import DEFINITION, METHODOLOGY, VALID, copy_valid, rewrite


@pytest.fixture(scope="module")
def demo() -> Questionnaire:
    (questionnaire,) = load_directory(VALID)
    return questionnaire


def test_a_folder_loads_its_questionnaire_with_the_methodology_it_names(demo):
    assert demo.key == "demo_all_types@2021.1"
    assert demo.methodology is not None and demo.methodology.id == "par_demo_2021"
    assert [s.id for s in demo.sections] == ["S0", "S1", "S2", "S3"]
    q1 = demo.item("Q1")
    assert q1.type is ItemType.RATING and q1.required is Required.YES
    assert q1.scale.codes == ("A", "B", "C", "D", "E")
    assert [o.weight for o in q1.scale.options] == [1.0, 0.6, 0.2, 0.0, None]
    assert q1.scale.option("E").missing


def test_every_item_type_is_loaded(demo):
    assert {i.type for i in demo.items()} == set(ItemType)


def test_loaded_objects_cannot_be_changed(demo):
    with pytest.raises(dataclasses.FrozenInstanceError):
        demo.item("Q1").required = Required.NO
    with pytest.raises(TypeError):
        demo.scales["extra"] = demo.scales["yes_no"]
    with pytest.raises(TypeError):
        demo.raw["title"]["vi"] = "changed"
    assert isinstance(demo.sections, tuple) and isinstance(demo.item("Q4").rows, tuple)


def test_an_unquoted_date_stays_an_iso_string(tmp_path):
    folder = copy_valid(tmp_path)
    path = folder / DEFINITION
    path.write_text(path.read_text(encoding="utf-8").replace('min: "2021-01-01"', "min: 2021-01-01"), "utf-8")
    (questionnaire,) = load_directory(folder)
    assert questionnaire.item("survey_date").min == "2021-01-01"


def test_the_checksum_is_the_sha256_of_the_canonical_snapshot(demo):
    canonical = json.dumps(snapshot(demo), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert demo.checksum == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    (again,) = load_directory(VALID)
    assert again.checksum == demo.checksum


def test_the_checksum_changes_when_a_text_or_a_methodology_weight_changes(tmp_path, demo):
    text = copy_valid(tmp_path / "text")
    rewrite(text / DEFINITION, lambda d: d["title"].update(en="Another title"))
    weight = copy_valid(tmp_path / "weight")
    rewrite(weight / METHODOLOGY, lambda d: d["scales"]["opt4_quality"]["options"][1].update(weight=0.5))
    checksums = {demo.checksum, load_directory(text)[0].checksum, load_directory(weight)[0].checksum}
    assert len(checksums) == 3


def test_a_snapshot_is_json_and_restores_the_same_version(demo):
    stored = json.loads(json.dumps(snapshot(demo)))
    restored = from_snapshot(stored)
    assert restored.checksum == demo.checksum
    assert restored.sections == demo.sections
    assert restored.methodology.scales == demo.methodology.scales


def test_a_snapshot_never_reads_the_methodology_from_disk(demo):
    stored = snapshot(demo)
    stored["methodology"]["scales"]["opt4_quality"]["options"][1]["weight"] = 0.5
    restored = from_snapshot(stored)
    assert restored.item("Q1").scale.option("B").weight == 0.5
    assert restored.checksum != demo.checksum


def test_something_that_is_not_a_snapshot_is_refused():
    with pytest.raises(QuestionnaireError) as caught:
        from_snapshot({"questionnaire": {}})
    assert "not a questionnaire snapshot" in str(caught.value)


def test_load_file_finds_the_methodology_beside_the_definitions_folder():
    questionnaire = load_file(VALID / DEFINITION)
    assert isinstance(questionnaire, Questionnaire) and questionnaire.methodology.id == "par_demo_2021"
    methodology = load_file(VALID / METHODOLOGY)
    assert isinstance(methodology, Methodology) and methodology.sipas.satisfied_codes == ("4", "5")
    assert methodology.subcriterion("F1.C1.S1").provisional


def test_load_file_on_a_methodology_beside_other_methodologies_loads_it_alone():
    bundled = BUNDLED_DIR / "methodology"
    for path in sorted(bundled.glob("*.yaml")):
        methodology = load_file(path)
        assert isinstance(methodology, Methodology) and methodology.path == str(path)


def test_load_methodologies_gives_them_by_id():
    assert list(load_methodologies(VALID / "methodology")) == ["par_demo_2021"]


def test_questionnaire_from_dict_checks_like_a_file():
    data = yaml.safe_load((VALID / DEFINITION).read_text(encoding="utf-8"))
    methodologies = load_methodologies(VALID / "methodology")
    assert questionnaire_from_dict(data, methodologies).checksum
    data["sections"][0]["items"][1]["type"] = "dropdown"
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(data, methodologies, path="form.yaml")
    (problem,) = caught.value.problems
    assert problem.path == "sections[0].items[1].type" and problem.file == "form.yaml"
    assert problem.message.startswith('"dropdown" is not one of "single_choice"')


def test_a_questionnaire_without_methodology_may_use_local_scales_only():
    data = {"kind": "questionnaire", "id": "mini", "version": "1", "title": {"vi": "Phiếu nhỏ"},
            "sections": [{"id": "S1", "title": {"vi": "Phần 1"}, "items": [
                {"id": "Q1", "type": "rating", "text": {"vi": "Câu 1"}, "scale": "opt4_quality"}]}]}
    with pytest.raises(QuestionnaireError) as caught:
        questionnaire_from_dict(data, {}, fallback_to_bundled=False)
    assert [p.message for p in caught.value.problems] == ["unknown scale 'opt4_quality'"]


def test_a_problem_reads_file_line_path_message():
    assert str(Problem("f.yaml", 12, "sections[2].items[5].relevant", "unknown item 'Q9' in expression")) == (
        "f.yaml:12: sections[2].items[5].relevant: unknown item 'Q9' in expression"
    )
    assert str(Problem("f.yaml", None, "", "no .yaml files found")) == "f.yaml: no .yaml files found"
    assert str(Problem(None, None, "id", "bad")) == "id: bad"


def test_the_bundled_questionnaires_all_load_with_distinct_keys():
    questionnaires = bundled_questionnaires()
    assert questionnaires, f"no questionnaire under {BUNDLED_DIR / 'definitions'}"
    assert len({q.key for q in questionnaires}) == len(questionnaires)
    named = {q.methodology.id for q in questionnaires if q.methodology}
    assert named <= set(bundled_methodologies())

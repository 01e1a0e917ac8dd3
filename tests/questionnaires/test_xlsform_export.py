"""``export-xlsform``: a definition written as an XLSForm that pyxform converts and our importer reads back."""

from __future__ import annotations

import copy

import pytest
from pyxform.xls2xform import convert

from questionnaires.loader import bundled_questionnaires, questionnaire_from_dict
from questionnaires.xlsform import convert_xlsform
from questionnaires.xlsform.export import write_xlsform
from tests.survey_app.test_cascading_choices import CASCADE
from tests.survey_app.test_question_features import FEATURES

BUNDLED = {q.id: q for q in bundled_questionnaires()}


def _shape(questionnaire):
    """What must survive the round trip (bounds come back inside the constraint, with the same meaning)."""
    return [(i.id, i.type, i.relevant, i.scale.codes if i.scale else None, i.criterion, i.required, i.is_scored,
             i.text.get("vi"), i.text.get("en"), i.calculation, i.read_only, i.choice_filter)
            for i in questionnaire.items()]


@pytest.mark.parametrize("form_id", sorted(BUNDLED))
def test_every_bundled_questionnaire_converts_with_pyxform_and_comes_back_the_same(form_id, tmp_path):
    questionnaire = BUNDLED[form_id]
    out = tmp_path / f"{form_id}.xlsx"
    write_xlsform(questionnaire, out)
    xform = convert(xlsform=str(out), warnings=[]).xform
    assert "<h:title>" in xform and questionnaire.title.get("vi") in xform
    back = convert_xlsform(out)
    assert back.ok, [str(p) for p in back.problems]
    assert (back.questionnaire.id, back.questionnaire.version) == (questionnaire.id, questionnaire.version)
    assert [s.id for s in back.questionnaire.sections] == [s.id for s in questionnaire.sections]
    assert _shape(back.questionnaire) == _shape(questionnaire)


def test_question_features_survive_pyxform_and_the_round_trip(tmp_path):
    definition = copy.deepcopy(FEATURES)
    definition["sections"][0]["items"].append(
        {"id": "visit_day", "type": "date", "max": "today", "text": {"vi": "Ngày đến", "en": "Day of the visit"}})
    questionnaire = questionnaire_from_dict(definition, fallback_to_bundled=False)
    out = tmp_path / "features.xlsx"
    write_xlsform(questionnaire, out)
    xform = convert(xlsform=str(out), warnings=[]).xform
    assert 'calculate=" /data/P1/visits  * 2"' in xform
    assert 'readonly="true()"' in xform and "regex(., '^0[0-9]{9}$')" in xform
    assert '<output value=" /data/P1/office "/>' in xform  # piping: ODK's own <output>
    assert "office_other" in xform  # or_other: pyxform's "specify other"
    back = convert_xlsform(out)
    assert back.ok, [str(p) for p in back.problems]
    assert _shape(back.questionnaire) == _shape(questionnaire)
    assert back.questionnaire.item("visit_day").max == "today"
    assert back.questionnaire.item("year").default == 2026


def test_a_cascade_keeps_its_filter_and_option_columns(tmp_path):
    questionnaire = questionnaire_from_dict(CASCADE | {"sections": [CASCADE["sections"][0]]},
                                            fallback_to_bundled=False)
    out = tmp_path / "cascade.xlsx"
    write_xlsform(questionnaire, out)
    xform = convert(xlsform=str(out), warnings=[]).xform
    assert "instance('district')/root/item[province =  /data/P1/province ]" in xform  # the itemset's filter
    back = convert_xlsform(out)
    assert back.ok, [str(p) for p in back.problems]
    assert back.questionnaire.item("district").choice_filter == "${choice.province} = ${province}"
    assert dict(back.questionnaire.item("district").scale.option("quan_1").attributes) == {"province": "HCM"}


def test_the_command_writes_the_workbook_and_keeps_an_existing_file(runner, tmp_path):
    from questionnaires.loader import BUNDLED_DIR

    source = BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"
    out = tmp_path / "sipas.xlsx"
    result = runner.invoke(args=["questionnaires", "export-xlsform", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output and "sipas_2023_citizen@" in result.output
    again = runner.invoke(args=["questionnaires", "export-xlsform", str(source), "-o", str(out)])
    assert again.exit_code == 2 and "use --force" in again.output

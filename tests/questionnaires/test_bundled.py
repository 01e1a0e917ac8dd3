"""The bundled content: every methodology and questionnaire shipped in ``questionnaires/`` is valid, bilingual and
wired to the methodology the way the scoring expects (PAR items feed survey sub-criteria, SIPAS items elements)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path

import pytest
import yaml

from questionnaires.answers import check_page, is_relevant
from questionnaires.codebook import build_codebook
from questionnaires.loader import BUNDLED_DIR, load_file, load_methodologies, questionnaire_from_dict
from questionnaires.model import ItemType, Methodology, Questionnaire, Required, Section, SubcriterionSource, Text
from questionnaires.validate import validate_paths

METHODOLOGY_FILES = sorted((BUNDLED_DIR / "methodology").glob("*.yaml"))
DEFINITION_FILES = sorted((BUNDLED_DIR / "definitions").glob("*.yaml"))
ALL_FILES = METHODOLOGY_FILES + DEFINITION_FILES
PAR_METHODOLOGY = "par_province_2021"
SIPAS_METHODOLOGY = "sipas_2023"
OFFICIAL_GROUPS = {"prov_council_delegate", "dept_leader", "division_leader", "district_leader"}
# Letters that only Vietnamese spelling uses: a "Vietnamese" text of several words without any is English pasted in.
VIETNAMESE_LETTERS = re.compile("[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.I)


@cache
def _load(path: Path) -> Questionnaire | Methodology:
    if path.parent.name == "methodology":
        return next(m for m in load_methodologies(path.parent).values() if Path(m.path) == path)
    return load_file(path)


# Named by file so that collection never loads anything: a broken file fails its tests, not the whole run.
PAR_FILES = [p for p in DEFINITION_FILES if p.stem.startswith("par_")]
SIPAS_FILE = BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"


def _par_forms() -> list[Questionnaire]:
    return [_load(p) for p in PAR_FILES]


def _scored_variables(questionnaire: Questionnaire | Section) -> Iterator[tuple[str, str | None]]:
    """(variable, criterion) of every scored answer; a matrix row inherits the matrix's criterion."""
    items = questionnaire.items if isinstance(questionnaire, Section) else questionnaire.items()
    for item in items:
        if not item.is_scored:
            continue
        if item.type is ItemType.MATRIX:
            for row in item.rows:
                yield row.id, row.criterion or item.criterion
        else:
            yield item.id, item.criterion


def _texts(node: object, path: str = "") -> Iterator[tuple[str, Text]]:
    """Every Text reachable from a loaded object, with a readable path; skips raw data and the attached methodology."""
    if isinstance(node, Text):
        yield path, node
    elif dataclasses.is_dataclass(node):
        for f in dataclasses.fields(node):
            if f.name not in {"raw", "methodology"}:
                yield from _texts(getattr(node, f.name), f"{path}.{f.name}".lstrip("."))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _texts(value, f"{path}.{key}")
    elif isinstance(node, tuple | list):
        for k, value in enumerate(node):
            yield from _texts(value, f"{path}[{k}]")


def _missing_translations(loaded: object) -> list[str]:
    return [path for path, text in _texts(loaded)
            if not text.translations.get("vi", "").strip() or not text.translations.get("en", "").strip()]


def test_every_bundled_file_passes_the_validator():
    report = validate_paths([BUNDLED_DIR])

    assert [str(p) for p in report.problems] == []
    assert report.files_checked == len(ALL_FILES)


def test_the_content_ships_the_par_and_sipas_methodologies_and_their_forms():
    assert {p.stem for p in METHODOLOGY_FILES} >= {PAR_METHODOLOGY, SIPAS_METHODOLOGY}
    assert {_load(p).methodology.id for p in PAR_FILES} == {PAR_METHODOLOGY}
    assert len(PAR_FILES) >= 4
    assert _load(SIPAS_FILE).methodology.id == SIPAS_METHODOLOGY


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: p.stem)
def test_each_definition_loads_with_its_methodology_and_the_methodology_year_as_version(path):
    questionnaire = _load(path)

    assert isinstance(questionnaire, Questionnaire)
    assert questionnaire.id == path.stem
    assert questionnaire.methodology is not None
    assert questionnaire.version == questionnaire.methodology.version
    assert set(questionnaire.respondent_groups) <= {g.id for g in questionnaire.methodology.respondent_groups}


def test_each_official_respondent_group_has_its_own_par_form():
    groups = [g for q in _par_forms() for g in q.respondent_groups]

    assert set(groups) >= OFFICIAL_GROUPS
    assert len(groups) == len(set(groups)), "two PAR forms claim the same respondent group"


@pytest.mark.parametrize("path", PAR_FILES, ids=lambda p: p.stem)
def test_par_form_has_one_section_per_field_in_the_methodology_order(path):
    form = _load(path)
    methodology = form.methodology
    field_of = {s.id: f.id for f in methodology.fields for c in f.criteria for s in c.subcriteria}
    fields_by_section = []
    for section in form.sections:
        fields = {field_of.get(criterion) for _, criterion in _scored_variables(section)}
        if fields:
            assert len(fields) == 1, f"section {section.id} mixes fields {sorted(map(str, fields))}"
            fields_by_section.append(fields.pop())

    assert fields_by_section == [f.id for f in methodology.fields]


@pytest.mark.parametrize("path", PAR_FILES, ids=lambda p: p.stem)
def test_every_scored_par_item_feeds_a_survey_subcriterion(path):
    form = _load(path)
    for variable, criterion in _scored_variables(form):
        sub = form.methodology.subcriterion(criterion or "")
        assert sub is not None, f"{variable}: '{criterion}' is not a sub-criterion"
        assert sub.source is SubcriterionSource.SURVEY, f"{variable} feeds {criterion}, sourced {sub.source}"


def test_every_survey_subcriterion_is_asked_by_some_par_form():
    forms = _par_forms()
    methodology = forms[0].methodology
    asked = {criterion for form in forms for _, criterion in _scored_variables(form)}
    survey = {s.id for s in methodology.subcriteria() if s.source is SubcriterionSource.SURVEY}

    assert survey - asked == set()


@pytest.mark.parametrize("path", PAR_FILES, ids=lambda p: p.stem)
def test_par_graded_items_offer_a_dont_know_option_that_is_never_scored(path):
    form = _load(path)
    for item in form.items():
        if not item.is_scored:
            continue
        dont_know = [o for o in item.scale.options if o.missing]
        graded = [o for o in item.scale.options if not o.missing]
        assert len(dont_know) == 1 and dont_know[0].weight is None, item.id
        assert [o.code for o in graded] == ["A", "B", "C", "D"], item.id
        assert [o.weight for o in graded] == sorted((o.weight for o in graded), reverse=True), item.id


@pytest.mark.parametrize("path", PAR_FILES, ids=lambda p: p.stem)
def test_par_form_has_intro_unscored_respondent_info_and_realistic_length(path):
    form = _load(path)
    info = form.sections[0]
    items = list(form.items())
    variables = list(form.variables())

    assert form.intro is not None and len(form.intro.get("vi")) > 200
    assert not any(item.is_scored for item in info.items)
    assert {ItemType.SINGLE_CHOICE, ItemType.INTEGER} <= {item.type for item in info.items}
    assert any(i.type is ItemType.INTEGER and i.min is not None and i.max is not None for i in items)
    assert any(i.required is Required.SOFT for i in items)
    assert any(i.type is ItemType.LONG_TEXT for i in items)
    assert any(i.type is ItemType.MATRIX for i in items)
    assert 25 <= len(variables) <= 60


@pytest.mark.parametrize("path", PAR_FILES, ids=lambda p: p.stem)
def test_portal_questions_are_asked_only_of_those_who_used_the_portal(path):
    form = _load(path)
    rating, reasons = form.item("Q7_4"), form.item("Q7_6")

    assert is_relevant(form, rating, {"Q7_3": "1"})
    assert not is_relevant(form, rating, {"Q7_3": "2"})
    assert not is_relevant(form, rating, {})
    assert is_relevant(form, reasons, {"Q7_3": "2"})
    assert not is_relevant(form, reasons, {"Q7_3": "1"})


@pytest.mark.parametrize("path", PAR_FILES, ids=lambda p: p.stem)
def test_years_of_service_reject_more_than_45_and_too_many_for_someone_under_30(path):
    form = _load(path)
    section = form.section_of("I4")

    def errors(years: str, age_band: str) -> list[str]:
        result = check_page(form, section, {"I1": ["1"], "I2": [age_band], "I3": ["1"], "I4": [years]}, {})
        return [e.kind for e in result.errors if e.variable == "I4"]

    assert errors("20", "3") == []
    assert errors("46", "4") == ["above_max"]
    assert errors("20", "1") == ["constraint"]


def test_sipas_service_items_cover_the_five_elements_with_sixteen_items():
    form = _load(SIPAS_FILE)
    elements = {e.id: e for e in form.methodology.sipas.elements}
    service = [(v, c) for v, c in _scored_variables(form) if elements[c].component == "SERVICE"]

    assert {c for _, c in service} == {"II.A", "II.B", "II.C", "II.D", "II.E"}
    assert len(service) == 16


def test_sipas_scored_items_use_the_satisfaction_scale_and_name_an_element():
    form = _load(SIPAS_FILE)
    sipas = form.methodology.sipas
    elements = {e.id for e in sipas.elements}
    policy = {e.id for e in sipas.elements if e.component == "POLICY"}
    scored = list(_scored_variables(form))

    assert all(criterion in elements for _, criterion in scored)
    assert policy <= {criterion for _, criterion in scored}
    assert {item.scale.id for item in form.items() if item.is_scored} == {sipas.scale}


def test_sipas_expectations_are_ten_unscored_four_point_items():
    form = _load(SIPAS_FILE)
    expectations = [item for _, item in form.variables()
                    if item.scale is not None and item.scale.id == "likert4_expectation"]

    assert len(expectations) == 10
    assert not any(item.is_scored for item in expectations)


def test_sipas_other_channel_is_asked_only_when_other_is_ticked():
    form = _load(SIPAS_FILE)
    other = form.item("B3_other")

    assert is_relevant(form, other, {"B3": ["1", "6"]})
    assert not is_relevant(form, other, {"B3": ["1", "4"]})
    assert not is_relevant(form, other, {})


def test_sipas_age_must_be_between_18_and_100():
    form = _load(SIPAS_FILE)
    section = form.section_of("A3")

    def age_errors(age: str) -> list[str]:
        result = check_page(form, section, {"A1": ["2"], "A3": [age]}, {})
        return [e.kind for e in result.errors if e.variable == "A3"]

    assert age_errors("17") == ["below_min"]
    assert age_errors("101") == ["above_max"]
    assert age_errors("18") == age_errors("100") == []


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_every_text_has_vietnamese_and_english(path):
    assert _missing_translations(_load(path)) == []


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.stem)
def test_vietnamese_texts_are_written_in_vietnamese(path):
    english_looking = [f"{where}: {text.get('vi')}" for where, text in _texts(_load(path))
                       if len(text.get("vi").split()) >= 3 and not VIETNAMESE_LETTERS.search(text.get("vi"))]

    assert english_looking == []


def test_the_translation_check_finds_a_missing_english_text():
    path = BUNDLED_DIR / "definitions" / "par_f02_dept_leader.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["sections"][1]["items"][0]["text"]["en"]
    methodology = _load(BUNDLED_DIR / "methodology" / f"{PAR_METHODOLOGY}.yaml")
    broken = questionnaire_from_dict(data, {PAR_METHODOLOGY: methodology})

    assert _missing_translations(broken) == ["sections[1].items[0].text"]


@pytest.mark.parametrize("path", METHODOLOGY_FILES, ids=lambda p: p.stem)
def test_methodology_points_add_up_field_by_field_to_the_total(path):
    methodology = _load(path)

    for field in methodology.fields:
        points = sum(s.max_points for c in field.criteria for s in c.subcriteria)
        assert points == pytest.approx(field.max_points), field.id
    assert sum(f.max_points for f in methodology.fields) == pytest.approx(methodology.total_max_points)


@pytest.mark.parametrize("path", METHODOLOGY_FILES, ids=lambda p: p.stem)
def test_provisional_points_are_declared_provisional_in_the_source_note(path):
    methodology = _load(path)

    if any(s.provisional for s in methodology.subcriteria()):
        assert "provisional" in methodology.source.lower()


@pytest.mark.parametrize("path", DEFINITION_FILES, ids=lambda p: p.stem)
def test_codebook_of_each_definition_labels_every_variable_in_both_languages(path):
    codebook = build_codebook(_load(path))

    assert codebook.variables
    unlabelled = [v.name for v in codebook.variables if not (v.label.translations.get("vi")
                                                             and v.label.translations.get("en"))]
    assert unlabelled == []

"""XLSForm workbook -> FORMAT.md definition dict, checked by the questionnaire loader before anyone writes it.

Problems the loader finds in the converted definition (an unknown item in an expression, a weight outside
[0, 1], a criterion the methodology lacks...) are traced back to the cell they came from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from questionnaires.loader import bundled_methodologies, questionnaire_from_dict
from questionnaires.model import Methodology, Questionnaire, Scale
from questionnaires.problems import QuestionnaireError
from questionnaires.xlsform.choices import ChoiceList, read_choices
from questionnaires.xlsform.problems import Report, XlsFormProblem
from questionnaires.xlsform.settings import Settings, declared_language, read_settings
from questionnaires.xlsform.survey import Built, SurveyBuilder
from questionnaires.xlsform.texts import VIETNAMESE, TextReader, form_language
from questionnaires.xlsform.tree import build_tree
from questionnaires.xlsform.workbook import parse_sheet, read_grids


@dataclass(frozen=True)
class Conversion:
    """The outcome of one import: a definition that validates (``ok``), or the problems that prevent it."""

    source: str
    definition: dict | None = None
    questionnaire: Questionnaire | None = None
    problems: tuple[XlsFormProblem, ...] = ()
    warnings: tuple[XlsFormProblem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems and self.questionnaire is not None


@dataclass
class _Draft:
    definition: dict
    origins: dict[str, str] = field(default_factory=dict)


def convert_xlsform(
    path: str | Path,
    form_id: str | None = None,
    version: str | None = None,
    methodology: str | None = None,
    methodologies: Mapping[str, Methodology] | None = None,
) -> Conversion:
    """Read an XLSForm and return the checked definition, or every problem with its sheet, row and column."""
    path = Path(path)
    report = Report()
    draft = _draft(path, {"id": form_id, "version": version, "methodology": methodology}, methodologies, report)
    found = _in_sheet_order(report.warnings)
    if draft is None or report.problems:
        return Conversion(str(path), problems=_in_sheet_order(report.problems), warnings=found)
    try:
        questionnaire = questionnaire_from_dict(draft.definition, methodologies or {})
    except QuestionnaireError as error:
        traced = _in_sheet_order(_trace(p.path, p.message, draft.origins) for p in error.problems)
        return Conversion(str(path), draft.definition, problems=traced, warnings=found)
    return Conversion(str(path), draft.definition, questionnaire, warnings=found)


SHEET_ORDER = {None: 0, "settings": 1, "survey": 2, "choices": 3}


def _in_sheet_order(problems: Iterable[XlsFormProblem]) -> tuple[XlsFormProblem, ...]:
    """Problems as an author reads the workbook: settings, survey, choices; top to bottom, left to right."""

    def key(problem: XlsFormProblem) -> tuple:
        match = re.fullmatch(r"([A-Z]*)(\d*)", problem.cell or "")
        letters, digits = match.groups() if match else ("", "")
        sheet = None if (problem.sheet or "").startswith("--") else problem.sheet  # command-line options first
        return SHEET_ORDER.get(sheet, 4), int(digits or 0), len(letters), letters

    return tuple(sorted(problems, key=key))


def _draft(path: Path, overrides: dict, methodologies: Mapping[str, Methodology] | None,
           report: Report) -> _Draft | None:
    grids = read_grids(path, report)
    if grids is None:
        return None
    if "survey" not in grids:
        found = ", ".join(repr(name) for name in grids) or "none"
        report.problem(None, f"{path.name}: the workbook has no 'survey' sheet (sheets found: {found})")
        return None
    for name in sorted(grids.keys() - {"survey", "choices", "settings"}):
        report.warn(None, f"{path.name}: sheet '{name}' is ignored")
    declared = declared_language(grids.get("settings"))
    survey = parse_sheet("survey", grids["survey"], declared or VIETNAMESE, Report())
    translated = [lang for key, lang in survey.columns if key == "label" and lang]
    language = form_language(translated, declared)
    if declared is None and language != VIETNAMESE and "label" in {k for k, _ in survey.columns}:
        declared = language  # plain columns beside label::English are in the form's one language, as in pyxform
    settings = read_settings(grids.get("settings"), path, overrides, report, language, declared)
    texts = TextReader(report, language)
    survey = parse_sheet("survey", grids["survey"], settings.default_language, report)
    for key in ("type", "name"):
        if not survey.has(key):
            report.problem("survey!A1", f"the survey sheet has no '{key}' column")
            return None
    if language != VIETNAMESE:
        settings.values["default_language"] = language
        report.warn("settings", f"the form has no Vietnamese texts: it is imported in its own language "
                                f"('{language}'); translate every text to Vietnamese (vi) before publishing it")
    choices = grids.get("choices")
    lists = read_choices(parse_sheet("choices", choices, settings.default_language, report) if choices else None,
                         texts, report)
    outside = _methodology_scales(settings, methodologies, report)
    builder = SurveyBuilder(report, texts, lists, outside, folder=path.parent)
    tree = build_tree(survey, report)
    taken = {row.get("name") for row in survey.rows}
    sections = builder.sections(tree, settings.values.get("title", {}), taken)
    if not sections:
        report.problem("survey", "the survey sheet has no questions")
    return _assemble(settings, lists, builder.used_lists, sections)


def _methodology_scales(settings: Settings, methodologies: Mapping[str, Methodology] | None,
                        report: Report) -> Mapping[str, Scale]:
    """Scales of the named methodology: a survey row may use one by name without a list on the choices sheet."""
    methodology_id = settings.values.get("methodology")
    if not methodology_id:
        return {}
    known = dict(methodologies or {})
    with suppress(QuestionnaireError):  # a broken bundled file is reported by `validate`, not here
        known = {**bundled_methodologies(), **known}
    if methodology_id not in known:
        names = ", ".join(sorted(known)) or "none"
        report.problem(settings.origins.get("methodology", "settings"),
                       f"unknown methodology '{methodology_id}' (known: {names})")
        return {}
    return known[methodology_id].scales


def _assemble(settings: Settings, lists: dict[str, ChoiceList], used: list[str], sections: list[Built]) -> _Draft:
    values = settings.values
    definition: dict = {"kind": "questionnaire", "id": values.get("id"), "version": str(values.get("version"))}
    for key in ("default_language", "methodology", "respondent_groups"):
        if values.get(key):
            definition[key] = values[key]
    definition["title"] = values.get("title")
    draft = _Draft(definition, dict(settings.origins))
    if used:
        definition["scales"] = {name: {"options": lists[name].options} for name in used}
        for name in used:
            draft.origins[f"scales.{name}"] = lists[name].first_ref
            for k, origin in enumerate(lists[name].origins):
                _register(draft.origins, f"scales.{name}.options[{k}]", origin)
    for i, section in enumerate(sections):
        _register(draft.origins, f"sections[{i}]", section.origin)
        for j, item in enumerate(section.children):
            _register(draft.origins, f"sections[{i}].items[{j}]", item.origin)
            for k, row in enumerate(item.children):
                _register(draft.origins, f"sections[{i}].items[{j}].rows[{k}]", row.origin)
    definition["sections"] = [_with_children(s.data, "items", [_with_rows(i) for i in s.children]) for s in sections]
    return draft


ITEM_KEYS = ("id", "type", "text", "hint", "scale", "options", "choice_filter", "or_other", "required", "relevant",
             "constraint", "constraint_message", "calculation", "default", "read_only", "min", "max", "criterion",
             "scored")


def _with_rows(item: Built) -> dict:
    """The item's keys in FORMAT.md order (relevance is joined last while building), then its matrix rows."""
    data = {key: item.data[key] for key in ITEM_KEYS if key in item.data}
    return _with_children(data, "rows", [r.data for r in item.children]) if item.children else data


def _with_children(data: dict, key: str, children: list[dict]) -> dict:
    """The element with its children, keeping FORMAT.md key order: ``rows`` after the item's own keys."""
    return {**data, key: children}


def _register(origins: dict[str, str], path: str, origin: Mapping[str, str]) -> None:
    for key, ref in origin.items():
        origins[f"{path}.{key}" if key else path] = ref


def _trace(path: str, message: str, origins: Mapping[str, str]) -> XlsFormProblem:
    """The cell a loader problem comes from: the longest known prefix of its element path."""
    probe = path
    while probe:
        if probe in origins:
            sheet, _, cell = origins[probe].partition("!")
            return XlsFormProblem(sheet, cell or None, message)
        shorter = re.sub(r"(\.[^.\[\]]+|\[\d+\])$", "", probe)
        probe = "" if shorter == probe else shorter
    return XlsFormProblem(None, None, f"{path}: {message}" if path else message)

"""Validation of piping: every ``${id}`` in a text names an answer the respondent has given by then.

An item on the same page is fine (survey.js pipes it live, the server once the page is sent back); one on a later
page would always show nothing, so it is an error, as is an unknown id or a note (which has no answer).
"""

from __future__ import annotations

from collections.abc import Iterator

from questionnaires.build import Finding
from questionnaires.model import Questionnaire
from questionnaires.piping import piped_names, piped_texts
from questionnaires.problems import Path


def piping_findings(questionnaire: Questionnaire) -> list[Finding]:
    page_of = {var: i for i, section in enumerate(questionnaire.sections) for item in section.items
               for var in item.variables}
    findings: list[Finding] = []
    for i, section in enumerate(questionnaire.sections):
        for key, text in piped_texts(section):
            findings += _reference_findings(("sections", i, *key), piped_names(text), i, page_of, questionnaire)
        for j, item in section.items_in_file():
            for key, text in piped_texts(section, item):
                findings += _reference_findings(("sections", i, "items", j, *key), piped_names(text), i, page_of,
                                                questionnaire)
    for name, scale in questionnaire.scales.items():
        for k, option in enumerate(scale.options):
            for ref in piped_names(option.label):
                if ref not in page_of:
                    findings.append((("scales", name, "options", k, "label"), _unknown(ref, questionnaire)))
    return findings


def _reference_findings(path: Path, names: list[str], page: int, page_of: dict[str, int],
                        questionnaire: Questionnaire) -> Iterator[Finding]:
    for name in names:
        if name not in page_of:
            yield path, _unknown(name, questionnaire)
        elif page_of[name] > page:
            later = questionnaire.sections[page_of[name]].id
            yield path, (f"'${{{name}}}' is answered on a later page (section '{later}'): a text can only show "
                         "answers given on its own page or before")


def _unknown(name: str, questionnaire: Questionnaire) -> str:
    if questionnaire.item(name) is not None:
        return f"'${{{name}}}' is a note or a matrix: it has no answer to show (pipe one of its rows)"
    return f"unknown item '{name}' in '${{{name}}}'"

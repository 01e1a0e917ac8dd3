"""The review page's content: every applicable answer per section as readable text, and what is still missing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from questionnaires.answers import apply_relevance, is_missing, relevance_judge
from questionnaires.model import Item, ItemType, Questionnaire, Required
from questionnaires.piping import pipe_answers


@dataclass(frozen=True)
class ReviewRow:
    label: str
    answer: str


@dataclass(frozen=True)
class ReviewSection:
    id: str
    title: str
    url: str
    rows: list[ReviewRow] = field(default_factory=list)


@dataclass(frozen=True)
class MissingAnswer:
    label: str
    url: str


def answer_text(item: Item, value: object, language: str) -> str:
    """What the respondent chose or typed, as they saw it (option labels, not codes)."""
    if is_missing(value):
        return ""
    if item.scale is not None:
        codes = value if isinstance(value, list) else [value]
        labels = [(item.scale.option(str(c)).label.get(language) if item.scale.option(str(c)) else str(c))
                  for c in codes]
        return ", ".join(labels)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _rows(item: Item, answers: Mapping[str, object], language: str) -> list[ReviewRow]:
    if item.type in (ItemType.NOTE, ItemType.CALCULATE):  # a calculation is stored, never shown to be checked
        return []
    if item.type is ItemType.MATRIX:
        title = item.text.get(language)
        return [ReviewRow(f"{title} — {row.text.get(language)}", answer_text(item, answers.get(row.id), language))
                for row in item.rows]
    return [ReviewRow(item.text.get(language), answer_text(item, answers.get(item.id), language))]


def review(questionnaire: Questionnaire, answers: Mapping[str, object], language: str,
           page_url: Callable[[int], str]) -> tuple[list[ReviewSection], list[MissingAnswer]]:
    """The applicable sections with their answers, and the required questions still unanswered."""
    kept, _not_applicable = apply_relevance(questionnaire, answers)
    applies = relevance_judge(questionnaire, kept)
    sections, missing = [], []
    for number, section in enumerate(questionnaire.sections, start=1):
        if not applies(section):
            continue
        block = ReviewSection(section.id, section.title.get(language), page_url(number))
        for item in section.items:
            if not applies(item):
                continue
            block.rows.extend(ReviewRow(pipe_answers(r.label, questionnaire, kept, language), r.answer)
                              for r in _rows(item, kept, language))  # "${item}" shows its answer, as on the page
            if item.required is Required.YES and any(is_missing(kept.get(v)) for v in item.variables):
                missing.append(MissingAnswer(pipe_answers(item.text.get(language), questionnaire, kept, language),
                                             page_url(number)))
        sections.append(block)
    return sections, missing

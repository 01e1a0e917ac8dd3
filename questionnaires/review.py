"""What a respondent reviews before submitting: every applicable answer per section as the text they saw (the
record contract's :func:`~questionnaires.record.label_text`), and the required questions still missing (the
route's rule). Pure Python, so any page that shows a set of answers (the respondent's review now, a staff view of
a draft later) builds the same content; the caller says how a page number becomes a link."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from questionnaires.answers import apply_relevance, relevance_judge
from questionnaires.model import Item, ItemType, Questionnaire
from questionnaires.piping import pipe_answers
from questionnaires.record import label_text
from questionnaires.route import unanswered_required


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


def _rows(item: Item, answers: Mapping[str, object], language: str) -> list[ReviewRow]:
    if item.type in (ItemType.NOTE, ItemType.CALCULATE):  # a calculation is stored, never shown to be checked
        return []
    if item.type is ItemType.MATRIX:
        title = item.text.get(language)
        return [ReviewRow(f"{title} — {row.text.get(language)}", label_text(item, answers.get(row.id), language))
                for row in item.rows]
    return [ReviewRow(item.text.get(language), label_text(item, answers.get(item.id), language))]


def review(questionnaire: Questionnaire, answers: Mapping[str, object], language: str,
           page_url: Callable[[int], str]) -> tuple[list[ReviewSection], list[MissingAnswer]]:
    """The applicable sections with their answers, and the required questions still unanswered."""
    kept, _not_applicable = apply_relevance(questionnaire, answers)
    applies = relevance_judge(questionnaire, kept)
    sections = []
    for number, section in enumerate(questionnaire.sections, start=1):
        if not applies(section):
            continue
        block = ReviewSection(section.id, section.title.get(language), page_url(number))
        for item in section.items:
            if applies(item):
                block.rows.extend(ReviewRow(pipe_answers(r.label, questionnaire, kept, language), r.answer)
                                  for r in _rows(item, kept, language))  # "${item}" shows its answer, as on the page
        sections.append(block)
    missing = [MissingAnswer(pipe_answers(item.text.get(language), questionnaire, kept, language), page_url(number))
               for number, item in unanswered_required(questionnaire, kept)]
    return sections, missing

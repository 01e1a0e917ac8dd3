"""Which page comes next: pages are sections, numbered from 1 in questionnaire order; hidden ones are skipped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from questionnaires.answers import apply_relevance, first_unanswered_section, is_missing, is_relevant
from questionnaires.model import Questionnaire, Section


@dataclass(frozen=True)
class Progress:
    """"Page ``position`` of ``total``", counting only the sections that apply to this respondent."""

    position: int
    total: int


@dataclass(frozen=True)
class Pages:
    """The applicable page numbers for one set of answers, worked out once per request."""

    numbers: tuple[int, ...]

    @classmethod
    def of(cls, questionnaire: Questionnaire, answers: Mapping[str, object]) -> Pages:
        # Only sections with their own condition need evaluating; the others always apply.
        return cls(tuple(n for n, s in enumerate(questionnaire.sections, start=1)
                         if not s.relevant or is_relevant(questionnaire, s, answers)))

    def applies(self, number: int) -> bool:
        return number in self.numbers

    def next(self, number: int) -> int | None:
        """The first applicable page after ``number``; None means the review page comes next."""
        return next((n for n in self.numbers if n > number), None)

    def previous(self, number: int) -> int | None:
        """The last applicable page before ``number``; None on the first page."""
        earlier = [n for n in self.numbers if n < number]
        return earlier[-1] if earlier else None

    def last(self) -> int | None:
        return self.numbers[-1] if self.numbers else None

    def progress(self, number: int) -> Progress:
        position = sum(1 for n in self.numbers if n <= number)
        return Progress(position=max(position, 1), total=max(len(self.numbers), 1))


def section_at(questionnaire: Questionnaire, number: int) -> Section | None:
    """The section shown as page ``number`` (1-based), or None when there is no such page."""
    if 1 <= number <= len(questionnaire.sections):
        return questionnaire.sections[number - 1]
    return None


def resume_page(questionnaire: Questionnaire, answers: Mapping[str, object]) -> int | None:
    """Where a returning respondent lands; None = the review page.

    The first applicable page that either lacks a required answer or has no answer at all (a page of optional
    questions the respondent has not reached yet must not be skipped just because nothing on it is required).
    """
    kept, not_applicable = apply_relevance(questionnaire, answers)
    gap = first_unanswered_section(questionnaire, kept)
    pages = Pages.of(questionnaire, kept)
    for number, section in enumerate(questionnaire.sections, start=1):
        if section is gap:
            return number
        if not pages.applies(number):
            continue
        variables = [v for v in section.variables if v not in not_applicable]
        if variables and all(is_missing(kept.get(v)) for v in variables):
            return number
    return None

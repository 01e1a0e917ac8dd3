"""The route through a questionnaire: which pages apply, where a returning respondent resumes, progress, and
whether a draft counts as a partial interview or a break-off.

These are rules of the questionnaire, not of the web: the respondent pages, the review page, submitting,
participation reports and paper entry all ask this module, so a page skipped on the phone is skipped in the
report too. Pages are the sections, numbered from 1 in questionnaire order. Pure Python (no Flask, no pandas).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from questionnaires.answer_values import is_missing
from questionnaires.answers import apply_relevance, relevance_judge
from questionnaires.model import Item, Questionnaire, Required, Section

__all__ = ["Progress", "Route", "first_incomplete_section", "is_partial", "resume_page", "section_at",
           "unanswered_required"]


@dataclass(frozen=True)
class Progress:
    """"Page ``position`` of ``total``", counting only the sections that apply to this respondent."""

    position: int
    total: int


@dataclass(frozen=True)
class Route:
    """The applicable page numbers for one set of answers, worked out once per request."""

    numbers: tuple[int, ...]

    @classmethod
    def of(cls, questionnaire: Questionnaire, answers: Mapping[str, object]) -> Route:
        """The pages whose section applies given ``answers`` (a section without a condition always applies)."""
        applies = relevance_judge(questionnaire, answers)
        return cls(tuple(n for n, s in enumerate(questionnaire.sections, start=1) if not s.relevant or applies(s)))

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
    """Where a returning respondent lands: the first applicable page with an applicable question left
    unanswered, required or not; None = every applicable question has an answer (the review page).

    Optional questions count too: a respondent who stopped half-way through a page of optional questions must
    land on that page, not on a later one that happens to hold a required question. Calculations and read-only
    values are not the respondent's to give, so they never hold a respondent back.
    """
    kept, _ = apply_relevance(questionnaire, answers)
    applies = relevance_judge(questionnaire, kept)
    for number, section in enumerate(questionnaire.sections, start=1):
        if applies(section) and any(item.is_typed_by_respondent and applies(item)
                                    and any(is_missing(kept.get(v)) for v in item.variables)
                                    for item in section.items):
            return number
    return None


def unanswered_required(questionnaire: Questionnaire, answers: Mapping[str, object]) -> list[tuple[int, Item]]:
    """Every applicable required question still unanswered, with its page number, in questionnaire order."""
    applies = relevance_judge(questionnaire, answers)
    return [(number, item)
            for number, section in enumerate(questionnaire.sections, start=1) if applies(section)
            for item in section.items
            if item.required is Required.YES and applies(item)
            and any(is_missing(answers.get(var)) for var in item.variables)]


def first_incomplete_section(questionnaire: Questionnaire, answers: Mapping[str, object]) -> Section | None:
    """The first applicable section with an applicable required question unanswered (None: ready to submit)."""
    gaps = unanswered_required(questionnaire, answers)
    return questionnaire.sections[gaps[0][0] - 1] if gaps else None


def is_partial(questionnaire: Questionnaire, answers: Mapping[str, object]) -> bool:
    """A draft that counts as a partial interview (AAPOR P) rather than a break-off (R): at least half of the
    answerable variables that apply given these answers have an answer."""
    _, hidden = apply_relevance(questionnaire, answers)
    relevant = [var for var, _ in questionnaire.variables() if var not in hidden]
    answered = sum(not is_missing(answers.get(var)) for var in relevant)
    return 2 * answered >= len(relevant)

"""Piping: ``${item}`` inside a label, hint, note or option label shows that item's answer to the respondent.

"Ông/Bà đã đến ${office} mấy lần?" reads as "Ông/Bà đã đến Bộ phận Một cửa mấy lần?": a choice answer shows its
option label in the respondent's language, several choices their labels joined by ", ", a number or text itself,
an unanswered item nothing. The server pipes every page it shows; survey.js updates piped answers of the same page
live. The validator refuses a reference to an unknown item or to an item on a later page (never answered yet).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping

from questionnaires.model import Item, Questionnaire, Section, Text
from questionnaires.record import label_text, value_text

PIPED = re.compile(r"\$\{([A-Za-z][A-Za-z0-9_]*)\}")


def piped_names(text: Text | str | None) -> list[str]:
    """The item ids a text pipes, in every language, in order of first appearance."""
    if text is None:
        return []
    sources = [text] if isinstance(text, str) else list(text.translations.values())
    seen: dict[str, None] = {}
    for source in sources:
        for match in PIPED.finditer(source):
            seen.setdefault(match.group(1))
    return list(seen)


def has_piping(text: str | None) -> bool:
    return bool(text) and "${" in text and PIPED.search(text) is not None


def shown_value(questionnaire: Questionnaire, variable: str, value: object, language: str) -> str:
    """An answer as the respondent reads it: option labels for choices, the number or text otherwise."""
    if isinstance(value, bool):  # a calculation's truth value, spelled as the expression language spells it
        return "true" if value else "false"
    item = _owner(questionnaire, variable)
    return label_text(item, value, language) if item is not None else value_text(None if value == "" else value)


def pipe(text: str, shown: Callable[[str], str]) -> str:
    """``text`` with each ``${id}`` replaced by ``shown(id)``."""
    return PIPED.sub(lambda m: shown(m.group(1)), text)


def pipe_answers(text: str, questionnaire: Questionnaire, answers: Mapping[str, object], language: str) -> str:
    """``text`` with the answers shown (plain text: the review page, messages)."""
    return pipe(text, lambda name: shown_value(questionnaire, name, answers.get(name), language))


def _owner(questionnaire: Questionnaire, variable: str) -> Item | None:
    for var, item in questionnaire.variables():
        if var == variable:
            return item
    return questionnaire.item(variable)


def piped_texts(section: Section, item: Item | None = None) -> Iterator[tuple[tuple, Text]]:
    """Every text of a section (``item`` None) or of an item that may pipe, with its key path."""
    if item is None:
        yield ("title",), section.title
        if section.description is not None:
            yield ("description",), section.description
        return
    yield ("text",), item.text
    if item.hint is not None:
        yield ("hint",), item.hint
    if item.constraint_message is not None:
        yield ("constraint_message",), item.constraint_message
    for k, row in enumerate(item.rows):
        yield ("rows", k, "text"), row.text
    if item.scale is not None and not item.scale.id:  # inline options; shared scales are checked per scale
        for k, option in enumerate(item.scale.options):
            yield ("options", k, "label"), option.label

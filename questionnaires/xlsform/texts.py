"""Texts from translated columns: Vietnamese is required wherever a text is given; other languages are optional."""

from __future__ import annotations

import re

from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.workbook import Row

VIETNAMESE = "vi"


class TextReader:
    """Reads ``{vi: ..., en: ...}`` dicts from a row and reports a missing text in the form's language at its cell.

    The form's language is Vietnamese, or the one language a form written elsewhere uses (its default language:
    it can be imported, previewed and translated, and needs Vietnamese before it is published). When a sheet has
    no column in that language for a text at all, that is said once, at the header, not on every row.
    """

    def __init__(self, report: Report, language: str = VIETNAMESE) -> None:
        self.report = report
        self.language = language
        self._missing_columns: set[tuple[str, str]] = set()

    def optional(self, row: Row, key: str, what: str) -> dict[str, str] | None:
        texts = row.texts(key)
        if not texts:
            return None
        if self.language not in texts:
            self._no_main_text(row, key, what, next(iter(texts.values())).ref)
        ordered = sorted(texts.items(), key=lambda kv: (kv[0] != self.language, kv[0]))
        return {lang: cell.value for lang, cell in ordered}

    def required(self, row: Row, key: str, what: str) -> dict[str, str]:
        texts = self.optional(row, key, what)
        if texts is None:
            self.report.problem(row.ref(key, self.language), f"{what} has no {key} ({self._name} text required)")
            return {}
        return texts

    @property
    def _name(self) -> str:
        return "Vietnamese" if self.language == VIETNAMESE else f"'{self.language}'"

    def _no_main_text(self, row: Row, key: str, what: str, ref: str) -> None:
        if (key, self.language) in row.cells:
            self.report.problem(ref, f"the {key} of {what} has no {self._name} text")
        elif (row.sheet, key) not in self._missing_columns:
            self._missing_columns.add((row.sheet, key))
            header = re.sub(r"\d+$", "1", ref)
            column = f"{key}::Vietnamese (vi)" if self.language == VIETNAMESE else f"{key}::{self.language}"
            self.report.problem(header, f"the sheet has {key} columns but none in {self._name}: add a column "
                                        f"'{column}'")


def form_language(label_languages: list[str], declared: str | None) -> str:
    """The language every text of the form must have: Vietnamese when the form has it (or declares it),
    else the declared default language, else the language of its first label column."""
    if VIETNAMESE in label_languages or declared == VIETNAMESE:
        return VIETNAMESE
    if declared:
        return declared
    return label_languages[0] if label_languages else VIETNAMESE

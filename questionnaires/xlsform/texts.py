"""Texts from translated columns: Vietnamese is required wherever a text is given; other languages are optional."""

from __future__ import annotations

import re

from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.workbook import Row

VIETNAMESE = "vi"


class TextReader:
    """Reads ``{vi: ..., en: ...}`` dicts from a row and reports a missing Vietnamese text at its cell.

    When a sheet has no Vietnamese column for a text at all, that is said once, at the header, not on every row.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self._missing_columns: set[tuple[str, str]] = set()

    def optional(self, row: Row, key: str, what: str) -> dict[str, str] | None:
        texts = row.texts(key)
        if not texts:
            return None
        if VIETNAMESE not in texts:
            self._no_vietnamese(row, key, what, next(iter(texts.values())).ref)
        ordered = sorted(texts.items(), key=lambda kv: (kv[0] != VIETNAMESE, kv[0]))
        return {lang: cell.value for lang, cell in ordered}

    def required(self, row: Row, key: str, what: str) -> dict[str, str]:
        texts = self.optional(row, key, what)
        if texts is None:
            self.report.problem(row.ref(key, VIETNAMESE), f"{what} has no {key} (Vietnamese text required)")
            return {}
        return texts

    def _no_vietnamese(self, row: Row, key: str, what: str, ref: str) -> None:
        if (key, VIETNAMESE) in row.cells:
            self.report.problem(ref, f"the {key} of {what} has no Vietnamese text")
        elif (row.sheet, key) not in self._missing_columns:
            self._missing_columns.add((row.sheet, key))
            header = re.sub(r"\d+$", "1", ref)
            self.report.problem(header, f"the sheet has {key} columns but none in Vietnamese: add a column "
                                        f"'{key}::Vietnamese (vi)'")

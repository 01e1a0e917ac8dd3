"""Texts from translated columns: Vietnamese is required wherever a text is given; other languages are optional."""

from __future__ import annotations

from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.workbook import Row

VIETNAMESE = "vi"


class TextReader:
    """Reads ``{vi: ..., en: ...}`` dicts from a row and reports a missing Vietnamese text at its cell."""

    def __init__(self, report: Report) -> None:
        self.report = report

    def optional(self, row: Row, key: str, what: str) -> dict[str, str] | None:
        texts = row.texts(key)
        if not texts:
            return None
        if VIETNAMESE not in texts:
            first = next(iter(texts.values()))
            self.report.problem(first.ref, f"the {key} of {what} has no Vietnamese text "
                                           f"(add a column '{key}::Vietnamese (vi)')")
        ordered = sorted(texts.items(), key=lambda kv: (kv[0] != VIETNAMESE, kv[0]))
        return {lang: cell.value for lang, cell in ordered}

    def required(self, row: Row, key: str, what: str) -> dict[str, str]:
        texts = self.optional(row, key, what)
        if texts is None:
            self.report.problem(row.ref(key, VIETNAMESE), f"{what} has no {key} (Vietnamese text required)")
            return {}
        return texts

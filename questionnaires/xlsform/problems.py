"""What an XLSForm import reports: one line per problem, naming the sheet and cell the author must fix."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class XlsFormProblem:
    """A problem found in the workbook; ``cell`` is ``"B7"``, a row ``"7"``, or None for the whole sheet."""

    sheet: str | None
    cell: str | None
    message: str

    def __str__(self) -> str:
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}: {self.message}"
        if self.sheet:
            return f"{self.sheet}: {self.message}"
        return self.message


class Report:
    """Collects problems (which stop the import) and warnings (which do not, but are worth reading)."""

    def __init__(self) -> None:
        self.problems: list[XlsFormProblem] = []
        self.warnings: list[XlsFormProblem] = []

    def problem(self, ref: str | None, message: str) -> None:
        self.problems.append(_at(ref, message))

    def warn(self, ref: str | None, message: str) -> None:
        self.warnings.append(_at(ref, message))


def _at(ref: str | None, message: str) -> XlsFormProblem:
    """Build a problem from a reference like ``"survey!B7"`` or ``"settings"``."""
    if ref is None:
        return XlsFormProblem(None, None, message)
    sheet, _, cell = ref.partition("!")
    return XlsFormProblem(sheet, cell or None, message)

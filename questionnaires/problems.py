"""What is wrong with a questionnaire or methodology file, said precisely enough to fix it.

A problem names the file, the line where possible and the path of the element (``sections[2].items[5].relevant``,
indices counted from 0 as in the file's own lists) so that an operator can find it without reading code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches

PathPart = str | int
Path = tuple[PathPart, ...]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file an operator gave: ``file.yaml:12: sections[2].items[5].relevant: message``.

    The same record serves questionnaire files and spreadsheets (a frame of units, typed paper forms): there
    ``line`` is the row as the spreadsheet shows it and ``path`` the column as headed (``units.csv:4: level: ...``).
    """

    file: str | None
    line: int | None
    path: str
    message: str
    # The English template of ``message`` and its values, when it was made by :meth:`worded`: a page can then
    # show the problem in its own language (the template is a translation-catalogue msgid).
    template: str | None = field(default=None, compare=False, repr=False)
    params: tuple[tuple[str, object], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def worded(cls, file: str | None, line: int | None, path: str | None, template: str, **params: object) -> Problem:
        """A problem whose English message is ``template`` (``%(name)s`` placeholders) filled with ``params``."""
        message = template % params if params else template
        return cls(file, line, path, message, template, tuple(params.items()))

    def __str__(self) -> str:
        location = ""
        if self.file:
            location = self.file + (f":{self.line}" if self.line else "")
        elif self.line:
            location = f"line {self.line}"
        parts = [p for p in (location, self.path) if p]
        return ": ".join([*parts, self.message])


class QuestionnaireError(Exception):
    """Raised by the loader with every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems) or "invalid questionnaire")


def format_path(path: Iterable[PathPart]) -> str:
    """``("sections", 2, "items", 5, "relevant")`` -> ``sections[2].items[5].relevant``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'birth_year'?)`` when a known name is close to a mistyped one, else nothing."""
    close = get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""

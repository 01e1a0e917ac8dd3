"""The record contract: what one response looks like once it leaves the web app.

Exports (CSV, XLSX, SPSS), paper entry, :mod:`analysis.io` and scoring all read and write responses through these
names, so a column, a missing code or a number's spelling is decided here once:

- every record starts with :data:`LEADING_COLUMNS`, then the codebook's variables in codebook order;
- two system-missing codes are shared by every variable: ``-97`` not applicable (hidden by the respondent's own
  answers) and ``-99`` not answered; numeric variables carry them as numbers, the others as text;
- a stored answer becomes a codebook value (:func:`record_value`; a multiple choice becomes one 0/1 flag per
  option) and, for people, the text of the option it stands for (:func:`label_text`);
- a whole float is written as an integer (:func:`value_text`): ``3.0`` read back from a spreadsheet is code ``"3"``.

Pure Python; a codebook variable may be a :class:`questionnaires.codebook.Variable` or its JSON form (the dict
kept in ``frame.attrs["codebook"]``), since both travel through the project.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from questionnaires.answer_values import is_missing
from questionnaires.answers import apply_relevance
from questionnaires.model import Item, Questionnaire, Text

if TYPE_CHECKING:
    from questionnaires.codebook import Codebook, Variable

#: The columns every record starts with, before the codebook variables.
LEADING_COLUMNS: tuple[str, ...] = (
    "response_id", "survey", "questionnaire", "questionnaire_version", "unit", "unit_level", "group", "mode",
    "submitted_on",
)  # fmt: skip

NOT_APPLICABLE = "-97"
NOT_ANSWERED = "-99"
#: The system-missing codes of every variable: not applicable, not answered.
SYSTEM_MISSING: tuple[str, ...] = (NOT_APPLICABLE, NOT_ANSWERED)
SYSTEM_MISSING_LABELS = {
    NOT_APPLICABLE: Text.of({"vi": "Không áp dụng", "en": "Not applicable"}),
    NOT_ANSWERED: Text.of({"vi": "Không trả lời", "en": "Not answered"}),
}
#: Codebook types whose values (and missing codes) are numbers.
NUMERIC_TYPES = frozenset({"integer", "decimal", "flag"})


def value_text(value: object) -> str:
    """A value as record text: ``3.0`` is ``"3"`` (a whole float prints as an integer), None is empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def record_values(questionnaire: Questionnaire, codebook: Codebook, answers: Mapping[str, object]) -> list[object]:
    """One response's values in codebook order, with -97 / -99 where there is no answer.

    Relevance is applied again to the stored answers, which is what tells "not applicable" from "not answered".
    """
    kept, hidden = apply_relevance(questionnaire, answers)
    return [record_value(variable, kept, hidden) for variable in codebook.variables]


def record_value(variable: Variable | Mapping, answers: Mapping[str, object],
                 hidden: Iterable[str] = frozenset()) -> object:
    """One variable's codebook value from the stored answers: the answer itself, 0/1 for a flag, or the
    system-missing code (``hidden`` holds the variables that do not apply)."""
    return record_reader(variable)(answers, hidden)


def record_reader(variable: Variable | Mapping) -> Callable[[Mapping[str, object], Iterable[str]], object]:
    """:func:`record_value` of one variable as a function of (answers, hidden), its fields looked up once: what an
    export of many responses calls per cell."""
    kind, name = _field(variable, "type"), _field(variable, "name")
    source = _field(variable, "item") if kind == "flag" else name
    not_applicable, not_answered = missing_value(variable, NOT_APPLICABLE), missing_value(variable, NOT_ANSWERED)
    option = (_field(variable, "option") or name.rsplit("__", 1)[-1]) if kind == "flag" else None

    def read(answers: Mapping[str, object], hidden: Iterable[str]) -> object:
        if source in hidden:
            return not_applicable
        value = answers.get(source)
        if value is None or value == "" or value == [] or value == ():  # is_missing, inlined: called per cell
            return not_answered
        if option is not None:
            return 1 if option in [str(code) for code in value] else 0
        return value

    return read


def record_column_reader(variable: Variable | Mapping) -> Callable[[Sequence[Mapping[str, object]],
                                                                   Sequence[Collection[str]] | None], list[object]]:
    """:func:`record_reader` over many responses at once: (answers of each response, hidden variables of each,
    or None when nothing in the chunk hides this variable) -> the variable's values, one per response. The same
    rule, written per column (:func:`record_column_values`), because an export of 100,000 responses cannot afford
    a function call per cell."""
    kind, name = _field(variable, "type"), _field(variable, "name")
    source = _field(variable, "item") if kind == "flag" else name
    not_applicable = missing_value(variable, NOT_APPLICABLE)
    values_of = record_column_values(variable)

    def read(answers, hidden):
        values = values_of([a.get(source) for a in answers])
        if hidden is not None:
            for row, hides in enumerate(hidden):
                if source in hides:
                    values[row] = not_applicable
        return values
    return read


def record_column_values(variable: Variable | Mapping) -> Callable[[Sequence[object]], list[object]]:
    """The stored answers of one variable's source over many responses (``None`` where absent) -> its codebook
    values, not-answered included; not-applicable is the caller's (it knows which rows relevance hid).

    A flag's answers (lists of codes) repeat: each distinct one is judged once, the rest is a dictionary look-up
    made by ``map`` in C. Other variables keep their answer, or take the not-answered code."""
    not_answered = missing_value(variable, NOT_ANSWERED)
    empty = (None, "", [], ())
    if _field(variable, "type") != "flag":
        return lambda stored: [not_answered if not v and v in empty else v for v in stored]  # truth first: fast
    name = _field(variable, "name")
    option = str(_field(variable, "option") or name.rsplit("__", 1)[-1])

    def judge(value: object) -> object:
        if not value and value in empty:
            return not_answered
        codes = value if isinstance(value, tuple | list | str) else (value,)
        return 1 if option in [str(code) for code in codes] else 0

    class Flags(dict):
        __slots__ = ()

        def __missing__(self, key: object) -> object:
            flag = self[key] = judge(key)
            return flag

    def flags(stored: Sequence[object]) -> list[object]:
        try:
            return list(map(Flags().__getitem__, [tuple(v) if type(v) is list else v for v in stored]))
        except TypeError:  # an answer that cannot be a dictionary key (nested lists): judged one by one
            return [judge(v) for v in stored]
    return flags


def missing_value(variable: Variable | Mapping, code: str) -> object:
    """The system-missing ``code`` as a number for numeric variables, as text otherwise."""
    return int(code) if _field(variable, "type") in NUMERIC_TYPES else code


def label_text(item: Item, value: object, language: str) -> str:
    """What the respondent chose or typed, as they saw it: option labels (not codes), numbers without ``.0``."""
    if is_missing(value):
        return ""
    if item.scale is not None:
        codes = value if isinstance(value, list) else [value]
        options = [item.scale.option(str(code)) for code in codes]
        return ", ".join(o.label.get(language) if o else str(c) for o, c in zip(options, codes, strict=True))
    return value_text(value)


def _field(variable: Variable | Mapping, key: str) -> object:
    return variable.get(key) if isinstance(variable, Mapping) else getattr(variable, key)

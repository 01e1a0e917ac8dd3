"""Each response's export values (the record contract of :mod:`questionnaires.record`): computed by
:class:`RecordMaker`, and stored beside the answers when a response is stored (:func:`stored_record`).

An export of 100,000 responses spent most of its time re-deriving every value from the answers: decoding each
answer document into a dict, looking up every variable in it, judging relevance, coding. Responses never change
once stored, and neither does their questionnaire version, so the values are computed once, at submit, by the
same :class:`RecordMaker` an export uses, and kept as one line of CSV text (:func:`record_lines`), headed by
:data:`RECORD_FORMAT` and the number of values.

Why CSV text and not a JSON array: it is the one form every export reads fastest. The CSV export copies the line
as it is (it is what ``csv.writer`` writes for those values); SPSS and Stata hand a whole chunk of lines to pandas'
C parser, which types each column (``int8`` codes, ``float64`` numbers) without a Python object per cell
(:func:`typed_columns`); the workbook and the read API take Python values (:func:`record_columns`). Types are not in
the text: the codebook says them (codes are text, flags and numbers are numbers).

A response stored before records existed, whose record was written by another format of this code or holds
another number of values, or whose questionnaire version is not the survey's, is exported from its answers (made
into lines by the same functions). A change to what a record holds (the codebook's variables, missing codes, text
normalisation, the text of a value) must therefore raise :data:`RECORD_FORMAT`, so stored records written by the
old rule are no longer trusted.

A record holds nothing the answers do not: the same values after relevance and coding (see the anonymity guarantee).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Mapping, Sequence
from itertools import repeat

from questionnaires.answers import apply_relevance
from questionnaires.codebook import Codebook, build_codebook
from questionnaires.expressions import ExpressionError, parse
from questionnaires.model import Questionnaire
from questionnaires.record import NOT_APPLICABLE, NUMERIC_TYPES, missing_value, record_column_values
from survey_app.services.errors import N_, OperatorError
from survey_app.services.exports_columns import ColumnMemo, as_number, csv_line, plain_text

#: The format a stored record's line starts with, ``{RECORD_FORMAT}.{number of values},``; an export trusts
#: only lines of its format and its codebook's width. Raise it when what a record holds changes (see the module's
#: docstring). 1 was a JSON array.
RECORD_FORMAT = 2
_MAKERS: dict[str, RecordMaker] = {}
_MAX_MAKERS = 32


def record_maker(questionnaire: Questionnaire) -> RecordMaker:
    """The :class:`RecordMaker` of ``questionnaire`` (kept per checksum: a survey's submits share one)."""
    maker = _MAKERS.get(questionnaire.checksum)
    if maker is None:
        if len(_MAKERS) >= _MAX_MAKERS:
            _MAKERS.clear()
        maker = _MAKERS[questionnaire.checksum] = RecordMaker(questionnaire, build_codebook(questionnaire))
    return maker


def stored_record(questionnaire: Questionnaire, answers: Mapping[str, object]) -> str | None:
    """The text of ``answers``' record as a response stores it: ``RECORD_FORMAT.width,value,...`` in codebook
    order (None for text no database column can hold, see :func:`stored_lines`)."""
    return stored_lines(record_maker(questionnaire).columns([answers]), 1)[0]


def stored_lines(columns: Sequence[Sequence[object]], count: int) -> list[str | None]:
    """:func:`record_lines` as responses store them, headed by their format and width; None for a line holding a NUL
    character, which PostgreSQL's text refuses (input strips control characters, so only rows stored before
    that, or imported, hold one): such a response is exported from its answers, as a response without a
    record is."""
    prefix = _prefix(len(columns))
    return [None if "\x00" in line else prefix + line for line in record_lines(columns, count)]


def trusted_lines(texts: Sequence[str | None], width: int) -> tuple[list[str | None], list[int]]:
    """A chunk's stored records as record lines of ``width`` values (their format stripped; None where the record
    cannot be trusted: none, another format, another width) and the positions of the rows to be made from their
    answers."""
    prefix = _prefix(width)
    skip = len(prefix)
    lines = [text[skip:] if text is not None and text.startswith(prefix) else None for text in texts]
    return lines, [row for row, line in enumerate(lines) if line is None]


def record_lines(columns: Sequence[Sequence[object]], count: int) -> list[str]:
    """``count`` rows of values (given by column, codebook order) as record lines: each row as ``csv.writer``
    writes it in an export, without its line end; a whole float without ``.0`` and true/false as 1/0
    (``exports_columns.plain_text``), text as it is (formula neutralisation is the CSV writer's)."""
    if not columns:
        return [""] * count  # a codebook without variables
    rows = zip(*([v if type(v) is str else plain_text(v) for v in column] for column in columns), strict=True)
    return [csv_line(row) for row in rows]


def record_columns(lines: Sequence[str], codebook: Codebook) -> list[list[object]]:
    """Record lines as Python values, one list per variable: codes and text as text, flags and numbers as
    numbers (a whole number as an ``int``), as the record contract gives them to the workbook and the read API."""
    texts = typed_columns(lines, [object] * len(codebook.variables))
    return [ColumnMemo(as_number).column(column) if variable.type in NUMERIC_TYPES else column.tolist()
            for column, variable in zip(texts, codebook.variables, strict=True)]


def typed_columns(lines: Sequence[str], dtypes: Sequence[object]) -> list:
    """Record lines parsed by pandas' C parser into one numpy array per variable, of the given dtype (``object``
    keeps the text). Raises ``ValueError`` when a value does not fit its dtype (a caller that must name the value
    parses again as text), :class:`UnreadableRecords` when the lines are not records of that width."""
    import numpy as np
    import pandas as pd

    width = len(dtypes)
    if not width:
        return []
    if not lines:
        return [np.array([], dtype=dtype) for dtype in dtypes]
    try:
        frame = pd.read_csv(io.StringIO("\r\n".join(lines)), header=None, names=range(width), engine="c",
                            dtype=dict(enumerate(dtypes)), na_filter=False, keep_default_na=False,
                            skip_blank_lines=False)
    except pd.errors.ParserError as error:  # a line with more values than variables
        raise UnreadableRecords(UNREADABLE, width=width) from error
    # a line with fewer values than variables leaves its last column empty ("" as text; a number column refuses
    # it, and a caller parsing again as text finds the gap); no stored value is empty (-99 is "not answered")
    last = frame[width - 1]
    if len(frame) != len(lines) or last.isna().any() or (last.dtype == object and (last == "").any()):
        raise UnreadableRecords(UNREADABLE, width=width)
    return [frame[position].to_numpy() for position in range(width)]


UNREADABLE = N_("stored export values are not records of this survey's %(width)s variables; run "
                "'parsurvey responses refresh-records --all' to make them again from the answers")


class UnreadableRecords(OperatorError):
    """Stored record lines that are not records of the codebook (edited by hand, or written by code that changed
    what a record holds without raising :data:`RECORD_FORMAT`): an export stops and says how to mend them,
    rather than writing shifted columns."""


def _prefix(width: int) -> str:
    return f"{RECORD_FORMAT}.{width},"


class RecordMaker:
    """:func:`questionnaires.record.record_values`, with the relevance outcome memoised, by column.

    Which variables are not applicable depends only on the answers that relevance expressions refer to, and a
    survey's responses share few combinations of those; judging relevance once per combination (with
    :func:`apply_relevance`, the one rule) instead of once per response is what keeps 100,000 rows fast. The
    values are then read one source at a time over a chunk of responses (each item's answers looked up once, even
    for the several flags of a multiple choice), turned into codebook values by
    :func:`questionnaires.record.record_column_values`, and the rows that relevance hid are set to not applicable
    afterwards: a per-cell "is it hidden?" test cost more than the values themselves.
    """

    def __init__(self, questionnaire: Questionnaire, codebook: Codebook, memo_size: int = 20_000):
        self.questionnaire = questionnaire
        self.variables = codebook.variables
        self.converters = [record_column_values(variable) for variable in self.variables]
        self.not_applicable = [missing_value(variable, NOT_APPLICABLE) for variable in self.variables]
        self.sources = [v.item if v.type == "flag" else v.name for v in self.variables]  # what relevance hides
        self.references = _relevance_references(questionnaire)
        self.read_sources = tuple(dict.fromkeys([*self.sources, *self.references]))
        self.text_positions = [i for i, v in enumerate(self.variables) if v.type == "text"]
        self.memo: dict[tuple, frozenset[str]] = {}
        self.memo_size = memo_size

    def _judged(self, key: tuple, answers: Mapping[str, object]) -> frozenset[str]:
        hidden = frozenset(apply_relevance(self.questionnaire, answers)[1])
        if len(self.memo) < self.memo_size:
            self.memo[key] = hidden
        return hidden

    def columns(self, answers: Sequence[Mapping[str, object]]) -> list[list[object]]:
        """One list per variable, one value per response."""
        answers = [a if type(a) is dict else dict(a) for a in answers]
        stored = {source: list(map(dict.get, answers, repeat(source))) for source in self.read_sources}
        hiding = _rows_hiding(self._hidden_of_each(answers, stored))
        columns = []
        for convert, source, not_applicable in zip(self.converters, self.sources, self.not_applicable, strict=True):
            column = convert(stored[source])
            for row in hiding.get(source, ()):
                column[row] = not_applicable
            columns.append(column)
        for position in self.text_positions:
            columns[position] = [_nfc(v) if type(v) is str else v for v in columns[position]]
        return columns

    def _hidden_of_each(self, answers: list[dict], stored: dict[str, list]) -> list[frozenset[str]]:
        """Each response's hidden variables, from the memo keyed by the answers relevance reads."""
        if not self.references:
            key = ()
            hidden = self.memo[key] if key in self.memo else self._judged(key, answers[0] if answers else {})
            return [hidden] * len(answers)
        read = [stored[name] for name in self.references]
        read = [[_frozen(v) for v in column] if list in set(map(type, column)) else column for column in read]
        memo = self.memo
        return [memo[key] if key in memo else self._judged(key, response)
                for key, response in zip(zip(*read, strict=True), answers, strict=True)]


def _rows_hiding(hidden: Sequence[frozenset[str]]) -> dict[str, list[int]]:
    """``variable -> rows where it is not applicable``, from each row's hidden set (few distinct sets)."""
    rows_of: dict[frozenset[str], list[int]] = {}
    for row, hides in enumerate(hidden):
        if hides:
            rows_of.setdefault(hides, []).append(row)
    hiding: dict[str, list[int]] = {}
    for hides, rows in rows_of.items():
        for name in hides:
            hiding.setdefault(name, []).extend(rows)
    return hiding


def _relevance_references(questionnaire: Questionnaire) -> tuple[str, ...]:
    names: set[str] = set()
    nodes = [*questionnaire.sections, *(item for s in questionnaire.sections for item in s.items)]
    for node in nodes:
        if node.relevant:
            try:
                names |= set(parse(node.relevant).references)
            except ExpressionError:
                continue  # judged "not relevant" whatever the answers (questionnaires.answers)
    return tuple(sorted(names))


def _nfc(value: str) -> str:
    """Text in NFC (composed Vietnamese), whatever the respondent's keyboard sent: one spelling per word in every
    file, so that Excel, SPSS and Stata match and sort it."""
    return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value

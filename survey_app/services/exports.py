"""Response exports: one row per submitted response, in the record contract of :mod:`questionnaires.record`
(leading columns, then the codebook's variables in codebook order, -97 not applicable / -99 not answered).

Rows are streamed from the database in chunks (``yield_per``: a server-side cursor on PostgreSQL), so an export of
100,000 responses never holds them all as Python objects; each format's writer (``exports_csv``,
``exports_xlsx``, ``exports_stats``) consumes the chunks. :func:`export_responses` takes an output path and an
optional ``progress(done, total)`` callback, so the CLI and a background job call the same function.
"""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path

from sqlalchemy import String, Text, cast, func, select, type_coerce

from questionnaires.answers import apply_relevance
from questionnaires.codebook import Codebook, build_codebook
from questionnaires.expressions import ExpressionError, parse
from questionnaires.model import Questionnaire
from questionnaires.record import LEADING_COLUMNS, NOT_APPLICABLE, missing_value, record_column_values
from survey_app.extensions import db
from survey_app.models import RespondentGroup, Response, Survey, Unit
from survey_app.services import export_disclosure, exports_csv, exports_stats, exports_xlsx
from survey_app.services.errors import OperatorError
from survey_app.services.exports_source import CHUNK_ROWS, LANGUAGES, Chunk, ExportSource, Progress, partial_path
from survey_app.services.questionnaire_versions import questionnaire_for

FORMATS = ("csv", "xlsx", "sav", "dta")
DEFAULT_K = 5  # PARSURVEY_ANONYMITY_K's default; the CLI and the jobs pass the app's setting


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]
    rows: int
    variables: int


def export_responses(survey: Survey, fmt: str, out: Path, *, language: str = "vi",
                     progress: Progress | None = None, k: int = DEFAULT_K) -> ExportResult:
    """Write every submitted response of ``survey`` to ``out`` in ``fmt`` (csv, xlsx, sav, dta).

    Labels (XLSX codebook order, SPSS and Stata variable and value labels) are in ``language``. Each file is
    written under a temporary name and renamed when complete, so a failed or running export never looks done.
    An anonymous survey's export follows the disclosure rule with ``k`` (the app's ``ANONYMITY_K``;
    :mod:`survey_app.services.export_disclosure`).
    """
    if fmt not in FORMATS:
        raise OperatorError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if language not in LANGUAGES:
        raise OperatorError(f"unknown label language {language!r}; expected one of {', '.join(LANGUAGES)}")
    source = response_source(survey, k=k)
    done = [0]

    def counted(rows: int, total: int) -> None:
        done[0] = rows
        if progress is not None:
            progress(rows, total)

    paths = write_source(source, fmt, Path(out), language=language, progress=counted)
    return ExportResult(tuple(paths), done[0], len(source.codebook.variables))


def write_source(source: ExportSource, fmt: str, out: Path, *, language: str = "vi",
                 progress: Progress | None = None) -> list[Path]:
    """Write ``source`` with the writer of ``fmt``; every file appears only once complete."""
    writers = {"csv": exports_csv.write_csv, "xlsx": exports_xlsx.write_xlsx, "sav": exports_stats.write_sav,
               "dta": exports_stats.write_dta}
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        written = writers[fmt](source, out, language, progress)
    except BaseException:
        for partial in (partial_path(out), partial_path(out.with_suffix(".codebook.json"))):
            partial.unlink(missing_ok=True)
        raise
    for final, partial in written:
        os.replace(partial, final)
    return [final for final, _ in written]


def response_source(survey: Survey, *, k: int = DEFAULT_K) -> ExportSource:
    """Every submitted response of ``survey`` in the export's columns, chunk by chunk, under the disclosure rule
    (anonymous surveys: dates coarsened to the month or suppressed, rows by unit, group and random key;
    identified surveys: by day and unit). The one home of what an export row holds, for every file and the API.
    """
    total = response_total(survey)
    rows = _RowReader(survey, k)

    def chunks() -> Iterator[Chunk]:
        query = rows.query().execution_options(yield_per=CHUNK_ROWS)
        for partition in db.session.execute(query).partitions():
            yield rows.columns(partition)

    return ExportSource(rows.codebook, total, chunks)


def response_total(survey: Survey) -> int:
    """How many responses ``survey`` has: the rows an export of it holds."""
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id)) or 0


def response_page(survey: Survey, *, k: int = DEFAULT_K, offset: int = 0,
                  limit: int = CHUNK_ROWS) -> tuple[tuple[str, ...], list[list[object]]]:
    """One page of the export's rows (for the read API): (column names, rows), in the export's order and under
    the same disclosure rule as the files. Values are as the CSV export holds them before text rendering."""
    rows = _RowReader(survey, k)
    found = db.session.execute(rows.query().offset(max(offset, 0)).limit(max(limit, 0))).all()
    columns = rows.columns(found)
    return rows.names, [list(row) for row in zip(*columns, strict=True)] if found else []


class _RowReader:
    """What turns ``survey``'s stored responses into export columns: the query, the leading columns, the codebook
    values (:class:`RecordMaker`) and the date rule (:mod:`export_disclosure`).

    The query returns only the response's own columns, as the driver gives them (key and day as text on SQLite,
    the answers as JSON text): units and groups are named from two small lookups, days parsed once each, so a
    row costs the database driver and little else."""

    def __init__(self, survey: Survey, k: int):
        self.survey = survey
        questionnaire = questionnaire_for(survey)
        self.codebook = build_codebook(questionnaire)
        self.records = RecordMaker(questionnaire, self.codebook)
        self.disclosed = export_disclosure.date_rule(survey, k)
        version = survey.questionnaire_version
        self.fixed = (survey.slug, version.questionnaire_id, version.version)
        self.names = (*LEADING_COLUMNS, *self.codebook.names)
        used = select(Response.unit_id).where(Response.survey_id == survey.id).distinct()
        units = db.session.execute(select(Unit.id, Unit.code, Unit.level).where(Unit.id.in_(used))).all()
        self.unit_codes = {i: code for i, code, _ in units}
        self.unit_levels = {i: level for i, _, level in units}
        self.groups = dict(db.session.execute(select(RespondentGroup.id, RespondentGroup.code)).all())
        self.shown: dict[tuple, date | None] = {}

    def query(self):
        order = ((Unit.code, RespondentGroup.code, Response.id) if self.survey.anonymous
                 else (Response.submitted_on, Unit.code, Response.id))  # never by time when time is hidden
        return (
            select(type_coerce(Response.id, String), Response.unit_id, Response.group_id, Response.mode,
                   type_coerce(Response.submitted_on, String), cast(Response.answers, Text))
            .join(Unit, Response.unit_id == Unit.id)
            .outerjoin(RespondentGroup, Response.group_id == RespondentGroup.id)
            .where(Response.survey_id == self.survey.id)
            .order_by(*order)
        )

    def columns(self, rows) -> Chunk:
        """The rows of one chunk as columns (leading columns, then the codebook's variables); the unit, group
        and date columns by ``map`` over look-ups, each distinct (unit, group, day) judged once."""
        n = len(rows)
        if not n:
            return [[] for _ in self.names]
        rid, unit_id, group_id, mode, day, answers = zip(*rows, strict=True)
        shown = self.shown
        cells = zip(unit_id, group_id, day, strict=True)
        leading = [list(map(_uuid_text, rid)), *([value] * n for value in self.fixed),
                   list(map(self.unit_codes.__getitem__, unit_id)),
                   list(map(self.unit_levels.__getitem__, unit_id)),
                   list(map(self.groups.get, group_id, repeat(""))), list(mode),
                   [shown[cell] if cell in shown else self._shown(cell) for cell in cells]]
        return leading + self.records.columns([a or {} for a in _decoded(answers)])

    def _shown(self, cell: tuple) -> date | None:
        """What ``submitted_on`` shows for a (unit, group, stored day) under the date rule, remembered: a
        survey has few such cells (units x groups x days)."""
        unit_id, group_id, value = cell
        day = value if value is None or type(value) is date else date.fromisoformat(str(value)[:10])
        found = self.shown[cell] = self.disclosed(unit_id, group_id, day)
        return found


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

    def hidden(self, answers: Mapping[str, object]) -> frozenset[str]:
        """The variables that ``answers`` make not applicable."""
        key = tuple(_frozen(answers.get(name)) for name in self.references)
        return self.memo[key] if key in self.memo else self._judged(key, answers)

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

    def values(self, answers: Mapping[str, object]) -> list[object]:
        """One response's values (the record contract, for one row)."""
        return [column[0] for column in self.columns([answers])]


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


def _uuid_text(value: object) -> str:
    """A response key as text with its dashes, as stored (32 hex digits on SQLite, a UUID from PostgreSQL)
    without building a UUID object per row."""
    if type(value) is not str:
        return str(value)
    if len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return value


def _decoded(texts: Sequence[str | None]) -> list[object]:
    """A chunk's answer documents decoded by one ``json.loads`` of one array: decoding row by row costs more in
    the per-call wrapper than in the parsing itself."""
    return json.loads("[" + ",".join(text or "null" for text in texts) + "]")


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

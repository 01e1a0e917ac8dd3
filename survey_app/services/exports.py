"""Response exports: one row per submitted response, in the record contract of :mod:`questionnaires.record`
(leading columns, then the codebook's variables in codebook order, -97 not applicable / -99 not answered).

Rows are streamed from the database in chunks (``yield_per``: a server-side cursor on PostgreSQL), so an export of
100,000 responses never holds them all as Python objects; each format's writer (``exports_csv``,
``exports_xlsx``, ``exports_stats``) consumes the chunks. :func:`export_responses` takes an output path and an
optional ``progress(done, total)`` callback, so the CLI and a background job call the same function.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select

from questionnaires.answers import apply_relevance
from questionnaires.codebook import Codebook, build_codebook
from questionnaires.expressions import ExpressionError, parse
from questionnaires.model import Questionnaire
from questionnaires.record import LEADING_COLUMNS, record_reader
from survey_app.extensions import db
from survey_app.models import RespondentGroup, Response, Survey, Unit
from survey_app.services import exports_csv, exports_stats, exports_xlsx
from survey_app.services.errors import OperatorError
from survey_app.services.exports_source import CHUNK_ROWS, LANGUAGES, Chunk, ExportSource, Progress, partial_path
from survey_app.services.questionnaire_versions import questionnaire_for

FORMATS = ("csv", "xlsx", "sav", "dta")


@dataclass(frozen=True)
class ExportResult:
    paths: tuple[Path, ...]
    rows: int
    variables: int


def export_responses(survey: Survey, fmt: str, out: Path, *, language: str = "vi",
                     progress: Progress | None = None) -> ExportResult:
    """Write every submitted response of ``survey`` to ``out`` in ``fmt`` (csv, xlsx, sav, dta).

    Labels (XLSX codebook order, SPSS and Stata variable and value labels) are in ``language``. Each file is
    written under a temporary name and renamed when complete, so a failed or running export never looks done.
    """
    if fmt not in FORMATS:
        raise OperatorError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if language not in LANGUAGES:
        raise OperatorError(f"unknown label language {language!r}; expected one of {', '.join(LANGUAGES)}")
    source = response_source(survey)
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


def response_source(survey: Survey) -> ExportSource:
    """Every submitted response of ``survey``, ordered by day and unit (never by submission order)."""
    questionnaire = questionnaire_for(survey)
    codebook = build_codebook(questionnaire)
    total = _response_count(survey)
    row_of = _row_maker(survey, questionnaire, codebook)

    def chunks() -> Iterator[Chunk]:
        query = _response_rows(survey).execution_options(yield_per=CHUNK_ROWS)
        for partition in db.session.execute(query).partitions():
            yield [row_of(found) for found in partition]

    return ExportSource(codebook, total, chunks)


@dataclass(frozen=True)
class ResponsePage:
    """One page of the export's rows (the read API pages through a survey instead of writing a file)."""

    columns: tuple[str, ...]
    rows: list[list[object]]
    total: int


def response_page(survey: Survey, offset: int, limit: int) -> ResponsePage:
    """Rows ``offset`` to ``offset + limit`` of the export of ``survey``: the same columns, values and order as
    :func:`response_source` (the order ends on the response id, so pages never overlap or skip a row)."""
    questionnaire = questionnaire_for(survey)
    codebook = build_codebook(questionnaire)
    row_of = _row_maker(survey, questionnaire, codebook)
    found = db.session.execute(_response_rows(survey).offset(offset).limit(limit)).all()
    return ResponsePage((*LEADING_COLUMNS, *codebook.names), [row_of(row) for row in found], _response_count(survey))


def _response_count(survey: Survey) -> int:
    statement = select(func.count()).select_from(Response).where(Response.survey_id == survey.id)
    return db.session.scalar(statement) or 0


def _response_rows(survey: Survey):
    """Every submitted response of ``survey`` with its unit and group, by day and unit (never by submission)."""
    return (
        select(Response.id, Unit.code, Unit.level, RespondentGroup.code, Response.mode, Response.submitted_on,
               Response.answers)
        .join(Unit, Response.unit_id == Unit.id)
        .outerjoin(RespondentGroup, Response.group_id == RespondentGroup.id)
        .where(Response.survey_id == survey.id)
        .order_by(Response.submitted_on, Unit.code, Response.id)
    )


def _row_maker(survey: Survey, questionnaire: Questionnaire, codebook: Codebook):
    """A function from one row of :func:`_response_rows` to the record: leading columns, then the variables."""
    version = survey.questionnaire_version
    fixed = [survey.slug, version.questionnaire_id, version.version]
    records = RecordMaker(questionnaire, codebook)

    def row_of(found) -> list[object]:
        rid, unit, level, group, mode, day, answers = found
        return [str(rid), *fixed, unit, level, group or "", mode, day, *records.values(answers or {})]

    return row_of


class RecordMaker:
    """:func:`questionnaires.record.record_values`, with the relevance outcome memoised.

    Which variables are not applicable depends only on the answers that relevance expressions refer to, and a
    survey's responses share few combinations of those; judging relevance once per combination (with
    :func:`apply_relevance`, the one rule) instead of once per response is what keeps 100,000 rows fast.
    """

    def __init__(self, questionnaire: Questionnaire, codebook: Codebook, memo_size: int = 20_000):
        self.questionnaire = questionnaire
        self.variables = codebook.variables
        self.readers = [record_reader(variable) for variable in self.variables]
        self.references = _relevance_references(questionnaire)
        self.text_positions = [i for i, v in enumerate(self.variables) if v.type == "text"]
        self.memo: dict[tuple, frozenset[str]] = {}
        self.memo_size = memo_size

    def values(self, answers: Mapping[str, object]) -> list[object]:
        key = tuple(_frozen(answers.get(name)) for name in self.references)
        hidden = self.memo.get(key)
        if hidden is None:
            hidden = apply_relevance(self.questionnaire, answers)[1]
            if len(self.memo) < self.memo_size:
                self.memo[key] = hidden
        values = [read(answers, hidden) for read in self.readers]  # a hidden variable's answer is never read
        for position in self.text_positions:
            values[position] = _nfc(values[position])
        return values


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


def _nfc(value: object) -> object:
    """Text in NFC (composed Vietnamese), whatever the respondent's keyboard sent: one spelling per word in every
    file, so that Excel, SPSS and Stata match and sort it."""
    if isinstance(value, str) and not unicodedata.is_normalized("NFC", value):
        return unicodedata.normalize("NFC", value)
    return value


def _frozen(value: object) -> object:
    return tuple(value) if isinstance(value, list) else value

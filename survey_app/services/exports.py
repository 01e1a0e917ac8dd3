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
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import repeat
from pathlib import Path

from sqlalchemy import String, Text, cast, func, select, type_coerce, update

from questionnaires.codebook import build_codebook
from questionnaires.record import LEADING_COLUMNS
from survey_app.extensions import db
from survey_app.models import RespondentGroup, Response, Survey, Unit
from survey_app.services import export_disclosure, exports_csv, exports_stats, exports_xlsx
from survey_app.services.errors import OperatorError
from survey_app.services.export_records import record_lines, record_maker, stored_lines, trusted_lines
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
    rows = _RowReader(survey, k)

    def chunks() -> Iterator[Chunk]:
        query = rows.query().execution_options(yield_per=CHUNK_ROWS)
        for partition in db.session.connection().execute(query).partitions():  # Core rows: no ORM loading
            yield rows.columns(partition)

    return ExportSource(rows.codebook, rows.total, chunks)


def refresh_records(survey: Survey, batch: int = CHUNK_ROWS, everything: bool = False) -> int:
    """Make the stored record of every response of ``survey`` that an export cannot trust (stored before records
    existed, or by another ``RECORD_FORMAT``; with ``everything``, of every response), so that its exports read
    records again after an upgrade; returns how many were made. A response of another questionnaire version than
    the survey's keeps what it holds: an export makes its values from the answers, by the survey's codebook,
    either way."""
    maker = record_maker(questionnaire_for(survey))
    rows = db.session.execute(select(Response.id, Response.record).where(
        Response.survey_id == survey.id, Response.questionnaire_version_id == survey.questionnaire_version_id)).all()
    width = len(maker.variables)
    stale = range(len(rows)) if everything else trusted_lines([record for _, record in rows], width)[1]
    keys = [rows[row][0] for row in stale]
    count = 0
    for start in range(0, len(keys), batch):
        found = db.session.execute(select(Response.id, Response.answers)
                                   .where(Response.id.in_(keys[start:start + batch]))).all()
        lines = stored_lines(maker.columns([answers or {} for _, answers in found]), len(found))
        made = [{"id": key, "record": line} for (key, _), line in zip(found, lines, strict=True) if line is not None]
        if made:
            db.session.execute(update(Response), made)
            count += len(made)
    return count


def response_total(survey: Survey) -> int:
    """How many responses ``survey`` has: the rows an export of it holds."""
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.survey_id == survey.id)) or 0


def response_page(survey: Survey, *, k: int = DEFAULT_K, offset: int = 0,
                  limit: int = CHUNK_ROWS) -> tuple[tuple[str, ...], list[list[object]]]:
    """One page of the export's rows (for the read API): (column names, rows), in the export's order and under
    the same disclosure rule as the files. Values are as the CSV export holds them before text rendering."""
    rows = _RowReader(survey, k)
    found = db.session.execute(rows.query().offset(max(offset, 0)).limit(max(limit, 0))).all()
    columns = rows.columns(found).columns(rows.codebook)
    return rows.names, [list(row) for row in zip(*columns, strict=True)] if found else []


class _RowReader:
    """What turns ``survey``'s stored responses into export columns: the query, the leading columns, the codebook
    values and the date rule (:mod:`export_disclosure`).

    The query returns only the response's own columns, as the driver gives them (key and day as text on SQLite,
    the stored record as text): units and groups are named from two small lookups, days parsed once each, and the
    values are each response's stored record line (:mod:`export_records`), passed on as text for each writer to
    read its way; only a response without a record it can trust has its answers read and made into a line by the
    ``RecordMaker`` the records were made by."""

    def __init__(self, survey: Survey, k: int):
        self.survey = survey
        questionnaire = questionnaire_for(survey)
        self.codebook = build_codebook(questionnaire)
        self.records = record_maker(questionnaire)
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
        self.total = response_total(survey)  # counted once: the source's row count and the reading plan's

    def query(self):
        """The survey's responses in the export's order: anonymous surveys by unit, group and random key, never
        by time; identified ones by day, unit and key.

        SQLite: a survey that holds a good part of the database's responses (:meth:`_whole_table`) is read by
        one pass over the table into a temporary table, which is then sorted. Through an index, SQLite looks up
        each response by its key (the table is kept in key order, see :class:`Response`), and at 100,000
        responses those lookups cost four times the pass."""
        columns = (Response.id, Response.unit_id, Response.group_id, Response.mode, Response.submitted_on,
                   Response.questionnaire_version_id, Response.record)
        if not self._whole_table():
            found = select(*columns).where(Response.survey_id == self.survey.id).subquery("found")
        else:  # "+ 0": the planner then reads the table itself, not the survey's index
            found = (select(*columns).where(Response.survey_id + 0 == self.survey.id)
                     .cte("found").prefix_with("MATERIALIZED"))
        order = ((Unit.code, RespondentGroup.code, found.c.id) if self.survey.anonymous
                 else (found.c.submitted_on, Unit.code, found.c.id))  # never by time when time is hidden
        return (
            select(_key_text(found.c.id), found.c.unit_id, found.c.group_id, found.c.mode,
                   type_coerce(found.c.submitted_on, String), found.c.questionnaire_version_id, found.c.record)
            .join_from(found, Unit, found.c.unit_id == Unit.id)
            .outerjoin(RespondentGroup, found.c.group_id == RespondentGroup.id)
            .order_by(*order)
        )

    def _whole_table(self) -> bool:
        """Whether to read the whole response table (SQLite, when this survey holds a quarter of it or more)."""
        if db.session.get_bind().dialect.name != "sqlite":
            return False  # PostgreSQL's planner chooses between its index and its table from its statistics
        everything = db.session.scalar(select(func.count()).select_from(Response)) or 0
        return 4 * self.total >= everything

    def columns(self, rows) -> Chunk:
        """The rows of one chunk: the leading columns, by ``map`` over look-ups (each distinct (unit, group, day)
        judged once), and each row's record line."""
        if not rows:
            return Chunk([[] for _ in LEADING_COLUMNS], [])
        rid, unit_id, group_id, mode, day, version, records = zip(*rows, strict=True)
        n = len(rid)
        shown = self.shown
        cells = zip(unit_id, group_id, day, strict=True)
        leading = [list(rid), *([value] * n for value in self.fixed),
                   list(map(self.unit_codes.__getitem__, unit_id)),
                   list(map(self.unit_levels.__getitem__, unit_id)),
                   list(map(self.groups.get, group_id, repeat(""))), list(mode),
                   [shown[cell] if cell in shown else self._shown(cell) for cell in cells]]
        return Chunk(leading, self._lines(rid, version, records))

    def _lines(self, rid: Sequence[object], version: Sequence[int], records: Sequence[str | None]) -> list[str]:
        """The chunk's record lines: the stored ones, and for the rows without one it can trust (no record,
        another format, another questionnaire version), lines made from their answers (read by key, in one
        statement)."""
        lines, stale = trusted_lines(records, len(self.codebook.variables))
        current = self.survey.questionnaire_version_id
        stale += [row for row, made_by in enumerate(version) if made_by != current and lines[row] is not None]
        if stale:
            keys = [uuid.UUID(str(rid[row])) for row in stale]
            found = dict(db.session.execute(select(_key_text(Response.id), cast(Response.answers, Text))
                                            .where(Response.id.in_(keys))).all())
            made = self.records.columns([a or {} for a in _decoded([found[rid[row]] for row in stale])])
            for row, line in zip(stale, record_lines(made, len(stale)), strict=True):
                lines[row] = line
        return lines

    def _shown(self, cell: tuple) -> date | None:
        """What ``submitted_on`` shows for a (unit, group, stored day) under the date rule, remembered: a
        survey has few such cells (units x groups x days)."""
        unit_id, group_id, value = cell
        day = value if value is None or type(value) is date else date.fromisoformat(str(value)[:10])
        found = self.shown[cell] = self.disclosed(unit_id, group_id, day)
        return found


def _key_text(key):
    """A response key as text with its dashes, made by the database for every row (a Python call per row cost a
    tenth of a second at 100,000): SQLite stores it as 32 hex digits, PostgreSQL as a ``uuid``."""
    if db.session.get_bind().dialect.name != "sqlite":
        return cast(key, Text)
    hex_digits = type_coerce(key, String)
    parts = [func.substr(hex_digits, start, length) for start, length in ((1, 8), (9, 4), (13, 4), (17, 4))]
    text = type_coerce(parts[0], String)
    for part in [*parts[1:], func.substr(hex_digits, 21)]:
        text = text + "-" + type_coerce(part, String)
    return text


def _decoded(texts: Sequence[str | None]) -> list[object]:
    """A chunk's answer documents decoded by one ``json.loads`` of one array: decoding row by row costs more in
    the per-call wrapper than in the parsing itself."""
    return json.loads("[" + ",".join(text or "null" for text in texts) + "]")

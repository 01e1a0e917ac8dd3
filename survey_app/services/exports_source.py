"""What an export writer reads (:class:`ExportSource`) and where it writes until done: the leaf shared by the
export service (:mod:`survey_app.services.exports`) and the writers of each format."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from questionnaires.codebook import Codebook
from questionnaires.record import LEADING_COLUMNS
from survey_app.services.export_records import record_columns, record_lines

LANGUAGES = ("vi", "en")
CHUNK_ROWS = 1000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Chunk:
    """A chunk of rows as the writers read it: the leading columns held by column (one sequence per
    :data:`LEADING_COLUMNS` name; writers convert a column at a time, never a cell at a time, and never change
    one in place), and each row's codebook values as one record line (:mod:`survey_app.services.export_records`),
    which each writer reads the fastest way its format allows."""

    leading: list[Sequence[object]]
    lines: Sequence[str]

    def __len__(self) -> int:
        return len(self.lines)

    def columns(self, codebook: Codebook) -> list[Sequence[object]]:
        """Every column as Python values: the leading ones, then each variable's (codes as text, numbers as
        numbers)."""
        return [*self.leading, *record_columns(self.lines, codebook)]


@dataclass(frozen=True)
class ExportSource:
    """What every writer reads: the codebook, how many rows to expect and the rows, chunk by chunk
    (:class:`Chunk`).

    ``chunks`` is a factory, called once per writing, so a source can be read again (tests, benchmarks).
    """

    codebook: Codebook
    total: int
    chunks: Callable[[], Iterable[Chunk]]

    @property
    def columns(self) -> tuple[str, ...]:
        return (*LEADING_COLUMNS, *self.codebook.names)

    def read(self, progress: Progress | None = None) -> Iterator[Chunk]:
        """The chunks, calling ``progress(done, total)`` after each."""
        done = 0
        for chunk in self.chunks():
            yield chunk
            done += len(chunk)
            if progress is not None:
                progress(done, max(self.total, done))

    @classmethod
    def of_rows(cls, codebook: Codebook, rows: list[list[object]], chunk_rows: int = CHUNK_ROWS) -> ExportSource:
        """A source over rows already in memory (tests, benchmarks)."""
        lead = len(LEADING_COLUMNS)

        def chunks() -> Iterator[Chunk]:
            for start in range(0, len(rows), chunk_rows):
                part = rows[start:start + chunk_rows]
                columns = [list(column) for column in zip(*part, strict=True)]
                yield Chunk(columns[:lead], record_lines(columns[lead:], len(part)))

        return cls(codebook, len(rows), chunks)


def partial_path(path: Path) -> Path:
    """Where a writer writes ``path`` until it is complete."""
    return path.with_name(f".{path.name}.part")

"""What an export writer reads (:class:`ExportSource`) and where it writes until done: the leaf shared by the
export service (:mod:`survey_app.services.exports`) and the writers of each format."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from questionnaires.codebook import Codebook
from questionnaires.record import LEADING_COLUMNS

LANGUAGES = ("vi", "en")
CHUNK_ROWS = 1000

Progress = Callable[[int, int], None]
#: A chunk of rows held by column: one sequence (list or tuple) per export column, all of one length. Writers
#: convert and check a column at a time (one comprehension per column, not a function call per cell), and never
#: change a column in place.
Chunk = list[Sequence[object]]


@dataclass(frozen=True)
class ExportSource:
    """What every writer reads: the codebook, how many rows to expect and the rows, chunk by chunk (each chunk
    held by column, :data:`Chunk`).

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
            done += len(chunk[0]) if chunk else 0
            if progress is not None:
                progress(done, max(self.total, done))

    @classmethod
    def of_rows(cls, codebook: Codebook, rows: list[list[object]], chunk_rows: int = CHUNK_ROWS) -> ExportSource:
        """A source over rows already in memory (tests, benchmarks)."""
        def chunks() -> Iterator[Chunk]:
            for start in range(0, len(rows), chunk_rows):
                yield [list(column) for column in zip(*rows[start:start + chunk_rows], strict=True)]

        return cls(codebook, len(rows), chunks)


def partial_path(path: Path) -> Path:
    """Where a writer writes ``path`` until it is complete."""
    return path.with_name(f".{path.name}.part")

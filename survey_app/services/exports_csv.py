"""CSV export: UTF-8 with a byte-order mark (Excel then shows Vietnamese correctly), written chunk by chunk, and
the codebook as ``<name>.codebook.json`` beside it (both languages; CSV itself has no labels)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from questionnaires.record import LEADING_COLUMNS, NUMERIC_TYPES
from survey_app.services.cell_safety import may_start_formula
from survey_app.services.exports_columns import csv_cell_text, csv_columns, csv_line, csv_value
from survey_app.services.exports_source import ExportSource, Progress, partial_path


def codebook_path(path: Path) -> Path:
    """``out.csv`` -> ``out.codebook.json``."""
    return path.with_suffix(".codebook.json")


def write_codebook_json(source: ExportSource, path: Path) -> tuple[Path, Path]:
    """The codebook JSON beside ``path``; returns (final path, temporary path)."""
    target = codebook_path(path)
    partial = partial_path(target)
    partial.write_text(json.dumps(source.codebook.to_json(), ensure_ascii=False, indent=1), encoding="utf-8")
    return target, partial


def write_csv(source: ExportSource, path: Path, language: str = "vi",
              progress: Progress | None = None) -> list[tuple[Path, Path]]:
    """Header, then one row per response: the leading columns converted by column (``csv_columns``, one memo
    per column for the whole file), then the response's record line as stored, which is what ``csv.writer``
    writes for its values; only a line where a cell may start a formula is read and written again, every cell
    through ``csv_cell_text`` (numbers stay as they are)."""
    partial = partial_path(path)
    leading = csv_columns(len(LEADING_COLUMNS))
    numeric = [variable.type in NUMERIC_TYPES for variable in source.codebook.variables]
    with partial.open("w", newline="", encoding="utf-8-sig") as fh:
        csv.writer(fh).writerow([csv_value(name) for name in source.columns])
        for chunk in source.read(progress):
            fields = [convert.column(column) for convert, column in zip(leading, chunk.leading, strict=True)]
            lines = [neutralised_line(line, numeric) if may_start_formula(line) else line for line in chunk.lines]
            if source.codebook.variables:
                fields.append(lines)
            fh.write("".join([",".join(row) + "\r\n" for row in zip(*fields, strict=True)]))
    return [(path, partial), write_codebook_json(source, path)]


def neutralised_line(line: str, numeric: list[bool]) -> str:
    """A record line with every text cell through ``csv_cell_text``, written again as ``csv.writer`` writes it."""
    (values,) = csv.reader([line])
    return csv_line([value if number else csv_cell_text(value) for value, number in zip(values, numeric,
                                                                                          strict=True)])

"""CSV export: UTF-8 with a byte-order mark (Excel then shows Vietnamese correctly), written chunk by chunk, and
the codebook as ``<name>.codebook.json`` beside it (both languages; CSV itself has no labels)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from survey_app.services.exports_columns import csv_columns, csv_value
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
    """Header, then one row per response; every text cell goes through ``csv_cell_text`` (by column, one
    converter per column for the whole file, ``csv_columns``), rows written by ``csv.writer`` from the converted
    columns."""
    partial = partial_path(path)
    converters = csv_columns(len(source.columns))
    with partial.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([csv_value(name) for name in source.columns])
        for chunk in source.read(progress):
            writer.writerows(zip(*(convert.column(column) for convert, column in zip(converters, chunk,
                                                                                      strict=True)), strict=True))
    return [(path, partial), write_codebook_json(source, path)]

"""CSV export: UTF-8 with a byte-order mark (Excel then shows Vietnamese correctly), written chunk by chunk, and
the codebook as ``<name>.codebook.json`` beside it (both languages; CSV itself has no labels)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from survey_app.services.exports_columns import csv_column, csv_value
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
    """Header, then one row per response; every text cell goes through ``csv_cell_text`` (by column,
    ``csv_column``), rows written by ``csv.writer`` from the converted columns."""
    partial = partial_path(path)
    with partial.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow([csv_value(name) for name in source.columns])
        for chunk in source.read(progress):
            writer.writerows(zip(*(csv_column(column) for column in chunk), strict=True))
    return [(path, partial), write_codebook_json(source, path)]

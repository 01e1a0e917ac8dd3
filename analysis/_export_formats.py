"""Readers for the XLSX and SPSS exports (private helpers of :mod:`analysis.io`).

Each returns the raw responses (cells as text or numbers, typed later by the codebook) and the codebook JSON.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyreadstat

from questionnaires.record import value_text

from ._export_contract import LEADING_COLUMNS, SYSTEM_MISSING
from .errors import ExportError

#: Codebook keys whose cells an XLSX export may hold as JSON text.
_JSON_KEYS = ("label", "values", "missing_codes")


def read_xlsx_export(path: Path) -> tuple[pd.DataFrame, dict]:
    """Sheets ``responses`` and ``codebook`` (a row per variable and per value; older files: one row per variable
    with labels and values as JSON text)."""
    try:
        names = pd.ExcelFile(path).sheet_names
        missing = [s for s in ("responses", "codebook") if s not in names]
        if missing:
            raise ExportError(f"{path.name}: the workbook has no sheet {missing} (it has {names})")
        # Responses as stored (a number stays a number, so 3.0 reads as the code "3"); the codebook as text.
        responses = pd.read_excel(path, sheet_name="responses", dtype=object)
        codebook = _codebook_from_rows(pd.read_excel(path, sheet_name="codebook", dtype=str, keep_default_na=False),
                                       path.name)
        if "about" in names:
            about = pd.read_excel(path, sheet_name="about", header=None, dtype=str, keep_default_na=False)
            codebook.update(_about(about))
    except (ValueError, OSError, KeyError) as error:
        if isinstance(error, ExportError):
            raise
        raise ExportError(f"{path.name}: not a readable XLSX export ({error})")
    return responses, codebook


def _about(sheet: pd.DataFrame) -> dict:
    """The codebook's header (questionnaire, version, checksum) from the two-column ``about`` sheet."""
    pairs = {str(row[0]).strip(): str(row[1]).strip() for row in sheet.itertuples(index=False) if len(row) > 1}
    return {key: pairs[key] for key in ("questionnaire", "version", "checksum") if pairs.get(key)}


def _codebook_from_rows(sheet: pd.DataFrame, source: str) -> dict:
    if {"variable", "value"} <= {str(c).strip() for c in sheet.columns}:
        return _codebook_from_value_rows(sheet, source)
    variables = []
    for position, record in enumerate(sheet.to_dict("records")):
        variables.append(_variable_from_row(record, f"{source}: sheet codebook, row {position + 2}"))
    return {"variables": variables}


def _codebook_from_value_rows(sheet: pd.DataFrame, source: str) -> dict:
    """The codebook sheet as parsurvey writes it: a row per variable (``value`` empty), then a row per value."""
    variables: dict[str, dict] = {}
    for position, record in enumerate(sheet.to_dict("records")):
        cells = {str(k).strip(): str(v).strip() for k, v in record.items()}
        name, code = cells.get("variable", ""), cells.get("value", "")
        where = f"{source}: sheet codebook, row {position + 2}"
        labels = {k.removeprefix("label_"): v for k, v in cells.items() if k.startswith("label_") and v}
        if not name:
            raise ExportError(f"{where}: the variable name is empty")
        if not code:
            attributes = {k: v for k, v in cells.items() if v and k not in ("variable", "value", "weight", "missing")
                          and not k.startswith("label_")}
            variables[name] = {**attributes, "name": name, "label": labels, "scored": cells.get("scored") == "true",
                               "values": [], "missing_codes": []}
        elif name not in variables:
            raise ExportError(f"{where}: value {code!r} of {name!r} comes before the row of the variable")
        else:
            missing = cells.get("missing", "").lower() in ("yes", "true", "1")
            weight = _weight(cells.get("weight", ""), where)
            variables[name]["values"].append({"code": code, "label": labels, "weight": weight, "missing": missing})
            if missing:
                variables[name]["missing_codes"].append(code)
    return {"variables": list(variables.values())}


def _weight(text: str, where: str) -> float | None:
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ExportError(f"{where}, column weight: {text!r} is not a number")


def _variable_from_row(record: dict, where: str) -> dict:
    variable: dict = {}
    labels: dict[str, str] = {}
    for key, cell in record.items():
        key, text = str(key).strip(), str(cell).strip()
        if key.startswith(("label_", "label.")) and text:
            labels[key[6:]] = text
        elif key in _JSON_KEYS and text[:1] in ("[", "{"):
            try:
                variable[key] = json.loads(text)
            except json.JSONDecodeError as error:
                raise ExportError(f"{where}, column {key}: not valid JSON ({error})")
        elif key == "missing_codes":
            variable[key] = [c.strip() for c in text.split(",") if c.strip()]
        elif key == "scored":
            variable[key] = text.lower() in ("true", "1", "yes")
        elif text:
            variable[key] = text
    if labels and "label" not in variable:
        variable["label"] = labels
    return variable


def read_sav_export(path: Path) -> tuple[pd.DataFrame, dict]:
    """An SPSS file: its values as read, and a codebook rebuilt from its labels and user-missing values."""
    try:
        frame, meta = pyreadstat.read_sav(str(path), user_missing=True, apply_value_formats=False)
    except pyreadstat.ReadstatError as error:
        raise ExportError(f"{path.name}: not a readable SPSS file ({error})")
    variables = [_sav_variable(name, meta) for name in meta.column_names if name not in LEADING_COLUMNS]
    return frame, {"variables": variables}


def _sav_variable(name: str, meta) -> dict:
    """Value labels make a categorical (0/1 alone, a flag); otherwise the SPSS type decides."""
    labels = {_code(code): text for code, text in meta.variable_value_labels.get(name, {}).items()}
    user_missing = {_code(c) for c in meta.missing_user_values.get(name, [])}
    for low_high in meta.missing_ranges.get(name, []):
        if low_high["lo"] == low_high["hi"]:
            user_missing.add(_code(low_high["lo"]))
    own_missing = sorted(user_missing - set(SYSTEM_MISSING))
    variable = {"name": name, "label": {"vi": meta.column_names_to_labels.get(name) or name}}
    substantive = {c: t for c, t in labels.items() if c not in SYSTEM_MISSING}
    if substantive and set(substantive) <= {"0", "1"} and not own_missing:
        return {**variable, "type": "flag"}
    if substantive:
        values = [{"code": c, "label": {"vi": t}, "missing": c in own_missing} for c, t in substantive.items()]
        return {**variable, "type": "categorical", "values": values, "missing_codes": own_missing}
    spss_format = meta.original_variable_types.get(name, "").upper()
    if spss_format.startswith("A"):
        return {**variable, "type": "text"}
    if spss_format.startswith(("DATE", "SDATE", "ADATE", "EDATE")):
        return {**variable, "type": "date"}
    return {**variable, "type": "integer" if re.fullmatch(r"F\d+\.0", spss_format) else "decimal"}


def _code(value: object) -> str:
    return value_text(value)


def read_dta_export(path: Path, codebook: dict) -> pd.DataFrame:
    """A Stata file written by parsurvey: its values, with letter codes (numbered 1..k in codebook order, since
    Stata labels only numbers) turned back into the codebook's codes."""
    try:
        frame, _ = pyreadstat.read_dta(str(path), apply_value_formats=False)
    except pyreadstat.ReadstatError as error:
        raise ExportError(f"{path.name}: not a readable Stata file ({error})")
    for variable in codebook.get("variables", []):
        codes = [str(v["code"]) for v in variable.get("values", [])]
        if variable.get("type") != "categorical" or all(c.lstrip("-").isdigit() for c in codes):
            continue
        if variable["name"] not in frame.columns:
            continue
        numbered = {float(i): code for i, code in enumerate(codes, start=1)}
        numbered.update({float(code): code for code in SYSTEM_MISSING})
        column = frame[variable["name"]]
        frame[variable["name"]] = column.map(lambda n, table=numbered: table.get(n, _code(n)) if pd.notna(n) else "")
    return frame

"""The settings sheet (form_id, version, form_title, default_language, methodology, respondent_groups).

Command-line values override the sheet. Without a form_id the id comes from the file name, as XLSForm tools do;
without a form_title the title is the id (as pyxform), and without a version it is "1" (each with a warning).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from questionnaires.xlsform.problems import Report
from questionnaires.xlsform.texts import VIETNAMESE, TextReader
from questionnaires.xlsform.workbook import Row, language_code, parse_sheet

KNOWN = frozenset({"form_id", "version", "form_title", "default_language", "methodology", "respondent_groups"})


@dataclass
class Settings:
    default_language: str = VIETNAMESE  # the language of untranslated columns
    form_language: str = VIETNAMESE  # the language every text must have (the questionnaire's default_language)
    values: dict = field(default_factory=dict)  # id, version, title, methodology, respondent_groups
    origins: dict[str, str] = field(default_factory=dict)


def declared_language(grid: list[tuple] | None) -> str | None:
    """``settings!default_language`` as a code, None when absent or unreadable (``read_settings`` says so)."""
    row = _first_row(grid, VIETNAMESE, Report())
    return language_code(row.get("default_language")) if row is not None and row.get("default_language") else None


def read_settings(grid: list[tuple] | None, source: Path, overrides: dict[str, str | None],
                  report: Report, language: str = VIETNAMESE, plain_language: str | None = None) -> Settings:
    """Settings with overrides applied; problems name the settings cell (or the option to use).

    ``language`` is the form's own language (see ``texts.form_language``): its title must be in it.
    """
    settings = Settings()
    row = _first_row(grid, VIETNAMESE, Report())
    if row is not None and row.get("default_language"):
        code = language_code(row.get("default_language"))
        if code is None:
            report.problem(row.ref("default_language"), f"cannot tell the language '{row.get('default_language')}'"
                                                        ": write e.g. 'Vietnamese (vi)'")
        settings.default_language = code or VIETNAMESE
    elif plain_language:
        settings.default_language = plain_language
    settings.form_language = language
    row = _first_row(grid, settings.default_language, report)
    if row is not None:
        _from_row(row, settings, report)
    for key, value in overrides.items():
        if value:
            settings.values[key] = value
            settings.origins[key] = f"--{key}"  # a problem with it then names the option
    _defaults(settings, source, report)
    return settings


def _first_row(grid: list[tuple] | None, language: str, report: Report) -> Row | None:
    if not grid:
        return None
    sheet = parse_sheet("settings", grid, language, report)
    return sheet.rows[0] if sheet.rows else None


def _from_row(row: Row, settings: Settings, report: Report) -> None:
    for key, cell in row.filled():
        if key not in KNOWN:
            report.warn(cell.ref, f"setting '{key}' is ignored")
    for key, target in (("form_id", "id"), ("version", "version"), ("methodology", "methodology")):
        if row.get(key):
            settings.values[target] = row.get(key)
            settings.origins[target] = row.ref(key)
    if row.get("respondent_groups"):
        settings.values["respondent_groups"] = re.split(r"[\s,;]+", row.get("respondent_groups"))
        settings.origins["respondent_groups"] = row.ref("respondent_groups")
    title = TextReader(report, settings.form_language).optional(row, "form_title", "the form")
    if title:
        settings.values["title"] = title
        settings.origins["title"] = row.ref("form_title", settings.form_language)


def _defaults(settings: Settings, source: Path, report: Report) -> None:
    values = settings.values
    if not values.get("id"):
        values["id"] = re.sub(r"^[^a-z]+", "", re.sub(r"[^a-z0-9_]+", "_", source.stem.lower())) or "form"
        report.warn("settings", f"no form_id: the questionnaire id '{values['id']}' comes from the file name")
    if not values.get("version"):  # pyxform leaves it out; a published questionnaire is known by id@version
        values["version"] = "1"
        report.warn("settings", "no version: the questionnaire version is '1' (add a 'version' column to the "
                                "settings sheet or give --version)")
    if not values.get("title"):  # as pyxform, the title is the form id
        values["title"] = {settings.form_language: values["id"]}
        report.warn("settings", f"no form_title: the title is the form id '{values['id']}'")

"""The spreadsheet clerks type paper forms into for ``responses import-paper``, handed out by the console.

Sheet ``forms`` has exactly the columns the import reads (``unit``, ``group``, ``entry_id``, ``day``, ``code``, then the
codebook's variables named as the export names them, multiple choice as 0/1 flags), each header with a comment
holding its label, and nothing else, so the filled-in file goes back to the import as it is (the import reads the
first sheet). Sheet ``columns`` labels every column and lists the codes it takes, in the chosen language.
"""

from __future__ import annotations

import io

from questionnaires.codebook import build_codebook
from questionnaires.model import Questionnaire
from survey_app.services.cell_safety import starts_formula, xml_text
from survey_app.services.paper import FIXED_COLUMNS

FIXED_LABELS = {
    "unit": {"vi": "Mã đơn vị", "en": "Unit code"},
    "group": {"vi": "Mã nhóm đối tượng", "en": "Respondent group code"},
    "entry_id": {"vi": "Số phiếu (do người nhập ghi trên phiếu giấy)",
                 "en": "Entry number (written on the paper form)"},
    "day": {"vi": "Ngày trả lời (YYYY-MM-DD, để trống: hôm nay)", "en": "Day answered (YYYY-MM-DD, empty: today)"},
    "code": {"vi": "Mã phiếu mời in trên phiếu (khảo sát theo mã; để trống nếu không có)",
             "en": "Invitation code printed on the form (invitation surveys; empty if none)"},
}
HEADINGS = {"vi": ("cột", "nhãn", "giá trị"), "en": ("column", "label", "values")}


def template_columns(questionnaire: Questionnaire, language: str) -> list[tuple[str, str, str]]:
    """(column, label, values) for every column the import reads, in order."""
    rows = [(name, FIXED_LABELS[name][language], "") for name in FIXED_COLUMNS]
    for variable in build_codebook(questionnaire).variables:
        values = "; ".join(f"{v.code} = {v.label.get(language)}" for v in variable.values)
        rows.append((variable.name, variable.label.get(language), values))
    return rows


def template_xlsx(questionnaire: Questionnaire, language: str) -> bytes:
    """The workbook as bytes (small: one header row and the column list)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    columns = template_columns(questionnaire, language)
    book = Workbook()
    forms = book.active
    forms.title = "forms"
    forms.append([name for name, _, _ in columns])
    for cell, (_, label, values) in zip(forms[1], columns, strict=True):
        cell.comment = Comment(xml_text(label + (f"\n{values}" if values else "")), "parsurvey")
    forms.freeze_panes = "A2"
    listing = book.create_sheet("columns")
    listing.append(list(HEADINGS[language]))
    for number, row in enumerate(columns, start=2):
        for column, text in enumerate(row, start=1):
            _safe_text(listing.cell(number, column), text)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe_text(cell, text: str) -> None:
    """A label a spreadsheet would run as a formula stays text (``quotePrefix``), as in the exports."""
    cell.value = xml_text(text)
    if starts_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True

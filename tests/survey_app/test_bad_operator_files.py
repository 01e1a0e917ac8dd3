"""Operator files that no spreadsheet should produce get a message naming file, row and column, never a traceback:
a 10 MB field, a NUL byte, a 5,000-digit number, a formula whose value was never saved."""

from __future__ import annotations

import pytest

from tests.survey_app.conftest import DURING  # noqa: F401  (the surveys fixture's period)


def units_csv(tmp_path, rows: list[str]):
    path = tmp_path / "units.csv"
    path.write_text("code,name_vi,name_en,level,parent_code\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_a_ten_megabyte_field_in_a_units_file_is_named_not_a_traceback(runner, tmp_path):
    path = units_csv(tmp_path, ["HP,Hải Phòng,,province,", "HP-X," + "x" * 10_000_000 + ",,department,HP"])
    result = runner.invoke(args=["units", "load", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{path}:3" in result.output and "not readable as CSV" in result.output


def test_a_nul_byte_in_a_units_file_names_its_row_and_column(runner, tmp_path):
    path = units_csv(tmp_path, ["HP,Hải\x00Phòng,,province,"])
    result = runner.invoke(args=["units", "load", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{path}:2: name_vi: contains a control character" in result.output


@pytest.fixture
def paper_survey(surveys):
    return surveys["anonymous"]


def test_a_five_thousand_digit_integer_in_a_paper_file_names_its_row_and_column(paper_survey, runner, tmp_path):
    path = tmp_path / "forms.csv"
    path.write_text("unit,group,entry_id,Q1,Q2\nHP-SNV,dept_leader,1,1," + "9" * 5000 + "\n", encoding="utf-8")
    result = runner.invoke(args=["responses", "import-paper", "--survey", "anon", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{path}:2: Q2" in result.output


def test_a_formula_without_a_saved_value_in_a_paper_xlsx_is_refused(paper_survey, runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["unit", "group", "entry_id", "Q1", "Q2"])
    sheet.append(["HP-SNV", "dept_leader", "1", "1", "=1+2"])  # openpyxl saves formulas without cached values
    path = tmp_path / "forms.xlsx"
    book.save(path)
    result = runner.invoke(args=["responses", "import-paper", "--survey", "anon", str(path)])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert f"{path}:2: Q2: a formula without a saved value" in result.output

"""``parsurvey questionnaires import-xlsform``: writes a valid definition, or prints the problems and writes nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from questionnaires.loader import load_file
from survey_app.commands.questionnaires import questionnaires_cli
from tests.data.xlsform import forms


def invoke(*args: str):
    return CliRunner().invoke(questionnaires_cli, ["import-xlsform", *args])


@pytest.fixture
def par_xlsx(tmp_path):
    return forms.write_workbook(forms.PAR_DEPT_LEADER, tmp_path / "par.xlsx")


def test_valid_form_is_written_as_yaml_that_loads(par_xlsx, tmp_path):
    out = tmp_path / "par.yaml"
    result = invoke(str(par_xlsx), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"Wrote {out}: par_dept_leader_2024@2024.1, 3 section(s), 8 item(s)." in result.output
    assert "warning: survey!A2: metadata 'start' is skipped" in result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Imported from par.xlsx")
    assert "Phiếu khảo sát lãnh đạo sở" in text  # Vietnamese written as is, not escaped
    assert load_file(out).key == "par_dept_leader_2024@2024.1"


def test_id_and_version_options_override_the_settings_sheet(par_xlsx, tmp_path):
    out = tmp_path / "par.yaml"
    result = invoke(str(par_xlsx), "-o", str(out), "--id", "par_dept_leader_qn", "--version", "2025.1")
    assert result.exit_code == 0, result.output
    assert load_file(out).key == "par_dept_leader_qn@2025.1"


def test_unsupported_form_prints_one_line_per_problem_and_writes_nothing(tmp_path):
    form = forms.write_workbook(forms.UNSUPPORTED, tmp_path / "household.xlsx")
    out = tmp_path / "household.yaml"
    result = invoke(str(form), "-o", str(out))
    assert result.exit_code == 1
    assert "survey!A6: type 'geopoint' is not supported: locations are not collected" in result.output
    assert "survey!A3: repeat groups are not supported" in result.output
    assert "household.xlsx: 3 problem(s); nothing written." in result.output
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [form]  # not even a temporary file


def test_existing_output_is_not_replaced_without_force(par_xlsx, tmp_path):
    out = tmp_path / "par.yaml"
    out.write_text("kept", encoding="utf-8")
    result = invoke(str(par_xlsx), "-o", str(out))
    assert result.exit_code == 2
    assert "use --force" in result.output
    assert out.read_text(encoding="utf-8") == "kept"
    assert invoke(str(par_xlsx), "-o", str(out), "--force").exit_code == 0
    assert load_file(out).id == "par_dept_leader_2024"


def test_output_folder_that_does_not_exist_is_a_message(par_xlsx, tmp_path):
    result = invoke(str(par_xlsx), "-o", str(tmp_path / "missing" / "par.yaml"))
    assert result.exit_code == 1
    assert "cannot write" in result.output and "nothing written" in result.output


def test_command_is_part_of_parsurvey(runner):
    result = runner.invoke(args=["questionnaires", "import-xlsform", "--help"])
    assert result.exit_code == 0
    assert "--methodology" in result.output

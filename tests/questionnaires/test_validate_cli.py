"""``parsurvey questionnaires validate``: one line per problem and a non-zero exit, or a summary and 0."""

from __future__ import annotations

from tests.questionnaires.broken_copies import DEFINITION, VALID, copy_valid, item, rewrite


def test_valid_files_exit_zero_with_a_summary(runner):
    result = runner.invoke(args=["questionnaires", "validate", str(VALID)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "2 file(s) checked, 0 problem(s)."


def test_without_arguments_the_bundled_questionnaires_are_checked(runner):
    result = runner.invoke(args=["questionnaires", "validate"])
    assert result.exit_code == 0, result.output
    assert ", 0 problem(s)." in result.output


def test_problems_print_file_line_path_and_message_and_exit_non_zero(runner, tmp_path):
    folder = copy_valid(tmp_path)
    path = folder / DEFINITION

    def edit(d):
        item(d, "Q1_why")["relevant"] = "${Q9} = 'C'"
        item(d, "birth_year")["min"] = 2020

    rewrite(path, edit)
    result = runner.invoke(args=["questionnaires", "validate", str(path)])
    assert result.exit_code == 1
    output = result.output.splitlines()
    problems = [line for line in output if line.startswith(str(path) + ":")]
    assert len(problems) == 2
    assert problems[0].endswith(": sections[0].items[2].min: min (2020) is greater than max (2008)")
    assert problems[1].endswith(": sections[1].items[1].relevant: unknown item 'Q9' in expression")
    line = int(problems[1].split(":")[1])
    assert "relevant:" in path.read_text(encoding="utf-8").splitlines()[line - 1]
    assert output[-1] == "1 file(s) checked, 2 problem(s)."


def test_a_missing_path_is_refused_with_a_message(runner, tmp_path):
    result = runner.invoke(args=["questionnaires", "validate", str(tmp_path / "nope.yaml")])
    assert result.exit_code != 0
    assert "does not exist" in result.output

"""``make run`` ends in ``parsurvey serve``, which must print working demo links whatever the demo wrote."""

from survey_app.commands.serve import demo_lines


def test_serve_prints_a_few_links_per_demo_survey_from_the_codes_file(app, runner, tmp_path):
    codes = tmp_path / "demo-codes.csv"
    result = runner.invoke(args=["demo", "--codes-out", str(codes)])
    assert result.exit_code == 0, result.output
    lines = demo_lines(codes)
    assert "demo links" in lines[0]
    assert any("/s/" in line and "code " in line for line in lines[1:])
    assert any("/o/sipas-2023-citizen/" in line and "open link" in line for line in lines[1:])
    surveys = {line.split()[0] for line in lines[1:]}
    assert all(sum(line.split()[0] == s for line in lines[1:]) <= 2 for s in surveys)


def test_serve_prints_no_demo_links_before_the_demo_is_loaded(tmp_path):
    assert demo_lines(tmp_path / "missing.csv") == []

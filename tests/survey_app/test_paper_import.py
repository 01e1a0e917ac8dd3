"""``parsurvey responses import-paper``: typed paper forms checked row by row, stored once, exported as paper."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from sqlalchemy import func, select

from survey_app.clock import utc_today
from survey_app.extensions import db
from survey_app.models import Response, Unit

HEADER = ["unit", "group", "entry_id", "day", "Q1", "Q2", "Q3__A", "Q3__B", "Q3__E", "Q4_a", "Q4_b", "Q5", "Q6",
          "Q7"]
# Form 1 answers everything; form 2 says Q1 = 2, so the Q2 and Q4_a the clerk typed anyway are skipped answers.
VALID_ROWS = [
    ["HP-SNV", "dept_leader", "1", "2026-06-01", "1", "3", "1", "0", "1", "A", "B", "Tốt lắm", "3,5", "2026-05-30"],
    ["HP-HB", "dept_leader", "2", "", "2", "7", "", "", "", "A", "", "", "", ""],
]


def write_csv(path, header, rows):
    with path.open("w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def import_paper(runner, path, *extra, survey="anon"):
    return runner.invoke(args=["responses", "import-paper", "--survey", survey, str(path), *extra])


def stored_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Response))


def stored_days() -> dict[str, date]:
    """The day each unit's paper form was stored with (the export of an anonymous survey hides it: k rule)."""
    db.session.rollback()
    return {unit.code: day for unit, day in db.session.execute(
        select(Unit, Response.submitted_on).join(Unit, Response.unit_id == Unit.id))}


def exported(runner, tmp_path):
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["export", "responses", "--survey", "anon", "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        return {r["unit"]: r for r in csv.DictReader(fh)}


@pytest.fixture
def valid_csv(surveys, tmp_path):
    return write_csv(tmp_path / "forms.csv", HEADER, VALID_ROWS)


def test_a_valid_csv_is_stored_and_exported_as_paper(valid_csv, runner, tmp_path):
    result = import_paper(runner, valid_csv)
    assert result.exit_code == 0, result.output
    assert "2 stored, 0 already there" in result.output
    rows = exported(runner, tmp_path)
    full, short = rows["HP-SNV"], rows["HP-HB"]
    assert (full["mode"], short["mode"]) == ("paper", "paper")
    assert (full["Q1"], full["Q2"], full["Q3__A"], full["Q3__B"], full["Q3__E"]) == ("1", "3", "1", "0", "1")
    assert (full["Q4_a"], full["Q5"], full["Q6"], full["Q7"]) == ("A", "Tốt lắm", "3.5", "2026-05-30")
    assert stored_days() == {"HP-SNV": date(2026, 6, 1), "HP-HB": utc_today()}, "the day typed, else today"
    assert full["submitted_on"] == short["submitted_on"] == "", "one form per cell: the export hides its month"


def test_answers_the_form_itself_skips_are_dropped_as_on_the_web(valid_csv, runner, tmp_path):
    result = import_paper(runner, valid_csv)
    assert "2 answer(s) to questions skipped by the form's own answers were dropped" in result.output
    short = exported(runner, tmp_path)["HP-HB"]
    assert (short["Q1"], short["Q2"], short["Q4_a"], short["Q3__A"]) == ("2", "-97", "-97", "-99")


def test_importing_the_same_file_again_stores_nothing_new(valid_csv, runner):
    assert import_paper(runner, valid_csv).exit_code == 0
    again = import_paper(runner, valid_csv)
    assert again.exit_code == 0, again.output
    assert "0 stored, 2 already there" in again.output
    assert stored_count() == 2


def test_a_valid_xlsx_is_stored_with_numbers_and_dates_as_typed_in_excel(surveys, runner, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["HP-SNV", "dept_leader", 17, date(2026, 6, 2), 1, 12, 0, 1, 0, "B", "A", None, 2.25,
                  date(2026, 5, 1)])
    path = tmp_path / "forms.xlsx"
    book.save(path)
    result = import_paper(runner, path)
    assert result.exit_code == 0, result.output
    assert "1 stored" in result.output
    row = exported(runner, tmp_path)["HP-SNV"]
    assert (row["mode"], row["Q1"], row["Q2"]) == ("paper", "1", "12")
    assert stored_days() == {"HP-SNV": date(2026, 6, 2)}, "an Excel date cell is the day answered"
    assert (row["Q3__B"], row["Q4_b"], row["Q5"], row["Q6"], row["Q7"]) == ("1", "A", "-99", "2.25", "2026-05-01")


def test_every_bad_row_is_listed_with_row_and_column_and_nothing_is_written(surveys, runner, tmp_path):
    header = [*HEADER, "Q99", "Q3"]
    ok = ["1", "3", "1", "", "", "A", "B", "", "", "", "", ""]
    rows = [
        ["HP-XX", "dept_leader", "1", "", *ok],  # row 2: unknown unit
        ["HP-SNV", "citizen", "2", "", *ok],  # row 3: group not in the survey
        ["HP-SNV", "dept_leader", "3", "", "1", "3", "", "", "", "F", "", "", "", "", "", ""],  # row 4: option
        ["HP-SNV", "dept_leader", "4", "", "1", "500", *ok[2:]],  # row 5: above the maximum
        ["HP-SNV", "dept_leader", "", "", *ok],  # row 6: no entry_id
        ["HP-HB", "dept_leader", "1", "", *ok],  # row 7: entry_id of row 2 again
        ["HP-HB", "dept_leader", "7", "", *ok],  # row 8: fine, and still not stored
    ]
    path = write_csv(tmp_path / "bad.csv", header, rows)
    result = import_paper(runner, path)
    assert result.exit_code == 1
    problems = result.output.splitlines()
    expected = [
        f"{path}:1: Q99: unknown column",
        f"{path}:1: Q3: Q3 is a multiple-choice question: type it as one 0/1 column per option (Q3__A, Q3__B, Q3__E)",
        f"{path}:2: unit: no unit has the code 'HP-XX'",
        f"{path}:3: group: 'citizen' is not a group of survey 'anon'",
        f"{path}:4: Q4_a: 'F' is not an option of this question (A, B, E)",
        f"{path}:5: Q2: 500 is above the maximum 100",
        f"{path}:6: entry_id: missing",
        f"{path}:7: entry_id: '1' is already used on row 2",
    ]
    for start in expected:
        assert sum(line.startswith(start) for line in problems) == 1, (start, result.output)
    assert not any(f"{path}:8:" in line for line in problems)
    assert problems[-1] == "8 problem(s); nothing was imported."
    assert stored_count() == 0


def test_a_missing_column_and_an_unknown_survey_are_reported_plainly(surveys, runner, tmp_path):
    path = write_csv(tmp_path / "no-entry.csv", ["unit", "group", "Q1"], [["HP-SNV", "dept_leader", "1"]])
    result = import_paper(runner, path)
    assert result.exit_code == 1
    assert f"{path}:1: missing column(s): entry_id" in result.output
    assert import_paper(runner, path, survey="nope").output.startswith("error: no survey has the slug 'nope'")
    wrong = tmp_path / "forms.txt"
    wrong.write_text("unit\n", encoding="utf-8")
    assert f"{wrong}: expected a .csv or .xlsx file" in import_paper(runner, wrong).output


def test_a_dry_run_checks_and_reports_but_writes_nothing(valid_csv, runner):
    result = import_paper(runner, valid_csv, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 would be stored, 0 already there" in result.output
    assert "Dry run: nothing was written." in result.output
    assert stored_count() == 0


def test_the_response_key_comes_from_survey_and_entry_id_only(valid_csv, runner, surveys):
    import uuid

    from survey_app.services.paper import PAPER_NAMESPACE

    assert import_paper(runner, valid_csv).exit_code == 0
    keys = set(db.session.scalars(select(Response.submission_id)))
    assert keys == {uuid.uuid5(PAPER_NAMESPACE, f"anon\n{n}") for n in ("1", "2")}


def test_a_group_typed_for_a_unit_of_the_wrong_level_is_refused(app, runner, tmp_path):
    units = tmp_path / "units.csv"
    units.write_text("code,name_vi,name_en,level,parent_code\nHP,Hải Phòng,,province,\n"
                     "HP-SNV,Sở Nội vụ,,department,HP\nHP-HB,Quận Hồng Bàng,,district,HP\n", encoding="utf-8")
    assert runner.invoke(args=["units", "load", str(units)]).exit_code == 0
    created = runner.invoke(args=["surveys", "create", "--slug", "par-dept", "--questionnaire",
                                  "par_f02_dept_leader@2021.1", "--title", "PAR", "--groups", "dept_leader",
                                  "--opens", "2026-01-01T08:00", "--closes", "2036-01-01"])
    assert created.exit_code == 0, created.output
    path = write_csv(tmp_path / "forms.csv", ["unit", "group", "entry_id"],
                     [["HP-SNV", "dept_leader", "1"], ["HP-HB", "dept_leader", "2"]])
    result = import_paper(runner, path, survey="par-dept")
    assert result.exit_code == 1
    assert f"{path}:3: unit: group 'dept_leader' answers for a department, but 'HP-HB' is a district" in result.output
    assert f"{path}:2:" not in result.output
    with app.app_context():
        assert stored_count() == 0


def test_a_code_never_opened_online_counts_as_opened_once_its_paper_form_is_imported(surveys, runner, tmp_path):
    from survey_app.services import invitations
    from survey_app.services.live_participation import cells

    survey = surveys["anonymous"]
    on_paper, unused = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 2)
    db.session.commit()
    path = write_csv(tmp_path / "coded.csv", [*HEADER, "code"], [[*VALID_ROWS[0], on_paper]])
    assert import_paper(runner, path).exit_code == 0
    assert invitations.find_invitation(on_paper).opened, "a code typed from paper reached its respondent"
    assert not invitations.find_invitation(unused).opened
    counts = cells(survey)
    snv = counts[counts["unit_id"] == surveys["HP-SNV"].id].iloc[0]
    assert (snv["issued"], snv["opened"], snv["completed_paper"], snv["not_opened"], snv["R"]) == (2, 1, 1, 1, 0)


def test_a_form_typed_with_its_invitation_code_completes_that_invitation_once(surveys, runner, tmp_path,
                                                                             storage_questionnaire):
    from survey_app.models import Draft
    from survey_app.services import drafts, invitations
    from tests.survey_app.conftest import DURING

    survey = surveys["anonymous"]
    started, spare = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 2)
    draft = drafts.open_for_invitation(invitations.find_invitation(started), DURING)
    drafts.save_page(draft, "S1", {"Q1": "2"}, storage_questionnaire)  # began online, then sent the paper form
    db.session.commit()
    header = [*HEADER, "code"]
    rows = [[*VALID_ROWS[0], started], [*VALID_ROWS[1], ""]]
    path = write_csv(tmp_path / "coded.csv", header, rows)
    result = import_paper(runner, path)
    assert result.exit_code == 0, result.output
    assert "2 stored, 0 already there" in result.output
    assert invitations.find_invitation(started).status == "completed"
    assert invitations.find_invitation(spare).status == "issued"
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0, "its online draft is gone"
    assert db.session.scalar(select(Response.mode).where(Response.unit_id == surveys["HP-SNV"].id)) == "paper"
    again = import_paper(runner, path)
    assert "0 stored, 2 already there" in again.output and stored_count() == 2

    wrong = write_csv(tmp_path / "wrong.csv", header, [[*VALID_ROWS[1][:2], "9", *VALID_ROWS[1][3:], spare],
                                                       [*VALID_ROWS[0][:2], "8", *VALID_ROWS[0][3:], "0000-0000"]])
    refused = import_paper(runner, wrong)
    assert refused.exit_code == 1
    assert f"{wrong}:2: code: this code was issued to HP-SNV / dept_leader, not HP-HB / dept_leader" in refused.output
    assert f"{wrong}:3: code: no invitation has the code '0000-0000'" in refused.output

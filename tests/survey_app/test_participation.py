"""``parsurvey report rates``: invitations in every state become AAPOR dispositions and the analysts' rates.

The expected counts and rates below are worked out by hand from the invitations each test creates.
"""

from __future__ import annotations

import csv
import io
import math

import pytest

from survey_app.extensions import db
from survey_app.services import drafts, invitations, responses
from survey_app.services.participation import invitation_rates, open_survey_completes
from survey_app.services.questionnaire_versions import publish_questionnaire
from survey_app.services.surveys import create_survey
from tests.survey_app.conftest import CLOSES, DURING, OPENS

# The storage questionnaire has 8 answerable variables (Q1, Q2, Q3, Q4_a, Q4_b, Q5, Q6, Q7).
COMPLETE = {"S1": {"Q1": "2"}}  # Q2 and section S2 hidden: nothing else is required
HALF = {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A"]}, "S2": {"Q4_a": "A"}}  # 4 of 8 relevant answered: partial
THREE_OF_EIGHT = {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A"]}}  # 3 of 8: break-off
ONE_OF_FIVE = {"S1": {"Q1": "2"}}  # Q2, Q4_a, Q4_b hidden: 1 of 5 relevant answered: break-off


@pytest.fixture
def two_groups(surveys, storage_questionnaire):
    survey = create_survey(slug="rates", title="Rates", anonymous=True, access="invitation",
                           groups=["dept_leader", "citizen"], opens_at=OPENS, closes_at=CLOSES,
                           questionnaire_version=publish_questionnaire(storage_questionnaire))
    return survey, surveys


def invite(survey, unit, group, questionnaire, pages=None, submit=False, revoke=False):
    [code] = invitations.issue(survey, unit, group, 1)
    if pages is not None:
        draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
        for section_id, values in pages.items():
            drafts.save_page(draft, section_id, values, questionnaire)
        if submit:
            responses.submit(draft, questionnaire, now=DURING)
    if revoke:
        invitations.revoke(code)


@pytest.fixture
def every_state(two_groups, storage_questionnaire):
    """HP-SNV leaders: I 2, P 1, NC 1, NE 1; HP-SNV citizens: R 2, NC 1;
    HP-HB leaders: I 1, NC 1, NE 1 (started, then revoked); HP-HB citizens: NE 2."""
    survey, units = two_groups
    leader, citizen = (next(g for g in survey.groups if g.code == c) for c in ("dept_leader", "citizen"))
    q = storage_questionnaire
    snv, hb = units["HP-SNV"], units["HP-HB"]
    for _ in range(2):
        invite(survey, snv, leader, q, COMPLETE, submit=True)
    invite(survey, snv, leader, q, HALF)
    invite(survey, snv, leader, q)
    invite(survey, snv, leader, q, revoke=True)
    invite(survey, snv, citizen, q, ONE_OF_FIVE)
    invite(survey, snv, citizen, q, THREE_OF_EIGHT)
    invite(survey, snv, citizen, q)
    invite(survey, hb, leader, q, COMPLETE, submit=True)
    invite(survey, hb, leader, q)
    invite(survey, hb, leader, q, THREE_OF_EIGHT, revoke=True)
    invite(survey, hb, citizen, q, revoke=True)
    invite(survey, hb, citizen, q, revoke=True)
    db.session.commit()
    return survey


def rows_by(table, *keys):
    key = (lambda r: r[keys[0]]) if len(keys) == 1 else (lambda r: tuple(r[k] for k in keys))
    return {key(r): r for r in table.to_dict("records")}


COUNTS = ["issued", "I", "P", "R", "NC", "NE"]


def test_every_invitation_state_gets_its_disposition_per_unit_and_group(every_state):
    rows = rows_by(invitation_rates(every_state, "unit,group"), "unit", "group")
    assert [rows["HP-SNV", "dept_leader"][k] for k in COUNTS] == [5, 2, 1, 0, 1, 1]
    assert [rows["HP-SNV", "citizen"][k] for k in COUNTS] == [3, 0, 0, 2, 1, 0]
    assert [rows["HP-HB", "dept_leader"][k] for k in COUNTS] == [3, 1, 0, 0, 1, 1]
    assert [rows["HP-HB", "citizen"][k] for k in COUNTS] == [2, 0, 0, 0, 0, 2]
    assert [rows["Total", ""][k] for k in COUNTS] == [13, 3, 1, 2, 3, 4]


def test_rates_are_aapor_rr1_rr2_coop1_per_unit_and_group(every_state):
    rows = rows_by(invitation_rates(every_state, "unit,group"), "unit", "group")
    leaders = rows["HP-SNV", "dept_leader"]
    assert (leaders["RR1"], leaders["RR2"], leaders["COOP1"]) == (2 / 4, 3 / 4, 2 / 3)
    assert (rows["HP-SNV", "citizen"]["RR1"], rows["HP-SNV", "citizen"]["COOP1"]) == (0, 0)
    assert (rows["HP-HB", "dept_leader"]["RR1"], rows["HP-HB", "dept_leader"]["COOP1"]) == (1 / 2, 1)
    assert math.isnan(rows["HP-HB", "citizen"]["RR1"])  # every invitation revoked: no eligible case
    total = rows["Total", ""]
    assert (total["RR1"], total["RR2"], total["COOP1"]) == (3 / 9, 4 / 9, 3 / 6)


def test_rates_by_unit_and_by_group_add_up_the_cells(every_state):
    units = rows_by(invitation_rates(every_state, "unit"), "unit")
    assert [units["HP-SNV"][k] for k in COUNTS] == [8, 2, 1, 2, 2, 1]
    assert (units["HP-SNV"]["RR1"], units["HP-SNV"]["RR2"], units["HP-SNV"]["COOP1"]) == (2 / 7, 3 / 7, 2 / 5)
    assert (units["HP-HB"]["RR1"], units["HP-HB"]["COOP1"]) == (1 / 2, 1)
    assert units["HP-SNV"]["unit_name"] == "Sở Nội vụ"
    groups = rows_by(invitation_rates(every_state, "group"), "group")
    assert [groups["dept_leader"][k] for k in COUNTS] == [8, 3, 1, 0, 2, 2]
    assert (groups["dept_leader"]["RR1"], groups["dept_leader"]["RR2"]) == (3 / 6, 4 / 6)
    assert groups["dept_leader"]["COOP1"] == 3 / 4


def test_laggards_come_first_and_the_total_last(every_state):
    table = invitation_rates(every_state, "unit,group")
    assert list(zip(table["unit"], table["group"], strict=True)) == [
        ("HP-SNV", "citizen"), ("HP-HB", "dept_leader"), ("HP-SNV", "dept_leader"), ("HP-HB", "citizen"),
        ("Total", ""),
    ]


def test_the_rates_are_the_analysis_function_s_rates(every_state):
    from analysis.rates import response_rates

    expected = response_rates({"I": 3, "P": 1, "R": 2, "NC": 3, "NE": 4})
    total = invitation_rates(every_state, "unit").iloc[-1]
    assert [total[r] for r in ("RR1", "RR2", "COOP1")] == [expected.at[0, r] for r in ("RR1", "RR2", "COOP1")]


def test_the_command_prints_a_readable_table_with_percentages(every_state, runner):
    result = runner.invoke(args=["report", "rates", "--survey", "rates"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["unit", "name", "group", "issued", "I", "P", "R", "NC", "NE", "RR1", "RR2", "COOP1"]
    assert lines[2].split()[0] == "HP-SNV" and "citizen" in lines[2]
    snv_leaders = next(line for line in lines if "dept_leader" in line and line.startswith("HP-SNV"))
    assert snv_leaders.split()[-3:] == ["50.0%", "75.0%", "66.7%"]
    assert lines[-1].split() == ["Total", "13", "3", "1", "2", "3", "4", "33.3%", "44.4%", "50.0%"]
    hb_citizens = next(line for line in lines if "citizen" in line and line.startswith("HP-HB"))
    assert hb_citizens.split()[-3:] == ["-", "-", "-"]


def test_the_command_writes_csv_with_fractions(every_state, runner, tmp_path):
    out = tmp_path / "rates.csv"
    result = runner.invoke(args=["report", "rates", "--survey", "rates", "--by", "unit", "--format", "csv",
                                 "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        records = list(csv.DictReader(fh))
    assert list(records[0]) == ["unit", "unit_name", "issued", "I", "P", "R", "NC", "NE", "RR1", "RR2", "COOP1"]
    assert [r["unit"] for r in records] == ["HP-SNV", "HP-HB", "Total"]
    assert float(records[0]["RR1"]) == pytest.approx(2 / 7, abs=1e-6)


def test_a_survey_without_invitations_reports_zero_issued(two_groups, runner):
    result = runner.invoke(args=["report", "rates", "--survey", "rates", "--format", "csv"])
    assert result.exit_code == 0, result.output
    records = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["unit"], r["issued"], r["RR1"]) for r in records] == [("Total", "0", "")]


def test_an_unknown_survey_is_an_error_not_a_traceback(surveys, runner):
    result = runner.invoke(args=["report", "rates", "--survey", "nope"])
    assert result.exit_code == 1
    assert "no survey has the slug 'nope'" in result.output


def test_an_open_survey_reports_completes_against_the_quota(surveys, storage_questionnaire, runner):
    survey = surveys["open"]  # quota 2 for HP-HB, none for the others
    for number, unit_code in enumerate(("HP-HB", "HP-SNV", "HP-SNV")):
        draft = drafts.open_for_session(survey, surveys[unit_code], f"browser-{number}", DURING)
        drafts.save_page(draft, "S1", COMPLETE["S1"], storage_questionnaire)
        responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    rows = rows_by(open_survey_completes(survey), "unit")
    assert (rows["HP-HB"]["quota"], rows["HP-HB"]["completes"], rows["HP-HB"]["share"]) == (2, 1, 1 / 2)
    assert rows["HP-SNV"]["completes"] == 2 and math.isnan(rows["HP-SNV"]["share"])
    result = runner.invoke(args=["report", "rates", "--survey", "open"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Open survey: there are no invitations")
    assert "50.0%" in result.output
    assert result.output.splitlines()[-1].split() == ["Total", "-", "3", "-"]

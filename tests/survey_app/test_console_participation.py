"""The live participation page and its CSV, against a case counted by hand (paper, not eligible and refused
included), with drill-down through the unit hierarchy, and the anonymity rule of the time chart."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from survey_app.extensions import db
from survey_app.models import Unit
from survey_app.services import dispositions, drafts, invitations, responses
from survey_app.services import live_participation as live
from survey_app.services.groups import get_group
from survey_app.services.questionnaire_versions import publish_questionnaire
from survey_app.services.small_cells import Period, completion_periods, merge_small_days
from survey_app.services.surveys import create_survey
from tests.survey_app.conftest import CLOSES, OPENS
from tests.survey_app.console_support import logged_in, make_staff
from tests.survey_app.test_participation import COMPLETE, HALF, ONE_OF_FIVE, invite


def _invite_code(survey, unit, group, q, pages=None, submit=False):
    from survey_app.services import drafts, invitations
    from tests.survey_app.conftest import DURING

    [code] = invitations.issue(survey, unit, group, 1)
    if pages is not None:
        draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
        for section_id, values in pages.items():
            drafts.save_page(draft, section_id, values, q)
        if submit:
            responses.submit(draft, q, now=DURING)
    return code


@pytest.fixture
def case(ctx, storage_questionnaire):
    """HP-SNV (department) dept_leader: 2 online completes, 1 partial, 1 break-off, 1 opened with no page saved
    (a break-off too), 1 refused, 1 not opened, 1 marked not eligible, 1 revoked, 1 opened then revoked (not
    eligible: revoking deletes its opened marker), 3 paper completes. HP-HB (district) dept_leader: 1 complete,
    1 not opened; its commune HP-HB-01: 1 opened with no page saved. Every code that was used is opened through
    its link, as a respondent does (its first visit writes the marker)."""
    from tests.survey_app.conftest import add_units

    units = add_units()
    commune = Unit(code="HP-HB-01", name_vi="Phường Hoàng Văn Thụ", level="commune", parent=units["HP-HB"])
    db.session.add(commune)
    q = storage_questionnaire
    survey = create_survey(slug="par", title="PAR", anonymous=True, access="invitation", groups=["dept_leader"],
                           opens_at=OPENS, closes_at=CLOSES, questionnaire_version=publish_questionnaire(q))
    survey.unit = units["HP"]
    leader = get_group("dept_leader")
    snv, hb = units["HP-SNV"], units["HP-HB"]
    visit_first = [_invite_code(survey, snv, leader, q) for _ in range(4)]  # 2 completes, partial, break-off
    left_at_once = _invite_code(survey, snv, leader, q)
    refused = _invite_code(survey, snv, leader, q)
    invite(survey, snv, leader, q)
    dispositions.mark(_invite_code(survey, snv, leader, q), "not_eligible")
    invite(survey, snv, leader, q, revoke=True)
    opened_then_revoked = _invite_code(survey, snv, leader, q)
    hb_complete = _invite_code(survey, hb, leader, q)
    invite(survey, hb, leader, q)
    commune_visit = _invite_code(survey, commune, leader, q)
    db.session.commit()
    for code in (*visit_first, left_at_once, refused, opened_then_revoked, hb_complete, commune_visit):
        assert ctx.test_client().get(f"/s/{code}").status_code == 302
    for code, pages in zip(visit_first, (COMPLETE, COMPLETE, HALF, ONE_OF_FIVE), strict=True):
        _continue(code, q, pages, submit=pages is COMPLETE)
    _continue(refused, q, ONE_OF_FIVE)
    dispositions.mark(refused, "refused")
    invitations.revoke(opened_then_revoked)
    for day in (date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 2)):
        responses.enter_paper(survey, snv, leader, {"Q1": "2"}, q, day=day)
    _continue(hb_complete, q, COMPLETE, submit=True)
    db.session.commit()
    return survey


def _continue(code, q, pages, submit=False):
    from tests.survey_app.conftest import DURING

    draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    for section_id, values in pages.items():
        draft = drafts.save_page(draft, section_id, values, q)
    if submit:
        responses.submit(draft, q, now=DURING)


EXPECTED_SNV = {"issued": 10, "opened": 6, "started": 5, "completed_online": 2, "completed_paper": 3,
                "completed": 5, "not_eligible": 3, "refused": 1, "not_opened": 1, "P": 1, "R": 3}


def test_counts_per_unit_and_group_match_the_hand_count(case):
    table = live.cells(case)
    codes = {u.id: u.code for u in db.session.query(Unit)}
    rows = {codes[r["unit_id"]]: r for r in table.to_dict("records")}
    assert {k: rows["HP-SNV"][k] for k in EXPECTED_SNV} == EXPECTED_SNV
    assert rows["HP-HB"]["completed"] == 1 and rows["HP-HB"]["opened"] == 1 and rows["HP-HB"]["not_opened"] == 1
    # opened, no page saved: a break-off (R), not a non-contact (NC)
    assert (rows["HP-HB-01"]["opened"], rows["HP-HB-01"]["started"]) == (1, 0)
    assert (rows["HP-HB-01"]["R"], rows["HP-HB-01"]["not_opened"]) == (1, 0)
    rated = live.flat_table(case)  # the rates the console's CSV and the API give
    snv = rated[rated["unit"] == "HP-SNV"].iloc[0]
    # I=5, P=1, R=3 (break-off, opened and left, refused), NC=1, NE=3: RR1 = 5/10, RR2 = 6/10, COOP1 = 5/9
    assert snv["RR1"] == pytest.approx(5 / 10) and snv["RR2"] == pytest.approx(6 / 10)
    assert snv["COOP1"] == pytest.approx(5 / 9)


def test_report_rates_counts_paper_and_marks_the_same_way(case, runner):
    result = runner.invoke(args=["report", "rates", "--survey", "par", "--by", "unit", "--format", "csv"])
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert (rows["HP-SNV"]["I"], rows["HP-SNV"]["R"], rows["HP-SNV"]["NC"], rows["HP-SNV"]["NE"]) == (
        "5", "3", "1", "3")
    assert float(rows["HP-SNV"]["RR1"]) == pytest.approx(5 / 10)


@pytest.fixture
def staff(case):
    make_staff("admin@hp.vn", "admin")
    make_staff("district@hp.vn", "coordinator", "HP-HB")
    make_staff("dept@hp.vn", "coordinator", "HP-SNV")
    return case


def test_the_csv_has_one_row_per_unit_and_group_with_fractions(staff, app):
    client = logged_in(app.test_client(), "admin@hp.vn")
    response = client.get("/console/surveys/par/participation?format=csv")
    assert response.mimetype == "text/csv"
    rows = {r["unit"]: r for r in csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")))}
    assert set(rows) == {"HP-SNV", "HP-HB", "HP-HB-01"}
    snv = rows["HP-SNV"]
    assert snv["group"] == "dept_leader" and snv["completed"] == "5" and snv["completed_paper"] == "3"
    assert (snv["opened"], snv["not_opened"]) == ("6", "1"), "a revoked code's opening is deleted with it"
    assert float(snv["RR1"]) == pytest.approx(5 / 10) and float(snv["COOP1"]) == pytest.approx(5 / 9)
    assert rows["HP-HB-01"]["parent"] == "HP-HB"


def test_the_page_drills_down_with_subtotals(staff, app):
    client = logged_in(app.test_client(), "admin@hp.vn")
    top = client.get("/console/surveys/par/participation").get_data(as_text=True)
    assert "Hải Phòng" in top
    # one top unit (the province), its whole tree summed: 10 + 2 + 1 issued, 6 + 1 + 1 opened, 5 + 1 started,
    # 2 + 1 online, 3 paper
    total = re.search(r'<tr class="total[^"]*">(.*?)</tr>', top, re.S).group(1)
    assert re.findall(r'<td class="num">(\d+)</td>', total)[:5] == ["13", "8", "6", "3", "3"]
    province = client.get("/console/surveys/par/participation?unit=HP&lang=en").get_data(as_text=True)
    assert "Sở Nội vụ" in province and "Quận Hồng Bàng" in province
    assert 'href="/console/surveys/par/participation?unit=HP-HB"' in province  # the district drills further
    district = client.get("/console/surveys/par/participation?unit=HP-HB&lang=en").get_data(as_text=True)
    assert "Phường Hoàng Văn Thụ" in district and "Sở Nội vụ" not in district
    snv_row = re.search(r'<tr class="subtotal([^"]*)">\s*<th scope="row">Sở Nội vụ', province)
    assert "below-target" in snv_row.group(1)  # HP-SNV's RR1 of 50.0% is under 70%


def test_a_coordinator_sees_only_its_subtree(staff, app):
    client = logged_in(app.test_client(), "district@hp.vn")
    assert "/console/surveys/par/participation" in client.get("/console/").get_data(as_text=True)  # run from above
    page = client.get("/console/surveys/par/participation").get_data(as_text=True)
    assert "Phường Hoàng Văn Thụ" in page and "Sở Nội vụ" not in page
    assert client.get("/console/surveys/par/participation?unit=HP-SNV").status_code == 403
    assert client.get("/console/surveys/par/participation?unit=HP").status_code == 403
    rows = list(csv.DictReader(io.StringIO(
        client.get("/console/surveys/par/participation?format=csv").get_data(as_text=True).lstrip("\ufeff"))))
    assert {r["unit"] for r in rows} == {"HP-HB", "HP-HB-01"}


def test_where_respondents_stop_names_the_pages(staff, app):
    page = logged_in(app.test_client(), "admin@hp.vn").get("/console/surveys/par/participation")
    text = page.get_data(as_text=True)
    assert "Phần 2: 1" in text  # the partial draft saved S2 last
    assert "đã mở, chưa lưu trang nào" not in text, "a visit that saved no page leaves no draft behind"


# Pages are read in Vietnamese: the test body holds one app context, whose language is settled by the login.


# --- anonymity: no period of the time chart holds fewer than k completions ---------------------------------

def test_small_days_are_merged_forward_and_a_short_tail_backward():
    days = [(date(2026, 6, d), n) for d, n in [(1, 1), (2, 2), (3, 7), (4, 1), (5, 3), (6, 1)]]
    assert merge_small_days(days, 5) == [
        Period(date(2026, 6, 1), date(2026, 6, 3), 10), Period(date(2026, 6, 4), date(2026, 6, 6), 5)]
    tail = [(date(2026, 6, 1), 6), (date(2026, 6, 2), 2)]
    assert merge_small_days(tail, 5) == [Period(date(2026, 6, 1), date(2026, 6, 2), 8)]
    assert merge_small_days([(date(2026, 6, 1), 4)], 5) == []


def test_on_the_database_no_period_is_below_k(case, app):
    periods = completion_periods(case, 5)
    assert sum(p.completed for p in periods) == 6  # 3 online (one day) + 3 paper
    assert all(p.completed >= 5 for p in periods) and len(periods) == 1
    app.config["ANONYMITY_K"] = 2
    assert all(p.completed >= 2 for p in completion_periods(case, 2))


def test_on_the_page_small_days_never_appear(staff, app):
    client = logged_in(app.test_client(), "admin@hp.vn")
    text = client.get("/console/surveys/par/participation").get_data(as_text=True)
    shown = [int(n) for n in re.findall(r'<tr class="period">.*?<td class="num">(\d+)</td>', text, re.S)]
    assert shown == [6]
    assert "<svg" in text and "2026-06-01 – 2026-06-02" in text
    district = logged_in(app.test_client(), "district@hp.vn")
    small = district.get("/console/surveys/par/participation").get_data(as_text=True)
    assert "Mới có ít hơn 5 phiếu hoàn thành" in small and '<tr class="period">' not in small

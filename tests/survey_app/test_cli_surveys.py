"""``parsurvey surveys create/list`` and ``parsurvey invitations issue/revoke`` as an operator uses them."""

from __future__ import annotations

import csv

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Invitation, QuestionnaireVersion, Survey
from survey_app.services import invitations

UNITS = ("code,name_vi,name_en,level,parent_code\nHP,Hải Phòng,,province,\nHP-SNV,Sở Nội vụ,,department,HP\n"
         "HP-HB,Quận Hồng Bàng,,district,HP\n")
CREATE = ["surveys", "create", "--slug", "par-dept", "--questionnaire", "par_f02_dept_leader@2021.1",
          "--title", "PAR 2021: lãnh đạo sở", "--groups", "dept_leader",
          "--opens", "2026-01-01T08:00", "--closes", "2036-01-01"]


@pytest.fixture
def frame(runner, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(UNITS, encoding="utf-8")
    assert runner.invoke(args=["units", "load", str(path)]).exit_code == 0


def test_creating_a_survey_publishes_its_questionnaire_and_reads_times_as_vietnam_time(app, runner, frame):
    result = runner.invoke(args=CREATE)
    assert result.exit_code == 0, result.output
    assert "par-dept created (anonymous, invitation)" in result.output
    with app.app_context():
        survey = db.session.scalar(sa.select(Survey))
        assert survey.opens_at.replace(tzinfo=None).isoformat() == "2026-01-01T01:00:00"  # 08:00 ICT in UTC
        assert [g.code for g in survey.groups] == ["dept_leader"]
        assert db.session.scalar(sa.select(QuestionnaireVersion.questionnaire_id)) == "par_f02_dept_leader"
    listing = runner.invoke(args=["surveys", "list"]).output
    assert "par-dept" in listing and "par_f02_dept_leader@2021.1" in listing and "0 response(s)" in listing


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (["--questionnaire", "nope@1"], "no questionnaire nope@1"),
        (["--questionnaire", "nope"], "ID@VERSION"),
        (["--groups", "citizen"], "not meant for group(s) citizen"),
        (["--opens", "tomorrow"], "not an ISO date"),
        (["--closes", "2025-01-01"], "close after it opens"),
        (["--quota", "HP-SNV=3"], "open-link"),
        (["--quota", "HP-SNV"], "is not UNIT=N"),
    ],
)
def test_a_mistaken_survey_is_refused_with_a_message_and_nothing_is_stored(app, runner, frame, change, message):
    args = list(CREATE)
    for option, value in zip(change[::2], change[1::2], strict=True):
        if option in args:
            args[args.index(option) + 1] = value
        else:
            args += [option, value]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Survey)) == 0


def test_issued_codes_are_written_with_their_links_and_only_their_hashes_are_stored(app, runner, frame, tmp_path):
    runner.invoke(args=CREATE)
    out = tmp_path / "letters" / "codes.csv"
    result = runner.invoke(args=["invitations", "issue", "--survey", "par-dept", "--unit", "HP-SNV",
                                 "--group", "dept_leader", "--count", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["survey", "unit", "group", "code", "url"]
        rows = list(reader)
    assert len(rows) == 3
    assert all(r["url"] == f"http://localhost/s/{r['code']}" for r in rows)
    with app.app_context():
        stored = set(db.session.scalars(sa.select(Invitation.code_hash)))
        assert stored == {invitations.hash_code(r["code"]) for r in rows}


def test_issuing_for_an_unknown_or_mismatched_unit_or_group_names_it(app, runner, frame, tmp_path):
    runner.invoke(args=CREATE)
    base = ["invitations", "issue", "--survey", "par-dept", "--count", "1", "--out", str(tmp_path / "c.csv")]
    result = runner.invoke(args=[*base, "--unit", "XX", "--group", "dept_leader"])
    assert result.exit_code == 1 and "no unit has the code 'XX'" in result.output
    result = runner.invoke(args=[*base, "--unit", "HP-SNV", "--group", "martians"])
    assert result.exit_code == 1 and "no respondent group has the code 'martians'" in result.output
    result = runner.invoke(args=[*base, "--unit", "HP-HB", "--group", "dept_leader"])
    assert result.exit_code == 1 and "answers for a department, but 'HP-HB' is a district" in result.output
    assert not (tmp_path / "c.csv").exists()


def test_a_revoked_code_is_marked_and_an_unknown_code_cannot_be_revoked(app, runner, frame, tmp_path):
    runner.invoke(args=CREATE)
    out = tmp_path / "codes.csv"
    runner.invoke(args=["invitations", "issue", "--survey", "par-dept", "--unit", "HP-SNV", "--group", "dept_leader",
                        "--count", "1", "--out", str(out)])
    code = next(csv.DictReader(out.open(encoding="utf-8-sig")))["code"]
    result = runner.invoke(args=["invitations", "revoke", code.lower()])
    assert result.exit_code == 0 and "revoked" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(Invitation.recorded_status)) == "revoked"
    result = runner.invoke(args=["invitations", "revoke", "0000-0000-0000-0000"])
    assert result.exit_code == 1 and "no invitation has the code" in result.output


def test_an_open_link_survey_takes_quotas_per_unit(app, runner, frame):
    result = runner.invoke(args=["surveys", "create", "--slug", "sipas", "--questionnaire", "sipas_2023_citizen@2023.1",
                                 "--title", "SIPAS", "--access", "open", "--groups", "citizen",
                                 "--opens", "2026-01-01", "--closes", "2036-01-01", "--quota", "HP-SNV=30",
                                 "--quota", "HP-HB=25"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        survey = db.session.scalar(sa.select(Survey))
        assert survey.access == "open"
        assert sorted((q.unit.code, q.quota) for q in survey.quotas) == [("HP-HB", 25), ("HP-SNV", 30)]

"""``parsurvey demo``: the demo a person gets from ``make run``, and what scripts and tests drive."""

from __future__ import annotations

import csv

import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Invitation, Survey, Unit
from survey_app.services import drafts, invitations
from survey_app.services.surveys import SurveyState, survey_state


def run_demo(runner, path):
    result = runner.invoke(args=["demo", "--codes-out", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["survey", "unit", "group", "code", "url"]
        return list(reader)


def test_the_demo_opens_par_forms_by_invitation_and_sipas_by_open_link(app, runner, tmp_path):
    rows = run_demo(runner, tmp_path / "demo-codes.csv")
    with app.app_context():
        surveys = {s.slug: s for s in db.session.scalars(sa.select(Survey))}
        assert "sipas-2023-citizen" in surveys and "par-f02-dept-leader" in surveys
        assert all(survey_state(s) is SurveyState.OPEN and s.anonymous for s in surveys.values())
        assert {s.access for slug, s in surveys.items() if slug.startswith("par-")} == {"invitation"}
        assert surveys["sipas-2023-citizen"].access == "open"
        assert db.session.scalar(sa.select(Unit.name_vi).where(Unit.level == "province")) == "Thành phố Hải Phòng"
        for row in (r for r in rows if r["code"]):
            invitation = invitations.find_invitation(row["code"])
            assert (invitation.survey.slug, invitation.unit.code, invitation.group.code) == (
                row["survey"], row["unit"], row["group"])
            assert row["url"] == f"http://localhost/s/{row['code']}"
    open_rows = [r for r in rows if not r["code"]]
    assert open_rows and all(r["survey"] == "sipas-2023-citizen" for r in open_rows)
    assert all(r["url"] == f"http://localhost/o/sipas-2023-citizen/{r['unit']}" for r in open_rows)
    dept_rows = [r for r in rows if r["survey"] == "par-f02-dept-leader"]
    assert dept_rows and all(r["unit"].startswith("HP-S") for r in dept_rows), "department leaders in departments"


def test_running_the_demo_again_duplicates_nothing_and_keeps_unused_codes(app, runner, tmp_path):
    path = tmp_path / "demo-codes.csv"
    first = run_demo(runner, path)
    with app.app_context():
        counts = (db.session.scalar(sa.select(sa.func.count()).select_from(Survey)),
                  db.session.scalar(sa.select(sa.func.count()).select_from(Unit)))
        used = next(r for r in first if r["code"])
        drafts.open_for_invitation(invitations.find_invitation(used["code"]))
        invitations.revoke(used["code"])
        db.session.commit()
    second = run_demo(runner, path)
    with app.app_context():
        assert (db.session.scalar(sa.select(sa.func.count()).select_from(Survey)),
                db.session.scalar(sa.select(sa.func.count()).select_from(Unit))) == counts
        issued = db.session.scalar(sa.select(sa.func.count()).select_from(Invitation))
    first_codes = {r["code"] for r in first if r["code"]}
    second_codes = {r["code"] for r in second if r["code"]}
    assert len(second_codes) == len(first_codes)
    assert first_codes - second_codes == {used["code"]}, "only the revoked code is replaced"
    assert issued == len(first_codes) + 1

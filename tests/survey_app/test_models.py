"""Rules the database itself enforces, whatever code writes to it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from survey_app.extensions import db
from survey_app.models import Response, Unit


def test_a_unit_level_outside_the_hierarchy_is_refused_by_the_database(ctx):
    db.session.add(Unit(code="X", name_vi="X", level="ministry"))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_an_invitation_status_or_response_mode_outside_the_list_is_refused(surveys):
    survey = surveys["anonymous"]
    values = dict(survey_id=survey.id, questionnaire_version_id=survey.questionnaire_version_id,
                  unit_id=surveys["HP"].id, answers={}, submitted_on=date(2026, 6, 1))
    with db.engine.connect() as conn:
        with pytest.raises(IntegrityError):
            conn.execute(sa.insert(Response).values(id=uuid.uuid4(), submission_id=uuid.uuid4(), mode="phone",
                                                    **values))
        conn.rollback()
        with pytest.raises(IntegrityError):
            conn.execute(sa.text("INSERT INTO invitation (survey_id, unit_id, group_id, code_hash, status, created_on)"
                                 " VALUES (:s, :u, :g, 'h', 'lost', '2026-06-01')"),
                         {"s": survey.id, "u": surveys["HP"].id, "g": survey.groups[0].id})
        conn.rollback()


def test_two_responses_with_one_submission_id_are_refused_by_the_database(surveys):
    survey = surveys["anonymous"]
    submission = uuid.uuid4()
    values = dict(survey_id=survey.id, questionnaire_version_id=survey.questionnaire_version_id,
                  unit_id=surveys["HP"].id, answers={}, submitted_on=date(2026, 6, 1), mode="online",
                  submission_id=submission)
    with db.engine.connect() as conn:
        conn.execute(sa.insert(Response).values(id=uuid.uuid4(), **values))
        with pytest.raises(IntegrityError):
            conn.execute(sa.insert(Response).values(id=uuid.uuid4(), **values))
        conn.rollback()


def test_a_unit_name_falls_back_to_vietnamese(ctx):
    unit = Unit(code="HP", name_vi="Hải Phòng", level="province")
    assert unit.name("en") == "Hải Phòng"
    unit.name_en = "Hai Phong"
    assert (unit.name("en"), unit.name("vi")) == ("Hai Phong", "Hải Phòng")

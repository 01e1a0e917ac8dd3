"""Operators starting the same paper form at the same moment: the database lets two passes through (double
entry), the others get a refusal with a reason, never an error page."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import PaperEntry, PaperForm, StaffUser, Survey, Unit
from survey_app.services import paper_entry
from survey_app.services.paper_entry import PaperEntryRefused
from survey_app.services.questionnaire_versions import questionnaire_for
from tests.survey_app.console_support import make_staff
from tests.survey_app.test_services_concurrency import racing_app  # noqa: F401  (fixture)

OPERATORS = 8


def begin_in_thread(racer, email: str, barrier: threading.Barrier, outcomes: list[str]) -> None:
    with racer.app_context():
        try:
            operator = db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
            survey = db.session.scalar(sa.select(Survey).where(Survey.slug == "open"))
            unit = db.session.scalar(sa.select(Unit).where(Unit.code == "HP-SNV"))
            questionnaire = questionnaire_for(survey)
            barrier.wait(timeout=60)
            paper_entry.begin(survey, operator, unit, None, "77", questionnaire)
            db.session.commit()
            outcomes.append("entry")
        except PaperEntryRefused as refusal:
            db.session.rollback()
            outcomes.append(refusal.reason)
        except Exception as error:  # noqa: BLE001  (the assertion below shows what went wrong)
            db.session.rollback()
            outcomes.append(repr(error))
        finally:
            db.session.remove()


@pytest.mark.slow
def test_operators_racing_for_one_form_get_two_passes_and_reasons(surveys, racing_app):  # noqa: F811
    surveys["open"].double_entry = True
    db.session.commit()
    emails = [f"clerk{n}@hp.vn" for n in range(OPERATORS)]
    for email in emails:
        make_staff(email, "data_entry", "HP-SNV")
    barrier, outcomes = threading.Barrier(OPERATORS), []
    threads = [threading.Thread(target=begin_in_thread, args=(racing_app, e, barrier, outcomes)) for e in emails]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert outcomes.count("entry") == 2, outcomes
    assert set(outcomes) <= {"entry", "typed_twice", "try_again"}, outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperForm)) == 1
    assert sorted(db.session.scalars(sa.select(PaperEntry.pass_number))) == [1, 2]

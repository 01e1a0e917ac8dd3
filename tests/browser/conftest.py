"""Fixtures shared by the real-browser tests: the app served on a free port, Debian's Chromium driven by Playwright
(never a downloaded browser), and a personal code to the bundled PAR form 02."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_app.extensions import db
from tests.tools import require

CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OPENS = datetime(2026, 1, 1, tzinfo=UTC)
CLOSES = datetime(2036, 1, 1, tzinfo=UTC)


def chromium_path() -> str:
    return require("chromium")


@pytest.fixture
def par_code(app) -> str:
    """One invitation code to an open, anonymous survey of the bundled form 02 for department leaders."""
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.services.groups import get_group
    from survey_app.services.invitations import issue
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey
    from tests.survey_app.respondent_support import add_units

    with app.app_context():
        questionnaire = load_file(BUNDLED_DIR / "definitions" / "par_f02_dept_leader.yaml")
        units = add_units()
        survey = create_survey(slug="par-2021", title="PAR 2021", questionnaire_version=publish_questionnaire(
            questionnaire), anonymous=True, access="invitation", groups=["dept_leader"],
            opens_at=OPENS, closes_at=CLOSES)
        code = issue(survey, units["HP-SNV"], get_group("dept_leader"), 1)[0]
        db.session.commit()
    return code


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (each test opens its own context: no shared cookies or storage); closed before
    the next module, so Playwright's event loop never lingers into the notebook tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()

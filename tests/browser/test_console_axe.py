"""axe-core over every console page a coordinator reads, in Vietnamese and English, on a phone and a desktop: no
serious or critical violation, as on the respondent pages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_app.extensions import db
from survey_app.models import Unit
from tests.browser.axe import serious_violations
from tests.survey_app.console_support import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FRAME_WITH_PROBLEMS = "code,name_vi,name_en,level,parent_code\nHP-SNV,,Home Affairs,nowhere,NOPE\n"


@pytest.fixture
def running_survey(app):
    """A province, an admin and an open survey with one code issued and one response, so every page has rows."""
    from questionnaires.loader import questionnaire_from_dict
    from survey_app.services import invitations
    from survey_app.services.groups import get_group
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey
    from tests.survey_app.conftest import STORAGE_QUESTIONNAIRE

    with app.app_context():
        hp = Unit(code="HP", name_vi="Hải Phòng", name_en="Hai Phong", level="province")
        db.session.add(hp)
        version = publish_questionnaire(questionnaire_from_dict(STORAGE_QUESTIONNAIRE, fallback_to_bundled=False))
        survey = create_survey(slug="hp-2026", title="Khảo sát Hải Phòng", questionnaire_version=version,
                               anonymous=True, access="invitation", groups=["dept_leader"],
                               opens_at=datetime(2026, 1, 1, tzinfo=UTC), closes_at=datetime(2036, 1, 1, tzinfo=UTC))
        survey.unit = hp
        app.config["TEST_PAPER_CODE"], _ = invitations.issue(survey, hp, get_group("dept_leader"), 2)
        db.session.commit()
        make_staff("admin@haiphong.gov.vn", "admin")
    return app


def _log_in(page, base_url: str) -> None:
    page.goto(f"{base_url}/console/login")
    page.fill("input[name=email]", "admin@haiphong.gov.vn")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")


@pytest.mark.parametrize("viewport", [{"width": 360, "height": 740}, {"width": 1280, "height": 900}],
                         ids=["phone", "desktop"])
@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_console_page_has_a_serious_or_critical_axe_violation(browser, base_url, running_survey, language,
                                                                  viewport, tmp_path):
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # lets axe in; the pages keep their CSP
    page = context.new_page()
    found: dict[str, list] = {}

    def check(what: str) -> None:
        violations = serious_violations(page)
        if violations:
            found[f"{what} ({page.url})"] = violations

    page.goto(f"{base_url}/console/login?lang={language}")
    check("login")
    _log_in(page, base_url)
    for path, what in [("/console/", "home"), ("/console/surveys/new", "new survey"),
                       ("/console/surveys/hp-2026", "survey"), ("/console/surveys/hp-2026/participation",
                                                                 "participation"),
                       ("/console/surveys/hp-2026/exports", "exports"),
                       ("/console/frame", "frame upload"), ("/console/audit", "audit log"),
                       ("/console/users", "users"), ("/console/password", "password"), ("/preview/", "preview"),
                       ("/console/account/tokens", "API tokens"),
                       ("/console/paper", "paper entry"), ("/console/surveys/hp-2026/paper", "paper form start")]:
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, (path, response.status)
        check(what)
    page.goto(f"{base_url}/console/frame")
    frame = tmp_path / "frame.csv"
    frame.write_text(FRAME_WITH_PROBLEMS, encoding="utf-8")
    page.set_input_files("input[name=file]", str(frame))
    with page.expect_navigation():
        page.click("form:has(input[name=file]) button[type=submit]")
    assert page.locator("table.problems").count() == 1  # the preview lists the file's problems
    check("frame preview with problems")
    page.goto(f"{base_url}/console/account/tokens")
    page.fill("input[name=name]", "R trên máy của tôi")
    with page.expect_navigation():
        page.click("form:has(input[name=name]) button[type=submit]")
    assert page.locator(".new-token code").count() == 2  # the token, and the example that uses it
    check("API tokens with a new token shown once")
    page.goto(f"{base_url}/console/surveys/hp-2026/exports")
    with page.expect_navigation():
        page.click("form:has(input[name=format]) button[type=submit]")
    assert "/console/exports/" in page.url
    check("export job")
    page.goto(f"{base_url}/console/surveys/hp-2026/paper")
    page.fill("input[name=unit]", "HP")
    page.fill("input[name=written]", running_survey.config["TEST_PAPER_CODE"])
    with page.expect_navigation():
        page.click("form:has(input[name=written]) button[type=submit]")
    assert "/console/paper/entries/" in page.url
    check("paper entry page")
    page.check("input[name=Q1][value='1']")
    with page.expect_navigation():
        page.click("button[value=next]")
    check("paper entry page with a question that appeared")
    page.fill("input[name=Q2]", "500")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert page.locator("#problem-summary").count() == 1
    check("paper entry page with a problem")
    context.close()
    assert not found, found

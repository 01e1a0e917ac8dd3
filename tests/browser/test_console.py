"""A real Chromium as a unit-scoped coordinator: logs in, imports a frame, creates and opens a survey, issues a
code, sees a respondent's submit change the participation page, cannot see another unit's survey; every console
page fits a 360 px screen without JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from survey_app.extensions import db
from survey_app.models import Unit
from tests.survey_app.console_support import PASSWORD, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 360, "height": 740}
FRAME = ("code,name_vi,name_en,level,parent_code\n"
         "HP-SNV,Sở Nội vụ,Department of Home Affairs,department,HP\n"
         "HP-HB,Quận Hồng Bàng,,district,HP\n")


@pytest.fixture
def province(app):
    from questionnaires.loader import questionnaire_from_dict
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey
    from tests.survey_app.conftest import STORAGE_QUESTIONNAIRE

    storage_questionnaire = questionnaire_from_dict(STORAGE_QUESTIONNAIRE, fallback_to_bundled=False)

    with app.app_context():
        hp = Unit(code="HP", name_vi="Hải Phòng", level="province")
        dn = Unit(code="DN", name_vi="Đà Nẵng", level="province")
        db.session.add_all([hp, dn])
        version = publish_questionnaire(storage_questionnaire)
        other = create_survey(slug="dn-2026", title="Đà Nẵng", questionnaire_version=version, anonymous=True,
                              access="invitation", groups=["dept_leader"], opens_at=datetime(2026, 1, 1, tzinfo=UTC),
                              closes_at=datetime(2036, 1, 1, tzinfo=UTC))
        other.unit = dn
        db.session.commit()
        make_staff("snv@haiphong.gov.vn", "coordinator", "HP")
    return app


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def completed_online(page) -> str:
    return page.locator("tr.total td.num").nth(3).inner_text()  # issued, opened, started, completed online


def test_a_coordinator_runs_its_survey_in_the_browser(browser, base_url, province, tmp_path):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}/console/")
    assert "/console/login" in page.url
    page.fill("input[name=email]", "snv@haiphong.gov.vn")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    assert page.url.endswith("/console/") and "dn-2026" not in page.content()

    page.goto(f"{base_url}/console/frame")
    frame_file = tmp_path / "frame.csv"
    frame_file.write_text(FRAME, encoding="utf-8")
    page.set_input_files("input[name=file]", str(frame_file))
    page.click("text=Kiểm tra tệp")
    assert "2 mới" in page.content() and fits_the_screen(page)
    page.click("text=Xác nhận và lưu")
    assert "Đã lưu danh sách đơn vị" in page.content()

    page.goto(f"{base_url}/console/surveys/new")
    assert fits_the_screen(page)
    page.fill("input[name=slug]", "hp-2026")
    page.fill("input[name=title]", "Khảo sát Hải Phòng")
    page.check("input[name=groups][value=dept_leader]")
    tomorrow = datetime.now(UTC).date() + timedelta(days=2)
    page.fill("input[name=opens]", tomorrow.isoformat())
    page.fill("input[name=closes]", (tomorrow + timedelta(days=30)).isoformat())
    page.click("form button[type=submit]:has-text(\"Tạo cuộc khảo sát\")")
    assert page.url.endswith("/console/surveys/hp-2026") and "chưa mở" in page.content()
    page.click("text=Mở ngay")
    assert "đang mở" in page.content() and fits_the_screen(page)

    page.fill("#issue-unit", "HP-SNV")
    page.fill("#issue-count", "1")
    with page.expect_download() as download:
        page.click("form[action$='/codes'] button[type=submit]")
    codes = download.value.path().read_text(encoding="utf-8-sig").splitlines()
    code = codes[1].split(",")[3]

    page.goto(f"{base_url}/console/surveys/hp-2026/participation")
    assert completed_online(page) == "0" and fits_the_screen(page)

    respondent = browser.new_context(viewport=PHONE).new_page()
    respondent.goto(f"{base_url}/s/{code}")
    respondent.locator("#q-Q1 input[value='2']").check()
    while "/p/" in respondent.url:
        with respondent.expect_navigation():
            respondent.locator("button[value=next]").click()
    assert respondent.url.endswith("/review")
    with respondent.expect_navigation():
        respondent.locator("form button[type=submit]").click()
    respondent.context.close()

    page.reload()
    assert completed_online(page) == "1"
    assert page.goto(f"{base_url}/console/surveys/dn-2026/participation").status == 403
    assert page.goto(f"{base_url}/console/audit").status == 403
    context.close()

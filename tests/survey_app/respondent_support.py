"""Helpers for the respondent tests: a questionnaire using every question type, surveys over it, form posting."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from survey_app.extensions import db
from survey_app.models import Unit

OPENS = datetime(2026, 1, 1, tzinfo=UTC)
CLOSES = datetime(2036, 1, 1, tzinfo=UTC)

YES_NO = {"options": [{"code": "1", "label": {"vi": "Có", "en": "Yes"}},
                      {"code": "2", "label": {"vi": "Không", "en": "No"}}]}
QUALITY = {"options": [{"code": "A", "label": {"vi": "Rất tốt", "en": "Very good"}},
                       {"code": "B", "label": {"vi": "Tốt", "en": "Good"}},
                       {"code": "E", "label": {"vi": "Không biết", "en": "Don't know"}, "missing": True}]}


def _text(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


# Q1 = "2" hides Q2 on the same page and skips the whole section S2; Q5 is soft-required.
FLOW_QUESTIONNAIRE = {
    "kind": "questionnaire", "id": "flow_test", "version": "1", "respondent_groups": ["dept_leader", "citizen"],
    "title": _text("Phiếu khảo sát thử", "Test survey form"),
    "intro": _text("Xin cảm ơn anh/chị đã tham gia.", "Thank you for taking part."),
    "scales": {"yes_no": YES_NO, "quality": QUALITY},
    "sections": [
        {"id": "S1", "title": _text("Thông tin chung", "General information"), "items": [
            {"id": "N1", "type": "note", "text": _text("Phần này hỏi về dịch vụ.", "This part asks about services.")},
            {"id": "Q1", "type": "single_choice", "scale": "yes_no", "required": True,
             "text": _text("Anh/chị có dùng dịch vụ công không?", "Have you used a public service?")},
            {"id": "Q2", "type": "integer", "min": 0, "max": 100, "required": True, "relevant": "${Q1} = '1'",
             "text": _text("Bao nhiêu lần?", "How many times?")},
            {"id": "Q3", "type": "multiple_choice", "scale": "quality",
             "text": _text("Chọn các mức phù hợp", "Pick the levels that apply")},
        ]},
        {"id": "S2", "title": _text("Đánh giá", "Assessment"), "relevant": "${Q1} = '1'", "items": [
            {"id": "Q4", "type": "matrix", "scale": "quality", "required": True,
             "text": _text("Đánh giá các mặt sau", "Rate the following"),
             "rows": [{"id": "Q4_a", "text": _text("Thái độ", "Attitude")},
                      {"id": "Q4_b", "text": _text("Thời gian", "Time taken")}]},
            {"id": "Q5", "type": "rating", "scale": "quality", "required": "soft",
             "text": _text("Đánh giá chung", "Overall rating")},
        ]},
        {"id": "S3", "title": _text("Ý kiến khác", "Other comments"), "items": [
            {"id": "Q6", "type": "text", "text": _text("Tên đơn vị", "Name of the unit"), "max_length": 20},
            {"id": "Q7", "type": "long_text", "text": _text("Góp ý", "Suggestions")},
            {"id": "Q8", "type": "decimal", "min": 0, "max": 10, "text": _text("Điểm", "Score")},
            {"id": "Q9", "type": "date", "text": _text("Ngày", "Date")},
            {"id": "Q10", "type": "integer", "constraint": ". != 13",
             "constraint_message": _text("Không được là 13", "Must not be 13"),
             "text": _text("Số may mắn", "Lucky number")},
        ]},
    ],
}


def add_units() -> dict[str, Unit]:
    province = Unit(code="HP", name_vi="Hải Phòng", name_en="Hai Phong", level="province")
    dept = Unit(code="HP-SNV", name_vi="Sở Nội vụ", level="department", parent=province)
    db.session.add_all([province, dept])
    db.session.flush()
    return {u.code: u for u in (province, dept)}


def publish(definition: dict):
    from questionnaires.loader import questionnaire_from_dict
    from survey_app.services.questionnaire_versions import publish_questionnaire

    return publish_questionnaire(questionnaire_from_dict(definition, fallback_to_bundled=False))


def make_closed_survey(definition: dict = FLOW_QUESTIONNAIRE, *, slug: str = "closed", count: int = 2,
                       opens_at=OPENS, closes_at=CLOSES, anonymous: bool = True) -> list[str]:
    """A closed survey over ``definition`` with ``count`` invitation codes (returned) for HP-SNV leaders."""
    from survey_app.services.groups import get_group
    from survey_app.services.invitations import issue
    from survey_app.services.surveys import create_survey

    units = add_units()
    survey = create_survey(slug=slug, title="Closed", questionnaire_version=publish(definition), anonymous=anonymous,
                           access="invitation", groups=["dept_leader"], opens_at=opens_at, closes_at=closes_at)
    codes = issue(survey, units["HP-SNV"], get_group("dept_leader"), count)
    db.session.commit()
    return codes


def make_open_survey(definition: dict = FLOW_QUESTIONNAIRE, *, slug: str = "open", quota: int | None = None):
    from survey_app.services.surveys import create_survey

    add_units()
    create_survey(slug=slug, title="Open", questionnaire_version=publish(definition), anonymous=True,
                  access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES,
                  quotas={"HP-SNV": quota} if quota is not None else None)
    db.session.commit()


_TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    match = _TOKEN.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)


def post_page(client, url: str, data: dict, action: str = "next"):
    """GET ``url`` for a fresh token, then POST ``data`` (lists for multiple values) with ``action``."""
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return client.post(url, data={**data, "csrf_token": csrf_token(page.get_data(as_text=True)), "action": action})


def location(response) -> str:
    assert response.status_code in (302, 303), response.status_code
    return response.headers["Location"]


def submit_through_invitation(survey, unit, answers_by_section: dict, questionnaire, now) -> None:
    """One respondent of ``unit``: a code issued, its pages saved as the pages would save them, then submitted."""
    from survey_app.services import drafts, invitations, responses

    [code] = invitations.issue(survey, unit, survey.groups[0], 1)
    draft = drafts.open_for_invitation(invitations.find_invitation(code), now)
    for section_id, values in answers_by_section.items():
        drafts.save_page(draft, section_id, values, questionnaire)
    responses.submit(draft, questionnaire, now=now)

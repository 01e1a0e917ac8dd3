"""Survey fixtures: a small sample frame, a questionnaire exercising every storage path, published surveys."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from survey_app.extensions import db
from survey_app.models import Unit

OPENS = datetime(2026, 1, 1, tzinfo=UTC)
CLOSES = datetime(2036, 1, 1, tzinfo=UTC)
DURING = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)

YES_NO = {"options": [{"code": "1", "label": {"vi": "Có", "en": "Yes"}},
                      {"code": "2", "label": {"vi": "Không", "en": "No"}}]}
QUALITY = {"options": [{"code": "A", "label": {"vi": "Tốt", "en": "Good"}},
                       {"code": "B", "label": {"vi": "Kém", "en": "Poor"}},
                       {"code": "E", "label": {"vi": "Không biết", "en": "Don't know"}, "missing": True}]}

# Q1 = "2" skips Q2 (not applicable); S2 only applies when Q1 = "1"; Q5 and Q6 are optional (not answered).
STORAGE_QUESTIONNAIRE = {
    "kind": "questionnaire",
    "id": "storage_test",
    "version": "1",
    "respondent_groups": ["dept_leader", "citizen"],
    "title": {"vi": "Phiếu thử", "en": "Test form"},
    "scales": {"yes_no": YES_NO, "quality": QUALITY},
    "sections": [
        {"id": "S1", "title": {"vi": "Phần 1"}, "items": [
            {"id": "Q1", "type": "single_choice", "text": {"vi": "Có dùng dịch vụ?"}, "scale": "yes_no",
             "required": True},
            {"id": "Q2", "type": "integer", "text": {"vi": "Bao nhiêu lần?"}, "min": 0, "max": 100,
             "required": True, "relevant": "${Q1} = '1'"},
            {"id": "Q3", "type": "multiple_choice", "text": {"vi": "Kênh nào?"}, "scale": "quality"},
        ]},
        {"id": "S2", "title": {"vi": "Phần 2"}, "relevant": "${Q1} = '1'", "items": [
            {"id": "Q4", "type": "matrix", "text": {"vi": "Đánh giá"}, "scale": "quality",
             "rows": [{"id": "Q4_a", "text": {"vi": "Thái độ"}}, {"id": "Q4_b", "text": {"vi": "Thời gian"}}]},
        ]},
        {"id": "S3", "title": {"vi": "Phần 3"}, "items": [
            {"id": "Q5", "type": "text", "text": {"vi": "Góp ý"}},
            {"id": "Q6", "type": "decimal", "text": {"vi": "Điểm"}},
            {"id": "Q7", "type": "date", "text": {"vi": "Ngày"}},
        ]},
    ],
}


@pytest.fixture
def storage_questionnaire():
    from questionnaires.loader import questionnaire_from_dict

    return questionnaire_from_dict(STORAGE_QUESTIONNAIRE, fallback_to_bundled=False)


def add_units() -> dict[str, Unit]:
    """Hải Phòng with one department and one district."""
    province = Unit(code="HP", name_vi="Hải Phòng", name_en="Hai Phong", level="province")
    dept = Unit(code="HP-SNV", name_vi="Sở Nội vụ", name_en="Department of Home Affairs", level="department",
                parent=province)
    district = Unit(code="HP-HB", name_vi="Quận Hồng Bàng", level="district", parent=province)
    db.session.add_all([province, dept, district])
    db.session.flush()
    return {u.code: u for u in (province, dept, district)}


@pytest.fixture
def ctx(app):
    """The test body runs inside an app context, so objects stay attached to one session."""
    with app.app_context():
        yield app


@pytest.fixture
def surveys(ctx, storage_questionnaire):
    """An anonymous closed survey, an identified closed one and an open one (quota 2 for HP-HB), open DURING."""
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    units = add_units()
    version = publish_questionnaire(storage_questionnaire)
    common = dict(questionnaire_version=version, opens_at=OPENS, closes_at=CLOSES)
    made = {
        "anonymous": create_survey(slug="anon", title="Anonymous", anonymous=True, access="invitation",
                                   groups=["dept_leader"], **common),
        "identified": create_survey(slug="named", title="Identified", anonymous=False, access="invitation",
                                    groups=["dept_leader"], **common),
        "open": create_survey(slug="open", title="Open", anonymous=True, access="open", groups=["citizen"],
                              quotas={"HP-HB": 2}, **common),
    }
    db.session.commit()
    return {**made, **units}

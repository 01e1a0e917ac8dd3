"""Province -> district -> commune: a choice_filter over the options' own columns, communes from a CSV beside
the questionnaire; answered without JavaScript here (tests/browser/test_question_features.py runs it with)."""

from __future__ import annotations

import pytest
import yaml

from questionnaires.loader import load_file
from questionnaires.problems import QuestionnaireError
from tests.survey_app.respondent_support import location, make_closed_survey, post_page

COMMUNES_CSV = """name,label,label::en,district
hk_1,Phường Hàng Trống,Hang Trong ward,hoan_kiem
hk_2,Phường Tràng Tiền,Trang Tien ward,hoan_kiem
bd_1,Phường Điện Biên,Dien Bien ward,ba_dinh
q1_1,Phường Bến Nghé,Ben Nghe ward,quan_1
"""


def _t(vi: str, en: str | None = None) -> dict:
    return {"vi": vi, "en": en or vi}


CASCADE = {
    "kind": "questionnaire", "id": "cascade", "version": "1", "respondent_groups": ["dept_leader"],
    "title": _t("Nơi làm thủ tục", "Where you applied"),
    "sections": [
        {"id": "P1", "title": _t("Tỉnh và huyện", "Province and district"), "items": [
            {"id": "province", "type": "single_choice", "required": True, "text": _t("Tỉnh/thành phố", "Province"),
             "options": [{"code": "HN", "label": _t("Hà Nội", "Hanoi")},
                         {"code": "HCM", "label": _t("TP Hồ Chí Minh", "Ho Chi Minh City")}]},
            {"id": "district", "type": "single_choice", "required": True, "text": _t("Quận/huyện", "District"),
             "choice_filter": "${choice.province} = ${province}",
             "options": [
                 {"code": "hoan_kiem", "label": _t("Quận Hoàn Kiếm"), "attributes": {"province": "HN"}},
                 {"code": "ba_dinh", "label": _t("Quận Ba Đình"), "attributes": {"province": "HN"}},
                 {"code": "quan_1", "label": _t("Quận 1"), "attributes": {"province": "HCM"}}]},
        ]},
        {"id": "P2", "title": _t("Xã/phường", "Commune"), "items": [
            {"id": "commune", "type": "single_choice", "required": True, "text": _t("Xã/phường", "Commune"),
             "options_file": "communes.csv", "choice_filter": "${choice.district} = ${district}"},
        ]},
    ],
}


@pytest.fixture
def cascade(tmp_path):
    (tmp_path / "communes.csv").write_text(COMMUNES_CSV, encoding="utf-8")
    path = tmp_path / "cascade.yaml"
    path.write_text(yaml.safe_dump(CASCADE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_file(path)


@pytest.fixture
def code(app, cascade):
    from questionnaires.build import thaw

    with app.app_context():
        return make_closed_survey(thaw(cascade.raw), count=1)[0]


def test_options_come_from_the_csv_beside_the_questionnaire_and_stay_in_its_snapshot(cascade):
    commune = cascade.item("commune")
    assert commune.scale.codes == ("hk_1", "hk_2", "bd_1", "q1_1")
    assert commune.scale.option("hk_2").label.get("en") == "Trang Tien ward"
    assert dict(commune.scale.option("bd_1").attributes) == {"district": "ba_dinh"}
    assert cascade.raw["sections"][1]["items"][0]["options"][0]["code"] == "hk_1"  # published without the file


def test_a_missing_csv_is_named(tmp_path):
    path = tmp_path / "cascade.yaml"
    path.write_text(yaml.safe_dump(CASCADE, allow_unicode=True), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert "sections[1].items[0].options_file: cannot read the options file communes.csv" in str(caught.value)


def test_a_filter_on_a_column_the_options_lack_is_refused(tmp_path):
    broken = yaml.safe_dump({**CASCADE, "sections": [CASCADE["sections"][0]]}, allow_unicode=True)
    path = tmp_path / "cascade.yaml"
    path.write_text(broken.replace("${choice.province}", "${choice.provinse}"), encoding="utf-8")
    with pytest.raises(QuestionnaireError) as caught:
        load_file(path)
    assert "choice_filter: the options have no column 'provinse' (they have: name, province)" in str(caught.value)


def _visible_options(html: str, name: str) -> list[str]:
    found = []
    for chunk in html.split('<label ')[1:]:
        if f'name="{name}"' in chunk.split(">")[1] and not chunk.startswith("hidden"):
            found.append(chunk.split('value="')[1].split('"')[0])
    return found


def test_without_script_the_district_list_is_filtered_once_the_province_is_known(client, code):
    first = client.get(f"/s/{code}/p/1").get_data(as_text=True)
    assert _visible_options(first, "district") == ["hoan_kiem", "ba_dinh", "quan_1"]  # province not chosen yet
    refused = post_page(client, f"/s/{code}/p/1", {"province": "HN", "district": "quan_1"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "Lựa chọn này không khớp với câu trả lời trước đó của Ông/Bà." in html
    assert _visible_options(html, "district") == ["hoan_kiem", "ba_dinh"]
    accepted = post_page(client, f"/s/{code}/p/1", {"province": "HN", "district": "ba_dinh"})
    assert location(accepted).endswith("/p/2")
    communes = client.get(f"/s/{code}/p/2").get_data(as_text=True)
    assert _visible_options(communes, "commune") == ["bd_1"]
    assert 'data-choice-filter="${choice.district} = ${district}"' in communes  # for survey.js

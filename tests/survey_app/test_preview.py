"""The proof-reading preview: a coordinator sees every question of a file, in both languages, before publishing."""

from __future__ import annotations

import html
import re
import shutil

import pytest

from questionnaires.loader import load_directory
from tests.questionnaires.broken_copies import VALID

DEMO = "/preview/demo_all_types/2021.1"
DEMO_EN = DEMO + "?lang=en"


@pytest.fixture
def client(app):
    """A logged-in analyst: the preview shows server paths, so it is for staff only (see test_console_access)."""
    from tests.survey_app.console_support import logged_in, make_staff

    with app.app_context():
        make_staff("analyst@example.vn", "analyst")
    return logged_in(app.test_client(), "analyst@example.vn")


@pytest.fixture
def with_fixture(app):
    app.config["QUESTIONNAIRE_DIRS"] = [str(VALID)]
    return app


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return html.unescape(response.get_data(as_text=True))


def test_the_list_shows_each_questionnaire_with_version_checksum_and_size(with_fixture, client):
    (demo,) = load_directory(VALID)
    text = page(client, "/preview/")
    assert "Phiếu thử nghiệm: lãnh đạo sở, ban, ngành" in text
    assert "demo_all_types" in text and "2021.1" in text
    assert demo.checksum[:12] in text and demo.checksum not in text.replace(f'title="{demo.checksum}"', "")
    assert f'href="{DEMO}"' in text
    row = text[text.index(f'href="{DEMO}"'):]
    assert "<td>11</td>" in row[: row.index("</tr>")]  # eleven questions: the note and the calculation not counted


def test_the_list_includes_the_bundled_questionnaires(client):
    text = page(client, "/preview/")
    assert "/preview/par_f02_dept_leader/" in text


def test_a_questionnaire_shows_both_languages_side_by_side(with_fixture, client):
    text = page(client, DEMO_EN)
    vi, en = text.index("Lãnh đạo tỉnh quyết liệt trong chỉ đạo CCHC"), text.index("Provincial leaders are determined")
    assert vi < en
    assert 'lang="en"' in text and 'lang="vi"' in text
    assert "no English text: Vietnamese is shown" in text  # the intro has Vietnamese only


def test_items_show_id_type_marks_options_weights_and_criterion(with_fixture, client):
    text = page(client, DEMO_EN)
    q1 = text[text.index('id="item-Q1"'):text.index('id="item-Q1_why"')]
    assert "<strong>Q1</strong> · rating" in q1
    assert "required" in q1 and "scored" in q1
    assert "criterion F1.C1.S1 (Determination of provincial leaders)" in q1
    assert "Rất tốt" in q1 and "Very good" in q1 and "0.6" in q1
    assert "don't know: stored, not scored" in q1
    birth = text[text.index('id="item-birth_year"'):text.index('id="item-years_in_post"')]
    assert "soft-required" in birth and "1940 – 2008" in birth


def test_expressions_and_matrix_rows_are_shown(with_fixture, client):
    raw = client.get(DEMO_EN).get_data(as_text=True)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", raw)))
    assert "Shown when: ${sex} != ''" in text
    assert "Constraint: . <= 2021 - ${birth_year} - 18" in text
    assert "Too many years for your age." in text
    q4 = text[text.index("Q4 · matrix"):]
    assert "Q4_a" in q4 and "Đúng hạn" in q4 and "Timely" in q4 and "F3.C1.S2" in q4


def test_an_unknown_questionnaire_is_a_404_page(with_fixture, client):
    response = client.get("/preview/demo_all_types/1999")
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_broken_folder_shows_its_problems_instead_of_failing(app, client, tmp_path):
    folder = tmp_path / "province"
    shutil.copytree(VALID, folder)
    definition = folder / "definitions" / "demo_all_types.yaml"
    definition.write_text(definition.read_text(encoding="utf-8").replace("scale: yes_no", "scale: yes_or_no"),
                          encoding="utf-8")
    app.config["QUESTIONNAIRE_DIRS"] = [str(folder)]
    text = page(client, "/preview/?lang=en")
    assert "The questionnaire files have problems" in text
    assert f"{definition}:" in text and "sections[2].items[0].scale: unknown scale 'yes_or_no'" in text
    assert "Các tệp phiếu khảo sát có lỗi" in page(client, "/preview/?lang=vi")


def test_the_preview_labels_are_in_vietnamese_by_default(with_fixture, client):
    listing = page(client, "/preview/")
    assert "Xem trước phiếu khảo sát" in listing and "Phiên bản" in listing and "Số câu hỏi" in listing
    raw = client.get(DEMO).get_data(as_text=True)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", raw)))
    assert "Hiển thị khi: ${sex} != ''" in text and "Điều kiện hợp lệ: . <= 2021 - ${birth_year} - 18" in text
    q1 = text[text.index("Q1 · rating"):text.index("Q1_why ·")]
    assert "bắt buộc" in q1 and "tính điểm" in q1 and "tiêu chí F1.C1.S1 (Sự quyết liệt" in q1
    assert "Phương án trả lời" in q1 and "Trọng số" in q1 and "không biết: được lưu, không tính điểm" in q1
    assert "nên trả lời" in text[text.index("birth_year ·"):]
    assert "chưa có bản tiếng Anh: hiển thị tiếng Việt" in text
    for english in ("Shown when", "Constraint", "Options", "Weight", "scored", "don't know", "no English text"):
        assert english not in text, english

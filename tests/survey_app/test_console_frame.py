"""Sample frame in the browser: every problem by row and column before anything is written, then one write."""

from __future__ import annotations

import io
import unicodedata

import pytest
from openpyxl import Workbook

from survey_app.extensions import db
from survey_app.models import AuditEntry, Unit
from tests.survey_app.conftest import add_units
from tests.survey_app.console_support import csrf_token, logged_in, make_staff

GOOD = ("code,name_vi,name_en,level,parent_code\n"
        "HP,Hải Phòng,Hai Phong,province,\n"
        "HP-SNV,Sở Nội vụ,Department of Home Affairs,department,HP\n"
        "HP-HB,Quận Hồng Bàng,,district,HP\n"
        "HP-HB-01,Phường Hoàng Văn Thụ,,commune,HP-HB\n")


@pytest.fixture
def admin(app):
    with app.app_context():
        make_staff("admin@hp.vn", "admin")
    return logged_in(app.test_client(), "admin@hp.vn")


def upload(client, content: bytes, name: str = "frame.csv"):
    return client.post("/console/frame", data={"csrf_token": csrf_token(client, "/console/frame"),
                                               "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def confirm(client, page: str):
    import html
    import re

    rows = html.unescape(re.search(r'name="rows" value="([^"]*)"', page, re.S).group(1))
    return client.post("/console/frame/confirm", data={"csrf_token": csrf_token(client, "/console/frame"),
                                                       "name": "frame.csv", "rows": rows}, follow_redirects=True)


def units(app) -> dict[str, Unit]:
    with app.app_context():
        return {u.code: (u.name_vi, u.level, u.parent.code if u.parent else None) for u in db.session.query(Unit)}


def test_preview_then_confirm_writes_nfc_names_and_a_reload_is_unchanged(admin, app):
    decomposed = unicodedata.normalize("NFD", GOOD).encode("utf-8")
    preview = upload(admin, decomposed)
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "4 mới, 0 thay đổi, 0 không đổi" in page
    assert units(app) == {}  # nothing written by the preview
    saved = confirm(admin, page).get_data(as_text=True)
    assert "4 mới" in saved
    assert units(app)["HP-HB-01"] == ("Phường Hoàng Văn Thụ", "commune", "HP-HB")
    assert unicodedata.is_normalized("NFC", units(app)["HP-HB-01"][0])
    again = confirm(admin, upload(admin, GOOD.encode()).get_data(as_text=True)).get_data(as_text=True)
    assert "Danh sách đơn vị không thay đổi (4 đơn vị)" in again
    with app.app_context():
        details = [e.detail for e in db.session.query(AuditEntry).filter_by(action="frame_imported")]
    assert details == ["4 new, 0 changed, 0 unchanged", "0 new, 0 changed, 4 unchanged"]


def test_every_problem_of_every_row_is_listed_by_row_and_column(admin, app):
    bad = ("code,name_vi,name_en,level,parent_code\n"
           "HP,Hải Phòng,,province,\n"
           "HP,Trùng,,province,\n"
           "X1,,,village,HP\n"
           "X2,Xã,,commune,NOPE\n")
    admin.get("/console/?lang=en")  # the same problems in Vietnamese: the next test
    response = upload(admin, bad.encode())
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Xác nhận" not in page and 'name="rows"' not in page
    assert "<td>3</td><td>code</td><td>&#39;HP&#39; already used on row 2</td>" in page
    assert "<td>4</td><td>name_vi</td>" in page and "<td>4</td><td>level</td>" in page  # both problems of row 4
    assert "<td>5</td><td>parent_code</td><td>unknown unit &#39;NOPE&#39;" in page
    assert units(app) == {}


def test_problems_are_listed_in_the_pages_language(admin):
    bad = "code,name_vi,name_en,level,parent_code\nHP,Hải Phòng,,province,\nHP,Trùng,,province,\nX2,Xã,,commune,NOPE\n"
    page = upload(admin, bad.encode()).get_data(as_text=True)
    assert "<td>3</td><td>code</td><td>&#39;HP&#39; đã được dùng ở dòng 2</td>" in page
    assert "<td>4</td><td>parent_code</td><td>không có đơn vị &#39;NOPE&#39; (không có trong tệp này" in page


def test_a_semicolon_file_and_a_non_utf8_file_are_named_as_such(admin):
    semicolons = upload(admin, GOOD.replace(",", ";").encode()).get_data(as_text=True)
    assert "các cột được phân tách bằng &#39;;&#39;" in semicolons
    latin = upload(admin, GOOD.encode("cp1258", errors="replace")).get_data(as_text=True)
    assert "tệp không phải văn bản UTF-8" in latin
    admin.get("/console/?lang=en")
    assert "separated by &#39;;&#39;" in upload(admin, GOOD.replace(",", ";").encode()).get_data(as_text=True)
    assert "not UTF-8" in upload(admin, GOOD.encode("cp1258", errors="replace")).get_data(as_text=True)


def test_an_xlsx_frame_is_read_from_its_first_sheet(admin, app):
    book = Workbook()
    sheet = book.active
    for line in GOOD.strip().splitlines():
        sheet.append(line.split(","))
    data = io.BytesIO()
    book.save(data)
    page = upload(admin, data.getvalue(), "frame.xlsx").get_data(as_text=True)
    confirm(admin, page)
    assert set(units(app)) == {"HP", "HP-SNV", "HP-HB", "HP-HB-01"}


def test_a_coordinator_only_changes_units_within_its_own(app):
    with app.app_context():
        add_units()
        db.session.commit()
        make_staff("district@hp.vn", "coordinator", "HP-HB")
    client = logged_in(app.test_client(), "district@hp.vn")
    mine = "code,name_vi,name_en,level,parent_code\nHP-HB-02,Phường Minh Khai,,commune,HP-HB\n"
    assert upload(client, mine.encode()).status_code == 200
    theirs = "code,name_vi,name_en,level,parent_code\nHP-SNV,Sở Nội vụ mới,,department,HP\n"
    page = upload(client, theirs.encode()).get_data(as_text=True)
    assert "&#39;HP-SNV&#39; nằm ngoài các đơn vị bạn phụ trách" in page

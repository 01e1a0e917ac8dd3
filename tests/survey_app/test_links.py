"""The links printed on letters, QR codes and in the demo reach the pages that serve them."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for

from survey_app.links import open_link, personal_link


def test_a_printed_personal_link_is_the_respondent_page_of_that_code(app):
    link = personal_link("https://khaosat.haiphong.gov.vn/", "ABCD-EFGH")
    assert link == "https://khaosat.haiphong.gov.vn/s/ABCD-EFGH"
    with app.test_request_context():
        assert urlsplit(link).path == url_for("respondent.resume", code="ABCD-EFGH")


def test_a_printed_open_link_is_the_respondent_page_of_that_survey_and_unit(app):
    link = open_link("http://127.0.0.1:5000", "sipas-2023", "HP-01")
    assert link == "http://127.0.0.1:5000/o/sipas-2023/HP-01"
    with app.test_request_context():
        assert urlsplit(link).path == url_for("respondent.resume", slug="sipas-2023", unit_code="HP-01")

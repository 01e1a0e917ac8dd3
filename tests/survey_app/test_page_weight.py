"""Pages are light on a phone without a proxy: static files fingerprinted and cached for a year, everything compressed
by the app when the client accepts it, and every respondent page (with its stylesheet and scripts, as on a first
visit) under 15 KB compressed, the bundled SIPAS grid pages included."""

from __future__ import annotations

import gzip
import re

import pytest

from survey_app.extensions import db
from tests.survey_app.respondent_support import CLOSES, OPENS, add_units, csrf_token

LINK = "/o/sipas/HP-SNV"
BUDGET = 15 * 1024
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture
def sipas(app):
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    with app.app_context():
        add_units()
        version = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"))
        create_survey(slug="sipas", title="SIPAS 2026", questionnaire_version=version, anonymous=True,
                      access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES)
        db.session.commit()


def compressed(client, url: str):
    response = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert response.status_code < 500, url
    return response


def test_static_urls_carry_a_fingerprint_and_are_cached_for_a_year(client, sipas):
    html = client.get(f"{LINK}/p/1").get_data(as_text=True)
    assets = ASSET.findall(html)
    assert assets and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in assets), assets
    for url in assets:
        cached = client.get(url.replace("&amp;", "&"))
        assert cached.status_code == 200
        assert cached.cache_control.max_age == 365 * 24 * 3600 and cached.cache_control.immutable, url
    stale = client.get(assets[0].split("?")[0] + "?v=000000000000")
    assert stale.cache_control.max_age != 365 * 24 * 3600  # an old fingerprint is not kept for a year


def test_pages_and_static_files_are_compressed_when_the_client_accepts_it(client, sipas):
    page = compressed(client, f"{LINK}/p/1")
    assert page.headers.get("Content-Encoding") == "gzip"
    assert "Vary" in page.headers and "Accept-Encoding" in page.headers["Vary"]
    assert "SIPAS" in gzip.decompress(page.get_data()).decode()
    error = compressed(client, "/s/0000-0000-0000-0000")  # error pages too, whatever their status
    assert error.status_code == 404 and error.headers.get("Content-Encoding") == "gzip"
    assert "<h1>" in gzip.decompress(error.get_data()).decode()
    plain = client.get(f"{LINK}/p/1")
    assert plain.headers.get("Content-Encoding") is None
    for url in ASSET.findall(plain.get_data(as_text=True)):
        assert compressed(client, url).headers.get("Content-Encoding") == "gzip", url


def test_every_page_of_the_sipas_form_weighs_under_15_kb_compressed_on_a_first_visit(client, sipas):
    first = client.get(LINK)
    html = client.get(first.headers["Location"]).get_data(as_text=True)
    assets = sum(len(compressed(client, url).get_data()) for url in ASSET.findall(html))
    total = int(re.search(r'<progress max="(\d+)"', html).group(1))
    heavy = {}
    for number in range(1, total + 1):
        url = f"{LINK}/p/{number}"
        weight = len(compressed(client, url).get_data()) + assets
        if weight > BUDGET:
            heavy[url] = weight
        token = csrf_token(client.get(url).get_data(as_text=True))
        sent_back = client.post(url, data={"A3": "500", "csrf_token": token, "action": "next"},
                                headers={"Accept-Encoding": "gzip"})  # required questions missing, a number too big
        assert sent_back.headers.get("Content-Encoding") == "gzip", url
        if len(sent_back.get_data()) + assets > BUDGET:
            heavy[url + " sent back"] = len(sent_back.get_data()) + assets
    for url in (f"{LINK}/review", f"{LINK}/saved", "/", "/s/0000-0000-0000-0000"):
        weight = len(compressed(client, url).get_data()) + assets
        if weight > BUDGET:
            heavy[url] = weight
    assert not heavy, heavy

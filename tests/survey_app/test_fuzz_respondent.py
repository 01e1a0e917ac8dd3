"""Whatever a browser or a script posts to any respondent route, the answer is a page, never a 5xx (property test,
run on SQLite and PostgreSQL alike)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from survey_app.extensions import db
from survey_app.services.surveys import create_survey
from tests.survey_app.respondent_support import (
    CLOSES,
    FLOW_QUESTIONNAIRE,
    OPENS,
    csrf_token,
    make_closed_survey,
    publish,
)

SUFFIXES = ["", "/p/1", "/p/2", "/p/3", "/p/0", "/p/99", "/review", "/submit", "/done", "/saved"]
FIELDS = ["Q1", "Q2", "Q3", "Q4_a", "Q4_b", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "action", "soft_ack", "code",
          "csrf_token"]
SPECIAL = ["1", "2", "A", "E", "back", "save", "\x00", "a\x0bb\x1b", "=cmd|' /C calc'!A0", "2026-02-30", "\ufffe",
           "9" * 5000, "-" + "9" * 4400, "1" * 19, "1e999", "NaN", "3,5", "１２"]
nasty_text = st.one_of(st.sampled_from(SPECIAL), st.text(max_size=60))
form = st.fixed_dictionaries({}, optional={name: nasty_text | st.lists(nasty_text, max_size=3) for name in FIELDS})


@pytest.fixture
def targets(app):
    app.config["RATELIMIT_CODE_ENTRY"] = "100000 per minute"
    with app.app_context():
        [code] = make_closed_survey(count=1)
        create_survey(slug="open", title="Open", questionnaire_version=publish(FLOW_QUESTIONNAIRE), anonymous=True,
                      access="open", groups=["citizen"], opens_at=OPENS, closes_at=CLOSES)
        db.session.commit()
    return [f"/s/{code}", "/o/open/HP-SNV", "/s/AAAA-BBBB-CCCC-DDDD", "/o/open/NOPE", "/o/nope/HP-SNV"]


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(link=st.integers(0, 4), posted=form, stray=st.dictionaries(st.text(max_size=12), nasty_text, max_size=3),
       with_token=st.sampled_from([True, True, True, False]))
@example(link=0, posted={"Q10": "9" * 5000, "Q8": "1" * 5000, "Q7": "a\x00b"}, stray={}, with_token=True)
@example(link=1, posted={"Q2": "-" + "9" * 4400, "Q1": "1", "action": "save"}, stray={"\x00": "\x00"},
         with_token=True)
def test_no_respondent_route_answers_5xx_to_arbitrary_form_data(client, targets, link, posted, stray, with_token):
    """Each example posts one arbitrary form (with or without a valid CSRF token) to every page of one link."""
    prefix = targets[link]
    posted = {**stray, **posted}
    if with_token:
        posted["csrf_token"] = csrf_token(client.get("/").get_data(as_text=True))
    for path in ["/", *(prefix + suffix for suffix in SUFFIXES)]:
        for method in ("POST", "GET"):
            query = {k: v for k, v in posted.items() if isinstance(v, str)} if method == "GET" else None
            response = client.open(path, method=method, data=posted if method == "POST" else None,
                                   query_string=query)
            assert response.status_code < 500, (method, path, posted, response.status_code)
            assert "Traceback" not in response.get_data(as_text=True)

"""A questionnaire page costs the same few SQL statements whether it has 10 questions or 60."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event

from survey_app.extensions import db
from tests.survey_app.respondent_support import csrf_token, location, make_closed_survey, make_open_survey

SCALE = {"options": [{"code": c, "label": {"vi": f"Mức {c}"}} for c in "ABCD"]}


def questionnaire_with(items: int) -> dict:
    """One page of ``items`` questions alternating single choice and integer, then a closing page."""
    questions = [
        {"id": f"Q{i}", "type": "single_choice", "scale": "abcd", "text": {"vi": f"Câu {i}"}}
        if i % 2 else {"id": f"Q{i}", "type": "integer", "min": 0, "max": 9, "text": {"vi": f"Câu {i}"}}
        for i in range(1, items + 1)
    ]
    questions[3]["relevant"] = "${Q1} = 'A'"
    return {
        "kind": "questionnaire", "id": f"count_{items}", "version": "1",
        "respondent_groups": ["dept_leader", "citizen"],
        "title": {"vi": "Đếm truy vấn"}, "scales": {"abcd": SCALE},
        "sections": [{"id": "S1", "title": {"vi": "Trang 1"}, "items": questions},
                     {"id": "S2", "title": {"vi": "Trang 2"}, "items": [
                         {"id": "Z1", "type": "text", "text": {"vi": "Góp ý"}}]}],
    }


@contextmanager
def counted(app):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def personal_link(items: int) -> str:
    """A closed survey's personal link: ``/s/<code>``."""
    code = make_closed_survey(questionnaire_with(items), slug=f"count-{items}", count=1)[0]
    return f"/s/{code}"


def public_link(items: int) -> str:
    """An open survey's public link for a unit: ``/o/<slug>/<unit>`` (the draft is found from the session cookie)."""
    make_open_survey(questionnaire_with(items), slug=f"count-{items}")
    return f"/o/count-{items}/HP-SNV"


def page_costs(app, link_to, items: int) -> tuple[int, int]:
    """Statements for showing page 1 (a second visit: visits store nothing) and for saving it (the first saved
    page, which stores the draft)."""
    with app.app_context():
        url = f"{link_to(items)}/p/1"
    client = app.test_client()
    client.get(url)  # a first visit: the open link's browser gets its token
    with counted(app) as shown:
        html = client.get(url).get_data(as_text=True)
    answers = {f"Q{i}": ("A" if i % 2 else "3") for i in range(1, items + 1)}
    with counted(app) as saved:
        response = client.post(url, data={**answers, "action": "next", "csrf_token": csrf_token(html)})
    assert location(response).endswith("/p/2")
    return len(shown), len(saved)


@pytest.fixture(params=[personal_link, public_link], ids=["personal-code", "open-link"])
def costs(app, request):
    small = page_costs(app, request.param, 10)
    with app.app_context():
        from tests.conftest import _empty_tables

        _empty_tables()
    return small, page_costs(app, request.param, 60)


def test_showing_a_page_costs_the_same_few_queries_for_10_and_60_questions(costs):
    (small_show, _), (large_show, _) = costs
    assert small_show == large_show
    assert large_show <= 3  # today: 1 for a code (invitation, survey, draft and spent marker at once), 3 for a link


def test_saving_a_page_costs_the_same_few_queries_for_10_and_60_questions(costs):
    (_, small_save), (_, large_save) = costs
    assert small_save == large_save
    assert large_save <= 4  # today: 2 for a code (the same query, then the draft insert), 4 for a link


def test_a_personal_code_s_first_visit_adds_only_its_opened_marker(app):
    """The first visit writes one pseudonymous marker (its own transaction, insert-if-absent; on PostgreSQL after
    the revocation lock); later visits see it in the page's one statement and write nothing."""
    with app.app_context():
        url = personal_link(10) + "/p/1"
    client = app.test_client()
    with counted(app) as first:
        client.get(url)
    with counted(app) as second:
        client.get(url)
    inserts = [s for s in first if s.lstrip().upper().startswith("INSERT")]
    assert len(inserts) == 1 and "opened_invitation" in inserts[0]
    assert len(second) == 1
    assert len(first) - len(second) == (2 if "pg_advisory_xact_lock" in " ".join(first) else 1)


def test_the_thank_you_page_of_a_personal_code_costs_one_query(app):
    """The code's invitation, its survey and whether its draft is gone (= submitted) come in one statement."""
    from tests.survey_app.respondent_support import FLOW_QUESTIONNAIRE, post_page

    with app.app_context():
        code = make_closed_survey(FLOW_QUESTIONNAIRE, count=1)[0]
    client = app.test_client()
    post_page(client, f"/s/{code}/p/1", {"Q1": "2"})
    post_page(client, f"/s/{code}/p/3", {})
    review = client.get(f"/s/{code}/review").get_data(as_text=True)
    assert location(client.post(f"/s/{code}/submit", data={"csrf_token": csrf_token(review)})).endswith("/done")
    with counted(app) as statements:
        done = client.get(f"/s/{code}/done")
    assert done.status_code == 200
    assert len(statements) == 1

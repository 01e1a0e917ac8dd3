"""The read API (/api/v1/) with a token of each role: what each may read, scoped as in the console; paging;
tokens made and revoked in the console and by the CLI; JSON errors everywhere, no cookie, no CSRF."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, date, datetime, timedelta

import pytest

from survey_app.extensions import db
from survey_app.models import ApiToken, AuditEntry
from survey_app.services import api_tokens, responses
from survey_app.services.groups import get_group
from survey_app.services.staff import disable_staff, get_staff
from tests.survey_app.conftest import DURING
from tests.survey_app.console_support import csrf_token, logged_in, make_staff
from tests.survey_app.respondent_support import submit_through_invitation
from tests.survey_app.test_export import LEADING, NON_USER, USER, VARIABLES

# who -> (role, unit); "coordinator" works for the department HP-SNV, "other" for the district HP-HB.
ACCOUNTS = {"admin": ("admin", None), "coordinator": ("coordinator", "HP-SNV"), "other": ("coordinator", "HP-HB"),
            "data_entry": ("data_entry", "HP-SNV"), "analyst": ("analyst", None)}
PAPER_FORMS = 3


@pytest.fixture
def world(surveys, storage_questionnaire):
    """``anon`` is run by the province (HP): one response online in HP-HB (USER) and one in HP-SNV (NON_USER),
    then three paper forms in HP-SNV. ``named`` is run by the department HP-SNV, out of the district's reach.
    One token per account; returns who -> token."""
    anon, named = surveys["anonymous"], surveys["identified"]
    anon.unit, named.unit = surveys["HP"], surveys["HP-SNV"]
    pages = [
        {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A", "E"]}, "S2": {"Q4_a": "A", "Q4_b": "B"}, "S3": {"Q5": "ok"}},
        {"S1": {"Q1": "2"}},
    ]
    for unit_code, answers in zip(("HP-HB", "HP-SNV"), pages, strict=True):
        submit_through_invitation(anon, surveys[unit_code], answers, storage_questionnaire, DURING)
    for n in range(PAPER_FORMS):
        responses.enter_paper(anon, surveys["HP-SNV"], get_group("dept_leader"), {"Q1": "2", "Q5": f"giấy {n}"},
                              storage_questionnaire, day=date(2026, 6, 2))
    db.session.commit()
    tokens = {}
    for who, (role, unit) in ACCOUNTS.items():
        user = make_staff(f"{who}@example.vn", role, unit)
        tokens[who] = api_tokens.create_token(user, f"{who} script")[1]
    db.session.commit()
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def get(client, url: str, token: str | None = None, **kwargs):
    return client.get(url, headers=bearer(token) if token else {}, **kwargs)


def assert_json_error(response, status: int) -> dict:
    """A JSON error of the documented shape, never an HTML page or a traceback."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == status and body["status"] and body["message"]
    assert "<html" not in response.get_data(as_text=True).lower() and "Traceback" not in response.get_data(as_text=True)
    return body


# --- what each role reads ----------------------------------------------------------------------------------------

VISIBLE = {"admin": {"anon", "named", "open"}, "analyst": {"anon", "named", "open"},
           "coordinator": {"anon", "named"}, "data_entry": {"anon", "named"}, "other": {"anon"}}


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_each_role_lists_the_surveys_the_console_shows_it(world, client, who):
    response = get(client, "/api/v1/surveys", world[who])
    assert response.status_code == 200 and response.mimetype == "application/json"
    items = response.get_json()["items"]
    assert {s["slug"] for s in items} == VISIBLE[who]
    anon = next(s for s in items if s["slug"] == "anon")
    assert anon["unit"] == "HP" and anon["anonymous"] is True and anon["groups"] == ["dept_leader"]
    assert anon["questionnaire"] == "storage_test" and anon["state"] == "open"


def test_a_survey_out_of_scope_is_refused_and_an_unknown_one_is_not_found(world, client):
    assert get(client, "/api/v1/surveys/named", world["coordinator"]).get_json()["slug"] == "named"
    for path in ("", "/participation", "/codebook"):
        assert_json_error(get(client, f"/api/v1/surveys/named{path}", world["other"]), 403)
    body = assert_json_error(get(client, "/api/v1/surveys/no-such-survey", world["admin"]), 404)
    assert "no-such-survey" in body["message"]


PARTICIPATION = {"admin": 200, "analyst": 200, "coordinator": 200, "other": 200, "data_entry": 403}
ROWS_SEEN = {"admin": {"HP-HB", "HP-SNV"}, "analyst": {"HP-HB", "HP-SNV"}, "coordinator": {"HP-SNV"},
             "other": {"HP-HB"}}


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_participation_is_scoped_to_the_units_of_the_role(world, client, who):
    response = get(client, "/api/v1/surveys/anon/participation", world[who])
    if PARTICIPATION[who] == 403:
        assert_json_error(response, 403)
        return
    body = response.get_json()
    assert response.status_code == 200 and {r["unit"] for r in body["rows"]} == ROWS_SEEN[who]
    snv = next((r for r in body["rows"] if r["unit"] == "HP-SNV"), None)
    if snv is not None:  # one invitation completed online, three paper forms; RR1 = 4/4
        assert (snv["issued"], snv["completed_online"], snv["completed_paper"], snv["completed"]) == (1, 1, 3, 4)
        assert snv["RR1"] == pytest.approx(1.0) and snv["group"] == "dept_leader"


def test_participation_has_the_rows_and_columns_of_the_console_csv(world, app, client):
    console = logged_in(app.test_client(), "admin@example.vn")
    text = console.get("/console/surveys/anon/participation?format=csv").get_data(as_text=True).lstrip("\ufeff")
    csv_rows = list(csv.DictReader(io.StringIO(text)))
    body = get(client, "/api/v1/surveys/anon/participation", world["admin"]).get_json()
    assert body["columns"] == list(csv_rows[0])
    assert len(body["rows"]) == len(csv_rows)
    for api_row, csv_row in zip(body["rows"], csv_rows, strict=True):
        for column in body["columns"]:
            value, cell = api_row[column], csv_row[column]
            if value is None:
                assert cell == "", column
            elif isinstance(value, float):
                assert value == pytest.approx(float(cell)), column
            else:
                assert str(value) == cell, column


def test_an_undefined_rate_is_null_not_nan(world, client, surveys):
    from survey_app.services import invitations

    invitations.issue(surveys["anonymous"], surveys["HP"], get_group("dept_leader"), 1)
    db.session.commit()
    response = get(client, "/api/v1/surveys/anon/participation", world["analyst"])
    assert "NaN" not in response.get_data(as_text=True)
    province = next(r for r in response.get_json()["rows"] if r["unit"] == "HP")
    assert province["RR1"] == 0.0 and province["parent"] is None
    snv = next(r for r in response.get_json()["rows"] if r["unit"] == "HP-SNV")
    assert snv["parent"] == "HP"


RESPONSES = {"admin": 200, "analyst": 200, "coordinator": 403, "other": 403, "data_entry": 403}


@pytest.mark.parametrize("who", list(ACCOUNTS))
def test_responses_are_for_analysts_and_admins_only(world, client, who):
    response = get(client, "/api/v1/surveys/anon/responses", world[who])
    if RESPONSES[who] == 403:
        assert_json_error(response, 403)
    else:
        assert response.status_code == 200 and response.get_json()["total"] == 2 + PAPER_FORMS


def test_responses_carry_the_export_columns_and_codebook_values(world, client, runner, tmp_path):
    body = get(client, "/api/v1/surveys/anon/responses", world["analyst"]).get_json()
    assert body["columns"] == LEADING + VARIABLES
    out = tmp_path / "anon.csv"
    runner.invoke(args=["export", "responses", "--survey", "anon", "--format", "csv", "--out", str(out)])
    with out.open(encoding="utf-8-sig") as fh:
        exported = list(csv.DictReader(fh))
    assert body["columns"] == list(exported[0])
    by_unit = {}
    for item in body["items"]:
        assert set(item) == set(body["columns"])  # JSON objects have no order: "columns" gives it
        by_unit.setdefault((item["unit"], item["mode"]), []).append(item)
    [online_hb] = by_unit[("HP-HB", "online")]
    [online_snv] = by_unit[("HP-SNV", "online")]
    assert {k: online_hb[k] for k in VARIABLES} == USER
    assert {k: online_snv[k] for k in VARIABLES} == NON_USER
    assert online_hb["unit_level"] == "district" and online_hb["group"] == "dept_leader"
    # an anonymous survey's cells of fewer than k responses carry no date at all (the exports' disclosure rule)
    assert online_hb["submitted_on"] is None and online_hb["questionnaire_version"] == "1"
    paper = by_unit[("HP-SNV", "paper")]
    assert sorted(p["Q5"] for p in paper) == ["giấy 0", "giấy 1", "giấy 2"]  # Vietnamese text intact
    assert {p["submitted_on"] for p in paper} == {None}
    assert {i["response_id"]: i["submitted_on"] or "" for i in body["items"]} == {
        r["response_id"]: r["submitted_on"] for r in exported}, "the API gives the export's rows, dates included"


def test_pages_cover_every_response_once_in_the_export_order(world, client):
    seen, page, pages = [], 1, None
    while page is not None:
        body = get(client, f"/api/v1/surveys/anon/responses?page={page}&per_page=2", world["admin"]).get_json()
        assert body["per_page"] == 2 and body["page"] == page and len(body["items"]) <= 2
        pages = body["pages"]
        seen += [(i["unit"], i["group"], i["response_id"]) for i in body["items"]]
        page = body["next_page"]
    total = 2 + PAPER_FORMS
    assert pages == math.ceil(total / 2) and len(seen) == total == len(set(seen))
    assert seen == sorted(seen)  # anonymous: by unit, group and random id, never the order of submission
    beyond = get(client, "/api/v1/surveys/anon/responses?page=9", world["admin"]).get_json()
    assert beyond["items"] == [] and beyond["next_page"] is None and beyond["total"] == total


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=100000", "page=abc", "perpage=10"])
def test_bad_query_parameters_are_a_422_naming_them(world, client, query):
    body = assert_json_error(get(client, f"/api/v1/surveys/anon/responses?{query}", world["admin"]), 422)
    assert query.split("=")[0] in body["errors"]["query"]


def test_the_codebook_is_the_exports_codebook(world, client):
    body = get(client, "/api/v1/surveys/anon/codebook", world["data_entry"]).get_json()
    assert [v["name"] for v in body["variables"]] == VARIABLES
    q1 = body["variables"][0]
    assert [(v["code"], v["label"]["vi"]) for v in q1["values"]] == [("1", "Có"), ("2", "Không")]
    assert body["system_missing"]["-97"]["en"] == "Not applicable"


# --- tokens: who they are, when they stop --------------------------------------------------------------------------

def test_no_token_a_bad_token_or_a_cookie_alone_is_a_401(world, app, client):
    for headers in ({}, {"Authorization": "Bearer psv_nothing-like-it"}, {"Authorization": "Bearer"},
                    {"Authorization": "Basic YWRtaW46eA=="}, {"Authorization": world["admin"]}):
        response = client.get("/api/v1/surveys", headers=headers)
        assert_json_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    console = logged_in(app.test_client(), "admin@example.vn")  # a console session cookie is no API login
    assert_json_error(console.get("/api/v1/surveys"), 401)
    assert_json_error(console.get("/api/v1/surveys/anon/responses"), 401)


def test_revoked_expired_and_disabled_tokens_stop_working(world, client):
    analyst = get_staff("analyst@example.vn")
    [row] = api_tokens.tokens_of(analyst)
    assert get(client, "/api/v1/surveys", world["analyst"]).status_code == 200
    api_tokens.revoke_token(row)
    db.session.commit()
    assert_json_error(get(client, "/api/v1/surveys", world["analyst"]), 401)

    _, old = api_tokens.create_token(analyst, "old", expires_in_days=1, now=datetime.now(UTC) - timedelta(days=2))
    _, fresh = api_tokens.create_token(analyst, "fresh", expires_in_days=1)
    db.session.commit()
    assert_json_error(get(client, "/api/v1/surveys", old), 401)
    assert get(client, "/api/v1/surveys", fresh).status_code == 200

    disable_staff("analyst@example.vn")
    db.session.commit()
    assert_json_error(get(client, "/api/v1/surveys", fresh), 401)


def test_a_token_notes_the_day_it_was_last_used(world, client):
    [row] = api_tokens.tokens_of(get_staff("admin@example.vn"))
    assert row.last_used_on is None
    get(client, "/api/v1/surveys", world["admin"])
    db.session.expire_all()
    assert row.last_used_on == datetime.now(UTC).date()


def test_only_the_hash_of_a_token_is_stored(world):
    stored = {r.token_hash for r in db.session.query(ApiToken)}
    for token in world.values():
        assert token.startswith("psv_") and len(token) > 40
        assert token not in stored and api_tokens.token_hash(token) in stored


# --- the console page ----------------------------------------------------------------------------------------------

def test_a_token_made_in_the_console_is_shown_once_and_reads_the_api(world, app, client):
    console = logged_in(app.test_client(), "other@example.vn")
    page = console.get("/console/account/tokens")
    assert page.status_code == 200 and "other script" in page.get_data(as_text=True)
    made = console.post("/console/account/tokens", data={
        "name": "R on my laptop", "expires": "30", "csrf_token": csrf_token(console, "/console/account/tokens")})
    assert made.status_code == 200 and made.headers["Cache-Control"] == "no-store"
    html = made.get_data(as_text=True)
    token = html.split('<p class="token" lang="en"><code>')[1].split("</code>")[0]
    assert token.startswith("psv_")
    assert {s["slug"] for s in get(client, "/api/v1/surveys", token).get_json()["items"]} == VISIBLE["other"]
    again = console.get("/console/account/tokens").get_data(as_text=True)
    assert "R on my laptop" in again and token not in again  # listed, never shown again
    row = db.session.query(ApiToken).filter_by(name="R on my laptop").one()
    assert row.expires_at is not None and row.user.email == "other@example.vn"
    entry = db.session.query(AuditEntry).filter_by(action="token_created", actor="other@example.vn").one()
    assert "R on my laptop" in entry.detail and token not in entry.detail


def test_a_token_revoked_in_the_console_is_refused_and_nobody_revokes_anothers(world, app, client):
    [row] = api_tokens.tokens_of(get_staff("analyst@example.vn"))
    intruder = logged_in(app.test_client(), "admin@example.vn")
    url = f"/console/account/tokens/{row.id}/revoke"
    assert intruder.post(url, data={"csrf_token": csrf_token(intruder, "/console/account/tokens")}).status_code == 404
    assert get(client, "/api/v1/surveys", world["analyst"]).status_code == 200
    owner = logged_in(app.test_client(), "analyst@example.vn")
    done = owner.post(url, data={"csrf_token": csrf_token(owner, "/console/account/tokens")})
    assert done.status_code == 302
    assert_json_error(get(client, "/api/v1/surveys", world["analyst"]), 401)
    assert db.session.query(AuditEntry).filter_by(action="token_revoked", actor="analyst@example.vn").count() == 1
    listed = owner.get("/console/account/tokens").get_data(as_text=True)
    assert "revoked" in listed or "đã thu hồi" in listed  # the page's language is settled by the test's context


def test_the_console_refuses_a_token_without_a_name(world, app):
    console = logged_in(app.test_client(), "analyst@example.vn")
    before = db.session.query(ApiToken).count()
    response = console.post("/console/account/tokens", data={
        "name": "  ", "expires": "90", "csrf_token": csrf_token(console, "/console/account/tokens")})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and 'role="alert"' in html and 'aria-invalid="true"' in html
    assert "Give the token a name" in html or "Hãy đặt tên cho mã" in html
    assert db.session.query(ApiToken).count() == before


# --- the CLI -------------------------------------------------------------------------------------------------------

def test_tokens_create_prints_a_token_for_scripts_list_and_revoke(world, runner, client):
    result = runner.invoke(args=["tokens", "create", "analyst@example.vn", "--name", "nightly R"])
    assert result.exit_code == 0, result.output
    token = result.stdout.strip()
    assert token.startswith("psv_") and "\n" not in token
    assert get(client, "/api/v1/surveys/anon/responses", token).status_code == 200
    listed = runner.invoke(args=["tokens", "list", "analyst@example.vn"])
    assert "nightly R" in listed.output and token not in listed.output and "active" in listed.output
    row = db.session.query(ApiToken).filter_by(name="nightly R").one()
    revoked = runner.invoke(args=["tokens", "revoke", str(row.id)])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert_json_error(get(client, "/api/v1/surveys", token), 401)
    actions = {e.action for e in db.session.query(AuditEntry).filter_by(actor="cli")}
    assert {"token_created", "token_revoked"} <= actions


def test_tokens_commands_refuse_mistakes_with_a_message(world, runner):
    unknown = runner.invoke(args=["tokens", "create", "nobody@example.vn"])
    assert unknown.exit_code == 1 and "error: no account has the e-mail" in unknown.output
    assert runner.invoke(args=["tokens", "revoke", "999999"]).exit_code == 1
    disable_staff("analyst@example.vn")
    db.session.commit()
    disabled = runner.invoke(args=["tokens", "create", "analyst@example.vn"])
    assert disabled.exit_code == 1 and "disabled" in disabled.output
    expiring = runner.invoke(args=["tokens", "create", "admin@example.vn", "--expires-in-days", "0"])
    assert expiring.exit_code == 2  # click names the option and the range


# --- errors, headers, cookies --------------------------------------------------------------------------------------

def test_every_error_under_the_api_is_json(world, app, client, monkeypatch):
    assert_json_error(client.get("/api/v1/no/such/thing"), 404)
    not_allowed = assert_json_error(client.post("/api/v1/surveys", headers=bearer(world["admin"])), 405)
    assert not_allowed and "GET" in client.post("/api/v1/surveys").headers["Allow"]
    assert_json_error(client.get("/api/v1/surveys/anon%00", headers=bearer(world["admin"])), 400)

    def broken(user):
        raise RuntimeError("a bug with a secret in it")

    monkeypatch.setattr("survey_app.api.surveys.visible_surveys", broken)
    body = assert_json_error(get(client, "/api/v1/surveys", world["admin"]), 500)
    assert "secret" not in str(body)


def test_pages_outside_the_api_keep_their_html_errors(world, client):
    response = client.get("/console/no-such-page")
    assert response.status_code in (403, 404) and response.mimetype == "text/html"


def test_too_many_requests_is_a_json_429_per_token(world, app, client):
    app.config["RATELIMIT_API"] = "3 per minute"
    for _ in range(3):
        assert get(client, "/api/v1/surveys", world["admin"]).status_code == 200
    assert_json_error(get(client, "/api/v1/surveys", world["admin"]), 429)
    assert get(client, "/api/v1/surveys", world["analyst"]).status_code == 200  # another token's own budget


def test_security_headers_stay_and_no_cookie_is_set(world, client):
    switched = get(client, "/api/v1/surveys?lang=en", world["admin"])
    assert switched.status_code == 422  # lang is not a parameter of the API
    for response in (switched, get(client, "/api/v1/surveys", world["admin"]), client.get("/api/v1/openapi.json")):
        assert response.mimetype == "application/json" and response.get_json() is not None
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Set-Cookie" not in response.headers


def test_the_openapi_document_describes_every_operation_and_the_error(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    assert set(doc["paths"]) == {"/api/v1/surveys", "/api/v1/surveys/{slug}", "/api/v1/surveys/{slug}/participation",
                                 "/api/v1/surveys/{slug}/responses", "/api/v1/surveys/{slug}/codebook"}
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert set(doc["components"]["schemas"]["Error"]["required"]) == {"code", "status", "message"}
    for path in doc["paths"].values():
        assert {"401", "429", "default"} <= set(path["get"]["responses"])


def test_every_api_route_declares_its_rule(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            assert getattr(app.view_functions[rule.endpoint], "access_rule", None), rule.endpoint


def test_the_readme_example_reads_every_response_page_by_page(world, base_url):
    """The README's Read API example, run as written against a live server (its address and slug swapped)."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^### Read API.*?(?=^### )", readme, flags=re.S | re.M).group(0)
    [block] = re.findall(r"^```python\n(.*?)^```", section, flags=re.S | re.M)
    block = block.replace("http://127.0.0.1:5000", base_url).replace("par-2026-dept", "anon")
    names: dict = {"TOKEN": world["analyst"]}
    exec(compile(block, "README.md (read API)", "exec"), names)  # noqa: S102 - the README's own code
    frame = names["responses"]
    assert len(frame) == 2 + PAPER_FORMS and list(frame.columns) == LEADING + VARIABLES

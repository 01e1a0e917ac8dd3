"""Paper entry in the console, through the pages as a clerk uses them: single entry, double entry that agrees,
double entry resolved by a coordinator, the same clerk twice, another unit's clerk, invitation codes completed on
paper (counted as completes, unlinkable), and every refusal as a page in Vietnamese and English."""

from __future__ import annotations

import csv
import io
import re

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient

from survey_app.extensions import db
from survey_app.models import AuditEntry, Draft, PaperEntry, PaperForm, Response
from survey_app.services import invitations
from survey_app.services import live_participation as live
from survey_app.services.paper import submission_id as numbered_submission_id
from tests.survey_app.console_support import csrf_token, logged_in, make_staff

# The storage questionnaire: S1 (Q1 yes/no, Q2 only when Q1 = 1, Q3 multiple), S2 (matrix Q4, only when Q1 = 1),
# S3 (Q5 text, Q6 decimal, Q7 date).
PAGES_YES = [{"Q1": "1", "Q2": "3", "Q3": ["A", "B"]}, {"Q4_a": "A", "Q4_b": "B"}, {"Q5": "Tốt lắm", "Q6": "2,5"}]
TYPED_YES = {"Q1": "1", "Q2": 3, "Q3": ["A", "B"], "Q4_a": "A", "Q4_b": "B", "Q5": "Tốt lắm", "Q6": 2.5}


class OwnClient(FlaskClient):
    """A test client whose requests never see another client's login, form token or language: the test body holds
    an app context, which every request shares (``g``), so what Flask-Login, Flask-WTF and Flask-Babel cache there
    is dropped before each request."""

    def open(self, *args, **kwargs):
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


@pytest.fixture
def world(surveys, app):
    """The anonymous and open surveys run by the province; clerks of the department, a coordinator of the province,
    a clerk and a coordinator of the district."""
    app.test_client_class = OwnClient
    for key in ("anonymous", "identified", "open"):
        surveys[key].unit = surveys["HP"]
    db.session.commit()
    make_staff("clerk1@hp.vn", "data_entry", "HP-SNV")
    make_staff("clerk2@hp.vn", "data_entry", "HP-SNV")
    make_staff("coord@hp.vn", "coordinator", "HP")
    make_staff("district-clerk@hp.vn", "data_entry", "HP-HB")
    make_staff("district-coord@hp.vn", "coordinator", "HP-HB")
    return surveys


def client_of(app, email: str, language: str = "vi"):
    client = logged_in(app.test_client(), email)
    client.get(f"/console/?lang={language}")
    return client


def post(client, url: str, data: dict, token_from: str | None = None):
    return client.post(url, data={**data, "csrf_token": csrf_token(client, token_from or url)})


def new_code(survey, unit) -> str:
    [code] = invitations.issue(survey, unit, survey.groups[0], 1)
    db.session.commit()
    return code


def start(client, slug: str, written: str, unit: str = "HP-SNV", **extra):
    return post(client, f"/console/surveys/{slug}/paper", {"unit": unit, "written": written, **extra})


def type_form(client, first_page_url: str, pages: list[dict]) -> str:
    """Type every page (Next), returning the URL reached at the end (the finish page)."""
    url = first_page_url
    for values in pages:
        response = post(client, url, {**values, "action": "next"})
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
        url = response.headers["Location"]
        if url.endswith("/finish"):
            break
    return url


def rows(table: str) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))]  # noqa: S608


def test_single_entry_stores_one_response_that_completes_the_invitation_unlinkably(world, app, runner):
    survey = world["anonymous"]
    code = new_code(survey, world["HP-SNV"])
    clerk = client_of(app, "clerk1@hp.vn")
    started = start(clerk, "anon", code.lower().replace("-", " "))  # typed as a clerk might
    assert started.status_code == 302
    finish_url = type_form(clerk, started.headers["Location"], PAGES_YES)
    assert finish_url.endswith("/finish")
    page = clerk.get(finish_url).get_data(as_text=True)
    assert "Tốt lắm" in page and 'name="code"' in page, "the review shows what was typed and asks for the code"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0, "nothing stored before Finish"

    done = post(clerk, finish_url, {"code": code})
    assert done.status_code == 302
    [response] = db.session.scalars(sa.select(Response)).all()
    assert response.mode == "paper" and response.answers == TYPED_YES
    assert invitations.find_invitation(code).status == "completed"
    assert rows("draft") == [] and rows("paper_form") == [] and rows("paper_entry") == []
    assert rows("response_identity") == [], "an anonymous survey keeps no link, on paper as online"
    stored_text = " ".join(str(v) for v in rows("response")[0].values())
    for secret in (code, invitations.normalise_code(code), invitations.hash_code(code)):
        assert secret not in stored_text
    [completion] = rows("spent_invitation")
    assert completion["mode"] == "paper", "the invitation is completed on paper, by its spent marker alone"
    assert set(completion) == {"key", "survey_id", "unit_id", "group_id", "mode"}

    counts = live.cells(survey)
    snv = counts[counts["unit_id"] == world["HP-SNV"].id].iloc[0]
    assert (snv["completed"], snv["completed_paper"], snv["completed_online"]) == (1, 1, 0)
    assert (snv["not_opened"], snv["P"], snv["R"]) == (0, 0, 0)
    assert snv["opened"] == 1, "a code typed from a paper form reached its respondent"
    result = runner.invoke(args=["report", "rates", "--survey", "anon", "--by", "unit", "--format", "csv"])
    report = {r["unit"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert (report["HP-SNV"]["I"], report["HP-SNV"]["NC"], report["HP-SNV"]["RR1"]) == ("1", "0", "1")

    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "paper_form_stored")).all()
    assert entry.actor == "clerk1@hp.vn" and "Tốt" not in (entry.detail or "") and code not in (entry.detail or "")


def test_an_online_complete_and_a_paper_complete_are_counted_once_each(world, app):
    survey = world["anonymous"]
    _submit_online(survey, new_code(survey, world["HP-SNV"]))
    paper = new_code(survey, world["HP-SNV"])
    clerk = client_of(app, "clerk1@hp.vn")
    finish_url = type_form(clerk, start(clerk, "anon", paper).headers["Location"], PAGES_YES)
    assert post(clerk, finish_url, {"code": paper}).status_code == 302
    counts = live.cells(survey)
    snv = counts[counts["unit_id"] == world["HP-SNV"].id].iloc[0]
    assert (snv["issued"], snv["completed_online"], snv["completed_paper"], snv["completed"]) == (2, 1, 1, 2)


def _submit_online(survey, code):
    from questionnaires.loader import questionnaire_from_dict
    from survey_app.services import drafts, responses
    from tests.survey_app.conftest import DURING, STORAGE_QUESTIONNAIRE

    q = questionnaire_from_dict(STORAGE_QUESTIONNAIRE, fallback_to_bundled=False)
    draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    drafts.save_page(draft, "S1", {"Q1": "2"}, q)
    responses.submit(draft, q, now=DURING)
    db.session.commit()


def test_double_entry_that_agrees_stores_one_response_and_the_second_pass_is_blind(world, app):
    survey = world["open"]
    survey.double_entry = True
    db.session.commit()
    first, second = client_of(app, "clerk1@hp.vn"), client_of(app, "clerk2@hp.vn")
    url = start(first, "open", "A-17").headers["Location"]
    finish_url = type_form(first, url, PAGES_YES)
    assert post(first, finish_url, {}).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0, "one pass stores nothing"

    second_start = start(second, "open", "A-17")
    assert second_start.status_code == 302, re.findall(r"flash-error[^<]*<", second_start.get_data(as_text=True))
    second_url = second_start.headers["Location"]
    assert second_url != url, "the second operator gets an entry of their own"
    blank = second.get(second_url).get_data(as_text=True)
    assert "checked" not in blank and 'value="3"' not in blank, "the second pass does not see the first"
    assert second.get(url).status_code == 403, "nor can it open the first operator's entry"
    assert post(second, type_form(second, second_url, PAGES_YES), {}).status_code == 302

    [response] = db.session.scalars(sa.select(Response)).all()
    assert response.mode == "paper" and response.answers == TYPED_YES
    assert response.submission_id == numbered_submission_id(survey, "A-17"), "the import's key: stored once"
    assert rows("paper_form") == [] and rows("paper_entry") == []
    again = start(first, "open", "A-17")
    assert again.status_code == 400 and "A-17" in again.get_data(as_text=True)


def test_double_entry_that_differs_waits_for_a_coordinator_who_resolves_each_difference(world, app):
    survey = world["anonymous"]
    survey.double_entry = True
    db.session.commit()
    code = new_code(survey, world["HP-SNV"])
    first, second = client_of(app, "clerk1@hp.vn"), client_of(app, "clerk2@hp.vn")
    assert post(first, type_form(first, start(first, "anon", code).headers["Location"], PAGES_YES), {}
                ).status_code == 302
    second_pages = [{**PAGES_YES[0], "Q2": "8"}, PAGES_YES[1], {"Q5": "Tốt lắm"}]
    finish_url = type_form(second, start(second, "anon", code).headers["Location"], second_pages)
    page = second.get(finish_url).get_data(as_text=True)
    assert 'name="code"' in page, "the pass that may store the form asks for its code"
    done = post(second, finish_url, {"code": code})
    assert done.status_code == 302
    assert "khác nhau" in second.get(done.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 0, "nothing stored while they differ"
    # the typed code reached its respondent (opened), but nothing completes while the entries differ
    assert invitations.find_invitation(code).status == "opened", "not completed while the entries differ"

    coordinator = client_of(app, "coord@hp.vn", "en")
    home = coordinator.get("/console/paper").get_data(as_text=True)
    [resolve_url] = re.findall(r'href="(/console/paper/forms/[^"]+/resolve)"', home)
    page = coordinator.get(resolve_url).get_data(as_text=True)
    assert "Bao nhiêu lần?" in page and "Điểm" in page and "Thái độ" not in page, "only the differences"
    assert "First entry: 3" in page
    assert "Second entry: 8" in page and "Second entry: (blank)" in page

    refused = post(coordinator, resolve_url, {"pick-Q2": "other", "other-Q2": "500", "pick-Q6": "first",
                                              "code": code})
    assert refused.status_code == 400 and "not valid" in refused.get_data(as_text=True)
    unresolved = post(coordinator, resolve_url, {"pick-Q2": "second", "code": code})
    assert unresolved.status_code == 400 and "Q6" in unresolved.get_data(as_text=True)
    wrong_code = post(coordinator, resolve_url, {"pick-Q2": "second", "pick-Q6": "first",
                                                 "code": new_code(survey, world["HP-SNV"])})
    assert wrong_code.status_code == 400 and "not the code of this form" in wrong_code.get_data(as_text=True)

    stored = post(coordinator, resolve_url, {"pick-Q2": "other", "other-Q2": "5", "pick-Q6": "second",
                                             "code": code})
    assert stored.status_code == 302
    [response] = db.session.scalars(sa.select(Response)).all()
    assert response.answers == {k: v for k, v in TYPED_YES.items() if k != "Q6"} | {"Q2": 5}
    assert invitations.find_invitation(code).status == "completed"
    assert rows("paper_form") == [] and rows("paper_entry") == []
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.actor == "coord@hp.vn"))]
    assert {"paper_discrepancy_resolved", "paper_form_stored"} <= set(actions)
    details = " ".join(e.detail or "" for e in db.session.scalars(sa.select(AuditEntry)))
    assert "Tốt" not in details and " 5" not in details.replace("unit ", "")


def test_the_same_operator_cannot_type_both_entries(world, app):
    world["open"].double_entry = True
    db.session.commit()
    clerk = client_of(app, "clerk1@hp.vn", "en")
    assert post(clerk, type_form(clerk, start(clerk, "open", "9").headers["Location"], PAGES_YES), {}
                ).status_code == 302
    again = start(clerk, "open", "9")
    assert again.status_code == 400
    assert "another operator types it the second time" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperEntry)) == 1


def test_an_operator_of_another_unit_gets_403_on_the_form_and_a_refusal_for_its_codes(world, app):
    survey = world["anonymous"]
    survey.double_entry = True
    db.session.commit()
    code = new_code(survey, world["HP-SNV"])
    clerk = client_of(app, "clerk1@hp.vn")
    entry_url = start(clerk, "anon", code).headers["Location"]
    outsider = client_of(app, "district-clerk@hp.vn", "en")
    assert outsider.get(entry_url).status_code == 403
    refused = start(outsider, "anon", code, unit="HP-SNV")
    assert refused.status_code == 400 and "not one of the units you work for" in refused.get_data(as_text=True)
    refused = start(outsider, "anon", code, unit="HP-HB")
    assert refused.status_code == 400 and "a unit you do not work for" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PaperEntry)) == 1
    province = client_of(app, "coord@hp.vn", "en")
    refused = start(province, "anon", new_code(survey, world["HP-HB"]), unit="HP-SNV")
    assert refused.status_code == 400 and "another unit than the one chosen" in refused.get_data(as_text=True)

    second = client_of(app, "clerk2@hp.vn")
    post(second, type_form(second, start(second, "anon", code).headers["Location"], [{"Q1": "2"}, {}]), {"code": code})
    post(clerk, type_form(clerk, entry_url, [{"Q1": "2"}, {"Q5": "x"}]), {"code": code})
    [form] = db.session.scalars(sa.select(PaperForm)).all()
    district_coordinator = client_of(app, "district-coord@hp.vn")
    assert district_coordinator.get(f"/console/paper/forms/{form.id}/resolve").status_code == 403
    assert "/resolve" not in district_coordinator.get("/console/paper").get_data(as_text=True)
    assert client_of(app, "clerk2@hp.vn").get(f"/console/paper/forms/{form.id}/resolve").status_code == 403


@pytest.mark.parametrize(("language", "texts"), [
    ("vi", {"wrong": "Không có thư mời nào có mã này", "other_unit": "thuộc một đơn vị bạn không phụ trách",
            "revoked": "đã bị thu hồi", "used": "đã được dùng", "invalid": "Vui lòng nhập giá trị không lớn hơn 100"}),
    ("en", {"wrong": "No invitation has this code", "other_unit": "belongs to a unit you do not work for",
            "revoked": "was revoked", "used": "has already been used",
            "invalid": "Please enter a value of at most 100"}),
])
def test_bad_input_gets_a_clear_page_in_each_language(world, app, language, texts):
    survey = world["anonymous"]
    clerk = client_of(app, "clerk1@hp.vn", language)

    def refusal(written, unit="HP-SNV"):
        response = start(clerk, "anon", written, unit=unit)
        assert response.status_code == 400
        return response.get_data(as_text=True)

    assert texts["wrong"] in refusal("7KQ2-M9XD-4HVT-B8WZ")
    assert texts["other_unit"] in refusal(new_code(survey, world["HP-HB"]))
    revoked = new_code(survey, world["HP-SNV"])
    invitations.revoke(revoked)
    db.session.commit()
    assert texts["revoked"] in refusal(revoked)
    used = new_code(survey, world["HP-SNV"])
    _submit_online(survey, used)
    assert texts["used"] in refusal(used)

    url = start(clerk, "anon", new_code(survey, world["HP-SNV"])).headers["Location"]
    page = post(clerk, url, {"Q1": "1", "Q2": "500", "action": "next"})
    assert page.status_code == 400 and texts["invalid"] in page.get_data(as_text=True)
    assert 'value="500"' in page.get_data(as_text=True), "what was typed stays in its field"


def test_a_question_that_appears_is_shown_before_moving_on_and_blank_required_questions_pass(world, app):
    clerk = client_of(app, "clerk1@hp.vn", "en")
    url = start(clerk, "open", "12").headers["Location"]
    page = clerk.get(url).get_data(as_text=True)
    assert re.search(r'name="unseen" value="Q2"', page), "Q2 is hidden until Q1 = yes"
    shown = post(clerk, url, {"Q1": "1", "unseen": "Q2", "action": "next"})
    assert shown.status_code == 200 and "brought up more questions" in shown.get_data(as_text=True)
    moved = post(clerk, url, {"Q1": "1", "unseen": "", "action": "next"})
    assert moved.status_code == 302 and moved.headers["Location"].endswith("/p/2"), "the required Q2 left blank"


def test_an_expired_form_token_keeps_what_was_typed(world, app):
    clerk = client_of(app, "clerk1@hp.vn", "en")
    url = start(clerk, "open", "13").headers["Location"]
    page = clerk.post(url, data={"Q1": "1", "Q2": "42", "csrf_token": "expired", "action": "next"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "had expired" in text and 'value="42"' in text
    assert db.session.scalar(sa.select(PaperEntry.answers)) == {}


def test_an_entry_is_saved_page_by_page_and_resumed_by_its_operator(world, app):
    code = new_code(world["anonymous"], world["HP-SNV"])
    clerk = client_of(app, "clerk1@hp.vn", "en")
    url = start(clerk, "anon", code).headers["Location"]
    saved = post(clerk, url, {"Q1": "1", "Q2": "4", "action": "save"})
    assert saved.status_code == 302 and saved.headers["Location"].endswith("/console/paper")
    home = clerk.get("/console/paper").get_data(as_text=True)
    assert url in home, "the form in progress is listed for its operator"
    assert client_of(app, "clerk2@hp.vn").get("/console/paper").get_data(as_text=True).count(url) == 0
    later = client_of(app, "clerk1@hp.vn")
    resumed = start(later, "anon", code)
    assert resumed.headers["Location"].endswith("/p/1"), "Q3 of page 1 is still unanswered"
    assert 'value="4"' in later.get(resumed.headers["Location"]).get_data(as_text=True)
    assert db.session.scalars(sa.select(Draft)).all() == [], "typed answers live in the entry, never in a draft"
    taken = start(client_of(app, "clerk2@hp.vn", "en"), "anon", code)
    assert taken.status_code == 400 and "Another operator is typing this form" in taken.get_data(as_text=True)


def test_double_entry_is_switched_per_survey_by_its_coordinators(world, app):
    coordinator = client_of(app, "coord@hp.vn", "en")
    page = coordinator.get("/console/surveys/open/paper").get_data(as_text=True)
    assert "Turn double entry on" in page
    assert post(coordinator, "/console/surveys/open/paper/double-entry", {"double_entry": "1"},
                token_from="/console/surveys/open/paper").status_code == 302
    db.session.refresh(world["open"])
    assert world["open"].double_entry is True
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "paper_double_entry_set")).all()
    assert (entry.target, entry.detail) == ("open", "on")
    clerk = client_of(app, "clerk1@hp.vn")
    assert "double-entry" not in clerk.get("/console/surveys/open/paper").get_data(as_text=True)
    assert clerk.post("/console/surveys/open/paper/double-entry", data={"double_entry": "0"}).status_code in (400, 403)


def test_the_spreadsheet_template_has_the_import_columns_labelled(world, app, tmp_path, runner):
    from openpyxl import load_workbook

    clerk = client_of(app, "clerk1@hp.vn", "en")
    page = clerk.get("/console/surveys/anon/paper").get_data(as_text=True)
    assert "/console/surveys/anon/paper/template.xlsx" in page
    response = clerk.get("/console/surveys/anon/paper/template.xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    path = tmp_path / "forms.xlsx"
    path.write_bytes(response.data)
    book = load_workbook(path)
    sheet = book["forms"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["unit", "group", "entry_id", "day"] and "Q3__A" in header and "Q4_a" in header
    assert sheet.cell(1, header.index("Q2") + 1).comment.text.startswith("Bao nhiêu lần?")
    labels = {row[0]: row[1] for row in book["columns"].iter_rows(min_row=2, values_only=True)}
    assert labels["unit"] == "Unit code"
    sheet.append(["HP-SNV", "dept_leader", "1", "2026-06-01", *[""] * (len(header) - 4)])
    sheet.cell(2, header.index("Q1") + 1).value = "2"
    book.save(path)
    result = runner.invoke(args=["responses", "import-paper", "--survey", "anon", str(path)])
    assert result.exit_code == 0, result.output


def test_a_first_pass_left_waiting_when_double_entry_is_switched_off_is_stored_by_a_coordinator(world, app):
    world["open"].double_entry = True
    db.session.commit()
    clerk = client_of(app, "clerk1@hp.vn")
    assert post(clerk, type_form(clerk, start(clerk, "open", "31").headers["Location"], PAGES_YES), {}
                ).status_code == 302
    world["open"].double_entry = False
    db.session.commit()
    coordinator = client_of(app, "coord@hp.vn", "en")
    [resolve_url] = re.findall(r'href="(/console/paper/forms/[^"]+/resolve)"',
                               coordinator.get("/console/paper").get_data(as_text=True))
    assert "First entry" not in coordinator.get(resolve_url).get_data(as_text=True), "nothing differs"
    assert post(coordinator, resolve_url, {}).status_code == 302
    [response] = db.session.scalars(sa.select(Response)).all()
    assert response.answers == TYPED_YES and rows("paper_form") == []


def test_storing_a_paper_form_writes_no_invitation_row_with_the_response(world, app):
    """As online: storing the form writes the response and the invitation's spent marker (a pseudonym), and no row
    that names the invitation shares its transaction."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("xmin exists on PostgreSQL only")
    code = new_code(world["anonymous"], world["HP-SNV"])
    clerk = client_of(app, "clerk1@hp.vn")
    assert post(clerk, type_form(clerk, start(clerk, "anon", code).headers["Location"], PAGES_YES),
                {"code": code}).status_code == 302
    with db.engine.connect() as conn:
        [stored_xid] = conn.execute(sa.text("SELECT xmin::text FROM response")).scalars().all()
        sharing = {table for table in sa.inspect(db.engine).get_table_names() if table != "response"
                   and stored_xid in conn.execute(sa.text(f"SELECT xmin::text FROM {table}")).scalars().all()}  # noqa: S608
    assert sharing <= {"spent_invitation", "audit_entry"}, sharing


def test_an_identified_survey_keeps_its_paper_link_only_in_response_identity(world, app):
    code = new_code(world["identified"], world["HP-SNV"])
    clerk = client_of(app, "clerk1@hp.vn")
    finish_url = type_form(clerk, start(clerk, "named", code).headers["Location"], PAGES_YES)
    assert post(clerk, finish_url, {"code": code}).status_code == 302
    [link] = rows("response_identity")
    assert link["invitation_id"] == invitations.find_invitation(code).id
    assert "invitation_id" not in rows("response")[0]


def test_an_empty_form_or_a_number_stored_by_the_import_meanwhile_is_refused_with_a_reason(world, app, tmp_path,
                                                                                           runner):
    clerk = client_of(app, "clerk1@hp.vn", "en")
    url = start(clerk, "open", "40").headers["Location"]
    finish_url = url.rsplit("/p/", 1)[0] + "/finish"
    empty = post(clerk, finish_url, {})
    assert empty.status_code == 400 and "Nothing is typed yet" in empty.get_data(as_text=True)
    finish_url = type_form(clerk, url, PAGES_YES)
    sheet = tmp_path / "forms.csv"
    sheet.write_text("unit,group,entry_id,Q1\nHP-SNV,citizen,40,2\n", encoding="utf-8")
    assert runner.invoke(args=["responses", "import-paper", "--survey", "open", str(sheet)]).exit_code == 0
    late = post(clerk, finish_url, {})
    assert late.status_code == 400 and "entry number 40 is already stored" in late.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Response)) == 1


def test_an_entry_number_being_typed_for_one_unit_is_refused_for_another(world, app):
    world["open"].double_entry = True
    db.session.commit()
    clerk = client_of(app, "clerk1@hp.vn")
    assert start(clerk, "open", "55").status_code == 302
    refused = start(client_of(app, "coord@hp.vn", "en"), "open", "55", unit="HP-HB")
    assert refused.status_code == 400
    assert "Entry number 55 is being typed for another unit or group" in refused.get_data(as_text=True)

"""The anonymity guarantee, checked on the migrated database itself (schema, rows and, on PostgreSQL, the raw pages
with their dead row versions), not on the models.

In an anonymous survey nothing stored joins a response to an invitation: no column, no foreign key, no
code or hash, no IP address or user agent, no time finer than a day, no sequential key, no shared transaction id
on a row naming an invitation. Opened markers, drafts and spent markers name their invitation only by a keyed
pseudonym that the application computes and the database cannot.
"""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.services import drafts, invitations, openings, responses
from tests.survey_app.conftest import DURING

LINKING_WORDS = ("invitation", "draft", "code", "hash", "token", "session", "ip", "addr", "agent", "user", "time")
RESPONSE_REFERENCES = {"survey", "questionnaire_version", "unit", "respondent_group"}


def inspector():
    return sa.inspect(db.engine)


def test_the_response_table_has_no_column_that_could_identify_a_respondent(ctx):
    columns = {c["name"]: c for c in inspector().get_columns("response")}
    assert set(columns) == {"id", "survey_id", "questionnaire_version_id", "unit_id", "group_id", "mode", "answers",
                            "record", "submitted_on", "submission_id"}
    suspicious = [name for name in columns if any(word in name.split("_") for word in LINKING_WORDS)]
    assert suspicious == []


def test_the_response_table_refers_only_to_survey_version_unit_and_group(ctx):
    referred = {fk["referred_table"] for fk in inspector().get_foreign_keys("response")}
    assert referred == RESPONSE_REFERENCES


def test_no_time_finer_than_a_day_is_stored_with_a_response_or_an_invitation(ctx):
    for table in ("response", "invitation", "response_identity", "spent_session", "spent_invitation",
                  "opened_invitation"):
        for column in inspector().get_columns(table):
            kind = column["type"]
            assert not isinstance(kind, sa.DateTime | sa.Time), f"{table}.{column['name']} is {kind}"


def test_only_the_identified_link_table_and_the_participation_side_refer_to_invitations(ctx):
    referring = {
        table for table in inspector().get_table_names()
        for fk in inspector().get_foreign_keys(table) if fk["referred_table"] == "invitation"
    }
    # invitation_contact (e-mails) and mail_log (what was sent) know a person, never a response; drafts and spent
    # markers name their invitation only by a pseudonym the database cannot compute
    assert referring == {"response_identity", "invitation_contact", "mail_log"}
    to_responses = {
        table for table in inspector().get_table_names()
        for fk in inspector().get_foreign_keys(table) if fk["referred_table"] == "response"
    }
    assert to_responses == {"response_identity"}


def rows(table: str) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(sa.text(f"SELECT * FROM {table}"))]  # noqa: S608


def answer_all(survey, surveys, questionnaire, remark: str = "một lần"):
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    db.session.commit()
    openings.record_opening(invitations.find_invitation(code))  # the first visit, in its own transaction
    draft = drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    drafts.save_page(draft, "S1", {"Q1": "2"}, questionnaire)
    drafts.save_page(draft, "S3", {"Q5": remark}, questionnaire)
    db.session.commit()
    return code, draft


def secrets_of(code: str) -> tuple[str, ...]:
    return code, invitations.normalise_code(code), invitations.hash_code(code)


def test_a_visit_writes_one_pseudonymous_opened_marker_and_nothing_naming_the_invitation(surveys, app):
    survey = surveys["anonymous"]
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    db.session.commit()
    before = rows("invitation")
    browser = app.test_client()
    for _ in range(3):  # the first visit writes the marker; later ones find it and write nothing
        assert browser.get(f"/s/{code}").status_code == 302
        assert browser.get(f"/s/{code}/p/1").status_code == 200
    assert rows("invitation") == before and rows("draft") == []
    [opened] = rows("opened_invitation")
    assert set(opened) == {"key", "survey_id", "unit_id", "group_id"}
    assert not any(secret in str(opened) for secret in secrets_of(code)), "the marker names no invitation"
    assert invitations.find_invitation(code).status == "opened"
    app.config["PSEUDONYM_KEY"] = "another key"
    assert invitations.find_invitation(code).status == "issued", "without the key the marker is no one's"


def test_open_links_still_store_nothing_at_a_visit(surveys, app):
    for _ in range(5):  # cookie-less visitors
        assert app.test_client().get("/o/open/HP-HB/p/1").status_code in (200, 302)
    assert rows("opened_invitation") == [] and rows("draft") == []


def test_two_first_visits_racing_store_one_marker_and_raise_nothing(surveys):
    survey = surveys["anonymous"]
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    db.session.commit()
    first, second = invitations.find_invitation(code), invitations.find_invitation(code)
    second.opened = False  # both requests read "not opened" before either wrote
    openings.record_opening(first)
    openings.record_opening(second)
    assert len(rows("opened_invitation")) == 1


def test_a_revoked_code_keeps_no_opened_marker_even_from_a_visit_that_raced_the_revocation(surveys):
    survey = surveys["anonymous"]
    opened, raced = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 2)
    db.session.commit()
    openings.record_opening(invitations.find_invitation(opened))
    late = invitations.find_invitation(raced)  # read as usable, then the coordinator revokes both
    for code in (opened, raced):
        invitations.revoke(code)
        db.session.commit()
    assert rows("opened_invitation") == [], "revoking deletes the marker"
    openings.record_opening(late)
    assert rows("opened_invitation") == [], "a visit that read the code before its revocation marks nothing"


def test_after_an_anonymous_submit_nothing_joins_the_response_to_the_invitation(surveys, storage_questionnaire):
    code, draft = answer_all(surveys["anonymous"], surveys, storage_questionnaire)
    invitation_before = rows("invitation")
    [stored_draft] = rows("draft")
    assert not any(secret in str(stored_draft) for secret in secrets_of(code)), "the draft names no invitation"
    response = responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()

    assert rows("draft") == [], "the draft is deleted at submit"
    assert rows("response_identity") == []
    assert rows("invitation") == invitation_before, "submitting writes nothing to the invitation row"
    assert invitations.find_invitation(code).status == "completed", "the application still knows it completed"
    [spent] = rows("spent_invitation")
    assert set(spent) == {"key", "survey_id", "unit_id", "group_id", "mode"}
    assert spent["key"] != stored_draft["invitation_key"], "the draft's key and the marker's are unrelated"

    [stored] = rows("response")
    text = " ".join(str(v) for v in stored.values())
    for secret in (*secrets_of(code), stored_draft["invitation_key"], spent["key"]):
        assert secret not in text
    assert uuid.UUID(str(response.id)).version == 4, "a random key: its order says nothing about submit order"
    assert str(stored["submitted_on"]) == DURING.date().isoformat()


def test_without_the_pseudonym_key_a_draft_cannot_be_tied_to_its_invitation(surveys, storage_questionnaire, app):
    """The key lives with the application: the same database read with another key finds no draft and no
    completion (which is also what losing or changing the key mid-survey does)."""
    started, _ = answer_all(surveys["anonymous"], surveys, storage_questionnaire)
    completed, draft = answer_all(surveys["anonymous"], surveys, storage_questionnaire)
    responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    assert [invitations.find_invitation(c).status for c in (started, completed)] == ["started", "completed"]
    app.config["PSEUDONYM_KEY"] = "another key"
    assert [invitations.find_invitation(c).status for c in (started, completed)] == ["issued", "issued"]


def test_no_row_naming_an_invitation_is_written_with_an_anonymous_response(surveys, storage_questionnaire):
    """PostgreSQL stamps each row with its transaction (xmin): a row naming an invitation written with the
    response would join them. Only the response and its pseudonymous spent marker share the stamp (the opened
    marker was written by the first visit's own transaction)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("xmin exists on PostgreSQL only")
    _, draft = answer_all(surveys["anonymous"], surveys, storage_questionnaire)
    responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    assert len(rows("opened_invitation")) == 1
    with db.engine.connect() as conn:
        [submit_xid] = conn.execute(sa.text("SELECT xmin::text FROM response")).scalars().all()
        for table in inspector().get_table_names():
            if table not in ("response", "spent_invitation"):
                stamps = conn.execute(sa.text(f"SELECT xmin::text FROM {table}")).scalars().all()  # noqa: S608
                assert submit_xid not in stamps, f"a {table} row was written with the response"


RESPONDENTS = 6


def test_raw_postgresql_pages_hold_no_join_after_submits_and_a_plain_vacuum(surveys, storage_questionnaire):
    """What a database administrator can read: every tuple of every table, live and dead (heap_page_items of
    pageinspect), and the raw bytes of every page, right after the submits and again after a plain VACUUM.
    No tuple or page holds an invitation's code or code hash together with a response's answers, and no tuple
    that names an invitation carries a response's transaction id as its xmin or xmax."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("pageinspect reads PostgreSQL pages")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        try:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
        except sa.exc.DBAPIError as error:
            pytest.skip(f"the pageinspect extension is not available on this server: {error.orig}")
    survey = surveys["anonymous"]
    codes, remarks = [], []
    for number in range(RESPONDENTS):
        remark = f"remark-{uuid.uuid4().hex}"  # each response's answers, recognisable in raw bytes
        code, draft = answer_all(survey, surveys, storage_questionnaire, remark)
        codes.append(code)
        remarks.append(remark)
        if number < RESPONDENTS - 1:  # the last one stays in progress, so the draft table keeps a page
            responses.submit(draft, storage_questionnaire, now=DURING)
            db.session.commit()
    submitted = remarks[:-1]
    naming = [s.encode() for code in codes for s in secrets_of(code)]

    def inspect_pages(moment: str) -> bytes:
        with db.engine.connect() as conn:
            response_xids = {str(x) for x in conn.execute(sa.text("SELECT xmin::text FROM response")).scalars()}
            assert len(response_xids) == RESPONDENTS - 1
            seen = b""
            for table in inspector().get_table_names():
                names_invitations = table in ("invitation", "opened_invitation") or "invitation_id" in {
                    c["name"] for c in inspector().get_columns(table)}
                blocks = conn.execute(sa.text("SELECT pg_relation_size(:t) / current_setting('block_size')::int"),
                                      {"t": table}).scalar_one()
                for block in range(blocks):
                    page = bytes(conn.execute(sa.text("SELECT get_raw_page(:t, :b)"),
                                              {"t": table, "b": block}).scalar_one())
                    seen += page
                    if any(r.encode() in page for r in submitted) and table != "response":
                        assert not any(s in page for s in naming), f"{moment}: {table} page {block}"
                    items = conn.execute(sa.text(
                        "SELECT t_xmin::text, t_xmax::text, t_data FROM heap_page_items(get_raw_page(:t, :b))"),
                        {"t": table, "b": block}).all()
                    for xmin, xmax, data in items:
                        data = bytes(data or b"")
                        if names_invitations or any(s in data for s in naming):
                            assert not {xmin, xmax} & response_xids, f"{moment}: a {table} tuple shares a submit's xid"
                        if any(r.encode() in data for r in submitted):
                            assert not any(s in data for s in naming), f"{moment}: {table} tuple names a code"
            return seen

    before = inspect_pages("after the submits")
    assert all(r.encode() in before for r in submitted), "the raw pages were read, dead draft versions included"
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM"))
    inspect_pages("after VACUUM")


def test_identified_surveys_keep_the_link_only_in_response_identity(surveys, storage_questionnaire):
    code, draft = answer_all(surveys["identified"], surveys, storage_questionnaire)
    response = responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    [link] = rows("response_identity")
    assert str(uuid.UUID(str(link["response_id"]))) == str(response.id)
    assert link["invitation_id"] == invitations.find_invitation(code).id
    assert "invitation_id" not in rows("response")[0]


def test_an_open_survey_keeps_only_that_a_session_was_used(surveys, storage_questionnaire):
    draft = drafts.open_for_session(surveys["open"], surveys["HP-HB"], "browser-token", DURING)
    drafts.save_page(draft, "S1", {"Q1": "2"}, storage_questionnaire)
    responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    [spent] = rows("spent_session")
    assert set(spent) == {"token_hash", "survey_id"}
    assert "browser-token" not in str(spent) and rows("draft") == []


def test_sqlite_keeps_no_hidden_insertion_order_for_responses(ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL has no rowid; see the README for the physical-order caveat")
    with db.engine.connect() as conn:
        sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE name = 'response'")).scalar_one()
    assert "WITHOUT ROWID" in sql.upper()


def test_scrubbing_leaves_no_write_order_between_responses_and_invitations(surveys, storage_questionnaire, runner):
    """Two respondents start and submit at different times; afterwards the stamps cannot tell them apart."""
    for _ in range(2):
        _, draft = answer_all(surveys["anonymous"], surveys, storage_questionnaire)
        responses.submit(draft, storage_questionnaire, now=DURING)
        db.session.commit()
    before = rows("response")
    db.session.remove()
    result = runner.invoke(args=["surveys", "scrub"])
    assert result.exit_code == 0, result.output
    assert sorted(rows("response"), key=str) == sorted(before, key=str), "scrubbing never changes answers"
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            stamps = {table: set(conn.execute(sa.text(f"SELECT xmin::text FROM {table}")).scalars())  # noqa: S608
                      for table in ("response", "invitation")}
            physical = conn.execute(sa.text("SELECT id::text FROM response ORDER BY ctid")).scalars().all()
        assert len(stamps["response"]) == 1 and stamps["response"] == stamps["invitation"]
        assert physical == sorted(physical), "rows stored in (random) key order, not submission order"

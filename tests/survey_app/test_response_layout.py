"""The response table's layout: on SQLite WITHOUT ROWID, with the short columns first and the answers last (migration
0c7785ac1582, so an export never walks the answers' overflow pages); the rebuild keeps every row, constraint, index
and identity link, and so does its downgrade. On PostgreSQL the migration changes nothing."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from survey_app.extensions import db
from survey_app.services import invitations

BEFORE = "a9d3e5f7b1c2"
RECORD_BEFORE_ANSWERS = ["id", "survey_id", "questionnaire_version_id", "unit_id", "group_id", "mode",
                         "submitted_on", "record", "submission_id", "answers"]
RECORD_LAST = ["id", "survey_id", "questionnaire_version_id", "unit_id", "group_id", "mode", "answers",
               "submitted_on", "submission_id", "record"]
CONSTRAINTS = {"pk_response", "ck_response_mode", "fk_response_group_id_respondent_group",
               "fk_response_questionnaire_version_id_questionnaire_version", "fk_response_survey_id_survey",
               "fk_response_unit_id_unit", "uq_response_submission_id"}
INDEXES = {
    "ix_response_survey_id": "CREATE INDEX ix_response_survey_id ON response (survey_id)",
    "ix_response_unit_id": "CREATE INDEX ix_response_unit_id ON response (unit_id)",
    "ix_response_participation":
        "CREATE INDEX ix_response_participation ON response (survey_id, mode, unit_id, group_id, submitted_on)",
    "ix_response_days": "CREATE INDEX ix_response_days ON response (survey_id, submitted_on, unit_id)",
}
ROWS = sa.text(f"SELECT {', '.join(RECORD_LAST)} FROM response ORDER BY id")
IDENTITIES = sa.text("SELECT response_id, invitation_id FROM response_identity ORDER BY response_id")


def sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


def schema() -> dict:
    """Everything about ``response`` the rebuild must keep, by name (column order apart), on either database."""
    inspector = sa.inspect(db.engine)
    return {
        "columns": sorted((c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns("response")),
        "pk": inspector.get_pk_constraint("response"),
        "fks": sorted((fk["name"], tuple(fk["constrained_columns"]), fk["referred_table"],
                       tuple(fk["referred_columns"])) for fk in inspector.get_foreign_keys("response")),
        "uniques": sorted((u["name"], tuple(u["column_names"])) for u in inspector.get_unique_constraints("response")),
        "checks": sorted((c["name"], c["sqltext"]) for c in inspector.get_check_constraints("response")),
        "indexes": sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                          for i in indexes(inspector)),
        "identity_fk": [(fk["name"], fk["referred_table"], fk["options"])
                        for fk in inspector.get_foreign_keys("response_identity")],
    }


def indexes(inspector) -> list[dict]:
    """The indexes made by CREATE INDEX (PostgreSQL also lists the one behind the unique constraint)."""
    return [i for i in inspector.get_indexes("response") if "duplicates_constraint" not in i]


def column_order() -> list[str]:
    return [c["name"] for c in sa.inspect(db.engine).get_columns("response")]


def table_sql() -> str:
    with db.engine.connect() as conn:
        return conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'response'")
                            ).scalar_one()


def contents() -> tuple[list, list]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(ROWS)], [tuple(r) for r in conn.execute(IDENTITIES)]


def test_head_keeps_response_without_rowid_with_the_answers_last(ctx):
    inspector = sa.inspect(db.engine)
    names = ({inspector.get_pk_constraint("response")["name"]}
             | {fk["name"] for fk in inspector.get_foreign_keys("response")}
             | {u["name"] for u in inspector.get_unique_constraints("response")}
             | {c["name"] for c in inspector.get_check_constraints("response")})
    assert names == CONSTRAINTS
    assert {i["name"] for i in indexes(inspector)} == set(INDEXES)
    if not sqlite():
        return  # column order does not matter on PostgreSQL; the migration leaves the table as it was
    sql = table_sql()
    assert sql.rstrip().upper().endswith("WITHOUT ROWID")
    assert column_order() == RECORD_BEFORE_ANSWERS
    for name in CONSTRAINTS:
        assert f"CONSTRAINT {name} " in sql
    assert "REFERENCES response (id) ON DELETE CASCADE" in db.session.execute(sa.text(
        "SELECT sql FROM sqlite_master WHERE name = 'response_identity'")).scalar_one()
    with db.engine.connect() as conn:
        created = dict(conn.execute(sa.text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'response' AND sql IS NOT NULL")
        ).all())
    assert created == INDEXES


def places(surveys) -> list[dict]:
    """Three identified responses (each with an invitation of its own) and one anonymous one."""
    identified = surveys["identified"]
    codes = invitations.issue(identified, surveys["HP-SNV"], identified.groups[0], 3)
    invitation_ids = [invitations.find_invitation(code).id for code in codes] + [None]
    db.session.commit()
    made = [{"survey_id": survey.id, "questionnaire_version_id": survey.questionnaire_version_id,
             "unit_id": surveys["HP-SNV"].id, "group_id": survey.groups[0].id, "invitation_id": invitation_id}
            for survey, invitation_id in zip([identified] * 3 + [surveys["anonymous"]], invitation_ids, strict=True)]
    db.session.remove()
    return made


def add_responses(places: list[dict]) -> None:
    """Rows as revision a9d3e5f7b1c2 stores them: identified ones with a record and an identity row, the anonymous
    one without a record (stored before records existed)."""
    insert = sa.text(f"INSERT INTO response ({', '.join(RECORD_LAST)}) VALUES (:id, :survey_id, "
                     ":questionnaire_version_id, :unit_id, :group_id, :mode, :answers, :submitted_on, "
                     ":submission_id, :record)").bindparams(
        sa.bindparam("id", type_=sa.Uuid), sa.bindparam("submission_id", type_=sa.Uuid),
        sa.bindparam("answers", type_=sa.JSON), sa.bindparam("submitted_on", type_=sa.Date))
    link = sa.text("INSERT INTO response_identity (response_id, invitation_id) VALUES (:r, :i)").bindparams(
        sa.bindparam("r", type_=sa.Uuid))
    with db.engine.begin() as conn:
        for n, place in enumerate(places):
            response_id, invitation_id = uuid.uuid4(), place["invitation_id"]
            conn.execute(insert, {
                **place, "id": response_id, "mode": "paper" if n == 1 else "online",
                "answers": {"Q1": "1", "Q2": 10 + n, "Q5": "góp ý " * 200},  # long: the answers overflow the page
                "submitted_on": date(2026, 6, 1 + n), "submission_id": uuid.uuid4(),
                "record": f'[1, "1", {10 + n}, "{"x" * 300}"]' if invitation_id else None})
            if invitation_id:
                conn.execute(link, {"r": response_id, "i": invitation_id})


def round_trip(surveys) -> None:
    """Down to a9d3e5f7b1c2, a few responses, up to head and down again: rows and schema kept at every step."""
    made = places(surveys)
    downgrade(revision=BEFORE)
    try:
        add_responses(made)
        before, order_before = contents(), column_order()
        assert len(before[0]) == 4 and len(before[1]) == 3
        assert order_before == (RECORD_LAST if sqlite() else column_order())
        kept = schema()

        upgrade()
        assert contents() == before
        assert schema() == kept
        if sqlite():
            assert column_order() == RECORD_BEFORE_ANSWERS
            assert table_sql().rstrip().upper().endswith("WITHOUT ROWID")
        else:
            assert column_order() == order_before, "PostgreSQL: nothing changes"

        downgrade(revision=BEFORE)
        assert contents() == before
        assert schema() == kept
        assert column_order() == order_before
        if sqlite():
            assert table_sql().rstrip().upper().endswith("WITHOUT ROWID")
    finally:
        upgrade()
    assert contents() == before
    if sqlite():
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA foreign_key_check")).all() == []


def test_the_rebuild_and_its_downgrade_keep_every_response_and_identity(surveys):
    round_trip(surveys)


def test_the_rebuild_keeps_identities_even_where_foreign_keys_are_enforced(surveys):
    """The app never enforces foreign keys on SQLite; a connection that does would cascade DROP TABLE response to
    every response_identity row, so the migration switches them off for the rebuild and back on after it."""
    if not sqlite():
        pytest.skip("SQLite only: PostgreSQL has no rebuild")

    def enforce(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    db.engine.dispose()  # every connection from now on enforces them
    sa.event.listen(db.engine, "connect", enforce)
    try:
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
        round_trip(surveys)
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1, "switched back on"
    finally:
        sa.event.remove(db.engine, "connect", enforce)
        db.engine.dispose()

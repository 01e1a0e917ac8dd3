"""The migration history is linear and builds exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from survey_app.extensions import db


def test_migration_history_has_a_single_head(app):
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}; merge them"


def test_upgrade_on_an_empty_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_the_pseudonym_migration_keeps_drafts_in_progress_and_completions(surveys, app):
    """Rows as the previous revision stored them (a draft naming its invitation, 'started' without a draft =
    completed) come out keyed by pseudonyms: the draft resumes, the completion stays, a revoked code's draft goes."""
    import uuid

    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from survey_app.services import invitations

    survey = surveys["anonymous"]
    in_progress, completed, untouched, revoked = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 4)
    ids = {code: invitations.find_invitation(code).id for code in (in_progress, completed, untouched, revoked)}
    place = {"s": survey.id, "u": surveys["HP-SNV"].id, "g": survey.groups[0].id}
    db.session.commit()
    db.session.remove()
    downgrade(revision="c0a5e1e9d001")
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE invitation SET status = 'started' WHERE id IN (:a, :b)"),
                     {"a": ids[in_progress], "b": ids[completed]})
        conn.execute(sa.text("UPDATE invitation SET status = 'revoked' WHERE id = :a"), {"a": ids[revoked]})
        for code, answers in ((in_progress, '{"Q1": "2"}'), (revoked, '{"Q1": "1"}')):
            conn.execute(sa.text(
                "INSERT INTO draft (survey_id, unit_id, group_id, invitation_id, submission_id, answers, "
                "current_section) VALUES (:s, :u, :g, :i, :sub, :answers, 'S1')"),
                {**place, "i": ids[code], "sub": uuid.uuid4().hex if db.engine.dialect.name == "sqlite"
                 else uuid.uuid4(), "answers": answers})
    upgrade()
    statuses = {code: invitations.find_invitation(code).status for code in ids}
    assert statuses == {in_progress: "started", completed: "completed", untouched: "issued", revoked: "revoked"}
    assert invitations.find_invitation(in_progress).draft.answers == {"Q1": "2"}
    with db.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM draft")).scalar_one() == 1, "the revoked code's draft went"
        assert set(conn.execute(sa.text("SELECT status FROM invitation")).scalars()) == {"issued", "revoked"}

"""Console benchmark: the live participation page with 100,000 invitations across 2,000 units, on SQLite and on
PostgreSQL, beside bare ``GROUP BY`` statements measured in the same run. Prints median and p95 (ms) and the
ratio page / bare (aim: under 300 ms and within 3x) against two references: the single ``GROUP BY`` of invitations
by status (the floor no page can beat), and the bare ``GROUP BY``s of every count the page shows (invitations,
opened and spent markers, drafts, paper responses, completions per day, drafts per page: since the anonymity
design keeps them in separate tables that no statement may join, these are "the same counts" the page computes,
without its Python and template).

    .venv/bin/python benchmarks/console.py [--invitations 100000] [--units 2000] [--repeat 20]
        [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres]   (omit PostgreSQL with --no-postgres)
        [--profile N]   (cProfile of one page request: the N costliest functions)

The page is requested through Flask's test client as a logged-in admin (template rendering included). Each
database is made afresh (a temporary SQLite file; a throwaway PostgreSQL database, dropped at the end).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def seed(n_invitations: int, n_units: int) -> str:
    """One province, 20 districts and departments, communes below the districts; one survey; invitations in
    every state, opened markers (every started or completed invitation, and about 5% opened with no page saved),
    drafts, online and paper responses. Returns the survey slug."""
    from questionnaires.loader import BUNDLED_DIR, load_file
    from survey_app.extensions import db
    from survey_app.models import Draft, Invitation, OpenedInvitation, Response, SpentInvitation, Unit
    from survey_app.pseudonyms import draft_key, opened_key, spent_key
    from survey_app.services.groups import get_group
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.staff import create_staff
    from survey_app.services.surveys import create_survey

    rng = random.Random(7)
    version = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "par_f02_dept_leader.yaml"))
    group = get_group("dept_leader")
    rows = [{"id": 1, "code": "P", "name_vi": "Tỉnh", "level": "province", "parent_id": None}]
    for i in range(2, 22):
        rows.append({"id": i, "code": f"D{i}", "name_vi": f"Huyện {i}", "level": "district", "parent_id": 1})
    for i in range(22, n_units + 1):
        rows.append({"id": i, "code": f"C{i}", "name_vi": f"Xã {i}", "level": "commune",
                     "parent_id": 2 + i % 20})
    db.session.execute(sa.insert(Unit.__table__), rows)
    survey = create_survey(slug="bench", title="Bench", questionnaire_version=version, anonymous=True,
                           access="invitation", groups=["dept_leader"], opens_at=datetime(2026, 1, 1, tzinfo=UTC),
                           closes_at=datetime(2036, 1, 1, tzinfo=UTC))
    survey.unit_id = 1
    db.session.flush()
    invitations, opened, drafts, spent, responses = [], [], [], [], []
    start = date(2026, 11, 1)
    for i in range(1, n_invitations + 1):
        unit = rng.randint(1, n_units)
        roll = rng.random()
        status = "issued" if roll < 0.35 else "revoked" if roll < 0.37 else "started"
        code_hash = uuid.uuid4().hex + uuid.uuid4().hex
        invitations.append({"id": i, "survey_id": survey.id, "unit_id": unit, "group_id": group.id,
                            "code_hash": code_hash, "status": "revoked" if status == "revoked" else "issued",
                            "created_on": start, "disposition": "refused" if 0.37 <= roll < 0.38 else None})
        if status == "started" or 0.30 <= roll < 0.35:  # about 5% opened with no page saved
            opened.append({"key": opened_key(code_hash), "survey_id": survey.id, "unit_id": unit,
                           "group_id": group.id})
        if status == "started" and roll < 0.41:  # about 4% in progress
            drafts.append({"survey_id": survey.id, "unit_id": unit, "group_id": group.id,
                           "invitation_key": draft_key(code_hash), "answers": {"A1": "1"}, "current_section": "s1"})
        elif status == "started":
            spent.append({"key": spent_key(code_hash), "survey_id": survey.id, "unit_id": unit, "group_id": group.id,
                          "mode": "online"})
            responses.append({"id": uuid.uuid4(), "survey_id": survey.id, "questionnaire_version_id": version.id,
                              "unit_id": unit, "group_id": group.id, "mode": "online", "answers": {},
                              "submitted_on": start + timedelta(days=rng.randint(0, 27)),
                              "submission_id": uuid.uuid4()})
    for _ in range(n_invitations // 50):
        responses.append({"id": uuid.uuid4(), "survey_id": survey.id, "questionnaire_version_id": version.id,
                          "unit_id": rng.randint(1, n_units), "group_id": group.id, "mode": "paper", "answers": {},
                          "submitted_on": start + timedelta(days=rng.randint(0, 27)), "submission_id": uuid.uuid4()})
    for table, batch in ((Invitation, invitations), (OpenedInvitation, opened), (Draft, drafts),
                         (SpentInvitation, spent), (Response, responses)):
        for first in range(0, len(batch), 5000):
            db.session.execute(sa.insert(table.__table__), batch[first:first + 5000])
    create_staff("bench@example.vn", "admin", "benchmark password")
    db.session.commit()
    if db.engine.dialect.name == "postgresql":  # as autovacuum (on by default) leaves a server after such a load:
        # statistics for the planner, and the visibility map that lets counts come from an index alone
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    return survey.slug


def timed(action, repeat: int) -> list[float]:
    action()  # warm caches (parsed questionnaire, compiled templates, statement cache)
    times = []
    for _ in range(repeat):
        begin = time.perf_counter()
        action()
        times.append(1000 * (time.perf_counter() - begin))
    return times


def measure(url: str, args) -> dict[str, list[float]]:
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "PSEUDONYM_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
        slug = seed(args.invitations, args.units)
        survey_id = db.session.scalar(sa.text("SELECT id FROM survey WHERE slug = :s"), {"s": slug})
    client = app.test_client()
    client.post("/console/login", data={"email": "bench@example.vn", "password": "benchmark password"})

    def page():
        response = client.get(f"/console/surveys/{slug}/participation")
        assert response.status_code == 200, response.status_code

    bare_sql = sa.text("SELECT unit_id, group_id, status, count(*) FROM invitation WHERE survey_id = :s "
                       "GROUP BY unit_id, group_id, status")  # the one statement the page can never beat
    every_count = [sa.text(sql) for sql in (
        "SELECT unit_id, group_id, status, disposition, count(*) FROM invitation WHERE survey_id = :s "
        "GROUP BY unit_id, group_id, status, disposition",
        "SELECT unit_id, group_id, count(*) FROM opened_invitation WHERE survey_id = :s GROUP BY unit_id, group_id",
        "SELECT unit_id, group_id, mode, count(*) FROM spent_invitation WHERE survey_id = :s "
        "GROUP BY unit_id, group_id, mode",
        "SELECT unit_id, group_id, current_section IS NOT NULL, count(*) FROM draft WHERE survey_id = :s "
        "AND invitation_key IS NOT NULL GROUP BY unit_id, group_id, current_section IS NOT NULL",
        "SELECT unit_id, group_id, count(*) FROM response WHERE survey_id = :s AND mode = 'paper' "
        "GROUP BY unit_id, group_id",
        # the page's other counts: completions per day (its chart) and drafts per page (where respondents stop)
        "SELECT submitted_on, count(*) FROM response WHERE survey_id = :s GROUP BY submitted_on "
        "ORDER BY submitted_on",
        "SELECT current_section, count(*) FROM draft WHERE survey_id = :s GROUP BY current_section",
    )]
    engine = sa.create_engine(url)

    def bare():
        with engine.connect() as conn:
            conn.execute(bare_sql, {"s": survey_id}).all()

    def bare_every_count():
        with engine.connect() as conn:
            for statement in every_count:
                conn.execute(statement, {"s": survey_id}).all()

    result = {"page": timed(page, args.repeat), "bare GROUP BY": timed(bare, args.repeat),
              "every count": timed(bare_every_count, args.repeat)}
    if args.profile:  # where one request's time goes, in-process (template rendering included)
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(page)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    engine.dispose()
    with app.app_context():
        db.engine.dispose()
    return result


def report(name: str, result: dict[str, list[float]]) -> None:
    def p95(values):
        return sorted(values)[max(0, int(round(0.95 * len(values))) - 1)]

    page = result["page"]
    for label, values in result.items():
        print(f"{name:10} {label:14} median {statistics.median(values):8.1f} ms   p95 {p95(values):8.1f} ms")
    for label in ("bare GROUP BY", "every count"):
        ratio = statistics.median(page) / statistics.median(result[label])
        print(f"{name:10} ratio page / {label} (medians): {ratio:.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--invitations", type=int, default=100_000)
    parser.add_argument("--units", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions (cumulative) of one page request per database")
    args = parser.parse_args()
    print(f"{args.invitations:,} invitations across {args.units:,} units; {args.repeat} requests each")
    with tempfile.TemporaryDirectory() as folder:
        report("SQLite", measure("sqlite:///" + str(Path(folder) / "bench.sqlite"), args))
    if args.no_postgres:
        return
    server = sa.engine.make_url(args.postgres)
    name = f"parsurvey_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        report("PostgreSQL", measure(server.set(database=name).render_as_string(hide_password=False), args))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()

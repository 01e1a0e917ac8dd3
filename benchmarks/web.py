"""Web benchmark: parsurvey's questionnaire page (GET) and page submit (POST) under gunicorn on SQLite, beside a
reference measured in the same run: a bare Flask app rendering a page with the same number of items from a
precompiled Jinja template, and doing one raw sqlite INSERT per POST. Prints requests/s, p50/p95/p99 latency and
the ratios (aim: page >= 0.5 of the reference, submit >= 0.4). Then the weight of each respondent page type (the
bundled SIPAS form on an open link, the start, review, saved, thank-you and error pages, the static files) in bytes
as sent compressed (gzip and brotli) and not (aim: every page with its static files under 15 KB compressed).

    .venv/bin/python benchmarks/web.py [--items 60] [--clients 8] [--seconds 8]

Everything runs on 127.0.0.1 in a temporary folder; both servers are stopped at the end, also on failure.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "gthread", "--threads", "4",
            "--log-level", "warning"]
MAX_CLIENTS, MAX_SECONDS = 32, 30

REFERENCE_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{{ title }}</title>
<link rel="stylesheet" href="/static/css/parsurvey.css"></head><body><main><h1>{{ title }}</h1>
<form method="post" novalidate><input type="hidden" name="csrf_token" value="{{ token }}">
{% for item in items %}<div class="question" id="q-{{ item.id }}"><fieldset><legend>{{ item.text }}</legend>
{% for code, label in item.options %}<label class="choice" for="{{ item.id }}-{{ loop.index0 }}"><input
 id="{{ item.id }}-{{ loop.index0 }}" name="{{ item.id }}" type="radio" value="{{ code }}"> {{ label }}</label>
{% endfor %}</fieldset></div>{% endfor %}<button name="action" value="next">Tiếp tục</button></form></main>
</body></html>"""


def reference_app():
    """The bare reference: a precompiled template for GET, one raw sqlite INSERT for POST (gunicorn factory)."""
    from flask import Flask, redirect, request
    from jinja2 import Environment

    app = Flask("reference")
    template = Environment(autoescape=True).from_string(REFERENCE_PAGE)
    items = [{"id": f"Q{i}", "text": f"Câu hỏi số {i}: Ông/Bà đánh giá thế nào?",
              "options": [(c, f"Mức {c}") for c in "ABCD"]} for i in range(1, int(os.environ["BENCH_ITEMS"]) + 1)]
    database = os.environ["BENCH_REFERENCE_DB"]
    local = threading.local()

    def connection() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(database, timeout=30)
        return local.conn

    @app.route("/page", methods=["GET", "POST"])
    def page():
        if request.method == "GET":
            return template.render(title="Trang 1", items=items, token="x" * 90)
        conn = connection()
        conn.execute("INSERT INTO answers (body) VALUES (?)", (json.dumps(request.form.to_dict(flat=False)),))
        conn.commit()
        return redirect("/page")

    return app


def questionnaire(items: int) -> dict:
    """A demo form: one page of ``items`` single-choice and integer questions, then a short closing page."""
    scale = {"options": [{"code": c, "label": {"vi": f"Mức {c}"}} for c in "ABCD"]}
    questions = [
        {"id": f"Q{i}", "type": "single_choice", "scale": "abcd", "text": {"vi": f"Câu hỏi số {i}"}}
        if i % 2 else {"id": f"Q{i}", "type": "integer", "min": 0, "max": 99, "text": {"vi": f"Câu hỏi số {i}"}}
        for i in range(1, items + 1)
    ]
    return {"kind": "questionnaire", "id": "bench", "version": "1", "respondent_groups": ["dept_leader"],
            "title": {"vi": "Phiếu đo hiệu năng"}, "scales": {"abcd": scale},
            "sections": [{"id": "S1", "title": {"vi": "Trang 1"}, "items": questions},
                         {"id": "S2", "title": {"vi": "Trang 2"}, "items": [
                             {"id": "Z1", "type": "text", "text": {"vi": "Góp ý"}}]}]}


def prepare_database(env: dict[str, str], items: int, clients: int) -> list[str]:
    """Migrate the benchmark database and open a closed survey with one invitation code per client."""
    from datetime import UTC, datetime

    os.environ.update(env)
    from flask_migrate import upgrade

    from questionnaires.loader import questionnaire_from_dict
    from survey_app import create_app
    from survey_app.extensions import db
    from survey_app.models import Unit
    from survey_app.services.groups import get_group
    from survey_app.services.invitations import issue
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    app = create_app()
    with app.app_context():
        upgrade()
        unit = Unit(code="HP-SNV", name_vi="Sở Nội vụ", level="department")
        db.session.add(unit)
        version = publish_questionnaire(questionnaire_from_dict(questionnaire(items), fallback_to_bundled=False))
        survey = create_survey(slug="bench", title="Bench", questionnaire_version=version, anonymous=True,
                               access="invitation", groups=["dept_leader"],
                               opens_at=datetime(2020, 1, 1, tzinfo=UTC), closes_at=datetime(2099, 1, 1, tzinfo=UTC))
        codes = issue(survey, unit, get_group("dept_leader"), clients)
        from questionnaires.loader import BUNDLED_DIR, load_file

        sipas = publish_questionnaire(load_file(BUNDLED_DIR / "definitions" / "sipas_2023_citizen.yaml"))
        create_survey(slug="bench-sipas", title="SIPAS", questionnaire_version=sipas, anonymous=True, access="open",
                      groups=["citizen"], opens_at=datetime(2020, 1, 1, tzinfo=UTC),
                      closes_at=datetime(2099, 1, 1, tzinfo=UTC))
        db.session.commit()
        db.engine.dispose()
    return codes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(app_spec: str, env: dict[str, str], cwd: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", app_spec], cwd=cwd,
                               env={**os.environ, **env})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn for {app_spec} exited with status {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process, base
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise SystemExit(f"gunicorn for {app_spec} did not start within 30 s")


@dataclass
class Result:
    name: str
    requests: int
    errors: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1] * 1000


def drive(name: str, sessions: list, request: Callable, seconds: float) -> Result:
    """Run ``request(session, index)`` in one thread per session for ``seconds``; True means success."""
    latencies: list[list[float]] = [[] for _ in sessions]
    errors = [0] * len(sessions)
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            ok = request(sessions[index], index)
            latencies[index].append(time.perf_counter() - started)
            errors[index] += 0 if ok else 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(sessions))]
    begun = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    flat = [latency for per_client in latencies for latency in per_client]
    return Result(name, len(flat), sum(errors), time.monotonic() - begun, flat)


class Scenarios:
    """The four measured request kinds, each a (sessions, request) pair ready to be driven."""

    def __init__(self, app_base: str, ref_base: str, codes: list[str], items: int):
        import requests

        self.ours = [requests.Session() for _ in codes]
        self.reference = [requests.Session() for _ in codes]
        tokens = []
        for session, code in zip(self.ours, codes, strict=True):
            html = session.get(f"{app_base}/s/{code}/p/1", timeout=30).text
            tokens.append(re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1))
        # Two answer sets in turn: posting the same answers again changes nothing and writes no row, which
        # would flatter parsurvey against a reference that inserts on every request.
        bodies = (form_body(items, "B"), form_body(items, "C"))
        turn = [itertools.cycle(bodies) for _ in codes]
        body = bodies[0]
        ref_body = {**body, "action": "next", "csrf_token": "x" * 90}
        pages = [f"{app_base}/s/{code}/p/1" for code in codes]
        self.kinds: dict[str, tuple[list, Callable]] = {
            "parsurvey page GET": (self.ours, lambda s, i: s.get(pages[i], timeout=30).status_code == 200),
            "reference page GET": (self.reference,
                                   lambda s, _i: s.get(f"{ref_base}/page", timeout=30).status_code == 200),
            "parsurvey page POST": (self.ours, lambda s, i: s.post(
                pages[i], data={**next(turn[i]), "action": "next", "csrf_token": tokens[i]}, allow_redirects=False,
                timeout=30).status_code == 302),
            "reference INSERT POST": (self.reference, lambda s, _i: s.post(
                f"{ref_base}/page", data=ref_body, allow_redirects=False, timeout=30).status_code == 302),
        }


def measure(scenarios: Scenarios, seconds: float, rounds: int) -> list[Result]:
    """Alternate the scenarios in ``rounds`` short rounds, so a busy machine slows both sides alike."""
    totals: dict[str, Result] = {name: Result(name, 0, 0, 0.0, []) for name in scenarios.kinds}
    for _ in range(rounds):
        for name, (sessions, request) in scenarios.kinds.items():
            one = drive(name, sessions, request, seconds / rounds)
            total = totals[name]
            total.requests += one.requests
            total.errors += one.errors
            total.seconds += one.seconds
            total.latencies.extend(one.latencies)
    return [totals[n] for n in ("parsurvey page GET", "parsurvey page POST", "reference page GET",
                                "reference INSERT POST")]


def form_body(items: int, choice: str = "B") -> dict[str, str]:
    return {f"Q{i}": (choice if i % 2 else str(6 + (choice == "C"))) for i in range(1, items + 1)}


def report(results: list[Result]) -> None:
    print(f"{'scenario':<24}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for r in results:
        print(f"{r.name:<24}{r.rate:>9.1f}{r.percentile(50):>9.1f}{r.percentile(95):>9.1f}"
              f"{r.percentile(99):>9.1f}{r.errors:>8}")
    page, post, ref_page, ref_post = results
    print(f"ratio page   (parsurvey / reference): {page.rate / ref_page.rate:.2f}  (aim >= 0.5)")
    print(f"ratio submit (parsurvey / reference): {post.rate / ref_post.rate:.2f}  (aim >= 0.4)")


ENCODINGS = ("identity", "gzip", "br")
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def wire_bytes(session, method: str, url: str, encoding: str, **kwargs) -> tuple[int, str]:
    """Bytes of the body as sent with ``Accept-Encoding: encoding`` (not decoded), and the decoded text."""
    response = session.request(method, url, headers={"Accept-Encoding": encoding}, stream=True, timeout=30,
                               **kwargs)
    raw = response.raw.read(decode_content=False)
    return len(raw), (raw.decode("utf-8", "replace") if encoding == "identity" else "")


def weigh(base: str) -> dict[str, dict[str, int]]:
    """Each respondent page type of the bundled SIPAS form, by encoding; plus the static files."""
    import requests

    link = f"{base}/o/bench-sipas/HP-SNV"
    session = requests.Session()
    weights: dict[str, dict[str, int]] = {}

    def page(name: str, method: str, url: str, **kwargs) -> str:
        text = ""
        for encoding in ENCODINGS:
            size, body = wire_bytes(session, method, url, encoding, **kwargs)
            text = text or body
            weights.setdefault(name, {})[encoding] = size
        return text

    first = page("SIPAS page 1 (choices, number)", "GET", f"{link}/p/1")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', first).group(1)
    page("SIPAS page 1 sent back", "POST", f"{link}/p/1", data={"csrf_token": token, "action": "next"})
    page("SIPAS grid page (D)", "GET", f"{link}/p/4")
    page("review", "GET", f"{link}/review")
    page("saved (resume code)", "GET", f"{link}/saved")
    page("start", "GET", f"{base}/")
    page("error 404", "GET", f"{base}/s/0000-0000-0000-0000")
    for url in dict.fromkeys(ASSET.findall(first)):
        page(url.split("?")[0], "GET", base + url.replace("&amp;", "&"))
    return weights


def report_weights(weights: dict[str, dict[str, int]]) -> None:
    print(f"\n{'page type (bytes on the wire)':<36}" + "".join(f"{e:>10}" for e in ENCODINGS))
    for name, sizes in weights.items():
        print(f"{name:<36}" + "".join(f"{sizes[e]:>10}" for e in ENCODINGS))
    assets = sum(sizes["gzip"] for name, sizes in weights.items() if name.startswith("/static/"))
    heaviest = max(sizes["gzip"] for name, sizes in weights.items() if not name.startswith("/static/"))
    print(f"heaviest page + static files, first visit, gzip: {heaviest + assets} bytes  (aim < {15 * 1024})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60, help="questions on the measured page")
    parser.add_argument("--clients", type=int, default=8, help=f"concurrent clients (at most {MAX_CLIENTS})")
    parser.add_argument("--seconds", type=float, default=8.0, help=f"per scenario (at most {MAX_SECONDS})")
    parser.add_argument("--rounds", type=int, default=4, help="alternations of the four scenarios")
    args = parser.parse_args(argv)
    clients, seconds = max(1, min(args.clients, MAX_CLIENTS)), max(1.0, min(args.seconds, MAX_SECONDS))
    with tempfile.TemporaryDirectory(prefix="parsurvey-bench-") as folder:
        env = {"PARSURVEY_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite", "PARSURVEY_INSTANCE_PATH": folder,
               "PARSURVEY_SECRET_KEY": "benchmark-only", "PYTHONPATH": str(ROOT),
               "BENCH_ITEMS": str(args.items), "BENCH_REFERENCE_DB": f"{folder}/reference.sqlite"}
        with sqlite3.connect(env["BENCH_REFERENCE_DB"]) as conn:
            conn.execute("CREATE TABLE answers (id INTEGER PRIMARY KEY, body TEXT)")
        codes = prepare_database(env, args.items, clients)
        print(f"{args.items} items per page, {clients} clients, {seconds:.0f} s per scenario, "
              "gunicorn 2 gthread workers")
        servers = []
        try:
            app_server, app_base = start_server("survey_app:create_app()", env, ROOT)
            servers.append(app_server)
            ref_server, ref_base = start_server("web:reference_app()", env, ROOT / "benchmarks")
            servers.append(ref_server)
            results = measure(Scenarios(app_base, ref_base, codes, args.items), seconds, max(1, args.rounds))
            weights = weigh(app_base)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=30)
        report(results)
        report_weights(weights)


if __name__ == "__main__":
    main()

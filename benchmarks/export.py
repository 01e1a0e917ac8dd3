"""Export benchmark: 100,000 synthetic responses of a 60-item form (72 variables: ratings, letter-coded choices,
multiple choice flags, numbers, Vietnamese text, a date, skip logic) exported from a SQLite database in every
format by ``parsurvey``'s export service, beside pandas writing the same frame to the same format in the same run
(``to_csv``, ``to_excel`` with openpyxl; for SPSS and Stata pyreadstat's ``write_sav``/``write_dta`` over the
pandas frame, pyreadstat being the writer pandas itself uses for SPSS; pandas' own ``to_stata`` is printed too).
Each run is a fresh subprocess, so its peak resident memory (``ru_maxrss``, interpreter and libraries included)
is its own. Prints wall and CPU time, peak memory and the ratios (aim: peak under 300 MB in every format, no
format slower than 2x the pandas writer). On a shared machine the CPU-time ratio is the steadier figure.

    .venv/bin/python benchmarks/export.py [--n 100000] [--formats csv,xlsx,sav,dta] [--repeat 1]

The export is timed from the database to the finished file (reading, relevance, typing, writing); the pandas
reference only writes a frame already in memory, and its peak includes holding that frame.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FORMATS = ("csv", "xlsx", "sav", "dta")
RATINGS, LETTERS, MULTIPLE, INTEGERS = 40, 6, 4, 4
COMMENTS = ["Thủ tục nhanh, cán bộ tận tình", "Cần rút ngắn thời gian chờ ở bộ phận một cửa",
            "Hồ sơ trực tuyến còn khó dùng trên điện thoại", "Không có ý kiến", "Rất hài lòng với Sở Nội vụ"]


def form() -> dict:
    """60 items: one filter question, 40 ratings (half skipped by the filter), 6 letter-coded, 4 multiple
    choice of 4 options, 4 integers, 2 decimals, 2 texts and a date."""
    scale5 = {"options": [{"code": str(c), "label": {"vi": f"Mức {c}", "en": f"Level {c}"}} for c in range(1, 6)]
              + [{"code": "9", "label": {"vi": "Không biết", "en": "Don't know"}, "missing": True}]}
    letters = {"options": [{"code": c, "label": {"vi": f"Phương án {c}", "en": f"Option {c}"}} for c in "ABCD"]
               + [{"code": "E", "label": {"vi": "Không biết", "en": "Don't know"}, "missing": True}]}
    yes_no = {"options": [{"code": "1", "label": {"vi": "Có", "en": "Yes"}},
                          {"code": "2", "label": {"vi": "Không", "en": "No"}}]}

    def item(item_id: str, kind: str, **extra) -> dict:
        return {"id": item_id, "type": kind, "text": {"vi": f"Câu hỏi {item_id} về dịch vụ công?",
                                                      "en": f"Question {item_id} on public services?"}, **extra}

    ratings = [item(f"R{i:02d}", "single_choice", scale="scale5") for i in range(1, RATINGS + 1)]
    sections = [
        {"id": "S1", "title": {"vi": "Lọc"}, "items": [item("F1", "single_choice", scale="yes_no")]},
        {"id": "S2", "title": {"vi": "Đánh giá chung"}, "items": ratings[: RATINGS // 2]},
        {"id": "S3", "title": {"vi": "Người đã dùng"}, "relevant": "${F1} = '1'", "items": ratings[RATINGS // 2:]},
        {"id": "S4", "title": {"vi": "Khác"}, "items": [
            *(item(f"L{i}", "single_choice", scale="letters") for i in range(1, LETTERS + 1)),
            *(item(f"M{i}", "multiple_choice", scale="letters4") for i in range(1, MULTIPLE + 1)),
            *(item(f"N{i}", "integer", min=0, max=1000) for i in range(1, INTEGERS + 1)),
            item("D1", "decimal"), item("D2", "decimal"), item("T1", "text"), item("T2", "long_text"),
            item("V1", "date")]},
    ]
    letters4 = {"options": letters["options"][:4]}
    return {"kind": "questionnaire", "id": "bench_form", "version": "1", "respondent_groups": ["citizen"],
            "title": {"vi": "Phiếu đo", "en": "Benchmark form"},
            "scales": {"scale5": scale5, "letters": letters, "letters4": letters4, "yes_no": yes_no},
            "sections": sections}


def answers(rng: random.Random) -> dict:
    user = rng.random() < 0.7
    data: dict = {"F1": "1" if user else "2"}
    for i in range(1, RATINGS + 1):
        if (i <= RATINGS // 2 or user) and rng.random() < 0.95:
            data[f"R{i:02d}"] = rng.choice("123459")
    for i in range(1, LETTERS + 1):
        data[f"L{i}"] = rng.choice("ABCDE")
    for i in range(1, MULTIPLE + 1):
        data[f"M{i}"] = sorted(rng.sample("ABCD", rng.randint(1, 3)))
    for i in range(1, INTEGERS + 1):
        data[f"N{i}"] = rng.randint(0, 1000)
    data["D1"], data["D2"] = round(rng.uniform(0, 100), 2), round(rng.uniform(0, 10), 1)
    if rng.random() < 0.5:
        data["T1"] = rng.choice(COMMENTS)
        data["T2"] = " ".join(rng.choice(COMMENTS) for _ in range(rng.randint(1, 6)))
    data["V1"] = (date(2026, 1, 1) + timedelta(days=rng.randint(0, 300))).isoformat()
    return data


def app_for(url: str):
    from survey_app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "RATELIMIT_STORAGE_URI": "memory://"})


def build_database(url: str, n: int) -> None:
    """A migrated SQLite database with one survey and ``n`` responses over 30 units and 60 days."""
    from datetime import UTC, datetime

    from flask_migrate import upgrade
    from sqlalchemy import insert

    from questionnaires.loader import questionnaire_from_dict
    from survey_app.extensions import db
    from survey_app.models import Response, Unit
    from survey_app.services.export_records import stored_record
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from survey_app.services.surveys import create_survey

    app = app_for(url)
    with app.app_context():
        upgrade()
        questionnaire = questionnaire_from_dict(form(), fallback_to_bundled=False)
        version = publish_questionnaire(questionnaire)
        province = Unit(code="HP", name_vi="Hải Phòng", level="province")
        units = [Unit(code=f"HP-{i:02d}", name_vi=f"Xã {i}", level="department", parent=province) for i in range(30)]
        db.session.add_all([province, *units])
        db.session.flush()
        survey = create_survey(slug="bench", title="Bench", anonymous=True, access="open", groups=["citizen"],
                               questionnaire_version=version, opens_at=datetime(2026, 1, 1, tzinfo=UTC),
                               closes_at=datetime(2027, 1, 1, tzinfo=UTC))
        db.session.flush()
        group_id = survey.groups[0].id
        rng = random.Random(20261129)
        for start in range(0, n, 5000):
            rows = []
            for _ in range(min(5000, n - start)):
                data = answers(rng)
                rows.append({"id": uuid.UUID(int=rng.getrandbits(128)), "survey_id": survey.id,
                             "questionnaire_version_id": version.id, "unit_id": rng.choice(units).id,
                             "group_id": group_id, "mode": "online", "answers": data,
                             "record": stored_record(questionnaire, data),  # as a submit stores it
                             "submitted_on": date(2026, 3, 1) + timedelta(rng.randint(0, 59)),
                             "submission_id": uuid.UUID(int=rng.getrandbits(128))})
            db.session.execute(insert(Response), rows)
        db.session.commit()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu() -> float:
    return time.process_time()


def run_export(url: str, fmt: str, out: Path) -> dict:
    from survey_app.services.exports import export_responses
    from survey_app.services.surveys import get_survey

    with app_for(url).app_context():
        survey = get_survey("bench")
        baseline = peak_mb()
        started, cpu_started = time.perf_counter(), cpu()
        result = export_responses(survey, fmt, out)
        return {"seconds": time.perf_counter() - started, "cpu": cpu() - cpu_started, "peak_mb": peak_mb(),
                "baseline_mb": baseline, "rows": result.rows, "bytes": out.stat().st_size}


def run_writer(url: str, fmt: str, out: Path) -> dict:
    """Our writer alone, from chunks already in memory (as pandas' frame is): the writers' own speed."""
    from survey_app.services.exports import ExportSource, response_source, write_source
    from survey_app.services.surveys import get_survey

    with app_for(url).app_context():
        source = response_source(get_survey("bench"))
        chunks = list(source.read())
        started, cpu_started = time.perf_counter(), cpu()
        write_source(ExportSource(source.codebook, source.total, lambda: chunks), fmt, out)
        return {"seconds": time.perf_counter() - started, "cpu": cpu() - cpu_started, "peak_mb": peak_mb(),
                "rows": sum(map(len, chunks)), "bytes": out.stat().st_size}


def run_pandas(csv_path: Path, fmt: str, out: Path) -> dict:
    import pandas as pd

    frame = pd.read_csv(csv_path, encoding="utf-8-sig", keep_default_na=False)
    baseline = peak_mb()
    started, cpu_started = time.perf_counter(), cpu()
    if fmt == "csv":
        frame.to_csv(out, index=False, encoding="utf-8-sig")
    elif fmt == "xlsx":
        frame.to_excel(out, index=False, sheet_name="responses", engine="openpyxl")
    elif fmt in ("sav", "dta"):
        import pyreadstat

        (pyreadstat.write_sav if fmt == "sav" else pyreadstat.write_dta)(frame, str(out))
    else:  # "stata": pandas' own Stata writer, for information
        frame.to_stata(out, write_index=False, version=118)
    return {"seconds": time.perf_counter() - started, "cpu": cpu() - cpu_started, "peak_mb": peak_mb(),
            "baseline_mb": baseline, "rows": len(frame), "bytes": out.stat().st_size}


def subprocess_run(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_run(runs: list[dict]) -> dict:
    """One measurement from several runs: the median of each time, the largest peak (on a shared machine one
    run moves by a second either way; interleaved runs and their medians are steadier)."""
    out = dict(runs[0])
    for key in ("seconds", "cpu"):
        out[key] = statistics.median(run[key] for run in runs)
    for key in ("peak_mb",):
        out[key] = max(run[key] for run in runs)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="responses (default 100,000)")
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each measurement, interleaved (ours, pandas, writer, ours, ...); medians shown")
    parser.add_argument("--worker", nargs=4, metavar=("KIND", "SOURCE", "FORMAT", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, source, fmt, out = args.worker
        runner = {"export": run_export, "writer": run_writer, "pandas": run_pandas}[kind]
        print(json.dumps(runner(Path(source) if kind == "pandas" else source, fmt, Path(out))))
        return
    with tempfile.TemporaryDirectory(prefix="parsurvey-bench-") as folder:
        folder = Path(folder)
        url = f"sqlite:///{folder / 'bench.sqlite'}"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r}); "
                        f"from benchmarks.export import build_database; build_database({url!r}, {args.n})"],
                       check=True, cwd=ROOT)
        print(f"{args.n:,} responses of a 60-item form (72 variables) in SQLite, built in "
              f"{time.perf_counter() - started:.1f} s\n")
        reference_csv = folder / "reference.csv"
        subprocess_run("--worker", "export", url, "csv", str(reference_csv))
        print(f"{'format':6} {'export s':>9} {'cpu s':>6} {'peak MB':>8} {'pandas s':>9} {'cpu s':>6} {'peak MB':>8}"
              f" {'ratio':>6} {'cpu ratio':>9} {'writer s':>9} {'cpu ratio':>9} {'file MB':>8} {'export +MB':>10}")
        for fmt in args.formats.split(","):
            runs = [(subprocess_run("--worker", "export", url, fmt, str(folder / f"ours.{fmt}")),
                     subprocess_run("--worker", "pandas", str(reference_csv), fmt, str(folder / f"pandas.{fmt}")),
                     subprocess_run("--worker", "writer", url, fmt, str(folder / f"writer.{fmt}")))
                    for _ in range(max(args.repeat, 1))]
            ours, theirs, writer = (median_run([run[i] for run in runs]) for i in range(3))
            assert ours["rows"] == theirs["rows"] == writer["rows"] == args.n, (ours, theirs, writer)
            print(f"{fmt:6} {ours['seconds']:9.2f} {ours['cpu']:6.2f} {ours['peak_mb']:8.0f} {theirs['seconds']:9.2f} "
                  f"{theirs['cpu']:6.2f} {theirs['peak_mb']:8.0f} {ours['seconds'] / theirs['seconds']:5.2f}x "
                  f"{ours['cpu'] / theirs['cpu']:8.2f}x {writer['seconds']:9.2f} {writer['cpu'] / theirs['cpu']:8.2f}x "
                  f"{ours['bytes'] / 1e6:8.1f} {ours['peak_mb'] - ours['baseline_mb']:10.0f}", flush=True)
            if fmt == "dta":
                stata = subprocess_run("--worker", "pandas", str(reference_csv), "stata", str(folder / "pandas.dta"))
                print(f"{'':6} (pandas' own to_stata: {stata['seconds']:.2f} s, cpu {stata['cpu']:.2f} s, "
                      f"peak {stata['peak_mb']:.0f} MB)", flush=True)
        print("\nexport: database -> file (stream, decode, relevance, typing, disclosure rule, write), with its peak "
              "memory; pandas: its frame in memory -> file;\nwriter: our writer alone from chunks already in memory. "
              "Peak = the process's maximum resident memory (interpreter and libraries included; the app alone "
              "holds about 150 MB);\nexport +MB = what the export added to it; "
              "ratios = ours / "
              "pandas, in wall time and in CPU time (steadier on a shared machine).")


if __name__ == "__main__":
    main()

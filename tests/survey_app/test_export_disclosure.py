"""The disclosure rule of exports (README, Anonymity guarantee, "In exports"): in an anonymous survey the
submission date is a month, shown only where the response's unit and group count at least k responses in that
month, and rows are not in time order; identified surveys keep the day. Checked on the database (the rule and
the API's page) and in every file format."""

from __future__ import annotations

import csv
import uuid
from datetime import date

import pytest

from survey_app.extensions import db
from survey_app.services import responses
from survey_app.services.export_disclosure import anonymous_date_rule

# HP-SNV: five forms in June (one cell of 5 = k) and one in July (a cell of 1); HP-HB: two in June (a cell of 2).
DAYS = {"HP-SNV": [date(2026, 6, d) for d in (3, 5, 9, 20, 28)] + [date(2026, 7, 2)],
        "HP-HB": [date(2026, 6, 4), date(2026, 6, 30)]}
JUNE = date(2026, 6, 1)


def store(survey, surveys):
    for unit, days in DAYS.items():
        for day in days:
            responses.store_paper(survey, surveys[unit], survey.groups[0], {"Q1": "2"}, uuid.uuid4(), day)
    db.session.commit()


@pytest.fixture
def anonymous(surveys):
    store(surveys["anonymous"], surveys)
    return surveys["anonymous"]


def export_csv(runner, tmp_path, slug="anon") -> list[dict]:
    out = tmp_path / "out.csv"
    result = runner.invoke(args=["export", "responses", "--survey", slug, "--format", "csv", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def dates_by_unit(records) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for r in records:
        found.setdefault(r["unit"], []).append(r["submitted_on"])
    return {unit: sorted(days) for unit, days in found.items()}


def test_the_rule_keeps_months_of_cells_of_at_least_k_and_suppresses_the_rest():
    counts = [(1, 7, date(2026, 6, 3), 3), (1, 7, date(2026, 6, 20), 2), (1, 7, date(2026, 7, 1), 4),
              (2, 7, date(2026, 6, 3), 4), (1, None, date(2026, 6, 3), 5)]
    rule = anonymous_date_rule(counts, k=5)
    assert rule(1, 7, date(2026, 6, 20)) == JUNE, "3 + 2 in June: the month shows"
    assert rule(1, 7, date(2026, 7, 1)) is None, "4 in July: suppressed"
    assert rule(2, 7, date(2026, 6, 3)) is None, "another unit's cell counts on its own"
    assert rule(1, None, date(2026, 6, 9)) == JUNE, "responses without a group form their own cell"
    assert anonymous_date_rule(counts, k=4)(1, 7, date(2026, 7, 1)) == date(2026, 7, 1)


def test_an_anonymous_csv_export_shows_months_of_large_cells_only(anonymous, runner, tmp_path):
    records = export_csv(runner, tmp_path)
    assert dates_by_unit(records) == {"HP-SNV": ["", "2026-06-01", "2026-06-01", "2026-06-01", "2026-06-01",
                                                 "2026-06-01"],
                                      "HP-HB": ["", ""]}
    order = [(r["unit"], r["group"], r["response_id"]) for r in records]
    assert order == sorted(order), "rows by unit, group and random key: never in the order of submission"


def test_k_comes_from_the_configuration(anonymous, app, runner, tmp_path):
    app.config["ANONYMITY_K"] = 2
    assert dates_by_unit(export_csv(runner, tmp_path))["HP-HB"] == ["2026-06-01", "2026-06-01"]


def test_an_identified_survey_keeps_the_day_of_submission(surveys, runner, tmp_path):
    store(surveys["identified"], surveys)
    records = export_csv(runner, tmp_path, "named")
    assert dates_by_unit(records)["HP-HB"] == ["2026-06-04", "2026-06-30"]
    assert [r["submitted_on"] for r in records] == sorted(r["submitted_on"] for r in records)


@pytest.mark.parametrize("fmt", ["xlsx", "sav", "dta"])
def test_every_format_carries_the_same_coarsened_dates(anonymous, tmp_path, fmt):
    from analysis.io import read_export
    from survey_app.services.exports import export_responses

    export_responses(anonymous, fmt, tmp_path / f"out.{fmt}", k=5)
    frame = read_export(tmp_path / f"out.{fmt}")
    shown = frame.groupby("unit")["submitted_on"].apply(lambda s: sorted(str(v.date()) for v in s.dropna()))
    assert shown.to_dict() == {"HP-HB": [], "HP-SNV": ["2026-06-01"] * 5}
    assert frame["submitted_on"].isna().sum() == 3 and len(frame) == 8


def test_the_api_page_follows_the_same_rule_as_the_files(anonymous, runner, tmp_path):
    from survey_app.services.exports import response_page

    names, rows = response_page(anonymous, k=5, offset=0, limit=100)
    page = [dict(zip(names, row, strict=True)) for row in rows]
    files = export_csv(runner, tmp_path)
    assert [(r["response_id"], r["submitted_on"]) for r in page] == [
        (r["response_id"], date.fromisoformat(r["submitted_on"]) if r["submitted_on"] else None) for r in files]
    second = response_page(anonymous, k=5, offset=6, limit=100)[1]
    assert [r[0] for r in second] == [r["response_id"] for r in page[6:]], "pages continue in the same order"
    assert all(r["Q2"] == -97 for r in page), "values as the export holds them (Q1 = 2 skips Q2)"

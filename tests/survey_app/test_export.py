"""Exports in CSV, XLSX and SPSS read back with "not applicable" (-97) told apart from "not answered" (-99)."""

from __future__ import annotations

import csv
import json

import pytest

from survey_app.extensions import db
from survey_app.services.export_records import RECORD_FORMAT
from tests.survey_app.conftest import DURING
from tests.survey_app.respondent_support import submit_through_invitation

LEADING = ["response_id", "survey", "questionnaire", "questionnaire_version", "unit", "unit_level", "group", "mode",
           "submitted_on"]
VARIABLES = ["Q1", "Q2", "Q3__A", "Q3__B", "Q3__E", "Q4_a", "Q4_b", "Q5", "Q6", "Q7"]
# Q1 = 1: everything applies; Q6 and Q7 were left empty (not answered).
USER = {"Q1": "1", "Q2": 3, "Q3__A": 1, "Q3__B": 0, "Q3__E": 1, "Q4_a": "A", "Q4_b": "B", "Q5": "ok",
        "Q6": -99, "Q7": "-99"}
# Q1 = 2: Q2 and the whole section S2 are skipped (not applicable); Q3, Q5-Q7 were left empty.
NON_USER = {"Q1": "2", "Q2": -97, "Q3__A": -99, "Q3__B": -99, "Q3__E": -99, "Q4_a": "-97", "Q4_b": "-97",
            "Q5": "-99", "Q6": -99, "Q7": "-99"}


@pytest.fixture
def answered(surveys, storage_questionnaire):
    survey = surveys["anonymous"]
    pages = [
        {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A", "E"]}, "S2": {"Q4_a": "A", "Q4_b": "B"}, "S3": {"Q5": "ok"}},
        {"S1": {"Q1": "2"}},
    ]
    for unit_code, answers in zip(("HP-HB", "HP-SNV"), pages, strict=True):
        submit_through_invitation(survey, surveys[unit_code], answers, storage_questionnaire, DURING)
    db.session.commit()
    return survey


def export(runner, tmp_path, fmt, rows=2):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(args=["export", "responses", "--survey", "anon", "--format", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{rows} response(s)" in result.output
    return out


def by_unit(records):
    return {r["unit"]: r for r in records}


def as_text(expected):
    return {k: str(v) for k, v in expected.items()}


def test_csv_export_has_the_contract_columns_and_a_codebook_beside_it(answered, runner, tmp_path):
    out = export(runner, tmp_path, "csv")
    with out.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == LEADING + VARIABLES
        records = by_unit(reader)
    user, non_user = records["HP-HB"], records["HP-SNV"]
    assert {k: user[k] for k in VARIABLES} == as_text(USER)
    assert {k: non_user[k] for k in VARIABLES} == as_text(NON_USER)
    assert (user["survey"], user["questionnaire"], user["questionnaire_version"]) == ("anon", "storage_test", "1")
    assert (user["unit_level"], user["group"], user["mode"]) == ("district", "dept_leader", "online")
    assert user["submitted_on"] == "", "an anonymous survey's unit and group of one response: no date (k = 5)"
    book = json.loads((tmp_path / "out.codebook.json").read_text(encoding="utf-8"))
    assert [v["name"] for v in book["variables"]] == VARIABLES
    assert set(book["system_missing"]) == {"-97", "-99"}


def test_xlsx_export_has_responses_and_codebook_sheets(answered, runner, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(export(runner, tmp_path, "xlsx"), read_only=True)
    assert book.sheetnames == ["responses", "codebook", "about"]
    rows = list(book["responses"].iter_rows(values_only=True))
    assert list(rows[0]) == LEADING + VARIABLES
    records = by_unit(dict(zip(rows[0], row, strict=True)) for row in rows[1:])
    numeric_codes = {"Q1": 1}  # a categorical with whole-number codes is a number in the workbook
    assert {k: records["HP-HB"][k] for k in VARIABLES} == {**USER, **numeric_codes}
    assert {k: records["HP-SNV"][k] for k in VARIABLES} == {**NON_USER, "Q1": 2}
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:4] == ("variable", "value", "label_vi", "label_en")
    q4a = [(*row, *[None] * 7)[:7] for row in codebook if row[0] == "Q4_a"]  # empty cells at the end are not stored
    assert q4a == [("Q4_a", None, "Đánh giá: Thái độ", "Đánh giá: Thái độ", "categorical", None, None),
                   ("Q4_a", "A", "Tốt", "Good", None, None, None),
                   ("Q4_a", "B", "Kém", "Poor", None, None, None),
                   ("Q4_a", "E", "Không biết", "Don't know", None, None, "yes")]
    assert not any(isinstance(cell, str) and cell.startswith(("{", "[")) for row in codebook for cell in row)


def test_sav_export_carries_labels_and_user_missing_values(answered, runner, tmp_path):
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(export(runner, tmp_path, "sav")), user_missing=True)
    assert list(frame.columns) == LEADING + VARIABLES
    records = by_unit(frame.to_dict("records"))
    expected_user = {**USER, "Q1": 1, "Q3__A": 1.0}
    assert {k: records["HP-HB"][k] for k in VARIABLES} == expected_user
    assert {k: records["HP-SNV"][k] for k in VARIABLES} == {**NON_USER, "Q1": 2}
    assert meta.column_names_to_labels["Q1"] == "Có dùng dịch vụ?"
    assert meta.variable_value_labels["Q1"] == {1.0: "Có", 2.0: "Không", -97.0: "Không áp dụng",
                                                -99.0: "Không trả lời"}
    assert meta.variable_value_labels["Q4_a"]["E"] == "Không biết"
    assert {r["lo"] for r in meta.missing_ranges["Q4_a"]} == {"-97", "-99", "E"}
    assert {r["lo"] for r in meta.missing_ranges["Q2"]} == {-97.0, -99.0}


def test_the_analysis_reads_every_export_format_back_to_the_same_answers(answered, runner, tmp_path):
    import pandas as pd

    from analysis.io import read_export

    frames = {fmt: read_export(export(runner, tmp_path, fmt)) for fmt in ("csv", "xlsx", "sav")}
    for fmt, frame in frames.items():
        rows = frame.set_index("unit")
        assert rows.loc["HP-HB", "Q2"] == 3, fmt
        assert rows.loc["HP-HB", "Q4_b"] == "B", fmt
        assert pd.isna(rows.loc["HP-SNV", "Q2"]) and pd.isna(rows.loc["HP-SNV", "Q4_a"]), fmt


def test_exporting_an_unknown_survey_names_it(ctx, runner, tmp_path):
    result = runner.invoke(args=["export", "responses", "--survey", "nope", "--format", "csv",
                                 "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1
    assert "no survey has the slug 'nope'" in result.output


def test_each_response_keeps_its_export_values_and_an_export_without_them_is_the_same(answered, runner, tmp_path):
    """A response stores its export values when submitted (what makes large exports fast); a response stored
    before that, or whose stored values another format of the code wrote, is exported from its answers, with the
    same result to the byte."""
    import pyreadstat
    from sqlalchemy import select, update

    from survey_app.models import Response

    stored = db.session.scalars(select(Response.record).where(Response.survey_id == answered.id)).all()
    assert len(stored) == 2 and all(text.startswith(f"{RECORD_FORMAT}.10,") for text in stored)
    def read_back(folder):  # a .sav file holds the time it was written: compared by what it holds
        frame, meta = pyreadstat.read_sav(export(runner, tmp_path / folder, "sav"), user_missing=True)
        return export(runner, tmp_path / folder, "csv").read_bytes(), frame.to_dict("list"), meta.variable_value_labels

    from_records = read_back("records")

    first, second = db.session.scalars(select(Response.id).where(Response.survey_id == answered.id)).all()
    db.session.execute(update(Response).where(Response.id == first).values(record=None))
    db.session.execute(update(Response).where(Response.id == second)  # as the first format stored it
                       .values(record=json.dumps([1, "2", -97, -99, -99, -99, "-97", "-97", "-99", -99, "-99"])))
    db.session.commit()
    assert read_back("answers") == from_records
    db.session.execute(update(Response).where(Response.id == second).values(record=f"{RECORD_FORMAT + 1}.10,x"))
    db.session.commit()
    assert read_back("later") == from_records
    db.session.execute(update(Response).where(Response.id == second).values(record=f"{RECORD_FORMAT}.3,1,2,3"))
    db.session.commit()
    assert read_back("narrower") == from_records, "a record of another width than the codebook's"


def test_a_response_whose_export_values_cannot_be_made_is_still_stored_and_exported(
        surveys, storage_questionnaire, runner, tmp_path, monkeypatch):
    """The stored export values are a shortcut: if making them fails, the respondent's submit is kept (record
    NULL) and the export reads the answers."""
    from sqlalchemy import select

    from survey_app.models import Response
    from survey_app.services import responses

    def broken(*_args, **_kwargs):
        raise RuntimeError("record maker broke")

    monkeypatch.setattr(responses, "stored_record", broken)
    survey = surveys["anonymous"]
    submit_through_invitation(survey, surveys["HP-HB"], {"S1": {"Q1": "2"}}, storage_questionnaire, DURING)
    db.session.commit()
    assert db.session.scalars(select(Response.record).where(Response.survey_id == survey.id)).all() == [None]
    with export(runner, tmp_path, "csv", rows=1).open(encoding="utf-8-sig", newline="") as fh:
        (row,) = csv.DictReader(fh)
    assert (row["Q1"], row["Q2"]) == ("2", "-97")


def test_a_record_made_under_another_questionnaire_version_is_not_trusted(answered, runner, tmp_path):
    """Each variable's place in a record is its codebook's: a response stored under another version of the
    questionnaire than the survey's is exported from its answers, by the survey's codebook."""
    from sqlalchemy import select, update

    from questionnaires.loader import questionnaire_from_dict
    from survey_app.models import Response
    from survey_app.services.questionnaire_versions import publish_questionnaire
    from tests.survey_app.conftest import STORAGE_QUESTIONNAIRE

    before = export(runner, tmp_path / "before", "csv").read_bytes()
    other = publish_questionnaire(questionnaire_from_dict({**STORAGE_QUESTIONNAIRE, "version": "2"},
                                                          fallback_to_bundled=False)).id
    first = db.session.scalars(select(Response.id).where(Response.survey_id == answered.id)).first()
    db.session.execute(update(Response).where(Response.id == first)  # values of another codebook, in its format
                       .values(questionnaire_version_id=other, record=f"{RECORD_FORMAT}.10," + ",".join("9" * 10)))
    db.session.commit()
    assert export(runner, tmp_path / "after", "csv").read_bytes() == before


def test_refresh_records_stores_the_values_an_upgrade_left_out(answered, runner, tmp_path):
    """After an upgrade, responses whose record is missing or of an older format get theirs back from
    ``parsurvey responses refresh-records``: the same values, once (a second run makes none)."""
    from sqlalchemy import select, update

    from survey_app.models import Response

    before = export(runner, tmp_path / "before", "csv").read_bytes()
    made = dict(db.session.execute(select(Response.id, Response.record).where(Response.survey_id == answered.id)).all())
    first, second = made
    db.session.execute(update(Response).where(Response.id == first).values(record=None))
    db.session.execute(update(Response).where(Response.id == second).values(record='[1, "2"]'))
    db.session.commit()

    result = runner.invoke(args=["responses", "refresh-records", "--survey", "anon"])
    assert result.exit_code == 0, result.output
    assert "anon: 2 response record(s) made" in result.output
    db.session.expire_all()
    assert dict(db.session.execute(select(Response.id, Response.record)
                                   .where(Response.survey_id == answered.id)).all()) == made
    assert export(runner, tmp_path / "after", "csv").read_bytes() == before
    again = runner.invoke(args=["responses", "refresh-records"])
    assert again.exit_code == 0 and "anon: 0 response record(s) made" in again.output
    unknown = runner.invoke(args=["responses", "refresh-records", "--survey", "nope"])
    assert unknown.exit_code == 1 and "no survey has the slug 'nope'" in unknown.output


@pytest.mark.parametrize("body", ["1,2", ",".join("1" * 11)], ids=["fewer values", "more values"])
def test_stored_values_that_are_not_records_stop_the_export_with_the_way_to_mend_them(answered, runner, tmp_path,
                                                                                      body):
    """Stored values edited by hand (or by code that changed a record without raising its format) are never
    written as shifted columns: the export stops, says what to run, and that mends them."""
    from sqlalchemy import select, update

    from survey_app.models import Response

    before = export(runner, tmp_path / "before", "sav")
    first = db.session.scalars(select(Response.id).where(Response.survey_id == answered.id)).first()
    db.session.execute(update(Response).where(Response.id == first).values(record=f"{RECORD_FORMAT}.10,{body}"))
    db.session.commit()
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    streamed = list(ALL_TEMP_FILES)
    for fmt in ("sav", "xlsx"):
        out = tmp_path / f"broken.{fmt}"
        result = runner.invoke(args=["export", "responses", "--survey", "anon", "--format", fmt, "--out", str(out)])
        assert result.exit_code == 1, result.output
        assert "parsurvey responses refresh-records --all" in result.output
        assert not out.exists()
    assert streamed == ALL_TEMP_FILES, "the failed workbook's streamed rows are not left on disk"
    mended = runner.invoke(args=["responses", "refresh-records", "--survey", "anon", "--all"])
    assert mended.exit_code == 0 and "anon: 2 response record(s) made" in mended.output
    import pyreadstat

    assert (pyreadstat.read_sav(export(runner, tmp_path / "after", "sav"))[0]
            .equals(pyreadstat.read_sav(before)[0]))

"""Every export format read back by the tools analysts use (pandas, openpyxl, pyreadstat): row count, numeric
codes, labels in Vietnamese or English, Vietnamese text in NFC with its diacritics; and the export as a job."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pandas as pd
import pytest

from survey_app.extensions import db
from tests.survey_app.conftest import DURING
from tests.survey_app.respondent_support import submit_through_invitation

COMMENT = unicodedata.normalize("NFC", "Thủ tục nhanh, cán bộ Sở Nội vụ tận tình; giấy tờ đầy đủ")
DECOMPOSED = unicodedata.normalize("NFD", "Cần cải thiện thời gian chờ ở Quận Hồng Bàng")


@pytest.fixture
def answered(app, surveys, storage_questionnaire):
    """Three responses: one user with a comment and a date, one non-user, one user typed in NFD.

    k = 1: the anonymous survey's submission dates all show, as their month's first day (2026-06-01, which is
    also the day of DURING); the disclosure rule itself is tested in test_export_disclosure.py."""
    app.config["ANONYMITY_K"] = 1
    survey = surveys["anonymous"]
    pages = [
        ("HP-HB", {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A", "E"]}, "S2": {"Q4_a": "A", "Q4_b": "E"},
                   "S3": {"Q5": COMMENT, "Q6": 7.5, "Q7": "2026-05-30"}}),
        ("HP-SNV", {"S1": {"Q1": "2"}}),
        ("HP-SNV", {"S1": {"Q1": "1", "Q2": 0}, "S2": {"Q4_a": "B", "Q4_b": "B"}, "S3": {"Q5": DECOMPOSED}}),
    ]
    for unit_code, answers in pages:
        submit_through_invitation(survey, surveys[unit_code], answers, storage_questionnaire, DURING)
    db.session.commit()
    return survey


def export(runner, tmp_path, fmt, *extra):
    out = tmp_path / f"out.{fmt}"
    result = runner.invoke(args=["export", "responses", "--survey", "anon", "--format", fmt, "--out", str(out),
                                 *extra])
    assert result.exit_code == 0, result.output
    assert "3 response(s)" in result.output
    assert not list(tmp_path.glob(".*.part")), "no temporary file is left behind"
    return out


def comments(values) -> set[str]:
    return {v for v in values if isinstance(v, str) and len(v) > 5}


def test_csv_starts_with_a_byte_order_mark_and_keeps_vietnamese_text(answered, runner, tmp_path):
    out = export(runner, tmp_path, "csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbfresponse_id,")
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(frame) == 3
    assert comments(frame["Q5"]) == {COMMENT, unicodedata.normalize("NFC", DECOMPOSED)}
    assert sorted(frame["Q4_b"]) == ["-97", "B", "E"]


def test_xlsx_holds_numbers_dates_and_a_codebook_row_per_value(answered, runner, tmp_path):
    from openpyxl import load_workbook

    book = load_workbook(export(runner, tmp_path, "xlsx", "--labels", "en"), read_only=True)
    rows = list(book["responses"].iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    user = next(r for r in records if r["Q7"] not in ("-99", "-97"))
    assert (user["Q1"], user["Q2"], user["Q3__A"], user["Q6"]) == (1, 3, 1, 7.5)
    assert user["Q7"] == datetime(2026, 5, 30) and user["submitted_on"] == datetime(2026, 6, 1)
    assert comments(r["Q5"] for r in records) == {COMMENT, unicodedata.normalize("NFC", DECOMPOSED)}
    codebook = list(book["codebook"].iter_rows(values_only=True))
    assert codebook[0][:4] == ("variable", "value", "label_en", "label_vi"), "the requested language first"
    q1 = [row[:4] for row in codebook if row[0] == "Q1"]
    assert q1 == [("Q1", None, "Có dùng dịch vụ?", "Có dùng dịch vụ?"), ("Q1", 1, "Yes", "Có"),
                  ("Q1", 2, "No", "Không")]
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["labels"] == "en" and about["-97"] == "Not applicable" and about["-99"] == "Not answered"


@pytest.mark.parametrize("language, yes, question, missing", [
    ("vi", "Có", "Có dùng dịch vụ?", "Không áp dụng"),
    ("en", "Yes", "Có dùng dịch vụ?", "Not applicable"),  # the question has no English text: Vietnamese stays
])
def test_sav_has_labels_in_the_language_asked_and_user_missing_codes(answered, runner, tmp_path, language, yes,
                                                                      question, missing):
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(export(runner, tmp_path, "sav", "--labels", language)),
                                      user_missing=True)
    assert len(frame) == 3
    assert meta.column_names_to_labels["Q1"] == question
    assert meta.variable_value_labels["Q1"][1.0] == yes and meta.variable_value_labels["Q1"][-97.0] == missing
    assert sorted(frame["Q1"]) == [1.0, 1.0, 2.0], "numeric codes stay numbers"
    assert {r["lo"] for r in meta.missing_ranges["Q4_b"]} == {"-97", "-99", "E"}
    assert comments(frame["Q5"]) == {COMMENT, unicodedata.normalize("NFC", DECOMPOSED)}
    assert set(frame["submitted_on"]) == {date(2026, 6, 1)} or set(frame["submitted_on"]) == {
        pd.Timestamp("2026-06-01")}


def test_dta_numbers_letter_codes_and_labels_them_in_english(answered, runner, tmp_path):
    import pyreadstat

    frame, meta = pyreadstat.read_dta(str(export(runner, tmp_path, "dta", "--labels", "en")))
    assert len(frame) == 3
    assert meta.variable_value_labels["Q4_a"] == {1: "Good", 2: "Poor", 3: "Don't know", -97: "Not applicable",
                                                  -99: "Not answered"}
    assert sorted(frame["Q4_a"]) == [-97, 1, 2], "A -> 1, B -> 2, skipped section -> -97"
    assert sorted(frame["Q4_b"]) == [-97, 2, 3]
    assert meta.column_names_to_labels["Q4_a"] == "Đánh giá: Thái độ"
    assert sorted(frame["Q2"]) == [-97, 0, 3]
    assert comments(frame["Q5"]) == {COMMENT, unicodedata.normalize("NFC", DECOMPOSED)}
    assert (tmp_path / "out.codebook.json").is_file()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "sav", "dta"])
def test_the_analysis_reads_each_format_back_to_the_same_tidy_frame(answered, runner, tmp_path, fmt):
    from analysis.io import read_export

    reference = read_export(export(runner, tmp_path / "ref", "csv")).sort_values("Q2").reset_index(drop=True)
    frame = read_export(export(runner, tmp_path, fmt)).sort_values("Q2").reset_index(drop=True)
    assert list(frame.columns) == list(reference.columns)
    assert frame["Q2"].tolist()[:2] == [0, 3] and pd.isna(frame["Q2"].iloc[2])
    assert frame["Q4_a"].tolist()[:2] == ["B", "A"] and pd.isna(frame["Q4_b"].iloc[1])  # E = don't know
    for name in ("Q1", "Q3__A", "Q5", "Q6", "Q7", "unit", "mode"):
        pd.testing.assert_series_equal(frame[name], reference[name], check_dtype=False, check_categorical=False,
                                       obj=f"{fmt} {name}")


def test_the_export_service_reports_progress_and_refuses_unknown_formats(answered, tmp_path):
    from survey_app.services.errors import OperatorError
    from survey_app.services.exports import export_responses

    calls = []
    result = export_responses(answered, "xlsx", tmp_path / "job" / "out.xlsx", k=1,
                              progress=lambda done, total: calls.append((done, total)))
    assert result.rows == 3 and result.paths == (tmp_path / "job" / "out.xlsx",)
    assert calls[-1] == (3, 3)
    with pytest.raises(OperatorError, match="unknown export format 'ods'"):
        export_responses(answered, "ods", tmp_path / "out.ods")
    with pytest.raises(OperatorError, match="unknown label language 'fr'"):
        export_responses(answered, "csv", tmp_path / "out.csv", language="fr")


def test_memoised_relevance_gives_the_records_of_the_record_contract(storage_questionnaire):
    from questionnaires.codebook import build_codebook
    from questionnaires.record import record_values
    from survey_app.services.export_records import RecordMaker

    codebook = build_codebook(storage_questionnaire)
    maker = RecordMaker(storage_questionnaire, codebook)
    cases = [{"Q1": q1, "Q2": q2, "Q3": q3, "Q4_a": "A", "Q5": "x"} for q1 in ("1", "2", None)
             for q2 in (0, 5, None) for q3 in (["A"], ["B", "E"], None)]
    for answers in cases * 2:  # the second pass is served by the memo
        answers = {k: v for k, v in answers.items() if v is not None}
        row = [column[0] for column in maker.columns([answers])]
        assert row == record_values(storage_questionnaire, codebook, answers), answers
    assert len(maker.memo) == 3, "relevance here depends on Q1 alone"


def test_rows_are_read_from_the_database_chunk_by_chunk(answered, tmp_path, monkeypatch):
    from survey_app.services import exports

    monkeypatch.setattr(exports, "CHUNK_ROWS", 2)
    calls = []
    exports.export_responses(answered, "sav", tmp_path / "out.sav", progress=lambda *done: calls.append(done))
    assert calls == [(2, 3), (3, 3)], "two chunks of at most 2 rows, progress after each"


def test_a_failed_export_leaves_no_file_behind(answered, tmp_path, monkeypatch):
    from survey_app.services import exports

    def broken(done, total):
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        exports.export_responses(answered, "csv", tmp_path / "out.csv", progress=broken)
    assert list(tmp_path.iterdir()) == []

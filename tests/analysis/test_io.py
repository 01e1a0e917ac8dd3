"""Reading parsurvey exports: the codebook is applied the same way whatever the file type.

The fixtures are written by hand here, following the export contract (leading columns, then codebook variables;
-97 not applicable, -99 not answered; CSV with ``.codebook.json`` beside it; XLSX sheets ``responses`` and
``codebook``; SPSS with value labels and user-missing values), so they do not depend on the web app.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.io import ExportError, label_categories, read_export, value_labels, variable_label

LEADING = {
    "response_id": ["r1", "r2", "r3", "r4"],
    "survey": ["par-2024"] * 4,
    "questionnaire": ["par_f02"] * 4,
    "questionnaire_version": ["2021.1"] * 4,
    "unit": ["HN", "HN", "HP", "HP"],
    "unit_level": ["province"] * 4,
    "group": ["leader", "leader", "citizen", "citizen"],
    "mode": ["online", "paper", "online", "online"],
    "submitted_on": ["2024-05-01", "2024-05-02", "2024-05-02", "2024-05-03"],
}

ANSWERS = {
    "Q1": ["A", "E", "-97", "D"],
    "Q2__a": ["1", "0", "-97", "1"],
    "Q2__b": ["0", "0", "-97", "1"],
    "Q3": ["12", "-99", "0", "7"],
    "Q4": ["1.5", "2", "-99", "-97"],
    "Q5": ["tốt", "", "-99", "ok"],
    "Q6": ["2024-04-30", "-99", "2023-01-01", "-97"],
}

QUALITY = [
    {"code": "A", "label": {"vi": "Rất tốt", "en": "Very good"}, "weight": 1.0, "missing": False},
    {"code": "B", "label": {"vi": "Tốt", "en": "Good"}, "weight": 0.6, "missing": False},
    {"code": "C", "label": {"vi": "Chưa tốt", "en": "Not good enough"}, "weight": 0.2, "missing": False},
    {"code": "D", "label": {"vi": "Không tốt", "en": "Poor"}, "weight": 0.0, "missing": False},
    {"code": "E", "label": {"vi": "Không biết", "en": "Don't know"}, "weight": None, "missing": True},
]

CODEBOOK = {
    "questionnaire": "par_f02", "version": "2021.1", "checksum": "abc",
    "system_missing": {"-97": {"vi": "Không áp dụng", "en": "Not applicable"},
                       "-99": {"vi": "Không trả lời", "en": "Not answered"}},
    "variables": [
        {"name": "Q1", "item": "Q1", "section": "S1", "type": "categorical",
         "label": {"vi": "Chất lượng", "en": "Quality"}, "scale": "opt4_quality", "criterion": "F1.C1.S1",
         "values": QUALITY, "missing_codes": ["E"]},
        {"name": "Q2__a", "item": "Q2", "section": "S1", "type": "flag", "label": {"vi": "Kênh: a"}},
        {"name": "Q2__b", "item": "Q2", "section": "S1", "type": "flag", "label": {"vi": "Kênh: b"}},
        {"name": "Q3", "item": "Q3", "section": "S2", "type": "integer", "label": {"vi": "Số lần"}},
        {"name": "Q4", "item": "Q4", "section": "S2", "type": "decimal", "label": {"vi": "Giờ"}},
        {"name": "Q5", "item": "Q5", "section": "S2", "type": "text", "label": {"vi": "Ý kiến"}},
        {"name": "Q6", "item": "Q6", "section": "S2", "type": "date", "label": {"vi": "Ngày"}},
    ],
}  # fmt: skip


def write_csv_export(folder, answers=None, codebook=CODEBOOK):
    path = folder / "out.csv"
    pd.DataFrame({**LEADING, **(answers or ANSWERS)}).to_csv(path, index=False)
    (folder / "out.codebook.json").write_text(json.dumps(codebook, ensure_ascii=False), encoding="utf-8")
    return path


def write_xlsx_export(folder):
    path = folder / "out.xlsx"
    numeric = {"Q2__a", "Q2__b", "Q3", "Q4"}
    answers = {k: [float(v) for v in vals] if k in numeric else vals for k, vals in ANSWERS.items()}
    rows = [{**{k: v for k, v in var.items() if k not in ("label", "values", "missing_codes")},
             "label": json.dumps(var["label"], ensure_ascii=False),
             "values": json.dumps(var.get("values", []), ensure_ascii=False),
             "missing_codes": ",".join(var.get("missing_codes", []))} for var in CODEBOOK["variables"]]
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({**LEADING, **answers}).to_excel(writer, sheet_name="responses", index=False)
        pd.DataFrame(rows).to_excel(writer, sheet_name="codebook", index=False)
    return path


def check_tidy(frame: pd.DataFrame) -> None:
    """What every reader must produce from the fixture's answers."""
    assert list(frame.columns) == list(LEADING) + list(ANSWERS)
    q1 = frame["Q1"]
    assert isinstance(q1.dtype, pd.CategoricalDtype)
    assert list(q1.cat.categories) == ["A", "B", "C", "D"]  # "don't know" is not a category
    assert q1.iloc[0] == "A" and q1.iloc[3] == "D" and q1.iloc[1:3].isna().all()
    assert frame["Q2__a"].dtype == "Int64" and frame["Q2__a"].tolist()[:2] == [1, 0]
    assert pd.isna(frame["Q2__a"].iloc[2])
    assert frame["Q3"].dtype == "Int64" and frame["Q3"].iloc[0] == 12 and pd.isna(frame["Q3"].iloc[1])
    assert frame["Q4"].iloc[0] == 1.5 and frame["Q4"].iloc[2:].isna().all()
    assert frame["Q6"].iloc[0] == pd.Timestamp("2024-04-30") and pd.isna(frame["Q6"].iloc[1])
    assert frame["submitted_on"].iloc[0] == pd.Timestamp("2024-05-01")
    assert frame.attrs["codebook"]["variables"][0]["name"] == "Q1"


def test_csv_export_reads_with_the_codebook_beside_it(tmp_path):
    frame = read_export(write_csv_export(tmp_path))
    check_tidy(frame)
    assert frame["Q5"].iloc[0] == "tốt" and frame["Q5"].iloc[1:3].isna().all()
    assert frame["unit"].tolist() == ["HN", "HN", "HP", "HP"]


def test_xlsx_export_with_numeric_cells_reads_the_same_as_csv(tmp_path):
    xlsx = read_export(write_xlsx_export(tmp_path))
    check_tidy(xlsx)
    csv = read_export(write_csv_export(tmp_path))
    pd.testing.assert_frame_equal(xlsx.drop(columns=["Q5"]), csv.drop(columns=["Q5"]))


def test_labels_are_one_lookup_away_in_either_language(tmp_path):
    frame = read_export(write_csv_export(tmp_path))
    assert value_labels(frame, "Q1")["A"] == "Rất tốt"
    assert value_labels(frame, "Q1", "en")["E"] == "Don't know"
    assert variable_label(frame, "Q1", "en") == "Quality" and variable_label(frame, "Q3", "en") == "Số lần"
    labelled = label_categories(frame, "Q1", "en")
    assert labelled.iloc[0] == "Very good" and list(labelled.cat.categories)[-1] == "Poor"


def test_sav_export_reads_value_labels_and_user_missing_values(tmp_path):
    import pyreadstat

    path = tmp_path / "out.sav"
    data = pd.DataFrame({"response_id": ["r1", "r2", "r3"], "Q1": [1.0, 9.0, -97.0], "Q2__a": [1.0, 0.0, -99.0],
                         "Q3": [3.0, -99.0, 5.0], "Q5": ["x", "", "z"]})
    pyreadstat.write_sav(
        data, str(path),
        column_labels={"Q1": "Hài lòng", "Q2__a": "Kênh: a", "Q3": "Số lần", "Q5": "Ý kiến"},
        variable_value_labels={"Q1": {1.0: "Rất không hài lòng", 5.0: "Rất hài lòng", 9.0: "Không biết",
                                      -97.0: "Không áp dụng", -99.0: "Không trả lời"},
                               "Q2__a": {0.0: "Không", 1.0: "Có"}},
        missing_ranges={"Q1": [9.0, -97.0, -99.0], "Q2__a": [-99.0], "Q3": [-97.0, -99.0]},
        variable_format={"Q3": "F8.0"},
    )  # fmt: skip
    frame = read_export(path)
    assert frame["Q1"].iloc[0] == "1" and frame["Q1"].iloc[1:].isna().all()
    assert list(frame["Q1"].cat.categories) == ["1", "5"]
    assert value_labels(frame, "Q1")["5"] == "Rất hài lòng"
    assert variable_label(frame, "Q1") == "Hài lòng"
    assert frame["Q2__a"].tolist()[:2] == [1, 0] and pd.isna(frame["Q2__a"].iloc[2])
    assert frame["Q3"].dtype == "Int64" and frame["Q3"].iloc[2] == 5 and pd.isna(frame["Q3"].iloc[1])


def test_a_code_the_codebook_does_not_know_names_file_row_and_column(tmp_path):
    path = write_csv_export(tmp_path, answers={**ANSWERS, "Q1": ["A", "B", "Z", "D"]})
    with pytest.raises(ExportError) as excinfo:
        read_export(path)
    assert str(excinfo.value).startswith("out.csv: row 4, column Q1: 'Z' is not one of its codes")


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Q2__a", "2", "row 2, column Q2__a: a flag is 0 or 1, not '2'"),
        ("Q3", "1.5", "row 2, column Q3: '1.5' is not a whole number"),
        ("Q4", "abc", "row 2, column Q4: 'abc' is not a number"),
        ("Q6", "30/04/2024", "row 2, column Q6: '30/04/2024' is not a date YYYY-MM-DD"),
    ],
)
def test_values_of_the_wrong_type_are_refused_with_their_place(tmp_path, column, value, message):
    path = write_csv_export(tmp_path, answers={**ANSWERS, column: [value] + ANSWERS[column][1:]})
    with pytest.raises(ExportError) as excinfo:
        read_export(path)
    assert message in str(excinfo.value)


def test_a_csv_without_its_codebook_says_which_file_is_missing(tmp_path):
    path = write_csv_export(tmp_path)
    (tmp_path / "out.codebook.json").unlink()
    with pytest.raises(ExportError, match="out.codebook.json: the export's codebook is missing"):
        read_export(path)


def test_a_codebook_variable_absent_from_the_responses_is_named(tmp_path):
    answers = {k: v for k, v in ANSWERS.items() if k != "Q3"}
    with pytest.raises(ExportError, match=r"variables \['Q3'\] are not columns"):
        read_export(write_csv_export(tmp_path, answers=answers))


def test_an_explicit_codebook_overrides_the_stored_one(tmp_path):
    book = {**CODEBOOK, "variables": [dict(CODEBOOK["variables"][0], missing_codes=[])]}
    book["variables"][0]["values"] = [dict(v, missing=False) for v in QUALITY]
    frame = read_export(write_csv_export(tmp_path), codebook=book)
    assert frame["Q1"].iloc[1] == "E" and "Q3" not in frame.columns


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("out.txt", "x", "cannot read .txt"),
        ("missing.csv", None, "missing.csv: no such file"),
    ],
)
def test_unreadable_paths_are_explained(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(ExportError, match=message):
        read_export(path)


def test_a_broken_codebook_json_is_reported_as_such(tmp_path):
    path = write_csv_export(tmp_path)
    (tmp_path / "out.codebook.json").write_text("{not json")
    with pytest.raises(ExportError, match="out.codebook.json: not valid JSON"):
        read_export(path)
    (tmp_path / "out.codebook.json").write_text(json.dumps({"variables": [{"name": "Q1"}]}))
    with pytest.raises(ExportError, match=r"variables\[0\] needs a 'name' and a 'type'"):
        read_export(path)


def test_flags_sum_to_counts_of_choices(tmp_path):
    frame = read_export(write_csv_export(tmp_path))
    assert int(frame["Q2__a"].sum()) == 2 and np.isclose(frame["Q2__b"].mean(), 1 / 3)


# -- reading straight from the web app's database ------------------------------------------------------------------


@pytest.fixture
def survey_database(tmp_path):
    """A SQLite database with the web app's tables, one SIPAS survey and three responses, written with Core."""
    import uuid
    from datetime import UTC, date, datetime

    import sqlalchemy as sa

    from questionnaires.loader import bundled_questionnaires, snapshot
    from survey_app.extensions import db
    from survey_app.models import questionnaire_version, respondent_group, response, survey, unit  # noqa: F401

    sipas = next(q for q in bundled_questionnaires() if q.id.startswith("sipas"))
    url = f"sqlite:///{tmp_path / 'app.sqlite'}"
    engine = sa.create_engine(url)
    db.metadata.create_all(engine)
    tables = db.metadata.tables
    now = datetime(2024, 5, 1, tzinfo=UTC)
    answers = [
        {"A1": "1", "A3": 34, "B3": ["1", "3"], "B4": "2024-04-20", "D_A1": "5", "D_A2": "9"},
        {"A1": "2", "A3": 61, "B3": ["6"], "B3_other": "bưu điện", "D_A1": "3"},
        {"A1": "1"},
    ]
    with engine.begin() as conn:
        conn.execute(tables["questionnaire_version"].insert(), [{
            "id": 1, "questionnaire_id": sipas.id, "version": sipas.version, "checksum": sipas.checksum,
            "definition": snapshot(sipas), "published_at": now}])
        conn.execute(tables["unit"].insert(), [{"id": 1, "code": "HN", "name_vi": "Hà Nội", "level": "province"}])
        conn.execute(tables["respondent_group"].insert(), [{"id": 1, "code": "citizen", "name_vi": "Người dân"}])
        conn.execute(tables["survey"].insert(), [{
            "id": 1, "slug": "sipas-2024", "title": "SIPAS", "questionnaire_version_id": 1, "anonymous": True,
            "access": "open", "opens_at": now, "closes_at": now}])
        conn.execute(tables["response"].insert(), [{
            "id": uuid.uuid4(), "survey_id": 1, "questionnaire_version_id": 1, "unit_id": 1, "group_id": 1,
            "mode": "online", "answers": a, "submitted_on": date(2024, 5, 1 + i), "submission_id": uuid.uuid4()}
            for i, a in enumerate(answers)])
    engine.dispose()
    return url


def test_database_responses_read_like_an_export(survey_database):
    from analysis.io import read_database

    frame = read_database(survey_database, survey="sipas-2024")
    assert len(frame) == 3
    assert frame["survey"].tolist() == ["sipas-2024"] * 3 and frame["unit"].iloc[0] == "HN"
    assert frame["group"].iloc[0] == "citizen" and frame["questionnaire"].iloc[0].startswith("sipas")
    assert frame["submitted_on"].tolist() == [pd.Timestamp(f"2024-05-0{d}") for d in (1, 2, 3)]
    assert isinstance(frame["A1"].dtype, pd.CategoricalDtype) and frame["A1"].tolist() == ["1", "2", "1"]
    assert frame["A3"].dtype == "Int64" and frame["A3"].tolist()[:2] == [34, 61] and pd.isna(frame["A3"].iloc[2])
    assert frame["B3__1"].tolist()[:2] == [1, 0] and frame["B3__6"].tolist()[:2] == [0, 1]
    assert pd.isna(frame["B3__1"].iloc[2])  # the question was not answered: no flag either way
    assert frame["B3_other"].iloc[1] == "bưu điện" and frame["B4"].iloc[0] == pd.Timestamp("2024-04-20")
    assert frame["D_A1"].tolist()[:2] == ["5", "3"]
    assert pd.isna(frame["D_A2"].iloc[0])  # 9 = "don't know" is a missing code of the scale
    assert value_labels(frame, "D_A1")["5"]


def test_an_unknown_survey_names_the_surveys_there_are(survey_database):
    from analysis.io import read_database

    with pytest.raises(ExportError, match=r"no survey 'nope' in the database \(surveys: sipas-2024\)"):
        read_database(survey_database, survey="nope")


def test_an_unreachable_database_is_reported_without_a_traceback(tmp_path):
    from analysis.io import read_database

    with pytest.raises(ExportError, match="cannot read the responses from the database"):
        read_database(f"sqlite:///{tmp_path / 'empty.sqlite'}", survey="x")


# -- round trip through the web app's own export writers ---------------------------------------------------------


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "sav", "dta"])
def test_files_written_by_parsurvey_export_read_back_with_their_answers(tmp_path, suffix):
    from questionnaires.codebook import build_codebook
    from questionnaires.loader import bundled_questionnaires
    from questionnaires.record import LEADING_COLUMNS, record_values
    from survey_app.services.exports import ExportSource, write_source

    sipas = next(q for q in bundled_questionnaires() if q.id.startswith("sipas"))
    codebook = build_codebook(sipas)
    answers = [
        {"A1": "1", "A3": 34, "B3": ["1", "3"], "B4": "2024-04-20", "D_A1": "5", "D_A2": "9"},
        {"A1": "2", "A3": 61, "B3": ["6"], "B3_other": "bưu điện", "D_A1": "3"},
    ]
    rows = [[f"r{i}", "sipas-2024", sipas.id, sipas.version, "HN", "province", "citizen", "online", "2024-05-01"]
            + record_values(sipas, codebook, a) for i, a in enumerate(answers)]
    path = tmp_path / f"out.{suffix}"
    write_source(ExportSource.of_rows(codebook, rows), suffix, path)

    frame = read_export(path)
    assert list(frame.columns) == list(LEADING_COLUMNS) + list(codebook.names)
    assert frame["A1"].tolist() == ["1", "2"] and frame["A3"].tolist() == [34, 61]
    assert frame["B3__1"].tolist() == [1, 0] and frame["B3__6"].tolist() == [0, 1]
    assert pd.isna(frame["B3_other"].iloc[0]) and frame["B3_other"].iloc[1] == "bưu điện"
    assert frame["B4"].iloc[0] == pd.Timestamp("2024-04-20") and pd.isna(frame["B4"].iloc[1])
    assert frame["D_A1"].tolist() == ["5", "3"] and frame["D_A2"].isna().all()
    assert frame.attrs["codebook"]["questionnaire"] == sipas.id

"""The stored record line is what every export reads: what the CSV export writes from it must be what
``csv.writer`` writes for the values (formula cells neutralised, numbers untouched), and what SPSS, Stata, the
workbook and the read API read back from it must be the values themselves, whatever the text holds."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from survey_app.services.cell_safety import may_start_formula, starts_formula
from survey_app.services.export_records import record_lines, typed_columns
from survey_app.services.exports_columns import csv_line, csv_value
from survey_app.services.exports_csv import neutralised_line

# Characters that decide quoting, formulas and numbers, and Vietnamese ones.
TRICKY = st.text(alphabet=list('=+-@\t\r\n,"\' 1.eE5aệ\x00'), max_size=8)
NUMBERS = st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False, width=64))
ROW = st.lists(st.one_of(st.tuples(st.just(False), TRICKY), st.tuples(st.just(True), NUMBERS)), min_size=1,
               max_size=6)


def csv_writer_row(values: list[object]) -> str:
    """What the CSV export must hold for these values: every cell through ``csv_value``, quoted by csv.writer."""
    return csv_line([csv_value(v) for v in values])


@settings(max_examples=400, deadline=None)
@given(ROW)
def test_the_csv_export_of_a_record_line_is_what_csv_writer_writes_for_its_values(row):
    numeric = [number for number, _ in row]
    values = [value for _, value in row]
    (line,) = record_lines([[v] for v in values], 1)
    if any(isinstance(v, str) and starts_formula(v) for v in values):
        assert may_start_formula(line), f"a formula cell would pass unread: {line!r}"
    written = neutralised_line(line, numeric) if may_start_formula(line) else line
    assert written == csv_writer_row(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(TRICKY.filter(bool), NUMBERS), min_size=1, max_size=30))
def test_record_lines_parse_back_to_the_same_text_and_numbers(rows):
    texts, numbers = [text for text, _ in rows], [float(number) for _, number in rows]
    lines = record_lines([texts, numbers], len(rows))
    parsed_texts, parsed_numbers = typed_columns(lines, [object, np.float64])
    assert parsed_texts.tolist() == texts
    assert parsed_numbers.tolist() == numbers, "numbers read back exactly (round trip)"


def test_a_value_that_does_not_fit_its_type_is_refused_not_guessed():
    import pytest

    with pytest.raises(ValueError):
        typed_columns(["3,x"], [np.int8, np.int8])

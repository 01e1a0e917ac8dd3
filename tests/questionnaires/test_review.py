"""The review before submitting: the answers as the respondent saw them, and what is still required."""

from __future__ import annotations

from questionnaires.loader import load_directory
from questionnaires.review import review
from tests.questionnaires.broken_copies import VALID


def test_the_review_lists_applicable_sections_with_labels_and_the_required_questions_left():
    (q,) = load_directory(VALID)
    sections, missing = review(q, {"Q2": ["web"], "Q1_why": "stale"}, "en", lambda n: f"/p/{n}")
    assert [s.id for s in sections] == ["S0", "S1", "S3"]  # S2 applies only once sex is answered
    rows = {row.label: row.answer for row in sections[1].rows}
    assert rows[q.sections[1].items[2].text.get("en")] == "Web portal"
    assert all(row.answer != "stale" for s in sections for row in s.rows)  # Q1_why does not apply
    assert [m.url for m in missing] == ["/p/1", "/p/2"]  # sex on page 1, Q1 on page 2

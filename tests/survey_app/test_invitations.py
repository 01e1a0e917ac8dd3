"""Invitation codes: unguessable, typeable, grouped for paper, and stored only as a hash."""

from __future__ import annotations

import hashlib
import math
import re

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Invitation
from survey_app.services import invitations
from survey_app.services.errors import CodeNotFound, OperatorError

GROUPED = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def test_a_code_is_four_groups_of_four_without_look_alike_letters():
    codes = [invitations.generate_code() for _ in range(500)]
    assert all(GROUPED.fullmatch(code) for code in codes)
    used = set("".join(codes).replace("-", ""))
    assert used.isdisjoint(set("ILOU")), "look-alikes (I, L, O) and U must never be printed"


def test_a_code_carries_at_least_80_bits_and_codes_do_not_repeat():
    alphabet = set(invitations.ALPHABET)
    assert len(alphabet) == len(invitations.ALPHABET)
    assert invitations.CODE_LENGTH * math.log2(len(alphabet)) >= 80
    codes = {invitations.generate_code() for _ in range(2000)}
    assert len(codes) == 2000
    # every symbol shows up: the generator draws from the whole alphabet
    assert set("".join(codes).replace("-", "")) == alphabet


@pytest.mark.parametrize(
    "typed", ["7kq2-m9xd-4hvt-b8wz", " 7KQ2 M9XD 4HVT B8WZ ", "7KQ2M9XD4HVTB8WZ", "7kq2_M9XD.4hvt-B8wz"]
)
def test_entry_ignores_case_spaces_and_dashes(typed):
    assert invitations.normalise_code(typed) == "7KQ2M9XD4HVTB8WZ"
    assert invitations.hash_code(typed) == invitations.hash_code("7KQ2-M9XD-4HVT-B8WZ")


def test_entry_reads_letter_o_as_zero_and_i_or_l_as_one():
    assert invitations.normalise_code("oi1l-0000-0000-0000") == "0111000000000000"


def test_the_hash_is_plain_sha256_of_the_normalised_code_so_it_survives_a_secret_key_change():
    expected = hashlib.sha256(b"7KQ2M9XD4HVTB8WZ").hexdigest()
    assert invitations.hash_code("7kq2-m9xd-4hvt-b8wz") == expected


def test_issued_codes_are_found_by_what_a_person_types(surveys):
    survey, unit = surveys["anonymous"], surveys["HP-SNV"]
    codes = invitations.issue(survey, unit, survey.groups[0], 3)
    assert len(set(codes)) == 3
    found = invitations.find_invitation(codes[1].lower().replace("-", " "))
    assert (found.survey, found.unit, found.status) == (survey, unit, "issued")


def test_no_table_holds_an_issued_code_only_its_hash(surveys):
    survey = surveys["anonymous"]
    codes = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 2)
    db.session.commit()
    dump = _all_text_in_database()
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump
        assert invitations.hash_code(code) in dump


def _all_text_in_database() -> str:
    chunks = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                chunks.append(" ".join(str(v) for v in row))
    return "\n".join(chunks)


@pytest.mark.parametrize("typed", ["", "ABCD", "7KQ2-M9XD-4HVT-B8W!", "7KQ2-M9XD-4HVT-B8WZ-Q"])
def test_malformed_and_unknown_codes_are_not_found(surveys, typed):
    with pytest.raises(CodeNotFound) as caught:
        invitations.find_invitation(typed)
    assert caught.value.status == 404


def test_a_well_formed_code_never_issued_is_not_found(surveys):
    with pytest.raises(CodeNotFound):
        invitations.find_invitation(invitations.generate_code())


def test_revoking_marks_the_invitation_and_it_stays_findable(surveys):
    survey = surveys["anonymous"]
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    invitations.revoke(code)
    assert invitations.find_invitation(code).status == "revoked"


def test_revoking_an_unknown_code_says_so(surveys):
    with pytest.raises(OperatorError, match="no invitation has the code"):
        invitations.revoke("0000-0000-0000-0000")


def test_codes_cannot_be_issued_for_an_open_survey_or_a_group_not_invited(surveys):
    open_survey, closed = surveys["open"], surveys["anonymous"]
    with pytest.raises(OperatorError, match="open-link"):
        invitations.issue(open_survey, surveys["HP-HB"], open_survey.groups[0], 1)
    with pytest.raises(OperatorError, match="not invited"):
        invitations.issue(closed, surveys["HP-HB"], open_survey.groups[0], 1)
    with pytest.raises(OperatorError, match="count"):
        invitations.issue(closed, surveys["HP-HB"], closed.groups[0], 0)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0

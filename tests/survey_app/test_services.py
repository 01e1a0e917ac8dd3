"""Surveys, drafts and submitting through the services, as the respondent pages use them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from survey_app.extensions import db
from survey_app.models import Draft, Invitation, QuestionnaireVersion, Response, ResponseIdentity
from survey_app.services import drafts, invitations, responses
from survey_app.services.errors import (
    AlreadySubmitted,
    CodeNotFound,
    Incomplete,
    InvitationRevoked,
    OperatorError,
    SurveyClosed,
    SurveyFull,
    SurveyNotOpenYet,
)
from survey_app.services.questionnaire_versions import publish_questionnaire, questionnaire_for
from survey_app.services.surveys import SurveyState, create_survey, survey_state
from tests.survey_app.conftest import CLOSES, DURING, OPENS

FULL_ANSWERS = {"S1": {"Q1": "1", "Q2": 3, "Q3": ["A", "E"]}, "S2": {"Q4_a": "A", "Q4_b": "B"}, "S3": {"Q5": "ok"}}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def start(surveys, name="anonymous"):
    survey = surveys[name]
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    return code, drafts.open_for_invitation(invitations.find_invitation(code), DURING)


def fill(draft, questionnaire, pages=FULL_ANSWERS):
    for section_id, values in pages.items():
        drafts.save_page(draft, section_id, values, questionnaire)


def test_publishing_the_same_questionnaire_twice_reuses_one_immutable_row(surveys, storage_questionnaire):
    again = publish_questionnaire(storage_questionnaire)
    assert count(QuestionnaireVersion) == 1
    assert again.checksum == storage_questionnaire.checksum
    assert again.definition["questionnaire"]["id"] == "storage_test"


def test_a_changed_questionnaire_under_the_same_version_is_refused(surveys, storage_questionnaire):
    from dataclasses import replace

    with pytest.raises(OperatorError, match="new version"):
        publish_questionnaire(replace(storage_questionnaire, checksum="0" * 64))


def test_the_survey_questionnaire_is_parsed_once_and_shared(surveys, storage_questionnaire):
    first = questionnaire_for(surveys["anonymous"])
    assert first.checksum == storage_questionnaire.checksum
    assert questionnaire_for(surveys["identified"]) is first


def test_a_survey_is_open_from_its_opening_time_until_just_before_it_closes(surveys):
    survey = surveys["anonymous"]
    assert survey_state(survey, OPENS) is SurveyState.OPEN
    assert survey_state(survey, datetime(2025, 12, 31, 23, 59, tzinfo=UTC)) is SurveyState.NOT_OPEN_YET
    assert survey_state(survey, CLOSES) is SurveyState.CLOSED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"slug": "Bad Slug"}, "slug"),
        ({"slug": "anon"}, "already exists"),
        ({"access": "email"}, "access"),
        ({"closes_at": OPENS}, "close after"),
        ({"opens_at": datetime(2026, 1, 1)}, "time zone"),
        ({"groups": ["nobody"]}, "no respondent group"),
        ({"groups": []}, "at least one"),
        ({"quotas": {"HP-HB": 3}}, "open-link"),
        ({"access": "open", "quotas": {"XX": 3}}, "no unit"),
    ],
)
def test_a_survey_with_a_mistake_is_refused_with_a_message_naming_it(surveys, change, message):
    fields = dict(slug="new", title="New", questionnaire_version=surveys["anonymous"].questionnaire_version,
                  anonymous=True, access="invitation", groups=["dept_leader"], opens_at=OPENS, closes_at=CLOSES)
    with pytest.raises(OperatorError, match=message):
        create_survey(**{**fields, **change})


def test_a_survey_for_a_group_the_questionnaire_is_not_for_is_refused(surveys):
    from survey_app.models import RespondentGroup

    db.session.add(RespondentGroup(code="enterprise", name_vi="Doanh nghiệp"))
    with pytest.raises(OperatorError, match="not meant for group"):
        create_survey(slug="x1", title="x", questionnaire_version=surveys["anonymous"].questionnaire_version,
                      anonymous=True, access="invitation", groups=["enterprise"], opens_at=OPENS, closes_at=CLOSES)


def test_a_visit_stores_nothing_and_the_first_saved_page_stores_the_draft_a_later_visit_finds(
    surveys, storage_questionnaire
):
    code, draft = start(surveys)
    assert count(Draft) == 0 and invitations.find_invitation(code).status == "issued"
    drafts.save_page(draft, "S1", {"Q1": "2"}, storage_questionnaire)
    invitation = invitations.find_invitation(code)
    assert invitation.status == "started"
    assert drafts.open_for_invitation(invitation, DURING).id == draft.id
    assert count(Draft) == 1


def test_a_revoked_code_and_a_closed_or_future_survey_are_refused(surveys):
    survey = surveys["anonymous"]
    [code] = invitations.issue(survey, surveys["HP-SNV"], survey.groups[0], 1)
    invitation = invitations.find_invitation(code)
    with pytest.raises(SurveyNotOpenYet) as early:
        drafts.open_for_invitation(invitation, datetime(2025, 1, 1, tzinfo=UTC))
    assert early.value.opens_at == OPENS
    with pytest.raises(SurveyClosed):
        drafts.open_for_invitation(invitation, CLOSES)
    invitations.revoke(code)
    with pytest.raises(InvitationRevoked) as revoked:
        drafts.open_for_invitation(invitation, DURING)
    assert revoked.value.status == 410
    assert count(Draft) == 0


def test_saving_a_page_merges_it_and_drops_answers_hidden_by_a_changed_answer(surveys, storage_questionnaire):
    _, draft = start(surveys)
    fill(draft, storage_questionnaire)
    assert draft.answers["Q4_a"] == "A" and draft.answers["Q2"] == 3
    drafts.save_page(draft, "S1", {"Q1": "2", "Q3": ["B"]}, storage_questionnaire)
    db.session.commit()
    stored = db.session.get(Draft, draft.id).answers
    assert stored == {"Q1": "2", "Q3": ["B"], "Q5": "ok"}
    assert draft.current_section == "S1"


def test_clearing_an_answer_on_a_page_removes_it(surveys, storage_questionnaire):
    _, draft = start(surveys)
    fill(draft, storage_questionnaire)
    drafts.save_page(draft, "S3", {"Q5": ""}, storage_questionnaire)
    assert "Q5" not in draft.answers


def test_a_page_cannot_save_variables_of_another_section(surveys, storage_questionnaire):
    _, draft = start(surveys)
    with pytest.raises(ValueError, match="Q4_a"):
        drafts.save_page(draft, "S1", {"Q4_a": "A"}, storage_questionnaire)
    with pytest.raises(ValueError, match="no section"):
        drafts.save_page(draft, "S9", {}, storage_questionnaire)


def test_submitting_stores_the_relevant_answers_and_deletes_the_draft(surveys, storage_questionnaire):
    code, draft = start(surveys)
    fill(draft, storage_questionnaire)
    response = responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    stored = db.session.get(Response, response.id)
    assert stored.answers == {"Q1": "1", "Q2": 3, "Q3": ["A", "E"], "Q4_a": "A", "Q4_b": "B", "Q5": "ok"}
    assert stored.submitted_on == DURING.date() and stored.mode == "online"
    assert stored.unit.code == "HP-SNV" and stored.group.code == "dept_leader"
    assert stored.questionnaire_version.checksum == storage_questionnaire.checksum
    assert count(Draft) == 0
    assert invitations.find_invitation(code).status == "completed"


def test_a_required_question_left_unanswered_blocks_submit_and_names_its_page(surveys, storage_questionnaire):
    _, draft = start(surveys)
    drafts.save_page(draft, "S1", {"Q1": "1"}, storage_questionnaire)
    with pytest.raises(Incomplete) as caught:
        responses.submit(draft, storage_questionnaire, now=DURING)
    assert caught.value.section_id == "S1"
    assert count(Response) == 0


def test_a_used_code_says_already_submitted_and_changes_nothing(surveys, storage_questionnaire):
    code, draft = start(surveys)
    fill(draft, storage_questionnaire)
    responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    before = [(r.id, r.answers) for r in db.session.scalars(sa.select(Response))]
    with pytest.raises(AlreadySubmitted) as caught:
        drafts.open_for_invitation(invitations.find_invitation(code), DURING)
    assert caught.value.status == 409
    db.session.commit()
    assert [(r.id, r.answers) for r in db.session.scalars(sa.select(Response))] == before
    assert count(Draft) == 0


def test_submitting_a_stale_copy_of_a_submitted_draft_stores_nothing_more(surveys, storage_questionnaire):
    """A retry after a network error arrives with the same draft: the database refuses the second insert."""
    _, draft = start(surveys)
    fill(draft, storage_questionnaire)
    db.session.commit()
    stale = Draft(survey=draft.survey, unit=draft.unit, group=draft.group, answers=dict(draft.answers),
                  invitation_key=draft.invitation_key)
    stale.invitation = draft.invitation
    responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    with pytest.raises(AlreadySubmitted):
        responses.submit(stale, storage_questionnaire, now=DURING)
    assert count(Response) == 1


def test_identified_surveys_link_response_and_invitation_in_a_separate_table(surveys, storage_questionnaire):
    code, draft = start(surveys, "identified")
    fill(draft, storage_questionnaire)
    response = responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    [identity] = db.session.scalars(sa.select(ResponseIdentity)).all()
    assert identity.response_id == response.id
    assert identity.invitation_id == invitations.find_invitation(code).id


def test_an_open_link_keeps_one_draft_per_browser_session_and_one_response(surveys, storage_questionnaire):
    survey, unit = surveys["open"], surveys["HP-HB"]
    draft = drafts.open_for_session(survey, unit, "token-a", DURING)
    assert drafts.open_for_session(survey, unit, "token-a", DURING).id == draft.id
    assert draft.group.code == "citizen" and draft.invitation is None
    fill(draft, storage_questionnaire)
    responses.submit(draft, storage_questionnaire, now=DURING)
    db.session.commit()
    with pytest.raises(AlreadySubmitted):
        drafts.open_for_session(survey, unit, "token-a", DURING)


def test_an_open_link_says_full_once_the_unit_quota_is_reached_and_checks_it_again_at_submit(
    surveys, storage_questionnaire
):
    survey, unit = surveys["open"], surveys["HP-HB"]
    started = drafts.open_for_session(survey, unit, "late", DURING)
    fill(started, storage_questionnaire)
    db.session.commit()
    for token in ("t1", "t2"):
        draft = drafts.open_for_session(survey, unit, token, DURING)
        fill(draft, storage_questionnaire)
        responses.submit(draft, storage_questionnaire, now=DURING)
        db.session.commit()
    with pytest.raises(SurveyFull) as caught:
        drafts.open_for_session(survey, unit, "t3", DURING)
    assert caught.value.status == 410
    late = drafts.open_for_session(survey, unit, "late", DURING)
    assert late.id == started.id, "a respondent who started still sees the pages"
    with pytest.raises(SurveyFull):
        responses.submit(late, storage_questionnaire, now=DURING)
    assert count(Response) == 2
    assert drafts.open_for_session(survey, unit, "late", DURING).answers == late.answers, "the answers are kept"
    # a unit without a quota is never full
    drafts.open_for_session(survey, surveys["HP-SNV"], "t4", DURING)


def test_an_invitation_survey_has_no_open_link(surveys):
    with pytest.raises(CodeNotFound):
        drafts.open_for_session(surveys["anonymous"], surveys["HP-HB"], "token", DURING)


def test_paper_entry_stores_a_paper_response_once_per_submission_id(surveys, storage_questionnaire):
    import uuid

    survey = surveys["anonymous"]
    submission = uuid.uuid4()
    answers = {"Q1": "2", "Q2": 5, "Q5": "giấy"}
    response = responses.enter_paper(survey, surveys["HP-SNV"], survey.groups[0], answers, storage_questionnaire,
                                     submission_id=submission)
    assert response.mode == "paper"
    assert response.answers == {"Q1": "2", "Q5": "giấy"}, "Q2 is not applicable when Q1 = 2"
    db.session.commit()
    with pytest.raises(AlreadySubmitted):
        responses.enter_paper(survey, surveys["HP-SNV"], survey.groups[0], answers, storage_questionnaire,
                              submission_id=submission)
    with pytest.raises(OperatorError, match="Q99"):
        responses.enter_paper(survey, surveys["HP-SNV"], None, {"Q99": "1"}, storage_questionnaire)
    assert count(Response) == 1
    assert count(Invitation) == 0


def test_paper_entry_reads_typed_in_text_and_refuses_impossible_answers(surveys, storage_questionnaire):
    survey, unit = surveys["anonymous"], surveys["HP-SNV"]
    response = responses.enter_paper(survey, unit, None, {"Q1": "1", "Q3": ["A"], "Q6": "2,5"}, storage_questionnaire)
    assert response.answers == {"Q1": "1", "Q3": ["A"], "Q6": 2.5}, "the required Q2 may stay empty on paper"
    with pytest.raises(OperatorError, match="Q2: above_max") as caught:
        responses.enter_paper(survey, unit, None, {"Q1": "1", "Q2": "500", "Q4_a": "Z"}, storage_questionnaire)
    assert "Q4_a: not_an_option" in str(caught.value)
    assert count(Response) == 1


def test_saving_a_page_of_a_draft_submitted_meanwhile_says_already_submitted(surveys, storage_questionnaire):
    _, draft = start(surveys)
    fill(draft, storage_questionnaire)
    db.session.commit()
    with db.engine.begin() as other_tab:
        other_tab.execute(sa.delete(Draft).where(Draft.id == draft.id))
    with pytest.raises(AlreadySubmitted):
        drafts.save_page(draft, "S3", {"Q5": "late"}, storage_questionnaire)


def test_a_page_saved_after_its_code_was_revoked_is_refused_and_stores_no_draft(surveys, storage_questionnaire):
    """The page was shown before the revocation; its first save must not leave a draft the revocation missed."""
    code, draft = start(surveys)
    invitations.revoke(code)
    db.session.commit()
    with pytest.raises(InvitationRevoked):
        drafts.save_page(draft, "S1", {"Q1": "2"}, storage_questionnaire)
    assert count(Draft) == 0

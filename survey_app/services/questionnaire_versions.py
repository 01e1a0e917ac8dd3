"""Questionnaire versions: publishing a questionnaire immutably (snapshot and checksum) and reading it back."""

from __future__ import annotations

import threading

from sqlalchemy import select

from questionnaires.build import thaw
from questionnaires.loader import from_snapshot, snapshot
from questionnaires.model import Questionnaire
from questionnaires.schema_check import missing_vietnamese
from survey_app.extensions import db
from survey_app.models import QuestionnaireVersion, Survey
from survey_app.services.errors import OperatorError
from survey_app.services.groups import sync_groups

_parsed: dict[str, Questionnaire] = {}
_parsed_lock = threading.Lock()


def publish_questionnaire(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """Store ``questionnaire`` immutably (its snapshot and checksum); reuse the row if already published.

    Respondents read Vietnamese: a questionnaire imported in another language is refused until it is translated.
    """
    untranslated = missing_vietnamese(thaw(questionnaire.raw))
    if untranslated:
        more = f" and {len(untranslated) - 3} more" if len(untranslated) > 3 else ""
        raise OperatorError(f"{questionnaire.key} cannot be published: texts without Vietnamese (vi) at "
                            f"{', '.join(untranslated[:3])}{more}; translate them first")
    existing = db.session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.checksum == questionnaire.checksum)
    )
    if existing is not None:
        sync_groups(questionnaire)
        return existing
    clash = db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.version == questionnaire.version,
        )
    )
    if clash is not None:
        raise OperatorError(
            f"{questionnaire.key} was already published with different content (checksum {clash.checksum[:12]}); "
            "a published version never changes: give the new file a new version"
        )
    row = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        version=questionnaire.version,
        checksum=questionnaire.checksum,
        definition=snapshot(questionnaire),
    )
    db.session.add(row)
    sync_groups(questionnaire)
    db.session.flush()
    return row


def questionnaire_for(survey: Survey) -> Questionnaire:
    """The survey's questionnaire, parsed once per process and then shared (it is immutable)."""
    return questionnaire_of_version(survey.questionnaire_version)


def questionnaire_of_version(version: QuestionnaireVersion) -> Questionnaire:
    """The frozen questionnaire of a stored version, from an in-process cache keyed by checksum."""
    cached = _parsed.get(version.checksum)
    if cached is not None:
        return cached
    with _parsed_lock:
        cached = _parsed.get(version.checksum)
        if cached is None:
            cached = _parsed[version.checksum] = from_snapshot(version.definition)
    return cached

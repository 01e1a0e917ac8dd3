"""SQLAlchemy models, one module per noun; importing this package registers every table."""

from survey_app.models.audit import AuditEntry
from survey_app.models.contact import InvitationContact, MailLog
from survey_app.models.draft import Draft
from survey_app.models.invitation import Invitation
from survey_app.models.paper import PaperCompletion, PaperEntry, PaperForm
from survey_app.models.questionnaire_version import QuestionnaireVersion
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.response import Response, ResponseIdentity, SpentSession
from survey_app.models.staff import StaffUser
from survey_app.models.survey import Survey, SurveyQuota, survey_group
from survey_app.models.unit import Unit

__all__ = [
    "AuditEntry",
    "Draft",
    "Invitation",
    "InvitationContact",
    "MailLog",
    "PaperCompletion",
    "PaperEntry",
    "PaperForm",
    "QuestionnaireVersion",
    "RespondentGroup",
    "Response",
    "ResponseIdentity",
    "SpentSession",
    "StaffUser",
    "Survey",
    "SurveyQuota",
    "Unit",
    "survey_group",
]

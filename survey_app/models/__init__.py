"""SQLAlchemy models, one module per noun; importing this package registers every table."""

from survey_app.models.api_token import ApiToken
from survey_app.models.audit import AuditEntry
from survey_app.models.contact import InvitationContact, MailLog
from survey_app.models.draft import Draft
from survey_app.models.export_job import ExportJob
from survey_app.models.invitation import Invitation
from survey_app.models.opened_invitation import OpenedInvitation
from survey_app.models.paper import PaperEntry, PaperForm
from survey_app.models.questionnaire_version import QuestionnaireVersion
from survey_app.models.respondent_group import RespondentGroup
from survey_app.models.response import Response, ResponseIdentity, SpentInvitation, SpentSession
from survey_app.models.staff import StaffUser
from survey_app.models.survey import Survey, SurveyQuota, survey_group
from survey_app.models.unit import Unit

__all__ = [
    "ApiToken",
    "AuditEntry",
    "Draft",
    "ExportJob",
    "Invitation",
    "InvitationContact",
    "MailLog",
    "OpenedInvitation",
    "PaperEntry",
    "PaperForm",
    "QuestionnaireVersion",
    "RespondentGroup",
    "Response",
    "ResponseIdentity",
    "SpentInvitation",
    "SpentSession",
    "StaffUser",
    "Survey",
    "SurveyQuota",
    "Unit",
    "survey_group",
]

"""SQLAlchemy models, one module per noun; importing this package registers every table."""

from survey_app.models.questionnaire_version import QuestionnaireVersion

__all__ = ["QuestionnaireVersion"]

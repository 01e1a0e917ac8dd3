"""Domain errors. Each respondent-facing one carries the HTTP status its page is served with.

``SurveyNotOpenYet`` is 404 (the survey is not there *yet*; 410 would wrongly say it is gone for good) and
``AlreadySubmitted`` is 409 (a conflict with the stored state; the page still says, kindly, that the
answers were received and nothing changed).
"""

from __future__ import annotations

from datetime import datetime

from questionnaires.problems import Problem


class SurveyError(Exception):
    """Base of the errors a respondent can meet; ``status`` is the HTTP status of the page shown."""

    status = 400

    def __init__(self, message: str = ""):
        super().__init__(message or self.__class__.__doc__ or "")
        self.message = str(self)


class CodeNotFound(SurveyError):
    """No invitation has this code."""

    status = 404


class InvitationRevoked(SurveyError):
    """This invitation code was withdrawn by the coordinator."""

    status = 410


class SurveyClosed(SurveyError):
    """The survey has closed."""

    status = 410


class SurveyNotOpenYet(SurveyError):
    """The survey is not open yet."""

    status = 404

    def __init__(self, opens_at: datetime, message: str = ""):
        super().__init__(message)
        self.opens_at = opens_at


class SurveyFull(SurveyError):
    """This unit's public link has received all the responses it needs."""

    status = 410


class AlreadySubmitted(SurveyError):
    """These answers were already submitted; nothing was changed."""

    status = 409


class Incomplete(SurveyError):
    """A required question is still unanswered; ``section_id`` is the first page to revisit."""

    status = 400

    def __init__(self, section_id: str, message: str = ""):
        super().__init__(message)
        self.section_id = section_id


class FileProblemsError(ValueError):
    """The file (units, paper forms...) has problems, all listed; nothing was written.

    Each is a :class:`questionnaires.problems.Problem` (file, row as a spreadsheet shows it, column as headed,
    message): the same record the questionnaire validator reports, printed the same way.
    """

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


def N_(message: str) -> str:
    """Mark an English message for the translation catalogue (pybabel's default ``N_`` keyword) and return it
    unchanged: services know no page and no language; the console translates the error's ``template``."""
    return message


class OperatorError(ValueError):
    """A coordinator's or operator's mistake (unknown unit, bad option...): the message says what to fix.

    ``str(error)`` is English (the CLI prints it). Raised as ``OperatorError(N_("survey '%(slug)s' is not open"),
    slug=...)``, the error also keeps the ``template`` (a catalogue msgid) and its ``params``, so a console page
    shows the message in the page's language (:func:`survey_app.console.messages.reason`); a message built
    without a template stays English everywhere.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.template = message
        self.params = params

"""A service's refusal in the page's language: what the console shows where the CLI prints English.

Services raise :class:`~survey_app.services.errors.OperatorError` with an English template marked ``N_`` (a
catalogue msgid) and its values; here the template is translated and filled. A message without a template (built
by hand, or by a service not converted yet) is shown as it is, in English. File problems
(:class:`questionnaires.problems.Problem` made with ``Problem.worded``) are translated the same way.
"""

from __future__ import annotations

from flask_babel import gettext

from questionnaires.problems import Problem
from survey_app.console.blueprint import bp


def reason(error: Exception) -> str:
    """``error``'s message for this page: translated when it carries a catalogue template, else ``str(error)``."""
    return _translated(getattr(error, "template", None), getattr(error, "params", None) or {}, str(error))


def problem_message(problem: Problem) -> str:
    """A file problem's message (without its row and column) in the page's language, as :func:`reason`."""
    return _translated(problem.template, dict(problem.params), problem.message)


def _translated(template: str | None, params: dict[str, object], english: str) -> str:
    if not template:
        return english
    return gettext(template, **params) if params else gettext(template)


@bp.app_template_global("problem_message")
def _problem_message_in_templates(problem: Problem) -> str:
    return problem_message(problem)

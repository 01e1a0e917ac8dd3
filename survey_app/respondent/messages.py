"""Turns the validator's problems (``AnswerProblem.kind`` + params) into sentences in the respondent's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask_babel import gettext as _

from questionnaires.record import value_text

# Kinds a person cannot produce with the page as served: only a tampered or forged request contains them.
TAMPERING_KINDS = frozenset({"unknown_field", "not_an_option"})


def problem_message(kind: str, params: Mapping[str, object], language: str) -> str:
    """One sentence for one problem; a questionnaire's own ``constraint_message`` wins for constraints."""
    value = {k: value_text(v) for k, v in params.items() if v is not None and not hasattr(v, "get")}
    if kind == "required":
        return _("Please answer this question.")
    if kind == "soft_required":
        return _("This question has no answer. Please answer it if you can, or press Next again to go on.")
    if kind == "not_an_option":
        return _("Please choose one of the options shown.")
    if kind == "filtered_out":
        return _("This option does not go with your earlier answer. Please choose again from the options shown.")
    if kind == "not_an_integer":
        return _("Please enter a whole number.")
    if kind == "not_a_number":
        return _("Please enter a number.")
    if kind == "below_min":
        return _("Please enter a value of at least %(min)s.", min=value.get("min", ""))
    if kind == "above_max":
        return _("Please enter a value of at most %(max)s.", max=value.get("max", ""))
    if kind == "too_long":
        return _("Please shorten your answer to at most %(max)s characters.",
                 max=value.get("max_length", value.get("max", "")))
    if kind == "not_a_date":
        return _("Please enter a valid date.")
    if kind == "constraint":
        own = params.get("message")
        if own is not None and hasattr(own, "get"):
            return own.get(language)
        return _("This answer is not possible. Please check it.")
    if kind == "unknown_field":
        return _("The page sent an answer to a question that is not on it.")
    return _("This answer is not valid.")


def messages_by_variable(problems: Iterable, language: str) -> dict[str, list[str]]:
    """Messages grouped by the variable they belong to, for display beside each field."""
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        grouped.setdefault(problem.variable, []).append(problem_message(problem.kind, problem.params, language))
    return grouped

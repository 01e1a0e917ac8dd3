"""Why a paper form cannot be typed or stored, in the operator's language (reasons from ``services.paper_entry``)."""

from __future__ import annotations

from flask_babel import gettext as _

from survey_app.services.paper_entry import PaperEntryRefused


def refusal_text(error: PaperEntryRefused) -> str:
    p = error.params
    texts = {
        "unknown_unit": lambda: _("No unit has this code."),
        "unit_out_of_scope": lambda: _("This unit is not one of the units you work for."),
        "no_code": lambda: _("Type the code printed on the paper form."),
        "unknown_code": lambda: _("No invitation has this code. Check it against the paper form."),
        "other_survey": lambda: _("This code belongs to another survey."),
        "code_out_of_scope": lambda: _("This code belongs to a unit you do not work for."),
        "code_of_other_unit": lambda: _("This code belongs to another unit than the one chosen."),
        "revoked": lambda: _("This code was revoked: the form cannot be stored. Ask the coordinator."),
        "used": lambda: _("This code has already been used: its answers were received (online or on paper)."),
        "no_entry_number": lambda: _("Type the entry number written on the paper form."),
        "entry_number_too_long": lambda: _("An entry number has at most %(max)s characters.", max=p["max"]),
        "number_stored": lambda: _("The form with entry number %(number)s is already stored.", number=p["number"]),
        "number_of_other_unit": lambda: _("Entry number %(number)s is being typed for another unit or group.",
                                          number=p["number"]),
        "finished_by_you": lambda: _("You have already finished typing this form. Under double entry, another "
                                     "operator types it the second time."),
        "taken": lambda: _("Another operator is typing this form."),
        "typed_twice": lambda: _("This form is already being typed twice, by two other operators."),
        "no_group": lambda: _("Choose the respondent group."),
        "group_not_in_survey": lambda: _("This group is not part of the survey."),
        "unit_level": lambda: _("This group does not answer at this unit's level."),
        "unresolved": lambda: _("Choose a value for every difference: %(variables)s.", variables=p["variables"]),
        "invalid_resolution": lambda: _("A value typed is not valid: %(problems)s", problems=p["problems"]),
        "try_again": lambda: _("Another operator started this form at the same moment. Press Start again."),
        "nothing_typed": lambda: _("Nothing is typed yet: type the answers on the paper form first."),
        "code_needed": lambda: _("Type the form's code again to store it."),
        "code_mismatch": lambda: _("This is not the code of this form. Check it against the paper form."),
    }
    return texts.get(error.reason, lambda: _("This paper form cannot be typed."))()

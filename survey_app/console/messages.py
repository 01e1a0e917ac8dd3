"""A service's refusal in the page's language: what the console shows where the CLI prints English.

Services raise :class:`~survey_app.services.errors.OperatorError` with an English template marked ``N_`` (a
catalogue msgid) and its values; here the template is translated and filled. A message without a template (built
by hand, or by a service not converted yet) is shown as it is, in English.
"""

from __future__ import annotations

from flask_babel import gettext


def reason(error: Exception) -> str:
    """``error``'s message for this page: translated when it carries a catalogue template, else ``str(error)``."""
    template = getattr(error, "template", None)
    if not template:
        return str(error)
    params = getattr(error, "params", None) or {}
    return gettext(template, **params) if params else gettext(template)

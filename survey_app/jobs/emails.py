"""The text of invitation and reminder e-mails: Vietnamese and English in one message, the reader's first.

An invitation e-mail is written when the code is issued, the only moment the code is known (only its hash is
stored). A reminder therefore cannot repeat the code: it asks the person to use the letter or e-mail they
already received, and to reply if it is lost (the coordinator then revokes it and issues a new one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.message import EmailMessage

from flask_babel import force_locale, gettext

from survey_app.links import personal_link

VIETNAM = timezone(timedelta(hours=7), "ICT")
LANGUAGES = ("vi", "en")


@dataclass(frozen=True)
class Addressee:
    """What an e-mail needs to know about its recipient and survey; built by the job from the database."""

    email: str
    name: str | None
    language: str
    survey_title: str
    anonymous: bool
    unit_name_vi: str
    unit_name_en: str | None
    closes_at: datetime
    base_url: str


def invitation_message(to: Addressee, code: str) -> EmailMessage:
    """The invitation with the personal link and the code (sent at issue time)."""
    return _message(to, _invitation_subject, lambda language: _invitation_body(to, language, code))


def reminder_message(to: Addressee) -> EmailMessage:
    """A reminder without the code, which the server no longer knows."""
    return _message(to, _reminder_subject, lambda language: _reminder_body(to, language))


def _message(to: Addressee, subject, body) -> EmailMessage:
    order = [to.language] + [lang for lang in LANGUAGES if lang != to.language]
    parts = []
    for language in order:
        with force_locale(language):
            if language == to.language:
                title = subject(to)
            parts.append(body(language))
    message = EmailMessage()
    message["To"] = to.email
    message["Subject"] = title
    message.set_content("\n\n-----\n\n".join(parts))
    return message


def _greeting(to: Addressee) -> str:
    if to.name:
        return gettext("Dear %(name)s,", name=to.name)
    return gettext("Dear Sir or Madam,")


def _unit(to: Addressee, language: str) -> str:
    name = to.unit_name_en if language == "en" and to.unit_name_en else to.unit_name_vi
    return gettext("Unit: %(unit)s", unit=name)


def _closes(to: Addressee) -> str:
    moment = to.closes_at if to.closes_at.tzinfo else to.closes_at.replace(tzinfo=UTC)
    local = moment.astimezone(VIETNAM).strftime("%d/%m/%Y %H:%M")
    return gettext("The survey is open until %(closes)s (Vietnam time).", closes=local)


def _invitation_subject(to: Addressee) -> str:
    return gettext('Invitation to the survey "%(title)s"', title=to.survey_title)


def _invitation_body(to: Addressee, language: str, code: str) -> str:
    lines = [
        _greeting(to),
        "",
        gettext('You are invited to take part in the survey "%(title)s".', title=to.survey_title),
        _unit(to, language),
        "",
        gettext("Your personal link: %(url)s", url=personal_link(to.base_url, code)),
        gettext("Or open %(start)s and type your code: %(code)s", start=to.base_url.rstrip("/") + "/", code=code),
        _closes(to),
        "",
        gettext("Please keep this e-mail: your code is stored nowhere else and cannot be sent to you again."),
    ]
    if to.anonymous:
        lines.append(gettext("Your answers are stored without your name, e-mail address or code."))
    lines += ["", gettext("Thank you for your help.")]
    return "\n".join(lines)


def _reminder_subject(to: Addressee) -> str:
    return gettext('Reminder: the survey "%(title)s"', title=to.survey_title)


def _reminder_body(to: Addressee, language: str) -> str:
    return "\n".join([
        _greeting(to),
        "",
        gettext('We have not yet received your answers to the survey "%(title)s".', title=to.survey_title),
        _unit(to, language),
        "",
        gettext("Please use the personal link or code in the letter or e-mail you received about this survey. "
                "We keep no copy of your code, so we cannot repeat it here."),
        gettext("If you have lost it, reply to this e-mail and the coordinator will give you a new code."),
        _closes(to),
        "",
        gettext("If you have answered in the meantime, thank you, and please ignore this message."),
        gettext("Thank you for your help."),
    ])

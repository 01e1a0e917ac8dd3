"""E-mail addresses of invitation holders: read from a coordinator's file, kept beside the invitation only.

The file has one row per person: ``email`` (required), ``name`` and ``language`` (``vi`` or ``en``, default
``vi``). Issued with it, each invitation's code goes out by e-mail (a background job) at once, because that is
the only moment the code is known: the database keeps only its hash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from questionnaires.problems import Problem
from survey_app.extensions import db
from survey_app.models import Invitation, InvitationContact, MailLog, RespondentGroup, Survey, Unit
from survey_app.queue import defer
from survey_app.services import invitations
from survey_app.services.errors import CodeNotFound, FileProblemsError, OperatorError
from survey_app.services.paper_sheet import read_sheet

# Deliberately loose (the SMTP server is the judge): one @, a dot in the domain, and none of the characters that
# would make a header list several addresses or a display name (space , ; < > ( ) " [ ]).
_PART = r'[^@\s,;<>()"\[\]]+'
_EMAIL = re.compile(rf"{_PART}@{_PART}\.{_PART}")
COLUMNS = ("email", "name", "language")


@dataclass(frozen=True)
class Contact:
    email: str
    name: str | None = None
    language: str = "vi"


def read_contacts(path: Path) -> list[Contact]:
    """The contacts of an e-mails file; every problem listed as ``FILE:ROW: COLUMN: message``, none kept on error."""
    header, rows = read_sheet(path)
    problems = []
    if "email" not in header:
        problems.append(Problem(str(path), 1, None, "an 'email' column is required (optional: name, language)"))
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        problems.append(Problem(str(path), 1, unknown[0], "unknown column (expected email, name, language)"))
    if problems:
        raise FileProblemsError(problems)
    contacts: list[Contact] = []
    seen: dict[str, int] = {}
    for number, row in rows:
        email = row.get("email", "").strip()
        language = (row.get("language") or "vi").strip().lower()
        if not _EMAIL.fullmatch(email):
            problems.append(Problem(str(path), number, "email", f"{email!r} is not an e-mail address"))
        elif email.lower() in seen:
            problems.append(Problem(str(path), number, "email", f"{email} is already on row {seen[email.lower()]}"))
        else:
            seen[email.lower()] = number
        if language not in ("vi", "en"):
            problems.append(Problem(str(path), number, "language", f"{language!r} must be vi or en"))
        if row.get(""):
            problems.append(Problem(str(path), number, None, "a value under no column heading"))
        contacts.append(Contact(email=email, name=(row.get("name") or "").strip() or None, language=language))
    if not contacts and not problems:
        problems.append(Problem(str(path), 2, "email", "the file lists no one"))
    if problems:
        raise FileProblemsError(problems)
    return contacts


def issue_to_contacts(survey: Survey, unit: Unit, group: RespondentGroup, contacts: list[Contact]) -> list[str]:
    """One invitation per contact, its e-mail kept beside it, and the invitation e-mail queued.

    Returns the codes in the contacts' order. The e-mails leave once the caller commits (see ``queue.defer``);
    until a worker sends it, a code waits in the job queue, so the queue deserves the care of the codes file.
    """

    codes = invitations.issue(survey, unit, group, len(contacts))
    created = db.session.scalars(
        select(Invitation).where(Invitation.code_hash.in_([invitations.hash_code(c) for c in codes]))
    ).all()
    by_hash = {i.code_hash: i for i in created}
    for code, contact in zip(codes, contacts, strict=True):
        invitation = by_hash[invitations.hash_code(code)]
        db.session.add(InvitationContact(invitation=invitation, email=contact.email, name=contact.name,
                                         language=contact.language))
        entry = MailLog(invitation=invitation, kind="invitation", recipient=contact.email, status="queued")
        db.session.add(entry)
        db.session.flush()
        defer("deliver_mail", entry.id, code=code)
    return codes


CODES_FILE_COLUMNS = ("survey", "unit", "group", "code", "url", "email", "name", "language")


def attach_contacts(path: Path, send_invitations: bool = False) -> int:
    """Give already-issued codes an e-mail, from a codes file with an ``email`` column added (``name`` and
    ``language`` optional). Rows without an e-mail are left alone. With ``send_invitations`` each person is
    also e-mailed their code now (the file holds it). Every problem is listed; nothing is kept on any."""

    header, rows = read_sheet(path)
    problems = []
    missing = [c for c in ("code", "email") if c not in header]
    if missing:
        problems.append(Problem(str(path), 1, None, f"columns {', '.join(missing)} are required"))
    unknown = [c for c in header if c not in CODES_FILE_COLUMNS]
    if unknown:
        problems.append(Problem(str(path), 1, unknown[0], f"unknown column (expected {', '.join(COLUMNS)} "
                                                               "beside the codes file's columns)"))
    if problems:
        raise FileProblemsError(problems)
    found: list[tuple[Invitation, str, Contact]] = []
    for number, row in rows:
        email, code = row.get("email", "").strip(), row.get("code", "").strip()
        if not email:
            continue
        language = (row.get("language") or "vi").strip().lower()
        if not _EMAIL.fullmatch(email):
            problems.append(Problem(str(path), number, "email", f"{email!r} is not an e-mail address"))
        if language not in ("vi", "en"):
            problems.append(Problem(str(path), number, "language", f"{language!r} must be vi or en"))
        try:
            invitation = invitations.find_invitation(code)
        except CodeNotFound:
            problems.append(Problem(str(path), number, "code", f"no invitation has the code {code!r}"))
            continue
        if invitation.status == "revoked":
            problems.append(Problem(str(path), number, "code", "this code was revoked"))
            continue
        found.append((invitation, code, Contact(email, (row.get("name") or "").strip() or None, language)))
    if problems:
        raise FileProblemsError(problems)
    for invitation, code, person in found:
        contact = db.session.get(InvitationContact, invitation.id) or InvitationContact(invitation=invitation)
        contact.email, contact.name, contact.language = person.email, person.name, person.language
        db.session.add(contact)
        if send_invitations and invitation.status != "completed":
            entry = MailLog(invitation=invitation, kind="invitation", recipient=person.email, status="queued")
            db.session.add(entry)
            db.session.flush()
            defer("deliver_mail", entry.id, code=code)
    db.session.flush()
    return len(found)


def record_refusal(survey: Survey, email: str, on: date) -> int:
    """The person with ``email`` declined to take part in ``survey``: never remind them. Returns how many
    invitations were marked (one person may hold several)."""
    found = db.session.scalars(
        select(InvitationContact).join(Invitation)
        .where(Invitation.survey_id == survey.id, func.lower(InvitationContact.email) == email.strip().lower())
    ).all()
    if not found:
        raise OperatorError(f"no invitation of survey {survey.slug!r} has the e-mail {email!r}")
    for contact in found:
        contact.refused_on = contact.refused_on or on
    db.session.flush()
    return len(found)

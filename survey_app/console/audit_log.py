"""Admins read the audit log, filtered by action, person and days, and download it as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

from flask import Response, render_template, request
from flask_login import current_user

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.timefmt import vietnam_time
from survey_app.extensions import db
from survey_app.services import audit

PAGE_SIZE = 200


@bp.get("/audit")
@rule("audit.read")
def audit_log():
    filters, problems = _filters()
    if request.args.get("format") == "csv" and not problems:
        rows = audit.entries(**filters)
        audit.record("export", current_user._get_current_object(), "audit log", f"{len(rows)} entries")
        db.session.commit()
        return _csv(rows)
    rows = [] if problems else audit.entries(limit=PAGE_SIZE, **filters)
    return render_template("console/audit.html", rows=rows, actions=audit.ACTIONS, args=request.args,
                           problems=problems, page_size=PAGE_SIZE, when=vietnam_time), 400 if problems else 200


def _filters() -> tuple[dict, list[str]]:
    from flask_babel import gettext as _

    args = request.args
    filters: dict = {"action": None, "actor": args.get("actor") or None, "since": None, "until": None}
    problems = []
    if args.get("action"):
        if args["action"] in audit.ACTIONS:
            filters["action"] = args["action"]
        else:
            problems.append(_("Unknown action %(action)s.", action=args["action"]))
    for key in ("since", "until"):
        if args.get(key):
            try:
                filters[key] = date.fromisoformat(args[key])
            except ValueError:
                problems.append(_("%(value)s is not a date (YYYY-MM-DD).", value=args[key]))
    return filters, problems


def _csv(rows) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["at", "actor", "action", "target", "detail"])
    for row in rows:
        writer.writerow([vietnam_time(row.at), row.actor, row.action, row.target or "", _safe(row.detail or "")])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=audit-log.csv"})


def _safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with a quote."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text

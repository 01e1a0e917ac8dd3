"""Live participation of a survey: per unit (drilling down the hierarchy, with subtotals) and group, as a page
or as CSV; where unfinished respondents stop; completions over time under the anonymity rule (small_cells)."""

from __future__ import annotations

import math

from flask import Response, abort, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from survey_app.console.access import rule
from survey_app.console.blueprint import bp
from survey_app.console.loaders import survey_by_slug
from survey_app.extensions import db
from survey_app.i18n import current_language
from survey_app.models import Unit
from survey_app.services import audit, live_participation
from survey_app.services.access import can, scope_unit_ids, units_below
from survey_app.services.questionnaire_versions import questionnaire_for
from survey_app.services.small_cells import completion_periods


@bp.get("/surveys/<slug>/participation")
@rule("participation.read", load=survey_by_slug)
def participation(survey):
    scope = scope_unit_ids(current_user)
    if request.args.get("format") == "csv":
        return _csv(survey, scope)
    units = live_participation.units(scope)
    counts = live_participation.counts_by_cell(survey, scope)
    root = _root(scope)
    root_id = root.id if root else None
    rows = live_participation.drill_down(counts, {u: info.parent_id for u, info in units.items()}, root_id)
    shown_units = None if root is None else units_below(root.id)
    k = current_app.config["ANONYMITY_K"]
    return render_template(
        "console/participation.html", survey=survey, root=root, rows=_page_rows(rows, units, root_id), k=k,
        periods=completion_periods(survey, k, shown_units if shown_units is not None else scope),
        stops=_stops(survey, shown_units if shown_units is not None else scope),
        target=current_app.config["PARTICIPATION_TARGET"], percent=_percent, breadcrumbs=_breadcrumbs(root, scope),
    )


def _root(scope):
    """The unit whose children the page lists: ``?unit=CODE`` (within scope), else the user's own unit."""
    code = request.args.get("unit")
    if code:
        unit = db.session.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            abort(404)
        if not can(current_user, "participation.read", unit):
            abort(403)
        return unit
    return current_user.unit if scope is not None else None


def _breadcrumbs(root, scope) -> list:
    chain = []
    while root is not None:
        chain.insert(0, root)
        if scope is not None and root.id == current_user.unit_id:
            break
        root = root.parent
    return chain


def _page_rows(rows: dict[int, dict[str, dict[str, int]]], units: dict, root: int | None) -> list[dict]:
    """Per unit shown (``root``'s own invitations first, then by unit code): a subtotal row (all groups) then one
    row per group; the grand total last. The rates of every row come from one call of the analysts' formulas."""
    language = current_language()
    counts = live_participation.COUNTS
    has_children = {info.parent_id for info in units.values() if info.parent_id is not None}
    ordered: list[dict] = []
    for unit_id in sorted(rows, key=lambda u: (u != root, units[u].code)):
        info, own = units[unit_id], unit_id == root
        name = (info.name_en if language == "en" and info.name_en else None) or info.name_vi
        ordered.append({"kind": "subtotal", "code": info.code, "name": name, "own": own,
                        "has_children": unit_id in has_children, **_summed(rows[unit_id].values())})
        ordered.extend({"kind": "group", "code": info.code, "group": group, "own": own, **cell}
                       for group, cell in rows[unit_id].items())
    if not ordered:
        return []
    ordered.append({"kind": "total", **_summed(cell for by_group in rows.values() for cell in by_group.values())})
    rates = live_participation.rates_of({c: [row[c] for row in ordered] for c in counts})
    for i, row in enumerate(ordered):
        row.update({rate: float(values[i]) for rate, values in rates.items()})
    return ordered


def _summed(cells) -> dict[str, int]:
    total = dict.fromkeys(live_participation.COUNTS, 0)
    for cell in cells:
        for column in total:
            total[column] += cell[column]
    return total


def _stops(survey, unit_ids) -> list[tuple[str, int]]:
    questionnaire = questionnaire_for(survey)
    language = current_language()
    titles = {s.id: s.title.get(language) for s in questionnaire.sections}
    found = live_participation.stopping_points(survey, unit_ids)
    from flask_babel import gettext as _

    return [(titles.get(section, section) if section else _("opened, no page saved yet"), n) for section, n in found]


def _percent(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{100 * float(value):.1f}%"


def _csv(survey, scope) -> Response:
    table = live_participation.flat_table(survey, scope)
    table["parent"] = table["parent"].fillna("")
    audit.record("export", current_user._get_current_object(), survey.slug, "participation CSV")
    db.session.commit()
    body = table.to_csv(index=False, float_format="%.6g", lineterminator="\n")
    return Response("\ufeff" + body, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={survey.slug}-participation.csv"})

"""Live participation of a closed survey per unit and respondent group, for the console (and its CSV).

A respondent never writes the invitation row, and openings, drafts and completions are keyed by pseudonyms only the
application can compute (see :mod:`survey_app.pseudonyms`), so the counts come from bare ``GROUP BY`` statements
over the rows that carry a unit and a group: invitations (issued, revoked), opened markers (a code's first visit),
spent markers (invitations completed, online or on paper), paper responses and drafts (in progress). Only the few
invitations a coordinator marked are looked up one by one (a marked case that completes counts as complete, a marked
case in progress or only opened counts as marked, not as a break-off), and only the drafts' answers, which the
questionnaire's relevance rules must judge (partial or break-off, as in ``parsurvey report rates``), are read in
Python. Columns per (unit, group):

- ``issued`` invitations; ``opened`` (the code was used at least once: its link or the start page, or a paper form
  typed in the console; includes started and completed); ``started`` (at least one page saved, or completed);
  ``completed_online``; ``completed_paper`` (paper forms typed in, for a code or without one); ``completed`` (both);
  ``not_eligible`` (revoked, or marked as having left the post); ``refused`` (marked by the coordinator);
  ``not_opened`` (never opened, not completed, not marked).
- AAPOR: I = completed; P = partial drafts; R = break-offs (drafts that are not partial, and codes opened with no
  page saved) + refused; NC = not_opened; NE = not_eligible; and RR1, RR2, COOP1 from
  :func:`analysis.rates.rates_from_counts`, the vectorised core of the analysts' ``response_rates`` (fractions, NaN
  when undefined).

The page sums and rates a few thousand cells in plain dicts and arrays (:func:`counts_by_cell`,
:func:`drill_down`): pandas' fixed cost per operation outweighed the arithmetic. The CSV and the API get the same
numbers as frames (:func:`cells`, :func:`flat_table`).

Opened without a saved page is counted by subtraction: markers, less those of marked cases (looked up), less
completions and drafts in progress (each was opened first: the visit that saves a page records the marker before it,
a paper form typed in the console or imported with its code records it, and the migration that brought markers gave
one to every invitation already started or completed; revoking a code deletes its marker).

A case marked refused or not eligible keeps that disposition unless it completes (a complete is a complete).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from sqlalchemy import func, select

from analysis.rates import rates_from_counts
from questionnaires.route import is_partial
from survey_app.extensions import db
from survey_app.models import (
    Draft,
    Invitation,
    OpenedInvitation,
    RespondentGroup,
    Response,
    SpentInvitation,
    Survey,
    Unit,
)
from survey_app.pseudonyms import draft_key
from survey_app.services import invitation_status
from survey_app.services.questionnaire_versions import questionnaire_for

COUNTS = ("issued", "opened", "started", "completed_online", "completed_paper", "completed", "not_eligible", "refused",
          "not_opened", "P", "R")
RATES = ("RR1", "RR2", "COOP1")
#: One row per unit and group in scope: the console's CSV and the read API's participation table.
FLAT_COLUMNS = ("unit", "unit_name", "level", "parent", "group", *COUNTS, *RATES)
KEYS = ("unit_id", "group")
_KEY_TYPES = {"unit_id": "int64", "group": "object"}
_RAW = ("issued", "revoked", "opened", "opened_marked", "marked_not_eligible", "marked_refused", "spent",
        "completed_online", "completed_paper", "drafts", "saved_drafts", "marked_drafts")

#: (unit id, group code): one cell of the table.
Cell = tuple[int, str]


class UnitRow(NamedTuple):
    code: str
    name_vi: str
    name_en: str | None
    level: str
    parent_id: int | None


def _rows(statement) -> list:
    """Rows of a statement of plain columns, through the session's connection (the ORM's per-row bookkeeping costs
    more than the thousands of small ``GROUP BY`` rows themselves); pending changes are flushed first, as the
    session's own ``execute`` would."""
    db.session.flush()
    return db.session.connection().execute(statement).all()


def _group_codes() -> dict[int, str]:
    return dict(_rows(select(RespondentGroup.id, RespondentGroup.code)))


def _invitation_drafts(survey: Survey, units: list[int] | None) -> list:
    """Every draft of an invitation of ``survey`` (in ``units``): unit id, group id, id, updated at, key, the
    verdict a purge kept, and whether a page was saved. One read serves the counts (drafts, saved drafts) and the
    judging of partials."""
    statement = (
        select(Draft.unit_id, Draft.group_id, Draft.id, Draft.updated_at, Draft.invitation_key, Draft.partial,
               Draft.current_section.is_not(None))
        .where(Draft.survey_id == survey.id, Draft.invitation_key.is_not(None))
    )
    if units is not None:
        statement = statement.where(Draft.unit_id.in_(units))
    return _rows(statement)


def _raw_cells(survey: Survey, units: list[int] | None, drafts: list) -> tuple[dict[tuple[int, int], dict], set]:
    """Per (unit id, group id): every column of ``_RAW``; and the draft keys of marked invitations (not
    judged as partial: their case is the coordinator's mark)."""

    def scoped(statement, unit_column):
        return statement if units is None else statement.where(unit_column.in_(units))

    cells: defaultdict[tuple[int, int], dict[str, int]] = defaultdict(lambda: dict.fromkeys(_RAW, 0))
    by_status = scoped(  # as bare as a GROUP BY gets; the few marked cases are read one by one below
        select(Invitation.unit_id, Invitation.group_id, Invitation.recorded_status, func.count())
        .where(Invitation.survey_id == survey.id)
        .group_by(Invitation.unit_id, Invitation.group_id, Invitation.recorded_status), Invitation.unit_id)
    for unit_id, group_id, status, n in _rows(by_status):
        counts = cells[(unit_id, group_id)]
        counts["issued"] += n
        if status == "revoked":
            counts["revoked"] += n
    opened = scoped(
        select(OpenedInvitation.unit_id, OpenedInvitation.group_id, func.count())
        .where(OpenedInvitation.survey_id == survey.id)
        .group_by(OpenedInvitation.unit_id, OpenedInvitation.group_id), OpenedInvitation.unit_id)
    for unit_id, group_id, n in _rows(opened):
        cells[(unit_id, group_id)]["opened"] += n
    # completed online = the invitations completed online (a closed survey's only online responses); paper forms
    # are counted from the responses, with or without a code, from the index's mode = 'paper' range
    spent = scoped(
        select(SpentInvitation.unit_id, SpentInvitation.group_id, SpentInvitation.mode, func.count())
        .where(SpentInvitation.survey_id == survey.id)
        .group_by(SpentInvitation.unit_id, SpentInvitation.group_id, SpentInvitation.mode), SpentInvitation.unit_id)
    for unit_id, group_id, mode, n in _rows(spent):
        counts = cells[(unit_id, group_id)]
        counts["spent"] += n
        if mode == "online":
            counts["completed_online"] += n
    paper = scoped(
        select(Response.unit_id, Response.group_id, func.count())
        .where(Response.survey_id == survey.id, Response.mode == "paper", Response.group_id.is_not(None))
        .group_by(Response.unit_id, Response.group_id), Response.unit_id)
    for unit_id, group_id, n in _rows(paper):
        cells[(unit_id, group_id)]["completed_paper"] += n
    for unit_id, group_id, _, _, _, _, saved in drafts:
        counts = cells[(unit_id, group_id)]
        counts["drafts"] += 1
        counts["saved_drafts"] += 1 if saved else 0
    marked = _rows(scoped(  # marked by a coordinator: few, looked up by their keys
        select(Invitation.unit_id, Invitation.group_id, Invitation.disposition, Invitation.code_hash)
        .where(Invitation.survey_id == survey.id, Invitation.disposition.is_not(None),
               Invitation.recorded_status != "revoked"), Invitation.unit_id))
    progress = invitation_status.progress_by_code_hash([row[3] for row in marked], [survey.id])
    marked_draft_keys = set()
    for unit_id, group_id, mark, code_hash in marked:
        counts = cells[(unit_id, group_id)]
        reached = progress[code_hash]
        if reached == "completed":  # a complete is a complete: the mark no longer counts
            continue
        counts[f"marked_{mark}"] += 1
        if reached != "issued":  # opened: the mark, not a break-off
            counts["opened_marked"] += 1
        if reached == "started":
            counts["marked_drafts"] += 1
            marked_draft_keys.add(draft_key(code_hash))
    return cells, marked_draft_keys


# (questionnaire checksum, draft id, draft updated_at) -> partial? A draft's verdict changes only when it is
# saved again, so a page refreshed while collecting re-judges only the drafts saved since (bounded, per process).
_verdicts: dict[tuple, bool] = {}
_MAX_VERDICTS = 500_000


def _partial_cells(survey: Survey, drafts: list, excluded: Collection[str]) -> Counter:
    """Per (unit id, group id): the drafts of ``drafts`` (rows of :func:`_invitation_drafts`) with a saved page
    that count as partial (P), except those keyed by ``excluded`` (marked cases).

    Judging a draft needs the questionnaire's relevance rules (Python); the answers are read only for drafts
    saved since they were last judged."""
    questionnaire = questionnaire_for(survey)
    if len(_verdicts) + len(drafts) > _MAX_VERDICTS:
        _verdicts.clear()
    found, unknown = [], {}
    for unit_id, group_id, draft_id, updated, key, purged_verdict, saved in drafts:
        if not saved or key in excluded:
            continue
        verdict_key = (questionnaire.checksum, draft_id, updated)
        if purged_verdict is not None:  # a purged draft keeps its verdict, not its answers
            _verdicts[verdict_key] = purged_verdict
        elif verdict_key not in _verdicts:
            unknown[draft_id] = verdict_key
        found.append((unit_id, group_id, verdict_key))
    ids = list(unknown)
    for first in range(0, len(ids), 5000):
        chunk = ids[first:first + 5000]
        for draft_id, answers in _rows(select(Draft.id, Draft.answers).where(Draft.id.in_(chunk))):
            _verdicts[unknown[draft_id]] = is_partial(questionnaire, answers or {})
    partial: Counter = Counter()
    for unit_id, group_id, verdict_key in found:
        partial[(unit_id, group_id)] += _verdicts.get(verdict_key, False)
    return partial


def partial_counts(survey: Survey, unit_ids: Collection[int] | None = None,
                   excluded: Collection[str] = ()) -> pd.DataFrame:
    """Invitations' drafts with at least one saved page that count as partial (P), per unit id and group, except
    the drafts keyed by ``excluded`` (marked cases)."""
    units = list(unit_ids) if unit_ids is not None else None
    partial = _partial_cells(survey, _invitation_drafts(survey, units), set(excluded))
    groups = _group_codes()
    return pd.DataFrame([(u, groups[g], n) for (u, g), n in partial.items()], columns=[*KEYS, "P"]).astype(_KEY_TYPES)


def counts_by_cell(survey: Survey, unit_ids: Collection[int] | None = None) -> dict[Cell, dict[str, int]]:
    """Counts per (unit id, group code), every column of :data:`COUNTS`, as plain integers: what :func:`cells`
    gives as a frame, for the page, which sums and rates a few thousand cells faster without pandas."""
    units = list(unit_ids) if unit_ids is not None else None
    drafts = _invitation_drafts(survey, units)
    raw, marked_draft_keys = _raw_cells(survey, units, drafts)
    partial = _partial_cells(survey, drafts, marked_draft_keys)
    groups = _group_codes()
    found: dict[Cell, dict[str, int]] = {}
    for (unit_id, group_id), r in raw.items():
        in_progress = r["drafts"] - r["marked_drafts"]
        marked = r["marked_not_eligible"] + r["marked_refused"]
        opened_only = max(0, r["opened"] - r["opened_marked"] - r["spent"] - in_progress)
        p = min(partial.get((unit_id, group_id), 0), in_progress)
        found[(unit_id, groups[group_id])] = {
            "issued": r["issued"], "opened": r["opened"], "started": r["saved_drafts"] + r["spent"],
            "completed_online": r["completed_online"], "completed_paper": r["completed_paper"],
            "completed": r["completed_online"] + r["completed_paper"],
            "not_eligible": r["revoked"] + r["marked_not_eligible"], "refused": r["marked_refused"],
            "not_opened": max(0, r["issued"] - r["revoked"] - r["spent"] - marked - in_progress - opened_only),
            "P": p, "R": in_progress - p + opened_only + r["marked_refused"],
        }
    return found


def cells(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Counts per (unit id, group), every column of :data:`COUNTS`, integers."""
    found = counts_by_cell(survey, unit_ids)
    frame = pd.DataFrame({"unit_id": [u for u, _ in found], "group": [g for _, g in found],
                          **{c: [counts[c] for counts in found.values()] for c in COUNTS}}, columns=[*KEYS, *COUNTS])
    return frame.astype({**_KEY_TYPES, **dict.fromkeys(COUNTS, "int64")})


def rates_of(counts: Mapping[str, ArrayLike]) -> dict[str, np.ndarray]:
    """RR1, RR2 and COOP1 (fractions, NaN when undefined) of rows of counts, one array per column of
    :data:`COUNTS` (I = completed, P, R, NC = not_opened, NE = not_eligible), with the analysts' formulas."""
    found = rates_from_counts({"I": counts["completed"], "P": counts["P"], "R": counts["R"],
                               "NC": counts["not_opened"], "NE": counts["not_eligible"]})
    return {rate: found[rate] for rate in RATES}


def flat_table(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every unit and group in scope with its counts and rates (:data:`FLAT_COLUMNS`), sorted by unit code and
    group: what the console's CSV and the API give. ``parent`` is the parent's code, NaN when the parent is out
    of scope or there is none; rates are fractions, NaN when undefined."""
    tree = units(unit_ids)
    found = counts_by_cell(survey, unit_ids)
    nan = float("nan")
    rows = []
    for (unit_id, group), counts in found.items():
        info = tree.get(unit_id)
        parent = tree.get(info.parent_id) if info is not None and info.parent_id is not None else None
        rows.append({"unit": info.code if info else nan, "unit_name": info.name_vi if info else nan,
                     "level": info.level if info else nan, "parent": parent.code if parent else nan,
                     "group": group, **counts})
    rates = rates_of({c: [row[c] for row in rows] for c in COUNTS})
    for i, row in enumerate(rows):
        row.update({rate: float(rates[rate][i]) for rate in RATES})
    rows.sort(key=lambda row: (row["unit"], row["group"]))
    table = pd.DataFrame(rows, columns=list(FLAT_COLUMNS))
    # text columns stay text (object) even when every value is missing: a scope whose parents are all outside it
    # has only NaN parents, which pandas would otherwise type as numbers
    text = dict.fromkeys(("unit", "unit_name", "level", "parent", "group"), "object")
    return table.astype({**text, **dict.fromkeys(COUNTS, "int64"), **dict.fromkeys(RATES, "float64")})


def units(unit_ids: Collection[int] | None = None) -> dict[int, UnitRow]:
    """Every unit (or those listed) by id: code, names, level and parent id, to roll counts up the hierarchy."""
    wanted = None if unit_ids is None else set(unit_ids)
    statement = select(Unit.id, Unit.code, Unit.name_vi, Unit.name_en, Unit.level, Unit.parent_id)
    return {row[0]: UnitRow(*row[1:]) for row in _rows(statement) if wanted is None or row[0] in wanted}


def unit_tree(unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """:func:`units` as a frame indexed by unit id: code, name_vi, name_en, level, parent_id."""
    found = units(unit_ids)
    frame = pd.DataFrame(list(found.values()), columns=list(UnitRow._fields))
    frame.insert(0, "unit_id", list(found))
    return frame.set_index("unit_id")


def drill_down(counts: Mapping[Cell, Mapping[str, int]], parents: Mapping[int, int | None],
               root: int | None) -> dict[int, dict[str, dict[str, int]]]:
    """Counts of ``root``'s own invitations and of each child's whole subtree, per group (``root`` None: each
    top unit's subtree): unit a row stands for -> group -> counts (:data:`COUNTS`), groups in code order.
    ``parents`` maps every unit in scope to its parent's id."""
    if root is None:
        heads = {u for u, p in parents.items() if p is None or p not in parents}
    else:
        heads = {u for u, p in parents.items() if p == root} | {root}
    memo: dict[int, int | None] = {}

    def head(unit_id: int) -> int | None:
        path, current = [], unit_id
        while current is not None and current not in heads and current not in memo:
            path.append(current)
            current = parents.get(current)
        found = None if current is None else (current if current in heads else memo[current])
        for seen in path:
            memo[seen] = found
        return found

    summed: dict[int, dict[str, dict[str, int]]] = {}
    for (unit_id, group), cell in counts.items():
        row_unit = head(unit_id)
        if row_unit is None:
            continue
        total = summed.setdefault(row_unit, {}).setdefault(group, dict.fromkeys(COUNTS, 0))
        for column in COUNTS:
            total[column] += cell[column]
    return {unit: dict(sorted(by_group.items())) for unit, by_group in summed.items()}


def stopping_points(survey: Survey, unit_ids: Collection[int] | None = None) -> list[tuple[str | None, int]]:
    """Where unfinished respondents are: drafts per last saved page (None: a draft from before drafts were made
    at the first saved page, opened with nothing saved)."""
    statement = (
        select(Draft.current_section, func.count())
        .where(Draft.survey_id == survey.id)
        .group_by(Draft.current_section)
    )
    if unit_ids is not None:
        statement = statement.where(Draft.unit_id.in_(list(unit_ids)))
    return [(section, int(n)) for section, n in db.session.execute(statement)]

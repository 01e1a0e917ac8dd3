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
  :func:`analysis.rates.response_rates` (fractions, NaN when undefined).

Opened without a saved page is counted by subtraction: markers, less those of marked cases (looked up), less
completions and drafts in progress (each was opened first: the visit that saves a page records the marker before it,
a paper form typed in the console or imported with its code records it, and the migration that brought markers gave
one to every invitation already started or completed; revoking a code deletes its marker).

A case marked refused or not eligible keeps that disposition unless it completes (a complete is a complete).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection

import pandas as pd
from sqlalchemy import func, select

from analysis.rates import response_rates
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


def raw_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> tuple[pd.DataFrame, set[str]]:
    """Per (unit id, group id): every column of ``_RAW``; and the draft keys of marked invitations (not judged
    as partial: their case is the coordinator's mark)."""
    units = list(unit_ids) if unit_ids is not None else None

    def scoped(statement, unit_column):
        return statement if units is None else statement.where(unit_column.in_(units))

    cells: defaultdict[tuple[int, int], Counter] = defaultdict(Counter)

    def cell(unit_id: int, group_id: int) -> Counter:
        return cells[(unit_id, group_id)]

    by_status = scoped(  # as bare as a GROUP BY gets; the few marked cases are read one by one below
        select(Invitation.unit_id, Invitation.group_id, Invitation.recorded_status, func.count())
        .where(Invitation.survey_id == survey.id)
        .group_by(Invitation.unit_id, Invitation.group_id, Invitation.recorded_status), Invitation.unit_id)
    for unit_id, group_id, status, n in db.session.execute(by_status):
        counts = cell(unit_id, group_id)
        counts["issued"] += n
        if status == "revoked":
            counts["revoked"] += n
    opened = scoped(
        select(OpenedInvitation.unit_id, OpenedInvitation.group_id, func.count())
        .where(OpenedInvitation.survey_id == survey.id)
        .group_by(OpenedInvitation.unit_id, OpenedInvitation.group_id), OpenedInvitation.unit_id)
    for unit_id, group_id, n in db.session.execute(opened):
        cell(unit_id, group_id)["opened"] += n
    # completed online = the invitations completed online (a closed survey's only online responses); paper forms
    # are counted from the responses, with or without a code, from the index's mode = 'paper' range
    spent = scoped(
        select(SpentInvitation.unit_id, SpentInvitation.group_id, SpentInvitation.mode, func.count())
        .where(SpentInvitation.survey_id == survey.id)
        .group_by(SpentInvitation.unit_id, SpentInvitation.group_id, SpentInvitation.mode), SpentInvitation.unit_id)
    for unit_id, group_id, mode, n in db.session.execute(spent):
        counts = cell(unit_id, group_id)
        counts["spent"] += n
        if mode == "online":
            counts["completed_online"] += n
    paper = scoped(
        select(Response.unit_id, Response.group_id, func.count())
        .where(Response.survey_id == survey.id, Response.mode == "paper", Response.group_id.is_not(None))
        .group_by(Response.unit_id, Response.group_id), Response.unit_id)
    for unit_id, group_id, n in db.session.execute(paper):
        cell(unit_id, group_id)["completed_paper"] += n
    page_saved = Draft.current_section.is_not(None)
    drafts = scoped(
        select(Draft.unit_id, Draft.group_id, page_saved, func.count())
        .where(Draft.survey_id == survey.id, Draft.invitation_key.is_not(None))
        .group_by(Draft.unit_id, Draft.group_id, page_saved), Draft.unit_id)
    for unit_id, group_id, saved, n in db.session.execute(drafts):
        counts = cell(unit_id, group_id)
        counts["drafts"] += n
        counts["saved_drafts"] += n if saved else 0
    marked = db.session.execute(scoped(  # marked by a coordinator: few, looked up one by one
        select(Invitation.unit_id, Invitation.group_id, Invitation.disposition, Invitation.code_hash)
        .where(Invitation.survey_id == survey.id, Invitation.disposition.is_not(None),
               Invitation.recorded_status != "revoked"), Invitation.unit_id)).all()
    progress = invitation_status.progress_by_code_hash([row[3] for row in marked], [survey.id])
    marked_draft_keys = set()
    for unit_id, group_id, mark, code_hash in marked:
        counts = cell(unit_id, group_id)
        reached = progress[code_hash]
        if reached == "completed":  # a complete is a complete: the mark no longer counts
            continue
        counts[f"marked_{mark}"] += 1
        if reached != "issued":  # opened: the mark, not a break-off
            counts["opened_marked"] += 1
        if reached == "started":
            counts["marked_drafts"] += 1
            marked_draft_keys.add(draft_key(code_hash))
    groups = dict(db.session.execute(select(RespondentGroup.id, RespondentGroup.code)).all())
    keys = list(cells)
    frame = pd.DataFrame({"unit_id": [u for u, _ in keys], "group": [groups[g] for _, g in keys],
                          **{column: [cells[key][column] for key in keys] for column in _RAW}},
                         columns=[*KEYS, *_RAW])
    return frame.astype(_KEY_TYPES), marked_draft_keys


# (questionnaire checksum, draft id, draft updated_at) -> partial? A draft's verdict changes only when it is
# saved again, so a page refreshed while collecting re-judges only the drafts saved since (bounded, per process).
_verdicts: dict[tuple, bool] = {}
_MAX_VERDICTS = 500_000


def partial_counts(survey: Survey, unit_ids: Collection[int] | None = None,
                   excluded: Collection[str] = ()) -> pd.DataFrame:
    """Invitations' drafts with at least one saved page that count as partial (P), per unit id and group, except
    the drafts keyed by ``excluded`` (marked cases).

    Judging a draft needs the questionnaire's relevance rules (Python); the answers are read only for drafts
    saved since they were last judged."""
    questionnaire = questionnaire_for(survey)
    where = [Draft.survey_id == survey.id, Draft.invitation_key.is_not(None), Draft.current_section.is_not(None)]
    if unit_ids is not None:
        where.append(Draft.unit_id.in_(list(unit_ids)))
    found = [row for row in db.session.execute(
        select(Draft.unit_id, Draft.group_id, Draft.id, Draft.updated_at, Draft.invitation_key, Draft.partial)
        .where(*where)
    ).all() if row[4] not in excluded]
    keys = {draft_id: (questionnaire.checksum, draft_id, str(updated)) for _, _, draft_id, updated, _, _ in found}
    for _, _, draft_id, _, _, purged_verdict in found:  # a purged draft keeps its verdict, not its answers
        if purged_verdict is not None:
            _verdicts[keys[draft_id]] = purged_verdict
    unknown = [draft_id for draft_id, key in keys.items() if key not in _verdicts]
    if len(_verdicts) + len(unknown) > _MAX_VERDICTS:
        _verdicts.clear()
    for first in range(0, len(unknown), 5000):
        chunk = unknown[first:first + 5000]
        for draft_id, answers in db.session.execute(select(Draft.id, Draft.answers).where(Draft.id.in_(chunk))):
            _verdicts[keys[draft_id]] = is_partial(questionnaire, answers or {})
    groups = dict(db.session.execute(select(RespondentGroup.id, RespondentGroup.code)).all())
    partial: Counter = Counter()
    for unit_id, group_id, draft_id, _, _, _ in found:
        partial[(unit_id, groups[group_id])] += _verdicts.get(keys[draft_id], False)
    return pd.DataFrame([(u, g, n) for (u, g), n in partial.items()], columns=[*KEYS, "P"]).astype(_KEY_TYPES)


def cells(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Counts per (unit id, group), every column of :data:`COUNTS`, integers."""
    keys = list(KEYS)
    raw, marked_drafts = raw_counts(survey, unit_ids)
    table = raw.merge(partial_counts(survey, unit_ids, marked_drafts), on=keys, how="left").fillna(0)
    in_progress = table["drafts"] - table["marked_drafts"]
    marked = table["marked_not_eligible"] + table["marked_refused"]
    table["started"] = table["saved_drafts"] + table["spent"]
    table["completed"] = table["completed_online"] + table["completed_paper"]
    table["not_eligible"] = table["revoked"] + table["marked_not_eligible"]
    table["refused"] = table["marked_refused"]
    opened_only = (table["opened"] - table["opened_marked"] - table["spent"] - in_progress).clip(lower=0)
    table["not_opened"] = (table["issued"] - table["revoked"] - table["spent"] - marked - in_progress
                           - opened_only).clip(lower=0)
    table["P"] = table["P"].clip(upper=in_progress)
    table["R"] = in_progress - table["P"] + opened_only + table["refused"]
    return table[[*keys, *COUNTS]].astype({c: int for c in COUNTS}).astype({"unit_id": int})


def with_rates(table: pd.DataFrame) -> pd.DataFrame:
    """Add RR1, RR2 and COOP1 (fractions) to a table of counts, row by row, with the analysts' function."""
    if table.empty:
        return table.assign(**{rate: pd.Series(dtype=float) for rate in RATES})
    aapor = pd.DataFrame({"I": table["completed"], "P": table["P"], "R": table["R"], "NC": table["not_opened"],
                          "NE": table["not_eligible"]}).reset_index(drop=True)
    aapor["row"] = range(len(aapor))
    rates = response_rates(aapor, by="row").set_index("row").sort_index()
    out = table.reset_index(drop=True).copy()
    for rate in RATES:
        out[rate] = rates[rate].to_numpy(dtype=float)
    return out


def flat_table(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every unit and group in scope with its counts and rates (:data:`FLAT_COLUMNS`), sorted by unit code and
    group: what the console's CSV and the API give. ``parent`` is the parent's code, NaN when the parent is out
    of scope or there is none; rates are fractions, NaN when undefined."""
    tree = unit_tree(unit_ids)
    table = with_rates(cells(survey, unit_ids))
    codes = tree["code"].to_dict()
    table["unit"] = table["unit_id"].map(codes)
    table["unit_name"] = table["unit_id"].map(tree["name_vi"].to_dict())
    table["level"] = table["unit_id"].map(tree["level"].to_dict())
    table["parent"] = table["unit_id"].map(tree["parent_id"].to_dict()).map(codes)
    return table.sort_values(["unit", "group"])[list(FLAT_COLUMNS)].reset_index(drop=True)


def unit_tree(unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every unit (or those listed): id, code, names, level and parent id, to roll counts up the hierarchy."""
    statement = select(Unit.id, Unit.code, Unit.name_vi, Unit.name_en, Unit.level, Unit.parent_id)
    frame = pd.DataFrame(db.session.execute(statement).all(),
                         columns=["unit_id", "code", "name_vi", "name_en", "level", "parent_id"])
    if unit_ids is not None:
        frame = frame[frame["unit_id"].isin(set(unit_ids))]
    return frame.set_index("unit_id")


def drill_down(counts: pd.DataFrame, tree: pd.DataFrame, root: int | None) -> pd.DataFrame:
    """Counts of ``root``'s own invitations and of each child's whole subtree, per group (``root`` None: each
    top unit's subtree). Column ``row_unit`` is the unit a row stands for; ``own`` marks ``root``'s own row."""
    parent = {int(u): (None if pd.isna(p) else int(p)) for u, p in tree["parent_id"].items()}
    if root is None:
        heads = {u for u, p in parent.items() if p is None or p not in parent}
    else:
        heads = {u for u, p in parent.items() if p == root} | {root}
    memo: dict[int, int | None] = {}

    def head(unit_id: int) -> int | None:
        path, current = [], unit_id
        while current is not None and current not in heads and current not in memo:
            path.append(current)
            current = parent.get(current)
        found = None if current is None else (current if current in heads else memo[current])
        for seen in path:
            memo[seen] = found
        return found

    table = counts.copy()
    table["row_unit"] = [head(int(u)) for u in table["unit_id"]]
    table = table[table["row_unit"].notna()]
    summed = table.groupby(["row_unit", "group"], as_index=False)[list(COUNTS)].sum()
    summed["row_unit"] = summed["row_unit"].astype(int)
    summed["own"] = summed["row_unit"] == root
    return summed


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

"""Live participation of a closed survey per unit and respondent group, for the console (and its CSV).

Counted in SQL with one ``GROUP BY`` over the invitations (and their drafts) and one over the paper responses;
only the drafts' answers, which the questionnaire's relevance rules must judge (partial or break-off, as in
``parsurvey report rates``), are read in Python. Columns per (unit, group):

- ``issued`` invitations; ``opened`` (the link or code was used at least once); ``started`` (at least one page
  saved, or completed); ``completed_online``; ``completed_paper`` (paper forms typed in: they carry a unit and a
  group but no invitation; one typed with its code also completed its invitation, and ``paper_completion``
  keeps it out of the online completes); ``completed`` (both); ``not_eligible`` (revoked, or marked as having
  left the post); ``refused`` (marked by the coordinator); ``not_opened`` (never used, not marked).
- AAPOR: I = completed; P = partial drafts; R = break-offs + refused; NC = not_opened; NE = not_eligible; and
  RR1, RR2, COOP1 from :func:`analysis.rates.response_rates` (fractions, NaN when undefined).

A case marked refused or not eligible keeps that disposition unless it completes (a complete is a complete).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

import pandas as pd
from sqlalchemy import func, select

from analysis.rates import response_rates
from questionnaires.route import is_partial
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, PaperCompletion, RespondentGroup, Response, Survey, Unit
from survey_app.services.questionnaire_versions import questionnaire_for

COUNTS = ("issued", "opened", "started", "completed_online", "completed_paper", "completed", "not_eligible",
          "refused", "not_opened", "P", "R")
RATES = ("RR1", "RR2", "COOP1")
KEYS = ("unit_id", "group")
_KEY_TYPES = {"unit_id": "int64", "group": "object"}


def invitation_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Two aggregate statements: invitations per (unit, group, status, mark), as bare as a ``GROUP BY`` gets,
    and the few drafts per (unit, group, mark, page saved); the states follow by subtraction (a started
    invitation without a draft is completed)."""
    by_status = (
        select(Invitation.unit_id, Invitation.group_id, Invitation.recorded_status, Invitation.disposition,
               func.count())
        .where(Invitation.survey_id == survey.id)
        .group_by(Invitation.unit_id, Invitation.group_id, Invitation.recorded_status, Invitation.disposition)
    )
    page_saved = Draft.current_section.is_not(None)
    by_draft = (
        select(Invitation.unit_id, Invitation.group_id, Invitation.disposition, page_saved, func.count())
        .join(Draft, Draft.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey.id, Invitation.recorded_status == "started")
        .group_by(Invitation.unit_id, Invitation.group_id, Invitation.disposition, page_saved)
    )
    if unit_ids is not None:
        by_status = by_status.where(Invitation.unit_id.in_(list(unit_ids)))
        by_draft = by_draft.where(Invitation.unit_id.in_(list(unit_ids)))
    cells: dict[tuple[int, int], dict[str, int]] = {}

    def cell(unit_id: int, group_id: int) -> dict[str, int]:
        return cells.setdefault((unit_id, group_id), dict.fromkeys(_RAW, 0))

    for unit_id, group_id, status, mark, n in db.session.execute(by_status):
        counts = cell(unit_id, group_id)
        counts["issued"] += n
        if status == "revoked" or (status == "issued" and mark == "not_eligible"):
            counts["not_eligible"] += n
        elif status == "issued":
            counts["refused" if mark == "refused" else "not_opened"] += n
        elif status == "started":
            counts["opened"] += n
            counts["completed_online"] += n  # drafts still open are taken back below
    for unit_id, group_id, mark, saved, n in db.session.execute(by_draft):
        counts = cell(unit_id, group_id)
        counts["completed_online"] -= n
        counts["started"] += n if saved else 0
        counts["not_eligible" if mark == "not_eligible" else "refused" if mark == "refused" else "in_progress"] += n
    groups = dict(db.session.execute(select(RespondentGroup.id, RespondentGroup.code)).all())
    keys = list(cells)
    frame = pd.DataFrame({"unit_id": [u for u, _ in keys], "group": [groups[g] for _, g in keys],
                          **{column: [cells[key][column] for key in keys] for column in _RAW}},
                         columns=[*KEYS, *_RAW])
    frame["started"] += frame["completed_online"]
    _take_out_paper_completes(frame, survey, unit_ids, groups)
    return frame.astype(_KEY_TYPES)


def _take_out_paper_completes(frame: pd.DataFrame, survey: Survey, unit_ids: Collection[int] | None,
                              groups: dict[int, str]) -> None:
    """An invitation completed on paper (its code typed in the console) is completed like an online one, but its
    response counts as paper (:func:`paper_counts`): take it out of the online completes, to count it once."""
    statement = (
        select(PaperCompletion.unit_id, PaperCompletion.group_id, func.count())
        .where(PaperCompletion.survey_id == survey.id).group_by(PaperCompletion.unit_id, PaperCompletion.group_id)
    )
    if unit_ids is not None:
        statement = statement.where(PaperCompletion.unit_id.in_(list(unit_ids)))
    for unit_id, group_id, n in db.session.execute(statement):
        row = (frame["unit_id"] == unit_id) & (frame["group"] == groups[group_id])
        frame.loc[row, "completed_online"] -= n


_RAW = ("issued", "opened", "started", "completed_online", "not_eligible", "refused", "not_opened", "in_progress")


def paper_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    statement = (
        select(Response.unit_id, RespondentGroup.code, func.count())
        .join(RespondentGroup, Response.group_id == RespondentGroup.id)
        .where(Response.survey_id == survey.id, Response.mode == "paper")
        .group_by(Response.unit_id, RespondentGroup.code)
    )
    if unit_ids is not None:
        statement = statement.where(Response.unit_id.in_(list(unit_ids)))
    return pd.DataFrame(db.session.execute(statement).all(), columns=[*KEYS, "completed_paper"]).astype(_KEY_TYPES)


# (questionnaire checksum, draft id, draft updated_at) -> partial? A draft's verdict changes only when it is
# saved again, so a page refreshed while collecting re-judges only the drafts saved since (bounded, per process).
_verdicts: dict[tuple, bool] = {}
_MAX_VERDICTS = 500_000


def partial_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Unmarked drafts with at least one saved page that count as partial (P), per unit id and group.

    Judging a draft needs the questionnaire's relevance rules (Python); the answers are read only for drafts
    saved since they were last judged."""
    questionnaire = questionnaire_for(survey)
    where = [Invitation.survey_id == survey.id, Invitation.disposition.is_(None),
             Invitation.recorded_status == "started", Draft.current_section.is_not(None)]
    if unit_ids is not None:
        where.append(Invitation.unit_id.in_(list(unit_ids)))
    found = db.session.execute(
        select(Invitation.unit_id, Invitation.group_id, Draft.id, Draft.updated_at)
        .join(Invitation, Draft.invitation_id == Invitation.id).where(*where)
    ).all()
    keys = {draft_id: (questionnaire.checksum, draft_id, str(updated)) for _, _, draft_id, updated in found}
    unknown = [draft_id for draft_id, key in keys.items() if key not in _verdicts]
    if len(_verdicts) + len(unknown) > _MAX_VERDICTS:
        _verdicts.clear()
    for first in range(0, len(unknown), 5000):
        chunk = unknown[first:first + 5000]
        for draft_id, answers in db.session.execute(select(Draft.id, Draft.answers).where(Draft.id.in_(chunk))):
            _verdicts[keys[draft_id]] = is_partial(questionnaire, answers or {})
    groups = dict(db.session.execute(select(RespondentGroup.id, RespondentGroup.code)).all())
    partial: Counter = Counter()
    for unit_id, group_id, draft_id, _ in found:
        partial[(unit_id, groups[group_id])] += _verdicts.get(keys[draft_id], False)
    return pd.DataFrame([(u, g, n) for (u, g), n in partial.items()], columns=[*KEYS, "P"]).astype(_KEY_TYPES)


def cells(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Counts per (unit id, group), every column of :data:`COUNTS`, integers."""
    keys = list(KEYS)
    table = invitation_counts(survey, unit_ids).merge(paper_counts(survey, unit_ids), on=keys, how="outer")
    table = table.merge(partial_counts(survey, unit_ids), on=keys, how="left")
    table = table.fillna(0)
    table["completed"] = table["completed_online"] + table["completed_paper"]
    table["P"] = table["P"].clip(upper=table["in_progress"])
    table["R"] = table["in_progress"] - table["P"] + table["refused"]
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
    """Where unfinished respondents are: drafts per last saved page (None: opened, nothing saved yet)."""
    statement = (
        select(Draft.current_section, func.count())
        .where(Draft.survey_id == survey.id)
        .group_by(Draft.current_section)
    )
    if unit_ids is not None:
        statement = statement.where(Draft.unit_id.in_(list(unit_ids)))
    return [(section, int(n)) for section, n in db.session.execute(statement)]

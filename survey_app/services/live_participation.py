"""Live participation of a closed survey per unit and respondent group, for the console (and its CSV).

Counted in SQL with one ``GROUP BY`` over the invitations (and their drafts) and one over the paper responses;
only the drafts' answers, which the questionnaire's relevance rules must judge (partial or break-off, as in
``parsurvey report rates``), are read in Python. Columns per (unit, group):

- ``issued`` invitations; ``opened`` (the link or code was used at least once); ``started`` (at least one page
  saved, or completed); ``completed_online``; ``completed_paper`` (paper forms typed in: they carry a unit and a
  group but no invitation); ``completed`` (both); ``not_eligible`` (revoked, or marked as having left the post);
  ``refused`` (marked by the coordinator); ``not_opened`` (never used, not marked).
- AAPOR: I = completed; P = partial drafts; R = break-offs + refused; NC = not_opened; NE = not_eligible; and
  RR1, RR2, COOP1 from :func:`analysis.rates.response_rates` (fractions, NaN when undefined).

A case marked refused or not eligible keeps that disposition unless it completes (a complete is a complete).
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd
from sqlalchemy import and_, case, func, select

from analysis.rates import response_rates
from survey_app.extensions import db
from survey_app.models import Draft, Invitation, RespondentGroup, Response, Survey, Unit
from survey_app.services.participation import is_partial
from survey_app.services.surveys import questionnaire_for

COUNTS = ("issued", "opened", "started", "completed_online", "completed_paper", "completed", "not_eligible",
          "refused", "not_opened", "P", "R")
RATES = ("RR1", "RR2", "COOP1")
KEYS = ("unit_id", "group")


def _sum(condition) -> object:
    return func.sum(case((condition, 1), else_=0))


def invitation_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """One aggregate statement: per unit id and group code, the invitations in each state."""
    has_draft = Draft.id.is_not(None)
    completed = and_(Invitation.recorded_status == "started", ~has_draft)
    marked = Invitation.disposition
    not_eligible = and_(~completed, (Invitation.recorded_status == "revoked") | (marked == "not_eligible"))
    refused = and_(~completed, Invitation.recorded_status != "revoked", marked == "refused")
    unmarked_draft = and_(has_draft, marked.is_(None), Invitation.recorded_status == "started")
    statement = (
        select(
            Invitation.unit_id, RespondentGroup.code, func.count(),
            _sum(Invitation.recorded_status == "started"),
            _sum(completed | Draft.current_section.is_not(None)),
            _sum(completed), _sum(not_eligible), _sum(refused),
            _sum(and_(Invitation.recorded_status == "issued", marked.is_(None))),
            _sum(unmarked_draft),
        )
        .join(RespondentGroup, Invitation.group_id == RespondentGroup.id)
        .outerjoin(Draft, Draft.invitation_id == Invitation.id)
        .where(Invitation.survey_id == survey.id)
        .group_by(Invitation.unit_id, RespondentGroup.code)
    )
    if unit_ids is not None:
        statement = statement.where(Invitation.unit_id.in_(list(unit_ids)))
    columns = [*KEYS, "issued", "opened", "started", "completed_online", "not_eligible", "refused",
               "not_opened", "in_progress"]
    return pd.DataFrame(db.session.execute(statement).all(), columns=columns)


def paper_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    statement = (
        select(Response.unit_id, RespondentGroup.code, func.count())
        .join(RespondentGroup, Response.group_id == RespondentGroup.id)
        .where(Response.survey_id == survey.id, Response.mode == "paper")
        .group_by(Response.unit_id, RespondentGroup.code)
    )
    if unit_ids is not None:
        statement = statement.where(Response.unit_id.in_(list(unit_ids)))
    return pd.DataFrame(db.session.execute(statement).all(), columns=[*KEYS, "completed_paper"])


def partial_counts(survey: Survey, unit_ids: Collection[int] | None = None) -> pd.DataFrame:
    """Unmarked drafts with at least one saved page that count as partial (P), per unit id and group."""
    questionnaire = questionnaire_for(survey)
    statement = (
        select(Invitation.unit_id, RespondentGroup.code, Draft.answers)
        .join(Invitation, Draft.invitation_id == Invitation.id)
        .join(RespondentGroup, Invitation.group_id == RespondentGroup.id)
        .where(Invitation.survey_id == survey.id, Invitation.disposition.is_(None),
               Invitation.recorded_status == "started", Draft.current_section.is_not(None))
    )
    if unit_ids is not None:
        statement = statement.where(Invitation.unit_id.in_(list(unit_ids)))
    rows = [(u, g, is_partial(questionnaire, answers or {})) for u, g, answers in db.session.execute(statement)]
    frame = pd.DataFrame(rows, columns=[*KEYS, "P"])
    return frame.groupby(list(KEYS), as_index=False)["P"].sum()


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

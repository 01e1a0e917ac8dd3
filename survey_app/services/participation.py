"""Who has taken part: AAPOR dispositions of a closed survey's invitations, and completes of an open survey.

Coordinators chase laggard units with these figures and analysts report the same rates, so the rates come
from :func:`analysis.rates.response_rates`, the one function both use. Only invitations (and, for open surveys,
responses per unit) are counted: nothing here tells more than the response table already does.

Disposition mapping (AAPOR leaves room; these are our choices):

- completed (online or a paper form typed with its code) -> **I** complete;
- started, not submitted -> **P** partial when at least half of the relevant answerable variables have an
  answer in the draft, else **R** break-off;
- opened (the code was used: a pseudonymous marker at its first visit), no page saved -> **R** break-off;
- issued, never opened -> **NC**: no contact could be confirmed (a letter may not have arrived);
- revoked, or marked not eligible in the console -> **NE** not eligible (e.g. the person left the post);
- marked refused in the console -> **R**; paper forms typed in -> **I** (they carry a unit and a group).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
from sqlalchemy import func, select

from analysis.rates import response_rates
from survey_app.extensions import db
from survey_app.models import Response, Survey, SurveyQuota, Unit
from survey_app.services.errors import OperatorError

COUNTED = ("I", "P", "R", "NC", "NE")
SHOWN_RATES = ("RR1", "RR2", "COOP1")
GROUPINGS = {"unit": ("unit", "unit_name"), "group": ("group",), "unit,group": ("unit", "unit_name", "group")}
TOTAL = "Total"


def invitation_rates(survey: Survey, by: str = "unit,group") -> pd.DataFrame:
    """One row per unit and/or group (laggards first: RR1 ascending) and a last ``Total`` row.

    Columns: the grouping columns, ``issued``, I, P, R, NC, NE, then RR1, RR2 and COOP1 as fractions (NaN when
    nothing counts in the denominator). Raises :class:`OperatorError` for an open survey or an unknown ``by``.
    """
    if survey.access != "invitation":
        raise OperatorError(f"survey {survey.slug!r} is an open-link survey: it has no invitations")
    if by not in GROUPINGS:
        raise OperatorError(f"--by must be one of {', '.join(GROUPINGS)}, got {by!r}")
    keys = list(GROUPINGS[by])
    counts = disposition_counts(survey)[keys + list(COUNTED)]
    rated = response_rates(counts, by=keys, margins=True, margins_name=TOTAL)
    rated.insert(len(keys), "issued", rated[list(COUNTED)].sum(axis=1).astype(int))
    table = rated[keys + ["issued", *COUNTED, *SHOWN_RATES]]
    table = table.astype({d: int for d in COUNTED})
    body, total = table.iloc[:-1], table.iloc[[-1]].copy()
    total[keys[1:]] = ""
    body = body.sort_values(["RR1", *keys], na_position="last", kind="stable")
    return pd.concat([body, total], ignore_index=True)


def disposition_counts(survey: Survey) -> pd.DataFrame:
    """Invitations per unit and group and disposition: columns unit, unit_name, group, I, P, R, NC, NE.

    The same counts as the console's participation page (:mod:`survey_app.services.live_participation`):
    I includes paper forms, R includes cases a coordinator marked refused, NE those marked not eligible.
    """
    from survey_app.services import live_participation

    keys = ["unit", "unit_name", "group"]
    cells = live_participation.cells(survey)
    if cells.empty:
        return pd.DataFrame(columns=[*keys, *COUNTED])
    tree = live_participation.unit_tree()
    counts = pd.DataFrame({
        "unit": cells["unit_id"].map(tree["code"].to_dict()),
        "unit_name": cells["unit_id"].map(tree["name_vi"].to_dict()),
        "group": cells["group"], "I": cells["completed"], "P": cells["P"], "R": cells["R"],
        "NC": cells["not_opened"], "NE": cells["not_eligible"],
    })
    return counts.sort_values(keys, kind="stable").reset_index(drop=True)


def open_survey_completes(survey: Survey) -> pd.DataFrame:
    """An open survey's completes per unit against its quota: unit, unit_name, quota, completes, share.

    Units with a quota or at least one response; a unit without a quota (unlimited) has no share. Sorted by
    share ascending (laggards first), then a ``Total`` row (its share only when every unit has a quota).
    """
    if survey.access != "open":
        raise OperatorError(f"survey {survey.slug!r} uses invitations: see its response rates instead")
    completes = _per_unit(
        select(Unit.code, Unit.name_vi, func.count()).select_from(Response).join(Unit, Response.unit_id == Unit.id)
        .where(Response.survey_id == survey.id).group_by(Unit.code, Unit.name_vi), "completes",
    )
    quotas = _per_unit(
        select(Unit.code, Unit.name_vi, SurveyQuota.quota).select_from(SurveyQuota)
        .join(Unit, SurveyQuota.unit_id == Unit.id)
        .where(SurveyQuota.survey_id == survey.id), "quota",
    )
    table = quotas.join(completes, how="outer").reset_index()
    table["completes"] = table["completes"].fillna(0).astype(int)
    table["quota"] = table["quota"].astype("Int64")
    table["share"] = _share(table["completes"], table["quota"])
    table = table.sort_values(["share", "unit"], na_position="last", kind="stable")
    total = pd.DataFrame([{
        "unit": TOTAL, "unit_name": "", "completes": int(table["completes"].sum()),
        "quota": table["quota"].sum() if table["quota"].notna().all() and len(table) else pd.NA,
    }]).astype({"quota": "Int64"})
    total["share"] = _share(total["completes"], total["quota"])
    return pd.concat([table, total], ignore_index=True)[["unit", "unit_name", "quota", "completes", "share"]]


def _per_unit(query, column: str) -> pd.DataFrame:
    rows: Iterable = db.session.execute(query).all()
    return pd.DataFrame(rows, columns=["unit", "unit_name", column]).set_index(["unit", "unit_name"])


def _share(completes: pd.Series, quota: pd.Series) -> pd.Series:
    """completes / quota; NaN where the quota is unknown (unlimited) or zero."""
    quota = pd.to_numeric(quota.astype("Float64"), errors="coerce").astype(float)
    return (completes.astype(float) / quota.where(quota > 0)).astype(float)

"""Fixtures: the California API samples shipped with R ``survey`` (``data/reference/``) and the
designs R's documentation builds on them (``dstrat``, ``dclus1``, ``dclus2``)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import SurveyDesign
from tests.reference_data import read_reference as _read


@pytest.fixture(scope="session")
def apistrat() -> pd.DataFrame:
    return _read("apistrat.csv")


@pytest.fixture(scope="session")
def apiclus1() -> pd.DataFrame:
    return _read("apiclus1.csv")


@pytest.fixture(scope="session")
def apiclus2() -> pd.DataFrame:
    return _read("apiclus2.csv")


@pytest.fixture(scope="session")
def apisrs() -> pd.DataFrame:
    return _read("apisrs.csv")


@pytest.fixture(scope="session")
def api_margins() -> dict:
    """Population margins from ``apipop_margins.csv``: {"stype": {"E": 4421, ...}, ("stype", "sch.wide"): ...}."""
    table = _read("apipop_margins.csv")
    margins: dict = {}
    for row in table.itertuples(index=False):
        if row.margin.startswith("_"):
            continue
        if ":" in row.margin:
            key, level = tuple(row.margin.split(":")), tuple(row.level.split(":"))
        else:
            key, level = row.margin, row.level
        margins.setdefault(key, {})[level] = float(row.count)
    return margins


@pytest.fixture(scope="session")
def dstrat(apistrat) -> SurveyDesign:
    """R: ``svydesign(id=~1, strata=~stype, weights=~pw, data=apistrat, fpc=~fpc)``."""
    return SurveyDesign(apistrat, weights="pw", strata="stype", fpc="fpc")


@pytest.fixture(scope="session")
def dclus1(apiclus1) -> SurveyDesign:
    """R: ``svydesign(id=~dnum, weights=~pw, data=apiclus1, fpc=~fpc)``."""
    return SurveyDesign(apiclus1, weights="pw", ids="dnum", fpc="fpc")


@pytest.fixture(scope="session")
def dclus2(apiclus2) -> SurveyDesign:
    """R: ``svydesign(id=~dnum+snum, fpc=~fpc1+fpc2, data=apiclus2)`` (weights derived from the fpc)."""
    return SurveyDesign(apiclus2, ids=["dnum", "snum"], fpc=["fpc1", "fpc2"])

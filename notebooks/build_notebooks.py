"""Write the walkthrough notebooks from plain Python, so that a review reads code, not JSON.

Run from the project root: ``.venv/bin/python notebooks/build_notebooks.py``. The notebooks are written without
outputs; ``tests/test_notebooks.py`` executes them.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

WEIGHTING_WALKTHROUGH = [
    ("md", """# Weighting walkthrough: from a sample to estimates you can defend

This notebook walks through parsurvey's `analysis` package on the California Academic Performance Index (API)
data that ships with R's `survey` package (Lumley), the standard teaching data of design-based survey analysis.
We use the one-stage cluster sample `apiclus1`: 15 school districts drawn at random out of 757, with every school
of a drawn district in the sample.

Steps: declare the design, estimate with standard errors, rake the weights to known population margins, compare,
chart domain estimates, test an association, then compute response rates and a scale's reliability.
Every number printed for the unweighted-by-raking design can be checked against R's own printed output."""),
    ("code", """import sys
from pathlib import Path

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
sys.path.insert(0, str(ROOT))  # the analysis package, when the project is not installed
REFERENCE = ROOT.parent / "shared" / "reference"

import matplotlib.pyplot as plt
import pandas as pd

from analysis import (SurveyDesign, crosstab, cronbach_alpha, effective_sample_size, frequency_table,
                      item_total_statistics, kish_deff, plot_estimates, plot_likert, rake, response_rates)

apiclus1 = pd.read_csv(REFERENCE / "apiclus1.csv")
apiclus1[["dnum", "stype", "sch.wide", "api00", "enroll", "pw", "fpc"]].head()"""),
    ("md", """## 1. The design

In R this is `svydesign(id=~dnum, weights=~pw, fpc=~fpc, data=apiclus1)`: districts (`dnum`) are the
clusters, `pw` the sampling weights and `fpc` the number of districts in the population, which gives the finite
population correction. The design is checked once, here, and is immutable afterwards."""),
    ("code", """dclus1 = SurveyDesign(apiclus1, ids="dnum", weights="pw", fpc="fpc")
dclus1"""),
    ("md", """## 2. Estimates with standard errors

Each estimator returns the estimate, its design-based standard error (Taylor linearisation), a 95% confidence
interval, the design effect and the number of rows used. R prints `svymean(~api00, dclus1)` as 644.17 (SE 23.542)
and `svytotal(~enroll, dclus1)` as 3404940 (SE 932235)."""),
    ("code", """mean_api = dclus1.mean("api00")
total_enroll = dclus1.total("enroll")
pd.DataFrame([mean_api.as_dict(), total_enroll.as_dict()], index=["mean api00", "total enroll"])"""),
    ("md", """## 3. Raking to population margins

The population counts of school type (`stype`) and of whether a school met its growth target (`sch.wide`) are
known from the full population file. Raking (iterative proportional fitting) adjusts the weights until the
weighted sample reproduces both margins. The result reports whether it converged; the standard errors of the
raked design account for the raking, as R's `calibrate(..., calfun="raking")` does."""),
    ("code", """margins_table = pd.read_csv(REFERENCE / "apipop_margins.csv")
margins = {
    var: dict(zip(rows["level"], rows["count"]))
    for var, rows in margins_table[margins_table["margin"].isin(["stype", "sch.wide"])].groupby("margin")
}
raking = rake(dclus1, margins, tol=1e-8)
print(f"converged: {raking.converged} after {raking.iterations} iterations, "
      f"largest margin error {raking.max_error:.1e}")
raked = raking.design
pd.DataFrame({"population": pd.Series(margins["stype"]),
              "before": frequency_table(dclus1, "stype").set_index("stype")["count"],
              "after raking": frequency_table(raked, "stype").set_index("stype")["count"]})"""),
    ("md", """Raking changes the weights, which costs precision when they become unequal. Kish's design effect of
weighting and the effective sample size say how much."""),
    ("code", """print(f"Kish deff of weighting: {kish_deff(raked):.3f}; "
      f"effective sample size {effective_sample_size(raked):.1f} of {raked.n}")
pd.DataFrame([dclus1.mean("api00").as_dict(), raked.mean("api00").as_dict()], index=["design weights", "raked"])"""),
    ("md", """## 4. Domain estimates and a chart

Domain estimation (`by=`) keeps every PSU in the variance, unlike subsetting the data. The chart draws each
domain's estimate with its 95% confidence interval; `plot_estimates` takes an `Axes` and returns it."""),
    ("code", """by_type = raked.mean("api00", by="stype")
fig, ax = plt.subplots(figsize=(6, 3.5))
plot_estimates(by_type, ax=ax, title="Mean API 2000 score by school type (raked)", value_label="api00")
by_type"""),
    ("md", """## 5. Is meeting the growth target associated with school type?

A weighted cross-tabulation with the Rao-Scott corrected test. On the design weights this reproduces R's
`svychisq(~sch.wide+stype, dclus1)`: F = 5.1934, ndf = 1.495, ddf = 20.925, p = 0.02175."""),
    ("code", """table = crosstab(dclus1, "sch.wide", "stype")
print(table.test)
table.counts.round(1)"""),
    ("md", """## 6. Response rates (AAPOR)

A small disposition table by province, as the fieldwork dashboard would hold it: completes (I), partials (P),
refusals (R), non-contacts (NC), other (O), unknown eligibility (UH, UO) and not eligible (NE). When `e` is not
given, the share of the unknowns that are eligible is estimated from the cases of known eligibility."""),
    ("code", """dispositions = pd.DataFrame({
    "province": ["Hà Nội", "Hải Phòng", "Cần Thơ"],
    "I": [412, 230, 198], "P": [12, 8, 5], "R": [40, 31, 22], "NC": [55, 60, 41],
    "O": [6, 4, 3], "UH": [20, 14, 9], "UO": [8, 6, 2], "NE": [15, 9, 12],
})
rates = response_rates(dispositions, by="province", margins=True)
rates[["province", "e", "RR1", "RR3", "RR6", "COOP1", "REF1", "CON1"]].round(3)"""),
    ("md", """## 7. Reliability of a scale

Cronbach's alpha with Feldt's confidence interval on the example data of the pingouin package (12 respondents,
11 binary items, some answers missing). Pairwise handling of missing answers is the default (as in R `psych`);
listwise keeps only complete respondents and can give a different value, so say which you report."""),
    ("code", """items = pd.read_csv(REFERENCE / "cronbach_wide_missing.csv")
pairwise, listwise = cronbach_alpha(items), cronbach_alpha(items, missing="listwise")
print(f"pairwise alpha {pairwise.alpha:.3f} [{pairwise.ci_low:.3f}, {pairwise.ci_high:.3f}], n = {pairwise.n}")
print(f"listwise alpha {listwise.alpha:.3f} [{listwise.ci_low:.3f}, {listwise.ci_high:.3f}], n = {listwise.n}")
item_total_statistics(items).round(3)"""),
    ("md", """## 8. Likert items at a glance

A diverging stacked bar puts dissatisfaction left of zero and satisfaction right of it, the neutral answer split
across. The answers below are illustrative only (five SIPAS-style items on a 1-5 satisfaction scale)."""),
    ("code", """likert = pd.DataFrame({
    "Access": [5, 4, 4, 3, 5, 2, 4, 4, 5, 3],
    "Procedures": [3, 3, 2, 4, 1, 3, 4, 2, 3, 3],
    "Staff": [4, 5, 5, 4, 4, 3, 5, 4, 2, 4],
    "Results": [4, 4, 3, 5, 4, 4, 2, 4, 4, 5],
})
fig, ax = plt.subplots(figsize=(7, 3))
plot_likert(likert, ax=ax, categories=["1", "2", "3", "4", "5"],
            labels={"1": "Very dissatisfied", "3": "Neutral", "5": "Very satisfied"}, title="Satisfaction");"""),
]


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    """A notebook of markdown and code cells, kernel ``python3``, no outputs."""
    notebook = new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number:02d}"
    return notebook


def main() -> None:
    nbformat.write(build(WEIGHTING_WALKTHROUGH), HERE / "01-weighting-walkthrough.ipynb")


if __name__ == "__main__":
    main()

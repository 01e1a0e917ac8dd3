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
REFERENCE = ROOT / "data" / "reference"  # the R survey package's api data, carried by the project

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
weighted sample reproduces both margins. Like every weighting step, `rake` returns a new design; its
`convergence` reports whether raking converged (a `ConvergenceWarning` says so when it did not), and its standard
errors account for the raking, as R's `calibrate(..., calfun="raking")` does."""),
    ("code", """margins_table = pd.read_csv(REFERENCE / "apipop_margins.csv")
margins = {
    var: dict(zip(rows["level"], rows["count"]))
    for var, rows in margins_table[margins_table["margin"].isin(["stype", "sch.wide"])].groupby("margin")
}
raked = rake(dclus1, margins, tol=1e-8)
print(f"converged: {raked.convergence.converged} after {raked.convergence.iterations} iterations, "
      f"largest margin error {raked.convergence.max_error:.1e}")
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


def par_and_sipas_cells() -> list[tuple[str, str]]:
    """Notebook 02: PAR survey points and SIPAS indices on a small simulated Hải Phòng survey (seeded)."""
    return [
        ("md", """# PAR Index survey points and SIPAS indices

From answers to the two numbers a provincial report needs: the **points** the officials' survey brings into the
PAR Index (per sub-criterion, per field, and the survey's share of the 100-point index), and the **SIPAS**
citizen satisfaction indices (per element, per component and overall, with standard errors).

The answers are **simulated** (seeded) for a small Hải Phòng survey on the bundled questionnaires: PAR form 02
(department leaders rating their department) and the SIPAS 2023 citizen form. Every number of the scoring comes
from the bundled methodologies; their max points are **provisional** placeholders until the official appendix of
Decision 876/QĐ-BNV is obtained (`questionnaires/methodology/*.yaml` say so in their `source`)."""),
        ("code", """import sys
from pathlib import Path

ROOT = Path.cwd().parent if Path.cwd().name == "notebooks" else Path.cwd()
sys.path.insert(0, str(ROOT))  # the analysis package, when the project is not installed

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analysis import SurveyDesign, apply_codebook, par_field_points, par_survey_points, plot_estimates, sipas_indices
from questionnaires.codebook import build_codebook
from questionnaires.loader import bundled_questionnaires

forms = {q.id: q for q in bundled_questionnaires()}
par_form, sipas_form = forms["par_f02_dept_leader"], forms["sipas_2023_citizen"]
par_method, sipas_method = par_form.methodology, sipas_form.methodology
par_book, sipas_book = build_codebook(par_form), build_codebook(sipas_form)
rng = np.random.default_rng(2026)
print(f"{par_method.id}: groups combined by {par_method.combine.value}, "
      f"missing policy {par_method.missing_policy.value}")"""),
        ("md", """## 1. Simulated answers to PAR form 02

Three departments, three leaders each; every graded item is answered A-D (weights 1 / 0.6 / 0.2 / 0) or E "don't
know". The frame is built as `parsurvey export responses` writes it and read back with `apply_codebook`, so it
looks exactly like `read_export("par.csv")`: option codes, NA for not answered and don't know, and the codebook
in `frame.attrs["codebook"]`, where scoring finds it without being passed it again. In the Department
of Planning and Investment nobody could rate sub-criterion F8.C3.S3 (all "don't know")."""),
        ("code", """def export_frame(codebook, answers, leading):
    \"\"\"Export text (-99 = not answered for every variable not simulated), typed by the codebook.\"\"\"
    raw = pd.DataFrame({v.name: answers.get(v.name, ["-99"] * len(leading)) for v in codebook.variables})
    return apply_codebook(pd.concat([leading.reset_index(drop=True), raw], axis=1), codebook)


answer_mix = {"HP-SNV": [0.45, 0.35, 0.1, 0.02, 0.08], "HP-STP": [0.3, 0.4, 0.15, 0.05, 0.1],
              "HP-SKHDT": [0.2, 0.4, 0.25, 0.1, 0.05]}  # shares of A, B, C, D, E
graded = [v for v in par_book.variables if v.scored and v.criterion]
units = [unit for unit in answer_mix for _ in range(3)]
drawn = [rng.choice(list("ABCDE"), size=len(graded), p=answer_mix[unit]) for unit in units]
answers = {v.name: [row[i] for row in drawn] for i, v in enumerate(graded)}
answers["Q8_1c"] = ["E" if unit == "HP-SKHDT" else a for unit, a in zip(units, answers["Q8_1c"])]
par = export_frame(par_book, answers, pd.DataFrame({"unit": units, "group": "dept_leader"}))
par[["unit", "group"] + [v.name for v in graded[:6]]]"""),
        ("md", """## 2. Points per sub-criterion

Each valid answer scores max points x option weight; "don't know" and blanks are out of numerator and
denominator; several items of one sub-criterion are averaged per respondent first; the group score is the mean
over the group's respondents, and groups are combined by the methodology's rule (here one group answers, so the
rule does not matter yet). `status` says when a sub-criterion has no valid answer: it then has no points."""),
        ("code", """points = par_survey_points(par, par_method, by="unit")  # the codebook travels with the frame
points[points["unit"] == "HP-SKHDT"].tail(4)"""),
        ("md", """## 3. Fields and the survey's share of the index

`par_field_points` sums the sub-criteria to fields and to the whole survey part (`field == "total"`, 30 of the
100 provisional points). The methodology's missing policy is `null`: a field with an unanswered sub-criterion gets
no points and says why, rather than an invisible zero. `rescale` re-normalises over the max points that have
answers (as Hà Nội does when a survey is absent); `zero` counts the gap as 0."""),
        ("code", """totals = {policy: par_field_points(points, par_method, missing_policy=policy)
          .query("field == 'total'").set_index("unit")["points"] for policy in ["null", "zero", "rescale"]}
pd.DataFrame(totals).round(2)"""),
        ("code", """fields = par_field_points(points, par_method, missing_policy="rescale").query("field != 'total'")
wide = fields.pivot(index="field", columns="unit", values="points")
ax = wide.plot.bar(figsize=(8, 3.5), rot=0, width=0.8)
ax.scatter(range(len(wide)), fields.groupby("field")["max_points"].first(), marker="_", s=400, color="black",
           label="max points (provisional)", zorder=3)
ax.set_ylabel("survey points"); ax.set_title("PAR survey points per field, form 02 (simulated)")
ax.legend(fontsize=8);"""),
        ("md", """## 4. Simulated SIPAS answers

Three districts, two communes each, fifteen citizens per commune; 26 satisfaction items on the 1-5 scale with
9 = "no experience" (about 8% of answers). Services are rated a little better than policies, and districts
differ. The sample is treated as stratified by district with communes as clusters."""),
        ("code", """communes = {"HP-HB": ["HP-HB-HVT", "HP-HB-MK"], "HP-LC": ["HP-LC-AB", "HP-LC-CD"],
            "HP-TN": ["HP-TN-LL", "HP-TN-KS"]}
district_level = {"HP-HB": 0.5, "HP-LC": 0.0, "HP-TN": -0.4}
rated = [v for v in sipas_book.variables if v.criterion]
people, ratings = [], {v.name: [] for v in rated}
for district, names in communes.items():
    for commune in names:
        commune_level = district_level[district] + rng.normal(0, 0.3)
        for _ in range(15):
            people.append(commune)
            person = commune_level + rng.normal(0, 0.6)
            for v in rated:
                service = 0.3 if v.criterion.startswith("II") else -0.2
                value = int(np.clip(np.round(3.4 + person + service + rng.normal(0, 0.8)), 1, 5))
                ratings[v.name].append("9" if rng.random() < 0.08 else str(value))
sipas = export_frame(sipas_book, ratings, pd.DataFrame({"unit": people}))
sipas["district"] = sipas["unit"].str.rsplit("-", n=1).str[0]
sipas[["district", "unit", "D_A1", "D_A2", "P_A1"]].head()"""),
        ("md", """## 5. SIPAS indices with standard errors

An element index is the share of its valid item-answers rated 4 or 5 (top-2 box); components (POLICY, SERVICE)
and the overall SIPAS are the mean of their elements. Given a plain DataFrame the standard errors are those of a
simple random sample; given a `SurveyDesign` they follow the design (here: 3 strata, 6 communes as clusters, so
only 3 degrees of freedom and noisy SEs). The mean score 1-5 and its 0-100 rescale are diagnostics."""),
        ("code", """design = SurveyDesign(sipas, strata="district", ids="unit")
indices = sipas_indices(design, sipas_method)
srs = sipas_indices(sipas, sipas_method)
indices.assign(se_if_srs=srs["se"]).round(3)"""),
        ("code", """fig, ax = plt.subplots(figsize=(7, 4))
plot_estimates(indices.query("level == 'element'"), ax=ax, label="index", horizontal=True,
               title="SIPAS element indices (share satisfied, 95% CI), simulated", value_label="share satisfied");"""),
        ("md", """## 6. By district, and pooled items

`by=` gives domain estimates (every cluster stays in the variance). `overall="pooled_items"` computes components
and the overall index over all their answers instead of averaging elements; MoHA's choice between the two is
unconfirmed, so report which one you use."""),
        ("code", """by_district = sipas_indices(design, sipas_method, by="district")
by_district.query("level != 'element'").pivot(index="district", columns="index", values="estimate").round(3)"""),
        ("code", """pooled = sipas_indices(design, sipas_method, overall="pooled_items")
pd.DataFrame({"mean of elements": indices.set_index("index")["estimate"],
              "pooled items": pooled.set_index("index")["estimate"]}).loc[["POLICY", "SERVICE", "SIPAS"]].round(3)"""),
        ("md", """## 7. SIPAS points in the PAR Index

The SIPAS methodology carries SIPAS into field F8 of the PAR Index as max points x share satisfied (provisional
max points: 6 for services, 4 for policy)."""),
        ("code", """service, policy = indices.set_index("index").loc[["SERVICE", "POLICY"], "estimate"]
f8 = {sub: sipas_method.subcriterion(sub).max_points for sub in ["F8.C1.S1", "F8.C1.S2"]}
pd.Series({"F8.C1.S1 (services)": f8["F8.C1.S1"] * service, "F8.C1.S2 (policy)": f8["F8.C1.S2"] * policy}).round(2)"""),
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
    nbformat.write(build(par_and_sipas_cells()), HERE / "02-par-points-and-sipas.ipynb")


if __name__ == "__main__":
    main()

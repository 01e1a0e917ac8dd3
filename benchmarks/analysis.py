"""Benchmark the analysis engine on a national-sized survey, beside plain-numpy references run on the same data.

Generates N respondents (default 1,000,000; seeded) in 126 strata (63 regions x urban/rural) of about 800-row
clusters, with unequal design weights and three correlated raking variables: sex (2), age group (6) and region
(63). Then times, with peak memory from tracemalloc:

1. ``rake`` to 1e-6 on the three margins, against a cell-collapsed IPF on the 2 x 6 x 63 table in numpy;
2. the 63 regional means with standard errors under the stratified cluster design (``design.mean(by=)``),
   against a direct numpy computation (bincount domain means, PSU x domain totals, within-stratum variance);

and prints each as a ratio to its reference. Aims: raking within 3x of the reference and under 0.1 s; the 63
domain estimates under 0.1 s; memory under 100 MB above the data. Run: ``python benchmarks/analysis.py [--n N]``.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis import SurveyDesign, rake  # noqa: E402

N_REGIONS, N_AGES, N_SEXES = 63, 6, 2


def generate(n: int, seed: int) -> pd.DataFrame:
    """Respondents with correlated region, age group and sex, clusters in strata, unequal weights."""
    rng = np.random.default_rng(seed)
    region = rng.choice(N_REGIONS, size=n, p=rng.dirichlet(np.full(N_REGIONS, 5.0)))
    urban = (rng.random(n) < 0.3 + 0.4 * (region % 3 == 0)).astype(np.int64)
    stratum = region * 2 + urban
    per_cluster = 800
    cluster = stratum * 10_000 + rng.integers(0, max(n // (2 * N_REGIONS * per_cluster), 2), n)
    age = np.clip((rng.normal(2.5 + (region % 7) / 3 - urban, 1.6, n)).round(), 0, N_AGES - 1).astype(np.int64)
    sex = (rng.random(n) < 0.45 + 0.02 * age).astype(np.int64)
    weight = rng.lognormal(3.0, 0.5, n) * (1 + urban)
    effect = rng.normal(0, 3, cluster.max() + 1)[cluster]
    y = 60 + region / 10 + 2 * age - 3 * sex + effect + rng.normal(0, 10, n)
    return pd.DataFrame({"stratum": stratum, "cluster": cluster, "region": region, "age": age, "sex": sex,
                         "weight": weight, "y": y})


def margins_for(data: pd.DataFrame, seed: int) -> dict:
    """Population margins reachable by raking: weighted margins after a random factor per cell."""
    rng = np.random.default_rng(seed + 1)
    cell = (data["sex"].to_numpy() * N_AGES + data["age"].to_numpy()) * N_REGIONS + data["region"].to_numpy()
    target = data["weight"].to_numpy() * rng.uniform(0.7, 1.4, N_SEXES * N_AGES * N_REGIONS)[cell]
    return {name: pd.Series(target).groupby(data[name].to_numpy()).sum().to_dict()
            for name in ("sex", "age", "region")}


def numpy_rake(data: pd.DataFrame, margins: dict, tol: float = 1e-6) -> np.ndarray:
    """Reference: IPF on the collapsed 2 x 6 x 63 table, factors mapped back to the rows."""
    sex, age, region = (data[c].to_numpy() for c in ("sex", "age", "region"))
    w = data["weight"].to_numpy()
    cell = (sex * N_AGES + age) * N_REGIONS + region
    table = np.bincount(cell, weights=w, minlength=N_SEXES * N_AGES * N_REGIONS).reshape(N_SEXES, N_AGES, N_REGIONS)
    targets = [np.array([margins[name][k] for k in range(size)])
               for name, size in (("sex", N_SEXES), ("age", N_AGES), ("region", N_REGIONS))]
    fitted = table.copy()
    for _ in range(1000):
        for axis, target in enumerate(targets):
            other = tuple(a for a in range(3) if a != axis)
            current = fitted.sum(axis=other)
            shape = [1, 1, 1]
            shape[axis] = -1
            fitted *= np.divide(target, current, out=np.ones_like(target), where=current > 0).reshape(shape)
        error = max(np.max(np.abs(fitted.sum(axis=tuple(a for a in range(3) if a != ax)) - t) / t)
                    for ax, t in enumerate(targets))
        if error < tol:
            break
    factor = np.divide(fitted, table, out=np.ones_like(fitted), where=table > 0).ravel()
    return w * factor[cell]


def psu_codes(data: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row -> PSU code and PSU -> stratum: computed once, as the design does when it is built."""
    psu, psu_of_row = np.unique(data["cluster"].to_numpy(), return_inverse=True)
    psu_stratum = np.zeros(psu.size, dtype=np.int64)
    psu_stratum[psu_of_row] = data["stratum"].to_numpy()
    return psu_of_row, psu_stratum


def numpy_domain_means(data: pd.DataFrame, psu_of_row: np.ndarray, psu_stratum: np.ndarray):
    """Reference: 63 domain means and with-replacement stratified cluster SEs, straight numpy."""
    w, y = data["weight"].to_numpy(), data["y"].to_numpy()
    d = data["region"].to_numpy()
    wsum = np.bincount(d, weights=w, minlength=N_REGIONS)
    means = np.bincount(d, weights=w * y, minlength=N_REGIONS) / wsum
    z = w * (y - means[d]) / wsum[d]
    n_psu = psu_stratum.size
    n_h = np.bincount(psu_stratum)
    totals = np.bincount(psu_of_row * N_REGIONS + d, weights=z, minlength=n_psu * N_REGIONS)
    totals = totals.reshape(n_psu, N_REGIONS)
    stratum_sum = np.zeros((n_h.size, N_REGIONS))
    np.add.at(stratum_sum, psu_stratum, totals)
    dev = totals - (stratum_sum / n_h[:, None])[psu_stratum]
    scale = (n_h / (n_h - 1))[psu_stratum]
    return means, np.sqrt((dev * dev * scale[:, None]).sum(axis=0))


def measure(function, *args):
    """Time a first (cold) run, then the best of three, and the peak traced memory of one more run."""
    start = time.perf_counter()
    function(*args)
    cold = time.perf_counter() - start
    best = np.inf
    for _ in range(3):
        start = time.perf_counter()
        result = function(*args)
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, best, peak / 2**20, cold


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="respondents to generate")
    parser.add_argument("--seed", type=int, default=20260101)
    args = parser.parse_args(argv)

    data = generate(args.n, args.seed)
    margins = margins_for(data, args.seed)
    start = time.perf_counter()
    design = SurveyDesign(data, weights="weight", strata="stratum", ids="cluster")
    print(f"{args.n:,} respondents, {data['cluster'].nunique():,} clusters in {data['stratum'].nunique()} strata; "
          f"data {data.memory_usage(deep=True).sum() / 2**20:.0f} MB; design built in "
          f"{time.perf_counter() - start:.2f} s")

    raked, t_rake, m_rake, cold = measure(lambda: rake(design, margins, tol=1e-6))
    ref_w, t_ref, m_ref, _ = measure(numpy_rake, data, margins)
    agree = np.max(np.abs(raked.weights / ref_w - 1))
    print(f"rake to 1e-6:        {t_rake * 1000:7.1f} ms, peak {m_rake:6.1f} MB | numpy IPF {t_ref * 1000:7.1f} ms, "
          f"peak {m_ref:6.1f} MB | ratio {t_rake / t_ref:4.2f}x | {raked.convergence.iterations} iterations, "
          f"weights agree to {agree:.1e}; first call {cold * 1000:.0f} ms (codes the margin columns once)")

    table, t_dom, m_dom, _ = measure(lambda: design.mean("y", by="region"))
    (ref_means, ref_se), t_dref, m_dref, _ = measure(numpy_domain_means, data, *psu_codes(data))
    gap = max(np.max(np.abs(table["estimate"] - ref_means)), np.max(np.abs(table["se"] / ref_se - 1)))
    print(f"63 domain means+SE:  {t_dom * 1000:7.1f} ms, peak {m_dom:6.1f} MB | numpy      {t_dref * 1000:7.1f} ms, "
          f"peak {m_dref:6.1f} MB | ratio {t_dom / t_dref:4.2f}x | max difference {gap:.1e}")
    ok = t_rake < 0.1 and t_rake / t_ref < 3 and t_dom < 0.1 and max(m_rake, m_dom) < 100
    print("aims (rake < 0.1 s and < 3x, domains < 0.1 s, < 100 MB):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

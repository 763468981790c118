"""Sampling the uncertainties a scenario declares: Monte Carlo, Latin hypercube, Sobol, grid,
or none at all ("fixed": replications at the scenario's point values).

Every sampler returns a DataFrame with one row per design point and one column per uncertain
parameter, in physical units, drawn deterministically from ``seed``. Samplers work on the unit
hypercube and map through each parameter's distribution (uniform, triangular, truncated normal
or truncated lognormal between its bounds), so all four share one transform.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

SAMPLERS = ("mc", "lhs", "sobol", "grid", "fixed")


class SamplingError(ValueError):
    """The sampler cannot serve the declared uncertainties (a user error)."""


@dataclass(frozen=True)
class Uncertain:
    name: str
    distribution: str
    low: float
    high: float
    mode: float | None
    value: float  # the scenario's point value

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Map unit-interval draws to values of this parameter."""
        lo, hi = self.low, self.high
        if self.distribution == "uniform":
            return lo + u * (hi - lo)
        from scipy import stats  # here: a fixed or uniform design never needs it (start-up)

        if self.distribution == "triangular":
            mode = self.value if self.mode is None else self.mode
            c = (mode - lo) / (hi - lo)
            return stats.triang.ppf(u, c, loc=lo, scale=hi - lo)
        if self.distribution == "normal":
            # centred on the point value, bounds at +-2 sd, truncated at the bounds
            sd = (hi - lo) / 4
            a, b = (lo - self.value) / sd, (hi - self.value) / sd
            return stats.truncnorm.ppf(u, a, b, loc=self.value, scale=sd)
        if self.distribution == "lognormal":
            # normal in log space between log(low) and log(high)
            if lo <= 0:
                raise SamplingError(f"{self.name}: a lognormal needs low > 0, got {lo:g}")
            mu, sd = math.log(self.value), (math.log(hi) - math.log(lo)) / 4
            a, b = (math.log(lo) - mu) / sd, (math.log(hi) - mu) / sd
            return np.exp(stats.truncnorm.ppf(u, a, b, loc=mu, scale=sd))
        raise SamplingError(f"{self.name}: unknown distribution {self.distribution!r}")


def uncertainties(scenario) -> list[Uncertain]:
    """The parameters a scenario declares with an uncertainty, in declaration order."""
    out = []
    for name, pv in scenario.parameters.items():
        u = pv.uncertainty
        if u is not None:
            out.append(Uncertain(name, u.distribution, u.low, u.high, u.mode, pv.value))
    return out


def sample(method: str, params: list[Uncertain], n: int, seed: int,
           grid_levels: int = 3) -> pd.DataFrame:
    """``n`` design points (for ``grid``: ``grid_levels ** k`` points, n is ignored)."""
    if method not in SAMPLERS:
        raise SamplingError(f"unknown sampler {method!r}; choose one of {', '.join(SAMPLERS)}")
    k = len(params)
    names = [p.name for p in params]
    if method == "fixed":  # replications at the scenario's point values: seeds only
        return pd.DataFrame(index=range(n))
    if k == 0:
        if method == "mc":
            return pd.DataFrame(index=range(n))
        raise SamplingError(f"the '{method}' sampler needs uncertain parameters, and the "
                            "scenario declares none (add 'uncertainty' to a parameter)")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**31,)))
    if method == "mc":
        unit = rng.random((n, k))
    elif method == "lhs":
        from scipy.stats import qmc

        unit = qmc.LatinHypercube(d=k, seed=rng).random(n)
    elif method == "sobol":
        unit = _saltelli(params, n, seed)
    else:
        if grid_levels < 2:
            raise SamplingError("a grid needs at least 2 levels per parameter")
        axis = (np.arange(grid_levels) + 0.5) / grid_levels
        mesh = np.meshgrid(*([axis] * k), indexing="ij")
        unit = np.stack([m.ravel() for m in mesh], axis=1)
    values = {p.name: p.ppf(unit[:, j]) for j, p in enumerate(params)}
    return pd.DataFrame(values, columns=names)


def sobol_base_size(n_runs: int, k: int) -> int:
    """Saltelli's base sample size N for ``n_runs`` = N (k + 2) (first and total order)."""
    return n_runs // (k + 2)


def _saltelli(params: list[Uncertain], n: int, seed: int) -> np.ndarray:
    from SALib.sample import sobol as sobol_sample

    k = len(params)
    base = sobol_base_size(n, k)
    if base < 2:
        raise SamplingError(f"the 'sobol' sampler needs at least {2 * (k + 2)} runs for "
                            f"{k} uncertain parameters (N x (k + 2) with N >= 2); got {n}")
    if base & (base - 1):
        raise SamplingError(f"the 'sobol' sampler needs runs = N x (k + 2) with N a power of "
                            f"two; with k = {k}, try --runs {_pow2_floor(base) * (k + 2)} or "
                            f"{_pow2_floor(base) * 2 * (k + 2)}")
    problem = saltelli_problem([p.name for p in params])
    return sobol_sample.sample(problem, base, calc_second_order=False, seed=seed % 2**32)


def _pow2_floor(x: int) -> int:
    return 1 << (x.bit_length() - 1)


def saltelli_problem(names: list[str]) -> dict:
    """The SALib problem matching ``sample('sobol', ...)``: sampled on the unit cube, mapped
    to physical units afterwards, so analysis uses the same unit bounds."""
    return {"num_vars": len(names), "names": list(names), "bounds": [[0.0, 1.0]] * len(names)}

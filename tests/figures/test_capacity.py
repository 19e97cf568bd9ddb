"""The capacity figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np


def test_capacity_scaling_exponents_and_the_exponential_extrapolation(made):
    """Fitted K_c ~ N^s within 3 sigma of s = P - 1; log(K_c)/N extrapolated in 1/N
    within 3 sigma of the REM thresholds (binary zero-T flips; modern, one step)."""
    meta = json.loads((made("capacity") / "capacity.json").read_text())
    for fit in meta["slopes"].values():
        assert abs(fit["slope"] - fit["theory"]) < 3 * fit["error"], fit
    for record in meta["exponential"]:
        assert abs(record["n_sigma"]) < 3, record
        assert sum(record["censored"]) == 0
    for basin in meta["basins"]:
        p = np.array(basin["p"])
        rho = np.array(basin["rho"])
        assert p[0] >= 0.9
        assert p[-1] <= 0.1
        assert np.all(p[rho > basin["rho_c"] + 0.15] < 0.5), basin

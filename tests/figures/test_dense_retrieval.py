"""The dense_retrieval figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np


def test_dense_monte_carlo_below_T_c_lands_on_the_rs_overlap(made):
    """Where retrieval is the RS equilibrium state, MC at N -> infinity agrees within 3 sigma.

    Points where some size kept no chain in the retrieval state (small N at
    P = 4 escapes over finite barriers) have no extrapolation and are skipped.
    """
    from hebbian.theory import dense

    tmp_path = made("dense_retrieval")
    points = json.loads((tmp_path / "dense_retrieval.json").read_text())["points"]
    below = [
        p for p in points if p["T"] < dense.T_c(p["P"], p["alpha"]) and np.isfinite(p["n_sigma"])
    ]
    assert len(below) >= 3
    for p in below:
        assert abs(p["n_sigma"]) < 3, p

"""The learning figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np
from figure_data import open_data


def test_learning_figure_meets_the_theory_and_orders_the_protocols(made):
    """Low load: supervised MC at N -> infinity within 3 sigma of RS where both sizes kept
    every chain; high load: MC within 4 errors of RS for both protocols, unsupervised lower."""
    tmp_path = made("learning")
    points = json.loads((tmp_path / "learning.json").read_text())["points"]
    low = [p for p in points if p["panel"] in "ab" and np.isfinite(p["n_sigma"])]
    assert len(low) >= 5
    assert sum(abs(p["n_sigma"]) < 3 for p in low) >= len(low) - 1  # quick mode: 3 samples
    high = [p for p in points if p["panel"] == "c"]
    for p in high:
        assert abs(p["m"] - p["m_theory"]) < 4 * p["error"] + 0.01, p
    theory = {(p["protocol"], p["alpha"]): p["m_theory"] for p in high}
    for (protocol, alpha), m in theory.items():
        if protocol == "unsupervised":
            assert m < theory[("supervised", alpha)]
    ratio = open_data(tmp_path, "learning")["d_alpha_c_ratio"]
    assert np.all(ratio.sel(P=3).diff("d_rho") < 0)  # noisier data, smaller critical load

"""The sk_rsb figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np


def test_sk_figure_orders_the_rsb_energies_and_meets_the_monte_carlo(made):
    """Parisi: RS < 1RSB < 2RSB < 3RSB < full; MC extrapolated in N within 3 sigma of full RSB."""
    tmp_path = made("sk_rsb")
    meta = json.loads((tmp_path / "sk_rsb.json").read_text())
    e0 = list(meta["ground_state"].values())
    assert e0 == sorted(e0)
    assert round(e0[-1], 4) == -0.7632
    assert meta["swap_min"] > 0.2
    below = [p for p in meta["points"] if np.isfinite(p["n_sigma_full_rsb"])]
    assert len(below) >= 8
    for p in below:
        assert abs(p["n_sigma_full_rsb"]) < 3, p

"""The gated_ode figure: its quick run against chance, the attractor, and the monotone bound."""

from __future__ import annotations

import json

import numpy as np
from figure_data import open_data


def test_gated_ode_memory_attractor_and_expressivity(made):
    folder = made("gated_ode")
    meta = json.loads((folder / "gated_ode.json").read_text())
    ds = open_data(folder, "gated_ode")
    chance = meta["chance"]
    gated = ds["report_mse"].sel(n_dim=2, seed_index=0, model="gated").values
    # the gated model reports v ten times better than chance up to 3x the trained time
    assert np.all(gated < 0.1 * chance), gated
    # the memory curve is slow: a direction with |lambda| << 1 (the open-gate rate)
    att = meta["attractor"]["gated"]
    assert att["speed_median"] < 0.02, att
    assert abs(att["eig_leading_median"]) < 0.1, att
    assert att["eig_second_median"] < -0.3, att  # attracting across it: a line, not a plane
    assert att["gate_min_median"] < 0.5, att  # made by shutting the gate
    # a one-dimensional flow can only trace a monotone curve: the bound holds for both models,
    # and some higher-dimensional model beats it
    bound = float(ds["monotone_bound_r2"])
    r2 = ds["expressivity_r2"]
    assert np.all(r2.sel(expr_n_dim=1).values <= bound + 1e-9), (r2.values, bound)
    assert float(r2.sel(expr_n_dim=slice(2, None)).max()) > bound + 0.1, (r2.values, bound)

"""The gated_complexity figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np
import pytest


def test_gated_complexity_counts_and_chaos(made):
    """Fixed points are counted (every count >= 1: x = 0 is one), more of them at large g, and
    lambda_max changes sign as the DMFT says away from the discontinuous onset."""
    meta = json.loads((made("gated_complexity") / "gated_complexity.json").read_text())
    onset = meta["onset"]
    assert onset["discontinuous"]
    assert onset["g_chaos"] < meta["g_fixed_point"] == 2.0
    N = max(meta["settings"]["N"])
    rows = {r["g"]: r for r in meta["counts"] if r["N"] == N}
    for r in rows.values():
        assert min(r["counts"]) >= 1
        assert all(s <= c for s, c in zip(r["stable"], r["counts"], strict=True))
        assert r["converged_fraction"] > 0.5
    assert rows[3.0]["log_count_per_N"] > rows[1.5]["log_count_per_N"]
    assert rows[3.0]["log_mean_count_per_N"] > rows[1.5]["log_mean_count_per_N"]
    lam = {float(g): v for g, v in meta["lambda_sim"].items()}
    assert lam[1.5] < 0
    assert np.all([lam[g] > 0 for g in (2.2, 2.6, 3.0)])


def test_gated_complexity_kac_rice(made):
    """The annealed complexity is 0 at g = 1.5, positive and growing from below g_chaos: fixed
    points proliferate before chaos, and before x = 0 turns unstable."""
    meta = json.loads((made("gated_complexity") / "gated_complexity.json").read_text())
    kr = {r["g"]: r for r in meta["kac_rice"]}
    assert all(r["success"] for r in kr.values())
    assert kr[1.5]["Sigma_max"] < 0 < kr[1.8]["Sigma_max"] < kr[2.2]["Sigma_max"]
    assert kr[3.0]["Sigma_max"] > kr[2.6]["Sigma_max"]
    assert 1.5 < meta["g_proliferation"] < meta["onset"]["g_chaos"] < 2.0


def test_gated_complexity_vanilla_onset(made):
    """(c): Sigma -> (16/81) eps^3 and lambda_max -> eps^2 / 2 as eps = g - 1 -> 0 (ratios
    1 - O(eps)): Sigma / lambda_max grows with eps, to 0 as eps -> 0 (different powers)."""
    meta = json.loads((made("gated_complexity") / "gated_complexity.json").read_text())
    v = meta["vanilla_onset"]
    assert all(v["success"])
    eps = np.array(v["eps"])
    sigma_ratio = np.array(v["Sigma"]) / (16 / 81 * eps**3)
    lam_ratio = np.array(v["lambda_max"]) / (eps**2 / 2)
    small = eps <= 0.01
    assert np.all(np.abs(sigma_ratio[small] - 1) < 5 * eps[small])
    assert np.all(np.abs(lam_ratio[small] - 1) < 5 * eps[small])
    assert np.all(np.diff(np.array(v["Sigma"]) / np.array(v["lambda_max"])) > 0)
    assert np.all(np.array(v["Q"])[small] == pytest.approx(2 * eps[small] / 3, rel=0.05))

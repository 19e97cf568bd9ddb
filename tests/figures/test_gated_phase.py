"""The gated_phase figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np


def test_gated_phase_discontinuous_onset_and_update_gate_timescales(made):
    """The output gate moves the onset of chaos below g = 2 (bistable region), the simulated
    chaos meets the DMFT there, and the update gate slows the DMFT dynamics by ~1/c."""
    meta = json.loads((made("gated_phase") / "gated_phase.json").read_text())
    phase = meta["phase"]
    assert abs(phase["tricritical_alpha_r"] ** 2 - 12) < 1e-9
    top = max(phase["onsets"], key=lambda r: r["alpha_r"])
    assert top["success"]
    assert top["discontinuous"]
    assert 1.5 < top["g_chaos"] < 1.95, top
    # bistable point: x = 0 linearly stable (g < 2) yet large starts stay chaotic
    bistable = [p for p in phase["simulated"] if p["dmft_region"] == "bistable"]
    assert bistable
    for p in bistable:
        assert top["g_chaos"] < p["g"] < phase["g_fixed_point"]
        assert p["survived"] > 0, p
    points = {(p["alpha_r"], p["g"], p["N"]): p for p in meta["points"]}
    for p in points.values():  # clearly chaotic or clearly quiescent: the signs agree
        if abs(p["lambda_dmft"]) > 0.04 and "lambda_sim" in p:
            assert np.sign(p["lambda_sim"]) == np.sign(p["lambda_dmft"]), p
    N = meta["settings"]["N"][-1]
    p = points[(10.0, 2.5, N)]
    assert p["dmft_branch"] == "chaos"
    assert p["survived"] == p["n"]
    assert abs(p["Delta0_sim"] / p["Delta0_dmft"] - 1) < 0.35, p
    assert p["lambda_sim"] > 0.5 * p["lambda_dmft"], p
    scales = {(r["beta_z"], r["alpha_z"]): r for r in meta["timescales"]}
    slow = scales[(-1.0, 0.0)]
    assert abs(slow["decay_ratio_dmft"] / slow["inverse_c_ratio"] - 1) < 0.2, slow
    assert abs(slow["decay_time_sim"] / slow["decay_time_dmft"] - 1) < 0.3, slow
    sharp, base = scales[(0.0, 10.0)], scales[(0.0, 0.0)]
    assert sharp["decay_time_dmft"] > 1.3 * base["decay_time_dmft"], sharp  # slow modes
    # the order of the decay times: open gate, half-shut gate, sharp gate (slowest)
    assert base["decay_time_sim"] < slow["decay_time_sim"], (base, slow)
    assert sharp["decay_time_sim"] is None or sharp["decay_time_sim"] > slow["decay_time_sim"]
    assert base["decay_time_dmft"] < slow["decay_time_dmft"] < sharp["decay_time_dmft"]

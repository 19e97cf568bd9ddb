"""The memory_models figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np


def _meta(made):
    return json.loads((made("memory_models") / "memory_models.json").read_text())


def test_memory_models_meet_the_capacity_laws_and_the_gate_timescales(made):
    """Fitted capacity exponents within 3 sigma (+0.03) of the signal-to-noise theory's
    (mean field for the delta rule), capacities within 3 sigma + 1 of it; forget-gate signals
    decay on tau, horizons as derived; the key-dependent gate's and the delta rule's retention
    within error bars of their theories."""
    meta = _meta(made)
    for fit in meta["capacity"].values():
        assert abs(fit["exponent"] - fit["theory_exponent"]) < 3 * fit["exponent_error"] + 0.03
        assert fit["censored"] == 0
    for name in ("linear", "forget", "delta"):
        fit = meta["capacity"][name]
        gap = np.abs(np.subtract(fit["capacity"], fit["predicted"]))
        assert np.all(gap < 3 * np.array(fit["capacity_error"]) + 1), (name, fit)
    for r in meta["retention"]:
        if r["model"] == "forget":
            assert abs(r["tau_fit"] - r["tau"]) < 3 * r["tau_fit_error"], r
        if "horizon_theory" in r:
            assert abs(r["horizon_measured"] - r["horizon_theory"]) <= 3, r
            assert r["max_abs_z_accuracy"] < 4.5, r  # the largest of 128 lags


def test_every_memory_is_measured_with_its_cost(made):
    """Capacity and floats held by each memory; a GRU with a linear read-out: one pair at most."""
    meta = _meta(made)
    for rec in {**meta["capacity"], **meta["newer"]}.values():
        assert len(rec["capacity"]) == len(rec["state_size"]) == len(rec["flops_per_write"])
        assert all(s > 0 for s in rec["state_size"])
    assert all(c <= 1 for c in meta["newer"]["gru"]["capacity"])
    # fixed-state memories hold d^2 floats at any load (the Titans memory twice: momentum)
    for name, factor in (("key_gated", 1), ("titans", 2)):
        rec = meta["newer"][name]
        assert rec["state_size"] == [factor * d * d for d in rec["d"]]


def test_hybrid_threshold_trades_cache_for_recall(made):
    ham = _meta(made)["hybrid"]["delta"]
    cached, accuracy = np.array(ham["cached"]), np.array(ham["accuracy"])
    assert cached[0] == 1.0
    assert cached[-1] == 0.0
    assert np.all(np.diff(cached) <= 0)
    assert accuracy[0] == 1.0
    assert accuracy[-1] < accuracy[1] - 0.1  # the RNN alone forgets what the cache keeps


def test_update_gate_timescale_follows_the_dmft_and_the_capacity_falls(made):
    gates = _meta(made)["gates"]
    tau, slowest = np.array(gates["tau_dmft"]), np.array(gates["tau_slowest_mode"])
    assert np.all(np.diff(tau) > 0)  # biases in decreasing order: the gate closes
    assert np.all(np.abs(slowest / tau - 1) < 0.3)  # N = 16: the disc's edge fluctuates
    capacity, error = np.array(gates["capacity"]), np.array(gates["capacity_error"])
    assert capacity[-1] < capacity[0] - 3 * (error[0] + error[-1])
    # between the exact read-out and the finite-sample estimate, where the gate is open
    exact, finite = np.array(gates["linearized"]), np.array(gates["linearized_finite"])
    assert np.all(capacity[:2] < exact[:2] + 3 * error[:2])
    assert np.all(capacity[:2] > finite[:2] - 3 * error[:2])
    # the update-gate gain, absent from the linearization, costs memory (inset)
    by_gain = np.array(gates["capacity_by_gain"])
    assert gates["alpha_z"][0] == 0
    assert by_gain[-1] < by_gain[0]


def test_the_gru_update_gate_trades_stream_memory_for_holding_a_value(made):
    """Closing the gate (biases in decreasing order): a value survives 20 steps of distractors
    better, while the short-term memory capacity of the stream falls."""
    cells = _meta(made)["cells"]
    recall, error = np.array(cells["recall_r2"]), np.array(cells["recall_r2_error"])
    j = cells["delays"].index(20)
    assert recall[-2, j] > recall[0, j] + 3 * (error[-2, j] + error[0, j])
    stm, stm_error = np.array(cells["gru_stm"]), np.array(cells["gru_stm_error"])
    assert stm[-1] < stm[0] - 3 * (stm_error[0] + stm_error[-1])
    assert np.all(stm <= cells["N"])

"""The gated_cells figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np
from threadpoolctl import threadpool_limits


def test_gated_cells_spectra_and_slow_modes(made):
    """GRU and LSTM spectra at 0 fill the predicted discs; shutting the update gate (GRU) or
    opening the forget gate (LSTM) piles the modes up near |lambda| = 1 and slows the chaos."""
    meta = json.loads((made("gated_cells") / "gated_cells.json").read_text())
    for rec in [*meta["gru_spectra"], meta["lstm_spectrum"]]:
        assert abs(rec["radius_measured"] / rec["radius_predicted"] - 1) < 0.12, rec
        shift = abs(rec["centre_measured"] - rec["centre_predicted"])
        assert shift < 0.05 * rec["radius_predicted"], rec
    assert meta["lstm_spectrum"]["max_distance_to_exact"] < 1e-8
    assert meta["lstm_spectrum"]["n_random_part"] == meta["settings"]["N_spec"]
    gru, lstm = meta["sweeps"]["gru"], meta["sweeps"]["lstm"]
    assert gru[0]["lambda_max"] > 0.1  # open update gate: chaotic
    assert abs(gru[-1]["lambda_max"]) < 0.01  # shut: marginal
    assert gru[0]["slow_fraction_attractor"] < 0.1
    assert gru[-1]["slow_fraction_attractor"] > 0.9
    assert gru[-1]["slow_fraction_fixed_point"] == 1.0
    assert max(r["lambda_max"] for r in lstm) > 0.03
    assert lstm[0]["slow_fraction_attractor"] < 0.1
    assert lstm[-1]["slow_fraction_attractor"] > 0.3


def test_gru_fixed_points_against_mean_field(made):
    """Panels (e)-(h): the stable fixed point's variance and spectral radius against the mean
    field (radius against the finite-N Ginibre edge), the slowest time scale against
    1/(sigma(b_z)(1 - rho)), and the long-run dynamics on the two sides of the phase lines."""
    meta = json.loads((made("gated_cells") / "gated_cells.json").read_text())
    fp = meta["gru_fixed_points"]
    s = meta["settings"]
    cut = fp["cut"]
    stable = [k for k, g in enumerate(cut["g"]) if g < cut["g_instability"]]
    assert len(stable) >= 3
    for k in stable:
        C = cut["C"]
        assert abs(C["mean"][k] - C["theory"][k]) < 3 * C["err"][k] + 1e-3, (k, C)
    # max |eig M| of an N x N matrix exceeds the disc's radius by the Ginibre edge at this N
    rng = np.random.default_rng(0)
    N = s["N_fp"]
    with threadpool_limits(1, user_api="blas"):  # small matrices: threads only contend
        edge = np.mean(
            [np.abs(np.linalg.eigvals(rng.standard_normal((N, N)))).max() for _ in range(20)]
        )
    edge /= np.sqrt(N)
    rho = cut["rho"]
    ratio = [rho["mean"][k] / rho["theory"][k] for k in stable]
    assert 1.0 < np.mean(ratio) < 2 * edge - 1.0, (ratio, edge)
    slow = fp["slow"]
    for k, theory in enumerate(slow["theory"]):
        for key in ("a_z=0", "ginibre"):
            assert abs(slow[key]["mean"][k] - theory) < 3 * slow[key]["err"][k], (key, k, slow)
    assert slow["a_z=0"]["mean"][-1] > 100 * slow["a_z=0"]["mean"][0]  # shut gate: slow
    # fluctuating update gate: Eq. (5) with each network's gates; typical gates slower than z0
    measured, predicted = slow["a_z=1"], slow["a_z=1 gates"]
    for k in range(len(slow["theory"])):
        err = np.hypot(measured["err"][k], predicted["err"][k])
        assert abs(measured["mean"][k] - predicted["mean"][k]) < 3 * err, (k, slow)
        assert slow["typical_a_z=1"][k] > slow["theory"][k]
    # (e): h = 0 attracts every orbit well below the fold; nothing converges to 0 above 1/s0
    theory = fp["phase_theory"]
    for r in fp["phase"]:
        g_fold = np.interp(r["b_r"], theory["b_r"], np.nan_to_num(theory["g_fold"], nan=np.inf))
        g_zero = 1 + np.exp(-r["b_r"])
        if r["g"] < 0.9 * min(g_fold, g_zero):
            assert r["fraction_zero"] == 1.0, r
        if r["g"] > 1.2 * g_zero:
            assert r["fraction_zero"] == 0.0, r
    # (h): active fixed points are found only above the fold
    count = fp["count"]
    for r in count["records"]:
        if r["g"] < count["g_fold"]:
            assert r["n_active_mean"] == 0.0, r
    assert max(r["n_active_mean"] for r in count["records"]) > 0

"""The learning_phase figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np
from figure_data import open_data


def test_learning_phase_diagram_lines_and_low_load_monte_carlo(made):
    """Monte Carlo melting temperatures at low load and the pairwise spinodal, extrapolated in
    N, within 3 errors (and a tenth) of T_M and alpha_c; data noise and the unsupervised
    cross-talk shrink the retrieval region; the pairwise spin-glass line is AGS's
    T_g = 1 + sqrt(alpha)."""
    tmp_path = made("learning_phase")
    points = json.loads((tmp_path / "learning_phase.json").read_text())["points"]
    low = [p for p in points if p["line"] == "T_M low load"]
    assert {p["P"] for p in low} == {3, 4}
    spinodal = [p for p in points if p["line"] == "spinodal"]
    assert [p["P"] for p in spinodal] == [2]
    for p in low + spinodal:
        assert abs(p["extrapolated"] - p["theory"]) < 3 * p["error"] + 0.1 * p["theory"], p
        assert p["crossing"][-1] < 1.3 * p["theory"]  # the largest N melts near the line
    data = open_data(tmp_path, "learning_phase")
    sup = data.sel(protocol="supervised")
    unsup = data.sel(protocol="unsupervised")
    for P in (3, 4):
        noisy, clean = sup["spinodal"].sel(P=P).values, sup["spinodal_rho0"].sel(P=P).values
        ok = np.isfinite(noisy) & (noisy > 0)
        assert ok.sum() >= 2
        assert np.all(noisy[ok] < clean[ok])
        assert np.all(unsup["spinodal"].sel(P=P).values[ok] <= noisy[ok])
    T = sup["T_value"].sel(P=2).values
    glass = sup["glass"].sel(P=2).values
    above = T > 1
    np.testing.assert_allclose(glass[above], (T[above] - 1) ** 2, rtol=1e-9)

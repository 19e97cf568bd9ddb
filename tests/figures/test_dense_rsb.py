"""The dense_rsb figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np
import pytest
from figure_data import open_data


def test_dense_rsb_figure_draws_the_phase_diagram(made):
    """alpha_c(T = 0): RS 0.1261 < 1RSB 0.15374 < the peak of the reentrant RS alpha_c(T) for
    P = 3; the 1RSB spinodal lies right of the RS one and joins it at T*; the glass freezes at
    Gardner's T_s = 0.651 J."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())
    rs, one, peak = (meta[k]["3"] for k in ("alpha_c_rs_T0", "alpha_c_1rsb_T0", "alpha_c_rs_peak"))
    assert rs < one < peak
    assert one == pytest.approx(0.15374, abs=1e-5)
    assert meta["T_s_unit_glass"]["3"] == pytest.approx(0.651, abs=1e-3)
    data = open_data(tmp_path, "dense_rsb")
    a_one, T_one = data["spinodal_1rsb_P3_alpha"].values, data["spinodal_1rsb_P3_T"].values
    rs_at = np.interp(T_one, data["spinodal_rs_P3_T"].values, data["spinodal_rs_P3_alpha"].values)
    assert np.all(a_one[:-1] > rs_at[:-1])
    assert T_one[-1] == pytest.approx(meta["T_collapse"]["3"])
    assert np.all(np.isfinite(data["T_AT_P3_T"].values))


def test_dense_rsb_monte_carlo_separates_the_skewness(made):
    """Well above T_s the Gaussian control's energy is the paramagnet's within errors; inside both
    spinodals (alpha = 0.12, T = 0.05) most retrieval chains stay on their pattern."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())
    n = meta["glass"]["n_above_2T_s"]
    assert n >= 2
    assert meta["glass"]["control_chi2_paramagnet_above_2T_s"][-1] < 4 * n
    data = open_data(tmp_path, "dense_rsb")
    retained = data["retained"].values
    assert data["alpha"].values[0] == pytest.approx(0.12)
    assert np.all(retained[:, 0] >= 0.75)
    assert meta["swap_min"]["control"] > 0.1

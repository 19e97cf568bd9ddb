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
    """Well above T_s the Gaussian control's energy is the paramagnet's within errors."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())
    n = meta["glass"]["n_above_2T_s"]
    assert n >= 2
    assert meta["glass"]["control_chi2_paramagnet_above_2T_s"][-1] < 4 * n
    assert meta["swap_min"]["control"] > 0.1


def test_dense_rsb_retrieval_keeps_the_replica_overlap(made):
    """At alpha = 0.10, T = 0.05, inside both spinodals, the chains started on the pattern keep
    the RS (= 1RSB there) overlap m = 0.961 within errors and a finite-N margin."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())
    data = open_data(tmp_path, "dense_rsb")
    assert data["alpha"].values[0] == pytest.approx(0.10)
    theory = meta["retrieval"]["m_1rsb_at_mc_loads"][0]
    assert theory == pytest.approx(meta["retrieval"]["m_rs_at_mc_loads"][0], abs=1e-4)
    assert theory == pytest.approx(0.9612, abs=1e-3)
    m, err = data["m_retrieval"].values[-1, 0], data["m_retrieval_err"].values[-1, 0]
    assert m > 0.8
    assert abs(m - theory) < 3 * err + 0.05
    rs, one = meta["retrieval"]["spinodal_rs"], meta["retrieval"]["spinodal_1rsb"]
    assert rs == pytest.approx(0.1395, abs=1e-3)
    assert 0.153 < one < 0.156


def test_dense_rsb_unit_glass_is_frozen_below_T_s(made):
    """Gardner's P = 3 glass (J = 1): at the ladder's lowest temperature, 0.55 T_s, every size's
    energy lies far above the paramagnet's continuation -1/(2T), and the N = infinity
    extrapolation is on the 1RSB energy within 3 errors; the ladder mixes."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())["unit_glass"]
    data = open_data(tmp_path, "dense_rsb")
    T = data["T_unit"].values
    assert T[0] == pytest.approx(0.36)
    assert np.all(data["unit_energy"].values[:, 0] > -0.5 / T[0] + 0.3)
    assert abs(meta["n_sigma_1rsb_below_T_fit"]["lnN/N"][0]) < 3
    assert meta["n_sigma_paramagnet_below_T_fit"]["lnN/N"][0] > 2
    assert data["unit_energy_theory"].values[0] == pytest.approx(-0.8058, abs=1e-3)
    assert meta["swap_min"] > 0.3
    assert meta["round_trips_min"] >= 3


def test_static_temperature_from_energy_finds_the_crossing():
    """A glass branch that meets -1/(2T) at T0 gives T0; a common shift of the points by a
    fraction of their error moves the crossing by at most that fraction of its error."""
    from hebbian.figures.dense_rsb import energy_static_temperature

    T0, slope = 0.65, 0.4
    T = np.linspace(0.36, 1.05, 16)
    u = -0.5 / T0 + slope * (T - T0)
    err = np.full(T.size, 0.01)
    value, error = energy_static_temperature(T, u, err, 0.6)
    assert value == pytest.approx(T0, abs=1e-9)
    shifted, _ = energy_static_temperature(T, u + 1e-4, err, 0.6)
    assert 0 < abs(shifted - T0) <= error * 1e-2 * (1 + 1e-6)
    assert np.isnan(energy_static_temperature(T, -1.0 / T, err, 0.6)[0])  # never crosses


@pytest.mark.parametrize("form", ["lnN/N", "1/N", "N^-2/3"])
def test_glass_extrapolations_recover_their_own_form(form):
    from hebbian.figures.dense_rsb import FORMS, glass_extrapolations

    Ns = np.array([16, 24, 32, 48])
    size, omega = FORMS[form]
    u = (-0.8 + 0.7 * size(Ns.astype(float)) ** -omega)[:, None] * np.ones((1, 3))
    value, error, _ = glass_extrapolations(Ns, u, np.full_like(u, 0.01))[form]
    assert value == pytest.approx(np.full(3, -0.8), abs=1e-12)
    assert np.all(error > 0)


def test_dense_rsb_exact_overlaps_have_the_one_step_gap(made):
    """(d) The control enumerated exactly (N = 8, 10, 12, 64 samples, the Monte Carlo's first):
    at T = 0.05 the mean gap above the ground pair is the 1RSB spacing T/x of the lowest
    states within 3 errors at every N; the recorded weights of |q| < 1/2 are those of the
    recorded histograms."""
    from hebbian.mc.glass import weight_below_half

    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())["overlap_exact"]
    assert meta["N"] == [8, 10, 12]
    assert meta["T_over_x"][0] == pytest.approx(0.102, abs=1e-3)
    gap, err = np.array(meta["gap"]), np.array(meta["gap_err"])
    assert np.all(np.abs(gap - meta["T_over_x"][0]) < 3 * err), (gap, err)
    data = open_data(tmp_path, "dense_rsb")
    assert weight_below_half(data["exact_q_hist"].values) == pytest.approx(
        data["exact_below_half"].values, abs=1e-12
    )
    assert np.isfinite(data["exact_below_half_mc_samples"].values[[0, 2]]).all()

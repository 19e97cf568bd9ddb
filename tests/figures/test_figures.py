"""Every figure script runs in quick mode and writes data, PNG and metadata."""

from __future__ import annotations

import json

import numpy as np
import pytest
import xarray as xr

from hebbian import figures


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """``made(name)``: the output folder of the figure's quick run, made once per module."""
    folders = {}

    def make(name):
        if name not in folders:
            folders[name] = tmp_path_factory.mktemp(name)
            figures.load(name).main(["--quick", "--out", str(folders[name])])
        return folders[name]

    return make


def open_data(folder, name) -> xr.Dataset:
    """A figure's data file, read by plain xarray."""
    with xr.open_dataset(folder / f"{name}.h5", engine="h5netcdf") as ds:
        return ds.load()


@pytest.mark.parametrize("name", list(figures.available()))
def test_figure_quick(name, made):
    tmp_path = made(name)
    for ext in ("h5", "png", "json"):
        assert (tmp_path / f"{name}.{ext}").stat().st_size > 0
    meta = json.loads((tmp_path / f"{name}.json").read_text())
    assert meta["quick"] is True
    assert meta["figure"] == name
    assert meta["backend"] == "numba"
    assert "seed" in meta
    assert {"workers", "scheduler"} <= meta.keys()
    assert meta["elapsed_s"] > 0
    provenance = meta["provenance"]
    for package in ("python", "hebbian", "numpy", "scipy", "numba"):
        assert provenance["versions"][package], package
    assert {"git_commit", "argv", "host", "created"} <= provenance.keys()
    assert not list(tmp_path.glob("*.part"))
    ds = open_data(tmp_path, name)
    assert len(ds.data_vars) > 0
    assert json.loads(ds.attrs["record"]) == meta
    assert not [dim for dim in ds.dims if str(dim).startswith("phony_dim")]
    for key, variable in ds.variables.items():
        assert variable.attrs.get("long_name"), key


def test_modern_retrieval_respects_the_theorem(made):
    data = open_data(made("modern_retrieval"), "modern_retrieval")
    assert data["errors"].dims == ("sample", "beta")
    assert np.all(data["errors"] <= data["bounds"])
    # the error falls exponentially in beta: the log-error slope is negative
    slope = np.polyfit(data["beta"], np.log(data["errors"]).mean("sample"), 1)[0]
    assert slope < -20
    # Theorem 4's well-separated patterns all end in single-pattern fixed points; as beta
    # grows the fixed points go from the global average through metastable to single ones
    kinds = data["kinds"]
    assert np.all(kinds.sel(kind="single") >= data["separated"] - 1e-12)
    assert kinds.sel(kind="global")[0] == 1.0
    assert kinds.sel(kind="metastable").max() == 1.0
    assert kinds.sel(kind="single")[-1] == 1.0


def test_gallery_reads_the_run_record(made):
    from hebbian import __version__

    gallery = figures.write_gallery(made("modern_retrieval")).read_text()
    assert f"quick mode, seed 2026, hebbian {__version__}, " in gallery


def test_hopfield_overlap_data_is_labelled(made):
    """Monte Carlo on (T, N, alpha), the theory on its own finer alpha grid, NaN beyond alpha_c."""
    from hebbian.theory import hopfield

    data = open_data(made("hopfield_overlap"), "hopfield_overlap")
    assert data["mc_m"].dims == ("T", "N", "alpha")
    assert data["mc_m_err"].dims == data["mc_m"].dims
    assert data["theory_m"].dims == ("T", "alpha_theory")
    assert data["T"].values.tolist() == [0.0, 0.3]
    assert data["alpha_theory"].size > data["alpha"].size
    line = data["theory_m"].sel(T=0.3).dropna("alpha_theory")
    assert line["alpha_theory"].max() < hopfield.alpha_c(0.3).value
    alpha, m = float(line["alpha_theory"][-1]), float(line[-1])
    assert m == hopfield.solve(alpha, 0.3)["m"]


def test_hopfield_monte_carlo_lands_on_the_rs_overlap(made):
    """AGS 1987: MC extrapolated to N -> infinity agrees with RS m(alpha) within 3 sigma."""
    tmp_path = made("hopfield_overlap")
    points = json.loads((tmp_path / "hopfield_overlap.json").read_text())["points"]
    assert len(points) == 5
    assert all(p["retained"] == 1.0 for p in points)
    for p in points:
        assert abs(p["n_sigma"]) < 3, p


def test_dense_monte_carlo_below_T_c_lands_on_the_rs_overlap(made):
    """Where retrieval is the RS equilibrium state, MC at N -> infinity agrees within 3 sigma.

    Points where some size kept no chain in the retrieval state (small N at
    P = 4 escapes over finite barriers) have no extrapolation and are skipped.
    """
    from hebbian.theory import dense

    tmp_path = made("dense_retrieval")
    points = json.loads((tmp_path / "dense_retrieval.json").read_text())["points"]
    below = [
        p for p in points if p["T"] < dense.T_c(p["P"], p["alpha"]) and np.isfinite(p["n_sigma"])
    ]
    assert len(below) >= 3
    for p in below:
        assert abs(p["n_sigma"]) < 3, p


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


def test_dense_rsb_figure_orders_the_critical_storage(made):
    """alpha_c(T = 0): RS < 1RSB < the peak of the reentrant RS alpha_c(T), for P = 2, 3, 4;
    the P = 4 glass freezes (two replicas overlap) at the lowest temperature of the ladder."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())
    storage = meta["critical_storage"]
    for rs, one, peak in zip(
        storage["RS"], storage["1RSB"], storage["RS peak over T"], strict=True
    ):
        assert rs < one < peak
    assert storage["1RSB"][1] == pytest.approx(0.15374, abs=1e-5)
    assert 0.09 < meta["T_s_above"] < 0.13  # the 1RSB line's first paramagnet point
    assert min(meta["q2"]) > 0.4
    data = open_data(tmp_path, "dense_rsb")
    m_rs, m_1rsb = data["m_rs"], data["m_1rsb"]
    assert data["alpha_1rsb"].max() > data["alpha_rs"].max()
    assert np.all((m_rs > 0.6) & (m_rs <= 1))
    assert np.all((m_1rsb > 0.6) & (m_1rsb <= 1))
    assert data["alpha_c_1rsb"].sel(P=3) == storage["1RSB"][1]


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


def test_digit_networks_learn_and_higher_P_separates_the_classes(made):
    tmp_path = made("learning_digits")
    meta = json.loads((tmp_path / "learning_digits.json").read_text())
    accuracy = meta["accuracy"]
    assert accuracy["P4_supervised"][0] > accuracy["P2_supervised"][0] + 0.2
    assert accuracy["P4_supervised"][0] > 0.4


def test_multitasking_monte_carlo_lands_on_the_zero_T_amplitudes(made):
    """T = 0, K = 3: MC amplitudes within 4 errors of RS (closed form below d = 0.618)."""
    tmp_path = made("multitasking")
    points = json.loads((tmp_path / "multitasking.json").read_text())["points"]
    assert len(points) >= 9
    for p in points:
        assert abs(p["m"] - p["m_theory"]) < 4 * p["error"] + 5e-3, p


def test_capacity_scaling_exponents_and_the_exponential_extrapolation(made):
    """Fitted K_c ~ N^s within 3 sigma of s = P - 1; log(K_c)/N extrapolated in 1/N
    within 3 sigma of the REM thresholds (binary zero-T flips; modern, one step)."""
    meta = json.loads((made("capacity") / "capacity.json").read_text())
    for fit in meta["slopes"].values():
        assert abs(fit["slope"] - fit["theory"]) < 3 * fit["error"], fit
    for record in meta["exponential"]:
        assert abs(record["n_sigma"]) < 3, record
        assert sum(record["censored"]) == 0
    for basin in meta["basins"]:
        p = np.array(basin["p"])
        rho = np.array(basin["rho"])
        assert p[0] >= 0.9
        assert p[-1] <= 0.1
        assert np.all(p[rho > basin["rho_c"] + 0.15] < 0.5), basin


def test_exponential_phase_crossings_extrapolate_onto_the_equilibrium_line(made):
    meta = json.loads((made("exponential_phase") / "exponential_phase.json").read_text())
    for ensemble in ("binary", "spherical"):
        for record in meta[ensemble]:
            assert abs(record["n_sigma"]) < 3, record


def test_memory_models_meet_the_capacity_laws_and_the_gate_timescales(made):
    """Fitted capacity exponents within 3 sigma (+0.03; delta rule +0.05, law ~ d) of the
    signal-to-noise theory's; forget-gate signals decay on tau, horizons as derived."""
    meta = json.loads((made("memory_models") / "memory_models.json").read_text())
    for name, fit in meta["capacity"].items():
        slack = 0.05 if name == "delta" else 0.03
        assert abs(fit["exponent"] - fit["theory_exponent"]) < 3 * fit["exponent_error"] + slack
        assert fit["censored"] == 0
    for r in meta["retention"]:
        if r["model"] == "forget":
            assert abs(r["tau_fit"] - r["tau"]) < 3 * r["tau_fit_error"], r
            assert abs(r["horizon_measured"] - r["horizon_theory"]) <= 3, r


def test_rnn_chaos_spectra_and_lyapunov_sign(made):
    """Jacobian spectra fill the random-matrix discs; lambda_max changes sign at g = 1."""
    meta = json.loads((made("rnn_chaos") / "rnn_chaos.json").read_text())
    for name, rec in meta["spectra"].items():
        assert abs(rec["radius_measured"] / rec["radius_predicted"] - 1) < 0.12, (name, rec)
    assert meta["spectra"]["gated"]["n_random_part"] == meta["settings"]["N_spec"]
    lam = {rec["g"]: rec["mean"][-1] for rec in meta["lyapunov"]}  # at the largest N
    assert lam[0.8] < 0
    assert lam[2.0] > 0
    assert lam[2.5] > 0


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

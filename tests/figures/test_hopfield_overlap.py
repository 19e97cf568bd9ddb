"""The hopfield_overlap figure: its quick run against theory."""

from __future__ import annotations

import json

from figure_data import open_data


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

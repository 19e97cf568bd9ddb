"""The ultra_detection figure: its quick run against the derived thresholds."""

from __future__ import annotations

import json

import numpy as np
from figure_data import open_data


def test_detection_thresholds_scale_as_derived(made):
    """Every network has a measured threshold at both sizes; the dense ones detect the class
    from examples well below the derived threshold and their fitted exponents lie within two
    (quick-run) errors of the derived ones.  Which bound rules is recorded: the competition
    for K ~ N, the amplification for K = 8 N^1.5, both (a crossover) for K = N^1.5/2, where
    the failed samples end on another class's state."""
    tmp_path = made("ultra_detection")
    points = json.loads((tmp_path / "ultra_detection.json").read_text())["points"]
    assert len(points) == 5
    regimes = {p["name"]: p["regime"] for p in points}
    assert regimes == {
        "P2_b1": "amplification",
        "P3_b1": "competition",
        "P4_b1": "competition",
        "P4_b1.5": "crossover",
        "P4_b1.5_amp": "amplification",
    }
    crossing = next(p for p in points if p["name"] == "P4_b1.5")
    assert crossing["failed_on_other_class"] > 0.7, crossing
    for p in points:
        assert np.all(np.isfinite(p["r_star"])), p
        if p["P"] > 2:
            assert abs(p["a_fit"] - p["a_theory"]) < 2 * p["a_error"], p
            poor = 0.5 if p["name"] == "P4_b1.5_amp" else 0.4  # K = 8 N^1.5: r_* = 0.45 at N = 100
            assert np.all(np.array(p["r_star"]) < poor)  # r -> 0: poor examples suffice
    data = open_data(tmp_path, "ultra_detection")
    dense = ["P3_b1", "P4_b1", "P4_b1.5", "P4_b1.5_amp"]
    first = data["detected"].sel(setup=dense, factor=0.25).values
    first = first[np.isfinite(first)]  # the setups' sizes differ: an outer join
    assert first.size == 8
    assert np.all(first >= 0.7)  # rho = rho_*/4: mostly detected

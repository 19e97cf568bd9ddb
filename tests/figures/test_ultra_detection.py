"""The ultra_detection figure: its quick run against the derived thresholds."""

from __future__ import annotations

import json

import numpy as np
from figure_data import open_data


def test_detection_thresholds_scale_as_derived(made):
    """Every network has a measured threshold at both sizes; the dense ones detect the class
    from examples well below the derived threshold and their fitted exponents lie within two
    (quick-run) errors of the derived ones."""
    tmp_path = made("ultra_detection")
    points = json.loads((tmp_path / "ultra_detection.json").read_text())["points"]
    assert len(points) == 4
    for p in points:
        assert np.all(np.isfinite(p["r_star"])), p
        if p["P"] > 2:
            assert abs(p["a_fit"] - p["a_theory"]) < 2 * p["a_error"], p
            assert np.all(np.array(p["r_star"]) < 0.4)  # r -> 0: poor examples suffice
    data = open_data(tmp_path, "ultra_detection")
    first = data["detected"].sel(setup=["P3_b1", "P4_b1", "P4_b1.5"], factor=0.25).values
    first = first[np.isfinite(first)]  # the setups' sizes differ: an outer join
    assert first.size == 6
    assert np.all(first >= 0.7)  # rho = rho_*/4: mostly detected

"""The hopfield_phase_diagram figure: its quick run against the RS and one-step RSB theory."""

from __future__ import annotations

import json

import numpy as np
from figure_data import open_data


def test_phase_diagram_lines_and_the_one_step_critical_storage(made):
    """AGS: T_g = 1 + sqrt(alpha), alpha_c = 0.1379 at T = 0 with m = 0.967; the RS fold is
    reentrant (peak 0.13819 at T = 0.023) and one RSB step moves alpha_c(0) to 0.138186
    (Steffan & Kuehn 1994), just below that peak."""
    folder = made("hopfield_phase_diagram")
    meta = json.loads((folder / "hopfield_phase_diagram.json").read_text())
    assert round(meta["alpha_c"], 6) == 0.137906
    assert abs(meta["alpha_c_1rsb"] - 0.138186) < 1e-6  # Steffan & Kuehn 1994
    assert meta["alpha_c"] < meta["alpha_c_1rsb"] < meta["alpha_c_peak"]
    data = open_data(folder, "hopfield_phase_diagram")
    assert np.allclose(data["T_g"], 1 + np.sqrt(data["alpha"]))
    assert float(data["alpha_c_1rsb"].sel(T_1rsb=0.0)) == meta["alpha_c_1rsb"]
    zoom = data["alpha_c_rs"]
    assert float(zoom.sel(T_zoom=0.0)) == meta["alpha_c"]
    # reentrant: the RS fold rises from T = 0 before it falls
    assert float(zoom.max()) > float(zoom[0]) + 2.5e-4
    assert float(zoom.max()) <= meta["alpha_c_peak"]
    for name in data.data_vars:
        assert data[name].attrs["long_name"]

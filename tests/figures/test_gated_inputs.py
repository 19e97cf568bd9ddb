"""The gated_inputs figure: its quick run against theory."""

from __future__ import annotations

import json

import pytest
from figure_data import open_data


def test_gated_inputs_input_induced_chaos_and_reset(made):
    """A weak input destabilises the quiescent state (DMFT), the simulation follows the DMFT
    where it is far from the transition, and the update gate erases the memory trace at the
    rate of the linear theory."""
    folder = made("gated_inputs")
    meta = json.loads((folder / "gated_inputs.json").read_text())
    line = {r["sigma_I"]: r["g_fp"] for r in meta["instability_line"]}
    assert line[0.3] < 0.5 * line[0.0]  # the input halves the gain the fixed point stands
    assert line[0.3] < line[2.0]  # ... and strong inputs stabilise again
    points = {(p["sigma_I"], p["g"]): p for p in meta["points"]}
    quiet, weak, strong = (points[(s, meta["g_line"])] for s in (0.0, 0.3, 2.0))
    assert quiet["dmft"]["branch"] == strong["dmft"]["branch"] == "fixed point"
    assert weak["dmft"]["branch"] == "chaos"
    assert weak["dmft"]["lambda_max"] > 0.03
    # simulation: activity fluctuates under the weak input only
    assert weak["fluctuation"] > 0.01
    assert weak["fluctuation"] > 20 * strong["fluctuation"]
    for p in (quiet, strong):
        assert p["lambda_max"] < 0
    assert strong["Delta0"] == pytest.approx(strong["dmft"]["Delta0"], rel=0.05)
    chaos = points[(1.0, 2.5)]
    assert chaos["dmft"]["branch"] == "chaos"
    assert chaos["lambda_max"] > 0
    assert chaos["Delta0"] == pytest.approx(chaos["dmft"]["Delta0"], rel=0.1)
    for r in meta["reset"]:
        assert r["held_sim"] == pytest.approx(r["held_theory"], abs=1e-3)  # held
        assert r["erase_time_sim"] == pytest.approx(r["erase_time_theory"], rel=0.15), r
    times = [r["erase_time_sim"] for r in sorted(meta["reset"], key=lambda r: r["c"])]
    assert times == sorted(times, reverse=True)  # a more open gate erases faster
    ds = open_data(folder, "gated_inputs")
    assert ds["trace_sim"].dims == ("beta_reset", "time")

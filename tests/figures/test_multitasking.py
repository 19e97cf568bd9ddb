"""The multitasking figure: its quick run against theory."""

from __future__ import annotations

import json


def test_multitasking_monte_carlo_lands_on_the_zero_T_amplitudes(made):
    """T = 0, K = 3: MC amplitudes within 4 errors of RS (closed form below d = 0.618)."""
    tmp_path = made("multitasking")
    points = json.loads((tmp_path / "multitasking.json").read_text())["points"]
    assert len(points) >= 9
    for p in points:
        assert abs(p["m"] - p["m_theory"]) < 4 * p["error"] + 5e-3, p

"""The exponential_phase figure: its quick run against theory."""

from __future__ import annotations

import json


def test_exponential_phase_crossings_extrapolate_onto_the_equilibrium_line(made):
    meta = json.loads((made("exponential_phase") / "exponential_phase.json").read_text())
    for ensemble in ("binary", "spherical"):
        for record in meta[ensemble]:
            assert abs(record["n_sigma"]) < 3, record

"""The memory_models figure: its quick run against theory."""

from __future__ import annotations

import json


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

"""The gated_cells figure: its quick run against theory."""

from __future__ import annotations

import json


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

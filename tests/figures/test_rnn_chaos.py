"""The rnn_chaos figure: its quick run against theory."""

from __future__ import annotations

import json


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

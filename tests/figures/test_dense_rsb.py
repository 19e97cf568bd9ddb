"""The dense_rsb figure: its quick run against theory."""

from __future__ import annotations

import json

import numpy as np
import pytest
from figure_data import open_data


def test_dense_rsb_figure_orders_the_critical_storage(made):
    """alpha_c(T = 0): RS < 1RSB < the peak of the reentrant RS alpha_c(T), for P = 2, 3, 4;
    the P = 4 glass freezes (two replicas overlap) at the lowest temperature of the ladder."""
    tmp_path = made("dense_rsb")
    meta = json.loads((tmp_path / "dense_rsb.json").read_text())
    storage = meta["critical_storage"]
    for rs, one, peak in zip(
        storage["RS"], storage["1RSB"], storage["RS peak over T"], strict=True
    ):
        assert rs < one < peak
    assert storage["1RSB"][1] == pytest.approx(0.15374, abs=1e-5)
    assert 0.09 < meta["T_s_above"] < 0.13  # the 1RSB line's first paramagnet point
    assert min(meta["q2"]) > 0.4
    data = open_data(tmp_path, "dense_rsb")
    m_rs, m_1rsb = data["m_rs"], data["m_1rsb"]
    assert data["alpha_1rsb"].max() > data["alpha_rs"].max()
    assert np.all((m_rs > 0.6) & (m_rs <= 1))
    assert np.all((m_1rsb > 0.6) & (m_1rsb <= 1))
    assert data["alpha_c_1rsb"].sel(P=3) == storage["1RSB"][1]

"""The modern_retrieval figure: its quick run against theory."""

from __future__ import annotations

import numpy as np
from figure_data import open_data


def test_modern_retrieval_respects_the_theorem(made):
    data = open_data(made("modern_retrieval"), "modern_retrieval")
    assert data["errors"].dims == ("sample", "beta")
    assert np.all(data["errors"] <= data["bounds"])
    # the error falls exponentially in beta: the log-error slope is negative
    slope = np.polyfit(data["beta"], np.log(data["errors"]).mean("sample"), 1)[0]
    assert slope < -20
    # Theorem 4's well-separated patterns all end in single-pattern fixed points; as beta
    # grows the fixed points go from the global average through metastable to single ones
    kinds = data["kinds"]
    assert np.all(kinds.sel(kind="single") >= data["separated"] - 1e-12)
    assert kinds.sel(kind="global")[0] == 1.0
    assert kinds.sel(kind="metastable").max() == 1.0
    assert kinds.sel(kind="single")[-1] == 1.0

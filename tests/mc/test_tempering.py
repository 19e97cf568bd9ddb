"""mc.parallel_tempering: results by temperature, their (chain, draw) export, resuming.

Sampling the Boltzmann distribution at every temperature is tested against
exact enumeration in ``test_exact.py``; checkpoints (bit for bit after any
interruption, and every bad file refused) in ``test_checkpoint.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

import hebbian.mc.checkpoint as ckpt
from hebbian import DenseHopfield, binary_patterns
from hebbian.mc.statistics import estimate
from hebbian.mc.tempering import geometric_ladder, parallel_tempering

NET = DenseHopfield(binary_patterns(6, 40, rng=0), P=3)
ARGS = dict(T=geometric_ladder(0.4, 1.2, 4), n_sweeps=60, n_burnin=5, exchange_every=2, rng=3)


@pytest.fixture(scope="module")
def result():
    return parallel_tempering(NET, **ARGS, track=[0, 3])


def test_estimates_are_per_temperature(result):
    assert list(result.estimates) == ["energy", "m_0", "|m_0|", "m_3", "|m_3|"]
    for t in range(4):
        assert result.estimates["energy"][t] == estimate(result.energy[:, t])
        assert result.estimates["|m_3|"][t] == estimate(np.abs(result.overlaps[:, t, 1]))
    energies = [e.mean for e in result.estimates["energy"]]
    # the ends of the ladder in order (60 sweeps: the middle two lie within their noise)
    assert energies[0] < energies[-1]


def test_params_and_sweeps(result):
    p = result.params
    assert p["T"] == ARGS["T"].tolist()
    assert (p["n_sweeps"], p["n_burnin"], p["exchange_every"], p["track"]) == (60, 5, 2, [0, 3])
    # the burn-in is rounded up to whole rounds: 6 sweeps, then a measurement every 2
    assert result.sweeps.tolist() == list(range(8, 67, 2))


def test_to_xarray_is_the_chain_draw_layout_per_temperature(result, tmp_path):
    ds = result.to_xarray()
    assert dict(ds.sizes) == {"chain": 1, "draw": 30, "temperature": 4, "pattern": 2}
    assert ds["energy"].dims == ("chain", "draw", "temperature")
    assert ds["m"].dims == ("chain", "draw", "temperature", "pattern")
    assert np.array_equal(ds["energy"].values[0], result.energy)
    assert np.array_equal(ds["m"].sel(pattern=3).values[0], result.overlaps[:, :, 1])
    assert np.array_equal(ds["temperature"].values, result.temperatures)
    assert np.array_equal(ds["sweep"].values, result.sweeps)
    assert np.array_equal(ds.attrs["swap_acceptance"], result.swap_acceptance)
    assert ds.attrs["round_trips"] == result.round_trips
    assert json.loads(ds.attrs["params"]) == result.params
    ds.to_netcdf(tmp_path / "pt.nc", engine="h5netcdf")


def test_on_round_sees_the_rounds_of_this_call_only(tmp_path, monkeypatch):
    # a run stopped right after its third checkpoint write and resumed: each call
    # reports the rounds it ran, and the two together are the rounds of one run
    seen = []

    def on_round(state, slot):
        seen.append(state.sigma[slot].copy())

    full = parallel_tempering(NET, **ARGS, on_round=on_round)
    assert len(seen) == len(full.energy) == 30
    everything, seen[:] = np.array(seen), []
    original, writes = ckpt.save, []

    def save_then_stop(*a, **k):
        original(*a, **k)
        writes.append(1)
        if len(writes) == 3:
            raise KeyboardInterrupt

    monkeypatch.setattr(ckpt, "save", save_then_stop)
    path = tmp_path / "pt.npz"
    with pytest.raises(KeyboardInterrupt):
        parallel_tempering(NET, **ARGS, on_round=on_round, checkpoint=path, checkpoint_every=10)
    first = len(seen)
    parallel_tempering(NET, **ARGS, on_round=on_round, checkpoint=path, checkpoint_every=10)
    assert first == 7  # 20 sweeps: 6 of burn-in, 7 measured rounds of 2
    assert np.array_equal(np.array(seen), everything)

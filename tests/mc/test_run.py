"""mc.run: reproducibility, checkpoint/resume bit for bit, diagnostics, bad input.

Resuming after a kill, and stopped again and again, is tested for ``run`` and
``parallel_tempering`` together in ``test_checkpoint.py``.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from hebbian import DenseHopfield, ExponentialDAM, Hopfield, ModernHopfield, binary_patterns
from hebbian.mc.simulation import run
from hebbian.mc.statistics import estimate

NET = DenseHopfield(binary_patterns(30, 120, rng=0), P=3)
ARGS = dict(T=0.4, n_sweeps=300, n_burnin=50, n_replicas=3, start="pattern", m0=0.9, rng=7)


def assert_same(a, b):
    for name in ("energy", "overlaps", "q"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert np.array_equal(a.state.sigma, b.state.sigma)
    assert np.array_equal(a.state.counts, b.state.counts)


def test_same_seed_same_result_other_seed_other_result():
    assert_same(run(NET, **ARGS), run(NET, **ARGS))
    other = run(NET, **{**ARGS, "rng": 8})
    assert not np.array_equal(other.energy, run(NET, **ARGS).energy)


def test_resume_from_checkpoint_equals_uninterrupted(tmp_path):
    path = tmp_path / "chain.npz"
    full = run(NET, **ARGS)
    first = run(NET, **ARGS, checkpoint=path, checkpoint_every=40)
    assert_same(full, first)
    # a second call with the same checkpoint finds it complete and recomputes nothing
    again = run(NET, **ARGS, checkpoint=path, checkpoint_every=40)
    assert_same(full, again)


def test_checkpoint_from_other_parameters_is_refused(tmp_path):
    path = tmp_path / "c.npz"
    run(NET, **ARGS, checkpoint=path)
    with pytest.raises(ValueError, match="written by a run with other parameters"):
        run(NET, **{**ARGS, "T": 0.5}, checkpoint=path)


def test_estimates_and_diagnostics():
    res = run(
        Hopfield(binary_patterns(5, 400, rng=1)),
        T=0.2,
        n_sweeps=400,
        n_replicas=2,
        start="pattern",
        rng=3,
    )
    m = res.estimates["m_0"]
    assert 0.95 < m.mean <= 1
    assert 0 < m.error < 0.01
    assert res.equilibrated()
    assert res.q.shape == (400, 1)
    summary = res.summary()
    assert summary["n_measurements"] == 400
    assert summary["params"]["T"] == 0.2


def test_estimates_treat_replicas_as_chains():
    probes = binary_patterns(2, 120, rng=9)
    res = run(NET, **ARGS, probes=probes, track=[0, 4])
    assert res.estimates["energy"] == estimate(res.energy.T)
    assert res.estimates["m_4"] == estimate(res.overlaps[:, :, 1].T)
    assert res.estimates["|m_0|"] == estimate(np.abs(res.overlaps[:, :, 0]).T)
    assert res.estimates["probe_1"] == estimate(res.probe_overlaps[:, :, 1].T)
    assert res.estimates["m_0"].n_chains == 3
    assert res.estimates["m_0"].n == 3 * 300
    # the three pairs share replicas: their mean is one chain
    assert res.estimates["|q|"] == estimate(np.abs(res.q).mean(axis=1))
    assert res.estimates["|q|"].n_chains == 1
    summary = res.summary()["estimates"]["m_0"]
    assert summary["r_hat"] == res.estimates["m_0"].r_hat
    assert summary["n_chains"] == 3


def test_to_xarray_is_the_chain_draw_layout(tmp_path):
    probes = binary_patterns(2, 120, rng=9)
    res = run(NET, **{**ARGS, "measure_every": 3}, probes=probes, track=[0, 4])
    ds = res.to_xarray()
    assert dict(ds.sizes) == {"chain": 3, "draw": 100, "pattern": 2, "probe": 2, "pair": 3}
    assert ds["energy"].dims == ("chain", "draw")
    assert ds["m"].dims == ("chain", "draw", "pattern")
    assert ds["probe_overlap"].dims == ("chain", "draw", "probe")
    assert ds["q"].dims == ("draw", "pair")
    assert np.array_equal(ds["energy"].values, res.energy.T)
    assert np.array_equal(ds["m"].sel(pattern=4).values, res.overlaps[:, :, 1].T)
    assert np.array_equal(ds["probe_overlap"].values, res.probe_overlaps.transpose(1, 0, 2))
    assert np.array_equal(ds["q"].values, res.q)
    assert ds["sweep"].dims == ("draw",)
    assert ds["sweep"].values.tolist() == list(range(53, 351, 3))  # burn-in 50, then every 3
    assert np.array_equal(res.sweeps, ds["sweep"].values)
    assert [(int(a), int(b)) for a, b in zip(ds.replica_a, ds.replica_b, strict=True)] == res.pairs
    assert json.loads(ds.attrs["params"]) == json.loads(json.dumps(res.params))
    # a self-describing file: netCDF takes every variable, coordinate and attribute
    ds.to_netcdf(tmp_path / "run.nc", engine="h5netcdf")
    import xarray as xr

    with xr.open_dataset(tmp_path / "run.nc", engine="h5netcdf") as back:
        assert back.identical(ds)
    # one replica and no probes: no q, no probe dimension
    single = run(NET, T=0.5, n_sweeps=5, rng=1).to_xarray()
    assert set(single.data_vars) == {"energy", "m"}


def test_zero_temperature_run_reaches_fixed_point():
    res = run(
        ExponentialDAM(binary_patterns(200, 60, rng=2)),
        T=0,
        n_sweeps=20,
        start="pattern",
        m0=0.6,
        rng=4,
    )
    assert res.state.at_fixed_point.all()
    assert res.overlaps[-1, 0, 0] == 1.0  # exponential capacity: a 20% corrupted cue is cleaned


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"T": -1.0}, ValueError, "temperature T=-1 must be >= 0"),
        ({"T": 0.5, "rule": "zero-T"}, ValueError, "use rule='zero-T' exactly when T=0"),
        ({"T": 0.5, "rule": "gibbs"}, ValueError, "rule='gibbs' is unknown"),
        ({"T": 0.5, "order": "spiral"}, ValueError, "order='spiral' is unknown"),
        ({"T": 0.5, "n_sweeps": 0}, ValueError, "n_sweeps=0 must be >= 1"),
        ({"T": 0.5, "backend": "jax"}, ValueError, "backend='jax' is unknown"),
        ({"T": 0.5, "backend": "cupy"}, ValueError, "backend=.cupy. is unavailable"),
        ({"T": 0.5, "start": np.ones(7)}, ValueError, r"start has shape \(7,\)"),
        ({"T": 0.5, "start": "warm"}, ValueError, "start='warm' is unknown"),
        ({"T": 0.5, "start": "pattern", "m0": 1.5}, ValueError, r"m0=1.5 must be in \[-1, 1\]"),
        ({"T": 0.5, "track": [99]}, ValueError, r"track=\[99\] must list pattern indices"),
    ],
)
def test_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        run(NET, **{"n_sweeps": 5, **kwargs})


def test_networks_without_sampler_and_real_patterns_are_refused():
    with pytest.raises(TypeError, match="ModernHopfield has no sampler"):
        run(ModernHopfield(np.eye(3), beta=1.0), T=1.0, n_sweeps=1)
    with pytest.raises(ValueError, match=r"network.patterns has an entry 0.5"):
        run(Hopfield(np.full((2, 5), 0.5)), T=1.0, n_sweeps=1)


def test_p_of_q_is_a_normalized_density_with_errors():
    res = run(Hopfield(binary_patterns(3, 100, rng=5)), T=1.5, n_sweeps=400, n_replicas=3, rng=6)
    centres, density, error = res.p_of_q(bins=20, n_blocks=10)
    assert np.sum(density) * (centres[1] - centres[0]) == pytest.approx(1.0)
    assert np.all(error >= 0)
    assert abs(np.sum(centres * density) * (centres[1] - centres[0])) < 0.1  # paramagnet
    with pytest.raises(ValueError, match="P\\(q\\) needs n_replicas >= 2"):
        run(NET, T=0.5, n_sweeps=5).p_of_q()


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"track": [0.5]}, TypeError, r"track=\[0.5\] must list integer pattern indices"),
        ({"track": [-1]}, ValueError, r"track=\[-1\] must list pattern indices in \[0, K=30\)"),
        ({"track": [[0]]}, ValueError, r"track=\[\[0\]\] must list pattern indices"),
        ({"n_sweeps": 5, "measure_every": 10}, ValueError, "measure_every=10 exceeds n_sweeps=5"),
        ({"n_replicas": 0}, ValueError, "n_replicas=0 must be >= 1"),
        ({"n_replicas": -2}, ValueError, "n_replicas=-2 must be >= 1"),
        ({"n_replicas": True}, TypeError, "n_replicas=True must be an integer"),
        ({"n_replicas": 2.0}, TypeError, "n_replicas=2.0 must be an integer"),
        ({"n_sweeps": True}, TypeError, "n_sweeps=True must be an integer"),
        ({"n_sweeps": 5.0}, TypeError, "n_sweeps=5.0 must be an integer"),
        ({"n_sweeps": -1}, ValueError, "n_sweeps=-1 must be >= 1"),
        ({"n_burnin": -1}, ValueError, "n_burnin=-1 must be >= 0"),
        ({"n_burnin": 0.5}, TypeError, "n_burnin=0.5 must be an integer"),
        ({"start": "pattern", "m0": -1.5}, ValueError, r"m0=-1.5 must be in \[-1, 1\]"),
        ({"start": "pattern", "m0": np.nan}, ValueError, "m0=nan is not a number"),
        ({"m0": 0.5}, ValueError, "m0=0.5 is only used with start='pattern'"),
        ({"pattern": 3}, ValueError, "pattern=3 is only used with start='pattern'"),
        ({"start": "pattern", "pattern": 30}, ValueError, "start='pattern' with pattern=30"),
        ({"rule": ["metropolis"]}, ValueError, r"rule=\['metropolis'\] is unknown"),
        ({"progress": "yes"}, TypeError, "progress='yes' must be True or False"),
        ({"n_workers": 0}, ValueError, "n_workers=0 must be >= 1"),
        ({"probes": np.full((1, 120), np.nan)}, ValueError, "probes has NaN, inf or entries"),
        ({"probes": [[1.0, 2.0], [3.0]]}, ValueError, "probes could not be read as an array"),
        ({"T": np.nan}, ValueError, "temperature T=nan is not a number"),
        ({"T": "0.5"}, TypeError, "temperature T='0.5' must be a real number"),
    ],
)
def test_more_bad_input_is_refused_by_name(kwargs, error, message):
    with pytest.raises(error, match=message):
        run(NET, **{"T": 0.5, "n_sweeps": 20, **kwargs})


def test_infinite_temperature_is_the_paramagnet():
    net = Hopfield(binary_patterns(3, 400, rng=0))
    res = run(net, T=np.inf, n_sweeps=200, n_replicas=2, start="pattern", rng=1)
    assert np.all(res.acceptance == 1.0)  # beta = 0: Metropolis accepts every flip
    assert abs(res.estimates["m_0"].mean) < 0.05
    assert abs(res.estimates["energy"].mean) < 0.05
    heat_bath = run(NET, T=np.inf, rule="heat-bath", n_sweeps=200, rng=2)
    assert abs(heat_bath.acceptance[0] - 0.5) < 0.02


def test_memory_above_the_limit_is_refused_before_any_work(monkeypatch):
    import hebbian.mc.simulation as simulation

    monkeypatch.setattr(simulation, "step", lambda *a, **k: pytest.fail("a sweep ran"))
    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", "64M")
    with pytest.raises(ValueError, match=r"mc.run with N=120, K=30, n_replicas=10000 .*needs"):
        run(NET, T=0.5, n_sweeps=5, n_replicas=10_000)
    with pytest.raises(ValueError, match=r"n_sweeps=100000000 // measure_every=1 .*needs"):
        run(NET, T=0.5, n_sweeps=10**8)


def test_a_huge_interaction_order_is_refused_not_overflowed():
    net = DenseHopfield(binary_patterns(2, 1000, rng=0), P=200, diagonal=True)
    with pytest.raises(ValueError, match=r"P=200.*2\^53"):
        run(net, T=0.1, n_sweeps=2)


def test_more_flips_than_the_counters_hold_are_refused_at_once():
    net = Hopfield(binary_patterns(2, 10, rng=0))
    with pytest.raises(ValueError, match=r"n_burnin=10{29}0.*64-bit"):
        run(net, T=0.5, n_sweeps=1, n_burnin=10**30)

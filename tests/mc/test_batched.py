"""The batched (all chains at once) sampler: exact Boltzmann statistics on NumPy, the
CUDA kernel equal to it draw for draw in Numba's simulator, and the GPU itself."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from enumeration import CODES, NETWORKS, N, boltzmann
from scipy import stats

from hebbian import SherringtonKirkpatrick
from hebbian.mc import _numpy
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import Dynamics, init, step
from hebbian.mc.simulation import run

PATTERN_NETWORKS = [name for name in NETWORKS if name != "sk"]


def final_state_p_value(net, T, rule, order, backend, n_chains=8000, n_sweeps=100):
    """Chi-square p-value of the last states of independent chains against Boltzmann."""
    model = kernel_model(net)
    state = init(net, n_replicas=n_chains, rng=3)
    step(model, state, Dynamics(T=T, rule=rule, order=order), n_sweeps, backend=backend)
    codes = ((np.asarray(state.sigma) < 0) * CODES).sum(axis=1)
    observed = np.bincount(codes, minlength=2**N)
    expected = n_chains * boltzmann(net, T)
    keep = expected > 5
    o = np.append(observed[keep], observed[~keep].sum())
    e = np.append(expected[keep], expected[~keep].sum())
    if e[-1] <= 5:
        o, e = o[:-1], e[:-1]
    return stats.chisquare(o, e * o.sum() / e.sum()).pvalue


@pytest.mark.parametrize("name", PATTERN_NETWORKS)
@pytest.mark.parametrize(
    ("rule", "order"), [("metropolis", "random"), ("heat-bath", "sequential")]
)
def test_batched_chains_sample_the_boltzmann_law(name, rule, order):
    net, T = NETWORKS[name]
    assert final_state_p_value(net, T, rule, order, "batched") > 1e-4


def test_a_wrong_batched_sampler_is_caught():
    net, T = NETWORKS["hopfield"]
    model = kernel_model(net)
    assert final_state_p_value(net, 1.3 * T, "metropolis", "random", "batched") > 1e-4
    # sampled at 1.3 T, judged at T: rejected
    state = init(net, n_replicas=8000, rng=3)
    step(model, state, Dynamics(T=1.3 * T), 100, backend="batched")
    codes = ((state.sigma < 0) * CODES).sum(axis=1)
    observed = np.bincount(codes, minlength=2**N)
    expected = 8000 * boltzmann(net, T)
    keep = expected > 5
    assert (
        stats.chisquare(
            observed[keep], expected[keep] * observed[keep].sum() / expected[keep].sum()
        ).pvalue
        < 1e-6
    )


@pytest.mark.parametrize("order", ["random", "sequential"])
def test_batched_zero_temperature_stops_at_fixed_points(order):
    net = NETWORKS["dense3"][0]
    model = kernel_model(net)
    state = init(net, n_replicas=64, rng=4)
    step(model, state, Dynamics(T=0.0, rule="zero-T", order=order), 100, backend="batched")
    assert np.all(state.counts[:, 3] == 1)
    for r in range(64):
        assert _numpy.is_stable(model, state.sigma[r], state.S[r])
    # overlap sums stay exact
    assert np.array_equal(state.S, model.overlap_sums(state.sigma))


def test_batched_run_resumes_from_a_checkpoint_bit_for_bit(tmp_path):
    net = NETWORKS["exponential"][0]
    args = dict(T=1.0, n_sweeps=60, n_replicas=4, rng=9, backend="batched")
    full = run(net, **args)
    resumed = run(net, **args, checkpoint=tmp_path / "c.npz", checkpoint_every=25)
    assert np.array_equal(full.energy, resumed.energy)
    assert np.array_equal(full.state.sigma, resumed.state.sigma)


def test_explicit_couplings_are_refused_by_name():
    with pytest.raises(ValueError, match="backend='batched' samples pattern networks"):
        run(SherringtonKirkpatrick.sample(8, rng=0), T=1.0, n_sweeps=2, backend="batched")


SIMULATOR_CHECK = textwrap.dedent("""
    import os
    os.environ["NUMBA_ENABLE_CUDASIM"] = "1"
    import numpy as np
    from hebbian import DenseHopfield, ExponentialDAM, binary_patterns, diluted_patterns
    from hebbian.mc import _batched, _cuda
    from hebbian.mc.model import kernel_model
    cases = [(DenseHopfield(binary_patterns(4, 12, rng=1), P=2), 0, 1.5),
             (DenseHopfield(diluted_patterns(6, 10, 0.3, rng=2), P=3), 1, 2.0),
             (DenseHopfield(binary_patterns(3, 10, rng=3), P=4, diagonal=True), 2, 1.0),
             (DenseHopfield(binary_patterns(30, 10, rng=6), P=5), 0, 0.5),
             (ExponentialDAM(binary_patterns(9, 10, rng=4), lam=0.7), 0, 3.0)]
    for net, rule, beta in cases:
        for order in (0, 1):
            m = kernel_model(net)
            rng = np.random.default_rng(5)
            R = 6
            sigma0 = np.where(rng.random((R, m.N)) < 0.5, 1, -1).astype(np.int8)
            keys = rng.integers(0, 2**32, size=(R, 2), dtype=np.uint64)
            out = []
            for mod in (_batched, _cuda):
                sigma, counts = sigma0.copy(), np.zeros((R, 4), np.int64)
                S = m.overlap_sums(sigma)
                mod.sweeps(np, m, sigma, S, m.xi_t.copy()[None], np.zeros(R, np.int64),
                           m.n_mu.astype(float)[None], np.full(R, beta), rule, order, 3,
                           keys, counts)
                out.append((sigma, S, counts))
            assert np.array_equal(out[0][0], out[1][0]), (m.kind, m.P, rule, order)
            assert np.array_equal(out[0][1], out[1][1]) and np.array_equal(out[0][2], out[1][2])
            assert out[0][2][:, 1].sum() > 0 or rule == 2
    print("same chains")
""")


def test_cuda_kernel_draws_the_chains_of_the_array_code_in_the_simulator():
    """The kernel logic runs on the CPU in Numba's CUDA simulator (a fresh process: the
    simulator is chosen when Numba starts) and must give the NumPy array code's chains."""
    done = subprocess.run([sys.executable, "-c", SIMULATOR_CHECK], capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "same chains" in done.stdout


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["hopfield", "dense4-diagonal", "exponential"])
def test_gpu_chains_sample_the_boltzmann_law(name):
    net, T = NETWORKS[name]
    assert final_state_p_value(net, T, "metropolis", "random", "cupy", n_chains=65536) > 1e-4


@pytest.mark.gpu
def test_gpu_kernel_gives_the_batched_chains():
    net, T = NETWORKS["dense3"]
    model = kernel_model(net)
    states = [init(net, n_replicas=256, rng=2) for _ in range(2)]
    for state, backend in zip(states, ("batched", "cupy"), strict=True):
        step(model, state, Dynamics(T=T), 20, backend=backend)
    assert np.array_equal(states[0].sigma, states[1].sigma)
    assert np.array_equal(states[0].counts, states[1].counts)


def test_disorder_samples_stepped_together_give_the_chains_they_give_alone():
    from hebbian import DenseHopfield, binary_patterns
    from hebbian.mc.sampler import step_samples

    nets = [DenseHopfield(binary_patterns(20, 30, rng=k), P=3) for k in range(3)]
    models = [kernel_model(n) for n in nets]
    together = [init(n, n_replicas=4, rng=10 + k) for k, n in enumerate(nets)]
    alone = [init(n, n_replicas=4, rng=10 + k) for k, n in enumerate(nets)]
    dyn = Dynamics(T=0.3)
    step_samples(models, together, dyn, 7)
    for model, state in zip(models, alone, strict=True):
        step(model, state, dyn, 7, backend="batched")
    for a, b in zip(together, alone, strict=True):
        assert np.array_equal(a.sigma, b.sigma)
        assert np.array_equal(a.counts, b.counts)
    other = DenseHopfield(binary_patterns(20, 30, rng=9), P=2)
    with pytest.raises(ValueError, match="one network family"):
        step_samples([models[0], kernel_model(other)], together[:2], dyn, 1)
    with pytest.raises(ValueError, match="one chain at a time"):
        step_samples(models, together, dyn, 1, backend="numba")

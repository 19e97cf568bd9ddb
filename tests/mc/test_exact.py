"""Sampled state distributions against exact Boltzmann enumeration of 2^N states.

For each network, rule and order, ten chains run ``n / 10`` sweeps each at N = 8
(one step call advances all ten) and their visits to each of the 256 states
are compared with the Boltzmann weights by Pearson's chi-square.  Successive
samples are correlated, which inflates the statistic by about 2 tau_int; we
divide by that factor and require the p-value of the corrected statistic to
exceed 1e-4.  tau_int is the largest of those of the energy, of the overlap
with a ground state and of every Mattis overlap: these change sign between
mirror-image valleys (sigma <-> -sigma), a slow mode the energy cannot see;
chains that have not crossed between them often enough then get few
effective samples rather than a false alarm.  Seeds are fixed, so a pass is
reproducible; ``test_a_wrong_sampler_is_caught`` shows the test has power:
chains sampling at 1.3 T are rejected with p < 1e-6.
"""

from __future__ import annotations

import numpy as np
import pytest
from enumeration import CODES, NETWORKS, STATES, N, boltzmann
from scipy import stats

from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import Dynamics, init, step
from hebbian.mc.statistics import integrated_time


def sample(net, dyn, n_sweeps, seed, n_chains=10, backend="numba"):
    """Visits to each state by ``n_chains`` chains of ``n_sweeps // n_chains`` sweeps, and the
    series (each ``(n_chains, length)``) whose autocorrelation sets the effective sample size."""
    model = kernel_model(net)
    state = init(net, n_replicas=n_chains, rng=seed)
    energy = net.energy(STATES)
    ground = STATES[np.argmin(energy)]
    K, length = model.n_patterns, n_sweeps // n_chains
    codes = np.empty((n_chains, length), dtype=np.int64)
    overlaps = np.empty((K, n_chains, length))
    for t in range(length):
        step(model, state, dyn, 1, backend=backend)
        codes[:, t] = ((state.sigma < 0) * CODES).sum(axis=1)
        overlaps[:, :, t] = state.m[:, :K].T
    # energy, overlap with a ground state, K overlaps, indicators of the likely states
    likely = [(codes == c).astype(float) for c in np.argsort(energy)[:16]]
    series = [energy[codes], (STATES @ ground / N)[codes], *overlaps, *likely]
    return np.bincount(codes.ravel(), minlength=2**N), series


def corrected_p_value(visits, probs, series):
    n = visits.sum()
    expected = n * probs
    keep = expected > 5  # chi-square needs populated cells; pool the rest
    chi2 = np.sum((visits[keep] - expected[keep]) ** 2 / expected[keep])
    rest_o, rest_e = visits[~keep].sum(), expected[~keep].sum()
    dof = keep.sum() - 1
    if rest_e > 5:
        chi2 += (rest_o - rest_e) ** 2 / rest_e
        dof += 1
    tau = max([0.5] + [integrated_time(x).tau for x in series if np.ptp(x) > 0])
    return stats.chi2.sf(chi2 / (2 * tau), dof)


@pytest.mark.parametrize("name", list(NETWORKS))
@pytest.mark.parametrize(
    ("rule", "order"),
    [
        ("metropolis", "random"),
        ("heat-bath", "random"),
        ("metropolis", "sequential"),
        ("heat-bath", "sequential"),
    ],
)
def test_sampled_distribution_is_boltzmann(name, rule, order):
    net, T = NETWORKS[name]
    visits, series = sample(net, Dynamics(T=T, rule=rule, order=order), 30_000, seed=11)
    assert corrected_p_value(visits, boltzmann(net, T), series) > 1e-4


@pytest.mark.parametrize("name", ["hopfield", "dense3", "exponential", "sk"])
@pytest.mark.parametrize("rule", ["metropolis", "heat-bath"])
def test_chains_in_lockstep_sample_boltzmann(name, rule):
    net, T = NETWORKS[name]
    dyn = Dynamics(T=T, rule=rule)
    visits, series = sample(net, dyn, 30_000, seed=12, backend="lockstep")
    assert corrected_p_value(visits, boltzmann(net, T), series) > 1e-4


def test_a_wrong_sampler_is_caught():
    # Sampling at the wrong temperature stands in for any bias: the test must see it.
    net, T = NETWORKS["hopfield"]
    visits, series = sample(net, Dynamics(T=1.3 * T), 30_000, seed=11)
    assert corrected_p_value(visits, boltzmann(net, T), series) < 1e-6


@pytest.mark.parametrize(("name", "T_min"), [("dense3", 0.3), ("sk", 0.2)])
def test_parallel_tempering_samples_every_temperature_exactly(name, T_min):
    from hebbian.mc.tempering import geometric_ladder, parallel_tempering

    net = NETWORKS[name][0]
    temps = geometric_ladder(T_min, 1.5, 5)
    visits = np.zeros((temps.size, 2**N))
    ground = STATES[np.argmin(net.energy(STATES))]
    q_ground = []

    def record(state, slot):
        c = ((state.sigma[slot] < 0) * CODES).sum(axis=1)
        visits[np.arange(temps.size), c] += 1
        q_ground.append(state.sigma[slot] @ ground / N)

    res = parallel_tempering(net, T=temps, n_sweeps=30_000, rng=5, on_round=record)
    assert np.all(res.swap_acceptance > 0.2)
    assert res.round_trips > 100
    for t, T in enumerate(temps):
        q = np.array(q_ground)[:, t]
        series = np.column_stack([res.energy[:, t], q, res.overlaps[:, t, :]])
        assert corrected_p_value(visits[t], boltzmann(net, T), series.T) > 1e-4

"""Fuzzing the public arguments: a result, or an error that names an argument.

Every public argument of ``mc.run``, ``mc.parallel_tempering``, ``mc.init`` /
``mc.step``, the network constructors and the pattern generators is drawn from
valid values, values just out of range, and junk of every type.  The outcome
must be a result with finite energies, or a ``ValueError`` / ``TypeError`` /
``IndexError`` whose one-line message names one of the arguments passed (any
other exception fails hypothesis' search); sizes stay tiny so nothing hangs,
and the memory limit is set low so that huge sizes are refused, not tried.
Each test prints its tally of outcomes (``pytest -s``).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hebbian import (
    DenseHopfield,
    ExponentialDAM,
    Hopfield,
    LearnedNetwork,
    ModernHopfield,
    SherringtonKirkpatrick,
    biased_patterns,
    binary_patterns,
    dataset_entropy,
    diluted_patterns,
    learned_network,
    noisy_examples,
)
from hebbian.mc import init, kernel_model, parallel_tempering, run, step
from hebbian.mc.sampler import Dynamics

ERRORS = (ValueError, TypeError, IndexError)
JUNK = [None, True, 1.5, -1, math.nan, math.inf, "x", [1, 2], object(), 10**30, 1 + 1j]

#: Spellings by which a message names each argument.
NAMES = {
    "network": ["network", "patterns", "has no sampler"],
    "T": ["temperature T", "T=", "rule="],
    "n_sweeps": ["n_sweeps"],
    "n_burnin": ["n_burnin", "checkpoint_every"],
    "rule": ["rule"],
    "order": ["order"],
    "n_replicas": ["n_replicas"],
    "start": ["start"],
    "m0": ["m0"],
    "pattern": ["pattern"],
    "track": ["track"],
    "probes": ["probes"],
    "measure_every": ["measure_every"],
    "rng": ["rng"],
    "backend": ["backend"],
    "n_workers": ["n_workers"],
    "checkpoint": ["checkpoint"],
    "checkpoint_every": ["checkpoint_every"],
    "progress": ["progress"],
    "exchange_every": ["exchange_every"],
    "on_round": ["on_round"],
    "model": ["model", "state."],
    "state": ["state"],
    "dynamics": ["dynamics", "rule=", "T="],
    "betas": ["betas"],
    "patterns": ["patterns", "P=", "lam=", "entry", "dtype"],
    "P": ["P (interaction order)", "P="],
    "diagonal": ["diagonal"],
    "lam": ["lam"],
    "beta": ["beta"],
    "weight": ["weight"],
    "J": ["J "],
    "N": ["N="],
    "K": ["K="],
    "a": ["bias a"],
    "d": ["dilution d"],
    "r": ["quality r"],
    "M": ["M (examples", "M="],
    "archetypes": ["archetypes"],
    "examples": ["examples"],
    "protocol": ["protocol"],
    "tensor": ["tensor"],
}


@pytest.fixture(autouse=True)
def low_memory_limit(monkeypatch):
    """Huge sizes must be refused by the memory check, never allocated."""
    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", "256M")


def attempt(tally: Counter, call, kwargs: dict, check=None) -> None:
    """Call, then check the outcome against the contract and count it."""
    error = None
    try:
        result = call(**kwargs)
    except ERRORS as exc:
        error = exc
    if error is not None:
        message = str(error)
        assert "\n" not in message, message
        named = [k for k in kwargs if any(alias in message for alias in NAMES[k])]
        assert named, f"{type(error).__name__}: {message!r} names none of {sorted(kwargs)}"
        tally[type(error).__name__] += 1
        return
    if check is not None:
        check(result)
    tally["result"] += 1


def pick(data, name: str, valid: list, junk: list = JUNK):
    """A valid value 4 times in 5, else something out of range or of another type."""
    bad = data.draw(st.integers(0, 4), label=f"{name} is junk") == 4
    return data.draw(st.sampled_from(junk if bad else valid), label=name)


def finite(*arrays) -> None:
    for a in arrays:
        assert np.all(np.isfinite(np.asarray(a, dtype=np.float64)))


def networks(data, tiny: bool = True):
    """A tiny network of every sampled kind, or something that is not one."""
    N = data.draw(st.integers(4, 8), label="N")
    K = data.draw(st.integers(1, 3), label="K")
    xi = binary_patterns(K, N, rng=data.draw(st.integers(0, 9)))
    kind = data.draw(
        st.sampled_from(
            ["hopfield", "dense", "diagonal", "diluted", "exp", "learned", "sk", "modern", "junk"]
        ),
        label="network",
    )
    if kind == "hopfield":
        return Hopfield(xi)
    if kind == "dense":
        return DenseHopfield(xi, P=3)
    if kind == "diagonal":
        return DenseHopfield(xi, P=4, diagonal=True)
    if kind == "diluted":
        return DenseHopfield(diluted_patterns(K, N, 0.3, rng=1), P=3)
    if kind == "exp":
        return ExponentialDAM(xi, lam=data.draw(st.sampled_from([0.1, 1.0, 300.0])))
    if kind == "learned":
        return learned_network(noisy_examples(xi, 3, 0.6, rng=2), 3)
    if kind == "sk":
        return SherringtonKirkpatrick.sample(N, rng=3)
    if kind == "modern":
        return ModernHopfield(xi, beta=1.0)
    return data.draw(st.sampled_from([None, "hopfield", xi]))


def starts(data, N: int):
    spins = np.where(np.random.default_rng(4).random(N) < 0.5, 1, -1)
    return pick(
        data,
        "start",
        ["random", "pattern", spins, np.stack([spins, -spins]), spins.astype(np.float64)],
        [
            "warm",
            None,
            5,
            np.zeros(N),
            spins[:-1],
            [[1, -1], [1]],
            np.array(["a"] * N),
            spins.astype(complex),
            np.ones((1, 2, N)),
        ],
    )


def run_kwargs(data, tmp_path) -> dict:
    network = networks(data)
    N = getattr(network, "N", 5)
    kwargs = {
        "network": network,
        "T": pick(
            data,
            "T",
            [0, 0.3, 1.0, 2.5, 1e-320, 1e300, math.inf, np.float64(0.5)],
            [-1.0, math.nan, "1", None, True, np.array([0.5])],
        ),
        # 10**18 sweeps give too many measurements for the memory limit whatever
        # measure_every is drawn: refused at once, never run
        "n_sweeps": pick(data, "n_sweeps", [1, 3, 12], [0, -1, 2.0, True, "5", None, 10**18]),
    }
    optional = {
        "n_burnin": ([0, 2, 5], [-1, 1.5, True, None]),
        "rule": ([None, "metropolis", "heat-bath", "glauber", "zero-T"], ["gibbs", 0, ["x"]]),
        "order": (["random", "sequential"], ["spiral", None, 1]),
        "n_replicas": ([1, 2, 3], [0, -2, 1.0, True, "2", 10**9]),
        "m0": ([None, 1.0, 0.5, -1.0], [1.5, math.nan, math.inf, "0.5", True]),
        "pattern": ([0, 1], [-1, 99, 0.5, True, None]),
        "track": ([None, [0], [0, 1], [], np.array([0])], [[0.5], [99], [-1], "0", [[0]], [True]]),
        "measure_every": ([1, 2], [0, 13, 1.0, True, 10**9]),
        "rng": (
            [None, 0, 7, np.random.default_rng(1), np.random.SeedSequence(3)],
            [-1, 1.5, "seed", np.random.RandomState(1), True],
        ),
        "backend": (["auto", "numba", "lockstep", "numpy", "batched"], ["cupy", "jax", None, 3]),
        "n_workers": ([1, 2], [0, -1, 1.5, True]),
        "checkpoint_every": ([1, 4, 1000], [0, -1, 1.5]),
        "progress": ([False], ["yes", None, 1]),
    }
    for name, (valid, junk) in optional.items():
        if data.draw(st.booleans(), label=f"pass {name}"):
            kwargs[name] = pick(data, name, valid, junk)
    if data.draw(st.booleans(), label="pass start"):
        kwargs["start"] = starts(data, N)
    if data.draw(st.booleans(), label="pass probes"):
        vectors = np.random.default_rng(5).normal(size=(2, N))
        kwargs["probes"] = pick(
            data,
            "probes",
            [None, vectors, vectors[:1]],
            [vectors[:, :-1], np.full((1, N), np.nan), np.full((1, N), 1e308), [["a"] * N]],
        )
    if data.draw(st.booleans(), label="pass checkpoint"):
        kwargs["checkpoint"] = checkpoints(data, tmp_path)
    return kwargs


def checkpoints(data, tmp_path):
    """One of four checkpoint files (of earlier examples, often), or a path that cannot be one."""
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    n = data.draw(st.integers(0, 3), label="checkpoint file")
    return pick(data, "checkpoint", [tmp_path / f"c{n}.npz"], [tmp_path, blocker / "c.npz", 5])


def check_run(res) -> None:
    finite(res.energy, res.overlaps, res.q, res.probe_overlaps)
    assert len(res.energy) >= 1


def test_run_fuzz(tmp_path):
    tally = Counter()

    @settings(max_examples=300)
    @given(st.data())
    def check(data):
        attempt(tally, run, run_kwargs(data, tmp_path), check_run)

    check()
    print(f"\nmc.run: {dict(tally)}")
    assert tally["result"] > 0
    assert tally["ValueError"] + tally["TypeError"] > 0


def test_parallel_tempering_fuzz(tmp_path):
    tally = Counter()

    def check_result(res):
        finite(res.energy, res.overlaps, res.swap_acceptance)

    @settings(max_examples=150)
    @given(st.data())
    def check(data):
        network = networks(data)
        kwargs = {
            "network": network,
            "T": pick(
                data,
                "T",
                [[0.5, 1.0], np.geomspace(0.3, 2.0, 3), (1e-300, 1.0)],
                [
                    [1.0],
                    [1.0, 0.5],
                    [0.0, 1.0],
                    [1e-320, 1.0],
                    [[1.0, 2.0]],
                    "x",
                    [math.nan, 1.0],
                    [1.0, math.inf],
                    None,
                    [[1], [2, 3]],
                ],
            ),
            "n_sweeps": pick(data, "n_sweeps", [2, 6], [0, -1, 2.0, True, 10**12]),
        }
        optional = {
            "n_burnin": ([0, 3], [-1, 1.5]),
            "rule": (["metropolis", "heat-bath"], ["zero-T", "gibbs", None]),
            "order": (["random", "sequential"], ["spiral", 2]),
            "exchange_every": ([1, 2], [0, 7, 1.5]),
            "track": ([None, [0]], [[0.5], [99], "a"]),
            "rng": ([None, 3, np.random.default_rng(2)], [-1, "x"]),
            "backend": (["auto", "lockstep", "numpy", "batched"], ["jax", 1]),
            "n_workers": ([1, 2], [0, True]),
            "on_round": ([None, lambda state, slot: None], [5, "f"]),
            "checkpoint_every": ([1, 4, 1000], [0, -1, 1.5]),
            "progress": ([False], ["yes", None, 1]),
        }
        for name, (valid, junk) in optional.items():
            if data.draw(st.booleans(), label=f"pass {name}"):
                kwargs[name] = pick(data, name, valid, junk)
        if data.draw(st.booleans(), label="pass start"):
            kwargs["start"] = starts(data, getattr(network, "N", 5))
        if data.draw(st.booleans(), label="pass checkpoint"):
            kwargs["checkpoint"] = checkpoints(data, tmp_path)
        attempt(tally, parallel_tempering, kwargs, check_result)

    check()
    print(f"\nmc.parallel_tempering: {dict(tally)}")
    assert tally["result"] > 0


def test_init_and_step_fuzz():
    tally = Counter()

    @settings(max_examples=200)
    @given(st.data())
    def check(data):
        network = networks(data)
        N = getattr(network, "N", 5)
        kwargs = {"network": network}
        for name, (valid, junk) in {
            "n_replicas": ([1, 2], [0, 1.0, True, 10**9]),
            "m0": ([None, 0.5], [1.5, math.nan]),
            "pattern": ([0], [-1, 99, 0.5]),
            "rng": ([None, 4], [-1, "x"]),
        }.items():
            if data.draw(st.booleans(), label=f"pass {name}"):
                kwargs[name] = pick(data, name, valid, junk)
        if data.draw(st.booleans(), label="pass start"):
            kwargs["start"] = starts(data, N)
        states = []
        attempt(tally, init, kwargs, states.append)
        if not states:
            return
        state = states[0]
        model = kernel_model(network)
        other = SherringtonKirkpatrick.sample(N + 1, rng=1)
        R = state.n_replicas
        T = data.draw(st.sampled_from([0.0, 0.7, math.inf]), label="dynamics T")
        dynamics = Dynamics(T=T, rule="zero-T" if T == 0 else "heat-bath")
        step_kwargs = {
            "model": pick(data, "model", [model], [network, kernel_model(other), None]),
            "state": pick(data, "state", [state], [init(other), None, "state"]),
            "dynamics": pick(data, "dynamics", [dynamics], [0.5, None]),
            "n_sweeps": pick(data, "n_sweeps", [0, 1, 3], [-1, 1.5, True]),
        }
        for name, (valid, junk) in {
            "backend": (["auto", "numpy", "batched"], ["jax", None]),
            "n_workers": ([1, 3], [0, 2.0]),
            "betas": (
                [None, np.full(R, 0.5)],
                [np.full(R + 1, 0.5), [math.nan] * R, [-1.0] * R, "x", [[1], [2, 3]]],
            ),
        }.items():
            if data.draw(st.booleans(), label=f"pass {name}"):
                step_kwargs[name] = pick(data, name, valid, junk)
        if isinstance(step_kwargs["state"], type(state)):  # a junk state: copy the good one
            pass

        def check_state(out):
            finite(out.S)
            assert np.all(np.abs(out.sigma) == 1)

        attempt(tally, step, step_kwargs, check_state)

    check()
    print(f"\nmc.init / mc.step: {dict(tally)}")
    assert tally["result"] > 0


def check_network(net) -> None:
    rng = np.random.default_rng(0)
    if isinstance(net, ModernHopfield):
        x = rng.normal(size=(3, net.d))
        finite(net.energy(x), net.update(x), net.probabilities(x))
        return
    sigma = np.where(rng.random((3, net.N)) < 0.5, 1, -1)
    if isinstance(net, SherringtonKirkpatrick):
        finite(net.energy(sigma), net.delta_energy(sigma, 0))
        return
    finite(net.energy(sigma), net.local_fields(sigma), net.delta_energy(sigma, 0))


def pattern_arrays(data, name: str = "patterns"):
    rng = np.random.default_rng(data.draw(st.integers(0, 5)))
    K, N = data.draw(st.integers(1, 3)), data.draw(st.integers(2, 6))
    signs = np.where(rng.random((K, N)) < 0.5, 1, -1)
    return pick(
        data,
        name,
        [signs, signs.astype(np.int8), signs * np.array([[1, 0] * 3])[:, :N], 0.3 * signs],
        [
            signs * 1e200,
            np.full((K, N), np.nan),
            np.zeros((0, N)),
            signs[0],
            signs[None],
            [[1, -1], [1]],
            np.array([["a"] * N]),
            signs.astype(bool),
            signs.astype(complex),
            np.array([[object()]]),
            signs * 2,
            None,
        ],
    )


def test_network_constructors_fuzz():
    tally = Counter()
    scales = [1.0, 0.1, 2.0, 1e-308, 1e308, 300.0]
    bad_scales = [math.inf, 0.0, -1.0, math.nan, "1", None, True]

    @settings(max_examples=400)
    @given(st.data())
    def check(data):
        cls = data.draw(
            st.sampled_from(["dense", "hopfield", "exp", "learned", "modern", "sk", "sk.sample"])
        )
        if cls == "sk":
            J = np.random.default_rng(1).normal(size=(4, 4))
            J = np.triu(J, 1) + np.triu(J, 1).T
            attempt(
                tally,
                SherringtonKirkpatrick,
                {
                    "J": pick(
                        data,
                        "J",
                        [J, J / 1e10],
                        [J * 1e300, J + np.eye(4), J[:, :3], np.triu(J), J[0], [[0, 1], [1]]],
                    )
                },
                check_network,
            )
            return
        if cls == "sk.sample":
            kwargs = {"N": pick(data, "N", [2, 5], [1, 0, 2.5, 10**6, True])}
            attempt(tally, SherringtonKirkpatrick.sample, kwargs, check_network)
            return
        kwargs = {"patterns": pattern_arrays(data)}
        if cls == "dense":
            for name, (valid, junk) in {
                "P": ([2, 3, 4, 6], [1, 0, 2.0, True, 200, None]),
                "diagonal": ([True, False], [1, "yes", None]),
            }.items():
                if data.draw(st.booleans(), label=f"pass {name}"):
                    kwargs[name] = pick(data, name, valid, junk)
            attempt(tally, DenseHopfield, kwargs, check_network)
        elif cls == "hopfield":
            attempt(tally, Hopfield, kwargs, check_network)
        elif cls == "exp":
            kwargs["lam"] = pick(data, "lam", scales, bad_scales)
            attempt(tally, ExponentialDAM, kwargs, check_network)
        elif cls == "modern":
            kwargs["beta"] = pick(data, "beta", scales, bad_scales)
            attempt(tally, ModernHopfield, kwargs, check_network)
        else:
            kwargs["P"] = pick(data, "P", [2, 3], [1, 2.5, 300])
            kwargs["weight"] = pick(data, "weight", [1.0, 0.01, 1e200], bad_scales)
            attempt(tally, LearnedNetwork, kwargs, check_network)

    check()
    print(f"\nnetwork constructors: {dict(tally)}")
    assert tally["result"] > 0


def test_pattern_generators_fuzz():
    tally = Counter()
    sizes, bad_sizes = [1, 3, 10**7], [0, -1, 2.5, True, None, "3", 10**9]

    def check_patterns(xi):
        assert xi.dtype == np.int8
        assert np.all(np.isin(xi, (-1, 0, 1)))

    @settings(max_examples=300)
    @given(st.data())
    def check(data):
        which = data.draw(
            st.sampled_from(["binary", "biased", "diluted", "examples", "entropy", "learned"])
        )
        rng = pick(data, "rng", [None, 1, np.random.default_rng(2)], [-1, "x", 1.5])
        if which in ("binary", "biased", "diluted"):
            kwargs = {
                "K": pick(data, "K", sizes, bad_sizes),
                "N": pick(data, "N", sizes, bad_sizes),
                "rng": rng,
            }
            if which == "binary":
                attempt(tally, binary_patterns, kwargs, check_patterns)
            elif which == "biased":
                kwargs["a"] = pick(data, "a", [0.0, 0.5, -0.99], [1.0, -1.0, math.nan, math.inf])
                attempt(tally, biased_patterns, kwargs, check_patterns)
            else:
                kwargs["d"] = pick(data, "d", [0.0, 0.3, 0.999], [1.0, -0.1, math.nan, math.inf])
                attempt(tally, diluted_patterns, kwargs, check_patterns)
            return
        r = pick(data, "r", [1.0, 0.5, 0.01], [0.0, -0.1, 1.5, math.nan])
        M = pick(data, "M", [1, 3, 200], [0, 1.5, True, 10**9])
        if which == "entropy":
            attempt(tally, dataset_entropy, {"r": r, "M": M}, lambda rho: finite(rho))
            return
        archetypes = pattern_arrays(data, "archetypes")
        if which == "examples":
            kwargs = {"archetypes": archetypes, "M": M, "r": r, "rng": rng}
            attempt(tally, noisy_examples, kwargs, lambda ex: check_patterns(ex.examples))
            return
        try:
            examples = noisy_examples(binary_patterns(2, 6, rng=1), 3, 0.5, rng=2)
        except ERRORS:  # pragma: no cover
            raise
        kwargs = {
            "examples": pick(data, "examples", [examples], [archetypes, None]),
            "P": pick(data, "P", [2, 3], [1, 2.5]),
            "protocol": pick(data, "protocol", ["supervised", "unsupervised"], ["x", None]),
            "tensor": pick(data, "tensor", ["exact", "plefka"], ["x", []]),
        }
        attempt(tally, learned_network, kwargs, check_network)

    check()
    print(f"\npattern generators and learned networks: {dict(tally)}")
    assert tally["result"] > 0

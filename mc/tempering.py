"""Parallel tempering (replica exchange) over a temperature ladder.

One chain per temperature; after every ``exchange_every`` sweeps, neighbouring
temperatures ``T_t < T_(t+1)`` try to exchange configurations (even pairs on
even rounds, odd pairs on odd rounds), accepted with probability
``min(1, exp((beta_t - beta_(t+1)) (E_t - E_(t+1))))``, which keeps the joint
Boltzmann distribution of the ladder invariant (Hukushima & Nemoto, J. Phys.
Soc. Jpn. 65, 1604 (1996)).  Temperatures move between chains, not
configurations: ``slot[t]`` is the chain currently at temperature ``t``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import check_int, check_real
from hebbian.limits import check_memory
from hebbian.mc.backends import resolve_backend
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import (
    ChainState,
    Dynamics,
    _init,
    chain_bytes,
    check_track,
    model_bytes,
    network_size,
    step,
)
from hebbian.networks import BinaryNetwork
from hebbian.random import RNGLike, as_generator

__all__ = ["TemperingResult", "geometric_ladder", "parallel_tempering"]


def _short(value, limit: int = 60) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def geometric_ladder(T_min: float, T_max: float, n: int) -> np.ndarray:
    """Temperatures in geometric progression, the standard first choice.

    A geometric ladder gives roughly uniform exchange rates when the specific
    heat is roughly constant; check ``TemperingResult.swap_acceptance`` and
    add temperatures where it drops below ~0.2.
    """
    T_min = check_real(T_min, "T_min", low=0.0, low_open=True)
    T_max = check_real(T_max, "T_max", low=T_min, low_open=True)
    n = check_int(n, "n (temperatures)", minimum=2)
    return np.geomspace(T_min, T_max, n)


@dataclass
class TemperingResult:
    """Measurements by temperature and exchange statistics.

    Attributes
    ----------
    temperatures : numpy.ndarray, shape (n_T,)
    energy : numpy.ndarray, shape (n_measurements, n_T)
        Energy per neuron at each temperature.
    overlaps : numpy.ndarray, shape (n_measurements, n_T, n_track)
    track : numpy.ndarray
    swap_acceptance : numpy.ndarray, shape (n_T - 1,)
        Accepted / attempted exchanges between temperatures t and t + 1.
    round_trips : int
        Chains that went from the lowest to the highest temperature and back.
    slot : numpy.ndarray
        Chain at each temperature at the end.
    state : ChainState
    """

    temperatures: np.ndarray
    energy: np.ndarray
    overlaps: np.ndarray
    track: np.ndarray
    swap_acceptance: np.ndarray
    round_trips: int
    slot: np.ndarray
    state: ChainState

    def configurations(self) -> np.ndarray:
        """Final configurations ordered by temperature, shape (n_T, N)."""
        return self.state.sigma[self.slot]


def parallel_tempering(
    network: BinaryNetwork,
    *,
    T: ArrayLike,
    n_sweeps: int,
    n_burnin: int = 0,
    rule: str = "metropolis",
    order: str = "random",
    exchange_every: int = 1,
    start: str | ArrayLike = "random",
    track: ArrayLike | None = None,
    rng: RNGLike = None,
    backend: str = "auto",
    n_workers: int = 1,
    on_round: Callable[[ChainState, int], None] | None = None,
) -> TemperingResult:
    """Parallel tempering of ``network`` over the temperatures ``T``.

    Parameters
    ----------
    network : Hopfield, DenseHopfield, ExponentialDAM or SherringtonKirkpatrick
    T : array_like, shape (n_T,)
        Strictly increasing positive finite temperatures (see
        :func:`geometric_ladder`), each with a finite ``1/T``.
    n_sweeps, n_burnin : int
        Sweeps per chain measured / discarded; one exchange round and (after
        burn-in) one measurement every ``exchange_every`` sweeps
        (``exchange_every <= n_sweeps``, so that there is one).
    rule, order : str
        Single-spin-flip dynamics of every chain (finite temperature).
    start : see :func:`hebbian.mc.sampler.init`
    track : sequence of int, optional
        Patterns whose overlaps are recorded (default: first min(K, 8)).
    rng : seed, SeedSequence or Generator
        Chains and exchanges draw from independent children of it.
    backend, n_workers : see :func:`hebbian.mc.sampler.step`
    on_round : callable, optional
        ``on_round(state, slot)`` after every measured round (e.g. to histogram
        configurations).

    Returns
    -------
    TemperingResult
    """
    try:
        temps = np.asarray(T, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"T={_short(T)} could not be read as temperatures ({exc})") from None
    if temps.ndim != 1 or temps.size < 2 or not np.all(np.isfinite(temps)):
        raise ValueError(f"T={_short(T)} must be a 1-D ladder of at least two finite temperatures")
    with np.errstate(divide="ignore", over="ignore"):
        betas = 1.0 / temps
    if temps[0] <= 0 or np.any(np.diff(temps) <= 0) or not np.isfinite(betas[0]):
        raise ValueError(
            f"T={_short(temps.tolist())} must be positive (with 1/T finite) and strictly "
            f"increasing"
        )
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_burnin = check_int(n_burnin, "n_burnin", minimum=0)
    every = check_int(exchange_every, "exchange_every", minimum=1)
    if every > n_sweeps:
        raise ValueError(
            f"exchange_every={every} exceeds n_sweeps={n_sweeps}, so no measurement would be "
            f"taken; pass exchange_every <= n_sweeps"
        )
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    if on_round is not None and not callable(on_round):
        raise TypeError(f"on_round={on_round!r} must be a callable or None")
    resolve_backend(backend)
    dyn = Dynamics(T=float(temps[0]), rule=rule, order=order)
    generator = as_generator(rng)
    N, K, n_patterns = network_size(network)
    n_T = temps.size
    track = check_track(track, n_patterns)
    n_rounds = n_sweeps // every
    check_memory(
        model_bytes(network) + chain_bytes(N, K, n_T) + 8 * n_rounds * n_T * (1 + len(track)),
        f"parallel_tempering with N={N}, K={n_patterns}, {n_T} temperatures and "
        f"n_sweeps={n_sweeps} // exchange_every={every} = {n_rounds} measurements",
    )
    model = kernel_model(network)
    chain_seed, swap_rng = generator.spawn(2)
    state = _init(model, n_T, start, None, 0, chain_seed)
    slot = np.arange(n_T)  # slot[t]: chain at temperature t
    attempted, accepted = np.zeros(n_T - 1), np.zeros(n_T - 1)
    # round trips: a chain is "down" after visiting T_min and counts a trip on reaching
    # T_max after that, then T_min again
    direction = np.zeros(n_T, dtype=np.int8)
    trips = 0
    n_rounds_burn = -(-n_burnin // every)
    energy = np.zeros((n_rounds, n_T))
    overlaps = np.zeros((n_rounds, n_T, len(track)))
    for rnd in range(n_rounds_burn + n_rounds):
        chain_beta = np.empty(n_T)
        chain_beta[slot] = betas
        step(model, state, dyn, every, backend=backend, n_workers=n_workers, betas=chain_beta)
        E = np.asarray(model.energy(state.sigma, state.S))
        for t in range(rnd % 2, n_T - 1, 2):
            a, b = slot[t], slot[t + 1]
            log_ratio = (betas[t] - betas[t + 1]) * (E[a] - E[b])
            attempted[t] += 1
            if log_ratio >= 0 or swap_rng.random() < math.exp(log_ratio):
                slot[t], slot[t + 1] = b, a
                accepted[t] += 1
        lowest, highest = slot[0], slot[-1]
        if direction[lowest] == 2:
            trips += 1
        direction[lowest] = 1
        if direction[highest] == 1:
            direction[highest] = 2
        if rnd >= n_rounds_burn:
            k = rnd - n_rounds_burn
            energy[k] = E[slot] / model.N
            overlaps[k] = state.m[slot][:, track]
            if on_round is not None:
                on_round(state, slot)
    return TemperingResult(
        temps,
        energy,
        overlaps,
        track,
        accepted / np.maximum(attempted, 1),
        trips,
        slot.copy(),
        state,
    )

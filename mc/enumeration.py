"""Exact enumeration of a small P-spin glass: all ``2^N`` energies and the overlap distribution.

:func:`pspin_energies` walks the ``2^N`` states in Gray-code order (one spin
flip per step, ``O(N^{P-1})`` each), :func:`overlap_masses` returns the exact
two-replica overlap distribution ``P(q) = sum_{a,b} p_a p_b delta(q - q_ab)``
of the Boltzmann weights ``p`` at each temperature by the Walsh-Hadamard
autocorrelation of ``p`` (``O(N 2^N)``, no cut-off on the weights), and
:func:`lowest_gap` the gap above the ground state.  They are the finite-N
oracle of :func:`hebbian.mc.glass.pspin_tempering`
(:func:`hebbian.mc.glass.pspin_enumeration` enumerates its disorder samples).
State ``c`` (an integer of ``N`` bits) is ``sigma_i = 1 - 2 ((c >> i) & 1)``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numba import njit

from hebbian._checks import check_real
from hebbian.limits import check_memory
from hebbian.mc import _numba  # noqa: F401  (sets Numba's cache folder first)
from hebbian.networks import PSpinGlass

__all__ = ["lowest_gap", "overlap_masses", "pspin_energies"]

#: Largest N enumerated (2^N float64 energies and weights).
N_MAX = 26


@njit(cache=True, nogil=True)
def _gray_walk(others, coupling, energy0, n_free, N, out):
    """Energies of the ``2^n_free`` states of the first ``n_free`` spins, the rest ``+1``."""
    sigma = np.ones(N)
    code = 0
    energy = energy0
    out[0] = energy
    for k in range(1, 1 << n_free):
        i = 0
        while not (k >> i) & 1:  # the Gray code flips the lowest set bit of k
            i += 1
        h = 0.0
        for m in range(coupling.shape[1]):
            term = coupling[i, m]
            for j in range(others.shape[2]):
                term *= sigma[others[i, m, j]]
            h += term
        energy += 2.0 * sigma[i] * h
        sigma[i] = -sigma[i]
        code ^= 1 << i
        out[code] = energy


def pspin_energies(net: PSpinGlass) -> np.ndarray:
    """Energies of all ``2^N`` states of a P-spin glass, indexed by state code.

    Parameters
    ----------
    net : hebbian.networks.PSpinGlass
        ``N <=`` :data:`N_MAX`.

    Returns
    -------
    ndarray, shape (2^N,)
        ``H(sigma(c))`` of :meth:`PSpinGlass.energy` for ``c = 0 ... 2^N - 1``;
        for even ``P`` the second half is the global flip of the first.
    """
    N, P = net.N, net.P
    if N > N_MAX:
        raise ValueError(f"net has N = {N} spins; enumerate N <= {N_MAX}")
    check_memory(2 * 8 * 2**N, f"enumeration of 2^{N} states")
    sets = np.array(list(itertools.combinations(range(N), P)))
    values = net.J[tuple(sets.T)]
    # per spin i, the index sets holding i: the other P - 1 indices and the coupling
    others = np.empty((N, math.comb(N - 1, P - 1), P - 1), np.int64)
    coupling = np.empty(others.shape[:2])
    for i in range(N):
        holds = np.any(sets == i, axis=1)
        others[i] = sets[holds][sets[holds] != i].reshape(-1, P - 1)
        coupling[i] = values[holds]
    energies = np.empty(2**N)
    n_free = N - 1 if P % 2 == 0 else N  # even P: H(-sigma) = H(sigma)
    _gray_walk(others, coupling, -values.sum(), n_free, N, energies)
    if n_free < N:
        half = 2 ** (N - 1)
        energies[half:] = energies[:half][::-1]  # code c and its flip 2^N - 1 - c
    return energies


@njit(cache=True, nogil=True)
def _walsh_hadamard(a):
    """In-place unnormalized Walsh-Hadamard transform of ``a`` (length ``2^N``)."""
    h = 1
    while h < a.size:
        for start in range(0, a.size, 2 * h):
            for j in range(start, start + h):
                x, y = a[j], a[j + h]
                a[j], a[j + h] = x + y, x - y
        h *= 2


@njit(cache=True, nogil=True)
def _distance_masses(p, N):
    """``sum_{a,b} p_a p_b [popcount(a ^ b) = d]`` for ``d = 0 ... N``."""
    c = p.copy()
    _walsh_hadamard(c)
    c *= c
    _walsh_hadamard(c)  # autocorrelation sum_a p_a p_{a ^ x}, times 2^N
    masses = np.zeros(N + 1)
    for x in range(c.size):
        d = 0
        y = x
        while y:
            y &= y - 1
            d += 1
        masses[d] += c[x]
    return masses / c.size


def overlap_masses(energies, T) -> tuple[np.ndarray, np.ndarray]:
    """Exact two-replica overlap distribution and mean energy at temperatures ``T``.

    Parameters
    ----------
    energies : ndarray, shape (2^N,)
        :func:`pspin_energies`.
    T : array_like
        Temperatures, ``> 0``, in the energies' units.

    Returns
    -------
    masses : ndarray, shape (len(T), N + 1)
        Probability that two independent replicas are at Hamming distance
        ``d``, i.e. overlap ``q = 1 - 2 d / N``.
    energy : ndarray, shape (len(T),)
        Thermal mean of the energy.
    """
    energies = np.asarray(energies, np.float64)
    N = energies.size.bit_length() - 1
    if energies.size != 2**N or N < 1:
        raise ValueError(f"energies has {energies.size} entries; pass 2^N, one per state")
    T = np.atleast_1d(np.asarray(T, np.float64))
    for t in T:
        check_real(t, "T", low=0.0, low_open=True, finite=True)
    shifted = energies - energies.min()
    masses = np.empty((T.size, N + 1))
    mean = np.empty(T.size)
    for t, temp in enumerate(T):
        p = np.exp(-shifted / temp)  # log-domain: the ground state has weight 1
        p /= p.sum()
        masses[t] = _distance_masses(p, N)
        mean[t] = p @ energies
    return masses, mean


def lowest_gap(energies) -> float:
    """Energy of the lowest state other than the ground state and its global flip, above it.

    Parameters
    ----------
    energies : ndarray, shape (2^N,)
        :func:`pspin_energies`.

    Returns
    -------
    float
        ``E_1 - E_0``: for even ``P`` the gap between the two lowest pairs of
        states ``+-sigma``.
    """
    energies = np.array(energies, np.float64)
    ground = int(np.argmin(energies))
    lowest = energies[ground]
    energies[[ground, energies.size - 1 - ground]] = np.inf
    return float(energies.min() - lowest)

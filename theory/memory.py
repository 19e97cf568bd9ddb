"""Signal-to-noise theory of the key/value memories: capacity and retention.

The memories are those of :mod:`hebbian.memory`; the conventions of the
measurements (:mod:`hebbian.memory.tasks`): keys ``k_a`` random signs
``+-1/sqrt(d)`` (unit norm, so ``k . q`` is the Mattis overlap ``m`` of the
underlying +-1 vectors), values ``v_a`` random signs ``+-1``, each stored key
its own query, accuracy the sign agreement of read and value.

Signal and crosstalk
--------------------
The linear, polynomial, softmax and gated Hebbian memories read a weighted
sum over the stored items,

    r(q) = (1/Z) sum_a w_a f(k_a . q) v_a,     Z > 0,

with kernel ``f`` (``m``, ``m^(P-1)``, ``exp(beta m)``: the memories'
``kernel``), retention weight ``w_a`` (the product of the gates written since
item ``a``; ``gamma^lag_a`` for a constant gate, 1 without one) and ``Z`` the
softmax normalization (1 otherwise; a positive ``Z`` changes no sign).
Querying item ``b`` gives the signal ``w_b f(1) v_b`` plus crosstalk
``sum_{a != b} w_a f(m_a) v_a``: the overlaps ``m_a = k_a . k_b`` are
independent, ``m = (d - 2B)/d`` with ``B ~ Binomial(d, 1/2)``, and the
independent signs ``v_a`` make the crosstalk of each component zero-mean with
variance

    sigma_b^2 = E[f(m)^2] sum_{a != b} w_a^2.

For many items it is Gaussian (central limit theorem), so item ``b`` is read
with accuracy ``Phi(w_b f(1) / sigma_b)`` (:func:`predicted_accuracy`,
:func:`predicted_retention`; ``E[f(m)^2]`` is summed exactly over the binomial
law).  At a threshold accuracy ``A`` (``z = Phi^-1(A)``; ``A = 0.9``:
``z = 1.2816``, ``z^2 = 1.642``), without a gate, the capacity is the largest
``n`` with ``(n - 1) E[f^2] <= f(1)^2 / z^2`` (:func:`predicted_capacity`):

* linear, ``E[m^2] = 1/d``: noise variance ``(n-1)/d``,
  ``n_c = 1 + d / z^2`` - linear in ``d``, ``n_c ~ 0.609 d`` at ``A = 0.9``
  (one-step bit accuracy; the ``0.138 N`` of Amit-Gutfreund-Sompolinsky is
  the fixed point of the dynamics, with ``m = 0.967``, i.e. 1.6% wrong bits);
* polynomial, ``E[m^(2P-2)] = (2P-3)!! d^-(P-1) (1 + O(1/d))``:
  ``n_c ~ d^(P-1) / ((2P-3)!! z^2)``; for ``P = 3``, ``E[m^4] = (3d-2)/d^3``
  and ``n_c = 1 + d^3 / ((3d - 2) z^2) ~ 0.203 d^2``;
* softmax at ``beta = beta_0 d`` (Demircigil et al. 2017's scaling),
  ``E[f^2] = cosh(2 beta_0)^d``: ``n_c = 1 + exp(alpha d) / z^2`` with
  ``alpha = 2 beta_0 - log cosh(2 beta_0)``, the REM threshold
  :func:`hebbian.theory.exponential.alpha_zero_T` ``(beta_0)``.  At ``beta``
  of order ``sqrt(d)`` the capacity grows as ``exp(c sqrt(d))`` only;
* constant gate ``gamma``, stationary (``n -> infinity``): the item written
  ``lag`` writes ago has signal ``gamma^lag`` and noise variance
  ``(1/(1 - gamma^2) - gamma^(2 lag)) / d``; it is recalled up to the horizon
  ``lag* = (tau/2) log[(1 - gamma^2)(d + z^2) / z^2]`` (``tau = -1/log
  gamma``), largest at ``tau_opt ~ 2d/(e z^2)`` where it is ``d/(e z^2) ~
  0.224 d``;
* data-dependent gate ``alpha_t = sigma(a u_t + b)`` with iid Gaussian
  pre-activations ``u_t ~ N(0, 1)`` (:func:`predicted_gated_retention`):
  the weight of an item is a random product of the later gates, its signal
  ``(E alpha)^lag`` on average and its mean noise ``E[f^2] sum_j mu_2^j``
  (``mu_2 = E alpha^2``); the accuracy ``E Phi(W / sigma)`` is averaged over
  gate sequences, in which the signal and the noise of older items share
  their factors.  At equal mean gate the fluctuations lengthen the noise's
  memory (``E alpha^2 > (E alpha)^2``) and spread the signal.

The delta rule has no such sum: with ``eta = gamma = 1`` and unit keys a write
sets ``S k = v`` exactly (:class:`hebbian.memory.DeltaRuleMemory`), and older
items fade as later writes project them out.  Its mean-field theory
(:func:`predicted_delta_retention`, :func:`predicted_delta_capacity`)
follows the signal ``eta (gamma - eta/d)^lag`` and the crosstalk of the later
writes' prediction errors: capacity ``~ 0.63 d``.

Storage capacity of the modern Hopfield network: :func:`ramsauer_capacity`,
the lower bound of Ramsauer et al.'s Theorem 3 for random patterns on a
sphere, which holds with probability ``1 - p`` for one update from each
pattern; it is a bound, far below the signal-to-noise capacity at the same
``beta``.

References
----------
J. J. Hopfield, PNAS 79, 2554 (1982); D. Krotov, J. J. Hopfield, NeurIPS
2016, arXiv:1606.01164; M. Demircigil et al., J. Stat. Phys. 168, 288 (2017);
H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021,
arXiv:2008.02217 (Theorem 3).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import linalg, special, stats

from hebbian._checks import check_int, check_real
from hebbian.memory.experiments import check_threshold, largest_holding
from hebbian.memory.interface import forget_factor
from hebbian.random import RNGLike, as_generator
from hebbian.rnn.gates import log_gate
from hebbian.theory.quadrature import gauss_hermite

__all__ = [
    "gate_moments",
    "linear_delayed_recall",
    "linear_memory_function",
    "linearized_memory_function",
    "predicted_accuracy",
    "predicted_capacity",
    "predicted_delta_capacity",
    "predicted_delta_retention",
    "predicted_gated_retention",
    "predicted_retention",
    "ramsauer_capacity",
]

#: Gauss-Hermite nodes of the averages over a Gaussian gate pre-activation or log-weight.
_ORDER = 64
#: Largest logarithm whose exponential is a finite double.
_LOG_MAX = math.log(np.finfo(np.float64).max)


def _crosstalk_moment(kernel, d: int) -> float:
    """``E[f(m)^2]`` over the overlap ``m = (d - 2B)/d``, ``B ~ Binomial(d, 1/2)``, exactly."""
    B = np.arange(d + 1)
    return float(np.sum(stats.binom.pmf(B, d, 0.5) * kernel((d - 2.0 * B) / d) ** 2))


def _signal_noise(kernel, d: int, n_items: int, lags, gamma: float):
    """Signal ``gamma^lag f(1)`` and crosstalk variance per component (module docstring)."""
    lags = np.asarray(lags, dtype=np.float64)
    weights_sq = n_items if gamma == 1 else (1 - gamma ** (2 * n_items)) / (1 - gamma**2)
    signal = gamma**lags * float(kernel(1.0))
    return signal, (weights_sq - gamma ** (2 * lags)) * _crosstalk_moment(kernel, d)


def _check_theory(d, n_items, gamma) -> tuple[int, int, float]:
    return (
        check_int(d, "d", minimum=1),
        check_int(n_items, "n_items", minimum=1),
        forget_factor(gamma),
    )


def predicted_retention(kernel, d: int, n_items: int, lags, *, gamma: float = 1.0) -> dict:
    """Signal-to-noise prediction of :func:`hebbian.memory.retention_curve`.

    Parameters
    ----------
    kernel : callable
        The memory's ``kernel`` (:meth:`hebbian.memory.LinearMemory.kernel` etc.), on
        NumPy arrays.
    d, n_items : int
        Key dimension and pairs written.
    lags : array_like of int
        Writes since the item queried.
    gamma : float
        Constant forget gate (1: none).

    Returns
    -------
    dict
        ``accuracy = Phi(signal / sqrt(noise))``, ``signal = gamma^lag f(1)``,
        ``noise = E[f(m)^2] (sum_{j < n_items} gamma^(2j) - gamma^(2 lag))``
        and ``r2 = signal^2 / (signal^2 + noise)`` (the squared correlation of
        read and value) per lag (for the softmax memory signal and noise are
        before its normalization; accuracy and ``r2`` are unaffected).

    Examples
    --------
    >>> from hebbian.memory import LinearMemory
    >>> out = predicted_retention(LinearMemory().kernel, 100, 1000, [0], gamma=0.9)
    >>> round(float(out["noise"][0]), 5)  # (1/(1 - 0.81) - 1)/100
    0.04263
    """
    d, n_items, gamma = _check_theory(d, n_items, gamma)
    signal, noise = _signal_noise(kernel, d, n_items, lags, gamma)
    return _scores(signal, noise)


def _scores(signal, noise) -> dict:
    with np.errstate(divide="ignore"):  # one item: no noise, accuracy 1
        accuracy = special.ndtr(signal / np.sqrt(noise))
    return {"accuracy": accuracy, "signal": signal, "noise": noise,
            "r2": signal**2 / (signal**2 + noise)}  # fmt: skip


def predicted_accuracy(kernel, d: int, n_items: int, *, gamma: float = 1.0) -> float:
    """Signal-to-noise prediction of :func:`hebbian.memory.capacity_curve`.

    Without a gate, ``Phi(f(1) / sqrt((n_items - 1) E[f(m)^2]))``; linear
    memory: ``Phi(sqrt(d / (n_items - 1)))``.

    Parameters
    ----------
    kernel : callable
        The memory's ``kernel``.
    d, n_items : int
        Key dimension and pairs written.
    gamma : float
        Constant forget gate (1: none).

    Returns
    -------
    float
        Mean accuracy over the stored items.

    Examples
    --------
    >>> from hebbian.memory import LinearMemory
    >>> round(predicted_accuracy(LinearMemory().kernel, 100, 101), 4)  # Phi(1)
    0.8413
    """
    d, n_items, gamma = _check_theory(d, n_items, gamma)
    # without a gate every item is read alike: one lag stands for all
    lags = np.arange(n_items) if gamma < 1 else [0]
    return float(np.mean(predicted_retention(kernel, d, n_items, lags, gamma=gamma)["accuracy"]))


def predicted_capacity(
    kernel, d: int, *, gamma: float = 1.0, threshold: float = 0.9, n_cap: int = 2**62
) -> int:
    """Largest ``n`` with :func:`predicted_accuracy` ``>= threshold``.

    Without a gate, ``1 + f(1)^2 / (z^2 E[f(m)^2])`` rounded down,
    ``z = Phi^-1(threshold)``; closed forms for each memory in the module
    docstring.

    Parameters
    ----------
    kernel : callable
        The memory's ``kernel``.
    d : int
        Key dimension.
    gamma : float
        Constant forget gate (1: none).
    threshold : float
        Accuracy threshold, in (1/2, 1).
    n_cap : int
        Largest ``n`` tried (at most ``2**62``).

    Returns
    -------
    int
        The capacity; ``n_cap`` if the accuracy is still above threshold there.

    Examples
    --------
    >>> from hebbian.memory import LinearMemory
    >>> predicted_capacity(LinearMemory().kernel, 100)  # floor(1 + 100/1.2816^2)
    61
    """
    threshold = check_threshold(threshold)
    gamma = forget_factor(gamma)
    return largest_holding(
        lambda n: predicted_accuracy(kernel, d, n, gamma=gamma) >= threshold,
        check_int(n_cap, "n_cap", minimum=2),
    )[0]


def predicted_delta_retention(
    d: int, n_items: int, lags, *, eta: float = 1.0, gamma: float = 1.0
) -> dict:
    """Mean-field retention of the delta rule ``S <- gamma S + eta (v - S k) k^T``.

    Random unit keys, ``E[k k^T] = I/d``.  Writing item ``a`` sets its read
    to ``S k_a = eta v_a + (gamma - eta) S_(a-1) k_a``; each later write
    multiplies it by ``gamma - eta k (k . k_a)``, on average ``rho = gamma -
    eta/d``: the signal of the item written ``lag`` writes ago is
    ``eta rho^lag``.  The write ``j`` adds ``eta e_j (k_j . k_a)`` to that
    read, ``e_j = v_j - S k_j`` its prediction error, whose variance per
    component is ``1 + f_(j-1)/d`` with ``f = |S|_F^2 / d_v`` obeying
    ``f_j = (gamma^2 - (2 gamma eta - eta^2)/d) f_(j-1) + eta^2`` from
    ``f_0 = 0`` (the state fills up and saturates); propagated by ``rho``
    these leave the crosstalk variance
    ``sum_(j > a) eta^2 (1 + f_(j-1)/d) / d rho^(2 (n - j))``, plus
    ``(gamma - eta)^2 f_(a-1)/d rho^(2 lag)`` from the read before the item's
    own write, and the accuracy ``Phi(eta rho^lag / sigma)``.  At ``eta = gamma = 1`` the
    stationary error variance is 2 and the horizon of accuracy 0.9 is
    ``lag ~ (d/2) log((1 + z^2)/z^2) = 0.24 d``.

    Parameters
    ----------
    d, n_items : int
        Key dimension and pairs written.
    lags : array_like of int
        Writes since the item queried, in ``[0, n_items)``.
    eta : float
        Learning rate, > 0.
    gamma : float
        Forget gate, in (0, 1].

    Returns
    -------
    dict
        ``accuracy``, ``signal``, ``noise`` and ``r2 = signal^2 / (signal^2 + noise)``
        per lag.

    Examples
    --------
    >>> out = predicted_delta_retention(64, 1, [0])
    >>> float(out["accuracy"][0]), float(out["signal"][0])  # a projection: exact
    (1.0, 1.0)
    """
    d = check_int(d, "d", minimum=1)
    n_items = check_int(n_items, "n_items", minimum=1)
    eta = check_real(eta, "eta", low=0.0, low_open=True, finite=True)
    gamma = forget_factor(gamma)
    lags = np.asarray(lags)
    if lags.ndim != 1 or lags.size == 0 or lags.min() < 0 or lags.max() >= n_items:
        raise ValueError(f"lags must be a non-empty 1-d sequence in [0, n_items={n_items})")
    rho = gamma - eta / d
    c = gamma**2 - (2 * gamma * eta - eta**2) / d
    j = np.arange(n_items)  # writes j = 1..n see f_(j-1), f_0 = 0
    f = eta**2 * j if c == 1 else eta**2 * (1 - c**j) / (1 - c)
    added = eta**2 * (1 + f / d) / d * rho ** (2.0 * (n_items - 1 - j))  # write j+1, at the end
    # crosstalk of the item written at lag L: the writes after it, the last L of them, and the
    # read of its key before its own write, kept with the factor gamma - eta
    later = np.concatenate([[0.0], np.cumsum(added[::-1])])
    decay = rho ** (2.0 * lags)
    noise = later[lags] + (gamma - eta) ** 2 * f[n_items - 1 - lags] / d * decay
    signal = eta * rho ** lags.astype(np.float64)
    return _scores(signal, noise)


def predicted_delta_capacity(
    d: int, *, eta: float = 1.0, gamma: float = 1.0, threshold: float = 0.9, n_cap: int = 2**20
) -> int:
    """Largest ``n`` whose mean :func:`predicted_delta_retention` accuracy is ``>= threshold``.

    Parameters
    ----------
    d : int
        Key dimension.
    eta, gamma : float
        As in :func:`predicted_delta_retention`.
    threshold : float
        Accuracy threshold, in (1/2, 1).
    n_cap : int
        Largest ``n`` tried.

    Returns
    -------
    int
        The capacity (``~ 0.63 d`` at ``eta = gamma = 1``, ``threshold = 0.9``).

    Examples
    --------
    >>> predicted_delta_capacity(64)
    41
    """
    threshold = check_threshold(threshold)

    def holds(n):
        out = predicted_delta_retention(d, n, np.arange(n), eta=eta, gamma=gamma)
        return float(np.mean(out["accuracy"])) >= threshold

    return largest_holding(holds, check_int(n_cap, "n_cap", minimum=2))[0]


def gate_moments(gain: float, bias: float) -> dict:
    """Moments of a gate ``alpha = sigma(gain u + bias)`` over ``u ~ N(0, 1)``.

    Parameters
    ----------
    gain : float
        Gate gain, >= 0 and finite.
    bias : float
        Gate bias, finite.

    Returns
    -------
    dict
        ``mean`` ``E alpha``, ``second`` ``E alpha^2``, ``log_mean``
        ``E log alpha`` and ``log_var`` ``Var log alpha`` (Gauss-Hermite).

    Examples
    --------
    >>> m = gate_moments(0.0, 0.0)
    >>> m["mean"], m["second"], m["log_var"]
    (0.5, 0.25, 0.0)
    """
    gain = check_real(gain, "gain", low=0.0, finite=True)
    bias = check_real(bias, "bias", finite=True)
    z, w = gauss_hermite(_ORDER)
    log_alpha = -np.logaddexp(0.0, -(gain * z + bias))
    alpha = np.exp(log_alpha)
    log_mean = float(w @ log_alpha)
    return {"mean": float(w @ alpha), "second": float(w @ alpha**2), "log_mean": log_mean,
            "log_var": max(float(w @ log_alpha**2) - log_mean**2, 0.0)}  # fmt: skip


def predicted_gated_retention(
    d: int, n_items: int, lags, *, gain: float, bias: float, n_paths: int = 4000,
    rng: RNGLike = 0,
) -> dict:  # fmt: skip
    """Retention of the Hebbian memory under a data-dependent gate ``sigma(a u + b)``.

    The gate pre-activations ``u_t`` of the writes are taken iid ``N(0, 1)``
    (:class:`hebbian.rnn.gates.ProjectionGate` with ``w ~ N(0, 1)`` and unit
    keys).  The item written ``j`` writes before the read has weight
    ``W_j = prod`` of the ``j`` later gates; given the weights, the crosstalk
    is Gaussian with variance ``(sum_(i != j) W_i^2) / d`` and the item is
    read with accuracy ``Phi(W_j / sigma_j)``.  The weights are correlated:
    every item older than ``j`` carries the factor ``W_j`` too, so ``W_j``
    and ``sigma_j`` fall together.  The accuracy is therefore averaged over
    ``n_paths`` sampled gate sequences (a one-dimensional average: no memory
    is simulated); treating ``W_j`` as log-normal and independent of the
    mean noise ``(sum_j mu_2^j - mu_2^lag) / d`` (``mu_2 = E alpha^2``)
    misses that correlation and underestimates the accuracy by up to 0.03 at
    ``a = 2, b = 4, d = 64``.  With ``gain = 0`` this is
    :func:`predicted_retention` at ``gamma = sigma(bias)``.

    Parameters
    ----------
    d, n_items : int
        Key dimension and pairs written.
    lags : array_like of int
        Writes since the item queried, in ``[0, n_items)``.
    gain : float
        Gate gain ``a``, >= 0.
    bias : float
        Gate bias ``b``.
    n_paths : int
        Sampled gate sequences, >= 1 (cost ``O(n_paths n_items)``).
    rng : None, int, SeedSequence or Generator
        For the gate sequences (default 0: the same prediction every call).

    Returns
    -------
    dict
        Per lag ``accuracy`` (averaged over gate sequences), ``signal``
        ``E W = (E alpha)^lag`` and ``noise`` ``E sigma^2`` (both exact), and
        ``r2 = (E W)^2 / (E W^2 + noise)`` (the squared correlation of read
        and value).

    Examples
    --------
    >>> from scipy.special import expit
    >>> a = predicted_gated_retention(64, 500, [0, 5], gain=0.0, bias=2.0)["accuracy"]
    >>> from hebbian.memory import LinearMemory
    >>> b = predicted_retention(LinearMemory().kernel, 64, 500, [0, 5], gamma=expit(2.0))
    >>> bool(np.allclose(a, b["accuracy"], rtol=1e-12))
    True
    """
    d = check_int(d, "d", minimum=1)
    n_items = check_int(n_items, "n_items", minimum=1)
    n_paths = check_int(n_paths, "n_paths", minimum=1)
    moments = gate_moments(gain, bias)
    lags = np.asarray(lags)
    if lags.ndim != 1 or lags.size == 0 or lags.min() < 0 or lags.max() >= n_items:
        raise ValueError(f"lags must be a non-empty 1-d sequence in [0, n_items={n_items})")
    mu_2 = moments["second"]
    total = n_items if mu_2 == 1 else (1 - mu_2**n_items) / (1 - mu_2)
    noise = (total - mu_2 ** lags.astype(np.float64)) / d
    if gain == 0:  # one path: every sequence is the same
        n_paths = 1
    u = as_generator(rng).standard_normal((n_paths, n_items - 1))
    log_w = np.zeros((n_paths, n_items))
    np.cumsum(log_gate(u, gain, bias), axis=1, out=log_w[:, 1:])
    w2 = np.exp(2 * log_w)
    w = np.exp(log_w[:, lags])
    with np.errstate(divide="ignore"):  # one item: no noise, accuracy 1
        accuracy = special.ndtr(w / np.sqrt((w2.sum(1, keepdims=True) - w**2) / d)).mean(0)
    signal = moments["mean"] ** lags.astype(np.float64)
    return {"accuracy": accuracy, "signal": signal, "noise": noise,
            "r2": signal**2 / (mu_2**lags + noise)}  # fmt: skip


def ramsauer_capacity(d: int, *, beta: float = 1.0, K: float = 1.0, p: float = 0.001) -> dict:
    """Storage capacity of the modern Hopfield network: Ramsauer et al. (2021), Theorem 3.

    Random patterns on the sphere of radius ``M = K sqrt(d - 1)``; with
    probability ``1 - p`` at least ``N = sqrt(p) c^((d-1)/4)`` of them are
    stored (each retrieved by one update), where

        a = 2/(d-1) (1 + log(2 beta K^2 p (d-1))),   b = 2 K^2 beta / 5,
        c = b / W_0(exp(a + log b)),

    ``W_0`` the upper branch of Lambert's function; the theorem holds where
    ``c >= (2/sqrt(p))^(4/(d-1))`` (``valid``).  The bound grows
    exponentially in ``d``, as ``exp(d log(c)/4)``.

    Parameters
    ----------
    d : int
        Pattern dimension, >= 2.
    beta : float
        Inverse temperature of the update, > 0 and finite.
    K : float
        Pattern radius over ``sqrt(d - 1)``, > 0 and finite.
    p : float
        Failure probability, in (0, 1].

    Returns
    -------
    dict
        ``n_patterns`` (the bound ``N``; ``inf`` beyond the largest double),
        ``log_n_patterns``, ``c``, ``a``,
        ``b`` and ``valid`` (the theorem's condition on ``c``).

    References
    ----------
    H. Ramsauer et al., "Hopfield networks is all you need", ICLR 2021,
    arXiv:2008.02217, Theorem 3 (its examples: ``c = 3.1546`` at ``beta = 1``,
    ``K = 3``, ``d = 20``, ``p = 0.001``, and ``c = 1.3718`` at ``K = 1``,
    ``d = 75``).

    Examples
    --------
    >>> round(ramsauer_capacity(20, K=3.0)["c"], 3), round(ramsauer_capacity(75)["c"], 3)
    (3.155, 1.372)
    """
    d = check_int(d, "d", minimum=2)
    beta = check_real(beta, "beta", low=0.0, low_open=True, finite=True)
    K = check_real(K, "K", low=0.0, low_open=True, finite=True)
    p = check_real(p, "p", low=0.0, high=1.0, low_open=True)
    a = 2.0 / (d - 1) * (1.0 + math.log(2.0 * beta * K**2 * p * (d - 1)))
    b = 2.0 * K**2 * beta / 5.0
    c = b / float(special.lambertw(math.exp(a + math.log(b))).real)
    log_n = 0.5 * math.log(p) + (d - 1) / 4 * math.log(c)
    valid = c >= (2.0 / math.sqrt(p)) ** (4.0 / (d - 1))
    n_patterns = math.exp(log_n) if log_n < _LOG_MAX else math.inf
    return {"n_patterns": n_patterns, "log_n_patterns": log_n, "c": c, "a": a, "b": b,
            "valid": bool(valid)}  # fmt: skip


def linear_memory_function(A, b, max_lag: int) -> dict:
    """Memory function of a linear network ``x(t+1) = A x(t) + b u(t)`` with iid input.

    The state is ``x(t) = sum_j A^j b u(t - j)``; for a unit-variance iid
    input its covariance ``C = sum_j A^j b b^T (A^j)^T`` solves the discrete
    Lyapunov equation ``C = A C A^T + b b^T``, and the best linear read-out of
    ``u(t - k)`` has squared correlation

        m_k = (A^k b)^T C^-1 (A^k b),

    whose sum over all ``k >= 0`` is ``tr(C^-1 C) = N``, the rank of ``C``
    (Jaeger 2002): a generic linear network of ``N`` units remembers ``N``
    inputs in total.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Recurrence, spectral radius < 1.
    b : array_like, shape (N,)
        Input weights.
    max_lag : int
        Largest lag, >= 0.

    Returns
    -------
    dict
        ``lag``, ``m`` (``m_k`` per lag) and ``capacity`` ``sum_k m_k`` up to ``max_lag``.

    Raises
    ------
    ValueError
        If the spectral radius of ``A`` is not below 1 (no stationary state).

    References
    ----------
    H. Jaeger, GMD Report 152 (2002); O. L. White, D. D. Lee, H. Sompolinsky,
    PRL 92, 148102 (2004).

    Examples
    --------
    >>> out = linear_memory_function(0.5 * np.eye(1), np.ones(1), 3)
    >>> out["m"].round(12).tolist()  # one unit: m_k = (1 - a^2) a^(2k)
    [0.75, 0.1875, 0.046875, 0.01171875]
    """
    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    max_lag = check_int(max_lag, "max_lag", minimum=0)
    radius = float(np.max(np.abs(np.linalg.eigvals(A))))
    if radius >= 1:
        raise ValueError(f"A has spectral radius {radius:g}; pass a stable recurrence (< 1)")
    C = linalg.solve_discrete_lyapunov(A, np.outer(b, b))
    v, m = b.copy(), np.empty(max_lag + 1)
    for k in range(max_lag + 1):
        m[k] = v @ np.linalg.lstsq(C, v, rcond=None)[0]
        v = A @ v
    return {"lag": np.arange(max_lag + 1), "m": m, "capacity": float(m.sum())}


def linearized_memory_function(network, B, max_lag: int) -> dict:
    """Memory function of a rate network driven weakly, from its linearization at ``x = 0``.

    For a small input current ``I = B u(t)``, ``u`` held over each unit of
    time, the network (:class:`hebbian.memory.SampledNetwork`) is the linear
    flow ``dx/dt = J x + D u`` with ``J`` the Jacobian at the fixed point
    ``x = 0`` (``network.jacobian``) and ``D`` the input's direction in state
    space (the change of the vector field per unit input); sampled at unit
    time, ``x(t+1) = A x(t) + b u(t)`` with ``A = exp(J)`` and
    ``b = J^-1 (A - I) D``, whose memory function is
    :func:`linear_memory_function`.  For the gated network with a constant
    update gate ``c = sigma(beta_z)``, ``J`` on ``h`` is ``c (-1 + g
    sigma(beta_r) J^h)``: its slowest rate ``c (1 - g sigma(beta_r))`` at
    ``N -> inf`` is the ``-lambda_max`` of the fixed-point branch of
    :func:`hebbian.theory.gated_dmft.solve_gated`, so a closing update gate
    slows every mode by the same factor ``c``.

    Parameters
    ----------
    network : RateNetwork
        With ``x = 0`` a stable fixed point (``g sigma(beta_r) < 1`` for the
        gated network, ``beta_h = 0``).
    B : array_like, shape (n_input,) or (n_input, 1)
        Input weights of the one input.
    max_lag : int
        Largest lag, >= 0.

    Returns
    -------
    dict
        As :func:`linear_memory_function`, plus ``rate``, the slowest decay
        rate of ``J`` (``-max Re`` of its eigenvalues).

    Examples
    --------
    >>> from hebbian.rnn import VanillaRNN
    >>> net = VanillaRNN(np.zeros((1, 1)), 0.0)  # dh/dt = -h + u
    >>> out = linearized_memory_function(net, [1.0], 2)
    >>> np.allclose(out["m"], np.exp(-2 * np.arange(3)) * (1 - np.exp(-2))), out["rate"]
    (True, 1.0)
    """
    zero = np.zeros(network.n_dim)
    B = np.asarray(B, dtype=np.float64).reshape(-1)
    J = network.jacobian(zero)
    D = network.vector_field(zero, B) - network.vector_field(zero)
    A = linalg.expm(J)
    b = np.linalg.solve(J, (A - np.eye(network.n_dim)) @ D)
    out = linear_memory_function(A, b, max_lag)
    out["rate"] = float(-np.max(np.linalg.eigvals(J).real))
    return out


def linear_delayed_recall(A, b, delays, *, noise: float, value_var: float = 1.0 / 3.0) -> dict:
    """Recall of a value after a delay among distractor inputs, by a linear network.

    The network ``x(t+1) = A x(t) + b u(t)`` from ``x = 0`` receives the value
    ``c`` (variance ``value_var``; ``1/3`` for ``U[-1, 1]``) and then
    ``T`` inputs of white noise of variance ``noise^2``
    (:func:`hebbian.memory.tasks.delay_trials`):
    ``x = s c + sum_(j < T) A^j b xi_j`` with ``s = A^T b``.  The best linear
    read-out of ``c`` has squared correlation

        r^2 = value_var s^T (value_var s s^T + Sigma_T)^+ s,
        Sigma_T = noise^2 sum_(j < T) A^j b b^T (A^j)^T,

    1 without noise (any decaying trace is decoded exactly), and 1 as long as
    the ``T`` distractors span fewer directions than the ``N`` of the state
    (``T < N`` generically); beyond, it falls as the distractors fill the
    directions the value was written along.

    Parameters
    ----------
    A : array_like, shape (N, N)
        Recurrence.
    b : array_like, shape (N,)
        Input weights.
    delays : sequence of int
        Delays ``T >= 0``.
    noise : float
        Standard deviation of the distractor inputs, >= 0.
    value_var : float
        Variance of the value, > 0.

    Returns
    -------
    dict
        ``delay`` and ``r2`` per delay.

    Examples
    --------
    >>> out = linear_delayed_recall(0.5 * np.eye(1), np.ones(1), [0, 1], noise=1.0, value_var=1.0)
    >>> out["r2"].round(12).tolist()  # s = 1/2 after one step, noise variance 1: 0.25 / 1.25
    [1.0, 0.2]
    """
    A = np.asarray(A, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    noise = check_real(noise, "noise", low=0.0, finite=True)
    value_var = check_real(value_var, "value_var", low=0.0, low_open=True, finite=True)
    delays = [check_int(t, "delay", minimum=0) for t in delays]
    r2 = []
    for T in delays:
        s, Sigma, v = b.copy(), np.zeros((b.size, b.size)), b.copy()
        for _ in range(T):
            Sigma += noise**2 * np.outer(v, v)
            v, s = A @ v, A @ s
        M = value_var * np.outer(s, s) + Sigma
        r2.append(float(value_var * s @ np.linalg.pinv(M, hermitian=True) @ s))
    return {"delay": np.array(delays), "r2": np.array(r2)}

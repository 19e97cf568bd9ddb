"""Pattern and data-set generators.

All generators return ``int8`` arrays with one pattern per row, shape (K, N),
and take a single ``rng`` argument (see :mod:`hebbian.random`).  The arrays
are read-only and neuron-major (Fortran order), the layout the networks and
their Monte Carlo kernels keep: a network built on them holds them without a
copy (``numpy.array(xi)`` gives a writable one).

Exact statistics (entries are i.i.d. across neurons and patterns):

========================  ==========================  ==========  ============
generator                 law of one entry            mean        second moment
========================  ==========================  ==========  ============
:func:`binary_patterns`   P(+1) = P(-1) = 1/2         0           1
:func:`biased_patterns`   P(+1) = (1 + a)/2           a           1
:func:`diluted_patterns`  P(0) = d, P(+-1) = (1-d)/2  0           1 - d
========================  ==========================  ==========  ============

For :func:`noisy_examples` (Agliari et al., arXiv:2212.00606, Sec. 2):
``eta^{mu,a}_i = xi^mu_i chi^{mu,a}_i`` with ``P(chi = +1) = (1 + r)/2``,
so ``E[chi] = r``, ``E[eta xi] = r`` and the example mean
``etabar^mu_i = (1/M) sum_a eta^{mu,a}_i`` has ``E[etabar xi] = r`` and
``Var[etabar xi] = (1 - r^2)/M``.  The data-set entropy
``rho = (1 - r^2)/(M r^2)`` is that variance over the squared signal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import as_patterns, check_int, check_real
from hebbian.limits import check_memory
from hebbian.random import RNGLike, as_generator

__all__ = [
    "Examples",
    "biased_patterns",
    "binary_patterns",
    "dataset_entropy",
    "diluted_patterns",
    "noisy_examples",
]


def _shape(K, N) -> tuple[int, int]:
    return check_int(K, "K", minimum=1), check_int(N, "N", minimum=1)


#: Entries made per piece: the reused float64 uniforms take 512 KiB.
_CHUNK = 2**16


def _allocate(shape, what: str) -> np.ndarray:
    """An int8 array of ``shape``, after checking that it (and a piece's buffers) fits.

    A pattern matrix (K, N) is neuron-major (Fortran order); examples
    (K, M, N) are row-major.
    """
    n = math.prod(shape)
    names = ("K", "M", "N") if len(shape) == 3 else ("K", "N")
    sizes = ", ".join(f"{k}={v}" for k, v in zip(names, shape, strict=True))
    check_memory(n + 9 * min(n, _CHUNK), f"{what} ({sizes}, int8)")
    return np.empty(shape, dtype=np.int8, order="F" if len(shape) == 2 else "C")


def _pieces(out: np.ndarray):
    """Views of ``out`` covering it in row-major order, at most ``_CHUNK`` entries each.

    Whole rows at a time where a row is short, pieces of one row otherwise; the
    views need not be contiguous (rows of a neuron-major matrix are strided).
    """
    rows = out.reshape(-1, out.shape[-1]) if out.flags.c_contiguous else out
    n_rows, width = rows.shape
    if width <= _CHUNK:
        step = _CHUNK // width
        for start in range(0, n_rows, step):
            yield rows[start : start + step]
        return
    for row in rows:
        for start in range(0, width, _CHUNK):
            yield row[start : start + _CHUNK]


def _by_piece(rng: np.random.Generator, out: np.ndarray, fill) -> None:
    """Call ``fill(piece, u)`` on consecutive pieces of ``out``, in row-major order.

    ``u`` holds as many fresh uniforms in [0, 1) as ``piece`` has entries, in
    its shape, in one reused float64 buffer: drawn piece by piece, they are
    the numbers, in the order, of one ``rng.random`` draw of the whole shape,
    whatever the memory layout of ``out``.
    """
    buffer = np.empty(min(out.size, _CHUNK))
    for piece in _pieces(out):
        u = buffer[: piece.size].reshape(piece.shape)
        rng.random(out=u.reshape(-1))
        fill(piece, u)


def _set_signs(out: np.ndarray, u: np.ndarray, p_plus: float) -> None:
    """Set the int8 ``out`` to +1 where ``u < p_plus``, to -1 elsewhere, in place."""
    np.less(u, p_plus, out=out.view(np.bool_))  # 1 for +1, 0 for -1
    out *= 2
    out -= 1


def _signs(rng: np.random.Generator, shape, p_plus: float, what: str = "patterns") -> np.ndarray:
    """Entries +1 with probability ``p_plus``, -1 otherwise, made in int8 piece by piece."""
    out = _allocate(shape, what)
    _by_piece(rng, out, lambda piece, u: _set_signs(piece, u, p_plus))
    return out


def _read_only(out: np.ndarray) -> np.ndarray:
    out.setflags(write=False)
    return out


def binary_patterns(K: int, N: int, *, rng: RNGLike = None) -> np.ndarray:
    """Unbiased Rademacher patterns, the standard Hopfield archetypes.

    Parameters
    ----------
    K : int
        Number of patterns (>= 1).
    N : int
        Number of neurons (>= 1).
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray of int8, shape (K, N)
        Entries +-1 with probability 1/2 each.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), Sec. 2.

    Examples
    --------
    >>> binary_patterns(2, 5, rng=0).shape
    (2, 5)
    """
    return _read_only(_signs(as_generator(rng), _shape(K, N), 0.5))


def biased_patterns(K: int, N: int, a: float, *, rng: RNGLike = None) -> np.ndarray:
    """Biased +-1 patterns with mean activity ``a``.

    Parameters
    ----------
    K, N : int
        Number of patterns and of neurons.
    a : float
        Bias, ``E[xi] = a``, in (-1, 1): ``P(xi = +1) = (1 + a)/2``.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray of int8, shape (K, N)

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Phys. Rev. A 35, 2293 (1987) (biased patterns).
    """
    a = check_real(
        a,
        "bias a",
        low=-1.0,
        high=1.0,
        low_open=True,
        high_open=True,
        fix="a = +-1 gives constant patterns",
    )
    return _read_only(_signs(as_generator(rng), _shape(K, N), (1.0 + a) / 2.0))


def diluted_patterns(K: int, N: int, d: float, *, rng: RNGLike = None) -> np.ndarray:
    """Diluted ternary patterns for multitasking networks.

    Parameters
    ----------
    K, N : int
        Number of patterns and of neurons.
    d : float
        Dilution in [0, 1): each entry is 0 with probability ``d`` and +-1
        with probability ``(1 - d)/2`` each.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    numpy.ndarray of int8, shape (K, N)

    References
    ----------
    Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 108, 268101 (2012), Eq. (1).
    """
    d = check_real(
        d, "dilution d", low=0.0, high=1.0, high_open=True, fix="d=1 would blank every entry"
    )
    rng = as_generator(rng)
    out = _allocate(_shape(K, N), "diluted patterns")

    def keep(piece, u):
        np.greater_equal(u, d, out=piece.view(np.bool_))  # 1 kept, 0 blank

    def sign(piece, u):
        signs = np.empty_like(piece)
        _set_signs(signs, u, 0.5)
        piece *= signs

    # the stream of two whole-shape draws: every blank (u < d), then every sign
    _by_piece(rng, out, keep)
    _by_piece(rng, out, sign)
    return _read_only(out)


def dataset_entropy(r: float, M: int) -> float:
    """Data-set entropy ``rho = (1 - r^2)/(M r^2)``, for quality ``r`` in (0, 1].

    References
    ----------
    Agliari et al., arXiv:2212.00606, Eq. (2.6); Alemanno et al., EPL (2023),
    arXiv:2203.01304.
    """
    r = check_quality(r)
    M = check_int(M, "M (examples per archetype)", minimum=1)
    return (1.0 - r * r) / (M * r * r)


def check_quality(r) -> float:
    """Example quality ``r`` in (0, 1], or a ValueError naming it."""
    return check_real(
        r, "quality r", low=0.0, high=1.0, low_open=True, fix="r = 0 examples carry no information"
    )


@dataclass(frozen=True, eq=False)
class Examples:
    """Noisy examples of archetypes, ``eta^{mu,a} = xi^mu * chi^{mu,a}``.

    Attributes
    ----------
    archetypes : numpy.ndarray, shape (K, N)
        The (never shown) archetypes ``xi``.
    examples : numpy.ndarray of int8, shape (K, M, N)
        ``examples[mu, a]`` is example ``a`` of archetype ``mu``.
    r : float
        Quality, ``E[chi] = r``.
    """

    archetypes: np.ndarray
    examples: np.ndarray
    r: float

    @property
    def M(self) -> int:
        """Number of examples per archetype."""
        return self.examples.shape[1]

    @property
    def rho(self) -> float:
        """Data-set entropy ``(1 - r^2)/(M r^2)``."""
        return dataset_entropy(self.r, self.M)

    @property
    def R(self) -> float:
        """Mean square of an example-mean entry, ``r^2 + (1 - r^2)/M = r^2 (1 + rho)``."""
        return self.r**2 + (1.0 - self.r**2) / self.M

    def sums(self) -> np.ndarray:
        """Example sums ``M etabar^mu = sum_a eta^{mu,a}``, shape (K, N), exact integers."""
        M = self.M
        dtype = np.int8 if M <= 127 else np.int16 if M <= 32767 else np.int32
        # |partial sum| <= M fits the narrow type: no (K, N) int64 intermediate
        return self.examples.sum(axis=1, dtype=dtype)

    def means(self) -> np.ndarray:
        """Example means ``etabar^mu = (1/M) sum_a eta^{mu,a}``, shape (K, N), float64."""
        return self.examples.mean(axis=1)


def noisy_examples(archetypes: ArrayLike, M: int, r: float, *, rng: RNGLike = None) -> Examples:
    """Draw ``M`` noisy examples of each archetype with quality ``r``.

    Parameters
    ----------
    archetypes : array_like, shape (K, N), entries in {-1, 0, +1}
    M : int
        Examples per archetype (>= 1).
    r : float
        Quality in (0, 1]: each example entry agrees with its archetype with
        probability ``(1 + r)/2``.
    rng : seed or numpy.random.Generator, optional

    Returns
    -------
    Examples

    References
    ----------
    Agliari, Albanese, Alemanno, Alessandrelli, Barra, Giannotti, Lotito,
    Pedreschi, arXiv:2212.00606, Eq. (2.1).

    Examples
    --------
    >>> ex = noisy_examples(binary_patterns(3, 100, rng=0), M=5, r=0.8, rng=1)
    >>> ex.examples.shape, round(ex.rho, 4)
    ((3, 5, 100), 0.1125)
    """
    xi = as_patterns(archetypes, name="archetypes", values="ternary")
    M = check_int(M, "M (examples per archetype)", minimum=1)
    r = check_quality(r)
    K, N = xi.shape
    eta = _signs(as_generator(rng), (K, M, N), (1.0 + r) / 2.0, what="examples")  # chi
    eta *= xi[:, None, :]  # in place, int8: eta = xi chi
    eta.setflags(write=False)
    return Examples(archetypes=xi, examples=eta, r=r)

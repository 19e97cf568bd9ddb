"""Random number generators: one ``rng`` argument, no global state.

Every stochastic entry point of the package takes ``rng=`` and passes it
through :func:`as_generator`; independent streams (replicas, chains, disorder
samples) are children of one :class:`numpy.random.SeedSequence`, made by
:func:`spawn`, so a whole computation is reproducible from one seed.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["RNGLike", "as_generator", "spawn"]

#: What every ``rng=`` argument accepts (see :func:`as_generator`).
RNGLike = int | np.random.SeedSequence | np.random.Generator | None


def as_generator(rng: RNGLike = None) -> np.random.Generator:
    """Turn ``rng`` into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        ``None`` draws fresh OS entropy (not reproducible); an integer or a
        ``SeedSequence`` seeds a new PCG64 generator; a ``Generator`` is
        returned as is, so its state advances in the caller.

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        For legacy ``RandomState`` objects or anything else, which would tie
        results to global or non-reproducible state.

    Examples
    --------
    >>> as_generator(1).integers(10, size=3).tolist() == as_generator(1).integers(
    ...     10, size=3).tolist()
    True
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, np.random.SeedSequence):
        return np.random.default_rng(rng)
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        if rng < 0:
            raise ValueError(f"rng={rng} must be a non-negative integer seed")
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"rng={rng!r} must be None, a non-negative int seed, a numpy SeedSequence or a "
        f"numpy Generator (np.random.default_rng(seed)); legacy RandomState is not accepted"
    )


def spawn(rng: RNGLike, n: int) -> list[np.random.Generator]:
    """Return ``n`` statistically independent child generators of ``rng``.

    Children come from :meth:`numpy.random.Generator.spawn`, i.e. from the
    parent's ``SeedSequence``: the same seed always gives the same children.
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise ValueError(f"n={n!r} must be a non-negative integer number of streams")
    return as_generator(rng).spawn(int(n))

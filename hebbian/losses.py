"""The Hebbian cost as a product of sum-squared-error losses (multitasking networks).

For a pattern ``xi^mu`` with entries in {-1, 0, +1} and support ``S_mu``
(``n_mu = |S_mu|`` non-blank entries), the squared errors of ``sigma`` and of
``-sigma`` on the support,

    L+-_mu = (1 / 2 n_mu) sum_{i in S_mu} (xi_i -+ sigma_i)^2 = 1 -+ N m_mu / n_mu,

multiply to ``1 - (N m_mu / n_mu)^2``, so the pairwise cost with all index
pairs is

    H = -(N/2) sum_mu m_mu^2 = -(N/2) sum_mu (n_mu / N)^2 (1 - L+_mu L-_mu):

lowering the Hebbian cost drives, pattern by pattern, one of the two
sum-squared-error losses to zero, weighted by the pattern's support (Agliari,
Alessandrelli, Barra, Ricci-Tersenghi, arXiv:2308.04106).  With diluted
patterns the minimum cannot make every loss vanish at once: the supports
share neurons, and the hierarchical and parallel states are the compromises.
"""

from __future__ import annotations

import numpy as np

from hebbian._checks import as_patterns, as_spins

__all__ = ["sse_losses"]


def sse_losses(patterns, sigma) -> tuple[np.ndarray, np.ndarray]:
    """The sum-squared-error losses ``(L+, L-)`` of ``sigma`` and ``-sigma`` on each support.

    Parameters
    ----------
    patterns : array_like, shape (K, N), entries in {-1, 0, +1}, no blank row
    sigma : array_like, shape (..., N), entries +-1

    Returns
    -------
    L_plus, L_minus : numpy.ndarray, shape (..., K)

    Examples
    --------
    >>> xi = np.array([[1, 0, -1, 1], [0, 1, 1, 0]])
    >>> [v.tolist() for v in sse_losses(xi, np.array([1, 1, -1, 1]))]
    [[0.0, 1.0], [2.0, 1.0]]
    """
    xi = as_patterns(patterns, values="ternary")
    support = np.sum(xi != 0, axis=1)
    if np.any(support == 0):
        raise ValueError("patterns has a blank row; every pattern needs a non-zero entry")
    s = as_spins(sigma, xi.shape[1]).astype(np.float64)
    scaled = (s @ xi.T.astype(np.float64)) / support  # N m_mu / n_mu
    return 1.0 - scaled, 1.0 + scaled

"""Random gated recurrent cells in discrete time: GRU and LSTM maps.

Both cells are autonomous (no input) maps ``x -> F(x)`` with random
couplings ``U ~ N(0, 1/N)`` iid (diagonals included), as studied by Can,
Krishnamurthy and Schwab (2020).  The conventions below are stated in full
here; the paper's equation numbers, parametrization and sign conventions are
not cited.  With
``sigma = expit`` (the logistic function) and ``*`` elementwise:

* :class:`GRUCell`, state ``h`` in ``R^N``::

      z  = sigma(a_z U_z h + b_z)              update gate
      r  = sigma(a_r U_r h + b_r)              reset gate
      c  = tanh(g U_h (r * h) + b_h)           candidate
      h' = (1 - z) * h + z * c

  ``b_z -> -inf`` closes the update gate (``h' = h``), ``b_z -> +inf`` with
  ``b_r -> +inf`` gives the vanilla discrete network ``h' = tanh(g U_h h +
  b_h)``; ``a = 0`` with ``b = +-40`` realizes these limits in double
  precision (``sigma(40) = 1.0`` exactly, ``sigma(-40) ~ 4e-18``).
* :class:`LSTMCell`, state ``x = (h, c)`` in ``R^2N``::

      f, i, o = sigma(a_f U_f h + b_f), sigma(a_i U_i h + b_i), sigma(a_o U_o h + b_o)
      u  = tanh(g U_g h + b_g)
      c' = f * c + i * u
      h' = o * tanh(c')

  ``b_f -> +inf`` opens the forget gate (the memory ``c`` is kept).

Every cell offers ``step(x) = F(x)``, the analytic dense Jacobian
``jacobian(x) = dF/dx``, ``jacobian_product(x, V) = dF/dx V`` by matrix
products (``O(N^2 k)`` for ``k`` vectors) and ``iterate``.  At ``x = 0``
(a fixed point for ``b_h = 0``, resp. ``b_g = 0``) the Jacobian spectra are
random-matrix discs: :func:`hebbian.rnn.spectral_support`.

References
----------
T. Can, K. Krishnamurthy, D. J. Schwab, "Gating creates slow modes and
controls phase-space complexity in GRUs and LSTMs", Proc. MSML 2020,
arXiv:2002.00025.
K. Cho et al., arXiv:1406.1078 (2014) (GRU); S. Hochreiter, J. Schmidhuber,
Neural Comput. 9, 1735 (1997) and F. A. Gers, J. Schmidhuber, F. Cummins,
Neural Comput. 12, 2451 (2000) (LSTM with forget gate).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hebbian._checks import check_int
from hebbian.random import RNGLike, as_generator
from hebbian.rnn.gates import gate, gate_slope
from hebbian.rnn.networks import RateNetwork, _finite, _gaussian_couplings, _matrix

__all__ = ["GRUCell", "LSTMCell", "RecurrentCell"]


class RecurrentCell:
    """An autonomous map ``x -> F(x)`` on ``R^n_dim`` with an analytic Jacobian.

    The public methods check their input and call the hooks a subclass
    defines: ``n_dim``, ``_step``, ``_jacobian`` and ``_jacobian_product``
    (``V`` of shape ``(n_dim, k)``).  ``check_state``, ``jacobian`` and
    ``jacobian_product`` are those of
    :class:`hebbian.rnn.networks.RateNetwork`, with ``f`` the map ``F``.
    """

    #: How the state is laid out, for error messages.
    _layout = ""

    check_state = RateNetwork.check_state
    jacobian = RateNetwork.jacobian
    jacobian_product = RateNetwork.jacobian_product

    def _freeze(self, matrices: tuple[str, ...], stack: tuple[str, ...], gains, biases):
        """Check and store the couplings (shaped like the first), ``_U`` and the parameters."""
        set_ = object.__setattr__
        N = _matrix(getattr(self, matrices[0]), matrices[0]).shape[0]
        for name in matrices:
            U = _matrix(getattr(self, name), name)
            if U.shape != (N, N):
                raise ValueError(
                    f"{name} has shape {U.shape}; pass shape ({N}, {N}) like {matrices[0]}"
                )
            set_(self, name, U)
        for name in gains:
            set_(self, name, _finite(getattr(self, name), name, low=0.0))
        for name in biases:
            set_(self, name, _finite(getattr(self, name), name))
        stacked = np.vstack([getattr(self, name) for name in stack])
        stacked.setflags(write=False)
        set_(self, "_U", stacked)

    def step(self, x) -> np.ndarray:
        """``F(x)``, shape ``(n_dim,)``."""
        return self._step(self.check_state(x))

    def iterate(self, x0, n_steps: int, *, record_every: int = 1) -> np.ndarray:
        """The orbit ``x0, F(x0), F(F(x0)), ...``, every ``record_every``-th state.

        Parameters
        ----------
        x0 : array, shape (n_dim,)
            Initial state.
        n_steps : int
            Number of steps, >= 0.
        record_every : int
            Keep the states after ``0, record_every, 2 record_every, ...``
            steps, >= 1.

        Returns
        -------
        array, shape (n_steps // record_every + 1, n_dim)
            ``x0`` first.
        """
        x = self.check_state(x0, "x0")
        n_steps = check_int(n_steps, "n_steps", minimum=0)
        record_every = check_int(record_every, "record_every", minimum=1)
        orbit = np.empty((n_steps // record_every + 1, self.n_dim))
        orbit[0] = x
        for n in range(1, n_steps + 1):
            x = self._step(x)
            if n % record_every == 0:
                orbit[n // record_every] = x
        return orbit


@dataclass(frozen=True, eq=False)
class GRUCell(RecurrentCell):
    """Random GRU cell ``h' = (1 - z) * h + z * tanh(g U_h (r * h) + b_h)``.

    The gates and the conventions are in the module docstring.

    Parameters
    ----------
    Uz, Ur, Uh : array_like, shape (N, N)
        Couplings of the update gate, the reset gate and the candidate,
        normally ``N(0, 1/N)`` iid (see :meth:`sample`).
    g : float
        Gain of ``U_h``, >= 0.
    a_z, a_r : float
        Gate gains, >= 0; 0 makes a gate constant, ``sigma(b)``.
    b_z, b_r, b_h : float
        Biases of the gates and of the candidate.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020).

    Examples
    --------
    >>> cell = GRUCell.sample(30, g=2.0, b_z=-2.0, rng=0)
    >>> cell.n_dim, float(np.abs(cell.step(np.zeros(30))).max())
    (30, 0.0)
    """

    Uz: np.ndarray
    Ur: np.ndarray
    Uh: np.ndarray
    g: float
    a_z: float = 1.0
    a_r: float = 1.0
    b_z: float = 0.0
    b_r: float = 0.0
    b_h: float = 0.0
    #: ``[U_z; U_r]`` stacked, so that both gates take one matrix product
    _U: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        matrices = ("Uz", "Ur", "Uh")
        self._freeze(matrices, matrices[:2], ("g", "a_z", "a_r"), ("b_z", "b_r", "b_h"))

    @classmethod
    def sample(cls, N: int, g: float, *, rng: RNGLike = None, **params) -> GRUCell:
        """Cell with ``U_z, U_r, U_h ~ N(0, 1/N)`` iid (diagonals included).

        Parameters
        ----------
        N : int
            Number of units, >= 1.
        g : float
            Gain of ``U_h``.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.
        **params
            ``a_z, a_r, b_z, b_r, b_h``.
        """
        N = check_int(N, "N", minimum=1)
        gen = as_generator(rng)
        Uz, Ur, Uh = (_gaussian_couplings(gen, N) for _ in range(3))
        return cls(Uz, Ur, Uh, g, **params)

    @property
    def N(self) -> int:
        """Number of units."""
        return self.Uh.shape[0]

    @property
    def n_dim(self) -> int:
        """Dimension of the state (``N``)."""
        return self.N

    def _gates(self, h):
        pre = self._U @ h
        z = gate(pre[: self.N], self.a_z, self.b_z)
        r = gate(pre[self.N :], self.a_r, self.b_r)
        c = np.tanh(self.g * (self.Uh @ (r * h)) + self.b_h)
        return z, r, c

    def _step(self, h):
        z, _, c = self._gates(h)
        return (1.0 - z) * h + z * c  # exact limits h' = h at z = 0, h' = c at z = 1

    def _slopes(self, h):
        """``1 - z``, ``r`` and the row weights of ``U_z``, ``U_h`` and (inside) ``U_r``."""
        z, r, c = self._gates(h)
        w_z = gate_slope(z, self.a_z) * (c - h)
        w_h = self.g * z * (1.0 - c**2)
        w_r = gate_slope(r, self.a_r) * h
        return 1.0 - z, r, w_z, w_h, w_r

    def _jacobian(self, h):
        keep, r, w_z, w_h, w_r = self._slopes(h)
        drive = self.Uh * r + (self.Uh * w_r) @ self.Ur  # d(U_h (r * h)) / dh
        return np.diag(keep) + w_z[:, None] * self.Uz + w_h[:, None] * drive

    def _jacobian_product(self, h, V):
        keep, r, w_z, w_h, w_r = self._slopes(h)
        UV = self._U @ V
        drive = self.Uh @ (r[:, None] * V + w_r[:, None] * UV[self.N :])
        return keep[:, None] * V + w_z[:, None] * UV[: self.N] + w_h[:, None] * drive


@dataclass(frozen=True, eq=False)
class LSTMCell(RecurrentCell):
    """Random LSTM cell ``c' = f * c + i * u``, ``h' = o * tanh(c')`` on ``x = (h, c)``.

    The gates and the conventions are in the module docstring; the state has
    length ``2N`` (see :meth:`split`).

    Parameters
    ----------
    Uf, Ui, Uo, Ug : array_like, shape (N, N)
        Couplings of the forget, input and output gates and of the input
        ``u = tanh(g U_g h + b_g)``, normally ``N(0, 1/N)`` iid (see
        :meth:`sample`).
    g : float
        Gain of ``U_g``, >= 0.
    a_f, a_i, a_o : float
        Gate gains, >= 0; 0 makes a gate constant, ``sigma(b)``.
    b_f, b_i, b_o, b_g : float
        Biases of the gates and of ``u``.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020).

    Examples
    --------
    >>> cell = LSTMCell.sample(10, g=2.0, b_f=3.0, rng=0)
    >>> cell.n_dim, cell.jacobian(np.zeros(20)).shape
    (20, (20, 20))
    """

    Uf: np.ndarray
    Ui: np.ndarray
    Uo: np.ndarray
    Ug: np.ndarray
    g: float
    a_f: float = 1.0
    a_i: float = 1.0
    a_o: float = 1.0
    b_f: float = 0.0
    b_i: float = 0.0
    b_o: float = 0.0
    b_g: float = 0.0
    #: ``[U_f; U_i; U_o; U_g]`` stacked, so that all four take one matrix product
    _U: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        matrices = ("Uf", "Ui", "Uo", "Ug")
        self._freeze(matrices, matrices, ("g", "a_f", "a_i", "a_o"), ("b_f", "b_i", "b_o", "b_g"))

    @classmethod
    def sample(cls, N: int, g: float, *, rng: RNGLike = None, **params) -> LSTMCell:
        """Cell with ``U_f, U_i, U_o, U_g ~ N(0, 1/N)`` iid (diagonals included).

        Parameters
        ----------
        N : int
            Number of units, >= 1.
        g : float
            Gain of ``U_g``.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.
        **params
            ``a_f, a_i, a_o, b_f, b_i, b_o, b_g``.
        """
        N = check_int(N, "N", minimum=1)
        gen = as_generator(rng)
        Uf, Ui, Uo, Ug = (_gaussian_couplings(gen, N) for _ in range(4))
        return cls(Uf, Ui, Uo, Ug, g, **params)

    @property
    def N(self) -> int:
        """Number of units."""
        return self.Ug.shape[0]

    @property
    def n_dim(self) -> int:
        """Dimension of the state (``2N``)."""
        return 2 * self.N

    @property
    def _layout(self) -> str:
        return f" = (h, c) with N={self.N} each"

    def split(self, x) -> tuple[np.ndarray, np.ndarray]:
        """Views ``(h, c)`` of a state (or of the rows of a ``(2N, ...)`` array)."""
        return x[: self.N], x[self.N :]

    def _gates(self, x):
        """``f``, ``i``, ``o``, ``u``, ``c'`` and ``tanh(c')``."""
        h, c = self.split(x)
        N = self.N
        pre = self._U @ h
        f = gate(pre[:N], self.a_f, self.b_f)
        i = gate(pre[N : 2 * N], self.a_i, self.b_i)
        o = gate(pre[2 * N : 3 * N], self.a_o, self.b_o)
        u = np.tanh(self.g * pre[3 * N :] + self.b_g)
        c_new = f * c + i * u
        return f, i, o, u, c_new, np.tanh(c_new)

    def _step(self, x):
        _, _, o, _, c_new, t = self._gates(x)
        return np.concatenate([o * t, c_new])

    def _slopes(self, x):
        """``f``, ``dh'/dc' = o (1 - tanh^2 c')`` and the row weights of ``_U``."""
        f, i, o, u, _, t = self._gates(x)
        _, c = self.split(x)
        weights = np.concatenate(
            [
                gate_slope(f, self.a_f) * c,
                gate_slope(i, self.a_i) * u,
                gate_slope(o, self.a_o) * t,
                self.g * i * (1.0 - u**2),
            ]
        )
        return f, o * (1.0 - t**2), weights

    def _jacobian(self, x):
        f, dt, weights = self._slopes(x)
        N = self.N
        W = weights[:, None] * self._U
        jac = np.empty((2 * N, 2 * N))
        jac[N:, :N] = W[:N] + W[N : 2 * N] + W[3 * N :]  # dc'/dh
        jac[N:, N:] = np.diag(f)  # dc'/dc
        jac[:N] = dt[:, None] * jac[N:]  # h' = o tanh(c'): through c' ...
        jac[:N, :N] += W[2 * N : 3 * N]  # ... and through o
        return jac

    def _jacobian_product(self, x, V):
        f, dt, weights = self._slopes(x)
        N = self.N
        Vh, Vc = self.split(V)
        W = weights[:, None] * (self._U @ Vh)
        dc = W[:N] + W[N : 2 * N] + W[3 * N :] + f[:, None] * Vc
        return np.concatenate([W[2 * N : 3 * N] + dt[:, None] * dc, dc])

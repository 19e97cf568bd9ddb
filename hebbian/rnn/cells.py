"""Random gated recurrent cells in discrete time: GRU and LSTM maps.

Both cells are maps ``x -> F(x)`` with random couplings ``U ~ N(0, 1/N)``
iid (diagonals included), as studied by Can, Krishnamurthy and Schwab
(2020): autonomous, or driven by an input ``u`` through input weights ``W``
(``step(x, u)``, :meth:`RecurrentCell.drive`), which add ``W u`` to every
pre-activation (inside the gate gains, so a gate of gain 0 stays constant,
and outside the gain ``g`` of the candidate).  The conventions below are stated in full
here; the paper's equation numbers, parametrization and sign conventions are
not cited.  With
``sigma = expit`` (the logistic function) and ``*`` elementwise:

* :class:`GRUCell`, state ``h`` in ``R^N``::

      z  = sigma(a_z (U_z h + W_z u) + b_z)    update gate
      r  = sigma(a_r (U_r h + W_r u) + b_r)    reset gate
      c  = tanh(g U_h (r * h) + W_h u + b_h)   candidate
      h' = (1 - z) * h + z * c

  ``b_z -> -inf`` closes the update gate (``h' = h``), ``b_z -> +inf`` with
  ``b_r -> +inf`` gives the vanilla discrete network ``h' = tanh(g U_h h +
  b_h)``; ``a = 0`` with ``b = +-40`` realizes these limits in double
  precision (``sigma(40) = 1.0`` exactly, ``sigma(-40) ~ 4e-18``).
* :class:`LSTMCell`, state ``x = (h, c)`` in ``R^2N``::

      f, i, o = sigma(a_f (U_f h + W_f x) + b_f), ... (the same for i and o)
      u  = tanh(g U_g h + W_g x + b_g)
      c' = f * c + i * u
      h' = o * tanh(c')

  ``b_f -> +inf`` opens the forget gate (the memory ``c`` is kept).

(for the LSTM the input is written ``x`` above, its state ``(h, c)``).
Without input (``u = None`` or no ``W``) the cells are the autonomous maps.
Every cell offers ``step(x) = F(x)``, the analytic dense Jacobian
``jacobian(x) = dF/dx`` of the autonomous map, ``jacobian_product(x, V) =
dF/dx V`` by matrix products (``O(N^2 k)`` for ``k`` vectors), ``iterate``
and, with input weights, ``drive`` (a batch of input streams at once).  At ``x = 0``
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

from hebbian._checks import check_int, check_real
from hebbian.random import RNGLike, as_generator
from hebbian.rnn.gates import gate, gate_slope
from hebbian.rnn.networks import RateNetwork, _finite, _gaussian_couplings, _matrix

__all__ = ["GRUCell", "LSTMCell", "RecurrentCell"]


class RecurrentCell:
    """A map ``x -> F(x)`` on ``R^n_dim`` (optionally driven) with an analytic Jacobian.

    The public methods check their input and call the hooks a subclass
    defines: ``n_dim``, ``_step`` (state, input or ``None``), ``_jacobian``
    and ``_jacobian_product`` (``V`` of shape ``(n_dim, k)``) of the
    autonomous map.  ``check_state`` and ``check_tangent`` are those of
    :class:`hebbian.rnn.networks.RateNetwork`.
    """

    #: How the state is laid out, for error messages.
    _layout = ""
    W = None

    check_state = RateNetwork.check_state
    check_tangent = RateNetwork.check_tangent

    def jacobian(self, x) -> np.ndarray:
        """Dense Jacobian ``dF_i/dx_j`` of the autonomous map at ``x``, shape (n_dim, n_dim)."""
        return self._jacobian(self.check_state(x))

    def jacobian_product(self, x, V) -> np.ndarray:
        """``J(x) V`` for ``V`` of shape ``(n_dim,)`` or ``(n_dim, k)``, in ``O(n_dim^2 k)``."""
        x, V = self.check_state(x), self.check_tangent(V)
        return self._jacobian_product(x, V.reshape(self.n_dim, -1)).reshape(V.shape)

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
        if self.W is not None:
            W = np.array(self.W, dtype=np.float64)
            rows = len(stack) * N if len(stack) > 2 else 3 * N
            if W.ndim != 2 or W.shape[0] != rows or W.shape[1] < 1 or not np.all(np.isfinite(W)):
                raise ValueError(
                    f"W has shape {W.shape}; pass finite input weights of shape ({rows}, n_in)"
                )
            W.setflags(write=False)
            set_(self, "W", W)

    @property
    def n_in(self) -> int:
        """Number of inputs (0 for an autonomous cell)."""
        return 0 if self.W is None else self.W.shape[1]

    def _input(self, u):
        """``W u`` (rows in the order of the pre-activations), or 0 without input."""
        return 0.0 if u is None or self.W is None else self.W @ u

    def check_input(self, u, name: str = "u") -> np.ndarray | None:
        """``u`` as a finite float64 vector of shape ``(n_in,)`` (``None`` stays), or raise."""
        if u is None:
            return None
        u = np.asarray(u, dtype=np.float64)
        if self.W is None:
            raise ValueError(f"{name} given to a cell without input weights; sample it with n_in")
        if u.shape != (self.n_in,) or not np.all(np.isfinite(u)):
            raise ValueError(f"{name} has shape {u.shape}; pass finite inputs of shape "
                             f"({self.n_in},)")  # fmt: skip
        return u

    def step(self, x, u=None) -> np.ndarray:
        """``F(x)``, or ``F(x, u)`` driven by the input ``u`` of shape (n_in,); shape (n_dim,)."""
        return self._step(self.check_state(x), self.check_input(u))

    def drive(self, x0, inputs) -> np.ndarray:
        """The states of a batch of cells driven by input streams, one column each.

        Parameters
        ----------
        x0 : array, shape (n_dim,) or (n_dim, B)
            Initial state(s); one is shared by every stream.
        inputs : array, shape (n_steps, n_in) or (n_steps, n_in, B)
            Input streams.

        Returns
        -------
        array, shape (n_steps, n_dim) or (n_steps, n_dim, B)
            The state after each step.
        """
        inputs = np.asarray(inputs, dtype=np.float64)
        if self.W is None or inputs.ndim not in (2, 3) or inputs.shape[1] != self.n_in:
            raise ValueError(
                f"inputs has shape {inputs.shape}; pass (n_steps, n_in) or (n_steps, n_in, B) "
                f"with n_in={self.n_in} (a cell sampled with n_in >= 1)"
            )
        if not np.all(np.isfinite(inputs)):
            raise ValueError("inputs contains NaN or inf; pass finite inputs")
        x = np.asarray(x0, dtype=np.float64)
        batch = inputs.shape[2:]
        if x.shape == (self.n_dim,) and batch:
            x = np.repeat(x[:, None], batch[0], axis=1)
        if x.shape != (self.n_dim, *batch) or not np.all(np.isfinite(x)):
            raise ValueError(f"x0 has shape {x.shape}; pass ({self.n_dim},) or "
                             f"({self.n_dim}, {batch[0] if batch else 'B'})")  # fmt: skip
        states = np.empty((inputs.shape[0], *x.shape))
        for n, u in enumerate(inputs):
            x = states[n] = self._step(x, u)
        return states

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
    #: Input weights ``[W_z; W_r; W_h]``, shape (3N, n_in); ``None``: autonomous
    W: np.ndarray | None = field(default=None, repr=False)
    #: ``[U_z; U_r]`` stacked, so that both gates take one matrix product
    _U: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        matrices = ("Uz", "Ur", "Uh")
        self._freeze(matrices, matrices[:2], ("g", "a_z", "a_r"), ("b_z", "b_r", "b_h"))

    @classmethod
    def sample(cls, N: int, g: float, *, n_in: int = 0, input_gain: float = 1.0,
               rng: RNGLike = None, **params) -> GRUCell:  # fmt: skip
        """Cell with ``U_z, U_r, U_h ~ N(0, 1/N)`` iid (diagonals included).

        Parameters
        ----------
        N : int
            Number of units, >= 1.
        g : float
            Gain of ``U_h``.
        n_in : int
            Number of inputs, >= 0; input weights ``W ~ N(0, input_gain^2)``
            iid, drawn after the couplings (0: an autonomous cell).
        input_gain : float
            Standard deviation of the input weights, >= 0.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.
        **params
            ``a_z, a_r, b_z, b_r, b_h``.
        """
        N = check_int(N, "N", minimum=1)
        gen = as_generator(rng)
        Uz, Ur, Uh = (_gaussian_couplings(gen, N) for _ in range(3))
        W = _input_weights(gen, 3 * N, n_in, input_gain)
        return cls(Uz, Ur, Uh, g, **params, W=W)

    @property
    def N(self) -> int:
        """Number of units."""
        return self.Uh.shape[0]

    @property
    def n_dim(self) -> int:
        """Dimension of the state (``N``)."""
        return self.N

    def _gates(self, h, u=None):
        N = self.N
        drive = self._input(u)
        pre = self._U @ h
        if u is not None:
            pre = pre + drive[: 2 * N]
        z = gate(pre[:N], self.a_z, self.b_z)
        r = gate(pre[N:], self.a_r, self.b_r)
        field_ = self.g * (self.Uh @ (r * h)) + self.b_h
        c = np.tanh(field_ if u is None else field_ + drive[2 * N :])
        return z, r, c

    def _step(self, h, u=None):
        z, _, c = self._gates(h, u)
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
    #: Input weights ``[W_f; W_i; W_o; W_g]``, shape (4N, n_in); ``None``: autonomous
    W: np.ndarray | None = field(default=None, repr=False)
    #: ``[U_f; U_i; U_o; U_g]`` stacked, so that all four take one matrix product
    _U: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        matrices = ("Uf", "Ui", "Uo", "Ug")
        self._freeze(matrices, matrices, ("g", "a_f", "a_i", "a_o"), ("b_f", "b_i", "b_o", "b_g"))

    @classmethod
    def sample(cls, N: int, g: float, *, n_in: int = 0, input_gain: float = 1.0,
               rng: RNGLike = None, **params) -> LSTMCell:  # fmt: skip
        """Cell with ``U_f, U_i, U_o, U_g ~ N(0, 1/N)`` iid (diagonals included).

        Parameters
        ----------
        N : int
            Number of units, >= 1.
        g : float
            Gain of ``U_g``.
        n_in : int
            Number of inputs, >= 0; input weights ``W ~ N(0, input_gain^2)``
            iid, drawn after the couplings (0: an autonomous cell).
        input_gain : float
            Standard deviation of the input weights, >= 0.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.
        **params
            ``a_f, a_i, a_o, b_f, b_i, b_o, b_g``.
        """
        N = check_int(N, "N", minimum=1)
        gen = as_generator(rng)
        Uf, Ui, Uo, Ug = (_gaussian_couplings(gen, N) for _ in range(4))
        W = _input_weights(gen, 4 * N, n_in, input_gain)
        return cls(Uf, Ui, Uo, Ug, g, **params, W=W)

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

    def _gates(self, x, inp=None):
        """``f``, ``i``, ``o``, ``u``, ``c'`` and ``tanh(c')``."""
        h, c = self.split(x)
        N = self.N
        pre = self._U @ h
        field_ = self.g * pre[3 * N :] + self.b_g
        if inp is not None:
            drive = self._input(inp)
            pre = pre + drive  # the candidate's rows are replaced below
            field_ = field_ + drive[3 * N :]
        f = gate(pre[:N], self.a_f, self.b_f)
        i = gate(pre[N : 2 * N], self.a_i, self.b_i)
        o = gate(pre[2 * N : 3 * N], self.a_o, self.b_o)
        u = np.tanh(field_)
        c_new = f * c + i * u
        return f, i, o, u, c_new, np.tanh(c_new)

    def _step(self, x, inp=None):
        _, _, o, _, c_new, t = self._gates(x, inp)
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


def _input_weights(gen, rows: int, n_in: int, input_gain: float) -> np.ndarray | None:
    """Input weights ``N(0, input_gain^2)`` iid, or ``None`` for ``n_in = 0`` (nothing drawn)."""
    n_in = check_int(n_in, "n_in", minimum=0)
    input_gain = check_real(input_gain, "input_gain", low=0.0, finite=True)
    return None if n_in == 0 else input_gain * gen.standard_normal((rows, n_in))

"""Random rate networks in continuous time: vanilla, gated, and linear.

Every network here is a flow ``dx/dt = f(x) (+ input)`` on ``R^n_dim`` with
an analytic Jacobian, built from its couplings once and frozen.  Without
input it is autonomous; an external current ``I(t)`` (``n_input`` values, one
per neuron) enters the ``h`` equation as stated below.

* :class:`VanillaRNN` (Sompolinsky, Crisanti, Sommers 1988):

      dh/dt = -h + g J phi(h) + I(t),   phi = tanh,   J_ij ~ N(0, 1/N) iid,

  diagonal included (self-couplings ``J_ii`` are kept; they are
  ``O(N^-1/2)`` and change nothing at ``N -> inf``).
* :class:`GatedRNN` (Krishnamurthy, Can, Schwab 2022): state
  ``x = (h, z, r)`` in ``R^3N``,

      dh/dt       = sigma_z(z) * ( -h + g J^h (sigma_r(r) * phi(h)) + I(t) )
      tau_z dz/dt = -z + J^z phi(h)
      tau_r dr/dt = -r + J^r phi(h)

  with ``phi(h) = tanh(h + beta_h)``, ``sigma_x(u) = 1 / (1 + exp(-alpha_x u
  - beta_x))`` for the update (timescale) gate ``z`` and the output
  (dimensionality) gate ``r``, and ``J^h, J^z, J^r ~ N(0, 1/N)`` iid.
  Convention: the gain ``g`` multiplies ``J^h`` instead of sitting inside
  ``phi``.  The paper's ``phi(h') = tanh(g_h h' + beta_h)`` is the same
  dynamics under ``h = g_h h'`` (``z``, ``r`` unchanged) with ``g = g_h``;
  in this convention the vanilla network is the exact limit
  ``sigma_z = sigma_r = 1`` (``alpha = 0`` and ``beta >= 40`` give a gate of
  exactly 1.0 in double precision).  The model above (three equations, gains
  and biases) follows the published model; its equation numbers and its sign
  convention for the gate biases ``beta_z, beta_r`` are not cited (here
  ``beta > 0`` opens a gate).  The external current ``I`` is added to the
  recurrent drive of ``h`` as in the input-driven network of Krishnamurthy,
  Can and Schwab; it sits inside the update gate's factor (this package's
  reading, not cited to an equation), so a shut update gate holds ``h``
  against the input too, and the input reaches the gates only through
  ``phi(h)``.
* :class:`LinearRNN`: ``dx/dt = A x + I(t)``, the exact oracle of the
  Lyapunov machinery (its exponents are the real parts of the eigenvalues of
  ``A``, with or without input).

All methods take the input's value at the current instant, ``inputs`` of
shape ``(n_input,)`` or ``None`` (no input); the integrators evaluate a
time-dependent input on their time grid.  Beyond ``vector_field`` and
``jacobian`` every network offers
``jacobian_product(x, V) = J(x) V`` as matrix products (``O(n^2 k)`` for
``k`` vectors, never forming ``J``), ``divergence(x) = tr J(x)``, a
forward-invariant box ``state_bound(x0)`` and the eigenvalues of its linear
leak, which the integrators of :mod:`hebbian.rnn.integrators` use to reject
unstable fixed steps.  The input changes the Jacobian of the gated network
only (through ``d sigma_z / dz``); it is additive elsewhere.

References
----------
H. Sompolinsky, A. Crisanti, H.-J. Sommers, "Chaos in random neural
networks", PRL 61, 259 (1988).
K. Krishnamurthy, T. Can, D. J. Schwab, "Theory of gating in recurrent neural
networks", PRX 12, 011011 (2022), arXiv:2007.14823.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from hebbian._checks import check_int, check_real
from hebbian.random import RNGLike, as_generator
from hebbian.rnn import integrators
from hebbian.rnn.gates import gate, gate_slope

__all__ = ["GatedRNN", "LinearRNN", "RateNetwork", "VanillaRNN"]


def _matrix(A, name: str, N: int | None = None) -> np.ndarray:
    """A read-only float64 copy of a finite square matrix (of size N if given)."""
    arr = np.array(A, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] < 1:
        raise ValueError(f"{name} has shape {arr.shape}; pass a square (N, N) matrix")
    if N is not None and arr.shape[0] != N:
        raise ValueError(f"{name} has shape {arr.shape}; pass shape ({N}, {N}) like J^h")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; pass finite entries")
    arr.setflags(write=False)
    return arr


def _finite(value, name: str, *, low: float | None = None, low_open: bool = False) -> float:
    return check_real(value, name, low=low, low_open=low_open, high=np.inf, high_open=True)


def _gaussian_couplings(rng, N: int) -> np.ndarray:
    return rng.normal(0.0, 1.0 / np.sqrt(N), size=(N, N))


class RateNetwork:
    """A flow ``dx/dt = f(x; I)`` with an analytic Jacobian, ``I`` an optional input.

    The public methods check their input and call the hooks a subclass
    defines: ``n_dim``, ``n_input``, ``leak_eigenvalues``, ``state_bound``,
    ``_vector_field``, ``_jacobian``, ``_jacobian_product`` (``V`` of shape
    ``(n_dim, k)``) and ``_divergence``, each hook taking the input's value
    ``I`` (shape ``(n_input,)``, or ``None`` for none) as its last argument.
    The integrators call the hooks directly, after checking the initial state
    and the input once; the tangent integration calls ``_flow_and_tangent``,
    both at one point, which a subclass may override to share their work.
    """

    #: How the state is laid out, for error messages.
    _layout = ""

    def check_state(self, x, name: str = "x") -> np.ndarray:
        """Return ``x`` as a finite float64 vector of shape ``(n_dim,)``, or raise."""
        x = np.asarray(x, dtype=np.float64)
        if x.shape != (self.n_dim,):
            raise ValueError(
                f"{name} has shape {x.shape}; pass the full state, shape ({self.n_dim},)"
                f"{self._layout}"
            )
        if not np.all(np.isfinite(x)):
            raise ValueError(f"{name} contains NaN or inf; pass a finite state")
        return x

    def check_input(self, inputs, name: str = "inputs") -> np.ndarray | None:
        """Return the input's value as a finite float64 vector ``(n_input,)``, ``None`` as is."""
        if inputs is None:
            return None
        inputs = np.asarray(inputs, dtype=np.float64)
        if inputs.shape != (self.n_input,):
            raise ValueError(
                f"{name} has shape {inputs.shape}; pass one current per neuron, "
                f"shape ({self.n_input},), or None for no input"
            )
        if not np.all(np.isfinite(inputs)):
            raise ValueError(f"{name} contains NaN or inf; pass a finite input")
        return inputs

    def check_tangent(self, V) -> np.ndarray:
        """Tangent vectors ``V``, shape ``(n_dim,)`` or ``(n_dim, k)``, as float64; or raise."""
        V = np.asarray(V, dtype=np.float64)
        if V.ndim not in (1, 2) or V.shape[0] != self.n_dim:
            raise ValueError(
                f"V has shape {V.shape}; pass shape ({self.n_dim},) or ({self.n_dim}, k)"
            )
        return V

    def vector_field(self, x, inputs=None) -> np.ndarray:
        """``f(x; I)``, shape ``(n_dim,)``, for the input's value ``inputs`` (``None``: none)."""
        return self._vector_field(self.check_state(x), self.check_input(inputs))

    def jacobian(self, x, inputs=None) -> np.ndarray:
        """Dense Jacobian ``df_i/dx_j`` at ``x`` (input held fixed), shape ``(n_dim, n_dim)``."""
        return self._jacobian(self.check_state(x), self.check_input(inputs))

    def jacobian_product(self, x, V, inputs=None) -> np.ndarray:
        """``J(x) V`` for ``V`` of shape ``(n_dim,)`` or ``(n_dim, k)``, in ``O(n_dim^2 k)``."""
        x, V = self.check_state(x), self.check_tangent(V)
        flat = V.reshape(self.n_dim, -1)
        return self._jacobian_product(x, flat, self.check_input(inputs)).reshape(V.shape)

    def _flow_and_tangent(self, x, V, inputs=None):
        """``(f(x; I), J(x; I) V)`` at one point; a subclass may share the work of the two."""
        return self._vector_field(x, inputs), self._jacobian_product(x, V, inputs)

    def divergence(self, x, inputs=None) -> float:
        """``tr J(x)``, the local rate of phase-space volume change, in ``O(n_dim)``."""
        return float(self._divergence(self.check_state(x), self.check_input(inputs)))

    def simulate(
        self, x0, t_max: float, dt: float, method: str = "rk4", *, inputs=None, **options
    ) -> integrators.Trajectory:
        """Integrate from ``x0``; see :func:`hebbian.rnn.integrators.simulate`."""
        return integrators.simulate(self, x0, t_max, dt, method, inputs=inputs, **options)


def _plus(drive, inputs):
    """``drive + inputs``, or ``drive`` itself without input (bit-identical autonomous runs)."""
    return drive if inputs is None else drive + inputs


def _input_reach(reach, input_bound):
    """``reach + input_bound``: the box of a field driven by ``|I_i| <= input_bound_i``."""
    return reach if input_bound is None else reach + np.abs(input_bound)


@dataclass(frozen=True, eq=False)
class LinearRNN(RateNetwork):
    """Linear network ``dx/dt = A x + I(t)``.

    Its Lyapunov exponents are the real parts of the eigenvalues of ``A``
    (with multiplicity, with or without input), which makes it the exact oracle of
    :func:`hebbian.rnn.lyapunov.lyapunov_spectrum`.

    Parameters
    ----------
    A : array_like, shape (n, n)
        Finite real matrix.

    Examples
    --------
    >>> net = LinearRNN(np.diag([-1.0, -2.0]))
    >>> net.vector_field(np.ones(2)).tolist()
    [-1.0, -2.0]
    """

    A: np.ndarray
    _eig: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        A = _matrix(self.A, "A")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "_eig", np.linalg.eigvals(A))

    @property
    def n_dim(self) -> int:
        """Dimension of the state."""
        return self.A.shape[0]

    @property
    def n_input(self) -> int:
        """Dimension of the input (``n_dim``: every coordinate is driven)."""
        return self.n_dim

    @property
    def leak_eigenvalues(self) -> np.ndarray:
        """Eigenvalues of ``A`` (the whole flow is linear)."""
        return self._eig

    def state_bound(self, x0, input_bound=None) -> np.ndarray:
        """No bounded box is invariant in general: ``inf`` for every coordinate."""
        return np.full(self.n_dim, np.inf)

    def _vector_field(self, x, inputs=None):
        return _plus(self.A @ x, inputs)

    def _jacobian(self, x, inputs=None):
        return self.A.copy()

    def _jacobian_product(self, x, V, inputs=None):
        return self.A @ V

    def _divergence(self, x, inputs=None):
        return np.trace(self.A)


@dataclass(frozen=True, eq=False)
class VanillaRNN(RateNetwork):
    """Random rate network of Sompolinsky, Crisanti and Sommers (1988).

    ``dh/dt = -h + g J tanh(h) + I(t)``; without input chaotic for ``g > 1``
    at ``N -> inf``, with ``h = 0`` the globally stable fixed point for ``g < 1``.

    Parameters
    ----------
    J : array_like, shape (N, N)
        Couplings, normally ``N(0, 1/N)`` iid (see :meth:`sample`); the
        diagonal is used as given.
    g : float
        Gain, >= 0.

    References
    ----------
    Sompolinsky, Crisanti, Sommers, PRL 61, 259 (1988).

    Examples
    --------
    >>> net = VanillaRNN.sample(50, g=0.5, rng=1)
    >>> float(np.abs(net.vector_field(np.zeros(50))).max())
    0.0
    """

    J: np.ndarray
    g: float

    def __post_init__(self):
        object.__setattr__(self, "J", _matrix(self.J, "J"))
        object.__setattr__(self, "g", _finite(self.g, "g", low=0.0))

    @classmethod
    def sample(cls, N: int, g: float, rng: RNGLike = None) -> VanillaRNN:
        """Network with ``J_ij ~ N(0, 1/N)`` iid, diagonal included.

        Parameters
        ----------
        N : int
            Number of neurons, >= 1.
        g : float
            Gain, >= 0.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.
        """
        N = check_int(N, "N", minimum=1)
        return cls(_gaussian_couplings(as_generator(rng), N), g)

    @property
    def N(self) -> int:
        """Number of neurons."""
        return self.J.shape[0]

    @property
    def n_dim(self) -> int:
        """Dimension of the state (``N``)."""
        return self.N

    @property
    def n_input(self) -> int:
        """Dimension of the input (``N``, one current per neuron)."""
        return self.N

    @property
    def leak_eigenvalues(self) -> np.ndarray:
        """The leak ``-h`` decays at rate 1."""
        return np.array([-1.0])

    def state_bound(self, x0, input_bound=None) -> np.ndarray:
        """Forward-invariant box: ``|h_i(t)| <= max(|h_i(0)|, g sum_j |J_ij| + b_i)``.

        From ``d|h_i|/dt <= -|h_i| + g sum_j |J_ij| + |I_i|`` since
        ``|tanh| <= 1``; ``input_bound`` is ``b_i >= sup_t |I_i(t)|`` (shape
        ``(N,)``, ``None`` for no input).
        """
        x0 = self.check_state(x0, "x0")
        reach = _input_reach(self.g * np.abs(self.J).sum(axis=1), input_bound)
        return np.maximum(np.abs(x0), reach)

    def _vector_field(self, x, inputs=None):
        return _plus(-x + self.g * (self.J @ np.tanh(x)), inputs)

    def _jacobian(self, x, inputs=None):
        d = 1.0 - np.tanh(x) ** 2
        return self.g * self.J * d - np.eye(self.N)

    def _jacobian_product(self, x, V, inputs=None):
        d = 1.0 - np.tanh(x) ** 2
        return self.g * (self.J @ (d[:, None] * V)) - V

    def _divergence(self, x, inputs=None):
        d = 1.0 - np.tanh(x) ** 2
        return self.g * np.dot(np.diag(self.J), d) - self.N


@dataclass(frozen=True, eq=False)
class GatedRNN(RateNetwork):
    """Gated rate network of Krishnamurthy, Can and Schwab (2022).

    State ``x = (h, z, r)`` of length ``3N`` (see :meth:`split`); the
    equations and the gain convention are in the module docstring.

    Parameters
    ----------
    Jh, Jz, Jr : array_like, shape (N, N)
        Couplings of the field and of the two gates, normally ``N(0, 1/N)``
        iid (see :meth:`sample`).
    g : float
        Gain of ``J^h`` (the paper's ``g_h``), >= 0.
    alpha_z, alpha_r : float
        Gate gains (sensitivities), >= 0; 0 makes a gate constant.
    beta_z, beta_r : float
        Gate biases; ``sigma_x = 1 / (1 + exp(-alpha_x u - beta_x))``.
    beta_h : float
        Bias of ``phi(h) = tanh(h + beta_h)``.
    tau_z, tau_r : float
        Gate time constants, > 0.

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823.

    Examples
    --------
    >>> net = GatedRNN.sample(20, g=3.0, alpha_z=5.0, beta_r=1.0, rng=0)
    >>> net.n_dim, net.jacobian(np.zeros(60)).shape
    (60, (60, 60))
    """

    Jh: np.ndarray
    Jz: np.ndarray
    Jr: np.ndarray
    g: float
    alpha_z: float = 0.0
    alpha_r: float = 0.0
    beta_z: float = 0.0
    beta_r: float = 0.0
    beta_h: float = 0.0
    tau_z: float = 1.0
    tau_r: float = 1.0
    #: ``[J^z; J^r]`` stacked, so that both gates take one matrix product
    _Jzr: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        Jh = _matrix(self.Jh, "Jh")
        set_ = object.__setattr__
        set_(self, "Jh", Jh)
        set_(self, "Jz", _matrix(self.Jz, "Jz", Jh.shape[0]))
        set_(self, "Jr", _matrix(self.Jr, "Jr", Jh.shape[0]))
        set_(self, "_Jzr", np.vstack([self.Jz, self.Jr]))
        for name in ("g", "alpha_z", "alpha_r"):
            set_(self, name, _finite(getattr(self, name), name, low=0.0))
        for name in ("beta_z", "beta_r", "beta_h"):
            set_(self, name, _finite(getattr(self, name), name))
        for name in ("tau_z", "tau_r"):
            set_(self, name, _finite(getattr(self, name), name, low=0.0, low_open=True))

    @classmethod
    def sample(cls, N: int, g: float, *, rng: RNGLike = None, **params) -> GatedRNN:
        """Network with ``J^h, J^z, J^r ~ N(0, 1/N)`` iid (diagonals included).

        Parameters
        ----------
        N : int
            Number of neurons, >= 1.
        g : float
            Gain of ``J^h``.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.
        **params
            ``alpha_z, alpha_r, beta_z, beta_r, beta_h, tau_z, tau_r``.
        """
        N = check_int(N, "N", minimum=1)
        gen = as_generator(rng)
        Jh, Jz, Jr = (_gaussian_couplings(gen, N) for _ in range(3))
        return cls(Jh, Jz, Jr, g, **params)

    @property
    def N(self) -> int:
        """Number of neurons."""
        return self.Jh.shape[0]

    @property
    def n_dim(self) -> int:
        """Dimension of the state (``3N``)."""
        return 3 * self.N

    @property
    def n_input(self) -> int:
        """Dimension of the input (``N``: a current into each ``h_i``)."""
        return self.N

    @property
    def _layout(self) -> str:
        return f" = (h, z, r) with N={self.N} each"

    @property
    def leak_eigenvalues(self) -> np.ndarray:
        """Leak eigenvalues ``-1`` (``h``, update gate open), ``-1/tau_z``, ``-1/tau_r``."""
        return np.array([-1.0, -1.0 / self.tau_z, -1.0 / self.tau_r])

    def split(self, x) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Views ``(h, z, r)`` of a state (or of the rows of a ``(3N, ...)`` array)."""
        N = self.N
        return x[:N], x[N : 2 * N], x[2 * N :]

    def state_bound(self, x0, input_bound=None) -> np.ndarray:
        """Forward-invariant box, as for :meth:`VanillaRNN.state_bound`.

        ``|h_i| <= max(|h_i(0)|, g sum_j |J^h_ij| + b_i)`` because
        ``0 < sigma < 1`` and ``|tanh| <= 1`` (``b_i >= sup_t |I_i(t)|``,
        ``input_bound``); likewise ``z`` with ``J^z`` and ``r`` with ``J^r``.
        """
        x0 = self.check_state(x0, "x0")
        reach_h = _input_reach(self.g * np.abs(self.Jh).sum(1), input_bound)
        reach = np.concatenate([reach_h, np.abs(self._Jzr).sum(1)])
        return np.maximum(np.abs(x0), reach)

    def lift(self, h) -> np.ndarray:
        """The state ``(h, J^z phi(h), J^r phi(h))`` whose gates sit at their fixed point."""
        h = np.asarray(h, dtype=np.float64)
        if h.shape != (self.N,):
            raise ValueError(f"h has shape {h.shape}; pass the fields only, shape ({self.N},)")
        return np.concatenate([h, self._Jzr @ np.tanh(h + self.beta_h)])

    def reduced_field(self, h, inputs=None) -> np.ndarray:
        """``F(h) = -h + g J^h (sigma_r(J^r phi(h)) phi(h)) + I``, zero at the fixed points.

        Since ``sigma_z > 0`` and the gates relax to ``z = J^z phi(h)``,
        ``r = J^r phi(h)``, the fixed points of the flow are the zeros of
        ``F`` lifted by :meth:`lift`; ``F`` lives in ``R^N`` instead of
        ``R^3N`` and needs no time constants, which suits Newton's method.
        """
        x = self.lift(h)
        h, _, _, phi, _, s_r = self._gates(x)
        return self._drive(h, phi, s_r, self.check_input(inputs))

    def reduced_jacobian(self, h, inputs=None) -> np.ndarray:
        """``dF/dh = -1 + g J^h [diag(sigma_r phi') + diag(sigma_r' phi) J^r diag(phi')]``."""
        x = self.lift(h)
        phi, dphi, _, s_r, _, ds_r = self._slopes(x, None)
        inner = np.diag(s_r * dphi) + (ds_r * phi)[:, None] * self.Jr * dphi
        return self.g * (self.Jh @ inner) - np.eye(self.N)

    def _gates(self, x):
        h, z, r = self.split(x)
        phi = np.tanh(h + self.beta_h)
        s_z = gate(z, self.alpha_z, self.beta_z)
        s_r = gate(r, self.alpha_r, self.beta_r)
        return h, z, r, phi, s_z, s_r

    def _drive(self, h, phi, s_r, inputs):
        """``u = -h + g J^h (sigma_r phi) + I``: ``dh/dt = sigma_z u``."""
        return _plus(-h + self.g * (self.Jh @ (s_r * phi)), inputs)

    def _field(self, x, phi, s_z, u):
        """``f(x)`` from the gates and the drive ``u`` at ``x``."""
        _, z, r = self.split(x)
        zr = self._Jzr @ phi
        N = self.N
        return np.concatenate([s_z * u, (zr[:N] - z) / self.tau_z, (zr[N:] - r) / self.tau_r])

    def _vector_field(self, x, inputs=None):
        h, _, _, phi, s_z, s_r = self._gates(x)
        return self._field(x, phi, s_z, self._drive(h, phi, s_r, inputs))

    def _slopes(self, x, inputs):
        """Everything the Jacobian needs: ``phi'``, ``sigma_z``, ``sigma_r`` and their slopes."""
        h, _, _, phi, s_z, s_r = self._gates(x)
        return self._slopes_at(phi, s_z, s_r, self._drive(h, phi, s_r, inputs))

    def _slopes_at(self, phi, s_z, s_r, u):
        """:meth:`_slopes` from the gates and the drive ``u``."""
        ds_z = gate_slope(s_z, self.alpha_z)
        ds_r = gate_slope(s_r, self.alpha_r)
        return phi, 1.0 - phi**2, s_z, s_r, ds_z * u, ds_r

    def _jacobian(self, x, inputs=None):
        phi, dphi, s_z, s_r, dz_u, ds_r = self._slopes(x, inputs)
        N, g = self.N, self.g
        eye = np.eye(N)
        jac = np.zeros((3 * N, 3 * N))
        jac[:N, :N] = s_z[:, None] * (g * self.Jh * (s_r * dphi) - eye)
        jac[:N, N : 2 * N] = np.diag(dz_u)
        jac[:N, 2 * N :] = s_z[:, None] * g * self.Jh * (ds_r * phi)
        jac[N : 2 * N, :N] = self.Jz * dphi / self.tau_z
        jac[N : 2 * N, N : 2 * N] = -eye / self.tau_z
        jac[2 * N :, :N] = self.Jr * dphi / self.tau_r
        jac[2 * N :, 2 * N :] = -eye / self.tau_r
        return jac

    def _jacobian_product(self, x, V, inputs=None):
        return self._tangent(self._slopes(x, inputs), V)

    def _tangent(self, slopes, V):
        """``J V`` from the :meth:`_slopes` at the point."""
        phi, dphi, s_z, s_r, dz_u, ds_r = slopes
        Vh, Vz, Vr = self.split(V)
        drive = self.Jh @ ((s_r * dphi)[:, None] * Vh + (ds_r * phi)[:, None] * Vr)
        out_h = s_z[:, None] * (self.g * drive - Vh) + dz_u[:, None] * Vz
        zr = self._Jzr @ (dphi[:, None] * Vh)
        N = self.N
        return np.concatenate([out_h, (zr[:N] - Vz) / self.tau_z, (zr[N:] - Vr) / self.tau_r])

    def _flow_and_tangent(self, x, V, inputs=None):
        h, _, _, phi, s_z, s_r = self._gates(x)
        u = self._drive(h, phi, s_r, inputs)
        return self._field(x, phi, s_z, u), self._tangent(self._slopes_at(phi, s_z, s_r, u), V)

    def _divergence(self, x, inputs=None):
        _, _, _, phi, s_z, s_r = self._gates(x)
        diag = self.g * np.diag(self.Jh) * s_r * (1.0 - phi**2) - 1.0
        return np.dot(s_z, diag) - self.N / self.tau_z - self.N / self.tau_r

"""Gated and ungated neural ODEs with exact gradients through a fixed-step integrator.

The state ``h`` in ``R^n`` (``n = n_dim``, the phase-space dimension) is
driven by an input ``u(t)`` in ``R^m`` and read out linearly:

    nODE  (ungated):  dh/dt = -h + F(h, u)
    gnODE (gated):    dh/dt = G(h, u) * ( -h + F(h, u) )
    output:           y = C h + c,        h(0) = h0 (learned)

with the flow field a one-hidden-layer network of ``p = n_hidden`` units,
``F(h, u) = A tanh(W h + U u + b) + a``, and the update gate a sigmoid layer,
``G(h, u) = sigma(W_z h + U_z u + b_z)`` (:func:`hebbian.rnn.gates.gate`,
gain 1), multiplying the flow elementwise.  This is the gated neural ODE of
Kim, Can and Krishnamurthy (2023); the ungated baseline is written with the
leak ``-h`` so that it is the gate's open limit.  The gate sets a state- and
input-dependent time scale ``1 / G_i`` per unit, so a shut gate
(``G -> 0``) slows the flow down without changing the nullclines
``h = F(h, u)``.  Conventions here: time in units of the open-gate time
constant (``tau = 1``); ``F`` and ``G`` are single-hidden-layer networks (the
paper allows deeper ones; ``n_hidden`` is the flow field's complexity);
``u`` is held constant over each integration step.  The gate's limit
``G = 1`` (``W_z = U_z = 0``, ``b_z >= 40``: exactly 1.0 in double
precision) is the ungated model with the same ``F`` (:meth:`NeuralODE.ungated`).
The model's form follows the published model; its equation numbers are not
cited.

Integration is by a fixed-step explicit Runge-Kutta method (classical RK4 or
forward Euler), and the gradient of the loss is computed by backpropagation
through those very steps (reverse-mode differentiation of the discrete map:
exact for the discretised dynamics, to rounding), using the analytic
vector-Jacobian products of the field.  The parameters live in one flat
vector (:attr:`NeuralODE.params`, laid out as :attr:`NeuralODE.shapes`), as
optimisers (:mod:`hebbian.rnn.training`) take them.

References
----------
T. D. Kim, T. Can, K. Krishnamurthy, "Trainability, expressivity and
interpretability in gated neural ODEs", ICML 2023, arXiv:2307.06398.
R. T. Q. Chen, Y. Rubanova, J. Bettencourt, D. Duvenaud, "Neural ordinary
differential equations", NeurIPS 2018.
E. Hairer, S. P. Norsett, G. Wanner, "Solving Ordinary Differential
Equations I", Sec. II.1 (explicit Runge-Kutta methods).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from hebbian._checks import check_bool, check_int, check_real
from hebbian.random import RNGLike, as_generator
from hebbian.rnn.gates import gate, gate_slope
from hebbian.rnn.integrators import positive_time

__all__ = ["ODE_METHODS", "NeuralODE", "ODERun", "matched_width"]

#: Butcher tableaus ``(a, b)`` of the fixed-step methods (explicit: ``a`` strictly lower).
_TABLEAUS = {
    "rk4": (
        ((), (0.5,), (0.0, 0.5), (0.0, 0.0, 1.0)),
        (1.0 / 6.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 6.0),
    ),
    "euler": (((),), (1.0,)),
}

#: Integration methods of :meth:`NeuralODE.run`.
ODE_METHODS = tuple(_TABLEAUS)

_FLOW = ("W", "U", "b", "A", "a")
_GATE = ("Wz", "Uz", "bz")
_READOUT = ("C", "c", "h0")


class ODERun(NamedTuple):
    """Result of :meth:`NeuralODE.run`.

    Attributes
    ----------
    states : array, shape (n_steps + 1, n_trials, n_dim)
        ``h`` on the grid, from ``h0``.
    outputs : array, shape (n_steps, n_trials, n_out)
        ``y = C h + c`` after each step (aligned with the inputs' steps).
    """

    states: np.ndarray
    outputs: np.ndarray


def matched_width(n_dim: int, n_in: int, n_hidden: int) -> int:
    """The flow width of the ungated model with at least the gated model's parameter count.

    The gate adds ``n (n + m + 1)`` parameters; each hidden unit of ``F``
    costs ``2 n + m + 1``.

    Parameters
    ----------
    n_dim, n_in : int
        Phase-space dimension ``n`` and input dimension ``m``.
    n_hidden : int
        Hidden width ``p`` of the gated model's flow field.

    Returns
    -------
    int
        ``p + ceil(n (n + m + 1) / (2 n + m + 1))``.

    Examples
    --------
    >>> matched_width(2, 2, 8)
    10
    """
    n_dim = check_int(n_dim, "n_dim", minimum=1)
    n_in = check_int(n_in, "n_in", minimum=0)
    n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
    return n_hidden + -(-n_dim * (n_dim + n_in + 1) // (2 * n_dim + n_in + 1))


@dataclass(frozen=True, eq=False)
class NeuralODE:
    """A gated (gnODE) or ungated (nODE) neural ODE with a linear readout.

    Parameters
    ----------
    n_dim : int
        Phase-space dimension ``n``.
    n_in : int
        Input dimension ``m`` (0 for an autonomous model).
    n_out : int
        Output dimension.
    n_hidden : int
        Width ``p`` of the flow field's hidden layer (its complexity).
    gated : bool
        With the update gate ``G`` or without (``G = 1``).
    params : array_like, shape (n_params,)
        All parameters, laid out as :attr:`shapes` (see :meth:`unpack`).

    Examples
    --------
    >>> model = NeuralODE.sample(2, 1, 1, 4, rng=0)
    >>> model.n_params, model.ungated().n_params
    (39, 31)
    >>> model.run(np.zeros((5, 3, 1)), dt=0.1).outputs.shape
    (5, 3, 1)
    """

    n_dim: int
    n_in: int
    n_out: int
    n_hidden: int
    gated: bool
    params: np.ndarray
    #: :meth:`unpack` of ``params``, made once (the flow at one state reads it per call)
    _blocks: dict = field(init=False, repr=False)

    def __post_init__(self):
        sizes = _checked_sizes(self.n_dim, self.n_in, self.n_out, self.n_hidden, self.gated)
        for name, value in zip(
            ("n_dim", "n_in", "n_out", "n_hidden", "gated"), sizes, strict=True
        ):
            object.__setattr__(self, name, value)
        params = np.array(self.params, dtype=np.float64)
        if params.shape != (self.n_params,):
            raise ValueError(
                f"params has shape {params.shape}; pass shape ({self.n_params},), "
                f"laid out as NeuralODE.shapes"
            )
        if not np.all(np.isfinite(params)):
            raise ValueError("params contains NaN or inf; pass finite parameters")
        params.setflags(write=False)
        object.__setattr__(self, "params", params)
        object.__setattr__(self, "_blocks", self.unpack(params))

    @classmethod
    def sample(
        cls,
        n_dim: int,
        n_in: int,
        n_out: int,
        n_hidden: int,
        *,
        gated: bool = True,
        gain: float = 1.0,
        rng: RNGLike = None,
    ) -> NeuralODE:
        """Random initial parameters.

        ``W ~ N(0, gain^2 / n)``, ``U ~ N(0, 1 / m)``, ``A ~ N(0, 1 / p)``,
        ``W_z ~ N(0, 1 / n)``, ``U_z ~ N(0, 1 / m)``, ``C ~ N(0, 1 / n)``,
        ``h0 ~ N(0, 1)``; biases and ``c`` zero (the gate starts half open).
        With zero biases ``h = 0`` is a fixed point of the initial flow at
        zero input, so ``h0 = 0`` would leave an autonomous model there
        (and its trajectory without a gradient to learn from).

        Parameters
        ----------
        n_dim, n_in, n_out, n_hidden : int
            Sizes, as in :class:`NeuralODE`.
        gated : bool
            Gated or not.
        gain : float
            Gain of the flow field's recurrent weights, ``>= 0``.
        rng : None, int, SeedSequence or Generator
            Random source (:func:`hebbian.random.as_generator`).

        Returns
        -------
        NeuralODE
        """
        gain = check_real(gain, "gain", low=0.0, high=np.inf, high_open=True)
        sizes = _checked_sizes(n_dim, n_in, n_out, n_hidden, gated)
        shell = cls(*sizes, np.zeros(_count(*sizes)))
        rng = as_generator(rng)
        theta = np.zeros(shell.n_params)
        w = shell.unpack(theta)
        scales = {
            "W": gain / np.sqrt(n_dim),
            "U": 1 / np.sqrt(max(n_in, 1)),
            "A": 1 / np.sqrt(n_hidden),
            "Wz": 1 / np.sqrt(n_dim),
            "Uz": 1 / np.sqrt(max(n_in, 1)),
            "C": 1 / np.sqrt(n_dim),
            "h0": 1.0,
        }
        for name, scale in scales.items():
            if name in w:
                w[name][...] = scale * rng.standard_normal(w[name].shape)
        return shell.with_params(theta)

    @property
    def shapes(self) -> dict[str, tuple[int, ...]]:
        """Name -> shape of each parameter block, in the order of :attr:`params`."""
        n, m, k, p = self.n_dim, self.n_in, self.n_out, self.n_hidden
        shapes = {"W": (p, n), "U": (p, m), "b": (p,), "A": (n, p), "a": (n,)}
        if self.gated:
            shapes |= {"Wz": (n, n), "Uz": (n, m), "bz": (n,)}
        return shapes | {"C": (k, n), "c": (k,), "h0": (n,)}

    @property
    def n_params(self) -> int:
        """Number of parameters."""
        return _count(self.n_dim, self.n_in, self.n_out, self.n_hidden, self.gated)

    def unpack(self, theta=None) -> dict[str, np.ndarray]:
        """Views of a flat parameter vector as the named blocks of :attr:`shapes`.

        Parameters
        ----------
        theta : array, shape (n_params,), optional
            The vector (default: :attr:`params`, read-only).  Writing into the
            views of a writable ``theta`` writes into ``theta``.

        Returns
        -------
        dict
            ``W, U, b, A, a`` (flow field), ``Wz, Uz, bz`` (gate, gated
            models only), ``C, c`` (readout), ``h0`` (initial state).
        """
        if theta is None:
            return dict(self._blocks)
        blocks, start = {}, 0
        for name, shape in self.shapes.items():
            size = math.prod(shape)
            blocks[name] = theta[start : start + size].reshape(shape)
            start += size
        return blocks

    def with_params(self, theta) -> NeuralODE:
        """The same architecture with the parameters ``theta``."""
        return NeuralODE(self.n_dim, self.n_in, self.n_out, self.n_hidden, self.gated, theta)

    def ungated(self) -> NeuralODE:
        """The ungated model with the same flow field, readout and ``h0`` (the limit ``G = 1``)."""
        w = self.unpack()
        theta = np.concatenate([w[name].ravel() for name in (*_FLOW, *_READOUT)])
        return NeuralODE(self.n_dim, self.n_in, self.n_out, self.n_hidden, False, theta)

    # --- the flow at one state (fixed points, phase portraits) --------------------------

    def _input(self, u) -> np.ndarray:
        u = np.zeros(self.n_in) if u is None else np.asarray(u, dtype=np.float64)
        if u.shape != (self.n_in,) or not np.all(np.isfinite(u)):
            raise ValueError(
                f"u has shape {u.shape}; pass a finite vector of shape ({self.n_in},)"
            )
        return u

    def _state(self, h) -> np.ndarray:
        h = np.asarray(h, dtype=np.float64)
        if h.shape[-1:] != (self.n_dim,) or not np.all(np.isfinite(h)):
            raise ValueError(
                f"h has shape {h.shape}; pass finite states of shape (..., {self.n_dim})"
            )
        return h

    def gate(self, h, u=None) -> np.ndarray:
        """The update gate ``G(h, u)`` (ones for the ungated model), shape of ``h``.

        Parameters
        ----------
        h : array, shape (..., n_dim)
        u : array, shape (n_in,), optional
            Constant input (default 0).

        Returns
        -------
        ndarray
        """
        h, u = self._state(h), self._input(u)
        if not self.gated:
            return np.ones_like(h)
        w = self.unpack()
        return gate(h @ w["Wz"].T + w["Uz"] @ u + w["bz"], 1.0, 0.0)

    def vector_field(self, h, u=None) -> np.ndarray:
        """``dh/dt`` at states ``h`` (shape ``(..., n_dim)``) under the constant input ``u``.

        Parameters
        ----------
        h : array, shape (..., n_dim)
        u : array, shape (n_in,), optional
            Constant input (default 0).

        Returns
        -------
        ndarray, shape of ``h``
        """
        h, u = self._state(h), self._input(u)
        w = self.unpack()
        k, _ = _field(w, self.gated, h, w["U"] @ u + w["b"], _gate_drive(w, self.gated, u))
        return k

    def jacobian(self, h, u=None) -> np.ndarray:
        """``d(dh/dt)_i / dh_j`` at one state.

        ``J = diag(G) (-1 + A diag(1 - s^2) W) + diag(G (1 - G) (-h + F)) W_z``
        with ``s = tanh(W h + U u + b)``.

        Parameters
        ----------
        h : array, shape (n_dim,)
        u : array, shape (n_in,), optional
            Constant input (default 0).

        Returns
        -------
        ndarray, shape (n_dim, n_dim)
        """
        h, u = self._state(h), self._input(u)
        if h.ndim != 1:
            raise ValueError(f"h has shape {h.shape}; pass one state, shape ({self.n_dim},)")
        w = self.unpack()
        s = np.tanh(w["W"] @ h + w["U"] @ u + w["b"])
        J = (w["A"] * (1.0 - s**2)) @ w["W"] - np.eye(self.n_dim)
        if not self.gated:
            return J
        G = gate(w["Wz"] @ h + w["Uz"] @ u + w["bz"], 1.0, 0.0)
        v = w["A"] @ s + w["a"] - h
        return G[:, None] * J + (gate_slope(G, 1.0) * v)[:, None] * w["Wz"]

    def flow(self, u=None):
        """The field and its Jacobian at the constant input ``u``, as functions of one state.

        For :func:`hebbian.rnn.fixed_points.find_fixed_points` and
        :func:`hebbian.rnn.fixed_points.slow_points`.

        Parameters
        ----------
        u : array, shape (n_in,), optional
            Constant input (default 0).

        Returns
        -------
        field, jacobian : callable
            ``h (n_dim,) -> (n_dim,)`` and ``h -> (n_dim, n_dim)``.
        """
        u = self._input(u)
        return (lambda h: self.vector_field(h, u)), (lambda h: self.jacobian(h, u))

    # --- trajectories and gradients -----------------------------------------------------

    def _check_run(self, inputs, dt, method) -> tuple[np.ndarray, float]:
        inputs = np.asarray(inputs, dtype=np.float64)
        if (
            inputs.ndim != 3
            or inputs.shape[0] < 1
            or inputs.shape[1] < 1
            or (inputs.shape[2] != self.n_in)
        ):
            raise ValueError(
                f"inputs has shape {inputs.shape}; pass (n_steps, n_trials, {self.n_in}) "
                f"with n_steps, n_trials >= 1"
            )
        if not np.all(np.isfinite(inputs)):
            raise ValueError("inputs contains NaN or inf; pass finite inputs")
        if method not in _TABLEAUS:
            raise ValueError(f"method={method!r} is not one of {ODE_METHODS}; pass method='rk4'")
        return inputs, positive_time(dt, "dt")

    def run(self, inputs, dt: float, method: str = "rk4") -> ODERun:
        """Integrate from ``h0`` under piecewise-constant inputs.

        Parameters
        ----------
        inputs : array, shape (n_steps, n_trials, n_in)
            ``u`` during each step (``n_in = 0``: an empty last axis).
        dt : float
            Step, > 0.
        method : {"rk4", "euler"}
            Classical fourth-order Runge-Kutta or forward Euler.

        Returns
        -------
        ODERun
            States and outputs.

        Raises
        ------
        ValueError
            For wrong shapes, non-finite inputs, ``dt <= 0``, an unknown
            method, or a state that stops being finite (``dt`` too large).
        """
        inputs, dt = self._check_run(inputs, dt, method)
        states, _ = _forward(self.unpack(), self.gated, inputs, dt, method, keep=False)
        w = self.unpack()
        return ODERun(states, states[1:] @ w["C"].T + w["c"])

    def loss_and_grad(
        self, inputs, targets, mask, dt: float, method: str = "rk4"
    ) -> tuple[float, np.ndarray]:
        """Masked mean squared error of the outputs and its exact gradient.

        ``L = sum_t,r,o mask_tr (y_tro - target_tro)^2 / (n_out sum_t,r mask_tr)``;
        the gradient with respect to :attr:`params` is the reverse-mode
        derivative of the discrete integration (exact for the chosen
        method and step).

        Parameters
        ----------
        inputs : array, shape (n_steps, n_trials, n_in)
        targets : array, shape (n_steps, n_trials, n_out)
            Wanted outputs after each step.
        mask : array, shape (n_steps, n_trials)
            Non-negative weights of the steps (0: not scored), not all zero.
        dt : float
            Step, > 0.
        method : {"rk4", "euler"}

        Returns
        -------
        loss : float
        grad : ndarray, shape (n_params,)
        """
        inputs, dt = self._check_run(inputs, dt, method)
        targets, mask = self._check_targets(inputs, targets, mask)
        w = self.unpack()
        states, caches = _forward(w, self.gated, inputs, dt, method, keep=True)
        err = states[1:] @ w["C"].T + w["c"] - targets
        norm = self.n_out * mask.sum()
        loss = float(np.sum(mask[..., None] * err**2) / norm)
        ybar = (2.0 / norm) * mask[..., None] * err  # dL/dy, (T, B, k)
        grad = np.zeros(self.n_params)
        g = self.unpack(grad)
        g["C"][...] = np.einsum("tbk,tbn->kn", ybar, states[1:])
        g["c"][...] = ybar.sum(axis=(0, 1))
        g["h0"][...] = _backward(w, g, self.gated, inputs, caches, ybar @ w["C"], dt, method)
        return loss, grad

    def _check_targets(self, inputs, targets, mask) -> tuple[np.ndarray, np.ndarray]:
        T, B = inputs.shape[:2]
        targets = np.asarray(targets, dtype=np.float64)
        if targets.shape != (T, B, self.n_out) or not np.all(np.isfinite(targets)):
            raise ValueError(
                f"targets has shape {targets.shape}; pass finite ({T}, {B}, {self.n_out})"
            )
        mask = np.asarray(mask, dtype=np.float64)
        if mask.shape != (T, B) or not np.all(mask >= 0) or not mask.sum() > 0:
            raise ValueError(
                f"mask has shape {mask.shape}; pass non-negative weights of shape ({T}, {B}), "
                f"not all zero"
            )
        return targets, mask


def _checked_sizes(n_dim, n_in, n_out, n_hidden, gated) -> tuple[int, int, int, int, bool]:
    return (
        check_int(n_dim, "n_dim", minimum=1),
        check_int(n_in, "n_in", minimum=0),
        check_int(n_out, "n_out", minimum=1),
        check_int(n_hidden, "n_hidden", minimum=1),
        check_bool(gated, "gated"),
    )


def _count(n: int, m: int, k: int, p: int, gated: bool) -> int:
    return p * (n + m + 1) + n * (p + 1) + gated * n * (n + m + 1) + k * (n + 1) + n


def _gate_drive(w, gated: bool, u):
    """The input part of the gate's pre-activation, ``U_z u + b_z`` (None if ungated)."""
    return u @ w["Uz"].T + w["bz"] if gated else None


def _field(w, gated: bool, h, drive, gate_drive):
    """``dh/dt`` at states ``h`` (rows) and what its vector-Jacobian product needs."""
    s = np.tanh(h @ w["W"].T + drive)
    v = s @ w["A"].T + w["a"] - h
    if not gated:
        return v, (h, s, None, v)
    G = gate(h @ w["Wz"].T + gate_drive, 1.0, 0.0)
    return G * v, (h, s, G, v)


def _forward(w, gated: bool, inputs, dt: float, method: str, keep: bool):
    """States on the grid and, with ``keep``, every stage's cache for the backward pass."""
    a, b = _TABLEAUS[method]
    T, B, _ = inputs.shape
    drives = inputs @ w["U"].T + w["b"]
    gate_drives = _gate_drive(w, gated, inputs)
    states = np.empty((T + 1, B, w["h0"].size))
    states[0] = h = np.broadcast_to(w["h0"], (B, w["h0"].size))
    caches = []
    with np.errstate(over="ignore", invalid="ignore"):  # reported below
        for t in range(T):
            ks, stage_caches = [], []
            gd = None if gate_drives is None else gate_drives[t]
            for row in a:
                x = h
                for coef, k in zip(row, ks, strict=False):
                    if coef:
                        x = x + (dt * coef) * k
                k, cache = _field(w, gated, x, drives[t], gd)
                ks.append(k)
                stage_caches.append(cache)
            h = h + dt * sum(bi * k for bi, k in zip(b, ks, strict=True))
            states[t + 1] = h
            if keep:
                caches.append(stage_caches)
    if not np.all(np.isfinite(states)):
        raise ValueError(
            f"dt={dt:g} is too large for method={method!r}: the state stopped being finite; "
            f"pass a smaller dt (e.g. dt={dt / 4:g})"
        )
    return states, caches


def _backward(w, g, gated: bool, inputs, caches, hbar_in, dt: float, method: str):
    """Backpropagate through the steps; fill the flow and gate blocks of ``g``, return dL/dh0.

    ``hbar_in[t]`` is the loss's direct derivative with respect to the state
    after step ``t``.  Per stage, the adjoint ``kbar`` of its slope gives the
    adjoints of the gate pre-activation (``zbar``), of the hidden layer's
    pre-activation (``pbar``) and of the flow's output (``vbar``); the
    weight gradients are summed over all steps and stages at the end.
    """
    a, b = _TABLEAUS[method]
    n_stages = len(b)
    T, B, _ = inputs.shape
    hbar = np.zeros((B, w["h0"].size))
    pbars = np.empty((T, n_stages, B, w["b"].size))
    vbars = np.empty((T, n_stages, B, w["a"].size))
    zbars = np.empty((T, n_stages, B, w["a"].size)) if gated else None
    xs = np.empty((T, n_stages, B, w["a"].size))
    acts = np.empty_like(pbars)
    for t in range(T - 1, -1, -1):
        hbar = hbar + hbar_in[t]
        kbar = [(dt * bi) * hbar for bi in b]
        for i in range(n_stages - 1, -1, -1):
            x, s, G, v = caches[t][i]
            if gated:
                vbar = kbar[i] * G
                zbar = kbar[i] * v * gate_slope(G, 1.0)
                zbars[t, i] = zbar
                xbar = zbar @ w["Wz"] - vbar
            else:
                vbar = kbar[i]
                xbar = -vbar
            pbar = (vbar @ w["A"]) * (1.0 - s**2)
            xbar += pbar @ w["W"]
            pbars[t, i], vbars[t, i], xs[t, i], acts[t, i] = pbar, vbar, x, s
            hbar = hbar + xbar
            for j, coef in enumerate(a[i]):
                if coef:
                    kbar[j] = kbar[j] + (dt * coef) * xbar
    g["W"][...] = np.einsum("tibp,tibn->pn", pbars, xs)
    g["U"][...] = np.einsum("tibp,tbm->pm", pbars, inputs)
    g["b"][...] = pbars.sum(axis=(0, 1, 2))
    g["A"][...] = np.einsum("tibn,tibp->np", vbars, acts)
    g["a"][...] = vbars.sum(axis=(0, 1, 2))
    if gated:
        g["Wz"][...] = np.einsum("tibn,tibj->nj", zbars, xs)
        g["Uz"][...] = np.einsum("tibn,tbm->nm", zbars, inputs)
        g["bz"][...] = zbars.sum(axis=(0, 1, 2))
    return hbar.sum(axis=0)

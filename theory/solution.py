"""The one result type of every self-consistency solver, and its exception."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

__all__ = ["STATUS", "ZERO", "Solution", "SolverError", "Transition", "classify", "on_branch"]

#: Meaning of :attr:`Solution.status` (0 is the only success).
STATUS = {
    0: "converged",
    1: "maximum number of iterations reached",
    2: "the root finder stopped without reaching the tolerance",
    3: "left the physical domain",
    4: "converged onto another branch",
    5: "no solution of this branch exists here",
}


#: Order parameters below this are zero when a solution is classified.  Above
#: sqrt(tol): at a continuous transition the iteration stops at m ~ sqrt(tol).
ZERO = 1e-4


def classify(m: float, q: float) -> str:
    """Branch of a solution with condensed overlap ``m`` and replica overlap ``q``.

    Parameters
    ----------
    m : float
        Overlap with the condensed pattern.
    q : float
        Replica (Edwards-Anderson) overlap.

    Returns
    -------
    str
        ``"retrieval"`` where ``|m| > ZERO``, else ``"spin glass"`` where
        ``q > ZERO``, else ``"paramagnet"`` (:data:`ZERO`).
    """
    if abs(m) > ZERO:
        return "retrieval"
    return "spin glass" if q > ZERO else "paramagnet"


@dataclass(frozen=True)
class Transition:
    """A point of a transition line: the parameter ``value`` and the overlap ``m`` there."""

    value: float
    m: float


@dataclass(frozen=True)
class Solution:
    """A point of a replica solution, converged or not (then it says so).

    Attributes
    ----------
    model : str
        ``"hopfield"``, ``"dense"``, ``"sk"``, ...
    params : dict
        Control parameters (``alpha``, ``T``, ``P``, ...).
    order_parameters : dict
        ``m``, ``q``, ``r``, ... at the returned point; also readable as
        ``solution["m"]``.
    free_energy : float
        Free energy per neuron ``f`` (at ``T = 0`` the ground-state energy).
    energy : float
        Internal energy per neuron ``u = d(beta f)/d beta``, what a Monte
        Carlo measures.
    success : bool
        True only when ``residual <= tol`` on the requested branch.
    status : int
        Key of :data:`STATUS`.
    message : str
    n_iter : int
        Iterations (or function evaluations) spent.
    residual : float
        Max-norm of (map - identity) at the returned point.
    branch : str
        ``"retrieval"``, ``"spin glass"``, ``"paramagnet"``, ``"mixture"``.
    stability : float or None
        Replicon (de Almeida-Thouless) eigenvalue where it is defined:
        positive = replica-symmetric solution locally stable.
    """

    model: str
    params: dict
    order_parameters: dict
    free_energy: float
    energy: float
    success: bool
    status: int
    message: str
    n_iter: int
    residual: float
    branch: str
    stability: float | None = field(default=None)

    def __getitem__(self, name: str) -> float:
        return self.order_parameters[name]

    @property
    def entropy(self) -> float:
        """Entropy per neuron ``s = beta (u - f)`` (``nan`` at ``T = 0``).

        At ``T = inf`` (``f = -inf``) every Ising configuration is equally
        likely: ``s = ln 2``.
        """
        T = self.params.get("T", math.nan)
        if math.isinf(T):
            return math.log(2)
        return (self.energy - self.free_energy) / T if T > 0 else math.nan

    def check(self) -> Solution:
        """Return ``self`` if converged, else raise :class:`SolverError`."""
        if not self.success:
            raise SolverError(self)
        return self

    def to_dict(self) -> dict:
        """Plain JSON-serializable dict."""
        return asdict(self)

    def __str__(self) -> str:
        params = ", ".join(
            f"{k}={v:g}" if isinstance(v, int | float) and not isinstance(v, bool) else f"{k}={v}"
            for k, v in self.params.items()
        )
        order = ", ".join(f"{k}={v:.6g}" for k, v in self.order_parameters.items())
        head = f"{self.model}({params}) {self.branch}: {order}, f={self.free_energy:.8g}"
        if self.success:
            return head
        return f"{head} [NOT CONVERGED: {self.message}, residual={self.residual:.2e}]"


class SolverError(RuntimeError):
    """A solver did not converge; ``.solution`` holds what it reached."""

    def __init__(self, solution: Solution):
        super().__init__(str(solution))
        self.solution = solution


def on_branch(wanted: str, *, status: int, message: str, **fields) -> Solution:
    """A :class:`Solution` for a search of branch ``wanted``.

    A converged point classified on another branch (``fields["branch"]``) is
    not a solution of the wanted one: status 4.

    Parameters
    ----------
    wanted : str
        The branch searched for.
    status : int
        The solver's status, a key of :data:`STATUS`.
    message : str
        The solver's message (replaced by ``STATUS[0]`` on success).
    **fields
        The other fields of :class:`Solution` (``branch`` included) but
        ``success``.

    Returns
    -------
    Solution
        ``success`` true only where ``status`` ends 0.

    Raises
    ------
    KeyError, TypeError
        Where ``fields`` lacks a field of :class:`Solution` (``branch``: KeyError)
        or has an unknown one.
    """
    if status == 0 and fields["branch"] != wanted:
        status, message = 4, f"{STATUS[4]} ({fields['branch']}): no {wanted} solution here"
    return Solution(
        **fields, success=status == 0, status=status, message=message if status else STATUS[0]
    )

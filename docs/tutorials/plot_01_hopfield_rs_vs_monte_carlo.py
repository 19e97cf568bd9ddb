"""
Replica theory against Monte Carlo: the Hopfield retrieval overlap
===================================================================

The replica-symmetric theory of Amit, Gutfreund and Sompolinsky (1987)
predicts the overlap ``m(alpha)`` of the retrieval state of the Hopfield
network with ``K = alpha N`` stored patterns.  Here it is solved with
:func:`hebbian.theory.hopfield.solve`, and Monte Carlo at three finite sizes,
averaged over disorder samples, is extrapolated to ``N -> infinity`` with
:func:`hebbian.mc.finite_size.extrapolate` and put on the same axes.
"""

# %%
# The theory line: one solve per load; ``success`` says where the retrieval
# state exists (it ends at ``alpha_c(T)``).
import matplotlib.pyplot as plt
import numpy as np

from hebbian.mc.finite_size import extrapolate
from hebbian.mc.retrieval import retrieval_overlap
from hebbian.theory import hopfield

T = 0.0
alpha_c = hopfield.alpha_c(T).value
alphas = np.linspace(0.01, alpha_c, 40)
theory = [hopfield.solve(a, T) for a in alphas]
m_theory = [s["m"] if s.success else np.nan for s in theory]
print(f"alpha_c(T=0) = {alpha_c:.6f}")

# %%
# Monte Carlo: zero-temperature dynamics started on pattern 0, averaged over
# disorder samples (each point reproducible from its seed).  Sizes and
# samples are small so that the tutorial runs in seconds.
sizes = [200, 400, 800]
loads = [0.04, 0.08, 0.11]
points = {
    (N, a): retrieval_overlap(2, a, T, N, n_samples=6, seed=1, n_sweeps=30, n_burnin=0)
    for N in sizes
    for a in loads
}

# %%
# Extrapolate each load in ``1/N`` and compare with the theory, in error
# bars.
fig, ax = plt.subplots(figsize=(5, 3.5))
ax.plot(alphas, m_theory, "k-", label="RS theory (AGS)")
for N, marker in zip(sizes, "os^", strict=True):
    m = [points[N, a]["m"] for a in loads]
    err = [points[N, a]["error"] for a in loads]
    ax.errorbar(loads, m, err, fmt=marker, mfc="none", label=f"MC, N = {N}")
for a in loads:
    fit = extrapolate(
        sizes, [points[N, a]["m"] for N in sizes], [points[N, a]["error"] for N in sizes]
    )
    rs = hopfield.solve(a, T)["m"]
    n_sigma = (fit.value - rs) / fit.error
    print(f"alpha = {a}: MC extrapolated {fit}; RS {rs:.5f}; {n_sigma:+.1f} sigma")
    ax.errorbar([a], [fit.value], [fit.error], fmt="D", color="C3")
ax.plot([], [], "D", color="C3", label="MC, N -> infinity")
ax.set(xlabel="alpha = K/N", ylabel="retrieval overlap m", ylim=(0.9, 1.005))
ax.legend(fontsize=8, loc="lower left")
fig.tight_layout()

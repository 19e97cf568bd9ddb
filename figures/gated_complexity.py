"""Gated network: fixed points proliferate (topological complexity) apart from chaos (dynamical).

Gated network of Krishnamurthy, Can and Schwab (:class:`hebbian.rnn.GatedRNN`)
with a sharp output gate (``alpha_r = 10``, ``beta_r = 0``) and constant
update gate, where the DMFT onset of chaos is discontinuous
(:func:`hebbian.theory.gated_dmft.chaos_onset`: ``g_chaos = 1.86`` while
``x = 0`` is stable up to ``g = 2``).

(a) Topological complexity.  The annealed Kac-Rice complexity ``Sigma =
    lim (1/N) log E[# fixed points]`` at ``N = inf``
    (:func:`hebbian.theory.fixed_point_complexity.complexity_curve`, the
    maximum over ``Q`` of the profile ``Sigma(Q)``, clipped at 0), and
    fixed points counted at finite ``N``: Newton's method on the reduced
    field in ``h`` (:meth:`hebbian.rnn.GatedRNN.reduced_field`,
    :func:`hebbian.rnn.fixed_points.find_fixed_points`) from many random
    starts (``h ~ N(0, s^2)``, ``s`` from 0.3 to 3), merged by distance;
    ``<log #> / N`` (quenched) and ``log <#> / N`` (annealed, the quantity
    Kac-Rice predicts) over networks, all fixed points and the stable ones
    (a lower bound at that ``N``: the count of distinct roots found
    saturates with the number of starts).
(b) ``lambda_max`` against ``g``: DMFT (attracting solution) and Benettin
    at ``N = 200``.
(c) The vanilla network (``dh/dt = -h + g J tanh(h)``) above ``g = 1``:
    the annealed complexity (:func:`hebbian.theory.fixed_point_complexity.complexity`)
    against its onset ``(16/81) eps^3`` (Eq. (8) there, ``eps = g - 1``)
    and ``lambda_max`` (DMFT, :func:`hebbian.theory.dmft.solve_vanilla`)
    against ``eps^2 / 2``: both vanish at ``g = 1`` but with different
    powers, so the topological complexity does not behave as the dynamical
    one near the transition (``Sigma / lambda_max = 32 eps / 81``).
    Measured: ``Sigma / ((16/81) eps^3)`` = 0.965, 0.902, 0.728, 0.440 and
    ``lambda_max / (eps^2/2)`` = 0.965, 0.903, 0.742, 0.498 at ``eps`` =
    0.01, 0.03, 0.1, 0.3 (both approach 1 linearly in ``eps``).

Dashed line: where ``Sigma`` turns positive (interpolated on the curve's
grid); dotted: the DMFT onset of chaos ``g_chaos`` and ``g = 2``.  The
record holds per ``(g, N)`` the counts (per network, quenched and annealed
means), the fraction of starts that converged, the Kac-Rice curve (``Sigma``,
the maximising ``Q``, ``q`` and ``u``) and the DMFT onset.

Measured.  Kac-Rice (``N = inf``): ``Sigma`` = 0 at ``g = 1.5`` (profile
maximum -0.012), positive from ``g_p = 1.59`` (0.0013 at 1.6), 0.024 at
1.8, 0.044 at 2.0, 0.061 at 2.2, 0.111 at 3.0: fixed points proliferate
(annealed) from ``g_p = 1.59``, below the onset of chaos ``g_chaos =
1.86`` and below ``g = 2`` where ``x = 0`` turns unstable - topological
complexity without dynamical complexity over ``1.59 < g < 1.86`` (the
typical fixed point counted there has ``u > 0``: its reduced Jacobian has
eigenvalues with positive real part).  Finite ``N`` (quick run: N = 6,
10, 3 networks, 30 starts): counts 1 to 7, ``log <#>/N`` 0.08-0.22 at
every ``g``, above ``Sigma`` and flat below ``g_p`` (the ``O(log N / N)``
terms dominate at ``N <= 10``); the trend with ``g`` agrees (``log <#>/N``
at ``g = 3`` above ``g = 1.5`` at both sizes; at ``N = 8``, 16 networks,
150 starts: 0.070, 0.105, 0.207 at ``g = 1.4, 2.2, 3.0`` against ``Sigma``
= 0, 0.061, 0.111), the onset ``g_p`` is not resolved at these sizes.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from threadpoolctl import threadpool_limits

from hebbian.figures._output import MARKERS, labelled, run_figure, subplots
from hebbian.rnn import GatedRNN, lyapunov_spectrum, simulate
from hebbian.rnn.fixed_points import find_fixed_points
from hebbian.theory.dmft import solve_vanilla
from hebbian.theory.fixed_point_complexity import (
    complexity,
    complexity_curve,
    vanilla_complexity_onset,
)
from hebbian.theory.gated_dmft import chaos_onset, fixed_point_gain, solve_gated

DT = 0.1
GATE = {"alpha_r": 10.0, "beta_r": 0.0}


def _settings(quick: bool) -> dict:
    """Sizes of the quick and the full run."""
    if quick:
        return {
            "g": (1.5, 1.8, 2.2, 2.6, 3.0),
            "N": (6, 10),
            "n_net": 3,
            "n_starts": 30,
            "N_lyap": 100,
            "t_lyap": 40.0,
            "n_Q": 10,
            "n_kr": 17,
            "eps_onset": (0.01, 0.03, 0.1, 0.3),
        }
    return {
        "g": (1.4, 1.6, 1.7, 1.8, 1.85, 1.9, 1.95, 2.0, 2.1, 2.2, 2.4, 2.6, 2.8, 3.0, 3.5),
        "N": (6, 10, 14, 18),
        "n_net": 12,
        "n_starts": 300,
        "N_lyap": 400,
        "t_lyap": 200.0,
        "n_Q": 24,
        "n_kr": 43,
        "eps_onset": tuple(np.geomspace(0.003, 0.5, 12)),
    }


def _count(g: float, N: int, k: int, s: dict, seed: int) -> dict:
    """Distinct fixed points of one network from ``n_starts`` Newton runs."""
    ss = np.random.SeedSequence([seed, round(1000 * g), N, k]).spawn(2)
    net = GatedRNN.sample(N, g, rng=ss[0], **GATE)
    rng = np.random.default_rng(ss[1])
    scales = np.geomspace(0.3, 3.0, s["n_starts"])[:, None]
    starts = scales * rng.standard_normal((s["n_starts"], N))
    fp = find_fixed_points(net.reduced_field, net.reduced_jacobian, starts)
    stable = sum(
        bool(np.linalg.eigvals(net.jacobian(net.lift(h))).real.max() < 0) for h in fp.points
    )
    return {
        "count": int(fp.points.shape[0]),
        "stable": int(stable),
        "converged": fp.n_converged / fp.n_starts,
    }


def _kac_rice(gs, s: dict) -> tuple[np.ndarray, list]:
    """Annealed complexity on ``gs`` (:func:`complexity_curve`) and its records."""
    sols = complexity_curve(gs, Q_min=1e-3, Q_max=0.5, n_Q=s["n_Q"], **GATE)
    sigma = np.array([sol["Sigma_max"] if sol.success else np.nan for sol in sols])
    records = [
        {
            "g": float(g),
            "Sigma_max": float(sol["Sigma_max"]),
            "Q": float(sol["Q"]),
            "q": float(sol["q"]),
            "u": float(sol["u"]),
            "success": bool(sol.success),
        }
        for g, sol in zip(gs, sols, strict=True)
    ]
    return sigma, records


def _first_positive(gs, values) -> float:
    """Where ``values`` first crosses 0 upwards along ``gs`` (linear interpolation), or NaN."""
    for k in range(1, len(gs)):
        if values[k - 1] <= 0 < values[k]:
            return float(np.interp(0.0, values[k - 1 : k + 1], gs[k - 1 : k + 1]))
    return math.nan


def _lyapunov(g: float, s: dict, seed: int) -> float:
    ss = np.random.SeedSequence([seed, round(1000 * g), 99]).spawn(3)
    N = s["N_lyap"]
    net = GatedRNN.sample(N, g, rng=ss[0], **GATE)
    rng = np.random.default_rng(ss[1])
    x0 = np.concatenate([1.5 * rng.standard_normal(N), 0.5 * rng.standard_normal(2 * N)])
    x = simulate(net, x0, 100.0, DT, save_every=1000).x[-1]
    res = lyapunov_spectrum(
        net, x, t_transient=10.0, t_max=s["t_lyap"], dt=DT, n_exponents=1, rng=ss[2]
    )
    return float(res.exponents[0])


def _panel_onset(ax, eps) -> dict:
    """(c) Vanilla network above ``g = 1``: ``Sigma`` (Kac-Rice) against ``lambda_max`` (DMFT)."""
    eps = np.asarray(eps, dtype=float)
    kr = [complexity(1.0 + e, Q_max=0.5, n_Q=24) for e in eps]
    dmft = [solve_vanilla(1.0 + e) for e in eps]
    sigma = np.array([k["Sigma"] if k.success else np.nan for k in kr])
    lam = np.array([d.lambda_max if d.success else np.nan for d in dmft])
    fine = np.geomspace(eps.min(), eps.max(), 100)
    ax.loglog(eps, sigma, "ko", ms=5, label=r"$\Sigma$, Kac-Rice (annealed), N = inf")
    ax.loglog(fine, vanilla_complexity_onset(1.0 + fine), "k--", label=r"$(16/81)\,\epsilon^3$")
    ax.loglog(eps, lam, "s", color="C3", ms=5, label=r"$\lambda_{max}$, DMFT")
    ax.loglog(fine, fine**2 / 2, ":", color="C3", label=r"$\epsilon^2 / 2$")
    ax.set(
        xlabel=r"$\epsilon = g - 1$",
        ylabel=r"$\Sigma$ and $\lambda_{max}$",
        title="(c) vanilla network: topological vs dynamical complexity",
    )
    ax.legend(fontsize=7)
    return {
        "eps": eps.tolist(),
        "Sigma": sigma.tolist(),
        "Q": [float(k["Q"]) for k in kr],
        "lambda_max": lam.tolist(),
        "success": [bool(k.success and d.success) for k, d in zip(kr, dmft, strict=True)],
    }


def draw(args) -> tuple:
    """Panels (a)-(c) and the run record."""
    s = _settings(args.quick)

    fig, (ax_c, ax_l, ax_o) = subplots(1, 3, figsize=(19, 5.2))
    gs, Ns = np.array(s["g"]), np.array(s["N"])
    counts = np.empty((gs.size, Ns.size, s["n_net"]))
    stable = np.empty_like(counts)
    converged = np.empty_like(counts)
    with threadpool_limits(1, user_api="blas"):
        for i, g in enumerate(gs):
            for j, N in enumerate(Ns):
                for k in range(s["n_net"]):
                    rec = _count(float(g), int(N), k, s, args.seed)
                    counts[i, j, k], stable[i, j, k] = rec["count"], rec["stable"]
                    converged[i, j, k] = rec["converged"]
        lam_sim = np.array([_lyapunov(float(g), s, args.seed) for g in gs])
    onset = chaos_onset(GATE["alpha_r"], beta_r=GATE["beta_r"])
    grid = gs if args.quick else np.linspace(gs.min(), gs.max(), 4 * gs.size)
    lam_dmft = np.array([solve_gated(g, **GATE).lambda_max for g in grid])
    kr_grid = np.round(np.linspace(1.4, gs.max(), s["n_kr"]), 3)
    kr_sigma, kr_records = _kac_rice(kr_grid, s)
    g_prolif = _first_positive(kr_grid, kr_sigma)
    sigma = np.log(counts) / Ns[None, :, None]
    sigma_stable = np.log(np.maximum(stable, 1)) / Ns[None, :, None]
    annealed = np.log(counts.mean(axis=2)) / Ns[None, :]
    records = []
    ax_c.plot(kr_grid, np.maximum(kr_sigma, 0.0), "k-", lw=1.6, label="Kac-Rice, N = inf")
    for j, N in enumerate(Ns):
        mean = sigma[:, j].mean(axis=1)
        err = sigma[:, j].std(axis=1, ddof=1) / math.sqrt(s["n_net"])
        # colour and marker tell the sizes apart, the line style the three counts
        size = {"color": f"C{j}", "marker": MARKERS[j % len(MARKERS)]}
        ax_c.errorbar(gs, mean, err, ls="-", ms=4, capsize=2, **size, label=f"<log #>/N, N = {N}")
        ax_c.plot(gs, annealed[:, j], ls=":", ms=4, mfc="none", **size, label=f"log<#>/N, N = {N}")
        ax_c.plot(
            gs,
            sigma_stable[:, j].mean(axis=1),
            ls="--",
            ms=3,
            lw=0.8,
            **size,
            label=f"stable, N = {N}",
        )
        for i, g in enumerate(gs):
            records.append(
                {
                    "g": float(g),
                    "N": int(N),
                    "log_count_per_N": float(mean[i]),
                    "log_mean_count_per_N": float(annealed[i, j]),
                    "error": float(err[i]),
                    "counts": counts[i, j].tolist(),
                    "stable": stable[i, j].tolist(),
                    "converged_fraction": float(converged[i, j].mean()),
                }
            )
    for ax in (ax_c, ax_l):
        ax.axvline(onset["g_chaos"], color="C3", ls=":", lw=1.0)
        ax.axvline(fixed_point_gain(GATE["beta_r"]), color="k", ls=":", lw=1.0)
        ax.axvline(g_prolif, color="C2", ls="--", lw=1.0)
    ax_c.set(
        xlabel="gain g",
        ylabel=r"$\log(\#\,\mathrm{fixed\ points}) / N$",
        title="(a) topological complexity (dashed: Sigma > 0; dotted: DMFT chaos onset, "
        "x = 0 unstable)",
    )
    ax_c.title.set_fontsize(9)
    ax_c.legend(fontsize=7)
    ax_l.plot(grid, lam_dmft, "k.-", ms=3, lw=1.2, label="DMFT (points: computed)")
    ax_l.plot(gs, lam_sim, "o", color="C3", label=f"Benettin, N = {s['N_lyap']}")
    ax_l.axhline(0.0, color="gray", lw=0.7, ls=":")
    ax_l.set(xlabel="gain g", ylabel=r"$\lambda_{max}$", title="(b) dynamical complexity")
    ax_l.legend(fontsize=7)
    vanilla = _panel_onset(ax_o, s["eps_onset"])
    fig.tight_layout()
    data = xr.Dataset(
        {
            "log_count": labelled(
                ("g", "N", "network"),
                sigma,
                "(a) log of the number of distinct fixed points over N",
            ),
            "log_stable": labelled(
                ("g", "N", "network"),
                sigma_stable,
                "(a) log of the number of stable fixed points over N",
            ),
            "lambda_sim": labelled("g", lam_sim, "(b) lambda_max, Benettin"),
            "lambda_dmft": labelled("g_dmft", lam_dmft, "(b) lambda_max, DMFT"),
            "kac_rice": labelled(
                "g_kr", kr_sigma, "(a) annealed Kac-Rice complexity max_Q Sigma(Q), N = inf"
            ),
            "log_mean_count": labelled(
                ("g", "N"), annealed, "(a) log of the mean number of fixed points over N"
            ),
            "vanilla_sigma": labelled(
                "eps", vanilla["Sigma"], "(c) vanilla network: annealed Kac-Rice complexity"
            ),
            "vanilla_lambda_dmft": labelled(
                "eps", vanilla["lambda_max"], "(c) vanilla network: lambda_max, DMFT"
            ),
        },
        coords={
            "g": labelled("g", gs, "gain g"),
            "N": labelled("N", Ns, "number of neurons"),
            "network": labelled("network", np.arange(s["n_net"]), "network index"),
            "g_dmft": labelled("g_dmft", grid, "gain g of the DMFT curve"),
            "g_kr": labelled("g_kr", kr_grid, "gain g of the Kac-Rice curve"),
            "eps": labelled("eps", vanilla["eps"], "(c) vanilla network: g - 1"),
        },
    )
    meta = {
        "settings": s,
        "gate": GATE,
        "onset": onset,
        "g_fixed_point": fixed_point_gain(GATE["beta_r"]),
        "counts": records,
        "lambda_sim": dict(zip(map(float, gs), lam_sim.tolist(), strict=True)),
        "kac_rice": kr_records,
        "g_proliferation": g_prolif,
        "vanilla_onset": vanilla,
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("gated_complexity", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()

"""Phase diagrams of dense networks learning from examples: every RS line vs the data-set entropy.

Rows P = 2, 3, 4. (a) Supervised network, examples of quality r = 0.5, M
examples per class at data-set entropy rho = 0.25 (Gaussian limit of the
example mean, all index tuples as the Monte Carlo networks):
:mod:`hebbian.theory.learning_phase`'s retrieval spinodal alpha_c(T) (no
retrieval state at larger loads), thermodynamic retrieval transition (retrieval
the RS equilibrium at smaller loads), RS instability of the retrieval state
(replicon < 0 at larger loads), spin-glass line (the m = 0, q > 0 state
appears) and the paramagnet's boundary (the spin glass wins or, P >= 3, the RS
paramagnet's entropy turns negative). Thin grey: the spinodal of perfect
examples (rho = 0, the storage model with self-interactions). The instability
line ends on the spinodal above the nose of the reentrant alpha_c(T)
(:func:`hebbian.theory.learning_phase.instability_meets_spinodal`; perfect
examples, P = 2: T = 0.02507, alpha = 0.1381859, where AGS's T_AT reaches T_M,
against the maximum 0.1381885 at T = 0.0229; the meeting load is the one-step
RSB capacity at T = 0, 0.138186, to its six published digits). Points: Monte
Carlo of the supervised network started on the never-shown archetype, the load
at which half of the chains keep it (overlap above 0.5, P = 2 and 4, or 0.4,
P = 3, through 150 sweeps; a binomial logistic fit over the loads,
:func:`~hebbian.figures._extrapolated.binomial_crossing`), at two to four N
(grey) and extrapolated linearly in 1/N (red; the record also holds the
N^(-2/3) fit). The fit's binomial counts disorder samples, not chains: the
two chains of a sample share their fate (``_crossings``). The full run's
numbers (loads in units of the RS alpha_c(T); 12 samples a load, each load its
own). P = 2 (N = 500, 1000, 2000): the
extrapolated spinodal is -0.6, +2.0 and -1.0 sigma from RS at T = 0.15, 0.3,
0.5 (at 0.3 the crossings are flat in N, 1.12, 1.14, 1.12; on another set
of samples, ``--seed 1``, 1.33, 1.06, 1.05, extrapolated 0.96(7), -0.6
sigma, 1.7 combined errors from this set); the chains that
stay have RS's overlap (N = 2000, T = 0.3: 0.850(4), 0.845(6) against 0.853,
0.830 at 0.6, 0.8 alpha_c). P = 3 (T = 0.099, K = alpha N^2, N = 200, 400,
800): half of the chains keep the archetype up to 0.77(6), 0.93(5), 0.95(5)
alpha_c, extrapolated 1.03(6) alpha_c linearly in 1/N (+0.5 sigma, chi^2 0.6
for one degree of freedom) and 1.10(9) in N^(-2/3) (+1.1 sigma: escape over a
barrier vanishing as (alpha_c - alpha)^(3/2)); at 1.2 alpha_c 0, 3 and 2 of
the 24 chains stay; the chains that stay have nearly RS's overlap (N = 800:
0.820(6), 0.765(16), 0.669(24) against 0.831, 0.785, 0.737 at 0.5, 0.7, 0.85
alpha_c).
(Interpolating between the two loads around one half, as earlier versions did,
put N = 800 at 1.00 and, on another set of samples, at 0.84: one chain of 24
moves that estimate to the next load.) P = 4 (T = 0.0238, 0.42 of T_M,
K = alpha N^3, entries up to 12: the exact integer engine admits these by its
bound on the patterns themselves, :func:`hebbian.mc.model.check_exact`; the
sizes alone stop at N ~ 125): half of the chains keep the archetype up to
0.53(23), 0.81(10), 0.96(9), 1.02(8) alpha_c at N = 120, 160, 180, 240: the
crossing rises through the spinodal, extrapolated 1.47(24) (+2.0 sigma;
N^(-2/3) 1.74(36), +2.1). The retained chains have nearly RS's overlap
(N = 180: 0.887(17), 0.822(15), 0.832(24) against 0.867, 0.835, 0.802 at 0.5,
0.7, 0.85 alpha_c; N = 240: 0.828(17), 0.806(18), 0.811(15)). At N = 240, 0.58
of the chains still hold the archetype at alpha_c and 0.25 at 1.2 alpha_c
(overlap 0.80 and 0.81; RS at the fold 0.74) through 150 sweeps, and at N = 120
0.29 at 1.2 alpha_c. Whether that is slow escape or the finite-N landscape, the
equilibrium at fixed overlap decides (triangles, :data:`SLOPE_MC`: chains held
at archetype overlap m by pair moves, the slope df/dm of the Landau free energy
by flip insertion and deletion, :func:`hebbian.mc.learning.archetype_slope`,
against RS's :func:`hebbian.theory.learning.constrained`; filled: the lowest
slope over the overlaps held is negative by two errors, a retrieval minimum
exists; open: positive by two errors, none; half: neither). N = 160 (6
samples): -0.0145(61) at 0.6 alpha_c (RS -0.0113; at m = 0.675 -0.0114(60), RS
-0.0127), so RS's Landau slope is confirmed there, and +0.0145(50) at alpha_c
(RS +0.0013): the minimum disappears at 0.80(5) alpha_c, against half-retention
at 0.81(10). N = 240 at alpha_c, the figure's 4 samples: +0.0003(8) and
-0.0075(56) at m = 0.683 and 0.758 (RS +0.0010); three more sets of 4 samples
(other seeds, run apart) give +0.0069(37), +0.0034(43); +0.0071(64),
+0.0043(84); +0.0105(40), +0.0134(54), and an earlier run -0.0081(45) at its
lower slope: the sets scatter more than their 4-sample errors say. Over the
four sets' 16 samples (errors from the spread of the sets): +0.0062(21) and
+0.0034(43), RS's slope within 0.6 errors, no minimum. So the finite-N
spinodal moves up with N, from 0.80(5) alpha_c at N = 160 to RS's alpha_c at
N = 240, where half of the free chains keep the archetype up to 1.02(8)
alpha_c: at the largest N both the equilibrium landscape and the free chains
agree with RS, and the crossings are not mainly a slow escape. Their linear
extrapolation (1.47(24)) extrapolates a quantity that moves fast between
N = 120 and 180; whether the spinodal stops at alpha_c (RS) or keeps rising
needs N > 240. The
pair moves are accepted 0.7 - 1.7 % of the time (3000 sweeps after 750 of
burn-in, 4 chains a sample); the insertion and deletion estimates differ by at
most 0.0083, about their errors. Each load draws its own 12 samples. (b) The
same for the unsupervised network (every example stored: K M vectors, more
cross-talk): for P = 3 the self-interactions of the stored examples add a
random field 1/r^4 times the supervised one, which smooths the spin-glass onset
into a crossover (no line) and shrinks the retrieval region. Points: the
half-retention Monte Carlo of (a) on the unsupervised network (K M = 12 K
stored examples; the RS line from the Amit-Gutfreund-Sompolinsky spectrum of
:func:`hebbian.theory.learning.crosstalk`, and at P >= 3 the examples'
self-interaction field). Full run, 12 samples a load. P = 2 (N = 500, 1000,
2000, loads 0.6 - 2.0 alpha_c): crossings 1.37, 1.11, 1.14 alpha_c at T = 0.15,
1.13, 1.10, 1.02 at 0.3 and 1.12, 0.99, 1.05 at 0.5, extrapolated linearly in
1/N to 1.05(7), 0.98(8) and 1.03(8) alpha_c: +0.7, -0.3 and +0.3 sigma from RS;
the chains that stay have RS's overlap (N = 2000: 0.883(7), 0.874(6) against
0.888, 0.865 at 0.6, 0.8 alpha_c, T = 0.15; 0.853(4), 0.815(24) against 0.849,
0.825 at 0.3; 0.753(9), 0.726(8) against 0.756, 0.732 at 0.5). P = 3 (the
loads, temperature and sizes of (a); alpha_c 0.00967, 6.4 times below the
supervised one): 0.84(10), 0.90(6), 0.95(4) alpha_c at N = 200, 400, 800,
extrapolated 0.98(7) (-0.3 sigma; N^(-2/3) 1.02(10), +0.2); the retained
overlap at N = 800 0.831(5), 0.789(7), 0.739(13) against RS's 0.838, 0.795,
0.751 at 0.5, 0.7, 0.85 alpha_c. P = 4 (the loads, temperature and sizes of
(a); alpha_c 0.000543, 13 times below the supervised one): with M r^4 = 0.75 < 1
one example outweighs the archetype in the unsupervised energy, and RS's
example state (:func:`hebbian.theory.learning.solve_example`: m = r,
f = -0.0371 at 0.5 alpha_c) lies below the archetype state (f = -0.0308), so
a chain can fall into one example (overlap 1.00 with it, m = that example's
own overlap with the archetype, r +- sqrt((1 - r^2)/N)). A chain whose
overlap with one of the class's examples exceeds 0.9 is counted as fallen
(:data:`SPINODAL_MC`'s ``example_ceiling``), and the half-retention
fraction is that of the chains that did not fall. At these N most do:
42 - 83 % at 0.5 - 0.85 alpha_c, 13 - 33 % at 1.2 alpha_c (where more of them
lose the archetype otherwise), and at zero load (K = 3, :func:`example_capture`)
88, 58, 17, 0, 0 % at N = 60, 120, 240, 480, 960 (another set of samples:
77, 69, 50, 8, 2 %): RS's archetype state treats the class's examples as
equivalent, while at finite N their overlaps with the archetype spread as
sqrt((1 - r^2)/N) (+-0.08 at N = 120) and the field weighs each by that
overlap cubed, so the best one draws the chain; the capture is a finite-N
effect, gone by N ~ 500, not an effect of the load. The chains
that stay hold RS's archetype overlap: 0.858(12), 0.837(23), 0.884(13),
0.842(18) at N = 120, 160, 180, 240 against 0.868 at 0.5 alpha_c (the mean
over all retained chains, archetype and example states together, was 0.65);
0.825(25), 0.793(16), 0.827, 0.791(11) against 0.838 at 0.7 alpha_c. Half
of those kept it up to 0.77(25), 1.08(9), 0.86(8), 1.08(15) alpha_c,
extrapolated 1.11(36) (+0.3 sigma, chi^2 4.1 for 2 degrees of freedom): the
few chains left (4 - 21 a load) do not pin alpha_c, but do not contradict
it. At P = 2 and 3 (M r^P = 3 and 1.5) no chain fell into an example (P = 3:
none of 48 at zero load, N = 100 - 800, nor of 72 at 0.7 - 1.2 alpha_c,
N = 200), and the plain half-retention crossings test alpha_c. (c) Low
load: the highest temperature of the retrieval state T_M against rho (both
protocols: identical at low load), with Monte Carlo (K = 3 classes)
temperatures at which half of the chains keep the archetype (overlap > 0.2
through the run), at two or three N (grey) and extrapolated linearly in 1/N
(red), against the RS T_M of the same finite M. Full run (N = 200, 400, 800, 12
samples): P = 3 at -0.9, -1.8, -0.9, -2.2, -1.4 sigma from RS at rho = 0.05,
0.2, 0.5, 1.0, 1.5 (M = 60, 15, 6, 3, 2), all five 0.9 - 3.0 % below it (M = 3:
0.2174(31) against 0.2241); P = 4 at -4.9, +0.5, -0.7, -1.4, -1.1 sigma (M = 3
and 2: no crossing inside the temperatures at N = 200), the outlier 5 % below
RS (M = 60: 0.0708(7) against 0.0745) with crossings nearly flat in N (0.0687,
0.0696, 0.0703 at N = 200, 400, 800; an earlier run on other samples: 0.0687,
0.0700, 0.0698). For P = 4, M = 60 the theory holds sample by sample: the
mean-field spinodal of each sample's own network (the naive mean-field
iteration from the archetype, exact for a fully connected network at low load)
has median 1.00 T_M over 12 samples at N = 800 (0.96 - 1.04: the example sums'
mean magnitude, hence the signal, fluctuates by ~0.5 % and enters to the power
P). The chains leave where a sample's own spinodal lies within ~3 % of T, where
the mean-field barrier N Delta f / T is ~10 and is crossed within 150 sweeps of
N flips; with the samples' spread this puts the half-retention point ~5 % below
T_M at these N, closing only slowly, roughly as (ln N / N)^(2/3) and N^(-1/2):
the crossing is a finite-N, finite-time quantity and its 1/N extrapolation
falls short. The P = 3 lag likewise (M = 3, the largest): the samples' own
spinodals have median 1.03 and 1.01 T_M (8 samples at N = 800 and 3200), with a
spread of ~3 % that did not shrink between these N (not understood). For P = 2 the state
vanishes continuously at T = 1 whatever rho.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian import mc
from hebbian.figures._extrapolated import binomial_crossing, half_crossing
from hebbian.figures._output import (
    joined,
    labelled,
    run_figure,
    smooth_path,
    subplots,
    sweep,
)
from hebbian.theory import learning as L
from hebbian.theory import learning_phase as LP

TASK = "hebbian.mc.learning:archetype_overlap"
R, RHO = 0.5, 0.25
STYLES = {
    "spinodal": ("k", "-"),
    "equilibrium": ("C0", (0, (7, 2))),
    "instability": ("C3", "--"),
    "glass": ("C2", "-."),
    "freezing": ("C1", ":"),
}


def examples_for(r: float, rho: float) -> float:
    """Examples per class at quality ``r`` and data-set entropy ``rho`` (real: Gaussian limit)."""
    return math.inf if rho == 0 else (1 - r * r) / (rho * r * r)


def _retention(args, name: str, grid: dict, P: int, M: int, n_samples: int, **fixed):
    """A sweep of :data:`TASK` on the ``P`` network learning from ``M`` examples of quality
    :data:`R` a class, chains started on the archetype: 50 sweeps, then 100 measured."""
    run = {"n_samples": n_samples, "n_sweeps": 100, "n_burnin": 50}
    return sweep(args, name, TASK, grid, P=P, r=R, M=M, **run, **fixed)


def _crossings(xs, kept, n_samples, Ns) -> dict:
    """Per N the half crossing of the retained fractions ``kept`` (rows: N) along ``xs``
    (:func:`~hebbian.figures._extrapolated.binomial_crossing` over ``n_samples`` disorder
    samples, or ``n_samples[k]`` at each point of row ``k``: the binomial's independent
    units are the samples, not the chains, for the two chains of a sample share their fate
    near the crossing, a correlation of 0.84 at P = 2 and 0.78 at P = 3, which makes two
    chains worth 1.1 independent ones); their extrapolation linear in 1/N
    (``extrapolated``, ``error``) and in N^(-2/3) (``..._n23``: escape over a barrier
    vanishing as the distance to a fold to the power 3/2)."""
    n_samples = np.broadcast_to(n_samples, np.shape(kept))
    per_N = np.array(
        [binomial_crossing(xs, row, n) for row, n in zip(kept, n_samples, strict=True)]
    )
    record = {
        "N": list(Ns),
        "crossing": per_N[:, 0].tolist(),
        "errors": per_N[:, 1].tolist(),
        "extrapolated": math.nan,
        "error": math.nan,
    }
    ok = np.isfinite(per_N[:, 0])
    if ok.sum() >= 2:
        fit = mc.extrapolate(np.asarray(Ns)[ok], per_N[ok, 0], per_N[ok, 1])
        record.update(extrapolated=fit.value, error=fit.error, chi2=fit.chi2)
        fit = mc.extrapolate(np.asarray(Ns)[ok], per_N[ok, 0], per_N[ok, 1], omega=2 / 3)
        record.update(extrapolated_n23=fit.value, error_n23=fit.error)
    return record


#: Monte Carlo on the retrieval spinodal of both protocols, per P: sizes, temperatures
#: (fractions of the low-load T_M), loads (fractions of alpha_c(T)) of the quick and full
#: runs, and the archetype overlap a retained chain stays above (the RS overlap at the fold
#: is 0.61 - 0.67 for P = 3 at T = 0.1, 0.74 for P = 4 at T = 0.0238, the other states'
#: below 0.3).  P = 3 and 4 in the full run only: at N = 200 (P = 3) the retained fraction
#: still falls over the whole retrieval region.  A sweep costs N K M' (M' = 1 supervised,
#: M unsupervised: it stores every example); the unsupervised alpha_c is 6.4 (P = 3) and 13
#: (P = 4) times smaller, so both protocols cost about the same: P = 3 at N = 800 takes
#: 3.5 - 8 (supervised) and 6 - 13 (unsupervised) CPU minutes a load on a Zen 5 core;
#: P = 4 at N = 120, 160, 180, 240 1.5, 5, 8 and ~25 CPU minutes on a Zen 1 core.
#: ``example_ceiling`` (unsupervised): a chain whose overlap with one of the class's examples
#: exceeds it has fallen into that example's state (``M r^P < 1``: P = 4 here; at P = 3 no
#: chain did, at low load N = 100 - 800 or at 0.7 - 1.2 alpha_c, N = 200) and is not counted:
#: the fraction kept is that of the chains that did not fall into an example
#: (:func:`example_capture` shows how many do, by N).
#: ``caveat``: per protocol, how to read the full run's crossings, shown on the panel.
SPINODAL_MC = {
    2: {
        "quick": ([500, 1000], [0.3], [0.8, 1.0, 1.25, 1.6]),
        "full": ([500, 1000, 2000], [0.15, 0.3, 0.5], [0.6, 0.8, 1.0, 1.2, 1.5, 2.0]),
        "threshold": 0.5,
    },
    3: {
        "quick": None,
        "full": ([200, 400, 800], [0.42], [0.5, 0.7, 0.85, 1.0, 1.2]),
        "threshold": 0.4,
    },
    4: {
        "quick": None,
        "full": ([120, 160, 180, 240], [0.42], [0.5, 0.7, 0.85, 1.0, 1.2]),
        "threshold": 0.5,
        "example_ceiling": 0.9,
        "caveat": {
            "supervised": "the finite-N spinodal itself moves up with N (fixed-m MC below)",
            "unsupervised": "kept: of the chains not fallen into one example (overlap > 0.9;\n"
            "$M r^4$ = 0.75 < 1); they hold RS's m (0.84-0.88 vs 0.87 at 0.5 $\\alpha_c$)",
        },
    },
}


def spinodal_points(args, ax, P, M, top, plan, n_samples, records, protocol="supervised") -> str:
    """Monte Carlo loads where half of the chains of the ``protocol`` network keep the archetype.

    ``plan``: sizes, temperatures (fractions of ``top``) and loads (fractions of
    ``alpha_c(T)``), as in :data:`SPINODAL_MC`; a record per temperature goes to
    ``records`` (crossings per N, their 1/N extrapolation, the retained chains' overlap
    against RS below ``alpha_c``).  Returns the panel's note: per temperature the
    crossings and their extrapolation in units of ``alpha_c`` (for an ``example_ceiling``
    plan also the zero-load capture, :func:`example_capture`), and the plan's ``caveat``.
    """
    Ns, fractions, loads = plan
    note = [f"MC half-retention, N = {Ns[0]}-{Ns[-1]}, in units of RS $\\alpha_c(T)$:"]
    # the supervised sweeps keep the names and parameters of their stored files
    named = {} if protocol == "supervised" else {"protocol": protocol}
    ceiling = SPINODAL_MC[P].get("example_ceiling") if protocol == "unsupervised" else None
    if ceiling is not None:
        named["example_ceiling"] = ceiling
    tag = "".join(f"_{value}" for value in named.values())
    for f in fractions:
        T = f * top
        a_c = L.alpha_c(P, T, R, M, protocol=protocol).value
        alphas = [a_c * x for x in loads]
        ds = _retention(
            args,
            f"learning_phase.P{P}_T{f}{tag}",
            {"N": Ns, "alpha": alphas},
            P,
            M,
            n_samples,
            T=T,
            **named,
            threshold=SPINODAL_MC[P]["threshold"],
        ).transpose("N", "alpha")
        kept, units = ds["retained"].values, np.full(ds["retained"].shape, float(n_samples))
        if ceiling is not None:  # of the chains that did not fall into an example
            free = 1 - ds["in_example"].values
            units = units * free
            kept = np.divide(kept, free, out=np.full_like(kept, np.nan), where=free > 0)
        rec = _crossings(np.array(alphas), kept, units, Ns)
        rec.update(P=P, T=T, M=M, theory=a_c, line="spinodal", loads=alphas, protocol=protocol)
        rec["retained"] = kept.tolist()
        if ceiling is not None:
            rec["in_example"] = ds["in_example"].values.tolist()
        rec["m_retained"] = ds["m"].values.tolist()
        rec["m_error"] = ds["error"].values.tolist()
        rec["m_rs"] = [
            L.solve(P, a, T, R, M, protocol=protocol)["m"] if a < a_c else math.nan for a in alphas
        ]
        for tail in ("", "_n23"):
            if np.isfinite(rec.get(f"error{tail}", math.nan)):
                rec[f"n_sigma{tail}"] = (rec[f"extrapolated{tail}"] - a_c) / rec[f"error{tail}"]
        records.append(rec)
        note.append(_crossing_note(rec, a_c, f"T = {T:.3g}"))
        if ceiling is not None:
            note.append(example_capture(args, P, M, T, ceiling, n_samples, records))
        ax.plot(rec["crossing"], [T] * len(Ns), "o", color="gray", ms=3)
        label = "MC half-retention, 1/N fit" if f == fractions[0] else None
        ax.errorbar(
            [rec["extrapolated"]],
            [T],
            xerr=[rec["error"]],
            fmt="s",
            color="C3",
            ms=5,
            capsize=3,
            label=label,
        )
    caveat = SPINODAL_MC[P].get("caveat", {}).get(protocol)
    if caveat:
        note.append(caveat)
    return "\n".join(note)


#: Sizes at which :func:`example_capture` counts the chains that fall into an example.
CAPTURE_N = [60, 120, 240, 480, 960]


def example_capture(args, P: int, M: int, T: float, ceiling: float, n_samples: int, records):
    """Chains started on the archetype of the unsupervised network that fall into one example.

    At zero load (K = 3 classes) and the sizes :data:`CAPTURE_N`: the fraction of
    chains whose overlap with one of the class's examples exceeds ``ceiling``
    (:func:`hebbian.mc.learning.archetype_overlap`).  RS's archetype state overlaps all
    the class's examples equally (they are equivalent as ``N -> infinity``); at finite
    N their overlaps with the archetype spread as ``sqrt((1 - r^2)/N)``, and the
    best one, weighted by its overlap to the power ``P - 1`` in the field, can draw the
    chain into its own state.  A record goes to ``records``; returns the panel's line.
    """
    ds = _retention(
        args,
        f"learning_phase.P{P}_capture",
        {"N": CAPTURE_N},
        P,
        M,
        n_samples,
        alpha=0.0,
        K=3,
        T=T,
        protocol="unsupervised",
        threshold=SPINODAL_MC[P]["threshold"],
        example_ceiling=ceiling,
    )
    fell = ds["in_example"].values
    records.append(
        {
            "P": P,
            "T": T,
            "M": M,
            "line": "example capture, zero load",
            "N": CAPTURE_N,
            "in_example": fell.tolist(),
            "m_retained": ds["m"].values.tolist(),
            "m_rs": L.solve(P, 0.0, T, R, M, protocol="unsupervised")["m"],
        }
    )
    shares = ", ".join(f"{100 * x:.0f}" for x in fell)
    return f"into one example at zero load: {shares} % (N = {CAPTURE_N[0]}-{CAPTURE_N[-1]})"


#: Equilibrium at fixed archetype overlap (:func:`hebbian.mc.learning.archetype_slope`),
#: full run only: per P, the temperature (fraction of the low-load T_M), per N the loads
#: (fractions of alpha_c(T)), the overlaps held (around RS's minimum of the slope at the
#: fold, m ~ 0.72 for P = 4), samples and sweeps.  The chains hold the overlap with pair
#: moves, whose acceptance is ~1-2 % here, so a point is thousands of sweeps: N = 160 takes
#: ~12 CPU min a load, N = 240 ~40.
SLOPE_MC = {
    4: {
        "fraction": 0.42,
        "loads": {160: [0.6, 1.0], 240: [1.0]},
        "overlaps": [0.68, 0.76],
        "n_samples": {160: 6, 240: 4},
        "n_sweeps": 3000,
    },
}


def slope_sweeps(args, P: int, M: int, top: float) -> dict:
    """Run (or resume) :data:`SLOPE_MC`'s sweeps for ``P``: per N the Dataset over loads."""
    plan = SLOPE_MC[P]
    T = plan["fraction"] * top
    a_c = L.alpha_c(P, T, R, M).value
    return {
        N: sweep(
            args,
            f"learning_phase.P{P}_T{plan['fraction']}_slope_N{N}",
            "hebbian.mc.learning:archetype_slope",
            {"alpha": [a_c * x for x in loads]},
            P=P,
            T=T,
            N=N,
            r=R,
            M=M,
            overlaps=plan["overlaps"],
            n_samples=plan["n_samples"][N],
            n_sweeps=plan["n_sweeps"],
            n_burnin=plan["n_sweeps"] // 4,
            n_replicas=4,
        )
        for N, loads in plan["loads"].items()
    }


def slope_points(args, ax, P: int, M: int, top: float, records) -> str:
    """Supervised network: where the Landau free energy in the archetype overlap still has
    a retrieval minimum, from Monte Carlo at fixed overlap, against RS's slope.

    At each N and load the lowest measured slope ``phi = df/dm`` over the overlaps held:
    a filled triangle where it is negative by two errors (a retrieval minimum exists), open
    where positive by two errors (none), half where neither; where two loads bracket its
    zero, the load at which the minimum disappears (linear interpolation, a cross).
    Returns the panel's note.
    """
    plan = SLOPE_MC[P]
    T = plan["fraction"] * top
    a_c = L.alpha_c(P, T, R, M).value
    note = ["MC at fixed overlap, lowest slope df/dm (RS in brackets):"]
    first = True
    for k, (N, ds) in enumerate(slope_sweeps(args, P, M, top).items()):
        lows = []
        for alpha in ds["alpha"].values:
            point = ds.sel(alpha=alpha)
            slopes, errors = point["slope"].values, point["error"].values
            low = int(np.argmin(slopes))
            held = float(point["m"].values[low])
            rs = L.constrained(P, held, alpha, T, R, M)["lambda"]
            z = slopes[low] / errors[low]
            fill = "full" if z < -2 else ("none" if z > 2 else "left")
            label = "MC at fixed m: minimum yes/no" if first else None
            height = T * (1.06 + 0.05 * k)
            ax.plot([alpha], [height], "^", color="C4", fillstyle=fill, label=label)
            offset = {"xytext": (4, 0), "textcoords": "offset points"}
            ax.annotate(f"{N}", (alpha, height), fontsize=6, va="center", **offset)
            first = False
            records.append(
                {
                    "P": P,
                    "T": T,
                    "N": int(N),
                    "alpha": float(alpha),
                    "theory": a_c,
                    "line": "slope at fixed overlap",
                    "m": point["m"].values.tolist(),
                    "slope": slopes.tolist(),
                    "error": errors.tolist(),
                    "gap": point["gap"].values.tolist(),
                    "acceptance": point["acceptance"].values.tolist(),
                    "rs_slope": rs,
                }
            )
            note.append(
                f"N = {N}, {alpha / a_c:.2f} $\\alpha_c$, m = {held:.2f}: "
                f"{slopes[low]:+.4f}({round(1e4 * errors[low])}) [{rs:+.4f}]"
            )
            lows.append((slopes[low], errors[low]))
        lowest, error = np.array(lows).T
        lost, lost_error = half_crossing(ds["alpha"].values, 0.5 - lowest, error)
        if np.isfinite(lost):
            records[-1].update(minimum_lost=lost, minimum_lost_error=lost_error)
            ax.errorbar([lost], [height], xerr=[lost_error], fmt="x", color="C4", capsize=2)
            where = f"{lost / a_c:.2f}({round(100 * lost_error / a_c)})"
            note.append(f"N = {N}: the minimum disappears at {where} $\\alpha_c$")
    return "\n".join(note)


def _crossing_note(rec: dict, unit: float, where: str) -> str:
    """One line of a panel's note: the crossings per N and their 1/N extrapolation, in ``unit``."""
    per_N = ", ".join(f"{c / unit:.2f}" for c in rec["crossing"])
    if not np.isfinite(rec["error"]):
        return f"{where}: {per_N}"
    sigma = f" ({rec['n_sigma']:+.1f}$\\sigma$)" if "n_sigma" in rec else ""
    value, error = rec["extrapolated"] / unit, rec["error"] / unit
    return f"{where}: {per_N} -> {value:.2f}({round(100 * error)}){sigma}"


def _diagram(ax, P, protocol, Ts, ref, lines):
    """One (alpha, T) diagram; returns its Dataset.

    ``ref``: the spinodal of perfect examples at ``Ts``, drawn for reference.
    """
    M = examples_for(R, RHO)
    d = LP.phase_diagram(P, R, M, Ts, protocol=protocol, lines=lines)
    for name, values in d.lines.items():
        color, style = STYLES[name]
        ax.plot(values, Ts, color=color, ls=style, marker=".", ms=4, label=name)
    ax.plot(*smooth_path(ref, Ts), color="gray", lw=0.8, label=r"spinodal, $\rho$ = 0")
    data = {
        f"{name}": labelled("T_line", v, f"load alpha of the RS {name} line")
        for name, v in d.lines.items()
    }
    data["spinodal_rho0"] = labelled("T_line", ref, "load alpha of the spinodal, rho = 0")
    data["T_value"] = labelled("T_line", Ts, "temperature of the theory lines")
    coords = {"T_line": labelled("T_line", np.arange(len(Ts)), "index of the temperature")}
    ax.set(
        xlabel=rf"$\alpha = K/N^{{{P - 1}}}$",
        ylabel="T",
        ylim=(0, None),
        xlim=(0, None),
        title=f"P = {P}, {protocol}, r = {R}, $\\rho$ = {RHO}",
    )
    return xr.Dataset(data, coords=coords)


def _low_load(args, ax, P, mode, n_samples, records) -> tuple[xr.Dataset, str]:
    """T_M against rho at low load, with Monte Carlo melting temperatures; and the panel's note
    (the crossings per N and their extrapolation in units of T_M)."""
    rhos = np.geomspace(0.02, 2.0, 2 if mode == "quick" else 16)
    tol = 1e-3 if mode == "quick" else 1e-5
    line = [L.T_M(P, 0.0, R, examples_for(R, rho), limit="gaussian", tol=tol) for rho in rhos]
    ax.plot(rhos, line, "k-", label="RS $T_M$")
    data = {"T_M": labelled("rho", line, "highest temperature of the retrieval state, low load")}
    note = ["P = 2: the state vanishes continuously at T = 1"]
    missed = False  # an extrapolation more than three errors from RS
    if P > 2:
        Ns = [100, 300] if mode == "quick" else [200, 400, 800]
        note = [f"MC half-retention, N = {Ns[0]}-{Ns[-1]}, in units of RS $T_M$:"]
        for rho in [0.1] if mode == "quick" else [0.05, 0.2, 0.5, 1.0, 2.0]:
            M = max(1, round(examples_for(R, rho)))
            rho_M = (1 - R * R) / (M * R * R)
            T_th = L.T_M(P, 0.0, R, M, tol=tol)
            Ts = [
                T_th * x
                for x in (
                    [0.85, 0.95, 1.05, 1.15]
                    if mode == "quick"
                    else [0.85, 0.9, 0.95, 1.0, 1.05, 1.1, 1.15]
                )
            ]
            ds = _retention(
                args,
                f"learning_phase.low_P{P}_rho{rho}",
                {"N": Ns, "T": Ts},
                P,
                M,
                n_samples,
                alpha=0.0,
                K=3,
            ).transpose("N", "T")
            kept = ds["retained"].values
            rec = _crossings(np.array(Ts), kept, n_samples, Ns)
            rec.update(P=P, rho=rho_M, M=M, theory=T_th, line="T_M low load")
            if np.isfinite(rec["error"]):
                rec["n_sigma"] = (rec["extrapolated"] - T_th) / rec["error"]
            records.append(rec)
            note.append(_crossing_note(rec, T_th, f"M = {M}"))
            missed = missed or abs(rec.get("n_sigma", 0)) > 3
            ax.plot([rho_M] * len(Ns), rec["crossing"], "o", color="gray", ms=3)
            ax.errorbar(
                [rho_M],
                [rec["extrapolated"]],
                [rec["error"]],
                fmt="s",
                color="C3",
                ms=5,
                capsize=3,
            )
    ax.set(
        xscale="log",
        xlabel=r"$\rho = (1 - r^2)/(M r^2)$",
        ylabel="$T_M$",
        ylim=(0, 1.1),
        title=f"P = {P}, low load: retrieval below $T_M(\\rho)$",
    )
    if missed:
        note.append("chains leave near each sample's own spinodal\n(spread ~2 % at N = 800)")
    coords = {"rho": labelled("rho", rhos, "data-set entropy rho")}
    return xr.Dataset(data, coords=coords), "\n".join(note)


def draw(args) -> tuple:
    """The nine panels (rows P = 2, 3, 4: supervised, unsupervised, low load) and the record."""
    mode = "quick" if args.quick else "full"
    n_samples = 4 if args.quick else 12
    lines = ("spinodal", "instability", "glass") if args.quick else LP.LINES

    fig, axes = subplots(3, 3, figsize=(16, 15))
    records: list[dict] = []
    per_P = {}
    notes: dict[tuple[int, int], str] = {}  # Monte Carlo against RS, under the panels
    for row, P in enumerate((2, 3, 4)):
        tol = 1e-3 if args.quick else 1e-5
        top = L.T_M(P, 0.0, R, examples_for(R, RHO), limit="gaussian", tol=tol)
        Ts = top * (
            np.array([0.05, 0.5, 0.97])
            if args.quick
            else np.concatenate([np.geomspace(0.01, 0.2, 6), np.linspace(0.26, 0.97, 10)])
        )
        if P == 2:  # the spin-glass line T_g ~ 1 + sqrt(alpha) lies above the retrieval region
            Ts = np.concatenate([Ts, [1.2] if args.quick else [1.05, 1.1, 1.2, 1.3]])
        ref = [L.alpha_c(P, T, 1.0, 1).value for T in Ts]
        parts = {
            protocol: _diagram(axes[row, k], P, protocol, Ts, ref, lines)
            for k, protocol in enumerate(L.PROTOCOLS)
        }
        plan = SPINODAL_MC.get(P, {}).get(mode)
        if plan is not None:
            M = round(examples_for(R, RHO))
            notes[row, 0] = spinodal_points(
                args, axes[row, 0], P, M, top, plan, n_samples, records
            )
            notes[row, 1] = spinodal_points(
                args, axes[row, 1], P, M, top, plan, n_samples, records, "unsupervised"
            )
            if not args.quick and P in SLOPE_MC:
                slopes = slope_points(args, axes[row, 0], P, M, top, records)
                notes[row, 0] += "\n" + slopes
        panel = joined(parts, "protocol", "training protocol")
        low, notes[row, 2] = _low_load(args, axes[row, 2], P, mode, n_samples, records)
        per_P[P] = xr.merge([panel, low])
    for index, ax in np.ndenumerate(axes):
        ax.legend(fontsize=6)
        if index in notes:  # under the axis label, clear of the data
            below = (ax.transAxes, ax.xaxis.label)  # x in the axes, y at the label's foot
            offset = {"xytext": (0, -4), "textcoords": "offset points"}
            ax.annotate(notes[index], (0, 0), xycoords=below, va="top", fontsize=7, **offset)
    fig.tight_layout()
    data = joined(per_P, "P", "interaction order P")
    meta = {"r": R, "rho": RHO, "n_samples": n_samples, "lines": list(lines), "points": records}
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("learning_phase", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()

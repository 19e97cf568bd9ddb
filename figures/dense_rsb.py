"""Dense P-spin networks beyond replica symmetry: the (alpha, T) phase diagram, with Monte Carlo.

(a) P = 3 and (b) P = 4 in the ``(alpha, T)`` plane
(:func:`hebbian.theory.dense_phases.phase_diagram`; normalization of
:class:`hebbian.DenseHopfield`, the map to Albanese et al. 2022 in
:mod:`hebbian.theory.dense_phases`): the retrieval spinodal under RS
(reentrant) and one step of RSB (nearly vertical; it joins the RS one at
``T*``, where the de Almeida-Thouless line of the RS retrieval state crosses
it, at the peak of the RS ``alpha_c(T)``), the thermodynamic transition
(retrieval below it; against the paramagnet, and against the 1RSB glass
where that is the glass), the AT line, the static transition ``T_s`` of the
glass (1RSB glass below, paramagnet above) and the RS glass's fold (RS glass
replicon-unstable everywhere).  The ticks at ``T = 0.05`` in (a) are the
loads of the Monte Carlo in (e).
(c) The P = 4 glass at ``alpha = 0.3``: energy per spin of the dense network
and of the Gaussian P-spin control of the same coupling variance
(:func:`hebbian.mc.glass.pspin_tempering`) at several N, against the
paramagnet ``-beta xi(1)``, the exact finite-N annealed energy of the
network (the patterns' skewness; its leading term ``3 beta / 2N``,
:mod:`hebbian.theory.dense_finite_n`) and the 1RSB glass below ``T_s``.
(d) The control's overlap distribution at the lowest temperature against
the 1RSB ``x(q)``, with its exact finite-N form: all ``2^N`` states of the
Monte Carlo's own disorder samples and more
(:func:`hebbian.mc.glass.pspin_enumeration`; grey: N = 20, quick 12, 64
samples).  Inset: the weight of ``|q| < 1/2`` against N, exact over 64
samples (dots), exact on the Monte Carlo's samples (squares), Monte Carlo
(stars), 1RSB ``x`` (dashed).
(e) P = 3 retrieval at ``T = 0.05``: the mean overlap with the cued pattern
of every chain started on it (sweeps 200-400, no chain discarded;
:func:`hebbian.mc.retrieval.retrieval_overlap`) at N = 100, 200, 400
(``K = alpha N^2`` up to 28800), against the RS and 1RSB retrieval overlaps
``m(alpha)`` up to their spinodals (dotted: RS 0.1395, 1RSB 0.1546).
(f) Gardner's Ising P = 3 spin glass (``J = 1``: the control at
``alpha = 3``) on 16 temperatures 0.36-1.05 at N = 16-64 (quick: 8-16), extrapolated to
``N -> infinity`` in ``ln N / N``, against the 1RSB energy below
``T_s = 0.651`` and the paramagnet ``-1/(2T)``; the star is ``T_s`` read
from the extrapolated energies (:func:`energy_static_temperature`).
(g) P = 3 at ``alpha = 0.147``, between the RS (0.1395) and 1RSB (0.1546)
spinodals at ``T = 0.05``: the slope ``lambda = df/dm`` of the Landau free
energy at ``m = 0.7`` against ``T``, from Monte Carlo at fixed overlap
(:func:`hebbian.mc.retrieval.retrieval_slope`: pair moves inside the two
sectors whose midpoint is 0.7, replica exchange over 12 temperatures
0.05-0.3, Bennett's acceptance ratio between the sectors) at N = 110, 170,
210, 410 (``0.3 N`` odd puts the midpoint at 0.7 exactly) and its ``1/N`` limit,
against the RS and one-step ``lambda``
(:func:`hebbian.theory.dense_rsb.constrained_rsb`): below ``T ~ 0.15`` RS
rises (no retrieval minimum at ``T = 0.05``) while one step stays at
-0.0057.  (h) The same slopes less their value at ``T_ref = 0.156``, the
lowest temperature of the ladder at which the two theories agree (the step
collapses between 0.133 and 0.156), sample by sample: the disorder moves a
sample's slopes at all temperatures together, so their differences are
known better than the slopes, and the finite-N offset common to all
temperatures cancels.  Against ``T`` below ``T_ref`` RS rises (+0.0187 at
``T = 0.05``: its reentrance), one step stays flat (-0.0009).

The finite-size form of (f): below ``T_s`` the glass is frozen in a few
lowest states whose free energies are distributed as the Random Energy
Model's lowest levels; the REM's ground state lies ``ln(4 pi N ln 2) / (4
sqrt(ln 2))`` above ``-N sqrt(ln 2)`` (Derrida, Phys. Rev. B 24, 2613
(1981); Derrida and Mottishaw, arXiv:1410.1432), so the energy per spin
approaches its limit as ``ln N / N`` (the Gaussian prefactor of the density
of states at its edge).  ``1/N`` and SK's ``N^{-2/3}`` (Aspelmeier, Billoire,
Marinari and Moore, J. Phys. A 41, 324008 (2008)) are fitted too and
recorded (``unit_glass`` in the run record).  Above ``T_s`` the corrections
are of another kind (the quenched-annealed difference of the paramagnet,
faster than ``1/N`` far above ``T_s``), so there the largest N is compared
directly.

What the Monte Carlo shows.  Glass, P = 3 (64 disorder samples, pairs of
replicas, at N = 16, 24, 32, 48, 64; 2000 burn-in and 2000 measured sweeps;
swap acceptance >= 0.69, round trips >= 25 per ladder).  A paired check on
4 samples showed the burn-in matter at the largest sizes: 2000 sweeps in
place of 500 lower the energy at 0.55 ``T_s`` by 0.0009(2) at N <= 32,
0.0020(9) and 0.0057(7) at N = 48 and 64.  Longer runs settle it (16 other
samples, each run as 2000 k of burn-in and 2000 k measured sweeps): k = 4 and
16 move the N = 64 energies by -0.0006(5) and -0.0006(5) at 0.55 ``T_s`` and
by at most 0.0016(20) and 0.0019(21) at any temperature of the ladder, k = 4
at N = 48 by +0.0007(2) and at most 0.0009(6): the figure's k = 1 is
equilibrated within the energies' errors (0.002 - 0.003 at N = 48, 64).  At
``T = 0.36 = 0.55 T_s`` the energies are -0.717(7), -0.736(5), -0.747(4),
-0.767(3), -0.771(2) at N = 16, 24, 32, 48, 64; extrapolated in
``ln N / N``, -0.806(5) against the 1RSB -0.806 (0.0 sigma) and the
paramagnet's -1.389; ``N^{-2/3}`` gives -0.809(5) (-0.7 sigma), ``1/N``
-0.791(3), 4.7 sigma above: the data exclude a plain ``1/N`` and agree with
the 1RSB energy in the slower forms.  Up to ``0.8 T_s`` the ``ln N / N``
limit is within 1 sigma of 1RSB, at ``0.85 - 0.91 T_s`` 1.5 - 3.6 sigma
above, and at ``0.98 T_s`` -0.741(6) against -0.771 (5 sigma); at ``1.3
T_s`` the extrapolation undershoots the paramagnet, -0.602(4) against -0.590
(3 sigma): at these N the transition is rounded over ``~0.2 T_s`` and its
corrections are not of the frozen phase's form.  ``T_s`` from the energy:
0.694(28) in ``ln N / N`` (0.687(27) in ``N^{-2/3}``, 0.731(37) in ``1/N``)
against Gardner's 0.651: 1.5 sigma, biased up by that rounding; no sharper
signature of ``T_s`` exists at N <= 64 (the energy is continuous there).  At
``1.61 T_s`` the N = 48 and 64 energies lie 1.1 and 3.6 sigma above the
paramagnet's -0.4762 (-0.4751(10), -0.4737(7)); the finite-N correction of
the quenched paramagnet was not derived.

The P = 4 control (``J = 1``, ``T_s = 0.617``; not drawn, checked by
``tests/mc/test_pspin.py``'s long test, about 50 CPU minutes) relaxes far
more slowly: with 1000 measured sweeps after 500 of burn-in, 4 times as
many lower the energy on the same samples (8 seeds, pairs) by 0.006-0.019
at N = 24, 0.005-0.022 at N = 32 and 0.004-0.020 at N = 40 over the
ladder's temperatures 0.34-1.0, the highest included (the ladder relaxes
as one), although swap acceptances (>= 0.73) and round trips (>= 19 per
ladder) looked healthy; and 16 times as many are within 0.003 of 4 times
at N = 24, within 0.004 at N = 32.  Unconverged, N = 16-48 seemed to
stall near -0.75 at 0.55 ``T_s`` (1RSB -0.823).  Converged (32 pairs of
samples, 16000 sweeps after 8000 at N = 16, 20, 24, 32000 after 16000 at
N = 32; swap acceptance >= 0.76, >= 914 round trips per ladder): at 0.55
``T_s`` -0.705(5), -0.727(7), -0.736(5), -0.755(3), extrapolated in ``ln N
/ N`` -0.838(12) against the 1RSB -0.823 (-1.3 sigma), and within 1.3
sigma of 1RSB at every temperature up to 0.98 ``T_s`` (chi2 0.2-0.8 for 2
degrees of freedom); ``T_s`` from the energy 0.624(29) against Gardner's
0.617 (0.2 sigma; ``N^{-2/3}`` 0.622(28), ``1/N`` 0.673(45)); at ``1.62
T_s`` N = 32 gives -0.5007(25) against the paramagnet's -0.5.  On the
same runs ``P(|q| < 1/2)`` at 0.55 ``T_s`` rises with N, 0.393(30),
0.458(36), 0.538(27) at N = 16, 24, 32, and reaches the 1RSB breakpoint
``x = 0.529`` at N = 32 (0.603(26) against 0.613 at 0.64 ``T_s``); nearer
``T_s`` it is still below (0.674(25) against 0.713 at 0.73 ``T_s``,
0.789(22) against 0.900 at 0.91 ``T_s``), and a ``1/N`` extrapolation
overshoots (0.67(6) at 0.55 ``T_s``), so the limit is not pinned: the
deficit of (d) at N <= 20 is a finite-size effect that closes, at the
lowest temperatures, by N = 32.  The
equilibrium identity of Gaussian couplings
(:func:`hebbian.mc.glass.replica_overlap_energy`) is a coarse check at 32 pairs:
the Monte Carlo's gap equals the exact one sample by sample (16 pairs at
N = 12 and 16 against enumeration: within 0.001 at ``T >= 1.3 T_s``,
0.009(5) at 0.55 ``T_s``), but the gap's disorder average converges
slowly (a skewed spread of 0.02-0.4 per sample), and the 32-pair means
lie up to 3.1 of their errors from zero (N = 16 and 24 above ``1.2 T_s``,
N = 32 at 0.55 ``T_s``; within 0.4 at N = 20).

Overlaps, P = 4 control at ``T = 0.05 = 0.51 T_s`` (``x = 0.49`` at the 1RSB
breakpoint, ``q_0 = 0.007``, ``q_1 = 0.985``).  The quick Monte Carlo's
weight of ``|q| < 1/2``, 0.44 at N = 8 and 0.16 at N = 12, is that of its 4
disorder samples: their exact values are 0.53 and 0.13, while over 200
samples the exact weight is 0.37(2), 0.38(2), 0.35(2), 0.42(2), 0.39(2) at
N = 8, 10, 12, 14, 16 (0.39(3) at 18 over 100, 0.43(5) at 20 over 40): flat
in N within errors, not moving away from the theory (the figure's 64 samples per
N: 0.37(3), 0.32(3), 0.33(3), 0.44(3), 0.37(3), 0.38(3), 0.43(3) at N = 8-20); the sample-to-sample
spread of this weight is ~0.25, so 4 samples resolve nothing and 32 about
0.05.  The Monte Carlo equals the enumeration on the same samples: with the
full run's ladder 0.316, 0.338, 0.415 against the exact 0.317, 0.345, 0.409
on its samples at N = 12, 16, 20 (and ``tests/mc/test_enumeration.py``);
the tempering equilibrates.  The frozen regime is not that of a few isolated
ground states: the mean gap from the
ground pair ``+-sigma_0`` to the next state is 0.104(7), 0.105(7), 0.113(7),
0.096(7), 0.101(7), 0.097(9), 0.106(18) at N = 8-20, N-independent and equal
to the 1RSB spacing of the lowest states, ``T/x = 0.102`` (their free
energies are a Poisson process of density ``e^{x beta f}``), so ``beta``
times the gap is ~2, not large.  What remains is a finite-N deficit of 0.1
below ``x`` at every temperature below ``T_s``: 0.50-0.60 at ``T = 0.073``
(``x = 0.73``), 0.59-0.70 at 0.089 (``x = 0.90``), i.e. the weight is
``T/(0.12-0.14)`` against the theory's ``T/0.10`` (the transition rounded
up at these N, as the energies of (f) show for P = 3).  Of the deficit,
0.05-0.08 (N = 8-20) lies at ``1/2 < |q| < 1``: overlaps between distinct
low states, spread over all distances at these N and concentrated at ``q_0``
only as N grows; the probability that the replicas are in different
configurations (up to the global flip), ``|q| < 1``, is 0.42-0.45, 0.04-0.08
below ``x``.  Over N = 8-20 the weight below 1/2 rises only within its
errors: the approach to ``x`` is slow, not reversed.

Retrieval, P = 3, ``T = 0.05`` (full run: 32 samples at N = 100, 200, 400,
2 chains each, sweeps 200-400; separately 4 samples at N = 400 for 1600
sweeps): inside both spinodals the overlap approaches the theory's from below
as N grows (``alpha = 0.12``: 0.793(42), 0.884(17), 0.910(9) at N = 100,
200, 400 against RS = 1RSB 0.9233, N = 400 1.4 sigma below; stationary at
0.920 from sweep 200 to 1600 in the long run; at ``alpha = 0.10`` 0.963(3)
at N = 400 against 0.9612, 0.6 sigma).  Between the spinodals, at 0.14,
where RS has no retrieval state, the overlap at N = 400 drifts from 0.88 to
0.854 over 1600 sweeps, onto the 1RSB 0.849 (full run: 0.843(12)):
consistent with the one-step state.  But beyond the 1RSB spinodal, at 0.16, where no
retrieval state exists in equilibrium, the overlap falls to 0.77 within 400
sweeps and then stays there to sweep 1600 (N = 400; 0.806(17) at N = 800;
the full run: 0.758(16) at 0.16, 0.751(13) at 0.18, N = 400): the
dynamics from the pattern is caught in metastable states correlated with it
that the static one-step solution does
not count (it describes the dominant, equilibrium states; these are of higher
free energy, like the threshold states of the P-spin glass), and their
lifetime grows with N.  So the load where chains lose the pattern in a run
(a retained-fraction criterion: the load where half the chains fall below
m = 0.5 within 400 sweeps, 0.14, 0.24, 0.21 at N = 40, 80, 160) measures
that dynamical boundary, far beyond both static spinodals, not the
spinodal; and the overlap itself cannot separate them: the RS-1RSB
difference between the spinodals (0.849 against no state at 0.14) is of the
size of the sample-to-sample spread (0.1-0.2 per sample at N = 200) and of
the metastable plateau beyond the fold (0.77 at 0.16).  (g, h) measure the
equilibrium free energy at fixed ``m`` instead.

Fixed overlap, P = 3, ``alpha = 0.147``, ``m = 0.7`` (full run: 32, 16, 8, 4
samples at N = 110, 170, 210, 410; per sector two ladders of 12
temperatures, 1500 + 3000 sweeps, the flip energies read every 4).  Pair
moves pass at 8e-4 (N = 110) to 4e-4 (N = 410) at ``T = 0.05``; exchanges at
>= 0.52, 0.41, 0.36, 0.21 between neighbouring temperatures, 28, 11, 7, 2.5
round trips per ladder.  At ``T = 0.05`` the one-sided estimates lie 0.043 -
0.051 above (insertion) and 0.009 - 0.023 below (deletion) Bennett's, where
the curvature allows ~0.001: without the acceptance ratio the low-T slopes
would be wrong by more than the RS-1RSB difference.  Where RS and one step
agree (``T >= 0.156``) the ``1/N`` limit of the slope lands on them (0.0628(45)
against 0.0614 at ``T = 0.3``, 0.0354(42) against 0.0327 at 0.255), the
finite-N slopes at ``T = 0.3`` lying 0.0165 (N = 110) to 0.0048 (N = 410) above.
Below, the limit falls with ``T``: -0.0160(72) at ``T = 0.05``, -0.0152(61) at
0.082, -0.0061(33) at 0.113, against the one-step -0.0057 at all three (1.4,
1.6, 0.1 sigma) and the RS +0.0140, +0.0034, -0.0036 (4.2, 3.1, 0.8 sigma).
Paired by sample against ``T_ref = 0.156`` (h) the limits are -0.0139(81),
-0.0122(57), -0.0048(20) against one step's -0.0009, -0.0010, -0.0010 (1.6,
2.0, 1.9 sigma) and RS's +0.0187, +0.0080, +0.0011 (4.0, 3.5, 2.9 sigma).  So
the Monte Carlo excludes RS's reentrant rise of the slope, the signature of
its early spinodal, at 3-4 sigma, and agrees with one step within 1.8 sigma
(paired: 1.6 - 2.5 sigma), lying below it at every ``T <= 0.113``; a second step moves the one-step
``lambda`` by -0.0001 at ``T = 0.05`` (:func:`hebbian.theory.dense_rsb.constrained_rsb`
with ``k = 2``), too little to account for that.  The fits have chi2 0.7 -
2.2 (paired 1.4 - 3.6) for 2 degrees of freedom; the N = 410 point weighs
most and rests on 4 samples and 2.5 round trips per ladder.

Cost: the quick run takes ~45 s on two 2.0 GHz Zen 1 cores; the full size ~2 min of CPU for
(f) (64 samples per N, 4000 sweeps: ~1.1 s per sample at N = 64 on a 2.6 GHz
Zen 5 core), ~4 min
for (e) (1 s per sample at N = 400), ~6 min for the exact enumeration of
(d) (4 s per sample at N = 20), ~75 min for (g, h) (35 min of them the 4
samples at N = 410), plus (c), (d) and the one-step lines; ``--workers``
spreads the sizes.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import xarray as xr
from scipy import optimize

from hebbian import mc
from hebbian.figures._glass import energy_panel, overlap_cdf_panel, q_coordinate
from hebbian.figures._output import (
    MARKERS,
    labelled,
    run_figure,
    smooth,
    smooth_path,
    subplots,
    sweep,
)
from hebbian.mc.glass import abs_overlap_cdf, weight_below_half
from hebbian.theory import dense, dense_finite_n, dense_phases, dense_rsb

P_GLASS, ALPHA_GLASS = 4, 0.3
T_RETRIEVAL = 0.05
#: Gardner's Ising P = 3 glass, J = 1 (alpha = P!/2), and the top of its energy fit for T_s
ALPHA_UNIT, T_FIT = 3.0, 0.6
LINES = ("spinodal_rs", "spinodal_1rsb", "T_c_rs", "T_c", "T_AT", "T_s", "T_rs_glass")
#: Line of the phase diagrams: colour, line style, width, legend (RS black, 1RSB coloured).
STYLE = {
    "spinodal_rs": ("k", "-", 1.2, "RS spinodal"),
    "spinodal_1rsb": ("C3", (0, (8, 2)), 1.2, "1RSB spinodal"),
    "T_c_rs": ("k", "--", 1.2, r"$T_c$ (RS, vs paramagnet)"),
    "T_c": ("C3", (0, (3, 1, 1, 1, 1, 1)), 1.2, r"$T_c$ (vs 1RSB glass)"),
    "T_AT": ("C2", "-.", 1.2, "AT line (RS retrieval)"),
    "T_s": ("C0", "-", 2.5, r"$T_s$ (1RSB glass)"),
    "T_rs_glass": ("C0", ":", 1.2, "RS glass (unstable)"),
}
#: Sizes of the exact enumeration of the control in (d), quick and full, and its samples
#: (the first of them are the Monte Carlo's).
N_EXACT = {True: [8, 10, 12], False: [8, 10, 12, 14, 16, 18, 20]}
N_SAMPLES_EXACT = 64
#: Dotted line styles of the exact annealed energies, one per N.
DOTS = ((0, (1, 1)), (0, (1, 3)), (0, (2, 2)), (0, (1, 1, 3, 1)))


#: Monte Carlo at fixed overlap of (g, h): P = 3 at a load between the RS and the 1RSB
#: spinodals at T = 0.05, at the overlap where their slopes differ most; per mode the sizes
#: (disorder samples of each), the ladder (geometric: lowest, highest, temperatures) and
#: the sweeps of each sector (burn-in half as many).  The sizes put the midpoint of the two
#: sectors at 0.7 exactly (``0.3 N`` odd).
SLOPE_ALPHA, SLOPE_M = 0.147, 0.7
SLOPE_MC = {
    True: {"N": {30: 4, 50: 4}, "ladder": (0.05, 0.3, 4), "n_sweeps": 200},
    False: {"N": {110: 32, 170: 16, 210: 8, 410: 4}, "ladder": (0.05, 0.3, 12), "n_sweeps": 3000},
}
SLOPE_LABEL = rf"$\lambda = df/dm$ at $m$ = {SLOPE_M}"
LIMIT_LABEL = r"MC $N\to\infty$ ($1/N$)"
SHIFT_LABEL = rf"$\lambda(T) - \lambda(T_{{\rm ref}})$ at $m$ = {SLOPE_M}"


def slope_sweeps(args) -> dict:
    """Run (or resume) the fixed-overlap Monte Carlo of (g, h): per N its Dataset."""
    plan = SLOPE_MC[args.quick]
    return {
        N: sweep(
            args,
            f"dense_rsb.slope_N{N}",
            "hebbian.mc.retrieval:retrieval_slope",
            {"alpha": [SLOPE_ALPHA]},
            P=3,
            temperatures=np.geomspace(*plan["ladder"]).tolist(),
            N=N,
            overlaps=[SLOPE_M],
            n_samples=n_samples,
            n_sweeps=plan["n_sweeps"],
            n_burnin=plan["n_sweeps"] // 2,
            n_ladders=2,
        )
        for N, n_samples in plan["N"].items()
    }


#: Finite-size forms of the frozen glass's energy: name -> (effective size, exponent) for
#: :func:`hebbian.mc.extrapolate`; ``ln N / N`` is ``(N / ln N)^-1``.
FORMS = {
    "lnN/N": (lambda N: N / np.log(N), 1.0),
    "1/N": (lambda N: N, 1.0),
    "N^-2/3": (lambda N: N, 2 / 3),
}


def glass_extrapolations(Ns, u, err) -> dict:
    """Per temperature, the ``N -> infinity`` limit of the energies under each of :data:`FORMS`.

    ``u, err`` (len(Ns), n_T).  Returns ``form -> (value, error, chi2)``, arrays
    over temperature (``chi2`` NaN with two sizes).
    """
    Ns = np.asarray(Ns, float)
    out = {}
    for name, (size, omega) in FORMS.items():
        fits = [
            mc.extrapolate(size(Ns), u[:, t], err[:, t], omega=omega) for t in range(u.shape[1])
        ]
        out[name] = tuple(
            np.array([getattr(f, k) for f in fits]) for k in ("value", "error", "chi2")
        )
    return out


def energy_static_temperature(T, u, err, T_fit: float) -> tuple[float, float]:
    """``T_s`` from the energy: where a quadratic through the glass energies meets ``-1/(2T)``.

    The 1RSB glass's energy joins the paramagnet's ``-beta xi(1) = -1/(2T)``
    (Gardner's ``J = 1``) continuously at ``T_s``, with a kink; a weighted
    quadratic in ``T`` through the points at ``T <= T_fit`` is continued to
    its crossing with the paramagnet in ``(T_fit / 2, 2 T_fit)``.  The error
    propagates the points' errors linearly, as fully correlated between
    temperatures (the same disorder samples: the larger of the correlated and
    the independent error).  ``(nan, nan)`` without a crossing.
    """
    temps, u, err = (np.asarray(x, float) for x in (T, u, err))
    use = temps <= T_fit
    A = np.stack([temps[use] ** 2, temps[use], np.ones(use.sum())], axis=1) / err[use, None]
    M = np.linalg.pinv(A) / err[use]  # coefficients = M @ u[use]
    coef = M @ u[use]

    def gap(t):
        return np.polyval(coef, t) + 0.5 / t

    grid = np.linspace(T_fit / 2, 2 * T_fit, 400)
    sign = np.flatnonzero(np.diff(np.sign(gap(grid))))
    if sign.size == 0:
        return math.nan, math.nan
    root = optimize.brentq(gap, grid[sign[0]], grid[sign[0] + 1])
    slope = 2 * coef[0] * root + coef[1] - 0.5 / root**2
    sensitivity = -(np.array([root**2, root, 1.0]) @ M) / slope  # d T_s / d u_i
    error = max(abs(sensitivity @ err[use]), math.sqrt(np.sum((sensitivity * err[use]) ** 2)))
    return float(root), float(error)


def _diagram_panel(ax, diagram, mc_alphas=None) -> None:
    for name in LINES:
        a, T = getattr(diagram, name)
        color, style, width, label = STYLE[name]
        drawn = np.isfinite(a) & np.isfinite(T)  # a point the solver did not reach is skipped
        ax.plot(*smooth_path(a[drawn], T[drawn]), color=color, ls=style, lw=width, label=label)
    ax.axhline(diagram.T_collapse, color="C7", lw=0.5)
    if mc_alphas is not None:
        ax.plot(
            mc_alphas,
            np.full(len(mc_alphas), T_RETRIEVAL),
            "|",
            color="C5",
            ms=6,
            label="Monte Carlo of (e)",
        )
    ax.set(
        xlabel=r"$\alpha = K/N^{P-1}$",
        ylabel="$T$",
        title=f"({'a' if diagram.P == 3 else 'b'}) P = {diagram.P}: phase diagram",
    )
    ax.legend(fontsize=6, loc="upper right")


def _retrieval_theory(alphas, spinodal_1rsb=None) -> dict:
    """RS and 1RSB retrieval overlaps ``m(alpha)`` at ``T_RETRIEVAL`` up to each spinodal.

    ``spinodal_1rsb``: the 1RSB spinodal's load if known (its overlap is then
    not drawn); default: solved, with its overlap.
    """
    rs_c = dense.alpha_c(3, T_RETRIEVAL)
    if spinodal_1rsb is None:
        one_c = dense_rsb.alpha_c_rsb(3, T_RETRIEVAL)
        spinodal_1rsb = (one_c.value, one_c.m)
    rs = [dense.solve(3, a, T_RETRIEVAL) for a in alphas]
    one = [dense_rsb.solve_rsb(3, a, T_RETRIEVAL, branch="retrieval") for a in alphas]
    return {
        "spinodal_rs": (rs_c.value, rs_c.m),
        "spinodal_1rsb": spinodal_1rsb,
        "m_rs": np.array(
            [
                s["m"] if s.success and a < rs_c.value else np.nan
                for s, a in zip(rs, alphas, strict=True)
            ]
        ),
        "m_1rsb": np.array(
            [
                s["m"] if s.success and a < spinodal_1rsb[0] else np.nan
                for s, a in zip(one, alphas, strict=True)
            ]
        ),
    }


def _retrieval_panel(ax, Ns, alphas, m, err, theory, line_alphas) -> None:
    for k, N in enumerate(Ns):
        ax.errorbar(
            alphas + 0.001 * (k - 1),
            m[k],
            err[k],
            fmt=MARKERS[k],
            ms=3,
            color=f"C{k + 4}",
            label=f"MC N={N}",
        )
    for name, label in (("rs", "RS"), ("1rsb", "1RSB")):
        color, style, width, _ = STYLE[f"spinodal_{name}"]
        a_c, m_c = theory[f"spinodal_{name}"]
        ok = np.isfinite(theory[f"m_{name}"])
        ax.plot(
            *smooth(np.append(line_alphas[ok], a_c), np.append(theory[f"m_{name}"][ok], m_c)),
            color=color,
            ls=style,
            lw=width,
            label=f"{label} retrieval state",
        )
        ax.axvline(a_c, color=color, ls=":", lw=0.8)
    ax.set(
        xlabel=r"$\alpha = K/N^2$",
        ylabel="overlap $m$ with the cued pattern (sweeps 200-400)",
        ylim=(0.5, 1.0),
        title=f"(e) P = 3 retrieval at T = {T_RETRIEVAL}, started on the pattern",
    )
    ax.legend(fontsize=6, loc="lower left")


def _unit_glass_panel(ax, Ns, temps, u, err, fits, T_s_mc, line) -> None:
    line_T, u_1rsb, T_s = line
    hot = np.linspace(0.33, 1.1, 50)
    ax.plot(hot, -0.5 / hot, "k--", lw=1, label=r"paramagnet $-1/(2T)$")
    ax.plot(line_T, u_1rsb, "C3-", label="1RSB glass")
    for k, N in enumerate(Ns):
        ax.errorbar(
            temps, u[k], err[k], fmt=MARKERS[k], ms=2.5, color=f"C{k + 4}", label=f"MC N={N}"
        )
    value, error, _ = fits["lnN/N"]
    ax.errorbar(
        temps,
        value,
        error,
        fmt="D",
        mfc="w",
        color="k",
        ms=4,
        label=r"MC $N\to\infty$ ($\ln N/N$)",
    )
    ax.axvline(T_s, color="C0", lw=0.8, label=f"$T_s$ = {T_s:.3f} (1RSB)")
    if np.isfinite(T_s_mc[0]):
        ax.errorbar(
            [T_s_mc[0]],
            [-0.5 / T_s_mc[0]],
            xerr=[T_s_mc[1]],
            fmt="*",
            color="C0",
            ms=9,
            label=rf"$T_s$ from the MC energy: {T_s_mc[0]:.3f}({1000 * T_s_mc[1]:.0f})",
        )
    ax.set(
        xlabel="$T$",
        ylabel="energy per spin $u$",
        ylim=(-1.0, -0.4),
        title="(f) Ising P = 3 spin glass (J = 1): Gaussian control",
    )
    ax.legend(fontsize=6, loc="lower right", ncol=2)


def _diagrams(q: bool) -> dict:
    """The phase diagrams of P = 3 and 4 (quick: of the one-step lines only the P = 3 spinodal)."""
    one_step = {3: ("spinodal",), 4: ()} if q else dict.fromkeys((3, 4), ("spinodal", "T_c"))
    return {
        P: dense_phases.phase_diagram(P, 2 if q else 10, alpha_max=REACH[P], one_step=one_step[P])
        for P in (3, 4)
    }


#: The loads the phase diagrams of (a), (b) draw.
REACH = {3: 0.27, 4: 0.06}


def panels_a_b(axes, diagrams: dict, mc_alphas) -> tuple[xr.Dataset, dict]:
    """(a, b) The phase diagrams of P = 3 (with the loads of (e)'s Monte Carlo) and P = 4."""
    _diagram_panel(axes[0], diagrams[3], mc_alphas)
    axes[0].set(xlim=(0, REACH[3]), ylim=(0, 0.32))
    _diagram_panel(axes[1], diagrams[4])
    axes[1].set(xlim=(0, REACH[4]), ylim=(0, 0.09))
    variables, coords = {}, {}
    for P, d in diagrams.items():
        for name in LINES:
            a, T = getattr(d, name)
            dim = f"{name}_P{P}"
            coords[dim] = labelled(dim, np.arange(a.size), f"point along the line {name}, P={P}")
            variables[f"{dim}_alpha"] = labelled(dim, a, f"load alpha of the line {name}, P={P}")
            variables[f"{dim}_T"] = labelled(dim, T, f"temperature of the line {name}, P={P}")
    meta = {
        "alpha_c_rs_T0": {P: float(d.spinodal_rs[0][0]) for P, d in diagrams.items()},
        "alpha_c_1rsb_T0": {
            P: float(d.spinodal_1rsb[0][0]) for P, d in diagrams.items() if d.spinodal_1rsb[0].size
        },
        "alpha_c_rs_peak": {P: dense.alpha_c_peak(P)[1] for P in diagrams},
        "T_collapse": {P: d.T_collapse for P, d in diagrams.items()},
        "T_s_unit_glass": {P: dense_phases.static_transition(P)["T_s"] for P in diagrams},
    }
    return xr.Dataset(variables, coords=coords), meta


def _retrieval_runs(args) -> tuple[list, np.ndarray, xr.Dataset]:
    """Monte Carlo of (e): the P = 3 overlap at ``T_RETRIEVAL`` from the pattern, every chain."""
    q = args.quick
    Ns_r = [60, 100] if q else [100, 200, 400]
    alphas = np.array([0.10, 0.13, 0.16] if q else [0.10, 0.12, 0.13, 0.14, 0.15, 0.16, 0.18])
    ret = sweep(
        args,
        "dense_rsb.retrieval",
        "hebbian.mc.retrieval:retrieval_overlap",
        {"N": Ns_r, "alpha": alphas.tolist()},
        P=3,
        T=T_RETRIEVAL,
        n_samples=4 if q else 32,
        n_replicas=2,
        n_sweeps=200 if q else 400,
        n_burnin=100 if q else 200,
        threshold=-1.0,  # every chain: a chain that left shows in the mean
    )
    return Ns_r, alphas, ret


def panel_e(ax, q: bool, runs, d3) -> tuple[xr.Dataset, dict]:
    """(e) P = 3 retrieval from the pattern against the RS and 1RSB retrieval states."""
    Ns_r, alphas, ret = runs
    m_mc, m_err = ret["m"].values, ret["error"].values
    # theory at the loads of the Monte Carlo inside the 1RSB spinodal (and between, full size)
    inside = alphas[alphas < 0.154]
    line_alphas = inside if q else np.union1d(inside, np.linspace(0.08, 0.154, 7))
    spinodal_1rsb = float(np.interp(T_RETRIEVAL, d3.spinodal_1rsb[1], d3.spinodal_1rsb[0]))
    r_theory = _retrieval_theory(line_alphas, (spinodal_1rsb, np.nan) if q else None)
    _retrieval_panel(ax, Ns_r, alphas, m_mc, m_err, r_theory, line_alphas)
    data = xr.Dataset(
        {
            "m_retrieval": labelled(
                ("N_retrieval", "alpha"),
                m_mc,
                f"mean overlap of all P = 3 chains from the pattern, T = {T_RETRIEVAL}",
            ),
            "m_retrieval_err": labelled(
                ("N_retrieval", "alpha"), m_err, "standard error of m_retrieval over samples"
            ),
            "m_rs": labelled("alpha_theory", r_theory["m_rs"], "RS retrieval overlap"),
            "m_1rsb": labelled("alpha_theory", r_theory["m_1rsb"], "1RSB retrieval overlap"),
        },
        coords={
            "N_retrieval": labelled("N_retrieval", Ns_r, "neurons of the retrieval runs"),
            "alpha": labelled("alpha", alphas, "load K/N^2 of the retrieval runs"),
            "alpha_theory": labelled("alpha_theory", line_alphas, "load of the theory overlaps"),
        },
    )

    def at_mc_loads(m):
        return [float(m[line_alphas == a][0]) if a in line_alphas else None for a in alphas]

    meta = {
        "T": T_RETRIEVAL,
        "spinodal_rs": r_theory["spinodal_rs"][0],
        "spinodal_1rsb": r_theory["spinodal_1rsb"][0],
        "spinodal_1rsb_diagram": spinodal_1rsb,
        "m_1rsb_at_mc_loads": at_mc_loads(r_theory["m_1rsb"]),
        "m_rs_at_mc_loads": at_mc_loads(r_theory["m_rs"]),
    }
    return data, meta


def _glass_runs(args) -> SimpleNamespace:
    """Monte Carlo of (c, d): the P = 4 glass, dense network and Gaussian control, with the
    paramagnet, the 1RSB glass and the exact annealed energies on the ladder's range."""
    q = args.quick
    Ns = [8, 12] if q else [12, 16, 20, 24]
    glass_kw = dict(
        P=P_GLASS,
        alpha=ALPHA_GLASS,
        T_min=0.05,
        T_max=0.6,
        n_T=5 if q else 14,
        n_samples=4 if q else 32,
        n_sweeps=300 if q else 2000,
        n_burnin=150 if q else 1000,
    )
    hebb = sweep(args, "dense_rsb.mc", "hebbian.mc.glass:dense_tempering", {"N": Ns}, **glass_kw)
    control = sweep(
        args, "dense_rsb.control", "hebbian.mc.glass:pspin_tempering", {"N": Ns}, **glass_kw
    )
    exact = sweep(
        args,
        "dense_rsb.enumeration",
        "hebbian.mc.glass:pspin_enumeration",
        {"N": N_EXACT[q]},
        **{k: glass_kw[k] for k in ("P", "alpha", "T_min", "T_max", "n_T")},
        n_samples=N_SAMPLES_EXACT,
    )
    temps = hebb["T"].values[0]
    T_s = dense_phases.T_s(P_GLASS, ALPHA_GLASS)
    # the 1RSB glass below T_s (from the ladder's lowest temperature), the paramagnet above
    line_T = np.concatenate(
        [np.linspace(temps[0], T_s, 2 if q else 12), np.linspace(T_s, 0.6, 12)[1:]]
    )
    one = [dense_rsb.solve_rsb(P_GLASS, ALPHA_GLASS, T) for T in line_T[line_T <= T_s]]
    u_para = np.array([dense_finite_n.paramagnet_energy(P_GLASS, ALPHA_GLASS, T) for T in line_T])
    return SimpleNamespace(
        Ns=Ns,
        hebb=hebb,
        control=control,
        n_samples=glass_kw["n_samples"],
        exact=exact,
        # the 1RSB breakpoint at the ladder's temperatures below T_s (quick: the lowest only)
        x_ladder=np.array(
            [one[0].x_levels[0]]
            + [
                dense_rsb.solve_rsb(P_GLASS, ALPHA_GLASS, T).x_levels[0]
                for T in temps[1:][temps[1:] < T_s]
                if not q
            ]
        ),
        temps=temps,
        T_s=T_s,
        line_T=line_T,
        u_para=u_para,
        u_1rsb=np.append([s.energy for s in one], u_para[line_T > T_s]),
        u_annealed=np.array(
            [
                [dense_finite_n.annealed_energy(P_GLASS, ALPHA_GLASS, T, N) for T in line_T]
                for N in Ns
            ]
        ),
        lowest=one[0],
    )


def panel_c(ax, g: SimpleNamespace) -> list[dict]:
    """(c) P = 4 glass energies, network (filled) and control (open), against the theories."""
    line_T, u_para, u_1rsb = g.line_T, g.u_para, g.u_1rsb
    label = r"paramagnet $-\beta\xi(1)$ (any N: control)"
    ax.plot(*smooth(line_T, u_para), "k--", lw=1, label=label)
    # each side of T_s smoothed apart: the 1RSB line's kink there is kept
    cold, warm = (
        smooth(line_T[side], u_1rsb[side]) for side in (line_T <= g.T_s, line_T >= g.T_s)
    )
    curve = np.append(cold[0], warm[0]), np.append(cold[1], warm[1])
    ax.plot(*curve, "C3-", label="1RSB glass (paramagnet above $T_s$)")
    for k, N in enumerate(g.Ns):
        ax.plot(
            *smooth(line_T, g.u_annealed[k]),
            ls=DOTS[k % len(DOTS)],
            color=f"C{k + 4}",
            lw=1,
            label=f"dense, exact annealed N={N}",
        )
    records = energy_panel(
        ax,
        g.Ns,
        g.temps,
        g.hebb["energy"].values,
        g.hebb["energy_error"].values,
        omega=1.0,
        theory={
            "1rsb": lambda T: np.interp(T, line_T, u_1rsb),
            "paramagnet": lambda T: np.interp(T, line_T, u_para),
        },
    )
    u_c, e_c = g.control["energy"].values, g.control["energy_error"].values
    for k, N in enumerate(g.Ns):
        ax.errorbar(
            g.temps * 1.01,
            u_c[k],
            e_c[k],
            fmt=MARKERS[k],
            ms=3,
            mfc="w",
            color=f"C{k + 4}",
            label=f"control N={N}",
        )
    ax.axvline(g.T_s, color="C0", lw=0.5)
    title = rf"(c) P = {P_GLASS} glass, $\alpha$ = {ALPHA_GLASS}: network (filled), control (open)"
    ax.set(xlabel="$T$", ylabel="energy per spin $u$", ylim=(-0.25, 0.0), title=title)
    ax.legend(fontsize=6, loc="lower right", ncol=2)
    return records


def exact_overlaps(g: SimpleNamespace) -> dict:
    """The control's weight of ``|q| < 1/2`` per N and temperature: exact and Monte Carlo.

    Exact (:func:`hebbian.mc.glass.pspin_enumeration`): the mean over all
    enumerated samples with its standard error, and over the Monte Carlo's own
    samples (its first ``n_samples``); NaN at sizes the Monte Carlo did not run.
    """
    Ns_exact = g.exact["N"].values
    below = g.exact["below_half"].values  # (N_exact, samples, T)
    own = np.full((len(Ns_exact), g.temps.size), np.nan)
    mc_below = weight_below_half(g.control["q_hist"].values)  # (N, T)
    for k, N in enumerate(Ns_exact):
        if N in g.Ns:
            own[k] = below[k, : g.n_samples].mean(axis=0)
    gap = g.exact["gap"].values
    return {
        "N": Ns_exact,
        "below": below.mean(axis=1),
        "below_err": below.std(axis=1, ddof=1) / np.sqrt(below.shape[1]),
        "below_mc_samples": own,
        "mc_below": mc_below,
        "gap": gap.mean(axis=1),
        "gap_err": gap.std(axis=1, ddof=1) / np.sqrt(gap.shape[1]),
    }


def panel_d(ax, g: SimpleNamespace) -> dict:
    """(d) The control's overlap distribution function at the lowest temperature vs 1RSB, with
    the exact enumeration of its disorder samples (inset: the weight of ``|q| < 1/2`` per N)."""
    lowest = g.lowest
    note = overlap_cdf_panel(
        ax, g.Ns, g.control["q_hist"].values[:, 0], lowest.q_levels, lowest.x_levels, "1RSB: x(q)"
    )
    w = exact_overlaps(g)
    n_exact = g.exact["below_half"].shape[1]
    edges, cdf = abs_overlap_cdf(g.exact["q_hist"].values[-1, 0])
    ax.plot(edges, cdf, color="0.35", marker="s", ms=2, lw=1.5, label=f"exact N={w['N'][-1]}")
    ax.set_title(f"(d) control's overlap distribution function, T = {g.temps[0]:.2f}")
    note += (
        f"\nexact: {n_exact} samples per N; gap above the ground pair "
        f"{np.mean(w['gap']):.3f}, T/x = {g.temps[0] / lowest.x_levels[0]:.3f}"
    )
    ax.set_ylim(0, 1.6)  # room above the distribution functions for the legend and the inset
    ax.set_yticks(np.linspace(0, 1, 6))
    ax.legend(fontsize=6, loc="upper left", ncol=3, title=note, title_fontsize=6)
    inset = ax.inset_axes([0.5, 0.42, 0.36, 0.18])
    inset.errorbar(w["N"], w["below"][:, 0], w["below_err"][:, 0], fmt="ko", ms=3)
    inset.plot(w["N"], w["below_mc_samples"][:, 0], "ks", mfc="w", ms=4)
    inset.plot(g.Ns, w["mc_below"][:, 0], "C3*", ms=5)
    inset.axhline(lowest.x_levels[0], color="k", lw=0.8, ls="--")
    inset.set_ylim(0, 0.75)
    inset.set_title("$P(|q|<1/2)$ vs N: exact (o; MC's samples: s), MC *, 1RSB x --", fontsize=6)
    inset.tick_params(labelsize=6)
    return w


def _glass_data(g: SimpleNamespace, records: list[dict], w: dict) -> tuple[xr.Dataset, dict]:
    """The Dataset and run record of (c, d)."""
    u_c, e_c = g.control["energy"].values, g.control["energy_error"].values
    z_control = (u_c - np.interp(g.temps, g.line_T, g.u_para)) / e_c
    hot = g.temps > 2 * g.T_s
    data = xr.Dataset(
        {
            "mc_energy": labelled(
                ("N", "T"),
                g.hebb["energy"].values,
                f"energy per spin, P = {P_GLASS} dense glass, Monte Carlo",
            ),
            "mc_energy_err": labelled(
                ("N", "T"), g.hebb["energy_error"].values, "standard error of mc_energy"
            ),
            "control_energy": labelled(
                ("N", "T"), u_c, "energy per spin, Gaussian P-spin control, Monte Carlo"
            ),
            "control_energy_err": labelled(("N", "T"), e_c, "standard error of control_energy"),
            "u_1rsb": labelled("T_theory", g.u_1rsb, "energy per spin of the 1RSB glass"),
            "u_annealed": labelled(
                ("N", "T_theory"),
                g.u_annealed,
                "exact finite-N annealed energy of the dense network",
            ),
            "q_hist": labelled(
                ("N", "T", "q"),
                g.control["q_hist"].values,
                "normalized histogram of the control's two-replica overlap",
            ),
            "control_below_half": labelled(
                ("N", "T"), w["mc_below"], "control's weight of |q| < 1/2, Monte Carlo"
            ),
            "exact_q_hist": labelled(
                ("N_exact", "T", "q"),
                g.exact["q_hist"].values,
                "normalized histogram of the control's overlap, exact, mean over samples",
            ),
            "exact_below_half": labelled(
                ("N_exact", "T"), w["below"], "control's weight of |q| < 1/2, exact, all samples"
            ),
            "exact_below_half_err": labelled(
                ("N_exact", "T"), w["below_err"], "standard error of exact_below_half"
            ),
            "exact_below_half_mc_samples": labelled(
                ("N_exact", "T"),
                w["below_mc_samples"],
                "control's weight of |q| < 1/2, exact, the Monte Carlo's samples (NaN: no MC)",
            ),
            "exact_gap": labelled(
                "N_exact", w["gap"], "mean energy of the lowest state above the ground pair"
            ),
            "exact_gap_err": labelled("N_exact", w["gap_err"], "standard error of exact_gap"),
        },
        coords={
            "N": labelled("N", g.Ns, "number of neurons"),
            "N_exact": labelled("N_exact", w["N"], "spins of the exact enumeration"),
            "T": labelled("T", g.temps, "temperature of the tempering ladder"),
            "T_theory": labelled("T_theory", g.line_T, "temperature of the theory lines"),
            **q_coordinate(),
        },
    )
    meta = {
        "glass": {
            "P": P_GLASS,
            "alpha": ALPHA_GLASS,
            "T_s": g.T_s,
            "control_chi2_paramagnet_above_2T_s": np.sum(z_control[:, hot] ** 2, axis=1).tolist(),
            "n_above_2T_s": int(np.sum(hot)),
        },
        "lowest_T_1rsb": {"q": g.lowest.q_levels, "x": g.lowest.x_levels},
        "overlap_exact": {
            "T": g.temps[: g.x_ladder.size].tolist(),
            "x_1rsb": g.x_ladder.tolist(),
            "N": w["N"].tolist(),
            "n_samples": int(g.exact["below_half"].shape[1]),
            "below_half": w["below"][:, : g.x_ladder.size].tolist(),
            "below_half_err": w["below_err"][:, : g.x_ladder.size].tolist(),
            "below_half_mc_samples": {
                int(N): w["below_mc_samples"][k, : g.x_ladder.size].tolist()
                for k, N in enumerate(w["N"])
                if N in g.Ns
            },
            "mc_below_half": w["mc_below"][:, : g.x_ladder.size].tolist(),
            "gap": w["gap"].tolist(),
            "gap_err": w["gap_err"].tolist(),
            "T_over_x": (g.temps[: g.x_ladder.size] / g.x_ladder).tolist(),
        },
        "q2_control": g.control["q2"].values[:, 0].tolist(),
        "swap_min": {
            "network": float(g.hebb["swap_min"].min()),
            "control": float(g.control["swap_min"].min()),
        },
        "round_trips_min": {
            "network": int(g.hebb["round_trips_min"].min()),
            "control": int(g.control["round_trips_min"].min()),
        },
        "points": records,
    }
    return data, meta


def panel_f(ax, args) -> tuple[xr.Dataset, dict]:
    """(f) Gardner's Ising P = 3 glass (J = 1) across T_s, extrapolated to N -> infinity."""
    q = args.quick
    Ns_u = [8, 12, 16] if q else [16, 24, 32, 48, 64]
    unit = sweep(
        args,
        "dense_rsb.unit",
        "hebbian.mc.glass:pspin_tempering",
        {"N": Ns_u},
        P=3,
        alpha=ALPHA_UNIT,
        T_min=0.36,
        T_max=1.05,
        n_T=5 if q else 16,
        n_samples=4 if q else 64,
        n_sweeps=200 if q else 2000,
        n_burnin=100 if q else 2000,
    )
    T_u = unit["T"].values[0]
    u_u, e_u = unit["energy"].values, unit["energy_error"].values
    fits = glass_extrapolations(Ns_u, u_u, e_u)
    T_s_unit = dense_phases.T_s(3, ALPHA_UNIT)
    glass_T = T_u[T_u < T_s_unit]
    u_glass = np.array([dense_rsb.solve_rsb(3, ALPHA_UNIT, T).energy for T in glass_T])
    u_unit_theory = np.append(u_glass, -0.5 / T_u[T_u >= T_s_unit])
    T_s_mc = {
        name: energy_static_temperature(T_u, value, error, T_FIT)
        for name, (value, error, _) in fits.items()
    }
    line = (np.append(glass_T, T_s_unit), np.append(u_glass, -0.5 / T_s_unit), T_s_unit)
    _unit_glass_panel(ax, Ns_u, T_u, u_u, e_u, fits, T_s_mc["lnN/N"], line)
    ax.set_xlim(0.33, 1.1)

    variables = {}
    for name, (value, error, _) in fits.items():
        key = name.replace("/", "_over_").replace("^-2/3", "_pow_m2_3")
        variables[f"unit_energy_{key}"] = labelled(
            "T_unit", value, f"P = 3 control energy extrapolated to N = infinity, form {name}"
        )
        variables[f"unit_energy_{key}_err"] = labelled(
            "T_unit", error, f"standard error of unit_energy_{key}"
        )
    data = xr.Dataset(
        {
            **variables,
            "unit_energy": labelled(
                ("N_unit", "T_unit"), u_u, "energy per spin, Ising P = 3 control (J = 1)"
            ),
            "unit_energy_err": labelled(
                ("N_unit", "T_unit"), e_u, "standard error of unit_energy"
            ),
            "unit_energy_theory": labelled(
                "T_unit", u_unit_theory, "1RSB glass energy below T_s, paramagnet above"
            ),
        },
        coords={
            "N_unit": labelled("N_unit", Ns_u, "spins of the P = 3 control runs"),
            "T_unit": labelled("T_unit", T_u, "temperature of the P = 3 control's ladder"),
        },
    )
    low = T_u < T_FIT
    meta = {
        "P": 3,
        "alpha": ALPHA_UNIT,
        "T_s": T_s_unit,
        "T_fit": T_FIT,
        "T_s_from_energy": {k: {"value": v, "error": e} for k, (v, e) in T_s_mc.items()},
        "n_sigma_1rsb_below_T_fit": {
            k: ((v[low] - u_unit_theory[low]) / e[low]).tolist() for k, (v, e, _) in fits.items()
        },
        "n_sigma_paramagnet_below_T_fit": {
            k: ((v[low] + 0.5 / T_u[low]) / e[low]).tolist() for k, (v, e, _) in fits.items()
        },
        "chi2_of_fit": {k: c.tolist() for k, (_, _, c) in fits.items()},
        "swap_min": float(unit["swap_min"].min()),
        "round_trips_min": int(unit["round_trips_min"].min()),
        "round_trips_mean": unit["round_trips_mean"].values.tolist(),
    }
    return data, meta


def slope_theory(temps) -> dict:
    """RS and one-step ``lambda = df/dm`` at ``SLOPE_M`` and ``SLOPE_ALPHA`` (NaN unconverged)."""
    out = {}
    for k, name in ((0, "rs"), (1, "1rsb")):
        states = [dense_rsb.constrained_rsb(3, SLOPE_ALPHA, T, SLOPE_M, k) for T in temps]
        out[name] = np.array([s["lambda"] if s.success else np.nan for s in states])
    return out


def slope_extrapolations(Ns, slope, err) -> list:
    """Per temperature, the ``1/N`` extrapolation of the slopes ``(len(Ns), n_T)``."""
    return [mc.extrapolate(Ns, slope[:, t], err[:, t]) for t in range(slope.shape[1])]


def _paired(samples: np.ndarray, ref: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error over samples of ``samples[:, t] - samples[:, ref]`` (n, T)."""
    d = samples - samples[:, ref : ref + 1]
    return d.mean(axis=0), d.std(axis=0, ddof=1) / math.sqrt(len(d))


def _slope_panel(ax, Ns, temps, mc_values, theory, title: str, ylabel: str) -> None:
    """Theory lines ``theory = (T, {"rs": ..., "1rsb": ...})``, the Monte Carlo per N
    ``mc_values = (values, errors, fits)`` and its ``1/N`` limit."""
    line_T, lines = theory
    values, errors, fits = mc_values
    for name, label in (("rs", "RS"), ("1rsb", "1RSB")):
        color, style, width, _ = STYLE[f"spinodal_{name}"]
        ax.plot(*smooth(line_T, lines[name]), color=color, ls=style, lw=width, label=label)
    for k, N in enumerate(Ns):
        style = {"fmt": MARKERS[k], "ms": 3, "color": f"C{k + 4}", "label": f"MC N={N}"}
        ax.errorbar(temps * (1 + 0.01 * (k - 1)), values[k], errors[k], **style)
    limit = [[f.value for f in fits], [f.error for f in fits]]
    ax.errorbar(temps, *limit, fmt="D", mfc="w", color="k", ms=4, label=LIMIT_LABEL)
    ax.axhline(0.0, color="C7", lw=0.5)
    ax.set(xlabel="$T$", ylabel=ylabel, title=title)
    ax.legend(fontsize=6, loc="lower right", ncol=2)


def panels_g_h(axes, args) -> tuple[xr.Dataset, dict]:
    """(g) The slope of the Landau free energy at ``m = 0.7`` against T: Monte Carlo at fixed
    overlap and its ``1/N`` limit against RS and one step; (h) the same relative to the
    temperature where the step collapses, paired by disorder sample."""
    runs = slope_sweeps(args)
    Ns = np.array(sorted(runs))
    temps = runs[Ns[0]]["T"].values.ravel()
    line_T = temps if args.quick else np.union1d(temps, np.geomspace(temps[0], temps[-1], 16))
    theory = slope_theory(line_T)
    at = np.searchsorted(line_T, temps)  # the ladder's temperatures on the theory's grid
    at_mc = {name: values[at] for name, values in theory.items()}
    ref = int(np.argmax(np.abs(at_mc["rs"] - at_mc["1rsb"]) < 1e-6))  # RS = 1RSB from here
    slope = np.array([runs[N]["slope"].values.reshape(-1) for N in Ns])  # (N, T)
    err = np.array([runs[N]["error"].values.reshape(-1) for N in Ns])
    samples = [runs[N]["slope_samples"].values.reshape(-1, len(temps)) for N in Ns]
    paired = np.array([_paired(x, ref) for x in samples])[:, :, :ref]  # (N, mean/error, T)
    fits = slope_extrapolations(Ns, slope, err)
    shift_fits = slope_extrapolations(Ns, paired[:, 0], paired[:, 1])
    relative = {name: values - at_mc[name][ref] for name, values in theory.items()}
    below = line_T <= temps[ref]
    title_g = rf"(g) P = 3, $\alpha$ = {SLOPE_ALPHA}: slope of $f(m)$ at fixed overlap"
    title_h = f"(h) the slope less its value at T = {temps[ref]:.3f}, paired by sample"
    _slope_panel(axes[0], Ns, temps, (slope, err, fits), (line_T, theory), title_g, SLOPE_LABEL)
    shifted = (*paired.transpose(1, 0, 2), shift_fits)
    lines = (line_T[below], {name: values[below] for name, values in relative.items()})
    _slope_panel(axes[1], Ns, temps[:ref], shifted, lines, title_h, SHIFT_LABEL)

    shift = {name: values[at[:ref]] for name, values in relative.items()}

    def sigmas(fitted, reference) -> list:
        return [(f.value - r) / f.error for f, r in zip(fitted, reference, strict=False)]

    data = xr.Dataset(
        {
            "slope_mc": labelled(("N_slope", "T_slope"), slope, "df/dm at m = 0.7, Monte Carlo"),
            "slope_mc_err": labelled(("N_slope", "T_slope"), err, "standard error of slope_mc"),
            "slope_limit": labelled("T_slope", [f.value for f in fits], "slope_mc, 1/N limit"),
            "slope_limit_err": labelled(
                "T_slope", [f.error for f in fits], "standard error of slope_limit"
            ),
            "slope_rs": labelled("T_slope", at_mc["rs"], "RS df/dm at m = 0.7"),
            "slope_1rsb": labelled("T_slope", at_mc["1rsb"], "1RSB df/dm at m = 0.7"),
        },
        coords={
            "N_slope": labelled("N_slope", Ns, "neurons of the fixed-overlap runs"),
            "T_slope": labelled("T_slope", temps, "temperature of the fixed-overlap ladder"),
        },
    )
    lowest = {
        side: [float(runs[N][side].values.ravel()[0] - slope[k, 0]) for k, N in enumerate(Ns)]
        for side in ("insertion", "deletion")
    }
    meta = {
        "alpha": SLOPE_ALPHA,
        "m": SLOPE_M,
        "n_samples": {int(N): len(x) for N, x in zip(Ns, samples, strict=True)},
        "n_sweeps": SLOPE_MC[args.quick]["n_sweeps"],
        "limit": [[f.value, f.error] for f in fits],
        "n_sigma_rs": sigmas(fits, at_mc["rs"]),
        "n_sigma_1rsb": sigmas(fits, at_mc["1rsb"]),
        "T_reference": float(temps[ref]),
        "shift_mc": paired[:, 0].tolist(),
        "shift_mc_err": paired[:, 1].tolist(),
        "shift_limit": [[f.value, f.error] for f in shift_fits],
        "shift_rs": shift["rs"].tolist(),
        "shift_1rsb": shift["1rsb"].tolist(),
        "shift_n_sigma_rs": sigmas(shift_fits, shift["rs"]),
        "shift_n_sigma_1rsb": sigmas(shift_fits, shift["1rsb"]),
        "chi2_of_fit": [f.chi2 for f in fits],
        "pair_acceptance_lowest_T": [float(runs[N]["acceptance"].values.ravel()[0]) for N in Ns],
        "swap_min": [float(runs[N]["swap_acceptance"].min()) for N in Ns],
        "round_trips_per_ladder": [float(runs[N]["round_trips"].min()) for N in Ns],
        "one_sided_minus_bennett_lowest_T": lowest,
    }
    return data, meta


def draw(args) -> tuple:
    """Panels (a)-(h), in reading order, and the run record."""
    diagrams = _diagrams(args.quick)
    runs = _retrieval_runs(args)
    fig, axes = subplots(2, 4, figsize=(22, 9.5))
    diagram_data, diagram_meta = panels_a_b(axes[0, :2], diagrams, runs[1])
    retrieval_data, retrieval_meta = panel_e(axes[1, 1], args.quick, runs, diagrams[3])
    glass = _glass_runs(args)
    records = panel_c(axes[0, 2], glass)
    overlaps = panel_d(axes[1, 0], glass)
    glass_data, glass_meta = _glass_data(glass, records, overlaps)
    unit_data, unit_meta = panel_f(axes[1, 2], args)
    slope_data, slope_meta = panels_g_h(axes[:, 3], args)
    fig.tight_layout()
    meta = {
        "seed": args.seed,
        **diagram_meta,
        "retrieval": retrieval_meta,
        "unit_glass": unit_meta,
        "slope": slope_meta,
        **glass_meta,
    }
    return fig, [diagram_data, retrieval_data, glass_data, unit_data, slope_data], meta


def main(argv: list[str] | None = None):
    return run_figure("dense_rsb", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()

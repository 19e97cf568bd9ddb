"""Where the RS instability line of the learning networks' retrieval state meets the spinodal."""

from __future__ import annotations

import math

import pytest

from hebbian.theory import hopfield
from hebbian.theory import learning_phase as LP

#: One-step RSB capacity of the Hopfield network at T = 0 (Steffan & Kuehn, Z. Phys. B 95,
#: 249 (1994); two steps: 0.138187).
ALPHA_C_1RSB = 0.138186


def test_pairwise_replicon_meets_the_spinodal_where_ags_t_at_reaches_t_m():
    """Perfect examples (r = 1): the storage model of Amit, Gutfreund, Sompolinsky.  The line
    ends on the spinodal at T = 0.02507, alpha = 0.1381859, where hopfield.T_AT (the replicon
    of the storage model's own solution) reaches T_M: just above that load the retrieval state
    is RS-unstable up to T_M, just below it is RS-stable near T_M.  That is above the maximum
    of the reentrant alpha_c(T) (0.1381885 at T = 0.0229): the whole reentrant bulge is
    RS-unstable, and the meeting load is the one-step RSB capacity at T = 0 to its published
    six digits, the RSB spinodal running at that load from T = 0 up to the meeting point."""
    T, alpha = LP.instability_meets_spinodal(2, 1.0, 1, T_range=(0.024, 0.026))
    assert abs(T - 0.025068) < 2e-6
    assert hopfield.T_M(alpha) == pytest.approx(T, abs=2e-6)
    above, below = alpha * (1 + 1e-5), alpha * (1 - 1e-5)
    assert hopfield.T_AT(above) == pytest.approx(hopfield.T_M(above), rel=2e-6)
    assert hopfield.T_AT(below) < hopfield.T_M(below) - 1e-4
    assert T > 0.0229 + 2e-3  # hopfield.alpha_c_peak(): 0.0228735
    assert alpha == pytest.approx(ALPHA_C_1RSB, abs=1e-6)


@pytest.mark.parametrize("alpha", [0.1, 0.138])
def test_archetype_limit_replicon_line_is_ags_t_at_below_t_m(alpha):
    """M -> infinity (the archetypes themselves, any r): the learning networks' RS instability
    line of the retrieval state is AGS's T_AT(alpha), below T_M up to the meeting load."""
    T = hopfield.T_AT(alpha)
    assert LP.instability_load(2, T, 0.5, math.inf) == pytest.approx(alpha, rel=1e-9)
    assert hopfield.T_M(alpha) - T > 0.01


def test_retrieval_instability_meets_t_m_only_near_alpha_c_in_the_archetype_limit():
    """The retrieval state's T_AT does not reach T_M at low load: it is exponentially small there,
    ln T_AT ~ -1/(2 alpha) (AGS 1987, sec. 4; slope between alpha = 0.02 and 0.05 within 10% of
    -1/2), while T_M -> 1.  The two meet only at the spinodal's nose, and M = infinity gives the
    same point as perfect examples (T = 0.025068, alpha = 0.1381859)."""
    lo, hi = hopfield.T_AT(0.02), hopfield.T_AT(0.05)
    assert hopfield.T_M(0.02) > 0.7
    assert lo < 1e-10
    assert (math.log(hi) - math.log(lo)) / (1 / 0.05 - 1 / 0.02) == pytest.approx(-0.5, rel=0.1)
    T, alpha = LP.instability_meets_spinodal(2, 0.5, math.inf, T_range=(0.024, 0.026))
    assert abs(T - 0.025068) < 2e-6
    assert alpha == pytest.approx(ALPHA_C_1RSB, abs=1e-6)


@pytest.mark.parametrize(("alpha", "T"), [(0.01, 0.05), (0.025, 0.0603), (0.05, 0.3), (0.1, 0.5)])
def test_spin_glass_of_perfect_examples_is_the_storage_models(alpha, T):
    """r = 1, M = 1 stores the archetypes: the m = 0, q > 0 state is AGS's spin glass, which
    exists at every load below T_g = 1 + sqrt(alpha)."""
    from hebbian.theory import learning

    glass = learning.solve(2, alpha, T, 1.0, 1, branch="spin glass")
    ags = hopfield.solve(alpha, T, branch="spin glass")
    assert glass.success, glass.message
    assert glass.branch == "spin glass"
    assert glass.free_energy == pytest.approx(ags.free_energy, abs=1e-8)
    assert glass["q"] == pytest.approx(ags["q"], abs=1e-7)


@pytest.mark.parametrize("T", [0.03, 0.06, 0.2, 0.5])
def test_equilibrium_load_is_where_retrieval_and_the_glass_exchange(T):
    """r = 0.5, rho = 0.25 (the figure's data set): below alpha_eq the retrieval state has the
    lower free energy, above it the spin glass, which exists all along (T < 1); alpha_eq lies
    well inside the spinodal, as AGS's T_c line does."""
    from hebbian.theory import learning

    r, M = 0.5, 12.0
    eq = LP.equilibrium_load(2, T, r, M, limit="gaussian")
    top = learning.alpha_c(2, T, r, M, limit="gaussian").value
    assert 0 < eq < 0.6 * top
    for alpha, retrieval_wins in [(0.97 * eq, True), (1.03 * eq, False)]:
        ret = learning.solve(2, alpha, T, r, M, limit="gaussian")
        glass = learning.solve(2, alpha, T, r, M, limit="gaussian", branch="spin glass")
        assert ret.branch == "retrieval"
        assert glass.branch == "spin glass"
        assert (ret.free_energy < glass.free_energy) == retrieval_wins

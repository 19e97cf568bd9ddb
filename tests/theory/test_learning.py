"""RS theory of learning from examples against the storage model, closed forms and itself."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.special import erf, factorial2
from scipy.stats import binom

from hebbian import binary_patterns, learned_network, noisy_examples
from hebbian.theory import dense, hopfield
from hebbian.theory import learning as L
from hebbian.theory import learning_phase as LP
from hebbian.theory import ultra_detection as U

Ps = st.sampled_from([2, 3, 4])
loads = st.sampled_from([0.0, 0.01, 0.03, 0.06])
temperatures = st.sampled_from([0.0, 0.05, 0.15, 0.4])


@settings(max_examples=40)
@given(P=Ps, alpha=loads, T=temperatures, M=st.integers(1, 30))
def test_perfect_examples_are_the_storage_model(P, alpha, T, M):
    """r = 1 (and M = inf) is the storage model of theory.dense, whatever M."""
    d = dense.solve(P, alpha, T)
    distinct = {"self_interactions": False}
    for s in (
        L.solve(P, alpha, T, 1.0, M, **distinct),
        L.solve(P, alpha, T, 0.7, math.inf, **distinct),
    ):
        assert s.success == d.success
        if d.success:
            assert s["m"] == pytest.approx(d["m"], abs=1e-8)
            assert s["n"] == pytest.approx(d["m"], abs=1e-8)
            assert s["q"] == pytest.approx(d["q"], abs=1e-8)
            assert s.free_energy == pytest.approx(d.free_energy, abs=1e-8)


@settings(max_examples=20)
@given(P=Ps, alpha=st.sampled_from([0.0, 0.02]), T=st.sampled_from([0.0, 0.1]))
def test_many_examples_approach_the_storage_model(P, alpha, T):
    d = dense.solve(P, alpha, T)
    s = L.solve(P, alpha, T, 0.5, 5000, self_interactions=False)  # rho = 6e-4
    assert s["m"] == pytest.approx(d["m"], abs=2e-3)
    assert s.free_energy == pytest.approx(d.free_energy, abs=2e-3)


@pytest.mark.parametrize("r", [0.2, 0.5, 0.9])
@pytest.mark.parametrize("M", [1, 4, 7, 30])
def test_signal_law_is_the_example_mean(r, M):
    """E y^2 = 1, E y = 1/sqrt(1 + rho): checked against sampled example means."""
    s = L.signal(r, M)
    assert float(s.p @ s.y**2) + s.var == pytest.approx(1.0, abs=1e-12)
    assert float(s.p @ s.y) == pytest.approx(1 / math.sqrt(1 + s.rho), abs=1e-12)
    ex = noisy_examples(np.ones((1, 200_000), np.int8), M, r, rng=1)
    y = ex.means()[0] / math.sqrt(ex.R)
    assert y.mean() == pytest.approx(float(s.p @ s.y), abs=5e-3)
    g = L.signal(r, M, "gaussian")
    assert float(g.p @ g.y) == pytest.approx(float(s.p @ s.y), abs=1e-12)
    assert float(g.p @ g.y**2) + g.var == pytest.approx(1.0, abs=1e-12)


@pytest.mark.parametrize("P", [2, 3, 4])
@pytest.mark.parametrize(("r", "M"), [(0.3, 21), (0.5, 5), (0.8, 2)])
def test_zero_T_low_load_is_the_sign_of_the_example_mean(P, r, M):
    """alpha = 0, T = 0: sigma = sign(etabar); m = P(etabar > 0) - P(etabar < 0)."""
    B = np.arange(M + 1)
    p = binom.pmf(B, M, (1 + r) / 2)
    m = float(p @ np.sign(2 * B - M))
    s = L.solve(P, 0.0, 0.0, r, M)
    assert s.success
    assert s["m"] == pytest.approx(m, abs=1e-12)
    rho = (1 - r * r) / (M * r * r)
    g = L.solve(P, 0.0, 0.0, r, M, limit="gaussian")
    assert g["m"] == pytest.approx(float(erf(1 / math.sqrt(2 * rho))), abs=1e-9)


@settings(max_examples=25)
@given(
    P=Ps, T=st.sampled_from([0.0, 0.1, 0.3]), r=st.sampled_from([0.3, 0.6]), M=st.integers(1, 25)
)
def test_protocols_coincide_at_low_load(P, T, r, M):
    s = L.solve(P, 0.0, T, r, M)
    u = L.solve(P, 0.0, T, r, M, protocol="unsupervised")
    assert (s.success, s["m"], s["q"]) == (u.success, u["m"], u["q"])


@settings(max_examples=40)
@given(P=Ps, r=st.floats(0.05, 1.0), M=st.integers(1, 500))
def test_unsupervised_crosstalk_is_the_wick_sum(P, r, M):
    """xi^(P)(0) = (1/(M R^(P/2)))^2 sum_ab c_ab^P; P = 2: also the AGS spectrum's sum."""
    R = r * r + (1 - r * r) / M
    wick = (M + M * (M - 1) * r ** (2 * P)) / (M * M * R**P)
    ct = L.crosstalk(P, 1.0, r, M, "unsupervised", self_interactions=False)
    assert float(ct.xi.deriv(P)(0.0)) == pytest.approx(wick, rel=1e-10)
    if P == 2:
        assert float(np.sum(ct.loads * ct.strengths**2)) == pytest.approx(wick, rel=1e-10)
    assert wick >= 1 - 1e-12  # never less cross-talk than the supervised network


def test_self_interactions_add_lower_hermite_orders():
    """Perfect examples, P = 3: xi = alpha q^3/6 + alpha q/4; P = 4: alpha q^4/24 + alpha q^2/8."""
    assert L.crosstalk(3, 0.3, 1.0, 1, "supervised").xi.coef == pytest.approx([0, 0.075, 0, 0.05])
    four = L.crosstalk(4, 0.3, 1.0, 1, "supervised").xi.coef
    assert four == pytest.approx([0, 0, 0.3 / 8, 0, 0.3 / 24])
    assert L.crosstalk(2, 0.3, 0.5, 4, "supervised").xi.coef == pytest.approx([0, 0, 0.15])


@pytest.mark.parametrize("protocol", ["supervised", "unsupervised"])
@pytest.mark.parametrize(("P", "K", "N"), [(2, 60, 1500), (3, 300, 150)])
def test_signal_to_noise_matches_the_fields_of_a_drawn_network(protocol, P, K, N):
    """One step from an archetype: mean over std of xi_i h_i against the formula."""
    r, M = 0.6, 8
    ratios = []
    for seed in range(4):
        ex = noisy_examples(binary_patterns(K, N, rng=seed), M, r, rng=seed + 10)
        net = learned_network(ex, P, protocol=protocol)
        aligned = ex.archetypes[0] * net.local_fields(ex.archetypes[0])
        ratios.append(aligned.mean() / aligned.std())
    assert np.mean(ratios) == pytest.approx(L.signal_to_noise(P, K, N, r, M, protocol), rel=0.06)


def test_signal_to_noise_of_the_hopfield_network():
    assert L.signal_to_noise(2, 50, 1000, 1.0, 1) == pytest.approx(1 / math.sqrt(0.05))


@pytest.mark.parametrize("P", [2, 3, 4])
def test_critical_load_of_perfect_examples_is_the_storage_model(P):
    a_c = L.alpha_c(P, 0.0, 1.0, 3, self_interactions=False).value
    assert a_c == pytest.approx(dense.alpha_c(P).value, abs=1e-7)
    if P > 2:  # the self-interactions' random fields lower it
        assert L.alpha_c(P, 0.0, 1.0, 3).value < 0.9 * a_c


@pytest.mark.parametrize(("P", "alpha"), [(2, 0.05), (3, 0.05), (4, 0.01)])
def test_highest_retrieval_temperature_of_perfect_examples_is_the_storage_model(P, alpha):
    top = L.T_M(P, alpha, 1.0, 1, self_interactions=False)
    assert top == pytest.approx(dense.T_M(P, alpha), abs=1e-5)
    assert L.T_M(P, alpha, 0.5, 10, self_interactions=False) < top  # noisy data melt sooner


def test_critical_load_at_finite_T_is_the_storage_model():
    assert L.alpha_c(2, 0.1, 1.0, 1).value == pytest.approx(hopfield.alpha_c(0.1).value, abs=1e-7)


@pytest.mark.parametrize("protocol", ["supervised", "unsupervised"])
def test_critical_load_grows_with_the_data_and_bounds_the_solutions(protocol):
    values = [L.alpha_c(2, 0.0, 0.6, M, protocol=protocol).value for M in (5, 10, 20, 50)]
    assert np.all(np.diff(values) > 0)
    assert values[-1] < dense.alpha_c(2).value
    a_c = values[1]
    assert L.solve(2, 0.98 * a_c, 0.0, 0.6, 10, protocol=protocol).success
    assert not L.solve(2, 1.02 * a_c, 0.0, 0.6, 10, protocol=protocol).success


def test_unsupervised_needs_more_examples_at_high_load():
    sup = L.alpha_c(2, 0.0, 0.6, 10).value
    unsup = L.alpha_c(2, 0.0, 0.6, 10, protocol="unsupervised").value
    assert unsup < sup
    assert (
        L.alpha_c(3, 0.0, 0.6, 10, protocol="unsupervised").value < L.alpha_c(3, 0, 0.6, 10).value
    )


@pytest.mark.parametrize(("P", "alpha"), [(2, 0.0), (2, 0.05), (3, 0.05)])
def test_critical_dataset_size_is_where_the_archetype_is_learned(P, alpha):
    M_c = L.examples_c(P, alpha, 0.0, 0.6, m_min=0.9)

    def learned(M):
        s = L.solve(P, alpha, 0.0, 0.6, M)
        return s.success and s["m"] >= 0.9

    assert learned(M_c)
    assert not learned(M_c - 1)
    assert L.examples_c(P, 0.2, 0.0, 0.6) == math.inf  # beyond the storage model's alpha_c


def test_single_examples_are_stored_but_not_learned():
    """M = 1: the example is a stored pattern (overlap 1 with it, r with the archetype)."""
    s = L.solve(2, 0.05, 0.0, 0.6, 1)
    assert s.success
    assert s["m"] == pytest.approx(0.6 * hopfield.solve(0.05, 0.0)["m"], abs=1e-9)


def test_solutions_satisfy_their_equations():
    for P, alpha, T in [(2, 0.01, 0.2), (3, 0.005, 0.1), (4, 0.0002, 0.05)]:
        s = L.solve(P, alpha, T, 0.5, 12, protocol="unsupervised")
        assert s.success
        assert s.residual <= 1e-10
        mod, _ = L._model(P, alpha, T, 0.5, 12, "unsupervised", "exact", True)
        nt = s["n"] / math.sqrt(1 + mod.sig.rho)
        yt, t1, t2 = L._averages(mod, nt, mod.variance(s["q"]))
        assert (yt, t1, t2) == pytest.approx((nt, s["m"], s["q"]), abs=1e-9)


def test_no_retrieval_above_the_critical_load_is_said():
    s = L.solve(2, 0.1, 0.0, 0.6, 10)
    assert not s.success
    assert s.status != 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"r": 0.0}, r"quality r=0 must be in \(0, 1\]"),
        ({"r": 1.2}, r"quality r=1.2 must be in \(0, 1\]"),
        ({"M": 0}, r"M \(examples per archetype\)=0 must be >= 1"),
        ({"M": 2.5}, r"M \(examples per archetype\)=2.5 must be an integer"),
        ({"protocol": "teacher"}, r"protocol='teacher' is not one of"),
        ({"limit": "poisson"}, r"limit='poisson' is not one of"),
        ({"alpha": -0.1}, r"alpha=-0.1 must be"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = {"P": 3, "alpha": 0.0, "T": 0.1, "r": 0.5, "M": 4, **kwargs}
    with pytest.raises((ValueError, TypeError), match=match):
        L.solve(**args)


def test_gaussian_limit_takes_a_real_number_of_examples():
    s = L.solve(2, 0.0, 0.2, 0.5, 7.5, limit="gaussian")
    assert s.success


def test_unsupervised_example_state_memorizes_few_examples():
    """P = 3, r = 0.4: with 7 examples the example state (m = r) is far below the archetype
    state in free energy; with 31 it no longer exists (collapses onto the archetype state)."""
    few = L.solve_example(3, 0.0, 0.1, 0.4, 7)
    assert few.success
    assert few.branch == "example"
    assert few["m"] == pytest.approx(0.4, abs=1e-3)
    assert few["n2"] == pytest.approx(0.16, abs=1e-3)  # the class's other examples: r^2
    archetype = L.solve(3, 0.0, 0.1, 0.4, 7, protocol="unsupervised")
    assert few.free_energy < archetype.free_energy - 0.03
    many = L.solve_example(3, 0.0, 0.1, 0.4, 31)
    assert many.branch == "retrieval"
    assert many["m"] == pytest.approx(L.solve(3, 0.0, 0.1, 0.4, 31)["m"], abs=1e-8)
    assert many.free_energy == pytest.approx(L.solve(3, 0.0, 0.1, 0.4, 31).free_energy, abs=1e-8)
    with pytest.raises(ValueError, match="P=2 has no example state"):
        L.solve_example(2, 0.0, 0.1, 0.4, 7)


@pytest.mark.parametrize(("P", "T", "wins"), [(4, 0.0237706, True), (3, 0.0988533, False)])
def test_unsupervised_example_state_at_high_load_wins_where_an_example_outweighs_the_archetype(
    P, T, wins
):
    """The learning_phase figure's unsupervised panel, r = 0.5, M = 12, half of alpha_c: at
    P = 4 an example outweighs the archetype (M r^4 = 0.75 < 1 + (M - 1) r^8) and the
    example state lies below the archetype state (where the Monte Carlo finds example
    states); at P = 3 (M r^3 = 1.5) the example state collapses onto the archetype state."""
    alpha = 0.5 * L.alpha_c(P, T, 0.5, 12, protocol="unsupervised").value
    archetype = L.solve(P, alpha, T, 0.5, 12, protocol="unsupervised")
    example = L.solve_example(P, alpha, T, 0.5, 12)
    assert archetype.success
    assert example.success
    if wins:
        assert example.branch == "example"
        assert example["m"] == pytest.approx(0.5, abs=1e-3)
        assert example.free_energy < archetype.free_energy - 0.005
    else:
        assert example.branch == "retrieval"
        assert example.free_energy == pytest.approx(archetype.free_energy, abs=1e-8)


# --- the phase diagram (theory.learning_phase) ---------------------------------------------

DISTINCT = {"self_interactions": False}


@pytest.mark.parametrize("T", [1.1, 1.5])
def test_glass_line_of_perfect_examples_is_ags(T):
    """r = 1 and M = inf: the spin glass bifurcates at T_g = 1 + sqrt(alpha); below T = 1 the
    glass exists at any load."""
    assert LP.glass_load(2, T, 1.0, 1) == pytest.approx((T - 1) ** 2, rel=1e-12)
    assert LP.glass_load(2, T, 0.5, math.inf, protocol="unsupervised") == pytest.approx(
        (T - 1) ** 2, rel=1e-12
    )
    assert hopfield.T_g(LP.freezing_load(2, T, 1.0, 1)) == pytest.approx(T, rel=1e-12)
    assert LP.glass_load(2, 0.8, 1.0, 1) == 0.0


def test_unsupervised_glass_line_closes_the_spectrum():
    """P = 2 unsupervised: 1 = beta^2 sum_k alpha_k w_k^2/(1 - beta w_k)^2 over the examples'
    spectrum (strength 1 at load alpha, w = (1 - r^2)/(M R) at load alpha (M - 1))."""
    T, r, M = 1.3, 0.5, 4
    alpha = LP.glass_load(2, T, r, M, protocol="unsupervised")
    w = (1 - r * r) / (M * (r * r + (1 - r * r) / M))
    total = alpha / (T - 1) ** 2 + alpha * (M - 1) * w * w / (T - w) ** 2
    assert total == pytest.approx(1.0, rel=1e-10)
    # the state really appears there: q > 0 just above, the paramagnet just below
    above = L.solve(2, 1.02 * alpha, T, r, M, protocol="unsupervised", branch="spin glass")
    below = L.solve(2, 0.98 * alpha, T, r, M, protocol="unsupervised", branch="spin glass")
    assert above.success
    assert above["q"] > 1e-3
    assert below["q"] < 1e-6


def test_instability_line_of_perfect_examples_is_ags():
    T = hopfield.T_AT(0.12)
    assert LP.instability_load(2, T, 1.0, 1) == pytest.approx(0.12, rel=1e-6)
    assert LP.instability_load(2, T, 0.5, math.inf) == pytest.approx(0.12, rel=1e-6)


def test_instability_line_of_perfect_examples_is_the_replicon_of_the_solution():
    """P = 3 storage model: the replicon of theory.learning.solve changes sign across it."""
    T = 0.1
    alpha = LP.instability_load(3, T, 1.0, 1, **DISTINCT)
    assert alpha < dense.alpha_c(3, T).value
    assert L.solve(3, 0.99 * alpha, T, 1.0, 1, **DISTINCT).stability > 0
    assert L.solve(3, 1.01 * alpha, T, 1.0, 1, **DISTINCT).stability < 0


@pytest.mark.parametrize(("P", "alpha"), [(3, 0.1), (3, 0.12)])
def test_instability_line_approaches_its_low_T_asymptote(P, alpha):
    """T_AT -> (4/3) xi''(1) p_h(0) as the load (and T_AT) fall: within 3% at alpha = 0.1,
    the finite-T corrections growing towards the spinodal."""
    T = LP.instability_temperature_low_T(P, alpha, 1.0, 1, **DISTINCT)
    found = LP.instability_load(P, T, 1.0, 1, **DISTINCT)
    assert found == pytest.approx(alpha, rel=0.03 if alpha < 0.11 else 0.07)


@pytest.mark.parametrize(
    ("P", "T_peak", "alpha_peak"),
    [(3, 0.1548586, 0.15485863), pytest.param(4, 0.0383535, 0.038353463, marks=pytest.mark.slow)],
)
def test_instability_line_meets_the_spinodal_at_its_maximum(P, T_peak, alpha_peak):
    """Storage model, P >= 3: the RS instability line ends on the spinodal at the maximum of the
    reentrant alpha_c(T) (the values of theory.dense.alpha_c_peak, checked in the slow case)."""
    if P == 4:
        assert dense.alpha_c_peak(P) == pytest.approx((T_peak, alpha_peak), rel=1e-5)
    T, alpha = LP.instability_meets_spinodal(
        P, 1.0, 1, **DISTINCT, T_range=(0.98 * T_peak, 1.02 * T_peak)
    )
    assert abs(T - T_peak) < 2e-3 * T_peak
    assert alpha == pytest.approx(alpha_peak, rel=1e-6)


@pytest.mark.slow
def test_pairwise_instability_line_meets_the_spinodal_above_its_maximum():
    """P = 2 (AGS): at T = 0.0251, alpha = 0.138186, above the maximum 0.138189 at T = 0.0229:
    there hopfield.T_AT reaches T_M."""
    T, alpha = LP.instability_meets_spinodal(2, 1.0, 1, T_range=(0.02, 0.03))
    assert abs(T - 0.02507) < 1e-4
    assert hopfield.T_M(alpha) == pytest.approx(T, abs=1e-4)
    assert hopfield.alpha_c_peak()[1] - alpha == pytest.approx(2.6e-6, abs=3e-7)


def test_equilibrium_line_of_perfect_examples_is_the_storage_model():
    assert LP.equilibrium_load(2, 0.3, 1.0, 1) == pytest.approx(0.0450307, abs=1e-6)  # AGS
    a = LP.equilibrium_load(3, 0.2, 1.0, 1, **DISTINCT)  # above T_entropy: vs the paramagnet
    assert dense.T_c(3, a) == pytest.approx(0.2, abs=1e-5)
    assert LP.equilibrium_load(3, 0.2, 0.5, math.inf, **DISTINCT) == pytest.approx(a, rel=1e-9)


@pytest.mark.slow
def test_pairwise_equilibrium_line_is_ags():
    assert hopfield.T_c(0.0450307) == pytest.approx(0.3, abs=1e-5)


def test_paramagnet_boundary_of_the_p_spin_is_its_entropy_crisis():
    """P = 3, distinct tuples, T = 0.2: the RS glass appears (a fold, alpha = 0.510) only after
    the paramagnet's entropy ln 2 - alpha/(2 P! T^2) has vanished (alpha = 0.333)."""
    onset = LP.glass_load(3, 0.2, 1.0, 1, **DISTINCT)
    above = L.solve(3, 1.01 * onset, 0.2, 1.0, 1, branch="spin glass", **DISTINCT)
    below = L.solve(3, 0.99 * onset, 0.2, 1.0, 1, branch="spin glass", **DISTINCT)
    assert above.success
    assert above["q"] > 0.2
    assert below["q"] < 1e-6
    alpha_f = LP.freezing_load(3, 0.2, 1.0, 1, **DISTINCT)
    assert dense.T_entropy(3, alpha_f) == pytest.approx(0.2, rel=1e-5)


def test_data_noise_shrinks_the_retrieval_region_not_the_glass():
    """rho > 0 moves the retrieval lines to lower loads; the m = 0 lines of the supervised network
    do not see the data (its cross-talk does not depend on r, M)."""
    T = 0.15
    clean = LP.phase_diagram(3, 1.0, 1, [T], lines=("spinodal", "glass"), limit="exact")
    noisy = LP.phase_diagram(3, 0.5, 12, [T], lines=("spinodal", "glass"))
    assert noisy.rho == pytest.approx(0.25)
    assert noisy.lines["spinodal"][0] < 0.8 * clean.lines["spinodal"][0]
    np.testing.assert_equal(noisy.lines["glass"], clean.lines["glass"])  # nan: a random field
    with pytest.raises(ValueError, match="unknown"):
        LP.phase_diagram(3, 0.5, 12, [T], lines=("spinodale",))
    with pytest.raises(ValueError, match="positive and finite"):
        LP.glass_load(3, 0.0, 0.5, 12)


# --- ultra-detection (theory.ultra_detection) ------------------------------------------------


def test_detection_exponent_is_the_derived_one():
    assert [U.threshold_exponent(P, 1) for P in (2, 3, 4)] == [0.0, 0.5, 0.5]
    assert U.threshold_exponent(4, 1.5) == 0.375
    assert U.threshold_exponent(4, 2) == 0.25
    assert U.threshold_exponent(3, 2) == 0.0  # ultra-storage: a finite rho is needed
    assert U.threshold_exponent(2, 0.5) == 0.5
    with pytest.raises(ValueError, match=r"b=2.5 .*b <= P - 1 = 2"):
        U.threshold_exponent(3, 2.5)


@pytest.mark.parametrize(("P", "b", "kappa"), [(4, 1.5, 0.5), (5, 2.0, 1.0)])
def test_amplification_bound_is_the_unstable_fixed_point_of_the_overlap_map(P, b, kappa):
    """n~' = sqrt(2/pi) n~^(P-1)/sqrt(n~^(2(P-1)) + c) grows from the cue n~_0 = (1+rho)^(-1/2)
    just below rho_amp and dies just above; rho_amp ~ N^((P-1-b)/(P-2)) exactly."""
    N = 400
    K = kappa * N**b
    t = U.detection_threshold(P, N, K)
    c = K * float(factorial2(2 * P - 3)) / N ** (P - 1)

    def fate(rho):
        n = 1 / math.sqrt(1 + rho)
        for _ in range(200):
            n = math.sqrt(2 / math.pi) * n ** (P - 1) / math.sqrt(n ** (2 * (P - 1)) + c)
        return n

    assert fate(0.9 * t.amplification) > 0.7
    assert fate(1.1 * t.amplification) < 0.01
    twice = U.detection_threshold(P, 2 * N, kappa * (2 * N) ** b)
    ratio = (1 + twice.amplification) / (1 + t.amplification)
    assert ratio == pytest.approx(2 ** ((P - 1 - b) / (P - 2)), rel=1e-12)


def test_competition_bound_and_pairwise_threshold():
    t = U.detection_threshold(3, 1000, 1000, M=3)
    assert t.competition == pytest.approx(1000 / (2 * math.log(1000)))
    assert t.rho == min(t.amplification, t.competition)
    assert t.r == pytest.approx(1 / math.sqrt(1 + 3 * t.rho))


@pytest.mark.slow
def test_pairwise_detection_threshold_is_the_critical_load():
    pair = U.detection_threshold(2, 400, 20, M=3)  # K/N = 0.05: alpha_c(rho_*) = 0.05
    r = 1 / math.sqrt(1 + 3 * pair.rho)
    assert L.alpha_c(2, 0.0, r, 3).value == pytest.approx(0.05, rel=1e-4)
    with pytest.raises(ValueError, match="no retrieval state"):
        U.detection_threshold(2, 100, 20)


@pytest.mark.parametrize(("P", "alpha", "T"), [(2, 0.02, 0.3), (3, 0.03, 0.1), (4, 0.004, 0.024)])
def test_constrained_state_is_free_at_the_retrieval_overlap_and_its_slope_is_the_field(
    P, alpha, T
):
    """Held at the retrieval state's own overlap no field is needed and f is solve's; away
    from it df/dm (central differences of the constrained f) is the field lambda."""
    free = L.solve(P, alpha, T, 0.5, 12)
    held = L.constrained(P, free["m"], alpha, T, 0.5, 12)
    assert held.success
    assert abs(held["lambda"]) < 1e-9
    assert held.free_energy == pytest.approx(free.free_energy, abs=1e-10)
    assert held["q"] == pytest.approx(free["q"], abs=1e-8)
    m, h = free["m"] - 0.1, 1e-4
    up, down = (L.constrained(P, m + s, alpha, T, 0.5, 12).free_energy for s in (h, -h))
    slope = L.constrained(P, m, alpha, T, 0.5, 12)["lambda"]
    assert (up - down) / (2 * h) == pytest.approx(slope, abs=1e-7)
    assert slope < 0  # below the retrieval overlap the free energy still falls


def test_constrained_slope_stops_dipping_below_zero_at_alpha_c():
    """P = 4: min over m of lambda(m) is negative just below the RS spinodal and positive
    just above it: the retrieval minimum of the Landau free energy disappears at alpha_c."""
    T = 0.024
    a_c = L.alpha_c(4, T, 0.5, 12).value

    def lowest(alpha: float) -> float:
        res = optimize.minimize_scalar(
            lambda m: L.constrained(4, m, alpha, T, 0.5, 12)["lambda"],
            bounds=(0.6, 0.85),
            method="bounded",
            options={"xatol": 1e-3},
        )
        return res.fun

    assert lowest(0.98 * a_c) < 0 < lowest(1.02 * a_c)


@pytest.mark.parametrize(
    ("m", "T", "match"),
    [(1.0, 0.1, "m=1"), (1.5, 0.1, "m"), (0.5, 0.0, "T=0"), (0.5, math.inf, "T")],
)
def test_constrained_refuses_overlaps_and_temperatures_it_cannot_hold(m, T, match):
    with pytest.raises(ValueError, match=match):
        L.constrained(3, m, 0.01, T, 0.5, 12)

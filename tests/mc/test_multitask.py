"""Monte Carlo of multitasking networks against the RS amplitudes (theory.multitask)."""

from __future__ import annotations

import pytest

from hebbian.mc.multitask import amplitudes
from hebbian.theory import multitask as MT


@pytest.mark.parametrize("d", [0.4, 0.7])
def test_zero_T_amplitudes_land_on_the_theory(d):
    """d = 0.4: the hierarchical closed form; d = 0.7: beyond it, the RS amplitudes."""
    mc = amplitudes(3, d, 0.0, 4000, n_samples=6, seed=1)
    theory = sorted((MT.solve(3, d, 0.0)[f"m{k}"] for k in (1, 2, 3)), reverse=True)
    for k in range(3):
        assert abs(mc[f"m{k + 1}"] - theory[k]) < 4 * mc[f"error{k + 1}"] + 2e-3


def test_learned_multitasking_protocols_agree_at_low_load():
    """Supervised and unsupervised networks from M = 40 examples (r = 0.5) share the state."""
    common = (3, 0.4, 0.0, 3000)
    sup = amplitudes(*common, r=0.5, M=40, n_samples=5, seed=2)
    unsup = amplitudes(*common, r=0.5, M=40, protocol="unsupervised", n_samples=5, seed=2)
    theory = MT.solve(3, 0.4, 0.0, rho=0.75 / (40 * 0.25))
    for k in (1, 2, 3):
        err = 4 * (sup[f"error{k}"] + unsup[f"error{k}"]) + 3e-3
        assert abs(sup[f"m{k}"] - unsup[f"m{k}"]) < err
        assert abs(sup[f"m{k}"] - theory[f"m{k}"]) < 4 * sup[f"error{k}"] + 3e-3


def test_unresolvable_levels_are_warned():
    with pytest.warns(UserWarning, match="cannot be resolved"):
        amplitudes(6, 0.3, 0.0, 200, n_samples=1, seed=0)


def test_beyond_low_storage_the_pure_state_lands_on_the_ags_theory():
    """d = 0.2, alpha N = 90 further diluted patterns at N = 3000: RS 0.7971."""
    mc = amplitudes(1, 0.2, 0.0, 3000, alpha=0.03, n_samples=4, seed=4)
    theory = MT.solve(1, 0.2, 0.0, alpha=0.03, start="pure", method="hybrid")["m1"]
    assert abs(mc["m1"] - theory) < 4 * mc["error1"] + 3e-3

"""Network families plug into the samplers: one module and a registry entry, nothing else."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from hebbian import Hopfield, ModernHopfield, binary_patterns
from hebbian.mc import kernel_model
from hebbian.mc.model import _BUILDERS

# A family written as a user would: the pairwise energy change in its plainest
# form, registered for a subclass of Hopfield.  Numba's cache goes to a temporary
# folder, so the test's parameter class never enters the package's cache.
NEW_FAMILY = textwrap.dedent("""
    import math
    from typing import NamedTuple

    import numpy as np
    from numba.extending import register_jitable

    from hebbian import Hopfield, binary_patterns
    from hebbian.mc import Dynamics, init, kernel_model, step
    from hebbian.mc import _interface
    from hebbian.mc.model import Family, integer_sums, pattern_model, register


    class Pairwise(NamedTuple):
        scale: float


    @register_jitable
    def begin(p, S, aux, r):
        return 0


    @register_jitable
    def delta(p, xi_t, i, s, S, aux, r, extra):
        h = 0
        for mu in range(S.shape[1]):
            h += xi_t[i, mu] * (S[r, mu] - xi_t[i, mu] * s)
        return 2.0 * s * p.scale * float(h)


    @register_jitable
    def flip(p, xi_t, i, s, S, aux, r, extra):
        for mu in range(S.shape[1]):
            S[r, mu] -= 2 * s * xi_t[i, mu]
        return extra


    _interface.implements(Pairwise, begin=begin, delta=delta, flip=flip)


    def delta_array(xp, p, i, s, S, x, n_mu):
        return 2.0 * s * p.scale * xp.sum(x * (S - x * s[..., None]), axis=-1)


    FAMILY = Family(
        "pairwise", lambda model, S: (integer_sums(model, S), np.zeros((0, model.K))), delta_array
    )


    class MyHopfield(Hopfield):
        pass


    @register(MyHopfield)
    def build(network):
        return pattern_model(network, FAMILY, Pairwise(1.0 / network.N))


    xi = binary_patterns(7, 60, rng=1)
    mine, builtin = MyHopfield(xi), Hopfield(xi)
    assert kernel_model(mine).kind == "pairwise" and kernel_model(builtin).kind == "polynomial"
    for dyn in (Dynamics(T=0.4), Dynamics(T=0.8, rule="heat-bath", order="sequential")):
        chains = []
        for net, backend in ((mine, "numba"), (mine, "numpy"), (builtin, "numba")):
            state = init(net, n_replicas=2, start="pattern", m0=0.8, rng=3)
            step(kernel_model(net), state, dyn, 20, backend=backend)
            chains.append((state.sigma, state.S, state.counts))
        for other in chains[1:]:
            assert all(np.array_equal(a, b) for a, b in zip(chains[0], other))
    print("same chains")
""")


def test_a_new_family_in_its_own_module_runs_through_the_generic_kernels(tmp_path):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", NEW_FAMILY], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "same chains" in done.stdout


def test_every_registered_network_builds_a_model_of_its_family():
    names = {cls.__name__ for cls in _BUILDERS}
    assert {"DenseHopfield", "ExponentialDAM", "LearnedNetwork", "SherringtonKirkpatrick"} <= names


def test_a_network_no_family_registered_is_refused_by_name():
    with pytest.raises(TypeError, match="ModernHopfield has no sampler; pass a DenseHopfield"):
        kernel_model(ModernHopfield(np.eye(3), beta=1.0))


def test_one_transposed_copy_of_the_patterns_per_network():
    net = Hopfield(binary_patterns(5, 40, rng=2))
    a, b = kernel_model(net), kernel_model(net)
    assert a.xi_t is b.xi_t
    assert not a.xi_t.flags.writeable
    assert kernel_model(Hopfield(net.patterns)).xi_t is not a.xi_t

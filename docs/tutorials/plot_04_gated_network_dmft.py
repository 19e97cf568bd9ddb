"""
A gated network: dynamical mean-field theory against simulation
===============================================================

The gated rate network of Krishnamurthy, Can and Schwab (2022) has an
update gate (time scales) and an output gate (dimensionality).  Its
dynamical mean-field theory (:func:`hebbian.theory.gated_dmft.solve_gated`)
gives the variance ``Delta_0`` of the fields on the chaotic attractor and the
largest Lyapunov exponent; a simulation of one network at finite ``N``
(:class:`hebbian.rnn.GatedRNN`) measures both.
"""

# %%
# The theory at gain g = 3 with an output gate of gain 2.
import matplotlib.pyplot as plt
import numpy as np

from hebbian.rnn import GatedRNN, autocorrelation, lyapunov_spectrum
from hebbian.theory.gated_dmft import solve_gated

g, params = 3.0, {"alpha_r": 2.0, "beta_r": 0.0}
theory = solve_gated(g, **params)
print(theory)

# %%
# Simulation: one network of N = 300 neurons from a random state, the
# transient dropped; ``Delta_0`` is the mean of ``h_i^2`` over neurons and
# time.
net = GatedRNN.sample(300, g, rng=1, **params)
x0 = np.random.default_rng(2).standard_normal(net.n_dim)
run = net.simulate(x0, t_max=200.0, dt=0.05)
h = run.x[run.t > 50.0, : net.N]
print(f"Delta_0: simulation {np.mean(h**2):.3f}, DMFT {theory.Delta0:.3f}")
spectrum = lyapunov_spectrum(net, x0, n_exponents=1, t_max=200.0, dt=0.05, t_transient=50.0)
print(f"lambda_max: simulation {spectrum.exponents[0]:.3f}, DMFT {theory.lambda_max:.3f}")

# %%
# The autocorrelation of the fields, DMFT against the simulation.
dt = run.t[1] - run.t[0]
n_lags = int(10.0 / dt)
measured = autocorrelation(h, n_lags)
fig, ax = plt.subplots(figsize=(5, 3.2))
ax.plot(np.arange(n_lags) * dt, measured, "C0", label="simulation, N = 300")
ax.plot(theory.tau, theory.Delta, "k--", label="DMFT")
ax.set(xlim=(0, 10), xlabel="lag tau", ylabel="Delta(tau)")
ax.legend()
fig.tight_layout()
